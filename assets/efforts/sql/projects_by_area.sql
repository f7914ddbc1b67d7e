-- The published `projects_by_area`: active projects and their municipal co-financing in a year by
-- policy area (seed 002 ch. 9, table 1), counted by first priority (adds up to the year's total) and by
-- any priority (a project under three areas counts in each: does not add up).
WITH years AS (SELECT DISTINCT year FROM projects),
active AS (SELECT * FROM projects WHERE active),
anyp AS (SELECT year, unnest(priority_areas) AS area, cofinancing_dkk FROM active)
SELECT
    y.year,
    a.code AS area,
    a.label_da AS area_name_da,
    a.label_en AS area_name_en,
    (SELECT count(*) FROM active p WHERE p.year = y.year AND p.first_priority_area = a.code)
        AS active_projects_first_priority,
    (SELECT count(*) FROM anyp p WHERE p.year = y.year AND p.area = a.code) AS active_projects_any_priority,
    (SELECT coalesce(sum(cofinancing_dkk), 0) FROM active p WHERE p.year = y.year AND p.first_priority_area = a.code)
        AS cofinancing_first_priority_dkk,
    (SELECT coalesce(sum(cofinancing_dkk), 0) FROM anyp p WHERE p.year = y.year AND p.area = a.code)
        AS cofinancing_any_priority_dkk
FROM years y CROSS JOIN code_areas a
ORDER BY y.year, a.code
