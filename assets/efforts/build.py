"""How the budget tables are built where a SQL file alone will not do, named by the `build:` of
their contracts (contracts/<table>.yml): budget_by_committee reads the carry-forward declarations
kept beside the catalog (catalog/effort_carry_forward.csv, validated when loaded) before its SQL."""

from core.warehouse import sql, write_table
from schemas.efforts import load_carry_forward


def budget_by_committee(con, ctx) -> dict:
    """A year's budget by area and committee: the year's own statements, and the statements a
    declaration carries forward for a committee that sent none (flagged, with the note)."""
    declared = load_carry_forward(ctx.warehouse.catalog_path.parent / "effort_carry_forward.csv")
    write_table(con, "effort_carry_forward", declared, casts={
        "department": "VARCHAR", "year": "INTEGER", "from_year": "INTEGER", "note_da": "VARCHAR", "note_en": "VARCHAR"})
    con.execute("CREATE OR REPLACE TABLE budget_by_committee AS\n" + sql("budget_by_committee.sql"))
    used = con.execute("SELECT DISTINCT year, department, carry_forward_note FROM budget_by_committee "
                       "WHERE carried_forward ORDER BY 1, 2").fetchdf()
    return {"carried_forward": used}
