"""Read a plain CSV submission as whole columns (Arrow), or decline it.

The careful reader (reader_csv.py, reader.py) takes any CSV a department may send: quoted cells,
blank lines, Windows-1252, rows of the wrong width, Danish and English number formats. Most big
files are none of that. This reader accepts a file only when its bytes show that the careful
reader would read exactly the same cells at exactly the same row numbers, and otherwise declines
(None): the careful reader then reads it, so every finding is its own.

What the bytes must show (each a few milliseconds on a 1 MB file):
- UTF-8 (a BOM allowed) within the size and line limits, the header on line 1;
- no quote character: every separator separates (no cell spans lines; row n is line n);
- no control character but line ends (CRLF or LF, never a lone CR), and no Unicode space but
  the plain space: `str.strip()` and trimming spaces then agree on every cell;
- every line as wide as the header (the Arrow reader refuses any other width, and any blank line).

Cells are returned as text, trimmed, with "" as null: the cells `reader._frame` makes."""

from __future__ import annotations

import re

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from assets.intake.dropfolder import MAX_FILE_BYTES
from assets.intake.reader_base import MAX_ROWS, ReadError
from assets.intake.reader_csv import separator

BOM = b"\xef\xbb\xbf"
# The ASCII bytes a plain file may hold besides printable characters: LF, and CR (only in CRLF)
_PLAIN = bytes(range(0x20, 0x7F)).replace(b'"', b"") + b"\n\r"
# Characters str.strip() removes besides the ASCII ones excluded above, and a BOM inside the text
_UNICODE_SPACE = re.compile("[\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]")


class PlainCsv:
    """A plain CSV read as columns: `table` (text cells, trimmed, null when empty, in the header's
    order), the first data row's number (2) and the number convention of its separator."""

    def __init__(self, table: pa.Table, convention: str):
        self.table = table
        self.convention = convention
        self.first_row = 2


def _plain_body(data: bytes) -> bytes | None:
    """The bytes without a BOM if they hold nothing a plain file may not (see the module)."""
    body = data[len(BOM):] if data.startswith(BOM) else data
    if body.isascii():
        if body.translate(None, _PLAIN):
            return None
    else:
        if body.translate(None, _PLAIN + bytes(range(0x80, 0x100))):
            return None
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return None  # Windows-1252 or broken: the careful reader decides
        if _UNICODE_SPACE.search(text):
            return None
    if body.count(b"\r") != body.count(b"\r\n"):
        return None
    return body


def read_plain_csv(data: bytes, columns: list[str], required: list[str]) -> PlainCsv | None:
    """The file as a PlainCsv when it is plain (module docstring) and its header names only
    `columns`, each once, all `required` among them; else None."""
    if len(data) > MAX_FILE_BYTES:
        return None
    body = _plain_body(data)
    if body is None or body[:1] in (b"\n", b"\r"):
        return None
    breaks = body.count(b"\n")  # every line end is LF or CRLF
    if breaks > MAX_ROWS + 1:
        return None
    first_end = body.find(b"\n")
    first = (body if first_end < 0 else body[:first_end]).decode("utf-8").rstrip("\r")
    try:
        sep = separator("plain", first, required)
    except ReadError:
        return None
    names = [c.strip() for c in first.split(sep)]
    if len(set(names)) != len(names) or not set(names) <= set(columns) or not set(required) <= set(names):
        return None
    try:
        table = pacsv.read_csv(
            pa.py_buffer(body),
            read_options=pacsv.ReadOptions(skip_rows=1, column_names=names, use_threads=False),
            parse_options=pacsv.ParseOptions(delimiter=sep, quote_char=False, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names},
                                                 strings_can_be_null=True, null_values=[""]),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None  # a line of another width, a blank line: the careful reader names it
    lines = breaks + (0 if body.endswith(b"\n") else 1)
    if table.num_rows != lines - 1 or table.num_rows == 0:
        return None
    if b" " in body:  # cells trimmed as str.strip() does (no other space is in the file), then "" is empty
        trimmed = [pc.utf8_trim(col, " ") for col in table.columns]
        table = pa.table([pc.if_else(pc.equal(c, ""), pa.scalar(None, pa.string()), c) for c in trimmed], names=names)
    convention = {",": "point", ";": "comma"}.get(sep, "unknown")
    return PlainCsv(table, convention)
