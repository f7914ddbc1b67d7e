"""Read an XLSX submission from its bytes: the safety checks on the container, the sheet that is
read, its header row and its stored values (Excel's cached results, never formulas)."""

from __future__ import annotations

import io
import re
import zipfile

import openpyxl
from openpyxl.utils import get_column_letter

from assets.intake.reader_base import HEADER_SEARCH_ROWS, MAX_COLUMNS, MAX_ROWS, ReadError, cell_text, too_many_rows

MAX_XLSX_UNCOMPRESSED = 100 * 2**20     # guards against zip bombs
MAX_XLSX_RATIO = 100                    # compression ratio of any part
# XML elements in the whole workbook (a stored cell is 2 or 3: <c>, <v> or <is><t>): openpyxl spends
# about 10 microseconds on each, so this bounds its time. About 10,000 rows of 13 filled columns.
MAX_XLSX_ELEMENTS = 300_000
PREFERRED_SHEETS = ("indberetning", "data")  # in this order: the template's name first
FREE_TEXT_COLUMNS = {"note"}  # the only cells where an empty formula result is harmless

FORMULA_TAG = re.compile(rb"<(\w+:)?f[ >/]")  # <f>, <f t="shared" .../>, <x:f> (OpenXML SDK)
CELL_OPEN = re.compile(rb"<(?:\w+:)?c(?=[\s>/])[^>]*>")
CELL_REF = re.compile(rb'\sr\s*=\s*["\']([A-Z]{1,3})(\d+)["\']')
CELL_END = re.compile(rb"</(?:\w+:)?c\s*>|<(?:\w+:)?c(?=[\s>/])")
CELL_VALUE = re.compile(rb"<(?:\w+:)?v(?:\s[^>]*)?>([^<]*)<")
# A cell beyond column MAX_COLUMNS (GR) that holds a value, a string or a formula.
FAR_CELL = re.compile(rb'<(?:\w+:)?c\s[^>]*?\br="(?:[A-Z]{3}|G[S-Z]|[H-Z][A-Z])\d+"[^>]*(?<!/)>\s*'
                      rb"<(?:\w+:)?(?:v|is|f)[\s>/]")
assert get_column_letter(MAX_COLUMNS) == "GR"


def check_container(name: str, data: bytes) -> set[str]:
    """Refuse workbooks that would explode in memory or time, or carry XML entity declarations,
    before any XML parser sees them. Returns the worksheet parts that store a formula (read from
    the same pass), so the formula check is made only where needed."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, EOFError):
        raise ReadError(f"{name}: not a readable XLSX workbook (not a zip container)", rule="readable_file") from None
    with zf:
        infos = zf.infolist()
        total = sum(i.file_size for i in infos)
        worst = max((i.file_size / max(i.compress_size, 1) for i in infos), default=0)
        if total > MAX_XLSX_UNCOMPRESSED or worst > MAX_XLSX_RATIO:
            raise ReadError(f"{name}: the workbook unpacks to {total / 2**20:.0f} MB (compression ratio up to "
                            f"{worst:.0f}:1); refused as a possible zip bomb", rule="xlsx_too_large")
        formulas, elements = set(), 0
        for info in infos:
            if not info.filename.endswith((".xml", ".rels")):
                continue
            try:
                with zf.open(info) as f:
                    part = f.read(MAX_XLSX_UNCOMPRESSED + 1)  # sizes bounded by the check above
            except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError) as e:
                raise ReadError(f"{name}: not a readable XLSX workbook (part {info.filename}: {e})",
                                rule="readable_file") from None
            if b"<!DOCTYPE" in part or b"<!ENTITY" in part:
                raise ReadError(f"{name}: part {info.filename} declares a DTD or XML entities; refused "
                                "(XLSX files never need them)", rule="xlsx_unsafe_xml")
            elements += part.count(b"<") - part.count(b"</")
            if elements > MAX_XLSX_ELEMENTS:
                raise ReadError(f"{name}: the workbook holds more than {MAX_XLSX_ELEMENTS:,} XML elements (cells, "
                                f"strings, formats); an XLSX submission may hold about {MAX_XLSX_ELEMENTS // 30:,} "
                                "rows of 13 columns: split it, or send it as CSV", rule="xlsx_too_large")
            if info.filename.startswith("xl/worksheets/"):
                if FORMULA_TAG.search(part):
                    formulas.add(info.filename)
                if (far := FAR_CELL.search(part)) is not None:
                    ref = CELL_REF.search(far.group(0))
                    where = ref.group(1).decode() + ref.group(2).decode() if ref else "?"
                    raise ReadError(f"{name}: cell {where} of part {info.filename} holds a value beyond column "
                                    f"{get_column_letter(MAX_COLUMNS)}; a submission has at most 14 columns",
                                    rule="too_many_columns")
    return formulas


def _pick_sheet(name: str, wb):
    sheets = [ws for ws in wb.worksheets if getattr(ws, "sheet_state", "visible") == "visible"]
    if not sheets:
        raise ReadError(f"{name}: the workbook has no visible sheet", rule="readable_file")
    # the sheet the template names, else the first visible one; hidden sheets are never read
    named = {w.title.strip().lower(): w for w in sheets}
    return next((named[n] for n in PREFERRED_SHEETS if n in named), sheets[0])


def _stored_rows(name: str, ws, required: set[str]) -> tuple[int | None, list[tuple[int, tuple]]]:
    """(index of the header row in the list, [(sheet row number, values)]) of the rows that hold
    anything: the first HEADER_SEARCH_ROWS rows whole, later ones cut to the header's width plus
    one cell (enough to tell a row wider than its header)."""
    out: list[tuple[int, tuple]] = []
    header_at, width = None, MAX_COLUMNS
    for r, row in enumerate(ws.iter_rows(max_col=MAX_COLUMNS, values_only=True), start=1):
        if row.count(None) == len(row):
            continue  # an empty (or only formatted) row carries nothing
        if header_at is None and r <= HEADER_SEARCH_ROWS:
            if required <= {(cell_text(c) or "") for c in row}:
                header_at = len(out)
                named = [i for i, c in enumerate(row) if cell_text(c) is not None]
                width = (named[-1] + 1) if named else 0
            out.append((r, row))
            continue
        if header_at is None:
            if r > HEADER_SEARCH_ROWS:
                break
            continue
        tail = row[width:]
        if tail.count(None) == len(tail):
            out.append((r, row[:width]))
        else:  # the first cell beyond the header is enough to tell the row is too wide
            out.append((r, row[:width] + (next(v for v in tail if v is not None),)))
        if len(out) - header_at > MAX_ROWS:
            raise too_many_rows(name, MAX_ROWS + 1, "rows")
    return header_at, out


def check_formulas_have_values(name: str, part: bytes, header: tuple) -> None:
    """Excel saves each formula with its result; a file written by another tool may not. A formula
    cell without a saved result reads as empty, so refuse it by name instead of calling it missing."""
    for m in FORMULA_TAG.finditer(part):
        p = m.start()
        opens = list(CELL_OPEN.finditer(part, max(0, p - 1024), p))
        if not opens:
            continue
        tag = opens[-1]
        end = CELL_END.search(part, p)
        inner = part[tag.end(): end.start() if end else len(part)]
        value = CELL_VALUE.search(inner)
        if value is not None and value.group(1).strip():
            continue
        ref = CELL_REF.search(tag.group(0))
        row, c = (int(ref.group(2)), _column_index(ref.group(1).decode())) if ref else (None, None)
        column = cell_text(header[c]) if c is not None and c < len(header) else None
        if column in FREE_TEXT_COLUMNS:
            continue  # a note computed as "" (Excel saves an empty text result)
        column = column or (get_column_letter(c + 1) if c is not None else None)
        text_at = inner.find(b">", max(p - tag.end(), 0)) + 1
        formula = inner[text_at:].split(b"<", 1)[0].decode("utf-8", "replace") if text_at else ""
        raise ReadError(
            f"{name}" + (f", row {row}" if row else "") + (f", column '{column}'" if column else "")
            + f": the cell holds a formula (={formula[:60]}) without a saved result; open the file in Excel and "
              "save it, or type the value", rule="formula_without_value", row=row, column=column)


def _column_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def read_xlsx_bytes(name: str, data: bytes, required_columns: list[str]) -> tuple[tuple, list[tuple[int, tuple]]]:
    """The header row's cells and the data rows below it [(sheet row number, cells)]."""
    formula_parts = check_container(name, data)
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except ReadError:
        raise
    except Exception as e:  # openpyxl raises many types for a damaged or fake workbook
        raise ReadError(f"{name}: not a readable XLSX workbook ({type(e).__name__}: {e})",
                        rule="readable_file") from None
    try:
        ws = _pick_sheet(name, wb)
        # every stored row and column is read: the sheet's own stated size (<dimension>) is often
        # wrong in files not written by Excel, and would silently cut rows off
        ws.reset_dimensions()
        header_at, rows = _stored_rows(name, ws, set(required_columns))
        part_name = getattr(ws, "_worksheet_path", None)
    finally:
        wb.close()
    if header_at is None:
        if not rows:
            raise ReadError(f"{name}: the sheet '{ws.title}' is empty", rule="not_empty")
        raise ReadError(f"{name}: no header row with the columns {', '.join(required_columns)} in the first "
                        f"{HEADER_SEARCH_ROWS} rows of sheet '{ws.title}'", rule="header_present")
    header = rows[header_at][1]
    if part_name is None or formula_parts:
        parts = [part_name.lstrip("/")] if part_name else sorted(formula_parts)
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            for p in parts:
                if p in formula_parts:
                    check_formulas_have_values(name, zf.read(p), header)
    return header, rows[header_at + 1:]
