"""Read a submission file (CSV or XLSX) from its bytes into a DataFrame of text cells, indexed by
the row number a person sees in the file, so every error can name its row.

The bytes are read once (dropfolder.read_bytes) and never re-opened: the CSV is decoded from
them (reader_csv), the XLSX opened from them in memory (reader_xlsx)."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

from assets.intake.dropfolder import MAX_FILE_BYTES, read_bytes
from assets.intake.formats import INT, Ambiguous, parse_number, parse_period
from assets.intake.reader_base import ReadError, cell_text
from assets.intake.reader_csv import decode, read_csv_text
from assets.intake.reader_xlsx import read_xlsx_bytes
from schemas.kinds import KINDS, Kind

MAX_DIGITS = 15  # the most digits a double holds exactly

_cell_text = cell_text  # the name other modules knew it by
NUMBER_IN_TWO = re.compile(r"-?\d+")


NUMBER_COLUMNS = {c for k in KINDS.values() for c in k.number_columns}
PLAIN_CELL = re.compile(r"-?\d+(?:[.,]\d+)?")


def _fits_when_joined(values: list, names: list[str], i: int) -> bool:
    """Whether joining cells i and i + 1 gives a row whose number columns all hold numbers (or
    nothing): the split that explains the extra cell."""
    joined = values[:i] + [f"{values[i]},{values[i + 1]}"] + values[i + 2:]
    return all(not isinstance(v, str) or not v or n not in NUMBER_COLUMNS or PLAIN_CELL.fullmatch(v)
               for n, v in zip(names, joined))


def _width_problem(name: str, row: int, cells: list, names: list[str], n_header: int, text_cells: bool) -> dict:
    """A row with more cells than the header: the message says what was probably split, and the
    form that is accepted (docs/submissions.md, "Formats"). With one cell too many, the split is
    the place where joining two cells gives numbers in every number column: a number split at
    its comma (write 40403.28), or a text with a comma (quote it)."""
    width = len(names)
    values = [c.strip() if isinstance(c, str) else c for c in cells[: width + 1]]
    hint = "a separator inside a text must be quoted (\"a, b\")"
    candidates = [i for i in range(width) if len(cells) == width + 1 and _fits_when_joined(values, names, i)]
    for i in candidates:
        a, b = values[i], values[i + 1]
        if names[i] in NUMBER_COLUMNS and isinstance(a, str) and isinstance(b, str) \
                and NUMBER_IN_TWO.fullmatch(a) and b.isdigit():
            hint = (f"'{a},{b}' in column '{names[i]}' looks like one number split at its comma: write {a}.{b} "
                    f"(a decimal point)" if len(b) != 3 else
                    f"'{a},{b}' in column '{names[i]}' looks like one number split at its comma: write {a}{b} "
                    f"(no thousands separator), or {a}.{b} if it is a decimal number")
            break
    else:
        texts = [names[i] for i in candidates if names[i] not in NUMBER_COLUMNS]
        if texts:
            hint = (f"the text in column '{texts[-1]}' holds a comma: put the text in double quotes (\"a, b\"), "
                    "or leave the comma out")
    n = len(cells)
    what = (f"{n:,} cells but the header has {n_header}" if text_cells
            else f"a value beyond the header's {width} columns")
    return {"file": name, "row": row, "column": None, "rule": "row_width", "value": None,
            "message": f"{name}, row {row}: {what}; {hint} — rule row_width"}


def _frame(header: list, rows: list[tuple[int, list]], name: str, text_cells: bool = False) -> pd.DataFrame:
    """The data rows under `header`, indexed by row number; text_cells: every cell is a str (CSV).
    Rows wider than the header are kept (cut to its width) and listed in attrs["problems"]."""
    names = [(cell_text(h) or "").strip() for h in header]
    while names and names[-1] == "":
        names.pop()  # trailing unnamed header cells are layout; data under them is caught below
    if "" in names:
        raise ReadError(f"{name}: a column in the header row has no name", rule="header_names",
                        column=f"#{names.index('') + 1}")
    dupes = sorted(n for n, k in Counter(names).items() if k > 1)
    if dupes:
        raise ReadError(f"{name}: columns appear twice in the header: {', '.join(dupes)}",
                        rule="header_names", column=dupes[0])
    width = len(names)
    limit = len(header) if text_cells else width
    lengths = np.fromiter(map(len, (cells for _, cells in rows)), dtype=np.int64, count=len(rows))
    problems = []
    for i in np.flatnonzero(lengths > width):
        rownum, cells = rows[i]
        if len(cells) > limit or any(cell_text(c) is not None for c in cells[width:limit]):
            # e.g. a thousands separator "1,289" in a comma-separated file shifts the row
            problems.append(_width_problem(name, rownum, cells, names, len(header), text_cells))
    # cut to the header's width (a row of a million separators is not kept whole); pandas pads short rows
    df = pd.DataFrame([cells[:width] for _, cells in rows], index=pd.Index([r for r, _ in rows], name="row"),
                      dtype=object)
    df = df.iloc[:, :width] if df.shape[1] >= width else df.reindex(columns=range(width))
    df.columns = names
    if text_cells:
        df = df.apply(lambda col: col.str.strip() if col.notna().any() else col)  # CSV: text cells, vectorised
        df = df.mask(df.isna() | df.eq(""), None)
    numeric = None
    if not text_cells:
        # XLSX: cells stored as numbers are exact already; only text cells need the number rules
        numeric = df.map(lambda v: isinstance(v, (int, float)) and not isinstance(v, bool))
        df = df.map(cell_text)  # numbers, dates and text cells
    keep = df.notna().any(axis=1)  # empty rows (trailing or spacer) carry nothing, unless named in a problem
    if problems:
        keep |= df.index.isin([p["row"] for p in problems])
    df = df[keep]
    if df.empty and not problems:
        raise ReadError(f"{name}: the file has a header but no data rows", rule="has_data_rows")
    df.attrs["numeric_cells"] = numeric[keep] if numeric is not None else None
    df.attrs["width_problems"] = problems
    return df


def _fast_numbers(values: pd.Series, convention: str) -> pd.Series:
    """The cells whose canonical form is plain to see, rewritten without a parse per cell: the
    rest (None) go through parse_number."""
    out = pd.Series(None, index=values.index, dtype=object)
    if convention == "point":
        ok = values.str.fullmatch(r"-?\d+\.\d+", flags=re.ASCII).fillna(False).astype(bool)
        out[ok] = values[ok]
    elif convention == "comma":
        ok = values.str.fullmatch(r"-?\d+,\d+", flags=re.ASCII).fillna(False).astype(bool)
        out[ok] = values[ok].str.replace(",", ".", regex=False)
    return out


def _normalise(df: pd.DataFrame, kind: Kind, convention: str, name: str) -> list[dict]:
    """Numbers and periods to canonical text in place; the cells that are ambiguous are reported
    (file, row, column, rule number_format) and their rows left out of the checks that follow."""
    problems = []
    numeric = df.attrs.pop("numeric_cells", None)  # not kept: pandas copies attrs on every operation
    for col in kind.number_columns:
        if col not in df.columns:
            continue
        values = df[col].dropna()
        # more digits than a double holds exactly (a 300-digit count would pass as infinity)
        digits = values.astype(str).str.count(r"[0-9]")
        too_long = values[digits > MAX_DIGITS]
        problems += [{"file": name, "row": row, "column": col, "rule": "number_format", "value": str(value)[:40],
                      "message": f"{name}, row {row}, column '{col}': a number of more than {MAX_DIGITS} digits; "
                                 f"no count or figure has that many — rule number_format"}
                     for row, value in too_long.items()]
        values = values.drop(too_long.index)
        # whole numbers (most cells) and XLSX number cells are already canonical: only the rest go
        # through parse_number, once per distinct text
        if numeric is not None and col in numeric.columns:
            values = values[~numeric.loc[values.index, col].astype(bool)]
        values = values.astype(str)
        values = values[~values.str.fullmatch(INT.pattern, flags=re.ASCII)]
        if values.empty:
            continue
        fast = _fast_numbers(values, convention)
        df.loc[fast.dropna().index, col] = fast.dropna()
        rest = values[fast.isna()]
        parsed, refused = {}, {}
        for value in rest.unique():
            try:
                parsed[value] = parse_number(value, convention)
            except Ambiguous as e:
                refused[value] = str(e)
        if parsed:
            ok = rest[rest.isin(list(parsed))]
            df.loc[ok.index, col] = ok.map(parsed)
        bad = rest[rest.isin(list(refused))]
        problems += [{"file": name, "row": row, "column": col, "rule": "number_format", "value": value,
                      "message": f"{name}, row {row}, column '{col}': {refused[value]} — rule number_format"}
                     for row, value in bad.items()]
    for col in kind.period_columns:
        if col in df.columns:
            canonical = {v: parse_period(v) for v in df[col].dropna().unique() if isinstance(v, str)}
            # once per value; map() calls the lambda at once, so it sees this column's canonical
            df[col] = df[col].map(lambda v: canonical.get(v, v) if isinstance(v, str) else v)  # noqa: B023 - called at once
    return problems


def read_submission_bytes(name: str, data: bytes, kind: Kind = KINDS["indicators"]) -> pd.DataFrame:
    """Read CSV or XLSX bytes; all cells as canonical text (None when empty), the kind's optional
    columns added. Rows too wide for the header and ambiguous cells are listed in
    `df.attrs["problems"]` (their rows stay in the frame, for the caller to leave out)."""
    ext = Path(name).suffix.lower()
    if len(data) > MAX_FILE_BYTES:
        raise ReadError(f"{name}: more than the {MAX_FILE_BYTES // 2**20} MB a submission may be",
                        rule="file_too_large")
    if ext == ".csv":
        text, _ = decode(name, data)
        header, records, convention = read_csv_text(name, text, kind.required)
        del text
        df = _frame(header, records, name, text_cells=True)
    elif ext == ".xlsx":
        header, rows = read_xlsx_bytes(name, data, kind.required)
        df, convention = _frame(list(header), rows, name), "unknown"
    else:
        raise ReadError(f"{name}: unsupported file type {ext!r}; send .csv or .xlsx", rule="file_type")
    width_problems = df.attrs.pop("width_problems")
    for col in kind.columns:
        if col not in df.columns and col not in kind.required:
            df[col] = None
    df.attrs["problems"] = width_problems + _normalise(df, kind, convention, name)
    return df


def read_submission(path: Path, kind: Kind = KINDS["indicators"]) -> pd.DataFrame:
    """read_submission_bytes on a file's bytes, read once without following a link."""
    path = Path(path)
    return read_submission_bytes(path.name, read_bytes(path), kind)
