"""Stage one department's files of one kind and round: validate each, write reports for rejected
files, and replace the department's staged rows for the round with those of its winning file, in
one transaction (a failure leaves the previous staging as it was)."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from assets.intake.reader import parse_file_name
from assets.intake.validation import ValidationResult, sha256_of, validate_file
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
}


@dataclass
class FileOutcome:
    round: str
    department: str
    file_name: str
    status: str  # accepted | superseded | rejected | kept
    n_rows: int
    problems: int
    summary: str
    report_path: str | None
    kind: str = "indicators"


def department_files(raw_dir: Path, department: str, round_key: str, kind: str = "indicators") -> list[Path]:
    """The department's files of one kind for a round, in name order: those in raw/<round>/, and
    those lying directly in raw/ whose name carries the round (BIF_2009-05.csv)."""
    out = []
    folder = raw_dir / round_key
    candidates = sorted(folder.iterdir()) if folder.is_dir() else []
    if raw_dir.is_dir():
        candidates += sorted(p for p in raw_dir.iterdir() if p.is_file())
    for p in candidates:
        parsed = parse_file_name(p.name)
        in_folder = p.parent == folder
        if (p.is_file() and parsed and parsed.department == department and parsed.kind == kind
                and (in_folder or parsed.round == round_key)):
            out.append(p)
    return sorted(out, key=lambda p: p.name)


def round_present(raw_dir: Path, round_key: str) -> bool:
    """Whether raw/ holds the round at all: its folder, or a file straight in raw/ naming it. A
    round that is absent altogether is left as it was staged (never wiped for want of a folder)."""
    if (raw_dir / round_key).is_dir():
        return True
    return raw_dir.is_dir() and any(
        (parsed := parse_file_name(p.name)) is not None and parsed.round == round_key
        for p in raw_dir.iterdir() if p.is_file())


from assets.intake.reports import write_report, safe_name


def _check_name_round(path: Path, round_key: str, result: ValidationResult) -> None:
    parsed = parse_file_name(path.name)
    if parsed and parsed.round != round_key and result.accepted:
        result.rows = None
        result.findings = pd.DataFrame([{
            "file": path.name, "row": None, "column": None, "rule": "file_in_round_folder", "value": parsed.round,
            "message": f"{path.name}: the file name says round {parsed.round} but it lies in raw/{round_key}/ "
                       f"— rule file_in_round_folder",
        }])


def _archive_copy(path: Path, archive_dir: Path, round_key: str, department: str, sha256: str) -> Path:
    """Keep the bytes as they arrived, named by content (never overwritten, never deleted)."""
    dest = archive_dir / round_key / department / f"{sha256[:16]}{path.suffix.lower()}"
    if not dest.exists():
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(dest.name + ".part")
        shutil.copyfile(path, tmp)
        tmp.replace(dest)
    return dest


def ingest_department_round(
    con: duckdb.DuckDBPyConnection, raw_dir: Path, reports_dir: Path, catalog: Catalog,
    department: str, round_key: str, run_id: str, kind: str = "indicators", archive_dir: Path | None = None,
) -> list[FileOutcome]:
    """Archive and validate the department's files of one kind and round, stage the rows of each
    new accepted version, and make the latest accepted version the one in force."""
    table, select = STAGING[kind]
    if not round_present(raw_dir, round_key):
        return []  # no folder and no file for the round: what was staged stays as it was
    archive_dir = archive_dir or reports_dir.parent / "archive"
    key = [round_key, department, kind]
    where = "round = ? AND department = ? AND kind = ?"
    now = dt.datetime.now()
    known = {r[0]: r[1:] for r in con.execute(
        f"SELECT sha256, version, outcome, n_rows, n_problems, first_problem, report_path, file_name "
        f"FROM submission_archive WHERE {where}", key).fetchall()}
    next_version = max((v[0] for v in known.values()), default=0) + 1
    present = []  # (path, sha, version, outcome, n_rows, n_problems, first_problem, report, summary)
    con.execute("BEGIN TRANSACTION")
    try:
        for path in department_files(raw_dir, department, round_key, kind):
            sha = sha256_of(path)
            if sha in known:  # the same bytes again: recognised, nothing changes
                version, outcome, n_rows, n_problems, first, report, first_name = known[sha]
                note = "" if first_name == path.name else f" (same bytes as {first_name})"
                summary = (f"accepted: {n_rows} rows" if outcome == "accepted" else f"rejected: {first}") + note
                present.append((path, sha, version, outcome, n_rows, n_problems, first, report, summary))
                continue
            result = validate_file(path, catalog, department=department, round_key=round_key, kind=kind)
            _check_name_round(path, round_key, result)
            outcome = "accepted" if result.accepted else "rejected"
            report = None if result.accepted else str(write_report(result, reports_dir, round_key))
            first = result.first_problem()  # never quotes a cell value: it reaches the tracker mart
            stored = _archive_copy(path, archive_dir, round_key, department, sha)
            con.execute("INSERT INTO submission_archive VALUES (" + ",".join(["?"] * 15) + ")",
                        key + [next_version, sha, path.name, str(stored), path.stat().st_size, now, outcome,
                               result.n_rows, len(result.findings), first, report, run_id])
            if result.accepted:
                incoming = result.rows.reset_index(names="source_row")  # noqa: F841 - read by DuckDB
                con.register("incoming_rows", incoming)
                con.execute(f"INSERT INTO {table} {select}", [round_key, department, next_version, path.name, sha])
                con.unregister("incoming_rows")
            known[sha] = (next_version, outcome, result.n_rows, len(result.findings), first, report, path.name)
            present.append((path, sha, next_version, outcome, result.n_rows, len(result.findings), first, report,
                            result.summary()))
            next_version += 1

        # The version in force: of the files now in raw/, the accepted one that arrived last (so a
        # department can put an earlier version back); if every file in raw/ is rejected, the
        # latest accepted version ever received stays in force from the archive (a broken
        # resubmission never removes what was published). No file in raw/: nothing in force.
        con.execute(f"DELETE FROM submission_winners WHERE {where}", key)
        winner = None
        accepted_here = [p[1] for p in present if p[3] == "accepted"]
        if present:
            candidates = accepted_here or None
            winner = con.execute(
                f"SELECT version, sha256, file_name, archived_path, received_at, n_rows FROM submission_archive "
                f"WHERE {where} AND outcome = 'accepted' AND (? IS NULL OR list_contains(?, sha256)) "
                f"ORDER BY version DESC LIMIT 1", key + [candidates, candidates]).fetchone()
        if winner:
            con.execute("INSERT INTO submission_winners VALUES (?, ?, ?, ?, ?, ?)", key + list(winner[:3]))

        con.execute(f"DELETE FROM submission_files WHERE {where}", key)
        outcomes = []
        present_shas = {p[1] for p in present}
        for path, sha, version, outcome, n_rows, n_problems, first, report, summary in present:
            status = outcome if outcome == "rejected" else ("accepted" if winner and version == winner[0] else "superseded")
            con.execute("INSERT OR REPLACE INTO submission_files VALUES (" + ",".join(["?"] * 15) + ")",
                        key + [path.name, str(path), sha, version,
                               dt.datetime.fromtimestamp(path.stat().st_mtime), now, status, n_rows, n_problems,
                               first, report, run_id])
            if winner and status == "rejected" and winner[1] not in present_shas:
                summary += f" (the earlier accepted {winner[2]}, version {winner[0]}, stays in force)"
            outcomes.append(FileOutcome(round_key, department, path.name, status, n_rows or 0, n_problems, summary,
                                        report, kind))
        if winner and winner[1] not in present_shas:  # in force from the archive: the file left raw/
            con.execute("INSERT INTO submission_files VALUES (" + ",".join(["?"] * 15) + ")",
                        key + [winner[2], winner[3], winner[1], winner[0], winner[4], now, "kept", winner[5], 0,
                               None, None, run_id])
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return outcomes
