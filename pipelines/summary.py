"""The short summary `barometer run` prints: rounds, submissions (with the reason for each
rejection), indicators computed, the latest light per indicator and where the outputs are."""

from __future__ import annotations

from pathlib import Path

import duckdb

from assets.intake.neutral import terminal
from core.contracts import public_marts, published
from schemas.code_lists import department_codes

LIGHT_MARK = {"green": "green ", "yellow": "yellow", "red": "red   ", None: "-     "}


def _rel(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


# statuses of submission_files besides accepted and rejected, as the summary words them
STATUS_TEXT = {"superseded": "superseded by a later file",
               "kept": "kept in force from the archive (an accepted version no longer in raw/)"}
MARK = {"accepted": "ok", "accepted, later file rejected": "ok!", "rejected": "REJ", "missing": "MISS",
        "not due": "-", "refused": "REF"}


def delivery_matrix(con: duckdb.DuckDBPyConnection, rounds: list[str]) -> list[str]:
    """Round x department status from the submission tracker."""
    if not rounds:
        return []
    # every round between the first and last processed, so a round with no folder shows too
    rows = con.execute(
        "SELECT round, department, status, housing_files_received FROM submission_tracker "
        "WHERE round BETWEEN ? AND ?", [min(rounds), max(rounds)]).fetchall()
    status = {(r, d): (s, h) for r, d, s, h in rows}
    rounds = sorted({r for r, *_ in rows} | set(rounds))
    depts = department_codes()
    lines = ["  round    " + " ".join(f"{d:>5}" for d in depts)]
    for r in rounds:
        cells = []
        for d in depts:
            s, h = status.get((r, d), ("not due", 0))
            cells.append(MARK.get(s, s) + ("+h" if h else ""))
        lines.append(f"  {r}  " + " ".join(f"{c:>5}" for c in cells))
    lines.append("  (ok = accepted; ok! = accepted, a later file rejected; REJ = rejected; MISS = due but nothing")
    lines.append("   arrived; REF = only links or other non-regular files, never read; - = not due;")
    lines.append("   +h = housing-area files too)")
    return lines


def render(internal_db: Path, public_db: Path, marts_dir: Path, reports_dir: Path, rounds: list[str],
           ignored: list[str], refused: list[str] = ()) -> str:
    """The summary. `ignored` and `refused` are the drop folder's lines `<where>: <reason>`
    (pipelines.cli.discover): what no intake reads, and what is never opened (links). Every file
    name and text a department supplied is printed through `neutral.terminal`."""
    out: list[str] = []
    con = duckdb.connect(str(internal_db), read_only=True)
    try:
        out.append(f"Rounds processed ({len(rounds)}): {', '.join(rounds) if rounds else 'none'}")
        for msg in ignored:
            out.append(f"  ignored: {terminal(msg)}")
        if refused:
            out.append("Refused (never read):")
            out += [f"  {terminal(msg)}" for msg in refused]
        by_status = dict(con.execute(
            "SELECT status, count(*) FROM submission_files WHERE round IN (SELECT unnest(?)) GROUP BY 1",
            [rounds]).fetchall())
        n_files = sum(n for s, n in by_status.items() if s != "refused")
        extra = [f"{by_status[s]} {text}" for s, text in STATUS_TEXT.items() if by_status.get(s)]
        out.append("")
        out.append(f"Submissions: {n_files} files received, {by_status.get('accepted', 0)} accepted, "
                   f"{by_status.get('rejected', 0)} rejected" + "".join(f", {e}" for e in extra)
                   + (f"; {by_status['refused']} refused unread (links)" if by_status.get("refused") else ""))
        out += delivery_matrix(con, rounds)
        missing = con.execute(
            "SELECT round, list(department ORDER BY department) FROM submission_tracker "
            "WHERE status = 'missing' AND round BETWEEN ? AND ? GROUP BY 1 ORDER BY 1",
            [min(rounds, default=""), max(rounds, default="")]).fetchall()
        for r, depts in missing:
            out.append(f"  MISSING  {r}: {', '.join(depts)} (due, nothing arrived)")
        rejected = con.execute(
            """SELECT round, file_name, n_problems, first_problem, report_path FROM submission_files
               WHERE status = 'rejected' AND round IN (SELECT unnest(?)) ORDER BY round, file_name""", [rounds]
        ).fetchall()
        for r, f, n, first, report in rejected:
            out.append(f"  REJECTED {r}/{terminal(f)}: {n} problem(s); first: {terminal(first)}")
            out.append(f"           report: {terminal(_rel(Path(report)))}")
    finally:
        con.close()

    pub = duckdb.connect(str(public_db), read_only=True)
    try:
        latest = pub.execute(
            """SELECT area, indicator, reference_period, value, change_since_previous, light, unit, assessment
               FROM barometer_latest ORDER BY area, indicator"""
        ).fetchall()
        n_hist = pub.execute("SELECT count(*) FROM barometer_history").fetchone()[0]
        n_dist = pub.execute("SELECT count(*), count(*) FILTER (WHERE suppressed) FROM district_values").fetchone()
        reading = pub.execute("SELECT round, reading FROM round_summary ORDER BY round DESC LIMIT 1").fetchone()
        assessed = dict(pub.execute("SELECT assessment, count(*) FROM barometer_latest "
                                    "WHERE reference_period IS NOT NULL GROUP BY 1").fetchall())
        housing = pub.execute(
            "SELECT reference_period, rule_set, vulnerable_areas, listed_by_rule_change, delisted_by_rule_change, "
            "new_vulnerable_areas, first_reported_listed "
            "FROM housing_summary ORDER BY reference_period DESC LIMIT 1").fetchone()
        carried = pub.execute("SELECT list(indicator ORDER BY indicator), any_value(carried_forward_reason) "
                              "FROM barometer_latest WHERE carried_forward").fetchone()
    finally:
        pub.close()
    unmeasured = [r[1] for r in latest if r[2] is None]
    latest = [r for r in latest if r[2] is not None]
    lights = [r[5] for r in latest]
    out.append("")
    out.append(f"Indicators computed: {len(latest)} ({n_hist} city measurements); latest lights: "
               f"{lights.count('green')} green, {lights.count('yellow')} yellow, {lights.count('red')} red, "
               f"{lights.count(None)} without a light")
    if reading:
        out.append(f"  Round {reading[0]}: {reading[1]}.")
    out.append("  Toward the targets: " + ", ".join(f"{n} {a}" for a, n in sorted(assessed.items()))
               + " (no target = a direction without a number: the light judges it)")
    out.append(f"  {'area':<16}{'indicator':<10}{'period':<9}{'value':>9}{'change':>9}  {'light':<7} target")
    for area, ind, period, value, change, light, _unit, assessment in latest:
        v = "" if value is None else f"{value:g}"
        c = "" if change is None else f"{change:+g}"
        out.append(f"  {area:<16}{ind:<10}{period:<9}{v:>9}{c:>9}  {LIGHT_MARK.get(light, light)}  {assessment}")
    if unmeasured:
        out.append(f"  In the catalog, no measurement delivered yet: {', '.join(unmeasured)}")
    if carried and carried[0]:
        out.append(f"  Carried forward (due in the latest round, no new figure; flagged in barometer_latest): "
                   f"{len(carried[0])} indicators: {', '.join(carried[0])}")
    if housing:
        period, rule_set, listed, by_rule, off_by_rule, new, first = housing
        off = f", {off_by_rule} taken off by it" if off_by_rule else ""
        first = f" ({first} of them first reported this month)" if first else ""
        out.append(f"  Housing areas {period} ({rule_set}): {listed} on the ministry's list, {by_rule} moved there "
                   f"by a rule change{off}, {new} new vulnerable{first}")
    out += _other_half(public_db)
    out.append("")
    out.append("Outputs:")
    out.append(f"  {_rel(public_db)}  (tables {', '.join(c.name for c in published())})")
    out.append(f"  {_rel(marts_dir)}/{{{','.join(public_marts())}}}.parquet")
    out.append(f"  district_values: {n_dist[0]} rows, {n_dist[1]} cells withheld (disclosure control)")
    report = public_db.parent / "report"
    if (report / "index.html").exists():
        out.append(f"  {_rel(report)}/index.html  the published report (Danish; English: {_rel(report)}/en/index.html)")
        from assets.report.build import staleness

        if stale := staleness(report, public_db):
            out.append(f"  warning: the report is stale: {stale}; run `barometer report` to rebuild it")
    if reports_dir.exists():
        out.append(f"  {_rel(reports_dir)}/<round>/  validation reports of rejected files")
    out.append("  Lineage and run history: `make dev`, then http://127.0.0.1:3000")
    return "\n".join(out)


def _other_half(public_db: Path) -> list[str]:
    """The latest year's budget by area and active projects, and the statements whose own totals
    disagree with their rows (the published tables: budget_by_area, projects_by_area,
    effort_control_totals)."""
    if not public_db.exists():
        return []
    con = duckdb.connect(str(public_db), read_only=True)
    try:
        budget = con.execute("SELECT year, sum(budget_dkk), count(*) FROM budget_by_area "
                             "GROUP BY 1 ORDER BY 1 DESC LIMIT 1").fetchone()
        projects = con.execute("SELECT year, sum(active_projects_first_priority), sum(cofinancing_first_priority_dkk) "
                               "FROM projects_by_area GROUP BY 1 ORDER BY 1 DESC LIMIT 1").fetchone()
        differ = con.execute("SELECT department, statement_year, total_row FROM effort_control_totals "
                             "WHERE NOT agrees ORDER BY 1, 2, 3").fetchall()
    except duckdb.Error:  # a warehouse published before these tables existed
        return []
    finally:
        con.close()
    out = []
    if budget:
        out.append(f"  Budget for integration efforts {budget[0]} (budget_by_area): {budget[1] / 1e6:,.1f} M DKK "
                   f"in {budget[2]} areas")
    if projects:
        out.append(f"  Project bank {projects[0]} (projects_by_area): {projects[1]} active projects, municipal "
                   f"co-financing {projects[2] / 1e6:,.1f} M DKK")
    if differ:
        named = ", ".join(f"{terminal(d)} {y} row {r}" for d, y, r in differ)
        out.append(f"  Statements whose own totals differ from their rows (warned; the rows are used): {named}")
    return out
