"""The validation report of a rejected file, as written to warehouse/reports/<round>/: a text
report for people (`<file>.txt`) and a CSV with one finding per line (`<file>.csv`, columns
file, row, column, rule, value, message).

Both quote what the department sent (its file name, the offending cell), so both are written
through `assets.intake.neutral`: the text report with every control character, line separator
and bidirectional control shown escaped (`terminal`), the CSV with no cell a spreadsheet would
run as a formula (`csv_cell`). The findings themselves are not altered."""

from __future__ import annotations

import csv
import dataclasses
import re
from pathlib import Path
from typing import TYPE_CHECKING

from assets.intake.neutral import csv_cell, terminal

if TYPE_CHECKING:
    from assets.intake.validation import ValidationResult

REPORT_COLUMNS = ["file", "row", "column", "rule", "value", "message"]


def safe_name(name: str) -> str:
    """A file name that stays inside the folder it is written to, whatever the department sent."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]", "_", name).lstrip(".")
    return cleaned or "unnamed"


def report_text(result: ValidationResult) -> str:
    """`result.report_text()` with everything that came from outside (the file name, department
    and round as given, each finding's message with its quoted value) neutralised for a
    terminal or a text editor: one finding is always one line."""
    findings = result.findings
    if len(findings) and "message" in findings.columns:
        findings = findings.assign(message=findings["message"].map(terminal))
    safe = dataclasses.replace(
        result, path=Path(terminal(result.path.name)),
        department=None if result.department is None else terminal(result.department),
        round=None if result.round is None else terminal(result.round), findings=findings)
    return safe.report_text()


def report_rows(result: ValidationResult) -> list[list]:
    """The findings as CSV rows (header first), every cell passed through `csv_cell`."""
    findings = result.findings
    rows: list[list] = [list(REPORT_COLUMNS)]
    for record in findings.to_dict("records"):
        rows.append([csv_cell(record.get(c)) for c in REPORT_COLUMNS])
    return rows


def write_csv(path: Path, rows: list[list]) -> None:
    """Rows (already neutralised) to a UTF-8 CSV, quoted where needed (RFC 4180)."""
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        for row in rows:
            w.writerow(["" if v is None else v for v in row])


def write_report(result: ValidationResult, reports_dir: Path, round_key: str) -> Path:
    """Write `<file>.txt` and `<file>.csv` under reports_dir/<round>/; return the .txt's path."""
    folder = reports_dir / safe_name(round_key)
    folder.mkdir(parents=True, exist_ok=True)
    txt = folder / f"{safe_name(result.path.name)}.txt"
    assert txt.resolve().is_relative_to(reports_dir.resolve())
    txt.write_text(report_text(result), encoding="utf-8")
    write_csv(folder / f"{safe_name(result.path.name)}.csv", report_rows(result))
    return txt
