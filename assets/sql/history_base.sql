-- City-level series of every indicator, at published precision: the input of the light rules.
SELECT
    o.indicator, c.area, c.title_en, c.title_da, c.unit, c.decimals, c.direction, c.main_goal,
    o.reference_period, o.reference_date, o.period_type,
    round(o.value, c.decimals)           AS value,
    c.reference_group                    AS comparison_group,
    round(o.reference_value, c.decimals) AS comparison_value,
    o.published_round, o.source_files, o.source_rows, o.catalog_version
FROM indicator_observations AS o
JOIN indicator_catalog AS c ON o.indicator = c.code
WHERE o.district = 'KBH' AND o.value IS NOT NULL
ORDER BY o.indicator, o.reference_date
