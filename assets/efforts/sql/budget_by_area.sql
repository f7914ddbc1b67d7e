-- The published `budget_by_area`: the integration budget of a year by policy area (seed 002 ch. 13),
-- the sum of budget_by_committee, carried-forward parts flagged.
SELECT
    b.year,
    b.area,
    a.label_da AS area_name_da,
    a.label_en AS area_name_en,
    sum(b.budget_dkk) AS budget_dkk,
    round(sum(b.budget_dkk) / 1e6, 1) AS budget_mdkk,
    list_sort(list_distinct(list(b.committee))) AS committees,
    bool_or(b.carried_forward) AS includes_carried_forward,
    string_agg(DISTINCT b.carry_forward_note, ' / ') AS carry_forward_note
FROM budget_by_committee b
LEFT JOIN code_areas a ON a.code = b.area
GROUP BY ALL
ORDER BY b.year, b.area
