-- District cells of every district-level indicator with the counts behind them and the city's
-- figures (internal: unsuppressed; the published district_values is derived from this).
SELECT
    o.indicator, o.area, o.district, o.reference_period, o.reference_date, o.period_type,
    o.value, o.numerator, o.denominator, o.reference_denominator,
    city.value     AS city_value,
    city.numerator AS city_numerator,
    c.computation, c.decimals, c.unit, c.direction, c.counts_persons,
    k.needs_denominator AS has_denominator,
    k.is_percentage AS is_share,
    o.published_round, o.catalog_version,
    k.publishes_share_of_city, k.is_cumulative
FROM indicator_observations o
JOIN indicator_catalog c ON o.indicator = c.code
JOIN code_computations k ON k.code = c.computation  -- what the computation implies (computations.csv)
JOIN indicator_observations city
  ON city.indicator = o.indicator AND city.reference_period = o.reference_period AND city.district = 'KBH'
WHERE c.districts
ORDER BY o.indicator, o.reference_date, o.district
