#!/usr/bin/env python
"""Hostile files: how long `barometer check` takes, and how much memory, on the worst shapes of
CSV and XLSX that still lie within the documented limits (docs/submissions.md, "Size").

    .venv/bin/python tools/bench_hostile.py [--only NAME ...] [--timeout 60] [--keep]

Each shape is written into a temporary folder (removed at the end unless --keep), then
`.venv/bin/barometer check FILE --department BIF --round 2009-05` runs on it as a subprocess. The
table printed (docs/performance.md, "Hostile files") gives per shape: the file's size, the wall
seconds, the peak resident memory of the check (from os.wait4's rusage), the exit code (0
accepted, 1 rejected; anything else is a crash) and the first line of the verdict (the first
problem listed, or the outcome). Every shape must end in a verdict in under 10 s and 1 GB."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BAROMETER = ROOT / ".venv" / "bin" / "barometer"
MB = 2**20
LIMIT = 20 * MB - 4096  # just under the documented 20 MB
MAX_ROWS = 50_000       # the most rows a file may have (assets/intake/reader_base.py)
HEADER = "department,round,indicator,reference_period,district,subunit,group,sex,numerator,denominator,value,sd,note"
DISTRICTS = ["IND", "OST", "NOR", "VES", "VAL", "VAN", "BRH", "BIS", "AMO", "AMV"]


def valid_rows(n_subunits: int, fmt: str = "{d},U{u},IMM,{s},{num},{den},,,") -> str:
    """EMP-M for every district x sex x subunit U1..Un: a valid file of 20 x n rows."""
    out = []
    for u in range(1, n_subunits + 1):
        for i, d in enumerate(DISTRICTS):
            for s in ("F", "M"):
                out.append("BIF,2009-05,EMP-M,2009-02," + fmt.format(d=d, u=u, s=s, num=1000 + i, den=1700 + i))
    return "\n".join(out) + "\n"


def fill(unit: str, budget: int = LIMIT, head: str = HEADER + "\n") -> str:
    return head + unit * ((budget - len(head)) // len(unit))


# --- CSV shapes -----------------------------------------------------------------------------

def csv_shapes() -> dict[str, Callable[[], bytes]]:
    n = MAX_ROWS // 20  # subunits: 20 rows each, MAX_ROWS rows in all
    rows = valid_rows(n)
    return {
        "csv: 2 million column names": lambda: (",".join(f"c{i}" for i in range(2_000_000)) + "\n").encode()[:LIMIT],
        "csv: header of 2,000 columns": lambda: (HEADER + "," + ",".join(f"x{i}" for i in range(1987)) + "\n"
                                                 + "BIF,2009-05,EMP-M,2009-02,IND,,IMM,F,1,2,,,\n" * 1000).encode(),
        "csv: 19 MB line of separators": lambda: ("," * (19 * MB)).encode(),
        "csv: 19 MB of separators in row 2": lambda: (HEADER + "\n" + "," * (19 * MB)).encode(),
        "csv: 19 MB of semicolons in row 2": lambda: (HEADER + "\n" + ";" * (19 * MB)).encode(),
        "csv: 2-million-character quoted field": lambda: (
            HEADER + "\n" + "BIF,2009-05,EMP-M,2009-02,IND,,IMM,F,1,2,,,\"" + "x" * 2_000_000 + "\"\n").encode(),
        "csv: 10 MB text in the district column": lambda: (
            HEADER + "\nBIF,2009-05,EMP-M,2009-02," + "Nørrebro" * (10 * MB // 9) + ",,IMM,F,1,2,,,\n").encode(),
        "csv: 9 million one-letter rows": lambda: fill("x\n").encode(),
        "csv: a million short bad rows": lambda: fill("BIF,2009-05,XYZ,9\n").encode(),
        f"csv: {MAX_ROWS:,} valid rows (the most a file may have)": lambda: (HEADER + "\n" + rows).encode(),
        f"csv: {MAX_ROWS:,} rows, each with an unknown district": lambda: (
            HEADER + "\n" + rows.replace(",IND,", ",XYZ,").replace(",NOR,", ",Nørrebro,")).encode(),
        f"csv: {MAX_ROWS:,} rows, each with a different bad district": _distinct_districts,
        f"csv: {MAX_ROWS:,} rows, every cell wrong": lambda: (
            HEADER + "\n" + (",".join(["x"] * 13) + "\n") * MAX_ROWS).encode(),
        f"csv: unquoted 40403,28 in {MAX_ROWS:,} rows": lambda: (
            HEADER + "\n" + valid_rows(n, "{d},U{u},IMM,{s},40403,28,{den},,,")).encode(),
        "csv: 400,000 valid rows (more than a file may have)": lambda: (HEADER + "\n" + valid_rows(8 * n)).encode(),
        "csv: 19 million empty lines": lambda: fill("\n").encode(),
        "csv: 19 MB of NUL bytes": lambda: b"\0" * (19 * MB),
        "csv: NUL bytes inside every row": lambda: (HEADER + "\n" + rows.replace(",,,\n", ",,\0,\n")).encode(),
        "csv: 19 MB of random bytes": lambda: os.urandom(19 * MB),
        "csv: 10 million carriage returns": lambda: fill("\r").encode(),
        "csv: 19 MB without a line end": lambda: ("a" * (19 * MB)).encode(),
        "csv: a quote never closed, in row 2": lambda: (HEADER + "\n\"" + rows).encode(),
    }


def _distinct_districts() -> bytes:
    lines = [HEADER] + [f"BIF,2009-05,EMP-M,2009-02,D{i},,IMM,F,1,2,,," for i in range(MAX_ROWS)]
    return ("\n".join(lines) + "\n").encode()


# --- XLSX shapes ----------------------------------------------------------------------------

SHEET_HEAD = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns='
              '"http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
SHEET_TAIL = "</sheetData></worksheet>"
CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                 'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
                 'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
                 '"/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.'
                 'main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
                 'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
WORKBOOK = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
            '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
            '<sheet name="Indberetning" sheetId="1" r:id="rId1"/></sheets></workbook>')
WB_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
           'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
           'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')


def _col(n: int) -> str:
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def _istr(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def _row(r: int, values: list) -> str:
    cells = []
    for j, v in enumerate(values, start=1):
        if v is None or v == "":
            continue
        ref = f"{_col(j)}{r}"
        if isinstance(v, str) and v.startswith("="):
            cells.append(f'<c r="{ref}"><f>{v[1:]}</f></c>')
        elif isinstance(v, (int, float)):
            cells.append(f'<c r="{ref}"><v>{v}</v></c>')
        else:
            cells.append(_istr(ref, v))
    return f'<row r="{r}">' + "".join(cells) + "</row>"


def _xlsx(sheet_body_parts, compresslevel: int = 6) -> bytes:
    """A minimal workbook whose one sheet is SHEET_HEAD + parts + SHEET_TAIL (parts streamed)."""
    import io

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", RELS)
        z.writestr("xl/workbook.xml", WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", WB_RELS)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            f.write(SHEET_HEAD.encode())
            for part in sheet_body_parts:
                f.write(part.encode())
            f.write(SHEET_TAIL.encode())
    return buf.getvalue()


def _rows_up_to(budget: int, make_row, start: int = 2):
    size, r = 0, start
    while size < budget:
        row = make_row(r)
        size += len(row)
        yield row
        r += 1


def xlsx_shapes() -> dict[str, Callable[[], bytes]]:
    header = _row(1, HEADER.split(","))
    base = ["BIF", "2009-05", "EMP-M", "2009-02", "IND", None, "IMM", "F", 1000, 1700]
    unpacked = 95 * MB

    def valid(r):
        i = r - 2
        return _row(r, base[:4] + [DISTRICTS[i % 10], f"U{i // 20}", "IMM", "FM"[i // 10 % 2]] + base[8:])

    def cached(r):
        return valid(r).replace(f'<c r="I{r}"><v>1000</v></c>', f'<c r="I{r}"><f>999+1</f><v>1000</v></c>')

    def formula(r):
        return _row(r, base[:8] + ["=1000+1", 1700])

    def far_cell(r):
        return f'<row r="{r}"><c r="XFD{r}"><v>1</v></c></row>'

    def gen(make_row, budget=unpacked):
        return [header, *_rows_up_to(budget, make_row)]

    def rows(make_row, n):
        return [header, *(make_row(r) for r in range(2, n + 2))]

    return {
        "xlsx: rows up to 95 MB unpacked": lambda: _xlsx(gen(valid)),
        "xlsx: 10,000 valid rows (near the most a workbook may hold)": lambda: _xlsx(rows(valid, 10_000)),
        "xlsx: 9,000 rows of formulas with cached values": lambda: _xlsx(rows(cached, 9_000)),
        "xlsx: formulas without values, 95 MB": lambda: _xlsx(gen(formula)),
        "xlsx: a formula without value in row 10,002": lambda: _xlsx(rows(valid, 10_000) + [formula(10_002)]),
        "xlsx: a value in column XFD of every row": lambda: _xlsx(gen(far_cell)),
        "xlsx: one cell in row 1,048,576 column XFD": lambda: _xlsx(
            [header, _row(2, base), '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>']),
        "xlsx: 95 MB of empty rows": lambda: _xlsx([header, *_rows_up_to(unpacked, lambda r: f'<row r="{r}"/>')]),
        "xlsx: 10 MB text in one cell": lambda: _xlsx([header, _row(2, base[:4] + [_noise(10 * MB)] + base[5:])]),
    }


def _noise(n: int) -> str:
    """Text that does not compress much (a zip bomb it is not)."""
    import base64

    return base64.b64encode(os.urandom(n * 3 // 4)).decode()


# --- running --------------------------------------------------------------------------------

def run_check(path: Path, timeout: float) -> tuple[float, float, float, int | str, str]:
    """Wall seconds, CPU seconds, peak RSS in MB, exit code (or 'timeout'), first line of the
    verdict. The check runs
    under /usr/bin/time (its own peak RSS, not this process's), else is measured with os.wait4."""
    out_path, time_path = path.with_name("verdict.txt"), path.with_name("time.txt")
    cmd = [str(BAROMETER), "check", str(path), "--department", "BIF", "--round", "2009-05"]
    timer = shutil.which("time", path="/usr/bin:/bin")
    if timer:
        cmd = [timer, "-f", "%e %U %S %M", "-o", str(time_path)] + cmd
    t0 = time.perf_counter()
    with open(out_path, "wb") as out:
        p = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
        try:
            _, status, usage = _wait(p, timeout)
            code: int | str = os.waitstatus_to_exitcode(status)
        except TimeoutError:
            p.kill()
            _, _, usage = os.wait4(p.pid, 0)
            code = "timeout"
        p.returncode = -1  # reaped above
    seconds, rss = time.perf_counter() - t0, usage.ru_maxrss / 1024
    cpu = usage.ru_utime + usage.ru_stime
    if timer and code != "timeout" and time_path.exists():
        fields = time_path.read_text().split()
        if len(fields) >= 4 and fields[-1].isdigit():  # "Command exited with non-zero status 1" comes first
            seconds, cpu, rss = float(fields[-4]), float(fields[-3]) + float(fields[-2]), int(fields[-1]) / 1024
    text = out_path.read_text(encoding="utf-8", errors="replace")
    lines = [line for line in text.splitlines() if not line.startswith("Command exited")]
    verdict = next((line[2:] for line in lines if line.startswith("- ")), None)
    if verdict is None:
        verdict = next((line for line in lines if line.startswith("Outcome:")), lines[-1] if lines else "")
    if "Traceback" in text:
        verdict = "TRACEBACK: " + (lines[-1] if lines else "")
    return seconds, cpu, rss, code, verdict


def _wait(p: subprocess.Popen, timeout: float):
    t0 = time.perf_counter()
    while True:
        pid, status, usage = os.wait4(p.pid, os.WNOHANG)
        if pid:
            return pid, status, usage
        if time.perf_counter() - t0 > timeout:
            raise TimeoutError
        time.sleep(0.02)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", nargs="*", help="run only the shapes whose name contains one of these words")
    ap.add_argument("--timeout", type=float, default=60.0)
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    ap.add_argument("--width", type=int, default=110, help="cut verdicts to this many characters")
    args = ap.parse_args(argv)
    if not BAROMETER.exists():
        print(f"{BAROMETER} not found: run `make setup` first", file=sys.stderr)
        return 2
    tmp = Path(tempfile.mkdtemp(prefix="barometer-hostile-"))
    rows = []
    print("| shape | MB | seconds | CPU s | peak RSS MB | exit | first line of the verdict |\n"
          "|---|---:|---:|---:|---:|---:|---|")
    try:
        for maker, ext in ((csv_shapes, ".csv"), (xlsx_shapes, ".xlsx")):
            for i, (name, make) in enumerate(maker().items()):
                if args.only and not any(w.lower() in name.lower() for w in args.only):
                    continue
                path = tmp / f"{ext[1:]}{i:02d}" / f"BIF_2009-05{ext}"
                path.parent.mkdir()
                path.write_bytes(make())
                seconds, cpu, rss, code, verdict = run_check(path, args.timeout)
                rows.append((name, path.stat().st_size / MB, seconds, rss, code, verdict))
                print(f"| {name} | {rows[-1][1]:.1f} | {seconds:.1f} | {cpu:.1f} | {rss:.0f} | {code} | "
                      f"{verdict[:args.width]} |", flush=True)
                shutil.rmtree(path.parent)
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    worst_s = max((r[2] for r in rows), default=0)
    worst_mb = max((r[3] for r in rows), default=0)
    bad = [r[0] for r in rows if r[4] not in (0, 1) or r[2] >= 10 or r[3] >= 1024 or r[5].startswith("TRACEBACK")]
    print(f"\n{len(rows)} shapes; slowest {worst_s:.1f} s, most memory {worst_mb:.0f} MB; "
          + ("all judged within 10 s and 1 GB" if not bad else f"NOT within the limits: {', '.join(bad)}"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
