"""What the departments deliver in the random rounds of tests/test_property_rounds.py: the rounds,
the reference periods each round brings, the series with their department, groups, kind and sex
split, and the catalog's indicators cut from them (read by tests/recompute.py)."""

from __future__ import annotations

from dataclasses import dataclass

import recompute as rc

ROUNDS = ["2008-05", "2008-11", "2009-05", "2009-11"]
FIRST_RUN_ROUNDS = ROUNDS[:3]  # run 1 sees these; run 2 adds the last round and late resubmissions
MONTHS = {"2008-05": ["2007-08", "2008-02"], "2008-11": ["2008-08"], "2009-05": ["2009-02"], "2009-11": ["2009-08"]}
YEARS = {"2008-05": ["2006", "2007"], "2008-11": [], "2009-05": ["2008"], "2009-11": []}

HEADER = ["department", "round", "indicator", "reference_period", "district", "subunit", "group", "sex",
          "numerator", "denominator", "value", "sd", "note"]


@dataclass(frozen=True)
class Spec:
    department: str
    districts: bool
    groups: tuple[str, ...]
    kind: str            # rate | mean | count
    periods: dict
    split: str = "random"  # random (per cell) | T (always) | FM (always: the catalog cuts it by sex)
    subunits: bool = False


# the series delivered (docs/submissions.md, "What each department delivers"); indicators cut from
# them are every catalog entry with that `source`
SERIES = {
    "EMP-M": Spec("BIF", True, ("IMM",), "rate", MONTHS, split="FM"),     # EMP-M, EMP-1 (F), EMP-2 (M)
    "SAF-2": Spec("BIF", False, ("ALL",), "rate", MONTHS),                # survey rate, city
    "EDU-E": Spec("BUF", True, ("IMM",), "rate", MONTHS, split="T"),      # register rate, always T
    "EDU-M": Spec("BUF", False, ("BIL", "MON"), "mean", YEARS),           # gap of means with sd, years
    "HOU-3": Spec("SOF", True, ("ALL",), "count", MONTHS),                # cumulative count
    "HOU-2": Spec("TMF", True, ("ALL",), "mean", MONTHS, subunits=True),  # mean with sd, subunits
    "CUL-3": Spec("KFF", False, ("IMM", "DAN"), "rate", MONTHS),          # survey gap of rates
    "HEA-1": Spec("SUF", False, ("IMM", "DAN"), "rate", MONTHS),          # survey rate + comparison
}

# series whose cells change their sex split in later rounds' corrections (every split is forced)
FLIPPED = ("HOU-3", "SAF-2", "CUL-3", "HOU-2")

CATALOG = rc.load_catalog()
RULES = rc.load_disclosure()
INDICATORS = sorted(code for code, c in CATALOG["indicators"].items() if c["source"] in SERIES)
DISTRICT_INDICATORS = [i for i in INDICATORS if CATALOG["indicators"][i]["districts"]]
