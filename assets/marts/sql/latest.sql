-- One row per catalog indicator: its latest measurement (if any), previous value, light, baseline and target.
-- (Progress toward the target is added in Python: assets/indicators/progress.py.)
WITH latest AS (
    SELECT *, count(*) OVER (PARTITION BY indicator) AS n_measurements
    FROM barometer_history
    QUALIFY row_number() OVER (PARTITION BY indicator ORDER BY reference_date DESC) = 1
),
latest_round AS (  -- the round being published: the latest with an accepted indicator delivery
    SELECT max(round) AS round FROM submission_tracker WHERE version_in_force IS NOT NULL
),
baseline AS (  -- the catalog's baseline period, else the first measurement
    SELECT h.indicator, h.reference_period AS baseline_period, h.reference_date AS baseline_date,
           h.value AS baseline_value
    FROM barometer_history h JOIN indicator_catalog c ON h.indicator = c.code
    QUALIFY row_number() OVER (PARTITION BY h.indicator
                               ORDER BY (h.reference_period = c.baseline) DESC, h.reference_date) = 1
)
SELECT
    c.code AS indicator, c.area, c.title_en, c.title_da, c.unit, c.direction, c.main_goal,
    c.policy_period, c.policy_goal,
    l.reference_period, l.reference_date, l.value,
    l.previous_period, l.previous_value, l.change_since_previous,
    l.light,
    coalesce(l.light_reason, 'no measurement delivered yet') AS light_reason,
    l.significance, l.test, l.p_value, l.series_break, l.caveat,
    c.reference_group AS comparison_group, l.comparison_value,
    b.baseline_period, b.baseline_date, b.baseline_value,
    c.target_value,
    CASE WHEN c.target_date IS NOT NULL
         THEN last_day(CAST(c.target_date || '-01' AS DATE)) END AS target_date,
    c.target_text,
    coalesce(l.n_measurements, 0) AS n_measurements, c.responsible, c.delivered_by,
    l.published_round,
    -- due in the latest round but no new figure arrived: the last value stands, flagged
    coalesce(l.published_round < lr.round
             AND CASE WHEN right(lr.round, 2) = '05' THEN c.due_spring ELSE c.due_november END, false)
        AS carried_forward,
    CASE WHEN l.published_round < lr.round
              AND CASE WHEN right(lr.round, 2) = '05' THEN c.due_spring ELSE c.due_november END
         THEN 'no new figure in round ' || lr.round || ' (' || c.delivered_by || ': '
              || coalesce(t.status, 'missing') || '); last value from round ' || l.published_round END
        AS carried_forward_reason,
    c.catalog_version
FROM indicator_catalog c                      -- every catalog indicator, measured or not
CROSS JOIN latest_round lr
LEFT JOIN latest l ON l.indicator = c.code
LEFT JOIN baseline b ON c.code = b.indicator
LEFT JOIN submission_tracker t ON t.round = lr.round AND t.department = c.delivered_by
ORDER BY c.area, c.code
