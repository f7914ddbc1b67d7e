-- The back catalogue's never-published editions (temp table reconstructed_editions: edition) with
-- the city figures as they stood in each, in one pass. changed_figures (transform.py) holds each
-- indicator's city figure per period (or none: NULL) as computed at every round that changed the
-- period (observations.sql on rows_by_change): a figure holds from its round until the period's next
-- change, so each edition takes, per period, the figure of the latest change at or before it. A
-- running sum (is_cumulative) is then summed over the periods within each edition, as
-- observations.sql does within one edition key.
INSERT INTO reconstructed_figures
WITH spans AS (
    SELECT *, lead(changed_in) OVER (PARTITION BY indicator, reference_period ORDER BY changed_in) AS until
    FROM changed_figures
),
spread AS (
    SELECT e.edition, s.*
    FROM spans s
    JOIN reconstructed_editions e ON e.edition >= s.changed_in AND (s.until IS NULL OR e.edition < s.until)
),
valued AS (
    SELECT edition, indicator, reference_period,
        CASE WHEN is_cumulative
             THEN sum(period_value) OVER (PARTITION BY edition, indicator ORDER BY reference_date
                                          ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
             ELSE period_value END AS value
    FROM spread
)
SELECT v.edition, v.indicator, v.reference_period, publish_round(v.value, c.decimals)
FROM valued v JOIN indicator_catalog c ON c.code = v.indicator
WHERE v.value IS NOT NULL;
