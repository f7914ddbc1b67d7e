-- Classify every housing area at every date under every ministry rule set (rule_in_force marks
-- the one in force at that date), with Copenhagen's area types and why a listing changed.
-- Needs housing_rule_sets and housing_city_types (catalog/housing_rules.yaml).
CREATE OR REPLACE VIEW current_area_rows AS
SELECT r.* FROM housing_area_rows r
JOIN submission_winners w
  ON w.round = r.round AND w.department = r.department AND w.kind = 'areas' AND w.version = r.version
QUALIFY r.round = max(r.round) OVER (PARTITION BY r.department, r.area_id, r.reference_period);

-- housing_area_classes: internal, every count. housing_areas (published, assets/housing/suppression.py): move-in
-- counts left out (small numbers of households) and small counts of persons suppressed (core/disclosure).
CREATE OR REPLACE TABLE housing_area_classes AS
WITH tmf AS (
    SELECT area_id, reference_period,
           any_value(reference_date) AS reference_date, any_value(area_name) AS area_name,
           any_value(area_group) AS area_group, any_value(district) AS district,
           count(*) FILTER (WHERE section IS NOT NULL) AS sections,
           sum(residents) AS residents, sum(residents_18_64) AS residents_18_64,
           sum(outside_labour_market) AS outside_labour_market, sum(family_dwellings) AS family_dwellings,
           max(CASE WHEN residents_18_64 > 0 THEN 100 * outside_labour_market / residents_18_64 END)
               AS max_section_share,
           -- the rows reaching that highest share: whether it may be published is decided by
           -- disclosure control (core/disclosure, docs/privacy.md)
           list({'numerator': outside_labour_market, 'denominator': residents_18_64})
               FILTER (WHERE row_share = row_max_share) AS max_section_cells,
           max(round) AS published_round
    FROM (
        SELECT *,
               CASE WHEN residents_18_64 > 0 THEN 100 * outside_labour_market / residents_18_64 END AS row_share,
               max(row_share) OVER (PARTITION BY area_id, reference_period) AS row_max_share
        FROM current_area_rows WHERE department = 'TMF'
    )
    GROUP BY area_id, reference_period
),
sof AS (
    SELECT area_id, reference_period, sum(movein_flexible) AS movein_flexible,
           sum(movein_combined) AS movein_combined
    FROM current_area_rows WHERE department = 'SOF'
    GROUP BY area_id, reference_period
),
areas AS (
    SELECT t.*, 100 * t.outside_labour_market / nullif(t.residents_18_64, 0) AS share_outside,
           s.movein_flexible, s.movein_combined
    FROM tmf t LEFT JOIN sof s USING (area_id, reference_period)
),
judged AS (
    SELECT a.*, r.id AS rule_set, r.rules_version,
           r.valid_from <= a.reference_date AND (r.valid_to IS NULL OR a.reference_date <= r.valid_to) AS rule_in_force,
           a.residents >= r.min_residents
               AND CASE WHEN r.share_in_any_section
                        THEN greatest(coalesce(a.share_outside, 0), coalesce(a.max_section_share, 0))
                        ELSE coalesce(a.share_outside, 0) END > r.share_above
               AS on_ministry_list
    FROM areas a CROSS JOIN housing_rule_sets r
),
typed AS (
    SELECT j.*,
           CASE WHEN on_ministry_list THEN 'vulnerable'
                ELSE (SELECT t.type FROM housing_city_types t WHERE coalesce(j.share_outside, 0) >= t.min_share
                      ORDER BY t.min_share DESC LIMIT 1) END AS area_type
    FROM judged j
),
baseline AS (  -- the first month with a full delivery: at least half the median number of areas
               -- per month (one stray early row must not make every area "first reported" later)
    WITH per_month AS (SELECT reference_date, count(*) AS n FROM typed WHERE rule_in_force GROUP BY 1)
    SELECT min(reference_date) AS baseline FROM per_month
    WHERE n >= 0.5 * (SELECT median(n) FROM per_month)
),
history AS (  -- the in-force classification at the area's previous date, and that date's counts
              -- judged under the rule set in force now
    SELECT cur.*,
           lag(cur.on_ministry_list) OVER w AS previously_listed,
           lag(cur.reference_period) OVER w AS previous_period,
           cur.reference_date > (SELECT baseline FROM baseline) AND lag(cur.area_id) OVER w IS NULL
               AS first_reported_later
    FROM typed cur
    WHERE cur.rule_in_force
    WINDOW w AS (PARTITION BY cur.area_id ORDER BY cur.reference_date)
),
explained AS (
    SELECT h.*,
           prev_now.on_ministry_list AS previous_listed_under_current_rule,
           CASE WHEN h.first_reported_later AND h.on_ministry_list THEN 'first reported'
                WHEN h.previously_listed IS NULL OR h.previously_listed = h.on_ministry_list THEN NULL
                WHEN prev_now.on_ministry_list = h.on_ministry_list THEN 'rule change'
                ELSE 'residents' END AS change_reason
    FROM history h
    LEFT JOIN typed prev_now
      ON prev_now.area_id = h.area_id AND prev_now.reference_period = h.previous_period
     AND prev_now.rule_set = h.rule_set
)
SELECT
    t.area_id, t.area_name, t.area_group, t.district, t.reference_period, t.reference_date,
    t.rule_set, t.rule_in_force, t.sections, CAST(t.residents AS BIGINT) AS residents,
    CAST(t.residents_18_64 AS BIGINT) AS residents_18_64, CAST(t.outside_labour_market AS BIGINT) AS outside_labour_market,
    publish_round(t.share_outside, 1) AS share_outside, publish_round(t.max_section_share, 1) AS max_section_share,
    t.max_section_cells,
    t.area_type, t.on_ministry_list,
    e.previous_period, e.previously_listed, e.change_reason,
    coalesce(t.on_ministry_list AND e.change_reason IN ('residents', 'first reported'), false) AS new_vulnerable,
    CAST(t.family_dwellings AS BIGINT) AS family_dwellings, CAST(t.movein_flexible AS BIGINT) AS movein_flexible,
    CAST(t.movein_combined AS BIGINT) AS movein_combined, t.published_round, t.rules_version
FROM typed t
LEFT JOIN explained e ON e.area_id = t.area_id AND e.reference_period = t.reference_period AND t.rule_in_force
ORDER BY t.reference_date, t.area_id, t.rule_set;

CREATE OR REPLACE TABLE housing_summary_counts AS
SELECT
    reference_period, any_value(reference_date) AS reference_date, any_value(rule_set) AS rule_set,
    count(*) AS areas,
    count(*) FILTER (WHERE on_ministry_list) AS vulnerable_areas,
    list(area_name ORDER BY area_name) FILTER (WHERE on_ministry_list) AS vulnerable_area_names,
    count(*) FILTER (WHERE area_type = 'high_risk') AS high_risk_areas,
    count(*) FILTER (WHERE area_type = 'risk') AS risk_areas,
    count(*) FILTER (WHERE area_type = 'neutral') AS neutral_areas,
    CAST(sum(family_dwellings) FILTER (WHERE on_ministry_list) AS BIGINT) AS family_dwellings_vulnerable,
    publish_round(100 * sum(outside_labour_market) FILTER (WHERE area_type = 'vulnerable')
          / nullif(sum(residents_18_64) FILTER (WHERE area_type = 'vulnerable'), 0), 1) AS share_outside_vulnerable,
    publish_round(100 * sum(outside_labour_market) FILTER (WHERE area_type = 'high_risk')
          / nullif(sum(residents_18_64) FILTER (WHERE area_type = 'high_risk'), 0), 1) AS share_outside_high_risk,
    count(*) FILTER (WHERE change_reason = 'rule change') AS moved_by_rule_change,
    count(*) FILTER (WHERE change_reason = 'rule change' AND on_ministry_list) AS listed_by_rule_change,
    count(*) FILTER (WHERE change_reason = 'rule change' AND NOT on_ministry_list) AS delisted_by_rule_change,
    count(*) FILTER (WHERE change_reason = 'residents') AS moved_by_residents,
    count(*) FILTER (WHERE change_reason = 'first reported') AS first_reported_listed,
    count(*) FILTER (WHERE new_vulnerable) AS new_vulnerable_areas,
    list(area_name ORDER BY area_name) FILTER (WHERE new_vulnerable) AS new_vulnerable_area_names
FROM housing_area_classes
WHERE rule_in_force
GROUP BY reference_period
ORDER BY reference_period;

-- The published housing_areas and housing_summary are made from these after disclosure control
-- (decided by core/disclosure, shaped by assets/housing/suppression.py: publish_housing_areas).
