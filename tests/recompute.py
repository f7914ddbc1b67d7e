"""An independent recomputation of the published barometer from the counts a test wrote into the
departments' files, written from the documentation alone (docs/submissions.md, docs/catalog.md,
docs/warehouse.md, docs/lights.md, docs/privacy.md), never from the pipeline's own code.

It reads the catalog and the disclosure rules as data (YAML), takes the delivered rows as the test
knows them, and gives, with exact arithmetic on the integer counts:

- the rows in force: per round and department the latest accepted version; per cell (indicator,
  reference period, district, subunit, group) the rows of the latest round that delivered the
  cell, whatever sex split (T, or F + M) either round used;
- every city and district figure (rate, mean, count, cumulative count, gap of rates, gap of
  means), the comparison group's figure, pooled standard deviations;
- one rounding rule: half away from zero at the catalog's `decimals`, applied once to the exact
  value;
- the lights of docs/lights.md with their significance tests;
- which district cells the primary disclosure rule must suppress.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path

import yaml

PROJECT = Path(__file__).resolve().parents[1]
CITY = "KBH"
DISTRICTS = ["IND", "OST", "NOR", "VES", "VAL", "VAN", "BRH", "BIS", "AMO", "AMV"]


# ---------------------------------------------------------------- catalog and disclosure rules (data)

def load_catalog(path: Path | None = None) -> dict:
    doc = yaml.safe_load((path or PROJECT / "catalog" / "indicators.yaml").read_text(encoding="utf-8"))
    out = {}
    for e in doc["indicators"]:
        e = dict(e)
        e.setdefault("source", e["code"])
        e.setdefault("counted_unit", "persons")
        e.setdefault("sex", None)
        e.setdefault("reference_group", None)
        out[e["code"]] = e
    return {"alpha": float(doc.get("significance_level", 0.05)), "indicators": out}


def load_disclosure(path: Path | None = None) -> dict:
    doc = yaml.safe_load((path or PROJECT / "catalog" / "disclosure.yaml").read_text(encoding="utf-8"))
    return {"min_count": int(doc["min_count"]), "min_denominator": int(doc["min_denominator"])}


# ---------------------------------------------------------------- rows and the rows in force

@dataclass(frozen=True)
class Row:
    series: str
    period: str
    district: str
    subunit: str
    group: str
    sex: str
    num: int | None
    den: int | None = None
    sd: str | None = None  # as written in the file (exact decimal text)

    def cell(self, by_sex: bool = False) -> tuple:
        key = (self.series, self.period, self.district, self.subunit, self.group)
        return key + (self.sex,) if by_sex else key


@dataclass
class Delivery:
    """One file as it arrived: round, department, arrival order (version), its rows, and whether
    the pipeline must accept it (the test makes some files invalid on purpose)."""

    round: str
    department: str
    arrival: int
    name: str
    rows: list[Row]
    valid: bool = True
    run: int = 1  # the run at which it lies in raw/ for the first time


def winners(deliveries: list[Delivery], up_to_run: int | None = None) -> dict[tuple[str, str], Delivery]:
    """Per round and department: the latest accepted version (docs/submissions.md, "Versions")."""
    out: dict[tuple[str, str], Delivery] = {}
    for d in sorted(deliveries, key=lambda d: d.arrival):
        if not d.valid or (up_to_run is not None and d.run > up_to_run):
            continue
        out[(d.round, d.department)] = d
    return out


def rows_in_force(deliveries: list[Delivery], as_of_round: str = "9999-99", up_to_run: int | None = None,
                  by_sex: bool = False) -> list[tuple[str, Row]]:
    """docs/submissions.md, "Corrections": per cell the rows of the latest round that sent it replace
    the earlier ones, whatever the sex split (`by_sex=True` models keying the cell by sex too, for
    diagnosis only). Returns (round, row) pairs: the round each row in force came from."""
    latest: dict[tuple, str] = {}
    rows: list[tuple[str, Row]] = []
    for (rnd, _dept), d in winners(deliveries, up_to_run).items():
        if rnd > as_of_round:
            continue
        for r in d.rows:
            rows.append((rnd, r))
            k = r.cell(by_sex)
            if k not in latest or rnd > latest[k]:
                latest[k] = rnd
    return [(rnd, r) for rnd, r in rows if latest[r.cell(by_sex)] == rnd]


# ---------------------------------------------------------------- exact figures

def round_half_away(x: Fraction | None, decimals: int) -> Decimal | None:
    """The one rounding rule: half away from zero, at `decimals`, on the exact value."""
    if x is None:
        return None
    scaled = abs(x) * 10 ** decimals
    whole, rest = divmod(scaled.numerator, scaled.denominator)
    if 2 * rest >= scaled.denominator:
        whole += 1
    sign = -1 if x < 0 else 1
    return Decimal(sign * whole).scaleb(-decimals)


def round_decimal(x: Decimal, decimals: int) -> Decimal:
    return x.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)  # HALF_UP = away from zero


def reference_date(period: str) -> str:
    return f"{period}-01-01" if len(period) == 4 else f"{period}-01"


@dataclass
class Counts:
    n: int = 0
    d: int = 0
    ss: Fraction = field(default_factory=Fraction)  # rebuilt sum of squares (means)
    has_sd: bool = True
    rows: int = 0

    def add(self, r: Row) -> None:
        self.rows += 1
        self.n += r.num or 0
        self.d += r.den or 0
        if r.sd is None or r.den is None or r.den == 0:
            self.has_sd = self.has_sd and r.sd is not None and (r.den or 0) > 0
            return
        sd = Fraction(Decimal(r.sd))
        self.ss += (r.den - 1) * sd * sd + Fraction(r.num or 0) ** 2 / r.den

    def pooled_sd(self) -> float | None:
        """docs/catalog.md: sqrt(max(SS - n^2/d, 0) / (d - 1))."""
        if not self.has_sd or self.d <= 1:
            return None
        v = max(self.ss - Fraction(self.n) ** 2 / self.d, Fraction(0)) / (self.d - 1)
        return math.sqrt(v)


@dataclass
class Obs:
    """One indicator x period x unit, exact."""

    indicator: str
    period: str
    unit: str
    g: Counts
    ref: Counts | None
    value: Fraction | None
    comparison: Fraction | None
    rounds: set[str] = field(default_factory=set)
    # the same figures computed in floating point, as SQL on doubles would (for diagnosing a
    # published figure that was rounded from a float instead of from the exact value)
    fvalue: float | None = None
    fcomparison: float | None = None


def _ratio(n: int, d: int, scale: int) -> Fraction | None:
    return Fraction(scale * n, d) if d else None


def _fratio(n: int, d: int, scale: int) -> float | None:
    return scale * float(n) / float(d) if d else None


def observations(catalog: dict, rows: list[tuple[str, Row]], indicators: list[str]) -> dict[tuple[str, str, str], Obs]:
    """(indicator, period, unit) -> Obs, for every unit with rows of the measured or compared group."""
    out: dict[tuple[str, str, str], Obs] = {}
    for code in indicators:
        c = catalog["indicators"][code]
        comp, grp, refg = c["computation"], c["group"], c["reference_group"]
        cells: dict[tuple[str, str], tuple[Counts, Counts, set]] = {}
        for rnd, r in rows:
            if r.series != c["source"] or (c["sex"] and r.sex != c["sex"]) or r.group not in (grp, refg):
                continue
            if c["districts"] and r.district == CITY:
                continue  # a control total: never used
            units = [r.district, CITY] if c["districts"] else [CITY]
            for u in units:
                g, rf, rounds = cells.setdefault((r.period, u), (Counts(), Counts(), set()))
                (g if r.group == grp else rf).add(r)
                rounds.add(rnd)
        running: dict[str, int] = {}
        for (period, unit), (g, rf, rounds) in sorted(cells.items(), key=lambda kv: reference_date(kv[0][0])):
            has_ref = refg is not None and rf.rows > 0
            scale = 100 if comp in ("rate", "gap_rate") else 1
            value = comparison = fvalue = fcomparison = None
            if comp in ("rate", "mean"):
                if g.rows:
                    value, fvalue = _ratio(g.n, g.d, scale), _fratio(g.n, g.d, scale)
                if has_ref:
                    comparison, fcomparison = _ratio(rf.n, rf.d, scale), _fratio(rf.n, rf.d, scale)
            elif comp == "count":
                if g.rows:
                    value, fvalue = Fraction(g.n), float(g.n)
            elif comp == "cumulative_count":
                running[unit] = running.get(unit, 0) + g.n
                value, fvalue = Fraction(running[unit]), float(running[unit])
            elif comp in ("gap_rate", "gap_mean"):
                if has_ref:
                    comparison, fcomparison = _ratio(rf.n, rf.d, scale), _fratio(rf.n, rf.d, scale)
                mine = _ratio(g.n, g.d, scale) if g.rows else None
                if comparison is not None and mine is not None:
                    value = comparison - mine
                    fvalue = fcomparison - _fratio(g.n, g.d, scale)
            if g.rows == 0 and not has_ref:
                continue
            out[(code, period, unit)] = Obs(code, period, unit, g, rf if has_ref else None, value, comparison, rounds,
                                            fvalue, fcomparison)
    return out


# ---------------------------------------------------------------- lights (docs/lights.md)

def _p_two_sided(z: float) -> float:
    return math.erfc(abs(z) / math.sqrt(2))


def _p(num: float, se: float) -> float | None:
    if se == 0 or math.isnan(se):
        return None
    return _p_two_sided(num / se)


def significance_p(c: dict, prev: Obs, cur: Obs) -> tuple[str, float | None] | None:
    """(test name, p) where docs/lights.md calls for a test; None where none applies."""
    comp, survey = c["computation"], c["source_kind"] == "survey"
    if comp == "rate" and survey:
        x1, n1, x2, n2 = prev.g.n, prev.g.d, cur.g.n, cur.g.d
        if not (n1 and n2):
            return "two-proportion z-test", None
        pooled = Fraction(x1 + x2, n1 + n2)
        se = math.sqrt(float(pooled * (1 - pooled) * (Fraction(1, n1) + Fraction(1, n2))))
        return "two-proportion z-test", _p(float(Fraction(x2, n2) - Fraction(x1, n1)), se)
    if comp == "gap_rate" and survey:
        if prev.ref is None or cur.ref is None:
            return "z-test on the change in the gap of proportions", None
        var = lambda x, n: Fraction(x, n) * (1 - Fraction(x, n)) / n
        se = math.sqrt(float(var(prev.ref.n, prev.ref.d) + var(prev.g.n, prev.g.d)
                             + var(cur.ref.n, cur.ref.d) + var(cur.g.n, cur.g.d)))
        gap1 = Fraction(prev.ref.n, prev.ref.d) - Fraction(prev.g.n, prev.g.d)
        gap2 = Fraction(cur.ref.n, cur.ref.d) - Fraction(cur.g.n, cur.g.d)
        return "z-test on the change in the gap of proportions", _p(float(gap2 - gap1), se)
    if comp == "gap_mean":
        if prev.ref is None or cur.ref is None:
            return "z-test on the change in the gap of means", None
        sds = [prev.ref.pooled_sd(), prev.g.pooled_sd(), cur.ref.pooled_sd(), cur.g.pooled_sd()]
        if any(s is None for s in sds):
            return "z-test on the change in the gap of means", None
        ns = [prev.ref.d, prev.g.d, cur.ref.d, cur.g.d]
        se = math.sqrt(sum(s * s / n for s, n in zip(sds, ns)))
        gap1 = Fraction(prev.ref.n, prev.ref.d) - Fraction(prev.g.n, prev.g.d)
        gap2 = Fraction(cur.ref.n, cur.ref.d) - Fraction(cur.g.n, cur.g.d)
        return "z-test on the change in the gap of means", _p(float(gap2 - gap1), se)
    if comp == "mean":
        s1, s2 = prev.g.pooled_sd(), cur.g.pooled_sd()
        if s1 is None or s2 is None:
            return "z-test on the change in the mean", None
        se = math.sqrt(s1 * s1 / prev.g.d + s2 * s2 / cur.g.d)
        change = Fraction(cur.g.n, cur.g.d) - Fraction(prev.g.n, prev.g.d)
        return "z-test on the change in the mean", _p(float(change), se)
    return None


def light(c: dict, alpha: float, prev: Obs | None, cur: Obs, rounder=None) -> dict:
    """docs/lights.md, "The light of one measurement" (the indicators the test uses declare no
    series break). `rounder` replaces the rounding rule, for diagnosis only."""
    rounder = rounder or round_half_away
    d = int(c["decimals"])
    v = rounder(cur.value, d)
    if v is None:
        return {"light": None}
    if prev is None or prev.value is None:
        return {"light": None, "why": "first"}
    if c["direction"] == "none":
        return {"light": None}
    pv = rounder(prev.value, d)
    direction = c["direction"]
    if direction == "toward_level":
        cv, pcv = rounder(cur.comparison, d), rounder(prev.comparison, d)
        if cv is None or pcv is None:
            return {"light": None}
        delta = round_decimal(abs(v - cv) - abs(pv - pcv), d)
        better = delta < 0
    elif direction == "toward_zero":
        delta = round_decimal(abs(v) - abs(pv), d)
        better = delta < 0
    else:
        delta = round_decimal(v - pv, d)
        better = delta > 0 if direction in ("must_rise", "toward_100") else delta < 0
    if delta == 0:
        return {"light": "yellow", "test": "published precision", "p": None}
    tested = significance_p(c, prev, cur)
    if tested is not None and tested[1] is not None:
        name, p = tested
        if p >= alpha:
            return {"light": "yellow", "test": name, "p": p}
        return {"light": "green" if better else "red", "test": name, "p": p}
    return {"light": "green" if better else "red", "test": "published precision", "p": None}


# ---------------------------------------------------------------- disclosure (docs/privacy.md)

def primary_sensitive(c: dict, o: Obs | None, rules: dict) -> bool:
    """Rule 1: a district cell that must be suppressed on its own."""
    if o is None or c["counted_unit"] not in ("persons", "households"):
        return False
    mc, md = rules["min_count"], rules["min_denominator"]
    comp = c["computation"]
    small = lambda x: 1 <= x < mc
    if comp in ("rate", "mean", "gap_rate", "gap_mean"):
        if o.g.d == 0:
            return False  # nobody in scope: NULL with a note, not suppressed
        if o.g.d < md or (o.ref is not None and comp.startswith("gap") and o.ref.d < md):
            return True
        if comp in ("rate", "gap_rate"):
            return small(o.g.n) or small(o.g.d - o.g.n)
        return False
    if comp in ("count", "cumulative_count"):
        return o.value is not None and small(int(o.value))
    return False
