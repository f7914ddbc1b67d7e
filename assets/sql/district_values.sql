-- One row per district-level indicator x district (and KBH) x period, with primary disclosure
-- control: a figure resting on too few persons is replaced by NULL and marked with why.
-- $min_count, $min_denominator: catalog/disclosure.yaml.
CREATE OR REPLACE TABLE district_values AS
WITH base AS (
    SELECT o.*, c.computation, c.decimals, c.unit, c.counts_persons,
           c.computation IN ('rate', 'gap_rate', 'mean', 'gap_mean') AS has_denominator,
           c.computation IN ('rate', 'gap_rate') AS is_share
    FROM indicator_observations o
    JOIN indicator_catalog c ON o.indicator = c.code
    WHERE c.districts
),
judged AS (
    SELECT *,
        CASE
            WHEN NOT counts_persons THEN NULL  -- classes, schools, dwellings: not about individuals
            WHEN has_denominator AND coalesce(denominator, 0) = 0 THEN NULL
            WHEN has_denominator AND (denominator < $min_denominator
                                      OR coalesce(reference_denominator, $min_denominator) < $min_denominator)
                THEN 'denominator below ' || $min_denominator
            WHEN is_share AND (numerator BETWEEN 1 AND $min_count - 1
                               OR denominator - numerator BETWEEN 1 AND $min_count - 1)
                THEN 'fewer than ' || $min_count || ' persons/units with or without the trait'
            WHEN computation IN ('count', 'cumulative_count') AND numerator BETWEEN 1 AND $min_count - 1
                THEN 'count below ' || $min_count
        END AS suppression_reason
    FROM base
)
SELECT
    j.indicator, j.area, j.district, d.name AS district_name, j.district = 'KBH' AS is_city,
    j.reference_period, j.reference_date, j.period_type,
    CASE WHEN j.suppression_reason IS NULL THEN round(j.value, j.decimals) END AS value,
    j.unit,
    j.suppression_reason IS NOT NULL AS suppressed,
    j.suppression_reason,
    CASE WHEN j.has_denominator AND coalesce(j.denominator, 0) = 0 THEN 'no population in scope' END AS note,
    j.published_round, j.catalog_version
FROM judged j
JOIN code_districts d ON j.district = d.code
ORDER BY j.indicator, j.reference_date, coalesce(TRY_CAST(d.number AS INTEGER), 99);
