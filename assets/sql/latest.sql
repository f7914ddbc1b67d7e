-- One row per indicator: its latest measurement, previous value, light, baseline and target.
-- (Progress toward the target is added in Python: assets/progress.py.)
WITH latest AS (
    SELECT *, count(*) OVER (PARTITION BY indicator) AS n_measurements
    FROM barometer_history
    QUALIFY row_number() OVER (PARTITION BY indicator ORDER BY reference_date DESC) = 1
),
baseline AS (  -- the catalog's baseline period, else the first measurement
    SELECT h.indicator, h.reference_period AS baseline_period, h.reference_date AS baseline_date,
           h.value AS baseline_value
    FROM barometer_history h JOIN indicator_catalog c ON h.indicator = c.code
    QUALIFY row_number() OVER (PARTITION BY h.indicator
                               ORDER BY (h.reference_period = c.baseline) DESC, h.reference_date) = 1
)
SELECT
    l.indicator, l.area, l.title_en, l.title_da, l.unit, l.direction, l.main_goal,
    l.reference_period, l.reference_date, l.value,
    l.previous_period, l.previous_value, l.change_since_previous,
    l.light, l.light_reason, l.significance, l.test, l.p_value, l.series_break, l.caveat,
    l.comparison_group, l.comparison_value,
    b.baseline_period, b.baseline_date, b.baseline_value,
    c.target_value,
    CASE WHEN c.target_date IS NOT NULL
         THEN last_day(CAST(c.target_date || '-01' AS DATE)) END AS target_date,
    c.target_text,
    l.n_measurements, c.responsible, c.delivered_by, l.published_round, l.catalog_version
FROM latest l
JOIN indicator_catalog c ON l.indicator = c.code
LEFT JOIN baseline b ON l.indicator = b.indicator
ORDER BY l.area, l.indicator
