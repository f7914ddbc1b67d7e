"""How submission_tracker is built, named by the `build:` of its contract
(contracts/submission_tracker.yml): sql/tracker.sql over the submission archive, and the round x
department status matrix the UI shows. Its check (every department due in the latest round
delivered) is the contract's."""

from core.warehouse import sql


def submission_tracker(con, ctx) -> dict:
    con.execute(sql("tracker.sql"))
    latest = con.execute("SELECT max(round) FROM submission_tracker").fetchone()[0]
    table = con.execute("SELECT round, department, status FROM submission_tracker WHERE due OR files_received > 0"
                        ).fetchdf()
    matrix = (table.pivot(index="round", columns="department", values="status").fillna("-").reset_index()
              if len(table) else "none")
    return {"latest_round": latest or "none", "status": matrix}
