"""How district_values is built, named by the `build:` of its contract (contracts/district_values.yml):
the district cells with their counts (sql/district_breakdown.sql, internal), then every
district-level indicator per district beside the city after disclosure control (values.py)."""

from assets.districts.values import build_district_values
from core import disclosure
from core.disclosure import describe
from core.warehouse import sql, write_table


def linked_district_cells(con, pooled: list[str], breakdown=None):
    """What disclosure control judges as one problem (docs/privacy.md rule 7): the district cells
    of every district-level indicator (sql/district_breakdown.sql), the pooled table's cells
    (housing_district_shares.sql: the indicators of housing_rules.yaml's pooled_district_shares
    summed) and the linked sets declared by the catalog (`source`, `sex`) and the housing rules.
    district_values and housing_district_shares both judge these, so they decide alike."""
    if breakdown is None:
        breakdown = con.execute(sql("district_breakdown.sql")).fetchdf()
    pooled_cells = disclosure.pooled_cells(
        con.execute(sql("housing_district_shares.sql"), {"pooled": pooled}).fetchdf(), pooled)
    catalog = con.execute("SELECT code, source, districts FROM indicator_catalog").fetchdf()
    return breakdown, pooled_cells, disclosure.links(catalog, [pooled])


def district_values(con, ctx) -> dict:
    rules = ctx.disclosure
    # internal: the district cells with their counts, for the data team (never published)
    con.execute("CREATE OR REPLACE TABLE district_breakdown AS " + sql("district_breakdown.sql"))
    breakdown = con.execute("SELECT * FROM district_breakdown").fetchdf()
    _, pooled, linked = linked_district_cells(con, ctx.housing_rules.pooled_district_shares, breakdown)
    districts = con.execute("SELECT code, name FROM code_districts").fetchdf()
    values = build_district_values(breakdown, districts, rules, [pooled], linked)
    write_table(con, "district_values", values, casts={"rank": "INTEGER", "ranked_districts": "INTEGER",
                                                       "suppression_reason": "VARCHAR", "note": "VARCHAR"})
    cells = dict(con.execute(
        "SELECT coalesce(split_part(suppression_reason, ':', 1), 'published'), count(*) "
        "FROM district_values GROUP BY 1").fetchall())
    return {"cells": cells,
            "disclosure_rules": describe(rules)}
