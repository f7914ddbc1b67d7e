-- Indicators computed from the submission rows in force: one row per edition key x indicator x
-- reference period x district, plus the city (KBH) from the summed district counts.
-- The rows come from the temp view observation_rows, which the caller sets
-- (assets/indicators/observations.py): the rows in force as of one round (edition_key = that
-- round; the area assets, '9999-99' = everything delivered), or the rows in force at each round
-- that changed a series' period (edition_key = that round; the vintages' back catalogue).
-- $area: a policy area, or NULL for all. Set-based: one pass over the rows, whatever their number.
-- The last three columns (edition_key, period_value = the period's own value before a running
-- sum, is_cumulative) are not stored in indicator_observations.
WITH src AS (
    SELECT
        c.code, c.area, c.computation, c.population_group AS c_group, c.reference_group AS c_ref,
        c.districts AS district_level, c.catalog_version,
        r.*
    FROM observation_rows AS r
    JOIN indicator_catalog AS c
      ON r.indicator = c.source
     AND (c.sex IS NULL OR r.sex = c.sex)
     AND r.population_group IN (c.population_group, c.reference_group)
    WHERE CAST($area AS VARCHAR) IS NULL OR c.area = $area
),
scoped AS (  -- each district row counts for its district and for the city; a KBH row of a
             -- district-level series is a control total (control_total_differences), not data
    SELECT *, district AS unit FROM src WHERE district <> 'KBH'
    UNION ALL
    SELECT *, 'KBH' AS unit FROM src WHERE district <> 'KBH' OR NOT district_level
),
agg AS (
    SELECT
        edition_key, code, unit, reference_period,
        any_value(area) AS area, any_value(computation) AS computation,
        any_value(reference_date) AS reference_date, any_value(period_type) AS period_type,
        sum(numerator)   FILTER (WHERE population_group = c_group) AS gn,
        sum(denominator) FILTER (WHERE population_group = c_group) AS gd,
        any_value(value) FILTER (WHERE population_group = c_group) AS gv,
        -- sum of squares from each cell's mean and sd, to pool the sd exactly across cells
        sum(CASE WHEN denominator > 0 THEN (denominator - 1) * coalesce(sd, 0) ^ 2
                 + numerator ^ 2 / denominator END) FILTER (WHERE population_group = c_group) AS gss,
        sum(numerator)   FILTER (WHERE population_group = c_ref) AS rn,
        sum(denominator) FILTER (WHERE population_group = c_ref) AS rd,
        sum(CASE WHEN denominator > 0 THEN (denominator - 1) * coalesce(sd, 0) ^ 2
                 + numerator ^ 2 / denominator END) FILTER (WHERE population_group = c_ref) AS rss,
        bool_or(sd IS NOT NULL) AS has_sd,
        count(*) AS source_rows,
        list(DISTINCT file_name || ' (v' || version || ')' ORDER BY file_name || ' (v' || version || ')') AS source_files,
        max(round) AS published_round,
        any_value(catalog_version) AS catalog_version
    FROM scoped
    GROUP BY edition_key, code, unit, reference_period
),
valued AS (
    -- The formula of each computation is its definition, spelled here once (docs/catalog.md,
    -- "Computations"); what a computation implies beyond it (a percentage, a mean, a running sum)
    -- is read from its code list, schemas/code_lists/computations.csv (code_computations).
    SELECT agg.*, k.is_cumulative,
        CASE agg.computation
            WHEN 'rate'      THEN 100 * gn / nullif(gd, 0)
            WHEN 'mean'      THEN gn / nullif(gd, 0)
            WHEN 'count'     THEN gn
            WHEN 'cumulative_count' THEN gn
            WHEN 'gap_rate'  THEN 100 * rn / nullif(rd, 0) - 100 * gn / nullif(gd, 0)
            WHEN 'gap_mean'  THEN rn / nullif(rd, 0) - gn / nullif(gd, 0)
            WHEN 'reported'  THEN gv
        END AS raw_value,
        CASE WHEN k.is_percentage THEN 100 * rn / nullif(rd, 0)
             WHEN k.is_mean THEN rn / nullif(rd, 0) END AS ref_value
    FROM agg
    JOIN code_computations AS k ON k.code = agg.computation
)
SELECT
    code AS indicator, area, reference_period, reference_date, period_type, unit AS district,
    CASE WHEN is_cumulative
         THEN sum(raw_value) OVER (PARTITION BY edition_key, code, unit ORDER BY reference_date
                                   ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
         ELSE raw_value END AS value,
    ref_value AS reference_value,
    CASE WHEN is_cumulative
         THEN sum(gn) OVER (PARTITION BY edition_key, code, unit ORDER BY reference_date
                            ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
         ELSE gn END AS numerator,
    gd AS denominator, rn AS reference_numerator, rd AS reference_denominator,
    CASE WHEN has_sd AND gd > 1 THEN sqrt(greatest(gss - gn ^ 2 / gd, 0) / (gd - 1)) END AS group_sd,
    CASE WHEN has_sd AND rd > 1 THEN sqrt(greatest(rss - rn ^ 2 / rd, 0) / (rd - 1)) END AS reference_sd,
    source_rows, source_files, published_round, catalog_version,
    edition_key, raw_value AS period_value, is_cumulative
FROM valued
