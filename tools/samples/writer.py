"""The delivered file formats: CSV (UTF-8, `\n` line ends) and the departments' XLSX layout
(sheet `Indberetning`, a merged title in row 1, header in row 3, data from row 4), written with
fixed zip and document timestamps so that two runs give byte-identical files."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

from .common import COLUMNS

SHEET = "Indberetning"
FIXED_ZIP_TIME = (2009, 1, 1, 0, 0, 0)
FIXED_CORE_TIME = "2009-01-01T00:00:00Z"


def cell(v):
    if v is None:
        return None
    if isinstance(v, float):
        if v.is_integer():
            return int(v)
        return round(v, 2)
    return v


def text(v) -> str:
    v = cell(v)
    return "" if v is None else str(v)


def write_csv(path: Path, columns: list[str], rows):
    """One header row, then each row's `columns` (a missing or None cell is written empty)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(columns)
    for r in rows:
        w.writerow([text(r.get(c)) for c in columns])
    path.write_text(buf.getvalue(), encoding="utf-8")


def write_xlsx(path: Path, rows, dept, rnd):
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.cell(row=1, column=1, value=f"Integrationsbarometer - {dept} - runde {rnd}").font = Font(bold=True)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(COLUMNS))
    for j, c in enumerate(COLUMNS, 1):
        ws.cell(row=3, column=j, value=c).font = Font(bold=True)
        ws.column_dimensions[get_column_letter(j)].width = 16
    for i, r in enumerate(rows, 4):
        for j, c in enumerate(COLUMNS, 1):
            ws.cell(row=i, column=j, value=cell(r[c]))
    tmp = io.BytesIO()
    wb.save(tmp)
    # make the bytes reproducible: fixed zip timestamps and document properties
    out = io.BytesIO()
    with zipfile.ZipFile(tmp) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)",
                              lambda m: m.group(1) + FIXED_CORE_TIME.encode() + m.group(3), data)
            zi = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zout.writestr(zi, data)
    path.write_bytes(out.getvalue())
