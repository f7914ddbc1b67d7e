"""How district_values is built, named by the `build:` of its contract (contracts/district_values.yml):
the district cells with their counts (sql/district_breakdown.sql, internal), judged once for
disclosure together with every table linked to them (docs/privacy.md rule 7), then every
district-level indicator per district beside the city (values.py). The pooled housing table's
judged cells are kept for housing_district_shares (internal `pooled_district_cells`), so the two
tables publish one decision."""

from assets.districts.values import build_district_values
from core import disclosure
from core.disclosure import describe
from core.warehouse import sql, write_table


def _pooled_cells(con, pooled: list[str]):
    """The pooled table's district cells (housing_district_shares.sql: the indicators of
    housing_rules.yaml's pooled_district_shares summed), shaped to be judged."""
    known = {r[0] for r in con.execute("SELECT code FROM indicator_catalog WHERE districts").fetchall()}
    if unknown := [code for code in pooled if code not in known]:
        raise ValueError(f"housing_rules.yaml: pooled_district_shares names {unknown}, not district-level "
                         "indicators of the catalog")
    cells = con.execute(sql("housing_district_shares.sql"), {"pooled": pooled}).fetchdf()
    return disclosure.pooled_cells(cells, pooled)


def district_values(con, ctx) -> dict:
    rules, pooled = ctx.disclosure, ctx.housing_rules.pooled_district_shares
    # internal: the district cells with their counts, for the data team (never published)
    con.execute("CREATE OR REPLACE TABLE district_breakdown AS " + sql("district_breakdown.sql"))
    breakdown = con.execute("SELECT * FROM district_breakdown").fetchdf()
    catalog = con.execute("SELECT code, source, districts FROM indicator_catalog").fetchdf()
    # one judgement of every linked district cell: the breakdown and the pooled housing table
    judged, pooled_judged = disclosure.judge_together([breakdown, _pooled_cells(con, pooled)], rules,
                                                      disclosure.links(catalog, [pooled]))
    write_table(con, "pooled_district_cells", pooled_judged)   # internal: read by housing_district_shares
    # internal: the rule that withheld each cell (the published tables say only that it is withheld)
    decisions = judged.loc[judged["suppressed"].astype(bool),
                           ["indicator", "reference_period", "district", "suppression_reason"]]
    write_table(con, "district_decisions", decisions, casts={"suppression_reason": "VARCHAR"},
                order_by="indicator, reference_period, district")
    districts = con.execute("SELECT code, name FROM code_districts").fetchdf()
    values = build_district_values(judged, districts)
    write_table(con, "district_values", values, casts={"rank": "INTEGER", "ranked_districts": "INTEGER",
                                                       "suppression_reason": "VARCHAR", "note": "VARCHAR"})
    cells = dict(con.execute(
        "SELECT split_part(suppression_reason, ':', 1), count(*) FROM district_decisions GROUP BY 1").fetchall())
    cells["published"] = int(judged["suppressed"].eq(False).sum())
    return {"cells": cells,
            "disclosure_rules": describe(rules)}
