"""generate(): every series of the indicator submissions, written as one file per round and
department into raw/<round>/ (or another folder): CSV for BIF, SOF, SUF, OKF, XLSX for BUF, TMF,
KFF."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from .common import CITY, COLUMNS, DISTRICTS, IND, RAW, period_end
from .indicators import gen_edu, gen_emp, gen_saf_cul_hea
from .indicators_housing import gen_hou
from .rows import ROWS, add_controls
from .writer import write_csv, write_xlsx

XLSX_DEPARTMENTS = {"BUF", "TMF", "KFF"}
DIST_ORDER = {d: i for i, d in enumerate(DISTRICTS + [CITY])}
CODE_ORDER = {c: i for i, c in enumerate(IND)}


def sort_key(r):
    return (CODE_ORDER[r["indicator"]], period_end(r["reference_period"]), r["group"] != IND[r["indicator"]]["group"],
            r["group"], DIST_ORDER[r["district"]], r["sex"])


def generate(out: Path | None = None) -> list[Path]:
    """Write the sample submissions into `out` (default raw/) and return their paths."""
    out = Path(out) if out is not None else RAW
    ROWS.clear()
    gen_emp()
    gen_edu()
    gen_hou()
    gen_saf_cul_hea()
    add_controls()
    files = defaultdict(list)
    for r in ROWS:
        files[(r["round"], r["department"])].append(r)
    written = []
    own = re.compile(r"^(BIF|BUF|SOF|TMF|KFF|SUF|OKF)_\d{4}-(05|11)\.(csv|xlsx)$")
    for rnd in sorted({k[0] for k in files}):   # remove only our own earlier files of a round
        folder = out / rnd
        folder.mkdir(parents=True, exist_ok=True)
        for f in folder.iterdir():
            if own.match(f.name) and (rnd, f.name.split("_")[0]) not in files:
                f.unlink()
    for (rnd, dept), rows in sorted(files.items()):
        rows.sort(key=sort_key)
        ext = "xlsx" if dept in XLSX_DEPARTMENTS else "csv"
        path = out / rnd / f"{dept}_{rnd}.{ext}"
        if ext == "csv":
            write_csv(path, COLUMNS, rows)
        else:
            write_xlsx(path, rows, dept, rnd)
        written.append(path)
    return written
