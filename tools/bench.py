#!/usr/bin/env python
"""`make bench`: time the real barometer job, stage by stage, on the shipped sample rounds and on
a synthetic scaled-up set, and compare the heavy stage with the bare DuckDB floor.

    python tools/bench.py [--rounds 40] [--rows-per-file 20000] [--skip-synthetic] [--keep]

For each dataset the job `barometer_job` of `pipelines.definitions.defs` runs in-process on an
ephemeral Dagster instance for the dataset's whole round range (the partition-range tags that
`barometer run` uses), with BAROMETER_RAW_DIR and BAROMETER_WAREHOUSE_DIR pointing at temporary
folders under /tmp (never the repo's raw/ or warehouse/). Per-step durations come from the run's
event log (STEP_START -> STEP_SUCCESS), rows from each materialization's "rows" metadata.

Stages: intake (the 7 *_submissions assets: read, pandera validation, staging), catalog
(indicator_catalog), indicators (the *_indicators area assets: assets/indicators/sql/observations.sql),
marts (barometer_history, barometer_latest, district_values and any other mart asset), publish
(published_warehouse), report (the published report, assets/report/). The slowest stage is named
as the heavy one. Floors, measured in the same run, best of 3: for intake, DuckDB's read_csv of
the same CSV files into a table (no validation, no versions); for indicators, the SELECT of
observations.sql for all areas at once on the run's own internal database. See docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
import warnings
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CODE = ROOT  # where the pipeline's code is imported from (a copy with --snapshot)

warnings.filterwarnings("ignore", message=r".*(beta|preview).*", category=Warning)

import dagster as dg  # noqa: E402 - after the warnings filter above
import duckdb  # noqa: E402 - after the warnings filter above

STAGES = ["intake", "catalog", "indicators", "marts", "publish", "report"]
ROWS_BASIS = {
    "intake": "rows staged",
    "catalog": "indicators loaded",
    "indicators": "current rows read",
    "marts": "rows written",
    "publish": "rows published",
    "report": "(the published report, both languages: pages in the asset's metadata)",
}


def stage_of(step_key: str) -> str:
    """Intake, catalog, indicators and publish by name; every other asset is a mart (the mart set
    grows: barometer_history, barometer_latest, district_values, area_summary, ...)."""
    if step_key.endswith("_submissions"):
        return "intake"
    if step_key.endswith("_indicators"):
        return "indicators"
    if step_key == "published_warehouse":
        return "publish"
    if step_key == "report":
        return "report"
    if step_key == "indicator_catalog":
        return "catalog"
    return "marts"


# ------------------------------------------------------------------------------ the floor
def floor_query() -> str:
    """The SELECT of observations.sql for all areas at once, on everything delivered: the same
    aggregation the indicators stage runs, as one bare DuckDB query."""
    text = (CODE / "assets" / "indicators" / "sql" / "observations.sql").read_text(encoding="utf-8")
    query = text[text.index("WITH src AS"):].rstrip().rstrip(";")
    everything = "(SELECT '9999-99' AS edition_key, * FROM rows_as_of('9999-99'))"
    query = query.replace("FROM observation_rows AS r", f"FROM {everything} AS r")
    query = query.replace("CAST($area AS VARCHAR) IS NULL OR c.area = $area", "TRUE")
    if "$" in query:
        raise SystemExit("bench: assets/indicators/sql/observations.sql changed shape; update floor_query()")
    return query


def best_of(con: duckdb.DuckDBPyConnection, stmt: str, runs: int) -> float:
    best = float("inf")
    for _ in range(runs):
        t = time.perf_counter()
        con.execute(stmt).fetchall()
        best = min(best, time.perf_counter() - t)
    return best


# ------------------------------------------------------------------------------ one dataset
def run_dataset(label: str, raw_dir: Path, warehouse_dir: Path, floor_runs: int) -> dict:
    from assets.indicators import observations as obs_rows
    from core import settings
    from pipelines.cli import discover_rounds
    from pipelines.definitions import defs
    from schemas.catalog import load_catalog

    os.environ[settings.ENV_RAW_DIR] = str(raw_dir)
    os.environ[settings.ENV_WAREHOUSE_DIR] = str(warehouse_dir)
    rounds, ignored = discover_rounds(raw_dir)
    if not rounds:
        raise SystemExit(f"bench: no rounds in {raw_dir} ({'; '.join(ignored)})")
    first, last = rounds[0], rounds[-1]
    if not Path(sys.modules["pipelines.definitions"].__file__).resolve().is_relative_to(CODE.resolve()):
        raise SystemExit(f"bench: pipelines imported from {sys.modules['pipelines.definitions'].__file__}, not {CODE}")

    job = defs.resolve_job_def("barometer_job")
    with dg.DagsterInstance.ephemeral() as instance:
        t0 = time.perf_counter()
        result = job.execute_in_process(
            instance=instance,
            tags={"dagster/asset_partition_range_start": first, "dagster/asset_partition_range_end": last},
            run_config={"loggers": {"console": {"config": {"log_level": "WARNING"}}}},
            raise_on_error=False,
        )
        wall = time.perf_counter() - t0
        if not result.success:
            for ev in result.all_events:
                if ev.event_type_value == "STEP_FAILURE":
                    print(f"  step {ev.step_key} failed: {ev.event_specific_data.error.message.strip()[:500]}",
                          file=sys.stderr)
            raise SystemExit(f"bench: the {label} run failed")
        starts, ends = {}, {}
        for rec in instance.all_logs(result.run_id):
            ev = rec.dagster_event
            if ev is None or not rec.step_key:
                continue
            if ev.event_type_value == "STEP_START":
                starts[rec.step_key] = rec.timestamp
            elif ev.event_type_value == "STEP_SUCCESS":
                ends[rec.step_key] = rec.timestamp

    # rows metadata; a partition-range run emits one materialization per round with the same
    # metadata, so take each asset key once
    rows_by_asset: dict[str, int] = {}
    for ev in result.all_events:
        if ev.event_type_value == "ASSET_MATERIALIZATION":
            mat = ev.event_specific_data.materialization
            if "rows" in mat.metadata:
                rows_by_asset[mat.asset_key.to_user_string()] = int(mat.metadata["rows"].value)

    step_seconds = {k: ends[k] - starts[k] for k in starts if k in ends}
    missing = set(starts) - set(ends)
    if missing:
        raise SystemExit(f"bench: steps without STEP_SUCCESS: {sorted(missing)}")

    internal = warehouse_dir / "internal" / "barometer_internal.duckdb"
    con = duckdb.connect(str(internal))
    try:
        status = dict(con.execute(
            "SELECT status, count(*) FROM submission_files GROUP BY status ORDER BY status").fetchall())
        if status.get("rejected") or not status.get("accepted"):
            raise SystemExit(f"bench: {label}: submission files not all accepted: {status}")
        staged = con.execute("SELECT (SELECT count(*) FROM submission_rows) + (SELECT count(*) FROM housing_area_rows)"
                             " + (SELECT count(*) FROM dwelling_rows)").fetchone()[0]
        current = con.execute("SELECT count(*) FROM current_rows").fetchone()[0]
        observations = con.execute("SELECT count(*) FROM indicator_observations").fetchone()[0]

        query = floor_query()
        floor = best_of(con, f"CREATE OR REPLACE TEMP TABLE bench_floor AS {query}", floor_runs)
        floor_rows = con.execute("SELECT count(*) FROM bench_floor").fetchone()[0]
        floor_count = best_of(con, f"SELECT count(*) FROM ({query})", floor_runs)

        # the stage's own SQL without Dagster: observations.sql per area, as the assets run it
        # (idempotent: it deletes and reinserts the area's rows in the run's temporary database)
        areas = load_catalog(settings.catalog_path()).areas()
        select = obs_rows.stored_query()
        t = time.perf_counter()
        for area in areas:
            con.execute("BEGIN TRANSACTION")
            con.execute("DELETE FROM indicator_observations WHERE area = ?", [area])
            obs_rows.as_of(con, obs_rows.EVERYTHING)
            con.execute("INSERT INTO indicator_observations " + select, {"area": area})
            con.execute("COMMIT")
        sql_only = time.perf_counter() - t

        # the intake floor: DuckDB's own CSV reader on the same CSV files (all cells as text, into
        # a table), with nothing validated or versioned; XLSX files have no DuckDB reader here
        csvs = sorted(raw_dir.rglob("*.csv"))
        intake_floor = float("inf")
        for _ in range(floor_runs):
            t = time.perf_counter()
            for f in csvs:
                con.execute("CREATE OR REPLACE TEMP TABLE bench_intake_floor AS "
                            "SELECT * FROM read_csv(?, all_varchar = true, header = true)", [str(f)])
            intake_floor = min(intake_floor, time.perf_counter() - t)
        n_xlsx = len(list(raw_dir.rglob("*.xlsx")))
    finally:
        con.close()
    if floor_rows != observations:
        print(f"  note: floor produced {floor_rows} rows, the stage {observations}", file=sys.stderr)

    stages: dict[str, dict] = defaultdict(lambda: {"steps": 0, "seconds": 0.0, "rows": 0})
    for key, sec in step_seconds.items():
        s = stages[stage_of(key)]
        s["steps"] += 1
        s["seconds"] += sec
    for key, n in rows_by_asset.items():
        st = stage_of(key)
        if st in ("intake", "catalog", "marts", "publish"):
            stages[st]["rows"] += n
    stages["indicators"]["rows"] = int(current)
    if stages["intake"]["rows"] != staged:
        print(f"  note: intake rows metadata {stages['intake']['rows']} != rows staged {staged}",
              file=sys.stderr)
    return {
        "label": label, "rounds": rounds, "wall": wall, "stages": dict(stages), "steps": step_seconds,
        "status": status, "staged": int(staged), "observations": int(observations), "floor": floor,
        "floor_count": floor_count, "floor_runs": floor_runs, "sql_only": sql_only, "n_areas": len(areas),
        "intake_floor": intake_floor, "n_csv": len(csvs), "n_xlsx": n_xlsx,
    }


# ------------------------------------------------------------------------------ printing
def report(r: dict, extra: str = "") -> None:
    print(f"\n== {r['label']}: {len(r['rounds'])} rounds {r['rounds'][0]}..{r['rounds'][-1]}, "
          f"files {r['status']}, {r['staged']:,} rows staged{extra}")
    print(f"{'stage':<11} {'steps':>5} {'seconds':>9} {'rows':>11} {'rows/s':>11}  rows =")
    total_steps = 0.0
    for name in STAGES + [s for s in r["stages"] if s not in STAGES]:
        s = r["stages"].get(name)
        if not s:
            continue
        total_steps += s["seconds"]
        rps = s["rows"] / s["seconds"] if s["seconds"] > 0 else float("nan")
        print(f"{name:<11} {s['steps']:>5} {s['seconds']:>9.2f} {s['rows']:>11,} {rps:>11,.0f}  "
              f"{ROWS_BASIS.get(name, '')}")
    print(f"{'all steps':<11} {len(r['steps']):>5} {total_steps:>9.2f}")
    print(f"total run {r['wall']:.2f} s (execute_in_process wall clock; "
          f"{r['wall'] - total_steps:.2f} s outside steps: run setup, planning, teardown)")
    slowest = max(r["stages"], key=lambda k: r["stages"][k]["seconds"])
    print(f"heavy stage (the slowest): {slowest}")
    intake = r["stages"]["intake"]["seconds"]
    xlsx = f"; the {r['n_xlsx']} XLSX files have no DuckDB floor" if r["n_xlsx"] else ""
    print(f"intake = {intake:.2f} s; bare DuckDB floor (read_csv of the same {r['n_csv']} CSV files into a table, "
          f"best of {r['floor_runs']}) = {r['intake_floor']:.2f} s; ratio = {intake / r['intake_floor']:.1f} x{xlsx}")
    print(f"intake ratio: {intake:.2f} s = {intake / r['intake_floor']:.1f} x floor ({r['intake_floor']:.2f} s)")
    print("  intake steps: " + ", ".join(f"{k} {v:.2f} s" for k, v in sorted(r["steps"].items())
                                         if stage_of(k) == "intake"))
    ind = r["stages"]["indicators"]["seconds"]
    print(f"indicators = {ind:.2f} s; bare DuckDB floor = {r['floor']:.2f} s; "
          f"ratio = {ind / r['floor']:.1f} x")
    print(f"  indicators SQL alone (observations.sql x {r['n_areas']} areas, no Dagster) = {r['sql_only']:.2f} s "
          f"(ratio {r['sql_only'] / r['floor']:.1f} x); per-step overhead (Dagster step, connect + schema.sql, "
          f"metadata queries) ~ {ind - r['sql_only']:.2f} s")
    print(f"  floor = CREATE TEMP TABLE AS <observations SELECT, all areas>, best of {r['floor_runs']}; "
          f"as SELECT count(*) FROM (...) = {r['floor_count']:.2f} s (ratio {ind / r['floor_count']:.1f} x)")
    slow = sorted(r["steps"].items(), key=lambda kv: -kv[1])[:4]
    print("  slowest steps: " + ", ".join(f"{k} {v:.2f} s" for k, v in slow))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=40, help="synthetic rounds from 2006-11 (default 40)")
    ap.add_argument("--rows-per-file", type=int, default=20000,
                    help="synthetic rows per department file (default 20000)")
    ap.add_argument("--skip-synthetic", action="store_true", help="only the shipped sample rounds in raw/")
    ap.add_argument("--floor-runs", type=int, default=3, help="floor query repetitions, best taken (default 3)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folders (printed) for inspection")
    ap.add_argument("--snapshot", action="store_true",
                    help="copy the project's code (core, assets, pipelines, schemas, catalog, tools) to the temporary "
                         "folder and run that copy: consistent figures while the tree is being edited")
    args = ap.parse_args(argv)

    import platform

    t_all = time.perf_counter()
    print(f"barometer bench: {os.cpu_count()} cores, python {platform.python_version()}, "
          f"dagster {dg.__version__}, duckdb {duckdb.__version__}")
    tmp = Path(tempfile.mkdtemp(prefix="barometer-bench-", dir="/tmp"))
    global CODE
    if args.snapshot:
        CODE = tmp / "code"
        for part in ("core", "assets", "pipelines", "schemas", "catalog", "tools"):
            shutil.copytree(ROOT / part, CODE / part, ignore=shutil.ignore_patterns("__pycache__"))
        print(f"code snapshot: {CODE}")
    # sys.path wins over the editable install's finder (appended to sys.meta_path)
    sys.path[:0] = [str(CODE), str(CODE / "tools")]
    saved_env = {k: os.environ.get(k) for k in ("BAROMETER_RAW_DIR", "BAROMETER_WAREHOUSE_DIR")}
    try:
        # (a) the shipped sample rounds, copied so nothing of the repo is opened for writing
        raw_a = tmp / "samples" / "raw"
        shutil.copytree(ROOT / "raw", raw_a)
        res_a = run_dataset("samples (raw/)", raw_a, tmp / "samples" / "warehouse", args.floor_runs)
        report(res_a)

        if not args.skip_synthetic:
            from bench_synthetic import generate

            raw_b = tmp / "synthetic" / "raw"
            t = time.perf_counter()
            info = generate(raw_b, args.rounds, args.rows_per_file)
            gen = time.perf_counter() - t
            res_b = run_dataset(f"synthetic ({args.rounds} rounds x 7 departments, ~{args.rows_per_file:,} "
                                f"rows/file)", raw_b, tmp / "synthetic" / "warehouse", args.floor_runs)
            report(res_b, extra=f"; generated {info['files']} CSV files in {gen:.1f} s")
    finally:
        for k, v in saved_env.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        if args.keep:
            print(f"\nkept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"\nbench wall time {time.perf_counter() - t_all:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
