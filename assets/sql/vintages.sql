-- Each round's figures as first published beside the latest (revised) figures.
CREATE OR REPLACE TABLE barometer_vintages AS
SELECT
    v.vintage_round, v.indicator, v.reference_period, h.reference_date,
    v.value AS value_as_published,
    h.value AS latest_value,
    h.published_round AS latest_round,
    coalesce(h.value IS DISTINCT FROM v.value, true) AS revised,
    round(h.value - v.value, c.decimals) AS revision,
    v.frozen_at
FROM indicator_vintages v
JOIN indicator_catalog c ON c.code = v.indicator
LEFT JOIN barometer_history h ON h.indicator = v.indicator AND h.reference_period = v.reference_period
ORDER BY v.vintage_round, v.indicator, v.reference_period;
