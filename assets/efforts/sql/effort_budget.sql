-- The published `effort_budget`: one row per effort x budget year x policy area of each statement
-- in force, with the file and row it was delivered in. A statement's own control totals are not
-- here (effort_control_totals compares them with these rows).
SELECT
    r.statement_year,
    r.department,
    e.committee,
    r.effort_id,
    e.effort_name,
    r.budget_year,
    r.area,
    r.budget_dkk,
    r.round,
    r.version,
    r.file_name,
    r.source_row
FROM effort_rows_in_force r
JOIN efforts e USING (statement_year, department, effort_id)
WHERE r.row_type = 'effort'
ORDER BY r.statement_year, r.department, r.effort_id, r.budget_year, r.area
