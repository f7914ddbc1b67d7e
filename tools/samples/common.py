"""What both generators share: the project's paths, the catalog and the published figures, the
districts and the columns of a submission, the round rule."""

from __future__ import annotations

import calendar
import csv
from datetime import date
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
RAW = ROOT / "raw"
PUBLISHED = ROOT / "tools" / "published_figures.csv"
CATALOG_PATH = ROOT / "catalog" / "indicators.yaml"

COLUMNS = ["department", "round", "indicator", "reference_period", "district", "subunit", "group",
           "sex", "numerator", "denominator", "value", "sd", "note"]
DISTRICTS = ["IND", "OST", "NOR", "VES", "VAL", "VAN", "BRH", "BIS", "AMO", "AMV"]
CITY = "KBH"

CATALOG = yaml.safe_load(CATALOG_PATH.read_text(encoding="utf-8"))
IND = {i["code"]: i for i in CATALOG["indicators"]}


def source_of(code: str) -> str:
    return IND[code].get("source", code)


def department_of(series: str) -> str:
    return IND[series]["delivered_by"]


def load_published() -> list[tuple[str, str, float]]:
    with PUBLISHED.open(encoding="utf-8") as fh:
        return [(r["indicator"], r["reference_period"], float(r["value"])) for r in csv.DictReader(fh)]


PUB = {(i, p): v for i, p, v in load_published()}


def periods(code: str) -> list[str]:
    return sorted((p for (i, p) in PUB if i == code), key=period_end)


# --------------------------------------------------------------------------- round rule
def period_end(p: str) -> date:
    y = int(p[:4])
    m = int(p[5:7]) if len(p) == 7 else 12
    return date(y, m, calendar.monthrange(y, m)[1])


def round_of(p: str) -> str:
    """First round (YYYY-05 / YYYY-11) whose month-end is on or after the period's end; rounds
    before 2006-11 are folded into 2006-11."""
    end, y, m = period_end(p), 2006, 11
    while date(y, m, calendar.monthrange(y, m)[1]) < end:
        y, m = (y, 11) if m == 5 else (y + 1, 5)
    return f"{y}-{m:02d}"



def shown(path: Path) -> Path:
    """A written file's path for printing: relative to the project when it lies inside it."""
    try:
        return path.resolve().relative_to(ROOT)
    except ValueError:
        return path
