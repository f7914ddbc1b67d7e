"""Stage one department's files of one kind and round.

Each file in raw/ is read once (never through a link), its bytes archived and registered as a
version in the durable history (assets/intake/archive.py, committed at once through the step's
`durable` cursor); then every registered version not yet judged is validated from those same
bytes (a version no longer in raw/ from its archive copy, so a rebuild re-derives everything from
the archive), accepted rows are staged, rejected files get a report, and the version in force is
chosen. These derived writes of every round of an intake step form one transaction of the
internal database (`step_transaction`): a failure leaves the previous staging as it was, and the
versions registered meanwhile are judged by the next run (rounds_to_rederive)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from assets.intake import archive
from assets.intake.dropfolder import MAX_FILE_BYTES, Entry, UnsafeFile, parse_file_name, read_bytes, round_files, scan
from assets.intake.reports import write_report
from assets.intake.validation import ValidationResult, validate_bytes
from schemas.catalog import Catalog

# Per kind: the staging table and the SELECT that turns the validated rows (registered as
# `incoming_rows`, with source_row) into its columns after (round, department, file, sha256, row).
STAGING = {
    "indicators": ("submission_rows", """
        SELECT ?, ?, ?, ?, ?, source_row::INTEGER, indicator, reference_period,
               CASE WHEN length(reference_period) = 7 THEN CAST(reference_period || '-01' AS DATE)
                    ELSE make_date(CAST(reference_period AS INTEGER), 1, 1) END,
               CASE WHEN length(reference_period) = 7 THEN 'month' ELSE 'year' END,
               district, subunit, "group", sex, numerator, denominator, value, sd, note
        FROM incoming_rows"""),
    "areas": ("housing_area_rows", """
        SELECT ?, ?, ?, ?, ?, source_row::INTEGER, area_id, area_name, area_group, district, section,
               reference_period, CAST(reference_period || '-01' AS DATE),
               residents, residents_18_64, outside_labour_market, family_dwellings,
               movein_flexible, movein_combined
        FROM incoming_rows"""),
    "dwellings": ("dwelling_rows", """
        SELECT ?, ?, ?, ?, ?, source_row::INTEGER, area_id, period_from, period_to, dwelling_status, dwellings,
               transfer_from, transfer_to, residents_18_64_from, residents_18_64_to
        FROM incoming_rows"""),
    "efforts": ("effort_rows", """
        SELECT ?, ?, ?, ?, ?, source_row::INTEGER, statement_year::INTEGER, row_type, effort_id, effort_name,
               committee, policy_goals, indicators, target_group, activities, year_goal, contribution, evaluated,
               evaluation, statistical_follow_up, activities_done, activities_outstanding, goal_fulfilment,
               participants, assessment, budget_year::INTEGER, area, budget_dkk, note
        FROM incoming_rows"""),
    "projects": ("project_rows", """
        SELECT ?, ?, ?, ?, ?, source_row::INTEGER, project_id, project_name, owner_department, priority_areas,
               start_month, end_month, total_budget_dkk, status, year::INTEGER, cofinancing_dkk, note
        FROM incoming_rows"""),
}


@dataclass
class FileOutcome:
    round: str
    department: str
    file_name: str
    status: str  # accepted | superseded | rejected | kept | refused
    n_rows: int
    problems: int
    summary: str
    report_path: str | None
    kind: str = "indicators"




@contextmanager
def step_transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """One transaction of the internal database for an intake step's derived writes, committed
    when the step's rounds are all staged, rolled back on any failure. Yields the cursor that
    registers received files in the durable history: each registration commits on its own, at
    once, before the rows it stands for are staged (a transaction writes one database only)."""
    durable = con.cursor()
    con.execute("BEGIN TRANSACTION")
    try:
        yield durable
    except BaseException:
        con.execute("ROLLBACK")
        raise
    else:
        con.execute("COMMIT")  # a failed COMMIT has ended the transaction: its own error is raised
    finally:
        durable.close()


NOT_REGULAR = "not_a_regular_file"


def _check_name_round(name: str, round_key: str, result: ValidationResult) -> None:
    parsed = parse_file_name(name)
    if parsed and parsed.round != round_key and result.accepted:
        result.rows = None
        result.findings = pd.DataFrame([{
            "file": name, "row": None, "column": None, "rule": "file_in_round_folder", "value": parsed.round,
            "message": f"{name}: the file name says round {parsed.round} but it lies in raw/{round_key}/ "
                       f"— rule file_in_round_folder",
        }])


@dataclass
class _Present:
    """A file lying in raw/ for the key: refused unread, or read and (if within the limits) archived."""

    entry: Entry
    data: bytes | None = None
    received: archive.Received | None = None
    refusal: str | None = None


def _read_present(durable, entries: list[Entry], archive_dir: Path, key: list[str], run_id: str,
                  prefetched: dict | None = None) -> list[_Present]:
    """Phase 1, durable: read each file once (or take the bytes prefetch.py read) and register
    its bytes (through the `durable` cursor: its own commits)."""
    out = []
    for e in entries:
        if e.status == "refused":
            out.append(_Present(e, refusal=f"{e.where}: {e.reason}"))
            continue
        fetched = (prefetched or {}).get(e.path)
        try:
            if fetched is not None and fetched.error is not None:
                raise fetched.error
            data = fetched.data if fetched is not None else read_bytes(e.path)
        except (UnsafeFile, OSError) as err:
            out.append(_Present(e, refusal=f"{e.where}: {err}"))
            continue
        if len(data) > MAX_FILE_BYTES:  # refused unread beyond the limit: nothing to keep whole
            out.append(_Present(e, data=data))
            continue
        out.append(_Present(e, data=data, received=archive.register(
            durable, archive_dir, key, e.path.name, Path(e.path.name).suffix.lower(), data, run_id)))
    return out


def _judge(con, result: ValidationResult, key: list[str], received: archive.Received, table: str, select: str,
           reports_dir: Path, run_id: str) -> tuple[tuple, str]:
    """Record the outcome of one version (derived) and stage its rows if accepted. Returns the
    version's row as `submission_archive` holds it (version ... file_name) and its summary."""
    round_key = key[0]
    _check_name_round(received.file_name, round_key, result)
    outcome = "accepted" if result.accepted else "rejected"
    report = None if result.accepted else str(write_report(result, reports_dir, round_key))
    first = result.first_problem()  # never quotes a cell value: it reaches the tracker mart
    con.execute("INSERT INTO submission_archive VALUES (" + ",".join(["?"] * 15) + ")",
                key + [received.version, received.sha256, received.file_name, received.archived_path,
                       received.size_bytes, received.received_at, outcome, result.n_rows, result.n_problems,
                       first, report, run_id])
    if result.accepted:
        # the clean file's path keeps its rows as an Arrow table: DuckDB reads it without a copy
        incoming = result.table if result.table is not None else result.rows.reset_index(names="source_row")
        con.register("incoming_rows", incoming)
        con.execute(f"INSERT INTO {table} {select}", key[:2] + [received.version, received.file_name,
                                                                received.sha256])
        con.unregister("incoming_rows")
    return ((received.version, outcome, result.n_rows, result.n_problems, first, report, received.file_name),
            result.summary())


def ingest_department_round(
    con: duckdb.DuckDBPyConnection, durable: duckdb.DuckDBPyConnection, raw_dir: Path, reports_dir: Path,
    catalog: Catalog, department: str, round_key: str, run_id: str, kind: str = "indicators",
    archive_dir: Path | None = None, entries: list[Entry] | None = None, prefetched: dict | None = None,
    with_state: set[str] | None = None,
) -> list[FileOutcome]:
    """Archive and validate the department's files of one kind and round, stage the rows of each
    new accepted version, and make the latest accepted version the one in force. Runs inside the
    step's transaction on `con`; `durable` is the cursor step_transaction yields. `prefetched`
    (prefetch.py): the round's files already read, and validated where their bytes are new.
    `with_state` (rounds_with_state, read once per step): a round outside it with no file in raw/
    has nothing to record, so it costs no statement."""
    table, select = STAGING[kind]
    archive_dir = archive_dir or reports_dir.parent / "archive"
    entries = scan(raw_dir) if entries is None else entries
    key = [round_key, department, kind]
    where = "round = ? AND department = ? AND kind = ?"
    round_in_raw = any(e.round == round_key for e in entries)
    folder_refused = [e for e in entries if e.round == round_key and e.is_folder and e.status == "refused"]
    mine = round_files(entries, department, round_key, kind)
    if with_state is not None and round_key not in with_state and not mine and not folder_refused:
        return []  # nothing received, judged or in force for the key: the statements below would find nothing
    present = _read_present(durable, mine, archive_dir, key, run_id, prefetched)
    for e in folder_refused:  # a round folder that is a link: every delivery of the round is refused
        present.append(_Present(e, refusal=f"{e.where}: {e.reason}"))

    now = dt.datetime.now()
    judged = {r[0]: r[1:] for r in con.execute(
        f"SELECT sha256, version, outcome, n_rows, n_problems, first_problem, report_path, file_name "
        f"FROM submission_archive WHERE {where}", key).fetchall()}
    registered = archive.versions(durable, key)
    unjudged = [v for v in registered if v.sha256 not in judged]
    if not round_in_raw and not unjudged:
        return []  # no folder and no file for the round, nothing new: what was staged stays as it was
    by_sha = {p.received.sha256: p.data for p in present if p.received}
    summaries: dict[str, str] = {}
    # Every registered version not judged yet: the new ones from the bytes just read, the others
    # (a rebuild, or a version that left raw/) from the archive.
    for v in unjudged:
        ready = [f.result_for(v.sha256, v.file_name) for f in (prefetched or {}).values()]
        result = next((r for r in ready if r is not None), None)
        if result is None:
            data = by_sha.get(v.sha256)
            data = archive.load(archive_dir, v) if data is None else data
            result = validate_bytes(v.file_name, data, catalog, department=department, round_key=round_key,
                                    kind=kind)
        judged[v.sha256], summaries[v.sha256] = _judge(con, result, key, v, table, select, reports_dir, run_id)
    outcomes = _settle(con, key, where, present, judged, summaries, catalog, reports_dir, round_in_raw,
                       run_id, now)
    return outcomes


def _settle(con, key, where, present: list[_Present], judged: dict, summaries: dict, catalog: Catalog,
            reports_dir: Path, round_in_raw: bool, run_id: str, now) -> list[FileOutcome]:
    """Choose the version in force and record the files in raw/ with their status (derived)."""
    round_key, department, kind = key
    # The version in force: of the files now in raw/, the accepted one that arrived last (so a
    # department can put an earlier version back); if every file in raw/ is rejected, the latest
    # accepted version ever received stays in force from the archive (a broken resubmission never
    # removes what was published). Files in raw/ but none readable: nothing in force. A round
    # absent from raw/ altogether (rebuilt from the archive): its latest accepted version.
    readable = [p for p in present if p.received]
    accepted_here = [p.received.sha256 for p in readable if judged[p.received.sha256][1] == "accepted"]
    winner = None
    if readable or not round_in_raw:
        candidates = accepted_here or None
        winner = con.execute(
            f"SELECT version, sha256, file_name, archived_path, received_at, n_rows FROM submission_archive "
            f"WHERE {where} AND outcome = 'accepted' AND (? IS NULL OR list_contains(?, sha256)) "
            f"ORDER BY version DESC LIMIT 1", key + [candidates, candidates]).fetchone()
    con.execute(f"DELETE FROM submission_winners WHERE {where}", key)
    if winner:
        con.execute("INSERT INTO submission_winners VALUES (?, ?, ?, ?, ?, ?)", key + list(winner[:3]))

    con.execute(f"DELETE FROM submission_files WHERE {where}", key)
    outcomes = []
    present_shas = {p.received.sha256 for p in readable}
    insert = "INSERT OR REPLACE INTO submission_files VALUES (" + ",".join(["?"] * 15) + ")"
    for p in present:
        name = p.entry.path.name
        if p.received is None:  # refused unread (a link), or over the size limit
            if p.refusal:
                status, n_rows, problems, first, report, summary = "refused", 0, 1, p.refusal, None, \
                    f"refused: {p.refusal} — rule {NOT_REGULAR}"
            else:
                result = validate_bytes(name, p.data, catalog, department=department, round_key=round_key, kind=kind)
                status, n_rows, problems, first = "rejected", 0, result.n_problems, result.first_problem()
                report, summary = str(write_report(result, reports_dir, round_key)), result.summary()
            con.execute(insert, key + [name, str(p.entry.path), "", 0, None, now, status, n_rows, problems, first,
                                       report, run_id])
            outcomes.append(FileOutcome(round_key, department, name, status, n_rows, problems, summary, report, kind))
            continue
        sha = p.received.sha256
        version, outcome, n_rows, n_problems, first, report, first_name = judged[sha]
        summary = summaries.get(sha) or (f"accepted: {n_rows} rows" if outcome == "accepted" else f"rejected: {first}")
        if first_name != name:
            summary += f" (same bytes as {first_name})"
        status = outcome if outcome == "rejected" else ("accepted" if winner and version == winner[0] else "superseded")
        con.execute(insert, key + [name, str(p.entry.path), sha, version, p.received.received_at, now, status, n_rows,
                                   n_problems, first, report, run_id])
        if winner and status == "rejected" and winner[1] not in present_shas:
            summary += f" (the earlier accepted {winner[2]}, version {winner[0]}, stays in force)"
        outcomes.append(FileOutcome(round_key, department, name, status, n_rows or 0, n_problems, summary, report,
                                    kind))
    if winner and winner[1] not in present_shas:  # in force from the archive: the file left raw/
        con.execute(insert, key + [winner[2], winner[3], winner[1], winner[0], winner[4], now, "kept", winner[5], 0,
                                   None, None, run_id])
    return outcomes


def rounds_with_state(con: duckdb.DuckDBPyConnection, department: str, kind: str) -> set[str]:
    """Rounds for which the department's files of a kind have anything recorded: a registered
    version, a judged one, a file listed or a version in force."""
    return {r[0] for r in con.execute(
        """SELECT round FROM history.received_files WHERE department = $d AND kind = $k
           UNION SELECT round FROM submission_archive WHERE department = $d AND kind = $k
           UNION SELECT round FROM submission_files WHERE department = $d AND kind = $k
           UNION SELECT round FROM submission_winners WHERE department = $d AND kind = $k""",
        {"d": department, "k": kind}).fetchall()}


def judged_versions(con: duckdb.DuckDBPyConnection, department: str, kind: str) -> set[tuple[str, str]]:
    """(round, sha256) of every version of the department's files of a kind already judged."""
    return set(con.execute("SELECT round, sha256 FROM submission_archive WHERE department = ? AND kind = ?",
                           [department, kind]).fetchall())


def rounds_to_rederive(con: duckdb.DuckDBPyConnection, department: str, kind: str) -> list[str]:
    """Rounds with a registered version that the derived warehouse has not judged: after a rebuild,
    a change of the internal schema, or a lost internal database. Intake processes them beside the
    run's own rounds, so the derived state is always whole, whichever round a run was started for."""
    return [r[0] for r in con.execute(
        """SELECT DISTINCT h.round FROM history.received_files h
           WHERE h.department = ? AND h.kind = ? AND NOT EXISTS (
               SELECT 1 FROM submission_archive a WHERE a.round = h.round AND a.department = h.department
               AND a.kind = h.kind AND a.sha256 = h.sha256)
           ORDER BY 1""", [department, kind]).fetchall()]
