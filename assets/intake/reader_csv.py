"""Read a CSV submission from its bytes: the encoding, the separator, the header line and the
records, each with the line it ends on (the row number a person sees in the file).

Every step is linear in the file's size, and the bounds (reader_base: MAX_ROWS lines,
MAX_COLUMNS header columns) are checked on the text before the csv module parses it."""

from __future__ import annotations

import csv
import io
import re

from assets.intake.reader_base import MAX_COLUMNS, MAX_FILE_BYTES, MAX_ROWS, ReadError, too_many_columns, too_many_rows

SEPARATORS = (",", ";", "\t")
NON_BLANK = re.compile(r"[^\s]")


def decode(name: str, raw: bytes) -> tuple[str, str]:
    """Text and encoding name: UTF-8 (with or without BOM), else Windows-1252 (Danish Excel's
    'CSV (semikolonsepareret)'), which the file must decode cleanly as. A text with NUL bytes is
    no CSV (UTF-16 'Unicode text', or a binary file under a .csv name)."""
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise ReadError(f"{name}: UTF-16 text (Excel's 'Unicode text'); save as 'CSV UTF-8'", rule="encoding")
    nul = raw.find(b"\0")
    if nul >= 0:
        raise ReadError(f"{name}: the file holds NUL bytes (the first at byte {nul:,}), so it is no text file; save "
                        "it as 'CSV UTF-8' (a workbook is sent as .xlsx)", rule="encoding")
    try:
        return raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError as e:
        raise ReadError(f"{name}: neither UTF-8 nor Windows-1252 text (byte {e.start:,}); save as CSV UTF-8",
                        rule="encoding") from None
    return text, "cp1252"


def _first_line(text: str) -> str:
    """The first line holding anything but blanks (found without splitting the whole text)."""
    m = NON_BLANK.search(text)
    if m is None:
        return ""
    start = max(text.rfind("\n", 0, m.start()), text.rfind("\r", 0, m.start())) + 1
    ends = [i for i in (text.find("\n", m.start()), text.find("\r", m.start())) if i >= 0]
    return text[start: min(ends) if ends else len(text)]


def separator(name: str, first: str, required: list[str]) -> str:
    """The separator whose header holds the required column names (else the most frequent one,
    and the required-column rule names what is missing)."""
    counts = {sep: first.count(sep) for sep in SEPARATORS}
    for sep in SEPARATORS:
        if counts[sep] + 1 > MAX_COLUMNS:
            continue  # split only once the width is known to be sane
        names = {c.strip().strip('"').lstrip("\ufeff") for c in first.split(sep)}
        if set(required) <= names:
            return sep
    best = max(counts, key=counts.get)
    if counts[best] == 0:
        raise ReadError(f"{name}: the first line has one column; separate columns with ',' or ';'",
                        rule="csv_separator")
    if not first.strip("".join(SEPARATORS) + ' "\ufeff'):
        raise ReadError(f"{name}: the first line holds {counts[best]:,} separators ({best!r}) and no column name; "
                        "the first line must be the header (department, round, indicator, ...)", rule="header_names")
    if counts[best] + 1 > MAX_COLUMNS:
        raise too_many_columns(name, counts[best] + 1)
    return best


def line_breaks(text: str) -> int:
    return text.count("\n") + text.count("\r") - text.count("\r\n")


def read_csv_text(name: str, text: str, required: list[str]) -> tuple[list[str], list[tuple[int, list[str]]], str]:
    """The header's cells, the records below it [(line the record ends on, cells)] and the number
    convention ('point' for ',', 'comma' for ';', 'unknown' for tabs)."""
    if not NON_BLANK.search(text):
        raise ReadError(f"{name}: the file is empty", rule="not_empty")
    if (n := line_breaks(text)) > MAX_ROWS + 1:
        raise too_many_rows(name, n, "lines")
    sep = separator(name, _first_line(text), required)
    if csv.field_size_limit() <= MAX_FILE_BYTES:
        csv.field_size_limit(MAX_FILE_BYTES + 1)  # a cell may be as long as the file: judged, never a crash
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    try:
        records = [(reader.line_num, r) for r in reader]  # line_num: the line a record ends on
    except csv.Error as e:
        raise ReadError(f"{name}, row {reader.line_num + 1}: not readable as CSV ({e})", rule="readable_file",
                        row=reader.line_num + 1) from None
    _refuse_unclosed_quote(name, text, records)
    header_at = next((i for i, (_, r) in enumerate(records) if any(c.strip() for c in r)), None)
    if header_at is None:
        raise ReadError(f"{name}: the file holds no column names, only separators and blanks", rule="header_names")
    header = records[header_at][1]
    if len(header) > MAX_COLUMNS:
        raise too_many_columns(name, len(header))
    convention = {",": "point", ";": "comma"}.get(sep, "unknown")
    return header, records[header_at + 1:], convention


def _refuse_unclosed_quote(name: str, text: str, records: list[tuple[int, list[str]]]) -> None:
    """A quote that opens a cell and is never closed makes the rest of the file one cell: name the
    row where it opens instead of reporting that cell's knock-on problems."""
    if not records or text.count('"') % 2 == 0:
        return
    end, cells = records[-1]
    start = records[-2][0] + 1 if len(records) > 1 else 1
    if end > start and any("\n" in c or "\r" in c for c in cells):
        raise ReadError(f"{name}, row {start}: a quote (\") opens a cell that is never closed, so lines {start:,} to "
                        f"{end:,} read as one cell; close the quote, or write a quote inside a cell as \"\"",
                        rule="unclosed_quote", row=start)
