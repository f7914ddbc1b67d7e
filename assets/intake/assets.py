"""Intake's Dagster wiring: one asset per department, partitioned by round (its files in
raw/<round>/ validated against the pandera schemas and staged in the internal warehouse), the
housing-area files of TMF and SOF. The work is done by the pure modules beside this one (dropfolder,
staging, validation, ...); the submission tracker (which department delivered what) is declared by
its contract (contracts/submission_tracker.yml, built by tracker.py)."""


import dagster as dg

from assets.intake.dropfolder import scan
from assets.intake.neutral import terminal
from assets.intake.prefetch import Prefetch
from assets.intake.staging import (
    FileOutcome,
    ingest_department_round,
    judged_versions,
    rounds_to_rederive,
    rounds_with_state,
    step_transaction,
)
from core.partitions import rounds
from core.settings import WAREHOUSE_POOL
from core.warehouse import Warehouse
from schemas.code_lists import load_code_list


def submission_asset_key(department: str) -> dg.AssetKey:
    return dg.AssetKey(f"{department.lower()}_submissions")


def outcome_table(outcomes: list[FileOutcome]) -> str:
    if not outcomes:
        return "_No file from this department in the round(s) processed._"
    lines = ["| round | file | status | rows | problems | first problem |", "|---|---|---|---|---|---|"]
    for o in outcomes:
        first = "" if o.status != "rejected" else o.summary.removeprefix("rejected: ").replace("|", "/")
        lines.append(f"| {o.round} | {terminal(o.file_name).replace('|', '/')} | {o.status} | {o.n_rows} | "
                     f"{o.problems} | {terminal(first)} |")
    return "\n".join(lines)


def intake_result(context: dg.AssetExecutionContext, outcomes: list[FileOutcome], rows: int) -> dg.MaterializeResult:
    """The metadata and the `all_files_accepted` check (WARN) every intake asset reports."""
    rejected = [o for o in outcomes if o.status == "rejected"]
    for o in rejected:
        context.log.warning(f"{terminal(o.file_name)} ({o.round}) rejected, report: {terminal(o.report_path)}")
    return dg.MaterializeResult(
        metadata={
            "rows": dg.MetadataValue.int(rows),
            "files_received": dg.MetadataValue.int(len(outcomes)),
            "files_accepted": dg.MetadataValue.int(sum(o.status == "accepted" for o in outcomes)),
            "files_rejected": dg.MetadataValue.int(len(rejected)),
            "files": dg.MetadataValue.md(outcome_table(outcomes)),
        },
        check_results=[
            dg.AssetCheckResult(
                check_name="all_files_accepted",
                passed=not rejected,
                severity=dg.AssetCheckSeverity.WARN,
                metadata={
                    "rejected_files": dg.MetadataValue.json([terminal(o.file_name) for o in rejected]),
                    "reports": dg.MetadataValue.json([o.report_path for o in rejected]),
                },
            )
        ],
    )


def build_submission_asset(department: str, name_en: str, owner: str) -> dg.AssetsDefinition:
    key = submission_asset_key(department)
    check = dg.AssetCheckSpec(
        "all_files_accepted", asset=key,
        description="Every file the department delivered for the round passed validation (warns otherwise).",
    )

    @dg.asset(
        pool=WAREHOUSE_POOL,  # writes the internal DuckDB: one writer at a time (docs/deployment.md)
        key=key,
        group_name="intake",
        owners=[owner],
        kinds={"csv", "xlsx", "pandera", "duckdb"},
        partitions_def=rounds,
        backfill_policy=dg.BackfillPolicy.single_run(),
        check_specs=[check],
        description=(
            f"{department} ({name_en}): the rows of its submission for the round, validated against "
            f"the pandera schema and staged in `submission_rows` (one row per cell: indicator x period "
            f"x district x group x sex). Files are read from raw/<round>/{department}_<round>*.csv|xlsx."
        ),
        metadata={"department": department, "spec": "docs/submissions.md"},
    )
    def _submissions(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
        catalog = warehouse.catalog()
        outcomes: list[FileOutcome] = []
        entries = scan(warehouse.raw)  # raw/ listed once for the run's rounds
        with warehouse.connect() as con:
            todo = sorted(set(context.partition_keys) | set(rounds_to_rederive(con, department, "indicators")))
            with_state = rounds_with_state(con, department, "indicators")
            # the next rounds are read and validated in a worker thread while this one is staged
            with Prefetch(entries, catalog, department, "indicators", todo,
                          judged_versions(con, department, "indicators")) as ahead, step_transaction(con) as durable:
                for round_key in todo:
                    outcomes += ingest_department_round(
                        con, durable, warehouse.raw, warehouse.reports_dir, catalog, department, round_key,
                        context.run_id, archive_dir=warehouse.archive_dir, entries=entries,
                        prefetched=ahead.take(round_key), with_state=with_state)
            staged = con.execute(
                "SELECT count(*) FROM submission_rows WHERE department = ? AND round IN (SELECT unnest(?))",
                [department, list(context.partition_keys)],
            ).fetchone()[0]
        return intake_result(context, outcomes, int(staged))

    return _submissions


def build_submission_assets() -> list[dg.AssetsDefinition]:
    depts = load_code_list("departments")
    return [build_submission_asset(r.code, r.name_en, r.owner) for r in depts.itertuples()]


submission_assets = build_submission_assets()



# The housing-area and dwelling files (docs/housing.md): (department, kind of file)
HOUSING_FEEDS = [("TMF", "areas"), ("SOF", "areas"), ("TMF", "dwellings")]


@dg.asset(
    pool=WAREHOUSE_POOL,  # writes the internal DuckDB: one writer at a time (docs/deployment.md)
    group_name="intake", owners=["team:tmf", "team:sof"], kinds={"csv", "xlsx", "pandera", "duckdb"},
    partitions_def=rounds, backfill_policy=dg.BackfillPolicy.single_run(),
    check_specs=[dg.AssetCheckSpec("all_files_accepted", asset="housing_area_submissions",
                                   description="Every housing-area and dwelling file passed validation (warns).")],
    description="TMF's and SOF's housing-area files (<DEPT>_<round>_areas.csv|xlsx: one row per area or section x "
                "month) and TMF's dwelling files (_dwellings), validated and staged in housing_area_rows and "
                "dwelling_rows.",
    metadata={"spec": "docs/housing.md"},
)
def housing_area_submissions(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    """One row per housing area (or section) x month, as delivered."""
    return _ingest_feeds(context, warehouse, HOUSING_FEEDS, ("housing_area_rows", "dwelling_rows"))


def _ingest_feeds(context: dg.AssetExecutionContext, warehouse: Warehouse, feeds, tables: tuple[str, ...]
                  ) -> dg.MaterializeResult:
    """Ingest each (department, kind) feed for the run's rounds and every round to re-derive; the
    row count is that of the staging `tables` together."""
    catalog = warehouse.catalog()
    outcomes: list[FileOutcome] = []
    entries = scan(warehouse.raw)
    with warehouse.connect() as con:
        todo = {feed: sorted(set(context.partition_keys) | set(rounds_to_rederive(con, *feed))) for feed in feeds}
        with_state = {feed: rounds_with_state(con, *feed) for feed in feeds}
        with step_transaction(con) as durable:
            for (department, kind), rounds_todo in todo.items():
                for round_key in rounds_todo:
                    outcomes += ingest_department_round(con, durable, warehouse.raw, warehouse.reports_dir, catalog,
                                                       department, round_key, context.run_id, kind=kind,
                                                       archive_dir=warehouse.archive_dir, entries=entries,
                                                       with_state=with_state[(department, kind)])
        rows = con.execute("SELECT " + " + ".join(f"(SELECT count(*) FROM {t})" for t in tables)).fetchone()[0]
    return intake_result(context, outcomes, int(rows))


# The other half of each round (docs/submissions.md, "Effort statements", "Project bank"): any
# department may deliver either kind; the same drop folder, names, versions, archive and reports.
EFFORT_KINDS = ("efforts", "projects")


@dg.asset(
    pool=WAREHOUSE_POOL,  # writes the internal DuckDB: one writer at a time (docs/deployment.md)
    group_name="intake", owners=["team:bif"], kinds={"csv", "xlsx", "pandera", "duckdb"},
    partitions_def=rounds, backfill_policy=dg.BackfillPolicy.single_run(),
    check_specs=[dg.AssetCheckSpec("all_files_accepted", asset="effort_submissions",
                                   description="Every effort statement and project-bank file passed validation "
                                               "(warns).")],
    description="The committees' effort statements (<DEPT>_<round>_efforts.csv|xlsx: one row per effort x budget "
                "year x policy area, and the statement's own control totals) and the project bank "
                "(<DEPT>_<round>_projects.csv|xlsx: one row per project x year of municipal co-financing), "
                "validated and staged in effort_rows and project_rows.",
    metadata={"spec": "docs/submissions.md"},
)
def effort_submissions(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    """One row per effort x budget year x area, and per project x year, as delivered."""
    feeds = [(department, kind) for department in load_code_list("departments")["code"] for kind in EFFORT_KINDS]
    return _ingest_feeds(context, warehouse, feeds, ("effort_rows", "project_rows"))
