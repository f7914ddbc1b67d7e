-- The change in persons 18-64 on transfer income between two dates by area type (the type at the
-- first date, vulnerable areas split by area_group), split into net moving (dwellings whose
-- residents all moved) and the change in dwellings not emptied. docs/housing.md. Internal, with the
-- counts; the published housing_decomposition is made from it after disclosure control
-- (decided by core/disclosure, shaped by assets/housing/suppression.py: publish_decomposition).
CREATE OR REPLACE TABLE housing_decomposition_counts AS
WITH d AS (
    SELECT r.* FROM dwelling_rows r
    JOIN submission_winners w
      ON w.round = r.round AND w.department = r.department AND w.kind = 'dwellings' AND w.version = r.version
    QUALIFY r.round = max(r.round) OVER (PARTITION BY r.area_id, r.period_from, r.period_to, r.dwelling_status)
),
typed AS (
    SELECT d.*,
           CASE WHEN a.area_type IS NULL THEN 'unclassified'
                WHEN a.area_type = 'vulnerable' THEN coalesce(a.area_group, 'other vulnerable')
                ELSE replace(a.area_type, '_', '-') END AS area_type_group,
           CASE WHEN a.area_type = 'vulnerable' AND a.area_group IS NOT NULL THEN 1
                WHEN a.area_type = 'vulnerable' THEN 2 WHEN a.area_type = 'high_risk' THEN 3
                WHEN a.area_type = 'risk' THEN 4 WHEN a.area_type = 'neutral' THEN 5 ELSE 6 END AS type_order
    FROM d
    -- the published classification: an area whose type is withheld (docs/privacy.md) counts as
    -- unclassified here too, or the groups' area counts would give its type back
    LEFT JOIN housing_areas a
      ON a.area_id = d.area_id AND a.reference_period = d.period_from AND a.rule_in_force
),
agg AS (
    SELECT period_from, period_to,
           CASE WHEN GROUPING(area_type_group) = 1 THEN 'all' ELSE area_type_group END AS area_type,
           CASE WHEN GROUPING(area_type_group) = 1 THEN 9 ELSE min(type_order) END AS type_order,
           count(DISTINCT area_id) AS areas,
           sum(dwellings) FILTER (WHERE dwelling_status = 'emptied') AS dwellings_emptied,
           sum(transfer_to - transfer_from) FILTER (WHERE dwelling_status = 'emptied') AS net_moving,
           sum(transfer_to - transfer_from) FILTER (WHERE dwelling_status = 'kept') AS not_emptied,
           sum(transfer_to - transfer_from) AS total_change,
           sum(transfer_from) AS transfer_from, sum(transfer_to) AS transfer_to,
           sum(residents_18_64_from) AS residents_from, sum(residents_18_64_to) AS residents_to,
           100 * sum(transfer_from) / nullif(sum(residents_18_64_from), 0) AS share_from,
           100 * sum(transfer_to) / nullif(sum(residents_18_64_to), 0) AS share_to
    FROM typed
    GROUP BY GROUPING SETS ((period_from, period_to, area_type_group), (period_from, period_to))
)
SELECT * FROM agg ORDER BY period_from, period_to, type_order;
