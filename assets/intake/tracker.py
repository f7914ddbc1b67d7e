"""How submission_tracker is built, named by the `build:` of its contract
(contracts/submission_tracker.yml): sql/tracker.sql over the submission archive, and the round x
department status matrix the UI shows. Its check (every department due in the latest round
delivered) is the contract's. The carry-forward declarations of effort statements
(catalog/effort_carry_forward.csv, validated when loaded) say which missing statement is carried
forward.

The table keeps its stable English status codes (`accepted`, `missing`, `carried forward`, ...:
BI users and the summary rely on them, docs/warehouse.md); where a person reads them (the status
matrix in the UI's metadata) they are the message catalog's words in the run's language
(`tracker.status.*`, core/messages/<lang>.yml; Danish unless BAROMETER_LANG=en)."""

from core.i18n import current_language, t
from core.warehouse import sql
from schemas.efforts import load_carry_forward

# the status codes of submission_tracker (status, efforts_status, projects_status) -> their catalog keys
STATUS_KEYS = {"accepted": "accepted", "accepted, later file rejected": "accepted_later_rejected",
               "rejected": "rejected", "missing": "missing", "carried forward": "carried_forward",
               "not due": "not_due", "refused": "refused"}


def status_words(status: str | None, lang: str | None = None) -> str:
    """A tracker status code in words a person reads ('missing' -> 'mangler'); an unknown code as is."""
    if status is None:
        return "-"
    key = STATUS_KEYS.get(status)
    return t(lang or current_language(), f"tracker.status.{key}") if key else status


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
    lang = current_language()
    table["status"] = [status_words(s, lang) for s in table["status"]]
    matrix = (table.pivot(index="round", columns="department", values="status").fillna("-").reset_index()
              if len(table) else "none")
    return {"latest_round": latest or "none", "status": matrix}
