"""The rows of the indicator submissions as they are built (one dict per delivered row, in
ROWS), and the control totals BIF and TMF add to their district-level series."""

from __future__ import annotations

from collections import defaultdict

from .common import CITY, DISTRICTS, IND, department_of, round_of

ROWS: list[dict] = []


def add(indicator: str, period: str, group: str, *, district: str = CITY, sex: str = "T",
        num=None, den=None, value=None, sd=None, note: str | None = None, subunit: str | None = None):
    ROWS.append({"department": department_of(indicator), "round": round_of(period),
                 "indicator": indicator, "reference_period": period, "district": district,
                 "subunit": subunit, "group": group, "sex": sex, "numerator": num,
                 "denominator": den, "value": value, "sd": sd, "note": note})


def add_districts(indicator, period, group, nums, dens, sd=None, count=False):
    for i, d in enumerate(DISTRICTS):
        add(indicator, period, group, district=d, num=nums[i],
            den=None if count else dens[i], sd=None if sd is None else sd[i])


# --------------------------------------------------------------------------- control totals
# BIF and TMF add, to each district-level series, a KBH row per period x group x sex with the sum
# of their 10 district rows (a department's control total, docs/submissions.md). The warehouse
# never uses it as data; its check district_counts_sum_to_city compares it with the districts.
CONTROL_DEPARTMENTS = {"BIF", "TMF"}
CONTROL_NOTE = "control total (sum of the districts)"


def is_control(indicator: str, district: str) -> bool:
    return district == CITY and bool(IND.get(indicator, {}).get("districts"))


def _total(values):
    vals = [v for v in values if v is not None]
    if not vals:
        return None
    if all(float(v).is_integer() for v in vals):
        return int(sum(vals))
    t = round(sum(vals), 2)
    # the warehouse sums the district rows as doubles in any order: the sum must be exact
    assert sum(sorted(vals)) == t == sum(sorted(vals, reverse=True)), vals
    return t


def add_controls():
    cells = defaultdict(list)
    for r in ROWS:
        if r["department"] in CONTROL_DEPARTMENTS and IND[r["indicator"]].get("districts") \
                and r["district"] != CITY:
            cells[(r["indicator"], r["reference_period"], r["group"], r["sex"])].append(r)
    for (code, p, group, sex), rows in cells.items():
        assert sorted(r["district"] for r in rows) == sorted(DISTRICTS), (code, p, group, sex)
        add(code, p, group, district=CITY, sex=sex, num=_total(r["numerator"] for r in rows),
            den=_total(r["denominator"] for r in rows), note=CONTROL_NOTE)
