"""What the CSV and XLSX readers share: the error a file is refused with, the limits every file is
held to, and how one cell becomes text.

The limits keep any file within the documented size (docs/submissions.md, "Size") judged in
seconds: each is checked before the work it bounds, and a file beyond one is refused with a
finding that names it, never read further."""

from __future__ import annotations

import datetime as dt

import numpy as np

from assets.intake.dropfolder import MAX_FILE_BYTES  # noqa: F401 - re-exported

HEADER_SEARCH_ROWS = 20   # an XLSX header row is looked for in the first 20 rows
MAX_COLUMNS = 200         # a header with more columns is refused unread (a submission has at most 14)
MAX_ROWS = 50_000         # lines of a CSV / rows of an XLSX sheet (a department's file has hundreds)
MAX_QUOTED_CHARS = 60     # how much of a cell a message quotes


class ReadError(ValueError):
    """The file cannot be read as a submission; the message says why in plain words."""

    def __init__(self, message: str, rule: str = "readable_file", row: int | None = None,
                 column: str | None = None):
        super().__init__(message)
        self.rule, self.row, self.column = rule, row, column


def cell_text(v) -> str | None:
    """A cell's value as the text the schema checks (None when empty)."""
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


def quoted(value, limit: int = MAX_QUOTED_CHARS) -> str:
    """repr() of a cell for a message, cut to `limit` characters (a cell may hold megabytes)."""
    if isinstance(value, str) and len(value) > limit:
        return repr(value[:limit]) + f"… ({len(value):,} characters)"
    return repr(value)


def too_many_rows(name: str, n: int, what: str) -> ReadError:
    return ReadError(f"{name}: the file has {n:,} {what} or more; a submission may have at most {MAX_ROWS:,} rows "
                     "(a department's file has hundreds): split it, or remove empty lines and rows",
                     rule="too_many_rows")


def too_many_columns(name: str, n: int) -> ReadError:
    return ReadError(f"{name}: the header row has {n:,} columns; a submission has at most 14 (at most "
                     f"{MAX_COLUMNS} are read): is the first row the header, with one column name per cell?",
                     rule="too_many_columns")
