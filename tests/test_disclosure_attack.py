"""An attacker in the test suite (issue 13, docs/privacy.md "Linked tables"): random rounds with
many small cells in the tables cut from the same people go through the real job, and then the
published `barometer.duckdb` alone is attacked; the test fails if any withheld count below the
threshold is recovered exactly or to within +-1 person.

The rounds (seeded, SEEDS; more with BAROMETER_ATTACK_SEEDS=1,2,...): one period, 2009-02, with
- EMP-M delivered by sex (F + M) per district: EMP-M (both), EMP-1 (women) and EMP-2 (men) are
  published from the same rows, so EMP-M = EMP-1 + EMP-2 per district, in counts;
- HOU-M2 and HOU-1 per district (sometimes nobody in scope, 0 / 0): housing_district_shares
  pools them (catalog/housing_rules.yaml, pooled_district_shares), so pooled = HOU-M2 + HOU-1.
Small populations are frequent, so primary and secondary suppression fire often.

The attack, at the worst case for us: the attacker knows the true city numerators N and
denominators D of every table (the true scale; the published city rate only rounds N / D).
1. Every published district cell gives its numerator n from `share_of_city` s (one decimal):
   the integers n with round(100 n / N, 1) = s; then its denominators d from the rate r (one
   decimal): the integers d <= D with round(100 n / d, 1) = r for a feasible n. A district with
   nobody in scope (value NULL, not suppressed) has n = d = 0. A cell without a share gets
   [0, N] and [0, D].
2. A withheld cell starts at [0, N - sum of the published cells' lowest numerators] (the city
   margin) and [0, D - ...].
3. Sum relations, as intervals, propagated to a fixpoint, for numerators, denominators and
   complements (d - n): between linked tables, total = sum of parts per district (EMP-M = EMP-1
   + EMP-2; pooled = HOU-M2 + HOU-1), so each part = total - other parts; and within each table,
   the city = the sum of its districts, so each cell = city - the others.
   With `exact` (the second attack), the attacker knows every published cell's true counts
   instead: the worst case of any rounding of the public columns.
4. A withheld cell is recovered when its count with the trait, or without it, is between 1 and
   min_count - 1 and that count's interval is at most 3 wide (pinned to within +-1), or its
   denominator is below min_denominator and both n and d are pinned to within +-1.
5. The exact attack (attack_integer): integer programming over every cell's counts instead of
   intervals, every published cell's true counts known, the margins and linked sums as equations,
   and what the published `suppression_reason` says of each withheld cell. Published, it is one
   word for all of them and says nothing; were the rule that fired published (`primary: ...` /
   `secondary: ...`), the attack reads it: a primary cell is small, a secondary one passed rule 1
   on its own and, picked smallest first, holds no more than its table's smallest published count.
   The housing areas are attacked the same way in tests/test_disclosure_attack_areas.py.
To strengthen it: several periods at once (nothing links two periods of a stock but the change
since the previous measurement, published only between two published values; cumulative counts
are rule 5's), and the earlier editions of the file a reader may have kept (a correction changes
a published cell, and two editions' city figures then differ by the changed cells)."""

from __future__ import annotations

import csv
import math
import os
import random
import tempfile
from fractions import Fraction
from pathlib import Path

import duckdb
import numpy as np
import pytest
from conftest import run_barometer

from core.disclosure import SECONDARY, WITHHELD, load_rules

DISTRICTS = ["IND", "OST", "NOR", "VES", "VAL", "VAN", "BRH", "BIS", "AMO", "AMV"]
RULES = load_rules()
MIN_COUNT, MIN_DEN = RULES.min_count, RULES.min_denominator
HEADER = ["department", "round", "indicator", "reference_period", "district", "subunit", "group", "sex",
          "numerator", "denominator", "value", "sd", "note"]
PERIOD, ROUND = "2009-02", "2009-05"
SEEDS = [int(s) for s in os.environ.get("BAROMETER_ATTACK_SEEDS", "3,17,29").split(",") if s]
POOLED = "HOU-M2+HOU-1"
# total = sum of parts, per district (the links the attacker exploits)
RELATIONS = [("EMP-M", ("EMP-1", "EMP-2")), (POOLED, ("HOU-M2", "HOU-1"))]


# ---------------------------------------------------------------- the random rounds

def _cell(r: random.Random) -> tuple[int, int]:
    """(persons with the trait, persons without it): small cells are frequent."""
    kind = r.random()
    if kind < 0.3:
        return r.randint(0, MIN_COUNT), r.randint(0, MIN_DEN)
    if kind < 0.6:
        return r.randint(MIN_COUNT, 4 * MIN_COUNT), r.randint(0, MIN_COUNT + 2)
    return r.randint(0, 12 * MIN_COUNT), r.randint(0, 6 * MIN_DEN)


def generate(seed: int) -> dict[str, dict[str, tuple[int, int]]]:
    """The true (yes, no) per table and district; EMP-M and the pooled table are the sums."""
    r = random.Random(seed)
    t: dict[str, dict[str, tuple[int, int]]] = {k: {} for k in ("EMP-1", "EMP-2", "HOU-M2", "HOU-1")}
    for d in DISTRICTS:
        t["EMP-1"][d], t["EMP-2"][d] = _cell(r), _cell(r)
        t["HOU-M2"][d] = (0, 0) if r.random() < 0.15 else _cell(r)
        t["HOU-1"][d] = (0, 0) if r.random() < 0.15 else _cell(r)
    for total, parts in RELATIONS:
        t[total] = {d: tuple(sum(t[p][d][i] for p in parts) for i in (0, 1)) for d in DISTRICTS}
    return t


def write_round(raw: Path, t) -> None:
    folder = raw / ROUND
    folder.mkdir(parents=True)
    with open(folder / f"BIF_{ROUND}.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        for d in DISTRICTS:
            for sex, code in (("F", "EMP-1"), ("M", "EMP-2")):
                yes, no = t[code][d]
                w.writerow(["BIF", ROUND, "EMP-M", PERIOD, d, "", "IMM", sex, yes, yes + no, "", "", ""])
    with open(folder / f"TMF_{ROUND}.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        for code in ("HOU-M2", "HOU-1"):
            for d in DISTRICTS:
                yes, no = t[code][d]
                w.writerow(["TMF", ROUND, code, PERIOD, d, "", "ALL", "T", yes, yes + no, "", "", ""])


def published(db: Path) -> dict[str, dict[str, tuple]]:
    """(value, share_of_city, suppressed, suppression_reason) per table and district, from the published file only."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(
            "SELECT indicator, district, value, share_of_city, suppressed, suppression_reason FROM district_values "
            "WHERE reference_period = ? AND indicator IN ('EMP-M', 'EMP-1', 'EMP-2', 'HOU-M2', 'HOU-1') "
            "AND district <> 'KBH'", [PERIOD]).fetchall()
        rows += [(POOLED, *r) for r in con.execute(
            "SELECT district, share_outside, share_of_city, suppressed, suppression_reason "
            "FROM housing_district_shares "
            "WHERE reference_period = ? AND district <> 'KBH'", [PERIOD]).fetchall()]
    finally:
        con.close()
    out: dict[str, dict[str, tuple]] = {}
    for code, d, value, share, hidden, reason in rows:
        out.setdefault(code, {})[d] = (value, share, bool(hidden), reason)
    return out


# ---------------------------------------------------------------- the attack

def _rounds_to(num: int, den: int, target: float) -> bool:
    """round(100 num / den, 1) == target, half away from zero, exactly."""
    x = Fraction(100 * num, den)
    return math.floor(x * 10 + Fraction(1, 2)) == round(Fraction(str(target)) * 10)


def _published_cell(value, share, big_n: int, big_d: int):
    """The feasible numerators and denominators of a published cell, as (lo, hi) intervals."""
    if value is None:  # published, nobody in scope
        return [0, 0], [0, 0]
    if share is None or big_n == 0:
        return [0, big_n], [0, big_d]
    centre = share * big_n / 100
    ns = [n for n in range(max(0, math.floor(centre) - 2), min(big_n, math.ceil(centre) + 2) + 1)
          if _rounds_to(n, big_n, share)]
    ds = []
    for n in ns:
        if n == 0:
            ds += [1, big_d]
            continue
        lo = math.floor(100 * n / (value + 0.05)) - 1 if value + 0.05 > 0 else n
        hi = math.ceil(100 * n / (value - 0.05)) + 1 if value > 0.05 else big_d
        ds += [d for d in range(max(n, lo, 1), min(hi, big_d) + 1) if _rounds_to(n, d, value)]
    if not ns or not ds:
        return [0, big_n], [0, big_d]
    return [min(ns), max(ns)], [min(ds), max(ds)]


def attack(truth, pub, exact: bool = False) -> list[tuple[str, str, tuple[int, int], list, list]]:
    """Every withheld, sensitive cell the attacker pins: (table, district, true (yes, no), n, c).
    `exact`: the attacker knows every published cell's true counts (any precision of the public
    columns), so the result cannot depend on how `share_of_city` and the rates are rounded."""
    big = {code: (sum(y for y, _ in cells.values()), sum(y + n for y, n in cells.values()))
           for code, cells in truth.items()}
    num, den = {}, {}
    for code, cells in pub.items():
        big_n, big_d = big[code]
        for d, (value, share, hidden, _) in cells.items():
            if not hidden and exact:
                yes, no = truth[code][d]
                num[code, d], den[code, d] = [yes, yes], [yes + no, yes + no]
            elif not hidden:
                num[code, d], den[code, d] = _published_cell(value, share, big_n, big_d)
        slack_n = big_n - sum(num[code, d][0] for d in cells if not cells[d][2])
        slack_d = big_d - sum(den[code, d][0] for d in cells if not cells[d][2])
        for d, (_, _, hidden, _) in cells.items():
            if hidden:
                num[code, d], den[code, d] = [0, max(slack_n, 0)], [0, max(slack_d, 0)]
    comp = {k: [max(0, den[k][0] - num[k][1]), den[k][1] - num[k][0]] for k in num}
    for _ in range(10):  # propagate the sum relations to a fixpoint
        changed = False
        for iv in (num, den, comp):
            for total, parts in RELATIONS:
                for d in DISTRICTS:
                    keys = [(total, d)] + [(p, d) for p in parts]
                    if any(k not in iv for k in keys):
                        continue
                    t, ps = iv[keys[0]], [iv[k] for k in keys[1:]]
                    new_t = [max(t[0], sum(p[0] for p in ps)), min(t[1], sum(p[1] for p in ps))]
                    if new_t != t:
                        iv[keys[0]][:] = new_t
                        changed = True
                    for i, k in enumerate(keys[1:]):
                        rest = [p for j, p in enumerate(ps) if j != i]
                        p = iv[k]
                        new_p = [max(p[0], t[0] - sum(q[1] for q in rest)), min(p[1], t[1] - sum(q[0] for q in rest))]
                        if new_p != p:
                            iv[k][:] = new_p
                            changed = True
            for code, (big_n, big_d) in big.items():  # the city margin: the districts add up to it
                keys = [(code, d) for d in DISTRICTS if (code, d) in iv]
                k = {id(num): big_n, id(den): big_d, id(comp): big_d - big_n}[id(iv)]
                for key in keys:
                    rest = [iv[o] for o in keys if o != key]
                    p = iv[key]
                    new_p = [max(p[0], k - sum(q[1] for q in rest)), min(p[1], k - sum(q[0] for q in rest))]
                    if new_p != p:
                        iv[key][:] = new_p
                        changed = True
        if not changed:
            break
    found = []
    for code, cells in pub.items():
        for d, (_, _, hidden, _) in cells.items():
            if not hidden:
                continue
            yes, no = truth[code][d]
            n, c, dd = num[code, d], comp[code, d], den[code, d]
            pinned = [(1 <= yes < MIN_COUNT and n[1] - n[0] <= 2),
                      (1 <= no < MIN_COUNT and c[1] - c[0] <= 2),
                      (0 < yes + no < MIN_DEN and n[1] - n[0] <= 2 and dd[1] - dd[0] <= 2)]
            if any(pinned):
                found.append((code, d, (yes, no), list(n), list(c)))
    return found


def _sensitive(yes: int, no: int) -> list[str]:
    """What a withheld cell must keep hidden: a count with (n) or without (c) the trait between 1
    and min_count - 1, or (d) both counts of a cell over fewer than min_denominator persons."""
    return ([q for q, x in (("n", yes), ("c", no)) if 1 <= x < MIN_COUNT]
            + (["d"] if 0 < yes + no < MIN_DEN else []))


def attack_integer(truth, pub) -> list[tuple]:
    """The exact attack (integer programming, scipy's HiGHS): every published cell's true counts
    known, the city margins, the linked sums, and what each withheld cell's published
    `suppression_reason` and the order of secondary suppression say about it. The published word
    is the same for every withheld cell (core/disclosure WITHHELD), which says nothing; were the
    rule that fired published instead, the attack reads it:
    - `primary: fewer than N persons in the denominator`: 1 <= d <= N - 1;
    - `primary: fewer than N persons with (or without) the trait`: d >= min_denominator and
      (1 <= n <= min_count - 1 or 1 <= c <= min_count - 1);
    - any other reason (the cell passed rule 1 on its own): n and c are 0 or >= min_count, d is 0
      or >= min_denominator;
    - `secondary: protects another suppressed district ...` (rule 2 picks the smallest positive
      count first): n <= the smallest positive published n of its table.
    A withheld sensitive count whose smallest and largest feasible values are at most 2 apart is
    pinned to within +-1. Returns (table, district, true (yes, no), what, (lo, hi))."""
    from scipy.optimize import Bounds, LinearConstraint, milp

    big = 10 * max(1, max(y + n for cells in truth.values() for y, n in cells.values()))
    index: dict[tuple, int] = {}
    lo: list[float] = []
    hi: list[float] = []
    kind: list[int] = []

    def var(key, low=0, high=big, integrality=1) -> int:
        index[key] = len(lo)
        lo.append(low)
        hi.append(high)
        kind.append(integrality)
        return index[key]

    rows: list[tuple[dict[int, float], float, float]] = []
    for code, cells in pub.items():
        smallest = min((truth[code][d][0] for d, (_, _, h, _) in cells.items()
                        if not h and truth[code][d][0] > 0), default=big)
        for d, (_, _, hidden, reason) in cells.items():
            yes, no = truth[code][d]
            if not hidden:  # published: its true counts (nobody in scope: 0 / 0)
                var((code, d, "n"), yes, yes)
                var((code, d, "c"), no, no)
                continue
            reason = reason or ""
            if reason == WITHHELD:  # one word for every withheld cell: nothing to learn from it
                var((code, d, "n"))
                var((code, d, "c"))
            elif reason.startswith("primary") and "denominator" in reason:
                n, c = var((code, d, "n")), var((code, d, "c"))
                rows.append(({n: 1, c: 1}, 1, MIN_DEN - 1))
            elif reason.startswith("primary"):
                n, c = var((code, d, "n")), var((code, d, "c"))
                y = var((code, d, "y"), 0, 1)  # y = 1: n is the small count, else c
                rows.append(({n: 1, c: 1}, MIN_DEN, np.inf))
                rows += [({n: 1, y: -1}, 0, np.inf), ({n: 1, y: big - MIN_COUNT + 1}, -np.inf, big),
                         ({c: 1, y: 1}, 1, np.inf), ({c: 1, y: -(big - MIN_COUNT + 1)}, -np.inf, MIN_COUNT - 1)]
            else:  # passed rule 1 on its own: 0 or at least the thresholds (semi-integer)
                top = smallest if reason == SECONDARY else big
                n = var((code, d, "n"), MIN_COUNT, max(top, MIN_COUNT), 3)
                c = var((code, d, "c"), MIN_COUNT, big, 3)
                t = var((code, d, "d"), MIN_DEN, 2 * big, 3)
                rows.append(({n: 1, c: 1, t: -1}, 0, 0))
        for q, i in (("n", 0), ("c", 1)):  # the city margin
            total = sum(cell[i] for cell in truth[code].values())
            rows.append(({index[code, d, q]: 1 for d in cells}, total, total))
    for total, parts in RELATIONS:  # linked: total = sum of the parts, per district
        for d in DISTRICTS:
            for q in ("n", "c"):
                coef = {index[total, d, q]: 1.0}
                for p in parts:
                    coef[index[p, d, q]] = -1.0
                rows.append((coef, 0, 0))
    a = np.zeros((len(rows), len(lo)))
    for r, (coef, _, _) in enumerate(rows):
        for i, v in coef.items():
            a[r, i] = v
    cons = LinearConstraint(a, [r[1] for r in rows], [r[2] for r in rows])
    bounds, integrality = Bounds(lo, hi), np.array(kind)

    def extreme(coef: dict[int, float], sign: float) -> float:
        obj = np.zeros(len(lo))
        for i, v in coef.items():
            obj[i] = sign * v
        res = milp(obj, integrality=integrality, bounds=bounds, constraints=cons)
        assert res.status == 0, (res.status, res.message)  # the truth is always feasible
        return sign * res.fun

    found = []
    for code, cells in pub.items():
        for d, (_, _, hidden, _) in cells.items():
            yes, no = truth[code][d]
            if not hidden or not (what := _sensitive(yes, no)):
                continue
            n, c = index[code, d, "n"], index[code, d, "c"]
            spans = {"n": {n: 1.0}, "c": {c: 1.0}, "d": {n: 1.0, c: 1.0}}
            ranges = {q: (extreme(spans[q], 1), extreme(spans[q], -1))
                      for q in {"n", "c"} | ({"n", "d"} if "d" in what else set())}
            pinned = {q: ranges[q][1] - ranges[q][0] <= 2 for q in ranges}
            if any(pinned[q] for q in what if q != "d") or ("d" in what and pinned["n"] and pinned["d"]):
                found.append((code, d, (yes, no), what, ranges))
    return found


def withheld_cells(pub) -> int:
    return sum(hidden for cells in pub.values() for _, _, hidden, _ in cells.values())


@pytest.mark.parametrize("seed", SEEDS)
def test_no_withheld_count_is_recovered_from_linked_tables(seed):
    truth = generate(seed)
    with tempfile.TemporaryDirectory() as tmp:
        raw, wh = Path(tmp) / "raw", Path(tmp) / "wh"
        write_round(raw, truth)
        run_barometer(raw, wh)
        pub = published(wh / "barometer.duckdb")
    assert set(pub) == set(truth), sorted(pub)
    # rule 7: every table of a linked set withholds the same districts (district_values and
    # housing_district_shares decide alike); a cell with nobody in scope has nothing to withhold
    for total, parts in RELATIONS:
        hidden = {code: {d for d, (_, _, h, _) in pub[code].items() if h} for code in (total, *parts)}
        people = {code: {d for d, (y, n) in truth[code].items() if y + n} for code in hidden}
        for d in DISTRICTS:
            flags = {d in hidden[c] for c in hidden if d in people[c]}
            assert len(flags) <= 1, (seed, total, d, {c: d in hidden[c] for c in hidden})
    found = attack(truth, pub)
    print(f"seed {seed}: {withheld_cells(pub)} withheld cells, {len(found)} recovered")
    found += [("exact published counts", *f) for f in attack(truth, pub, exact=True)]
    found += [("integer, with the reasons", *f) for f in attack_integer(truth, pub)]
    if found:
        pytest.fail(f"seed {seed}: {len(found)} of {withheld_cells(pub)} withheld cells recovered "
                    "(table, district, true (yes, no), numerator interval, complement interval):\n  "
                    + "\n  ".join(map(str, found)), pytrace=False)
