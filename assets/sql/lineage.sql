-- Which submission rows produce each published figure: one row per indicator x district (KBH
-- included) x period x contributing submission row. Same join as observations.sql, unaggregated.
CREATE OR REPLACE VIEW observation_lineage AS
WITH src AS (
    SELECT c.code AS indicator, c.catalog_version, r.*
    FROM current_rows AS r
    JOIN indicator_catalog AS c
      ON r.indicator = c.source
     AND (c.sex IS NULL OR r.sex = c.sex)
     AND r.population_group IN (c.population_group, c.reference_group)
)
SELECT indicator, district AS unit, reference_period, round, department, file_name, file_sha256,
       source_row, population_group, sex, numerator, denominator, value, catalog_version
FROM src WHERE district <> 'KBH'
UNION ALL
SELECT indicator, 'KBH' AS unit, reference_period, round, department, file_name, file_sha256,
       source_row, population_group, sex, numerator, denominator, value, catalog_version
FROM src;
