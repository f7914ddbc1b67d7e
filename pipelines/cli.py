"""`barometer`: the project's command line.

  barometer run [--round R ...]   materialize every asset for the rounds in raw/, print a summary
  barometer check FILE [--department D] [--round R] [--lang en]   validate one file, and its name,
                                  exactly as the pipeline does (in Danish unless --lang en)
  barometer rebuild               remove everything derived (the internal database, reports) and run
                                  every round again; the archive and the publication history stay
  barometer summary               print the summary of the last run again
  barometer report [--round R] [--out DIR]   build the published report (Danish, English beside it)
                                  from the published barometer by hand
  barometer validate              load and validate the Dagster definitions
  barometer dev                   start the Dagster UI on 127.0.0.1
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from assets.intake.neutral import terminal
from core import settings
from core.i18n import LANGUAGES, MessageError, current_language, t, use_language
from schemas.rounds import is_round


def ensure_dagster_home() -> Path:
    """Use (and create) the Dagster home with the instance file of the profile in force
    (dagster.yaml, or deploy/dagster.production.yaml with BAROMETER_PROFILE=production)."""
    home = settings.dagster_home()
    os.environ["DAGSTER_HOME"] = str(home)
    home.mkdir(parents=True, exist_ok=True)
    src, dst = settings.instance_yaml(), home / "dagster.yaml"
    if src.exists() and (not dst.exists() or dst.read_bytes() != src.read_bytes()):
        shutil.copyfile(src, dst)
    return home


@dataclass
class Discovery:
    """What raw/ holds for a run: the rounds to process, and one line `<where>: <reason>` per
    thing no intake reads (ignored) or that is never opened at all (refused: links)."""

    rounds: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


def discover(raw_dir: Path) -> Discovery:
    """The rounds in raw/ (round folders whose round has started, and the rounds named by files
    lying straight in raw/), from the drop folder's own listing (`dropfolder.scan`)."""
    from assets.intake.dropfolder import scan
    from core.partitions import rounds as rounds_def

    out = Discovery()
    if not raw_dir.is_dir():
        out.ignored.append(f"{raw_dir} does not exist")
        return out
    valid = set(rounds_def.get_partition_keys())
    first = min(valid, default="")
    entries = scan(raw_dir)
    # round folders, empty ones too, and round folders that are links: a link is refused unread,
    # but its round is run, so the tracker shows that round's deliveries as refused
    folders = {e.round for e in entries if e.is_folder}
    for folder in sorted(folders):
        if folder not in valid:
            why = f"before the first round ({first})" if folder < first else "the round has not started yet"
            out.ignored.append(f"raw/{folder}/: {why}; nothing in it is read")
    found = {f for f in folders if f in valid}
    for e in entries:
        if e.status == "refused":
            out.refused.append(f"{e.where}: {e.reason}")
        elif e.status == "round_folder":
            continue
        elif e.status == "ignored":
            out.ignored.append(f"{e.where}: {e.reason}")
        elif e.path.parent == raw_dir:  # a submission straight in raw/: its name says the round
            if e.round in valid:
                found.add(e.round)
            else:
                out.ignored.append(f"{e.where}: round {e.round} is not a round (YYYY-05 or YYYY-11) that has "
                                   f"started")
    out.rounds = sorted(found)
    return out


def discover_rounds(raw_dir: Path) -> tuple[list[str], list[str]]:
    """The rounds in raw/, and one message per thing that is not read (ignored or refused)."""
    d = discover(raw_dir)
    return d.rounds, d.ignored + d.refused


def cmd_run(args: argparse.Namespace) -> int:
    ensure_dagster_home()
    import dagster as dg

    from core.warehouse import Warehouse
    from pipelines.definitions import defs

    wh = Warehouse()
    discovered = discover(wh.raw)
    # a restore runs the rounds its archive knows, whether or not raw/ has their files (pipelines/backup.py)
    found = getattr(args, "from_archive", None) or discovered.rounds
    chosen = sorted(args.round) if args.round else found
    bad = [r for r in chosen if r not in found and args.round]
    if bad:
        print(f"barometer: no raw/<round>/ folder for {terminal(', '.join(bad))} (found: {', '.join(found) or 'none'})",
              file=sys.stderr)
        return 2
    if not chosen:
        print(f"barometer: no round folders in {terminal(wh.raw)}; put submissions in raw/<YYYY-05|YYYY-11>/",
              file=sys.stderr)
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
                message = terminal(err.message.strip(), keep_newlines=True) if err else ""
                print(f"  step {ev.step_key}: {message}", file=sys.stderr)
        return 1
    from pipelines.summary import render

    processed = [r for r in found if chosen[0] <= r <= chosen[-1]]
    print()
    print(f"Integration barometer: run {result.run_id[:8]} succeeded in {seconds:.1f} s")
    print(render(wh.internal_db, wh.public_db, wh.marts_dir, wh.reports_dir, processed, discovered.ignored,
                 discovered.refused))
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


def cmd_rebuild(args: argparse.Namespace) -> int:
    """Re-derive everything from raw/ and the archive. Only derived state is removed: the archive
    and the publication history (warehouse/archive/) are never touched, and the published
    warehouse is replaced atomically by the run, as always."""
    from core.warehouse import Warehouse

    wh = Warehouse()
    for derived in (wh.internal_db.parent, wh.reports_dir):
        if derived.is_dir() and not derived.is_symlink():
            shutil.rmtree(derived)
    print(f"barometer rebuild: removed the derived internal database and reports under {terminal(wh.root)}; "
          f"the archive ({terminal(wh.archive_dir)}) is kept")
    args.round = None
    return cmd_run(args)


def cmd_summary(args: argparse.Namespace) -> int:
    from core.warehouse import Warehouse
    from pipelines.summary import render

    wh = Warehouse()
    if not wh.public_db.exists():
        print("barometer: nothing published yet; run `make run` first", file=sys.stderr)
        return 2
    d = discover(wh.raw)
    print(render(wh.internal_db, wh.public_db, wh.marts_dir, wh.reports_dir, d.rounds, d.ignored, d.refused))
    return 0


def name_problem(name: str, department: str | None, round_key: str | None) -> tuple[str | None, str | None]:
    """Whether the run would read a file with this name as `department`'s file for `round_key`:
    the drop folder's own rule (`dropfolder.parse_file_name`, the department code list, the
    round in the name). Returns (the problem in plain words or None, the name to use instead)."""
    from assets.intake.dropfolder import parse_file_name, suggest_name
    from schemas.code_lists import department_codes

    def usable(hint: str | None) -> str | None:  # only a name the run reads is suggested
        n = parse_file_name(hint) if hint else None
        return hint if n and n.department in department_codes() and is_round(n.round) else None

    lang = current_language()
    parsed = parse_file_name(name)
    if parsed is None:
        return t(lang, "check.name.not_a_name"), usable(suggest_name(name, department, round_key))
    department, round_key = department or parsed.department, round_key or parsed.round
    hint = usable(f"{department}_{round_key}" + (f"_{parsed.suffix}" if parsed.suffix else "") + f".{parsed.ext}")
    if parsed.department not in department_codes():
        return t(lang, "check.name.unknown_department", department=repr(parsed.department),
                 departments=", ".join(department_codes())), hint
    if parsed.department != department:
        return t(lang, "check.name.department_differs", named=parsed.department, department=department), hint
    if not is_round(parsed.round):
        return t(lang, "check.name.not_a_round", round=parsed.round), hint
    if parsed.round != round_key:
        return t(lang, "check.name.round_differs", named=parsed.round, round=round_key), hint
    return None, None


def cmd_check(args: argparse.Namespace) -> int:
    import pandas as pd

    from assets.intake.dropfolder import UnsafeFile, parse_file_name, read_bytes
    from assets.intake.reports import report_text
    from assets.intake.validation import FINDING_COLUMNS, validate_file
    from schemas.catalog import load_catalog

    lang = current_language()
    path = Path(args.file)
    shown = terminal(path)
    if not path.is_symlink() and not path.is_file():
        print(t(lang, "check.not_a_file", file=shown), file=sys.stderr)
        return 2
    try:
        read_bytes(path, limit=0)  # as the pipeline reads: never through a link, only a regular file
    except UnsafeFile as e:
        print(t(lang, "check.unsafe", error=terminal(e)), file=sys.stderr)
        return 1
    department = args.department.upper() if args.department else None
    if args.round is not None and not is_round(args.round):
        print(t(lang, "check.round_format", round=terminal(repr(args.round))), file=sys.stderr)
        return 2
    problem, hint = name_problem(path.name, department, args.round)
    named = parse_file_name(path.name) or (parse_file_name(hint) if hint else None)
    department = department or (named.department if named else None)
    round_key = args.round or (named.round if named else None)
    result = validate_file(path, load_catalog(settings.catalog_path()), department, round_key,
                           kind=named.kind if named else None)
    content_ok = result.rows is not None and result.findings.empty
    if problem:
        fix = t(lang, "check.name.fix", hint=hint) if hint else ""
        finding = {"file": path.name, "row": None, "column": None, "rule": "file_name", "value": path.name,
                   "message": t(lang, "check.name.would_not_read", file=path.name, problem=problem, fix=fix)
                   + " — " + t(lang, "check.rule", rule="file_name")}
        rest = result.findings[result.findings["rule"] != "file_name"] if len(result.findings) else result.findings
        result.findings = pd.DataFrame([finding, *rest.to_dict("records")], columns=FINDING_COLUMNS)
    print(report_text(result), end="")
    if problem and content_ok:
        print(t(lang, "check.content_passes", rows=result.n_rows))
    elif problem and (department is None or round_key is None):
        print(t(lang, "check.content_not_checked"))
    if problem is None and round_key and not _round_started(round_key):
        print(t(lang, "check.round_not_started", round=round_key))
    return 0 if result.accepted else 1


def _round_started(round_key: str) -> bool:
    from core.partitions import rounds as rounds_def

    return round_key in set(rounds_def.get_partition_keys())


def cmd_validate(args: argparse.Namespace) -> int:
    ensure_dagster_home()
    import dagster as dg

    from pipelines.definitions import defs

    dg.Definitions.validate_loadable(defs)
    repo = defs.get_repository_def()
    n_assets = len(repo.asset_graph.get_all_asset_keys())
    jobs = [j.name for j in repo.get_all_jobs() if not j.name.startswith("__")]
    print(f"Definitions load: {n_assets} assets, jobs {jobs}, "
          f"schedules {[s.name for s in repo.schedule_defs]}, sensors {[s.name for s in repo.sensor_defs]}")
    return 0


def cmd_dev(args: argparse.Namespace) -> int:
    from pipelines.service import supervise

    home = ensure_dagster_home()
    exe = Path(sys.executable).with_name("dagster")
    argv = [str(exe), "dev", "-m", "pipelines.definitions", "--host", "127.0.0.1", "--port", str(args.port)]
    # Started inside the Dagster home, so Dagster does not warn about the project's dagster.yaml (the
    # copy in the home is the one in force); supervised, so Ctrl-C or SIGTERM stops all of it.
    return supervise(argv, cwd=home)


def cmd_template(args: argparse.Namespace) -> int:
    from assets.intake import templates_efforts
    from assets.intake.templates import check_arguments, make_template
    from schemas.catalog import load_catalog

    catalog, department = load_catalog(settings.catalog_path()), args.department.upper()
    if args.kind != "indicators":  # the other half of the round: an effort statement or the project bank
        try:
            templates_efforts.check_arguments(args.kind, department, args.round)
        except ValueError as e:
            print(f"barometer template: {terminal(e)}", file=sys.stderr)
            return 2
        out = Path(args.out) / f"{department}_{args.round}_{args.kind}.xlsx"
        print(terminal(templates_efforts.make_template(args.kind, department, args.round, out)))
        return 0
    try:
        check_arguments(catalog, department, args.round)
    except ValueError as e:
        print(f"barometer template: {terminal(e)}", file=sys.stderr)
        return 2
    print(terminal(make_template(catalog, department, args.round, Path(args.out) / f"{department}_{args.round}.xlsx")))
    return 0


def main(argv: list[str] | None = None) -> int:
    # Dagster flags beta/preview parameters (backfill policy) on every import: noise for a user.
    warnings.filterwarnings("ignore", message=r".*(beta|preview).*", category=Warning)
    parser = argparse.ArgumentParser(prog="barometer", description="Copenhagen's integration barometer pipeline.")
    lang_help = "the language of reports and templates: da or en (default: BAROMETER_LANG, else da)"
    parser.add_argument("--lang", choices=LANGUAGES, help=lang_help)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("run", help="materialize every asset for the rounds in raw/ and print a summary")
    p.add_argument("--round", action="append", help="limit to this round (repeatable); default: all in raw/")
    p.add_argument("--log-level", default="WARNING", help="Dagster console log level (default WARNING)")
    p.set_defaults(fn=cmd_run)
    p = sub.add_parser("check", help="validate one submission file exactly as the pipeline does")
    p.add_argument("file")
    p.add_argument("--department", help="department code, e.g. SOF (default: the one in the file name)")
    p.add_argument("--round", help="round, e.g. 2009-05 (default: the one in the file name)")
    p.set_defaults(fn=cmd_check)
    p = sub.add_parser("template", help="write the XLSX template for one department and round")
    p.add_argument("--department", required=True, help="department code, e.g. SOF")
    p.add_argument("--round", required=True, help="round, e.g. 2009-05")
    p.add_argument("--kind", default="indicators", choices=["indicators", "efforts", "projects"],
                   help="indicators (default), efforts (an effort statement) or projects (the project bank)")
    p.add_argument("--out", default=".",
                   help="folder to write <DEPT>_<round>.xlsx (or <DEPT>_<round>_<kind>.xlsx) to (default: here)")
    p.set_defaults(fn=cmd_template)
    p = sub.add_parser("rebuild", help="remove everything derived and run every round again (history stays)")
    p.add_argument("--log-level", default="WARNING", help="Dagster console log level (default WARNING)")
    p.set_defaults(fn=cmd_rebuild)
    p = sub.add_parser("summary", help="print the summary of what is published")
    p.set_defaults(fn=cmd_summary)
    p = sub.add_parser("validate", help="load and validate the Dagster definitions")
    p.set_defaults(fn=cmd_validate)
    p = sub.add_parser("dev", help="start the Dagster UI on 127.0.0.1")
    p.add_argument("--port", type=int, default=3000)
    p.set_defaults(fn=cmd_dev)
    for name in ("check", "template", "validate"):  # where a person reads the output (or before the command)
        sub.choices[name].add_argument("--lang", choices=LANGUAGES, default=argparse.SUPPRESS, help=lang_help)
    from pipelines import backup, report_cli, service

    service.add_commands(sub)
    backup.add_commands(sub)
    report_cli.add_commands(sub)
    args = parser.parse_args(argv)
    from schemas.catalog import CatalogError

    try:
        with use_language(args.lang or current_language()):
            return args.fn(args)
    except (CatalogError, MessageError) as e:  # an edited catalog that does not validate, an unknown language
        print(f"barometer {args.command}: {e}", file=sys.stderr)
        return 2 if isinstance(e, MessageError) else 1


if __name__ == "__main__":
    sys.exit(main())
