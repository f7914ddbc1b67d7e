-- The published `projects`: one row per project x project-bank year (the November delivery in force
-- for the year), its priority areas in order, its period and budget, and its municipal co-financing in
-- that year; with the file and rows it was delivered in.
SELECT
    delivery_year AS year,
    project_id,
    max(project_name) AS project_name,
    max(owner_department) AS owner_department,
    list_filter(regexp_split_to_array(max(priority_areas), '[^A-Za-z0-9_-]+'), lambda x: x <> '') AS priority_areas,
    list_filter(regexp_split_to_array(max(priority_areas), '[^A-Za-z0-9_-]+'), lambda x: x <> '')[1] AS first_priority_area,
    max(start_month) AS start_month,
    max(end_month) AS end_month,
    max(total_budget_dkk) AS total_budget_dkk,
    max(status) AS status,
    max(status) = 'active' AS active,
    coalesce(sum(cofinancing_dkk) FILTER (WHERE year = delivery_year), 0) AS cofinancing_dkk,
    sum(cofinancing_dkk) AS cofinancing_all_years_dkk,
    department AS delivered_by,
    any_value(round) AS round,
    any_value(version) AS version,
    any_value(file_name) AS file_name,
    list_sort(list(source_row)) AS source_rows
FROM project_rows_in_force
GROUP BY delivery_year, project_id, department
ORDER BY year, project_id
