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


def _frame(header: list, rows: list[tuple[int, list]], path: Path) -> pd.DataFrame:
    names = [(_cell_text(h) or "").strip() for h in header]
    # Trailing unnamed columns that are empty everywhere are layout, not data.
    while names and names[-1] == "" and all(len(r) < len(names) or _cell_text(r[len(names) - 1]) is None for _, r in rows):
        names.pop()
    if "" in names:
        raise ReadError(f"{path.name}: a column in the header row has no name", rule="header_names", column=f"#{names.index('') + 1}")
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ReadError(f"{path.name}: columns appear twice in the header: {', '.join(dupes)}", rule="header_names", column=dupes[0])
    data, index = [], []
    for rownum, cells in rows:
        cells = list(cells[: len(names)]) + [None] * max(0, len(names) - len(cells))
        texts = [_cell_text(c) for c in cells]
        if all(t is None for t in texts):
            continue  # empty rows (trailing or spacer) carry nothing
        data.append(texts)
        index.append(rownum)
    df = pd.DataFrame(data, columns=names, index=pd.Index(index, name="row"), dtype=object)
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
    return _frame(header, records[header_at + 1 :], path)


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
