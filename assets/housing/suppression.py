"""Housing areas' disclosure control and published shapes (docs/housing.md, docs/privacy.md rule 6):
the published housing_areas, housing_summary and housing_decomposition from their internal counts,
and the district shares. Pure functions on a DuckDB connection or DataFrames; the builds beside
(build.py) call them."""

import numpy as np
import pandas as pd

from core.disclosure import primary, secondary, suppress
from core.rounding import half_away
from core.warehouse import execute_with, write_table

GROUP_PRIMARY = "primary: fewer than {d} persons aged 18-64, or 1-{c} persons with (or without) transfer income"
GROUP_SECONDARY = "secondary: protects another suppressed group from subtraction from 'all'"
GROUP_ALL = "secondary: too few groups to protect a suppressed one"


def publish_decomposition(con, min_count: int, min_denominator: int) -> None:
    """The published housing_decomposition from housing_decomposition_counts (docs/privacy.md,
    rule 6): a group with fewer than min_denominator persons aged 18-64 at either date, or 1 to
    min_count - 1 persons with (or without) transfer income, is withheld; since the groups of a
    pair of dates add up to 'all', more groups are withheld until the withheld ones hold at least
    min_denominator persons together and are at least two, else 'all' is withheld too."""
    df = con.execute("SELECT * FROM housing_decomposition_counts").fetchdf()

    def small(x: pd.Series) -> pd.Series:
        return x.between(1, min_count - 1)  # NaN: False

    tiny = (df[["residents_from", "residents_to"]].isna().any(axis=1)
            | (df[["residents_from", "residents_to"]] < min_denominator).any(axis=1))
    few = (small(df["transfer_from"]) | small(df["residents_from"] - df["transfer_from"])
           | small(df["transfer_to"]) | small(df["residents_to"] - df["transfer_to"]))
    df["suppression_reason"] = np.where(tiny | few, GROUP_PRIMARY.format(d=min_denominator, c=min_count - 1), None)
    groups = df[df["area_type"] != "all"].copy()
    groups["numerator"] = groups[["residents_from", "residents_to"]].min(axis=1)
    unprotected = secondary(groups, ("period_from", "period_to"), min_denominator, reason=GROUP_SECONDARY)
    df.loc[groups.index, "suppression_reason"] = groups["suppression_reason"]
    for key in unprotected:
        hit = (df["area_type"] == "all") & (df["period_from"] == key[0]) & (df["period_to"] == key[1])
        df.loc[hit & df["suppression_reason"].isna(), "suppression_reason"] = GROUP_ALL
    df["suppression_reason"] = df["suppression_reason"].astype("string")
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
AREA_SECONDARY = "secondary: protects another suppressed area from subtraction from its type's pooled share"
AREA_SMALL_TYPE = "area_type withheld: fewer than {n} persons aged 18-64"


def publish_housing_areas(con, min_count: int, min_denominator: int) -> None:
    """Make the published housing_areas from the internal housing_area_classes, and keep the pooled
    shares housing_summary must withhold in housing_withheld_pooled (docs/privacy.md, rule 6).

    An area's count outside the labour market (and its shares) is suppressed when it, or its
    complement, is 1 to min_count - 1 or fewer than min_denominator are aged 18-64 (primary).
    housing_summary publishes the pooled share of the vulnerable and of the high-risk areas, and
    housing_areas every area's residents aged 18-64, so a lone suppressed area of a type could be
    recovered from the pooled share: within each month and type, more areas are suppressed until
    at least two are and together they hold at least min_count persons (secondary); where that is
    impossible the pooled share itself is withheld. The decision is the same under every rule
    set's row of an area and month, since the counts are."""
    # one cell per area and month (the counts are the same under every rule set), typed by the rule
    # in force; a month no rule set covers is still protected, it only has no pooled share
    classes = con.execute(
        "SELECT area_id, reference_period, any_value(area_type) FILTER (WHERE rule_in_force) AS area_type, "
        "any_value(outside_labour_market) AS numerator, any_value(residents_18_64) AS denominator "
        "FROM housing_area_classes GROUP BY area_id, reference_period").fetchdf()
    classes = classes.assign(counts_persons=True, has_denominator=True, is_share=True)
    classes["suppression_reason"] = primary(classes, min_count, min_denominator)
    pooled = classes["area_type"].isin(list(POOLED_TYPES))
    margins = classes[pooled].copy()
    unprotected = secondary(margins, ("reference_period", "area_type"), min_count, reason=AREA_SECONDARY)
    classes.loc[margins.index, "suppression_reason"] = margins["suppression_reason"]
    decisions = classes[["area_id", "reference_period", "suppression_reason"]].astype("string")
    withheld = pd.DataFrame(unprotected, columns=["reference_period", "area_type"]).astype("string")
    write_table(con, "housing_withheld_pooled", withheld)  # internal: read by publish_housing_summary
    execute_with(con, """
        CREATE OR REPLACE TABLE housing_areas AS
        SELECT c.* EXCLUDE (movein_flexible, movein_combined, max_section_small) REPLACE (
                   CASE WHEN d.suppression_reason IS NULL THEN c.outside_labour_market END AS outside_labour_market,
                   CASE WHEN d.suppression_reason IS NULL THEN c.share_outside END AS share_outside,
                   CASE WHEN d.suppression_reason IS NULL AND NOT c.max_section_small
                        THEN c.max_section_share END AS max_section_share,
                   CASE WHEN c.residents_18_64 >= $min_denominator THEN c.area_type END AS area_type),
               d.suppression_reason IS NOT NULL AS suppressed,
               nullif(concat_ws('; ', d.suppression_reason,
                         CASE WHEN c.max_section_small AND d.suppression_reason IS NULL
                              THEN 'max_section_share withheld: its section is too small' END,
                         CASE WHEN c.residents_18_64 < $min_denominator THEN $small_type END), '') AS suppression_reason
        FROM housing_area_classes c
        LEFT JOIN decisions d USING (area_id, reference_period)
        ORDER BY c.reference_date, c.area_id, c.rule_set""",
                 {"min_denominator": min_denominator, "small_type": AREA_SMALL_TYPE.format(n=min_denominator)},
                 decisions=decisions)


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
               CASE WHEN wv.area_type IS NOT NULL OR wh.area_type IS NOT NULL
                    THEN 'pooled share withheld: too few areas of the type to protect a small one' END
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
        ORDER BY s.reference_period""")


def build_district_shares(cells: pd.DataFrame, names: dict, min_count: int, min_denominator: int) -> pd.DataFrame:
    districts = cells[cells["district"] != "KBH"].assign(
        indicator="HOU-M2+HOU-1", counts_persons=True, has_denominator=True, is_share=True)
    judged = suppress(districts, min_count, min_denominator, group=("reference_period",))
    city = cells[cells["district"] == "KBH"].assign(suppressed=False, suppression_reason=None)
    df = pd.concat([judged, city], ignore_index=True)
    city_num = df[df["district"] == "KBH"].set_index("reference_period")["numerator"]
    no_one = df["denominator"].fillna(0).eq(0)
    df["note"] = np.where(no_one, "no vulnerable or high-risk area in the district", None)
    hidden = df["suppressed"] | no_one
    df["share_of_city"] = np.where(hidden, np.nan, (100 * df["numerator"] / df["reference_period"].map(city_num)))
    df["share_outside"] = np.where(hidden, np.nan, 100 * df["numerator"] / df["denominator"].replace(0, np.nan))
    df = df.sort_values(["district", "reference_period"])
    prev = df.groupby("district")["share_outside"].shift()
    df["change_since_previous_pp"] = (df["share_outside"] - prev)
    for col in ("share_of_city", "share_outside", "change_since_previous_pp"):
        df[col] = half_away(df[col].astype("float64"), 1)
    df["district_name"] = df["district"].map(names)
    df["reference_date"] = pd.to_datetime(df["reference_date"]).dt.date
    return df[["district", "district_name", "reference_period", "reference_date", "share_of_city", "share_outside",
               "change_since_previous_pp", "suppressed", "suppression_reason", "note", "published_round"]
              ].sort_values(["reference_period", "district"]).reset_index(drop=True)
