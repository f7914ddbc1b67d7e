"""`barometer`: the project's command line.

  barometer run [--round R ...]   materialize every asset for the rounds in raw/, print a summary
  barometer check FILE --department D --round R   validate one file exactly as the pipeline does
  barometer summary               print the summary of the last run again
  barometer validate              load and validate the Dagster definitions
  barometer dev                   start the Dagster UI on 127.0.0.1
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import time
import warnings
from pathlib import Path

from pipelines import settings
from pipelines.partitions import ROUND_KEY_RE


def ensure_dagster_home() -> Path:
    """Use (and create) the project-local Dagster home with the project's dagster.yaml."""
    home = settings.dagster_home()
    os.environ["DAGSTER_HOME"] = str(home)
    home.mkdir(parents=True, exist_ok=True)
    src, dst = settings.PROJECT_ROOT / "dagster.yaml", home / "dagster.yaml"
    if src.exists() and (not dst.exists() or dst.read_bytes() != src.read_bytes()):
        shutil.copyfile(src, dst)
    return home


def discover_rounds(raw_dir: Path) -> tuple[list[str], list[str]]:
    """Rounds present as raw/<YYYY-05|YYYY-11>/ folders, and messages for what is ignored."""
    from pipelines.partitions import rounds as rounds_def

    from assets.intake.reader import parse_file_name
    from schemas.code_lists import department_codes

    valid = set(rounds_def.get_partition_keys())
    found, ignored, loose = [], [], set()
    if not raw_dir.is_dir():
        return [], [f"{raw_dir} does not exist"]
    for p in sorted(raw_dir.iterdir()):
        if p.name.startswith(".") or p.name.lower() in ("readme.md",):
            continue
        if not p.is_dir():
            parsed = parse_file_name(p.name)
            if parsed is None or parsed.department not in department_codes():
                ignored += _unrecognised_files(raw_dir, [p])
            elif parsed.round in valid:
                loose.add(parsed.round)  # a file straight in raw/: its name says the round
            else:
                ignored.append(f"raw/{p.name}: round {parsed.round} is not a round (YYYY-05 or YYYY-11) "
                               "that has started")
        elif not re.match(ROUND_KEY_RE, p.name):
            ignored.append(f"raw/{p.name}/: not a round (rounds are YYYY-05 and YYYY-11)")
        elif p.name not in valid:
            ignored.append(f"raw/{p.name}/: the round has not started yet")
        else:
            found.append(p.name)
            ignored += _unrecognised_files(p, sorted(p.iterdir()))
    found = sorted(set(found) | loose)
    return found, ignored


def _unrecognised_files(folder: Path, files: list[Path]) -> list[str]:
    """Files no intake asset will read: named in the summary, never dropped silently."""
    from assets.intake.reader import parse_file_name
    from schemas.code_lists import department_codes

    out = []
    where = "raw" if folder.name == "raw" or folder == settings.raw_dir() else f"raw/{folder.name}"
    for f in files:
        if f.name.startswith(".") or not f.is_file():
            continue
        parsed = parse_file_name(f.name)
        if parsed is None:
            out.append(f"{where}/{f.name}: not a submission file name (<DEPT>_<YYYY-MM>[_suffix].csv|xlsx)")
        elif parsed.department not in department_codes():
            out.append(f"{where}/{f.name}: unknown department {parsed.department!r}")
    return out


def cmd_run(args: argparse.Namespace) -> int:
    ensure_dagster_home()
    import dagster as dg

    from pipelines.definitions import defs
    from pipelines.resources import Warehouse

    wh = Warehouse()
    found, ignored = discover_rounds(wh.raw)
    chosen = sorted(args.round) if args.round else found
    bad = [r for r in chosen if r not in found and args.round]
    if bad:
        print(f"barometer: no raw/<round>/ folder for {', '.join(bad)} (found: {', '.join(found) or 'none'})",
              file=sys.stderr)
        return 2
    if not chosen:
        print(f"barometer: no round folders in {wh.raw}; put submissions in raw/<YYYY-05|YYYY-11>/", file=sys.stderr)
        return 2
    start = time.perf_counter()
    job = defs.resolve_job_def("barometer_job")
    tags = {"dagster/asset_partition_range_start": chosen[0], "dagster/asset_partition_range_end": chosen[-1],
            "barometer/trigger": "cli"}
    with dg.DagsterInstance.get() as instance:
        result = job.execute_in_process(
            instance=instance, tags=tags, raise_on_error=False,
            run_config={"loggers": {"console": {"config": {"log_level": args.log_level}}}},
        )
    seconds = time.perf_counter() - start
    if not result.success:
        print(f"\nbarometer run FAILED after {seconds:.1f} s (run {result.run_id}); the published warehouse "
              f"was left as it was.", file=sys.stderr)
        for ev in result.all_events:
            if ev.event_type_value == "STEP_FAILURE":
                err = ev.event_specific_data.error
                while err is not None and err.cause is not None:
                    err = err.cause  # the user code's own exception, not Dagster's wrapper
                print(f"  step {ev.step_key}: {err.message.strip() if err else ''}", file=sys.stderr)
        return 1
    from pipelines.summary import render

    processed = [r for r in found if chosen[0] <= r <= chosen[-1]]
    print()
    print(f"Integration barometer: run {result.run_id[:8]} succeeded in {seconds:.1f} s")
    print(render(wh.internal_db, wh.public_db, wh.marts_dir, wh.reports_dir, processed, ignored))
    print(checks_line(result))
    return 0


def checks_line(result) -> str:
    """One line on the run's asset checks, naming each that did not pass."""
    evals = result.get_asset_check_evaluations()
    failed = [e for e in evals if not e.passed]
    line = f"Asset checks: {len(evals) - len(failed)} passed, {len(failed)} did not"
    for e in failed:
        sev = "warning" if e.severity.value == "WARN" else "ERROR"
        line += f"\n  {sev}: {e.asset_key.to_user_string()} {e.check_name}"
    return line


def cmd_summary(args: argparse.Namespace) -> int:
    from pipelines.resources import Warehouse
    from pipelines.summary import render

    wh = Warehouse()
    if not wh.public_db.exists():
        print("barometer: nothing published yet; run `make run` first", file=sys.stderr)
        return 2
    found, ignored = discover_rounds(wh.raw)
    print(render(wh.internal_db, wh.public_db, wh.marts_dir, wh.reports_dir, found, ignored))
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from assets.intake.validation import validate_file
    from schemas.catalog import load_catalog

    path = Path(args.file)
    if not path.is_file():
        print(f"barometer check: {path} is not a file", file=sys.stderr)
        return 2
    if not re.match(ROUND_KEY_RE, args.round):
        print(f"barometer check: round {args.round!r} must be YYYY-05 or YYYY-11", file=sys.stderr)
        return 2
    result = validate_file(path, load_catalog(settings.catalog_path()), args.department.upper(), args.round)
    print(result.report_text(), end="")
    return 0 if result.accepted else 1


def cmd_validate(args: argparse.Namespace) -> int:
    ensure_dagster_home()
    from pipelines.definitions import defs

    import dagster as dg

    dg.Definitions.validate_loadable(defs)
    repo = defs.get_repository_def()
    n_assets = len(repo.asset_graph.get_all_asset_keys())
    print(f"Definitions load: {n_assets} assets, jobs {[j.name for j in repo.get_all_jobs() if not j.name.startswith('__')]}, "
          f"schedules {[s.name for s in repo.schedule_defs]}, sensors {[s.name for s in repo.sensor_defs]}")
    return 0


def cmd_dev(args: argparse.Namespace) -> int:
    ensure_dagster_home()
    exe = Path(sys.executable).with_name("dagster")
    argv = [str(exe), "dev", "-m", "pipelines.definitions", "--host", "127.0.0.1", "--port", str(args.port)]
    # Start inside the Dagster home, so Dagster does not warn about the project's dagster.yaml (the
    # copy in the home is the one in force).
    os.chdir(settings.dagster_home())
    os.execv(argv[0], argv)
    return 0  # not reached


def cmd_template(args: argparse.Namespace) -> int:
    from assets.intake.templates import check_arguments, make_template
    from schemas.catalog import load_catalog

    catalog, department = load_catalog(settings.catalog_path()), args.department.upper()
    try:
        check_arguments(catalog, department, args.round)
    except ValueError as e:
        print(f"barometer template: {e}", file=sys.stderr)
        return 2
    print(make_template(catalog, department, args.round, Path(args.out) / f"{department}_{args.round}.xlsx"))
    return 0


def main(argv: list[str] | None = None) -> int:
    # Dagster flags beta/preview parameters (backfill policy) on every import: noise for a user.
    warnings.filterwarnings("ignore", message=r".*(beta|preview).*", category=Warning)
    parser = argparse.ArgumentParser(prog="barometer", description="Copenhagen's integration barometer pipeline.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("run", help="materialize every asset for the rounds in raw/ and print a summary")
    p.add_argument("--round", action="append", help="limit to this round (repeatable); default: all in raw/")
    p.add_argument("--log-level", default="WARNING", help="Dagster console log level (default WARNING)")
    p.set_defaults(fn=cmd_run)
    p = sub.add_parser("check", help="validate one submission file exactly as the pipeline does")
    p.add_argument("file")
    p.add_argument("--department", required=True, help="department code, e.g. SOF")
    p.add_argument("--round", required=True, help="round, e.g. 2009-05")
    p.set_defaults(fn=cmd_check)
    p = sub.add_parser("template", help="write the XLSX template for one department and round")
    p.add_argument("--department", required=True, help="department code, e.g. SOF")
    p.add_argument("--round", required=True, help="round, e.g. 2009-05")
    p.add_argument("--out", default=".", help="folder to write <DEPT>_<round>.xlsx to (default: here)")
    p.set_defaults(fn=cmd_template)
    p = sub.add_parser("summary", help="print the summary of what is published")
    p.set_defaults(fn=cmd_summary)
    p = sub.add_parser("validate", help="load and validate the Dagster definitions")
    p.set_defaults(fn=cmd_validate)
    p = sub.add_parser("dev", help="start the Dagster UI on 127.0.0.1")
    p.add_argument("--port", type=int, default=3000)
    p.set_defaults(fn=cmd_dev)
    args = parser.parse_args(argv)
    from schemas.catalog import CatalogError

    try:
        return args.fn(args)
    except CatalogError as e:  # an edited catalog file that does not validate: its message, no traceback
        print(f"barometer {args.command}: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
