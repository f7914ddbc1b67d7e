"""How each housing table is built, one pure function per table, named by the `build:` of its
contract (contracts/<table>.yml): each takes the internal DuckDB connection and the build's context
(core/declared.py: the housing and disclosure rules), writes its table and returns what the UI shows
beside the row count. The classification is sql/housing_areas.sql, the disclosure control
suppression.py (docs/housing.md, docs/privacy.md rule 6)."""

from assets.housing.suppression import (
    build_district_shares,
    publish_decomposition,
    publish_housing_areas,
    publish_housing_summary,
)
from core.warehouse import execute_script, sql, write_table


def housing_areas(con, ctx) -> dict:
    """Every area classified under every rule set at every month, after disclosure control."""
    rules, disclosure = ctx.housing_rules, ctx.disclosure
    write_table(con, "housing_rule_sets", rules.rule_sets_frame())
    write_table(con, "housing_city_types", rules.city_types_frame())
    execute_script(con, sql("housing_areas.sql"))
    publish_housing_areas(con, disclosure)
    return {"rules_version": rules.version}


def housing_summary(con, ctx) -> dict:
    """One row per month under the rule set in force, its pooled shares withheld where
    housing_areas' disclosure control says so."""
    publish_housing_summary(con)
    by_month = con.execute("SELECT reference_period, rule_set, vulnerable_areas, moved_by_rule_change, "
                           "new_vulnerable_areas FROM housing_summary").fetchdf()
    return {"by_month": by_month}


def housing_decomposition(con, ctx) -> dict:
    """The change in persons on transfer income by area type, split into net moving and the rest."""
    execute_script(con, sql("housing_decomposition.sql"))
    publish_decomposition(con, ctx.disclosure)
    return {"table": con.execute("SELECT * FROM housing_decomposition").fetchdf()}


def housing_district_shares(con, ctx) -> dict:
    """Each district's share of the city's persons on transfer income in vulnerable and high-risk
    areas, after the disclosure control district_values decided for the pooled cells (rule 7)."""
    judged = con.execute("SELECT * FROM pooled_district_cells").fetchdf()
    names = dict(con.execute("SELECT code, name FROM code_districts").fetchall())
    shares = build_district_shares(judged, names)
    write_table(con, "housing_district_shares", shares, casts={"suppression_reason": "VARCHAR", "note": "VARCHAR"})
    return {}
