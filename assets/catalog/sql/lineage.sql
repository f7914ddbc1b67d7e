-- Which submission rows produce each published figure: one row per indicator x district (KBH
-- included) x period x contributing submission row. Same join as observations.sql, unaggregated.
CREATE OR REPLACE VIEW observation_lineage AS
WITH src AS (
    SELECT c.code AS indicator, c.districts AS district_level, c.catalog_version, r.*
    FROM current_rows AS r
    JOIN indicator_catalog AS c
      ON r.indicator = c.source
     AND (c.sex IS NULL OR r.sex = c.sex)
     AND r.population_group IN (c.population_group, c.reference_group)
)
SELECT indicator, district AS unit, reference_period, round, department, version, file_name, file_sha256,
       source_row, population_group, sex, numerator, denominator, value, catalog_version
FROM src WHERE district <> 'KBH'
UNION ALL
SELECT indicator, 'KBH' AS unit, reference_period, round, department, version, file_name, file_sha256,
       source_row, population_group, sex, numerator, denominator, value, catalog_version
FROM src WHERE district <> 'KBH' OR NOT district_level;

-- A department's KBH control totals of district-level series against the sum of its districts:
-- one row per series x period x group x sex that has a control total and differs from the sum.
CREATE OR REPLACE VIEW control_total_differences AS
SELECT r.indicator AS series, r.reference_period, r.population_group, r.sex,
       any_value(r.department) AS department, any_value(r.file_name) AS file_name,
       min(r.source_row) FILTER (WHERE r.district = 'KBH') AS control_row,
       sum(r.numerator) FILTER (WHERE r.district <> 'KBH')   AS districts_numerator,
       sum(r.numerator) FILTER (WHERE r.district = 'KBH')    AS control_numerator,
       sum(r.denominator) FILTER (WHERE r.district <> 'KBH') AS districts_denominator,
       sum(r.denominator) FILTER (WHERE r.district = 'KBH')  AS control_denominator
FROM current_rows r
WHERE r.indicator IN (SELECT source FROM indicator_catalog WHERE districts)
GROUP BY r.indicator, r.reference_period, r.population_group, r.sex
HAVING count(*) FILTER (WHERE r.district = 'KBH') > 0
   AND (coalesce(districts_numerator, 0) <> coalesce(control_numerator, 0)
        OR coalesce(districts_denominator, 0) <> coalesce(control_denominator, 0));
