-- City-level series of every indicator at published precision, with the counts the light rules
-- test (internal: the counts are dropped before publishing).
SELECT
    o.indicator, c.area, c.title_en, c.title_da, c.unit, c.decimals, c.direction, c.main_goal,
    c.computation, c.source_kind, c.significance_level,
    o.reference_period, o.reference_date, o.period_type,
    publish_round(o.value, c.decimals)           AS value,
    c.reference_group                    AS comparison_group,
    publish_round(o.reference_value, c.decimals) AS comparison_value,
    o.numerator, o.denominator, o.reference_numerator, o.reference_denominator, o.group_sd, o.reference_sd,
    o.published_round, o.source_files, o.source_rows, o.catalog_version
FROM indicator_observations AS o
JOIN indicator_catalog AS c ON o.indicator = c.code
WHERE o.district = 'KBH' AND o.value IS NOT NULL
ORDER BY o.indicator, o.reference_date
