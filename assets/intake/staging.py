"""Stage one department's files of one kind and round: validate each, write reports for rejected
files, and replace the department's staged rows for the round with those of its winning file, in
one transaction (a failure leaves the previous staging as it was)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from assets.intake.reader import parse_file_name
from assets.intake.validation import ValidationResult, validate_file
from schemas.catalog import Catalog

# Per kind: the staging table and the SELECT that turns the validated rows (registered as
# `incoming_rows`, with source_row) into its columns after (round, department, file, sha256, row).
STAGING = {
    "indicators": ("submission_rows", """
        SELECT ?, ?, ?, ?, source_row::INTEGER, indicator, reference_period,
               CASE WHEN length(reference_period) = 7 THEN CAST(reference_period || '-01' AS DATE)
                    ELSE make_date(CAST(reference_period AS INTEGER), 1, 1) END,
               CASE WHEN length(reference_period) = 7 THEN 'month' ELSE 'year' END,
               district, subunit, "group", sex, numerator, denominator, value, sd, note
        FROM incoming_rows"""),
    "areas": ("housing_area_rows", """
        SELECT ?, ?, ?, ?, source_row::INTEGER, area_id, area_name, area_group, district, section,
               reference_period, CAST(reference_period || '-01' AS DATE),
               residents, residents_18_64, outside_labour_market, family_dwellings,
               movein_flexible, movein_combined
        FROM incoming_rows"""),
    "dwellings": ("dwelling_rows", """
        SELECT ?, ?, ?, ?, source_row::INTEGER, area_id, period_from, period_to, dwelling_status, dwellings,
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
    """The department's files of one kind in raw/<round>/, in name order (the last accepted wins)."""
    folder = raw_dir / round_key
    if not folder.is_dir():
        return []
    out = []
    for p in sorted(folder.iterdir()):
        parsed = parse_file_name(p.name)
        if p.is_file() and parsed and parsed.department == department and parsed.kind == kind:
            out.append(p)
    return out


def write_report(result: ValidationResult, reports_dir: Path, round_key: str) -> Path:
    folder = reports_dir / round_key
    folder.mkdir(parents=True, exist_ok=True)
    txt = folder / f"{result.path.name}.txt"
    txt.write_text(result.report_text(), encoding="utf-8")
    result.findings.to_csv(folder / f"{result.path.name}.csv", index=False)
    return txt


def _check_name_round(path: Path, round_key: str, result: ValidationResult) -> None:
    parsed = parse_file_name(path.name)
    if parsed and parsed.round != round_key and result.accepted:
        result.rows = None
        result.findings = pd.DataFrame([{
            "file": path.name, "row": None, "column": None, "rule": "file_in_round_folder", "value": parsed.round,
            "message": f"{path.name}: the file name says round {parsed.round} but it lies in raw/{round_key}/ "
                       f"— rule file_in_round_folder",
        }])


def ingest_department_round(
    con: duckdb.DuckDBPyConnection, raw_dir: Path, reports_dir: Path, catalog: Catalog,
    department: str, round_key: str, run_id: str, kind: str = "indicators",
) -> list[FileOutcome]:
    table, select = STAGING[kind]
    results = []
    for path in department_files(raw_dir, department, round_key, kind):
        result = validate_file(path, catalog, department=department, round_key=round_key, kind=kind)
        _check_name_round(path, round_key, result)
        results.append(result)
    winner = next((r for r in reversed(results) if r.accepted), None)
    now = dt.datetime.now()
    outcomes, file_rows = [], []
    for r in results:
        status = "accepted" if r is winner else ("superseded" if r.accepted else "rejected")
        report = str(write_report(r, reports_dir, round_key)) if not r.accepted else None
        outcomes.append(FileOutcome(round_key, department, r.path.name, status, r.n_rows, len(r.findings),
                                    r.summary(), report, kind))
        file_rows.append((round_key, department, kind, r.path.name, str(r.path), r.sha256,
                          dt.datetime.fromtimestamp(r.path.stat().st_mtime), now, status, r.n_rows,
                          len(r.findings), None if r.accepted else r.findings.iloc[0]["message"], report, run_id))

    con.execute("BEGIN TRANSACTION")
    try:
        params = [department, round_key]
        files_where = "department = ? AND round = ? AND kind = ?"
        if winner is not None or not results:
            # A new accepted file replaces the round's rows; no file at all means nothing delivered.
            con.execute(f"DELETE FROM {table} WHERE department = ? AND round = ?", params)
            con.execute(f"DELETE FROM submission_files WHERE {files_where}", params + [kind])
        else:
            # Every file rejected: what was accepted before stays staged (and published), marked kept.
            con.execute(f"DELETE FROM submission_files WHERE {files_where} AND status NOT IN ('accepted', 'kept')",
                        params + [kind])
            con.execute(f"UPDATE submission_files SET status = 'kept' WHERE {files_where}", params + [kind])
            kept = con.execute(f"SELECT file_name FROM submission_files WHERE {files_where}",
                               params + [kind]).fetchall()
            if kept:
                for o in outcomes:
                    o.summary += f" (the earlier accepted {kept[0][0]} stays published)"
        if file_rows:
            con.executemany("INSERT INTO submission_files VALUES (" + ",".join(["?"] * 14) + ")", file_rows)
        if winner is not None:
            incoming = winner.rows.reset_index(names="source_row")  # noqa: F841 - read by DuckDB
            con.register("incoming_rows", incoming)
            con.execute(f"INSERT INTO {table} {select}", [round_key, department, winner.path.name, winner.sha256])
            con.unregister("incoming_rows")
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return outcomes
