"""Housing areas' published shapes (docs/housing.md): the published housing_areas, housing_summary
and housing_decomposition from their internal counts, and the district shares, after disclosure
control (core/disclosure decides what is withheld, docs/privacy.md rule 6). Pure functions on a
DuckDB connection or DataFrames; the builds beside (build.py) call them."""

import numpy as np
import pandas as pd

from core import disclosure
from core.disclosure import DisclosureRules
from core.rounding import half_away
from core.warehouse import execute_with, write_table


def publish_decomposition(con, rules: DisclosureRules) -> None:
    """The published housing_decomposition from housing_decomposition_counts: every figure of a
    withheld group NULL (core/disclosure: decomposition_reasons)."""
    df = con.execute("SELECT * FROM housing_decomposition_counts").fetchdf()
    rule = disclosure.decomposition_reasons(df, rules)
    # internal: the rule that withheld each group; the published table says only that it is withheld
    write_table(con, "housing_decomposition_decisions",
                df.loc[rule.notna(), ["period_from", "period_to", "area_type"]].assign(suppression_reason=rule),
                casts={"period_from": "VARCHAR", "period_to": "VARCHAR", "area_type": "VARCHAR",
                       "suppression_reason": "VARCHAR"})
    df["suppression_reason"] = disclosure.public_reasons(rule)
    execute_with(con, """
        CREATE OR REPLACE TABLE housing_decomposition AS
        SELECT CAST(period_from AS VARCHAR) AS period_from, CAST(period_to AS VARCHAR) AS period_to,
               CAST(area_type AS VARCHAR) AS area_type, CAST(areas AS BIGINT) AS areas,
               CASE WHEN NOT hide THEN CAST(dwellings_emptied AS BIGINT) END AS dwellings_emptied,
               CASE WHEN NOT hide THEN CAST(net_moving AS BIGINT) END AS net_moving,
               CASE WHEN NOT hide THEN CAST(not_emptied AS BIGINT) END AS not_emptied,
               CASE WHEN NOT hide THEN CAST(total_change AS BIGINT) END AS total_change,
               CASE WHEN NOT hide THEN publish_round(CAST(share_from AS DOUBLE), 1) END AS share_from,
               CASE WHEN NOT hide THEN publish_round(CAST(share_to AS DOUBLE), 1) END AS share_to,
               CASE WHEN NOT hide THEN publish_round(CAST(share_to - share_from AS DOUBLE), 1) END AS share_change_pp,
               CAST(hide AS BOOLEAN) AS suppressed, CAST(suppression_reason AS VARCHAR) AS suppression_reason
        FROM (SELECT *, suppression_reason IS NOT NULL AS hide FROM published)
        ORDER BY period_from, period_to, type_order""", published=df)


# Copenhagen types whose pooled share housing_summary publishes (the margins that need protecting)
POOLED_TYPES = {"vulnerable": "share_outside_vulnerable", "high_risk": "share_outside_high_risk"}


def publish_housing_areas(con, rules: DisclosureRules) -> None:
    """Make the published housing_areas from the internal housing_area_classes, and keep in
    housing_withheld_pooled the pooled shares housing_summary must withhold (docs/privacy.md,
    rule 6). housing_summary publishes the pooled share of the vulnerable and of the high-risk
    areas, and housing_areas every area's residents aged 18-64: what each area and month may show,
    and which pooled shares are withheld, is decided by core/disclosure (housing_area_decisions).
    The decision is the same under every rule set's row of an area and month, since the counts are."""
    # one cell per area and month (the counts are the same under every rule set), typed by the rule
    # in force; a month no rule set covers is still protected, it only has no pooled share
    classes = con.execute(
        "SELECT area_id, reference_period, any_value(area_type) FILTER (WHERE rule_in_force) AS area_type, "
        "any_value(outside_labour_market) AS numerator, any_value(residents_18_64) AS denominator, "
        "any_value(max_section_cells) AS max_section_cells "
        "FROM housing_area_classes GROUP BY area_id, reference_period").fetchdf()
    decisions, withheld = disclosure.housing_area_decisions(classes, rules, pooled_types=POOLED_TYPES)
    write_table(con, "housing_withheld_pooled", withheld)  # internal: read by publish_housing_summary
    # internal: the rule that withheld each area's figures; the published table says only that they are
    write_table(con, "housing_area_decisions", decisions[decisions["suppression_reason"].notna()],
                casts={"suppression_reason": "VARCHAR"})
    decisions = decisions.assign(suppression_reason=disclosure.public_reasons(decisions["suppression_reason"]))
    execute_with(con, """
        CREATE OR REPLACE TABLE housing_areas AS
        SELECT c.* EXCLUDE (movein_flexible, movein_combined, max_section_cells) REPLACE (
                   CASE WHEN NOT d.suppressed THEN c.outside_labour_market END AS outside_labour_market,
                   CASE WHEN NOT d.suppressed THEN c.share_outside END AS share_outside,
                   CASE WHEN d.max_section_shown THEN c.max_section_share END AS max_section_share,
                   CASE WHEN d.type_shown THEN c.area_type END AS area_type),
               d.suppressed, d.suppression_reason
        FROM housing_area_classes c
        LEFT JOIN decisions d USING (area_id, reference_period)
        ORDER BY c.reference_date, c.area_id, c.rule_set""", decisions=decisions)


def publish_housing_summary(con) -> None:
    """Make the published housing_summary from the internal housing_summary_counts, the published
    housing_areas and the pooled shares publish_housing_areas withheld (housing_withheld_pooled)."""
    con.execute("""
        CREATE OR REPLACE TABLE housing_summary AS
        SELECT s.* REPLACE (
                   CASE WHEN wv.area_type IS NULL THEN s.share_outside_vulnerable END AS share_outside_vulnerable,
                   CASE WHEN wh.area_type IS NULL THEN s.share_outside_high_risk END AS share_outside_high_risk,
                   -- areas whose type is withheld are counted apart, or subtraction would give it back
                   coalesce(t.high_risk, 0) AS high_risk_areas, coalesce(t.risk, 0) AS risk_areas,
                   coalesce(t.neutral, 0) AS neutral_areas),
               coalesce(t.withheld, 0) AS type_withheld_areas,
               CASE WHEN wv.area_type IS NOT NULL OR wh.area_type IS NOT NULL THEN $pooled_withheld END
                   AS suppression_reason
        FROM housing_summary_counts s
        LEFT JOIN (SELECT reference_period,
                          count(*) FILTER (WHERE area_type = 'high_risk') AS high_risk,
                          count(*) FILTER (WHERE area_type = 'risk') AS risk,
                          count(*) FILTER (WHERE area_type = 'neutral') AS neutral,
                          count(*) FILTER (WHERE area_type IS NULL) AS withheld
                   FROM housing_areas WHERE rule_in_force GROUP BY reference_period) t
          ON t.reference_period = s.reference_period
        LEFT JOIN housing_withheld_pooled wv ON wv.reference_period = s.reference_period AND wv.area_type = 'vulnerable'
        LEFT JOIN housing_withheld_pooled wh ON wh.reference_period = s.reference_period AND wh.area_type = 'high_risk'
        ORDER BY s.reference_period""", {"pooled_withheld": disclosure.POOLED_WITHHELD})


def build_district_shares(judged: pd.DataFrame, names: dict) -> pd.DataFrame:
    """housing_district_shares from the pooled district counts as district_values judged them
    together with the district breakdown and the linked sets (internal pooled_district_cells,
    docs/privacy.md rule 7)."""
    df = judged.copy()
    city_num = df[df["district"] == disclosure.CITY].set_index("reference_period")["numerator"]
    no_one = df["denominator"].fillna(0).eq(0)
    df["note"] = np.where(no_one, "no vulnerable or high-risk area in the district", None)
    hidden = disclosure.withheld(df, no_one)
    df["share_of_city"] = np.where(hidden, np.nan, (100 * df["numerator"] / df["reference_period"].map(city_num)))
    df["share_outside"] = np.where(hidden, np.nan, 100 * df["numerator"] / df["denominator"].replace(0, np.nan))
    df = df.sort_values(["district", "reference_period"])
    prev = df.groupby("district")["share_outside"].shift()
    df["change_since_previous_pp"] = (df["share_outside"] - prev)
    for col in ("share_of_city", "share_outside", "change_since_previous_pp"):
        df[col] = half_away(df[col].astype("float64"), 1)
    df["district_name"] = df["district"].map(names)
    df["reference_date"] = pd.to_datetime(df["reference_date"]).dt.date
    df["suppression_reason"] = disclosure.public_reasons(df["suppression_reason"])  # the rule: pooled_district_cells
    return df[["district", "district_name", "reference_period", "reference_date", "share_of_city", "share_outside",
               "change_since_previous_pp", "suppressed", "suppression_reason", "note", "published_round"]
              ].sort_values(["reference_period", "district"]).reset_index(drop=True)
