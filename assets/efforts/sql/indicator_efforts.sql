-- The published `indicator_efforts`: which indicators each effort supports (the statement's
-- `indicators` cell), with the effort's budget in the statement's year, so a reader of the barometer
-- can see, per indicator, the efforts and money aimed at it.
SELECT
    e.statement_year,
    i.code AS indicator,
    i.area AS indicator_area,
    e.department,
    e.committee,
    e.effort_id,
    e.effort_name,
    e.budget_statement_year_dkk,
    e.file_name
FROM efforts e, unnest(e.indicators) AS u(code)
JOIN indicator_catalog i ON i.code = u.code
ORDER BY e.statement_year, indicator, e.department, e.effort_id
