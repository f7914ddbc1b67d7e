-- The published `budget_by_committee`: the integration budget of a year by policy area and committee.
-- A year's figures are those its own statements give for that year (budget_year = statement_year);
-- a committee that sent no statement for the year is carried forward from an earlier statement only
-- where catalog/effort_carry_forward.csv declares it (table effort_carry_forward), flagged and with
-- its note; a declaration for a committee that did deliver is not used (its statement is).
WITH own AS (
    SELECT statement_year AS year, department, committee, area, budget_dkk, statement_year, file_name,
           false AS carried_forward, NULL::VARCHAR AS carry_forward_note
    FROM effort_budget WHERE budget_year = statement_year
),
carried AS (
    SELECT c.year, b.department, b.committee, b.area, b.budget_dkk, b.statement_year, b.file_name,
           true AS carried_forward, c.note_da || ' (' || c.note_en || ')' AS carry_forward_note
    FROM effort_carry_forward c
    JOIN effort_budget b ON b.department = c.department AND b.statement_year = c.from_year
                        AND b.budget_year = c.from_year
    WHERE NOT EXISTS (SELECT 1 FROM effort_budget o WHERE o.department = c.department AND o.statement_year = c.year)
),
alls AS (SELECT * FROM own UNION ALL SELECT * FROM carried)
SELECT
    a.year,
    a.area,
    a.committee,
    cm.display_code AS committee_display_code,
    cm.name_da AS committee_name_da,
    a.department,
    sum(a.budget_dkk) AS budget_dkk,
    round(sum(a.budget_dkk) / 1e6, 2) AS budget_mdkk,
    a.statement_year,
    a.carried_forward,
    a.carry_forward_note,
    list_sort(list_distinct(list(a.file_name))) AS files
FROM alls a
LEFT JOIN code_committees cm ON cm.code = a.committee
GROUP BY ALL
ORDER BY a.year, a.area, a.committee
