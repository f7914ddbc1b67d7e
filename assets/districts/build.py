"""How district_values is built, named by the `build:` of its contract (contracts/district_values.yml):
the district cells with their counts (sql/district_breakdown.sql, internal), then every
district-level indicator per district beside the city after disclosure control (values.py)."""

from assets.districts.values import build_district_values
from core.disclosure import describe
from core.warehouse import sql, write_table


def district_values(con, ctx) -> dict:
    rules = ctx.disclosure
    # internal: the district cells with their counts, for the data team (never published)
    con.execute("CREATE OR REPLACE TABLE district_breakdown AS " + sql("district_breakdown.sql"))
    breakdown = con.execute("SELECT * FROM district_breakdown").fetchdf()
    districts = con.execute("SELECT code, name FROM code_districts").fetchdf()
    values = build_district_values(breakdown, districts, rules)
    write_table(con, "district_values", values, casts={"rank": "INTEGER", "ranked_districts": "INTEGER",
                                                       "suppression_reason": "VARCHAR", "note": "VARCHAR"})
    cells = dict(con.execute(
        "SELECT coalesce(split_part(suppression_reason, ':', 1), 'published'), count(*) "
        "FROM district_values GROUP BY 1").fetchall())
    return {"cells": cells,
            "disclosure_rules": describe(rules)}
