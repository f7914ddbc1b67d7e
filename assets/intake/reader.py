"""Read a submission file (CSV or XLSX) into a DataFrame of text cells, indexed by the row
number a person sees in the file, so every error can name its row."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter
import numpy as np
import pandas as pd

from assets.intake.formats import INT, Ambiguous, parse_number, parse_period
from assets.intake.dropfolder import MAX_FILE_BYTES, SubmissionName, parse_file_name  # noqa: F401 - re-exported
from schemas.kinds import KINDS, Kind

HEADER_SEARCH_ROWS = 20


class ReadError(ValueError):
    """The file cannot be read as a submission; the message says why in plain words."""

    def __init__(self, message: str, rule: str = "readable_file", row: int | None = None, column: str | None = None):
        super().__init__(message)
        self.rule, self.row, self.column = rule, row, column


def _cell_text(v) -> str | None:
    if v is None:
        return None
    if isinstance(v, (dt.datetime, dt.date)):
        return v.isoformat(sep=" ") if isinstance(v, dt.datetime) else v.isoformat()
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, float):
        return np.format_float_positional(v, trim="-")  # 1e-05 as 0.00001: exactly, never in E-notation
    if isinstance(v, int):
        return repr(v)
    s = str(v).strip()
    return s or None


def _frame(header: list, rows: list[tuple[int, list]], path: Path, text_cells: bool = False) -> pd.DataFrame:
    """The data rows under `header`, indexed by row number; text_cells: every cell is a str (CSV)."""
    names = [(_cell_text(h) or "").strip() for h in header]
    while names and names[-1] == "":
        names.pop()  # trailing unnamed header cells are layout; data under them is caught below
    if "" in names:
        raise ReadError(f"{path.name}: a column in the header row has no name", rule="header_names",
                        column=f"#{names.index('') + 1}")
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ReadError(f"{path.name}: columns appear twice in the header: {', '.join(dupes)}",
                        rule="header_names", column=dupes[0])
    width = len(names)
    for rownum, cells in rows:
        extra = [c for c in cells[width:] if _cell_text(c) is not None]
        if extra or (text_cells and len(cells) > len(header)):
            # e.g. a thousands separator "1,289" in a comma-separated file shifts the row
            raise ReadError(f"{path.name}, row {rownum}: {len(cells)} cells but the header has {len(header)}; "
                            "a separator inside a number or a text (1,289) must be quoted or left out",
                            rule="row_width", row=rownum)
    index = [r for r, _ in rows]
    padded = [list(cells[:width]) + [None] * (width - min(len(cells), width)) for _, cells in rows]
    df = pd.DataFrame(padded, columns=names, index=pd.Index(index, name="row"), dtype=object)
    if text_cells:
        df = df.apply(lambda col: col.str.strip())  # CSV: text cells, vectorised
        df = df.mask(df.isna() | df.eq(""), None)
    numeric = None
    if not text_cells:
        # XLSX: cells stored as numbers are exact already; only text cells need the number rules
        numeric = df.map(lambda v: isinstance(v, (int, float)) and not isinstance(v, bool))
        df = df.map(_cell_text)  # numbers, dates and text cells
    keep = df.notna().any(axis=1)  # empty rows (trailing or spacer) carry nothing
    df = df[keep]
    if df.empty:
        raise ReadError(f"{path.name}: the file has a header but no data rows", rule="has_data_rows")
    df.attrs["numeric_cells"] = numeric[keep] if numeric is not None else None
    return df


MAX_XLSX_UNCOMPRESSED = 100 * 2**20     # guards against zip bombs
MAX_XLSX_RATIO = 100                    # compression ratio of any part
PREFERRED_SHEETS = ("indberetning", "data")  # in this order: the template's name first


def _decode(path: Path, raw: bytes) -> tuple[str, str]:
    """Text and encoding name: UTF-8 (with or without BOM), else Windows-1252 (Danish Excel's
    'CSV (semikolonsepareret)'), which the file must decode cleanly as."""
    try:
        return raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError as e:
        raise ReadError(f"{path.name}: neither UTF-8 nor Windows-1252 text (byte {e.start}); save as CSV UTF-8",
                        rule="encoding") from None
    return text, "cp1252"


def _separator(path: Path, text: str, required: list[str]) -> str:
    """The separator whose header holds the required column names."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    for sep in (",", ";", "\t"):
        names = {c.strip().strip('"').lstrip("\ufeff") for c in first.split(sep)}
        if set(required) <= names:
            return sep
    counts = {sep: first.count(sep) for sep in (",", ";", "\t")}
    best = max(counts, key=counts.get)
    if counts[best] == 0:
        raise ReadError(f"{path.name}: the first line has one column; separate columns with ',' or ';'",
                        rule="csv_separator")
    return best  # the required-column rule will name what is missing


def read_csv(path: Path, required: list[str]) -> tuple[pd.DataFrame, str]:
    """The table and its number convention ('point' for ',', 'comma' for ';', 'unknown' for tabs)."""
    text, _ = _decode(path, path.read_bytes())
    if not text.strip():
        raise ReadError(f"{path.name}: the file is empty", rule="not_empty")
    sep = _separator(path, text, required)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    records = [(reader.line_num, r) for r in reader]  # line_num: the line a record ends on
    header_at = next(i for i, (_, r) in enumerate(records) if any(c.strip() for c in r))
    header = records[header_at][1]
    convention = {",": "point", ";": "comma"}.get(sep, "unknown")
    return _frame(header, records[header_at + 1 :], path, text_cells=True), convention


FORMULA_TAG = re.compile(rb"<(\w+:)?f[ >/]")  # <f>, <f t="shared" .../>, <x:f> (OpenXML SDK)


FREE_TEXT_COLUMNS = {"note"}  # the only cells where an empty formula result is harmless


def _check_formulas_have_values(path: Path, title: str, rows: list[tuple], header_at: int) -> None:
    """Excel saves each formula with its result; a file written by another tool may not. A formula
    cell without a saved result reads as empty, so refuse it by name instead of calling it missing."""
    wb = openpyxl.load_workbook(path, read_only=True, data_only=False)
    header = rows[header_at] if header_at < len(rows) else ()
    try:
        ws = wb[title]
        ws.reset_dimensions()
        for r, formulas in enumerate(ws.iter_rows(values_only=True), start=1):
            values = rows[r - 1] if r <= len(rows) else ()
            for c, f in enumerate(formulas):
                if isinstance(f, str) and f.startswith("=") and (c >= len(values) or values[c] is None):
                    name = _cell_text(header[c]) if c < len(header) else None
                    if name in FREE_TEXT_COLUMNS:
                        continue  # a note computed as "" (Excel saves an empty text result)
                    column = name or get_column_letter(c + 1)
                    raise ReadError(
                        f"{path.name}, row {r}, column '{column}': the cell holds a formula ({f}) without a saved "
                        "result; open the file in Excel and save it, or type the value", rule="formula_without_value",
                        row=r, column=column)
    finally:
        wb.close()


def _check_xlsx_container(path: Path) -> bool:
    """Refuse workbooks that would explode in memory or carry XML entity declarations, before
    any XML parser sees them. Returns whether a worksheet stores a formula (read from the same
    pass over the parts), so the formula check's second read is made only when needed."""
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise ReadError(f"{path.name}: not a readable XLSX workbook (not a zip container)",
                        rule="readable_file") from None
    with zf:
        infos = zf.infolist()
        total = sum(i.file_size for i in infos)
        worst = max((i.file_size / max(i.compress_size, 1) for i in infos), default=0)
        if total > MAX_XLSX_UNCOMPRESSED or worst > MAX_XLSX_RATIO:
            raise ReadError(f"{path.name}: the workbook unpacks to {total / 2**20:.0f} MB (compression ratio up to "
                            f"{worst:.0f}:1); refused as a possible zip bomb", rule="xlsx_too_large")
        formulas = False
        for info in infos:
            if info.filename.endswith((".xml", ".rels")):
                sheet = info.filename.startswith("xl/worksheets/")
                with zf.open(info) as f:
                    data = f.read() if sheet else f.read(65536)  # sizes bounded by the check above
                head = data[:65536]
                if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                    raise ReadError(f"{path.name}: part {info.filename} declares a DTD or XML entities; refused "
                                    "(XLSX files never need them)", rule="xlsx_unsafe_xml")
                formulas = formulas or (sheet and FORMULA_TAG.search(data) is not None)
    return formulas


def read_xlsx(path: Path, required_columns: list[str]) -> pd.DataFrame:
    has_formulas = _check_xlsx_container(path)
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many types for a damaged or fake workbook
        raise ReadError(f"{path.name}: not a readable XLSX workbook ({type(e).__name__}: {e})", rule="readable_file") from None
    try:
        sheets = [ws for ws in wb.worksheets if getattr(ws, "sheet_state", "visible") == "visible"]
        if not sheets:
            raise ReadError(f"{path.name}: the workbook has no visible sheet", rule="readable_file")
        # the sheet the template names, else the first visible one; hidden sheets are never read
        named = {w.title.strip().lower(): w for w in sheets}
        ws = next((named[n] for n in PREFERRED_SHEETS if n in named), sheets[0])
        # read every stored row and column: the sheet's own stated size (<dimension>) is often
        # wrong in files not written by Excel, and would silently cut rows off
        ws.reset_dimensions()
        rows = list(ws.iter_rows(values_only=True))
    finally:
        wb.close()
    required = set(required_columns)
    for i, r in enumerate(rows[:HEADER_SEARCH_ROWS]):
        names = {(_cell_text(c) or "") for c in r}
        if required <= names:
            if has_formulas:
                _check_formulas_have_values(path, ws.title, rows, i)
            return _frame(list(r), [(j + 1, list(rr)) for j, rr in enumerate(rows) if j > i], path)
    if not any(any(_cell_text(c) for c in r) for r in rows):
        raise ReadError(f"{path.name}: the sheet '{ws.title}' is empty", rule="not_empty")
    raise ReadError(
        f"{path.name}: no header row with the columns {', '.join(required_columns)} in the first "
        f"{HEADER_SEARCH_ROWS} rows of sheet '{ws.title}'",
        rule="header_present",
    )


def _normalise(df: pd.DataFrame, kind: Kind, convention: str, path: Path) -> list[dict]:
    """Numbers and periods to canonical text in place; the cells that are ambiguous are reported
    (file, row, column, rule number_format) and their rows left out of the checks that follow."""
    problems = []
    numeric = df.attrs.pop("numeric_cells", None)  # not kept: pandas copies attrs on every operation
    for col in kind.number_columns:
        if col not in df.columns:
            continue
        values = df[col].dropna()
        # whole numbers (most cells) and XLSX number cells are already canonical: only the rest go
        # through parse_number
        if numeric is not None and col in numeric.columns:
            values = values[~numeric.loc[values.index, col].astype(bool)]
        values = values[~values.astype(str).str.fullmatch(INT.pattern, flags=re.ASCII)]
        for row, value in values.items():
            try:
                df.at[row, col] = parse_number(value, convention)
            except Ambiguous as e:
                problems.append({"file": path.name, "row": row, "column": col, "rule": "number_format",
                                 "value": value, "message": f"{path.name}, row {row}, column '{col}': {e} "
                                                            f"— rule number_format"})
    for col in kind.period_columns:
        if col in df.columns:
            canonical = {v: parse_period(v) for v in df[col].dropna().unique() if isinstance(v, str)}
            df[col] = df[col].map(lambda v: canonical.get(v, v) if isinstance(v, str) else v)  # once per value
    return problems


def read_submission(path: Path, kind: Kind = KINDS["indicators"]) -> pd.DataFrame:
    """Read CSV or XLSX; all cells as canonical text (None when empty), the kind's optional
    columns added. Ambiguous cells are listed in `df.attrs["problems"]`."""
    ext = path.suffix.lower()
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ReadError(f"{path.name}: {size / 2**20:.1f} MB is more than the {MAX_FILE_BYTES // 2**20} MB a "
                        "submission may be", rule="file_too_large")
    if ext == ".csv":
        df, convention = read_csv(path, kind.required)
    elif ext == ".xlsx":
        df, convention = read_xlsx(path, kind.required), "unknown"
    else:
        raise ReadError(f"{path.name}: unsupported file type {ext!r}; send .csv or .xlsx", rule="file_type")
    for col in kind.columns:
        if col not in df.columns and col not in kind.required:
            df[col] = None
    df.attrs["problems"] = _normalise(df, kind, convention, path)
    return df
