"""The submission tracker: for each round, which department delivered what, what is missing and
what was rejected (assets/sql/tracker.sql)."""

import dagster as dg

from assets.catalog import indicator_catalog
from assets.contracts import asset_metadata
from assets.intake.assets import submission_asset_key
from pipelines.resources import Warehouse, sql
from schemas.code_lists import department_codes


@dg.asset(
    group_name="intake", owners=["team:bif"], kinds={"duckdb", "sql"},
    deps=[indicator_catalog, "housing_area_submissions", *[submission_asset_key(d) for d in department_codes()]],
    check_specs=[dg.AssetCheckSpec("all_due_deliveries_arrived", asset="submission_tracker",
                                   description="Every department due in the latest round delivered an accepted "
                                               "file (warns otherwise: its indicators are carried forward).")],
    description="One row per round x department: whether a delivery was due, files and versions received, "
                "the version in force and the status (accepted / rejected / missing / not due).",
    metadata={"spec": "docs/warehouse.md#submission_tracker", **asset_metadata("submission_tracker")},
)
def submission_tracker(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    with warehouse.connect() as con:
        con.execute(sql("tracker.sql"))
        latest = con.execute("SELECT max(round) FROM submission_tracker").fetchone()[0]
        problems = con.execute(
            "SELECT department, status FROM submission_tracker WHERE round = ? AND status IN ('missing', 'rejected') "
            "ORDER BY department", [latest]).fetchall()
        table = con.execute("SELECT round, department, status FROM submission_tracker WHERE due OR files_received > 0"
                            ).fetchdf()
        n = con.execute("SELECT count(*) FROM submission_tracker").fetchone()[0]
    if problems:
        context.log.warning(f"round {latest}: " + ", ".join(f"{d} {s}" for d, s in problems))
    matrix = table.pivot(index="round", columns="department", values="status").fillna("-") if len(table) else None
    return dg.MaterializeResult(
        metadata={"rows": dg.MetadataValue.int(int(n)), "dagster/row_count": dg.MetadataValue.int(int(n)),
                  "latest_round": latest or "none",
                  "status": dg.MetadataValue.md(matrix.to_markdown() if matrix is not None else "none")},
        check_results=[dg.AssetCheckResult(
            check_name="all_due_deliveries_arrived", passed=not problems, severity=dg.AssetCheckSeverity.WARN,
            metadata={"round": latest or "none",
                      "not_arrived": dg.MetadataValue.json([f"{d}: {s}" for d, s in problems])})],
    )
