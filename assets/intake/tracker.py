"""How submission_tracker is built, named by the `build:` of its contract
(contracts/submission_tracker.yml): sql/tracker.sql over the submission archive, and the round x
department status matrix the UI shows. Its check (every department due in the latest round
delivered) is the contract's. The carry-forward declarations of effort statements
(catalog/effort_carry_forward.csv, validated when loaded) say which missing statement is carried
forward."""

from core.warehouse import sql
from schemas.efforts import load_carry_forward


def submission_tracker(con, ctx) -> dict:
    declared = load_carry_forward(ctx.warehouse.catalog_path.parent / "effort_carry_forward.csv")
    con.register("carry_forward_declared_frame", declared.astype({"year": "int64"}))
    try:
        con.execute("CREATE OR REPLACE TEMP TABLE carry_forward_declared AS SELECT department, "
                    "CAST(year AS INTEGER) AS year FROM carry_forward_declared_frame")
    finally:
        con.unregister("carry_forward_declared_frame")
    con.execute(sql("tracker.sql"))
    latest = con.execute("SELECT max(round) FROM submission_tracker").fetchone()[0]
    table = con.execute("SELECT round, department, status FROM submission_tracker WHERE due OR files_received > 0"
                        ).fetchdf()
    matrix = (table.pivot(index="round", columns="department", values="status").fillna("-").reset_index()
              if len(table) else "none")
    return {"latest_round": latest or "none", "status": matrix}
