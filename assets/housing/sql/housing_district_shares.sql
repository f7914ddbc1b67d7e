-- Persons on transfer income in vulnerable and high-risk areas, pooled ($pooled: the indicators
-- of catalog/housing_rules.yaml's pooled_district_shares, HOU-M2 + HOU-1),
-- per district and date: the district's share of the city's persons (the report's "Nørrebro
-- holds 34.8 %") and the pooled share outside the labour market (whose change is the report's
-- decline table). Internal counts; disclosure control is applied before publishing.
SELECT
    o.district, o.reference_period, any_value(o.reference_date) AS reference_date,
    sum(o.numerator) AS numerator, sum(o.denominator) AS denominator,
    list(o.indicator ORDER BY o.indicator) AS indicators, max(o.published_round) AS published_round
FROM indicator_observations o
WHERE list_contains(CAST($pooled AS VARCHAR[]), o.indicator)
GROUP BY o.district, o.reference_period
HAVING count(DISTINCT o.indicator) = len(CAST($pooled AS VARCHAR[]))
ORDER BY o.reference_period, o.district
