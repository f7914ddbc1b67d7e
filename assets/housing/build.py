"""How each housing table is built, one pure function per table, named by the `build:` of its
contract (contracts/<table>.yml): each takes the internal DuckDB connection and the build's context
(core/declared.py: the housing and disclosure rules), writes its table and returns what the UI shows
beside the row count. The classification is sql/housing_areas.sql, the disclosure control
suppression.py (docs/housing.md, docs/privacy.md rule 6)."""

from assets.districts.build import linked_district_cells
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
    areas, after disclosure control."""
    pooled = ctx.housing_rules.pooled_district_shares
    known = {r[0] for r in con.execute("SELECT code FROM indicator_catalog WHERE districts").fetchall()}
    if unknown := [code for code in pooled if code not in known]:
        raise ValueError(f"housing_rules.yaml: pooled_district_shares names {unknown}, not district-level "
                         "indicators of the catalog")
    # judged with the tables it pools and every table linked to them, as district_values judges them
    breakdown, cells, linked = linked_district_cells(con, pooled)
    names = dict(con.execute("SELECT code, name FROM code_districts").fetchall())
    shares = build_district_shares(cells, names, ctx.disclosure, breakdown, linked)
    write_table(con, "housing_district_shares", shares, casts={"suppression_reason": "VARCHAR", "note": "VARCHAR"})
    return {}
