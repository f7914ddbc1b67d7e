"""Read a submission file (CSV or XLSX) into a DataFrame of text cells, indexed by the row
number a person sees in the file, so every error can name its row."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pandas as pd

from schemas.kinds import KINDS, Kind, kind_of_suffix

FILE_NAME_RE = re.compile(
    r"^(?P<department>[A-Za-z]{3})_(?P<round>\d{4}-\d{2})(?:_(?P<suffix>[A-Za-z0-9._-]+))?\.(?P<ext>csv|xlsx)$",
    re.IGNORECASE,
)
HEADER_SEARCH_ROWS = 20


class ReadError(ValueError):
    """The file cannot be read as a submission; the message says why in plain words."""

    def __init__(self, message: str, rule: str = "readable_file", row: int | None = None, column: str | None = None):
        super().__init__(message)
        self.rule, self.row, self.column = rule, row, column


@dataclass(frozen=True)
class SubmissionName:
    department: str
    round: str
    suffix: str | None
    ext: str

    @property
    def kind(self) -> str:
        return kind_of_suffix(self.suffix)


def parse_file_name(name: str) -> SubmissionName | None:
    """`BIF_2009-05.csv` -> department BIF, round 2009-05; None if the name is not a submission's."""
    m = FILE_NAME_RE.match(name)
    if not m:
        return None
    return SubmissionName(m["department"].upper(), m["round"], m["suffix"], m["ext"].lower())


def _cell_text(v) -> str | None:
    if v is None:
        return None
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, (int, float)):
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
        if extra:  # e.g. a thousands separator "1,289" in a comma-separated file shifts the row
            raise ReadError(f"{path.name}, row {rownum}: {len(cells)} cells but the header has {width} "
                            f"columns (first extra value {extra[0]!r}); a ',' inside a number or text must be quoted",
                            rule="row_width", row=rownum)
    index = [r for r, _ in rows]
    padded = [list(cells[:width]) + [None] * (width - min(len(cells), width)) for _, cells in rows]
    df = pd.DataFrame(padded, columns=names, index=pd.Index(index, name="row"), dtype=object)
    if text_cells:
        df = df.apply(lambda col: col.str.strip())  # CSV: text cells, vectorised
        df = df.mask(df.isna() | df.eq(""), None)
    else:
        df = df.map(_cell_text)  # XLSX: numbers, dates and text cells
    df = df[df.notna().any(axis=1)]  # empty rows (trailing or spacer) carry nothing
    if df.empty:
        raise ReadError(f"{path.name}: the file has a header but no data rows", rule="has_data_rows")
    return df


def read_csv(path: Path) -> pd.DataFrame:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ReadError(f"{path.name}: not UTF-8 text (byte {e.start}); save the file as CSV UTF-8", rule="encoding_utf8") from None
    if not text.strip():
        raise ReadError(f"{path.name}: the file is empty", rule="not_empty")
    reader = csv.reader(io.StringIO(text, newline=""))
    records = [(reader.line_num, r) for r in reader]  # line_num: the line a record ends on
    header_at = next(i for i, (_, r) in enumerate(records) if any(c.strip() for c in r))
    header = records[header_at][1]
    if len(header) == 1 and (";" in header[0] or "\t" in header[0]):
        raise ReadError(f"{path.name}: the header is one column; use ',' as the separator", rule="csv_separator")
    return _frame(header, records[header_at + 1 :], path, text_cells=True)


def read_xlsx(path: Path, required_columns: list[str]) -> pd.DataFrame:
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many types for a damaged or fake workbook
        raise ReadError(f"{path.name}: not a readable XLSX workbook ({type(e).__name__}: {e})", rule="readable_file") from None
    try:
        sheets = [ws for ws in wb.worksheets if getattr(ws, "sheet_state", "visible") == "visible"]
        if not sheets:
            raise ReadError(f"{path.name}: the workbook has no visible sheet", rule="readable_file")
        ws = sheets[0]
        rows = list(ws.iter_rows(values_only=True))
    finally:
        wb.close()
    required = set(required_columns)
    for i, r in enumerate(rows[:HEADER_SEARCH_ROWS]):
        names = {(_cell_text(c) or "") for c in r}
        if required <= names:
            return _frame(list(r), [(j + 1, list(rr)) for j, rr in enumerate(rows) if j > i], path)
    if not any(any(_cell_text(c) for c in r) for r in rows):
        raise ReadError(f"{path.name}: the sheet '{ws.title}' is empty", rule="not_empty")
    raise ReadError(
        f"{path.name}: no header row with the columns {', '.join(required_columns)} in the first "
        f"{HEADER_SEARCH_ROWS} rows of sheet '{ws.title}'",
        rule="header_present",
    )


def read_submission(path: Path, kind: Kind = KINDS["indicators"]) -> pd.DataFrame:
    """Read CSV or XLSX; all cells as text (None when empty), the kind's optional columns added."""
    ext = path.suffix.lower()
    if ext == ".csv":
        df = read_csv(path)
    elif ext == ".xlsx":
        df = read_xlsx(path, kind.required)
    else:
        raise ReadError(f"{path.name}: unsupported file type {ext!r}; send .csv or .xlsx", rule="file_type")
    for col in kind.columns:
        if col not in df.columns and col not in kind.required:
            df[col] = None
    return df
