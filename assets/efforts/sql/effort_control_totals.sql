-- The published `effort_control_totals`: every control total a statement states (a year's total, or
-- the grand total without a year) beside the sum of the statement's rows it should equal. The
-- stated figure is never used as a figure: the rows are (effort_budget); a difference is a warning
-- (the contract's check) naming the file, the total's row and the rows summed.
WITH stated AS (
    SELECT department, statement_year, budget_year, round, version, file_name, source_row AS total_row,
           budget_dkk AS stated_dkk
    FROM effort_rows_in_force WHERE row_type = 'total'
),
rows AS (
    SELECT department, statement_year, budget_year, budget_dkk, source_row
    FROM effort_rows_in_force WHERE row_type = 'effort'
),
summed AS (
    SELECT s.department, s.statement_year, s.budget_year, s.total_row,
           coalesce(sum(r.budget_dkk), 0) AS summed_dkk,
           coalesce(list_sort(list(r.source_row) FILTER (WHERE r.source_row IS NOT NULL)), []::INTEGER[]) AS rows_summed
    FROM stated s
    LEFT JOIN rows r ON r.department = s.department AND r.statement_year = s.statement_year
                    AND (s.budget_year IS NULL OR r.budget_year = s.budget_year)
    GROUP BY s.department, s.statement_year, s.budget_year, s.total_row
)
SELECT
    s.statement_year,
    s.department,
    s.budget_year,
    s.stated_dkk,
    m.summed_dkk,
    s.stated_dkk - m.summed_dkk AS difference_dkk,
    abs(s.stated_dkk - m.summed_dkk) < 0.5 AS agrees,
    s.round,
    s.version,
    s.file_name,
    s.total_row,
    m.rows_summed
FROM stated s
JOIN summed m USING (department, statement_year, total_row)
ORDER BY s.statement_year, s.department, s.budget_year NULLS LAST
