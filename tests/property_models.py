"""What tests/test_property_rounds.py compares: the published tables read back from the warehouse,
the figures the documentation implies (the "docs" model) beside the known mistakes that could
reproduce a published figure (corrections keyed by sex, rounding the float), and the Checker
that records every difference as a Finding naming the mistake that explains it, if one does."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import duckdb
import pandas as pd
import recompute as rc
from property_spec import CATALOG, INDICATORS

# ---------------------------------------------------------------- what is published

def published(db: Path) -> dict:
    con = duckdb.connect(str(db), read_only=True)
    try:
        q = lambda sql: con.execute(sql).fetchdf()
        return {
            "history": q("SELECT indicator, reference_period, value, previous_period, previous_value, "
                         "change_since_previous, light, test, p_value, significance, comparison_value, published_round "
                         "FROM barometer_history"),
            "districts": q("SELECT indicator, district, reference_period, value, city_value, deviation_from_city, "
                           "change_since_previous, share_of_city, rank, ranked_districts, suppressed, "
                           "suppression_reason, note, "
                           "published_round FROM district_values"),
            "vintages": q("SELECT vintage_round, indicator, reference_period, value_as_published, latest_value, "
                          "revised "
                          "FROM barometer_vintages"),
        }
    finally:
        con.close()


# ---------------------------------------------------------------- the expectation, and known mistakes

def _half_even(x, decimals):
    """Python's round() on a float (half to even on exact binary ties)."""
    return None if x is None else Decimal(repr(round(float(x), decimals)))


def _as_float(obs: dict) -> dict:
    """The figures as floating-point arithmetic gives them (exact binary values of the doubles)."""
    f = lambda x: None if x is None else Fraction(x)
    return {k: dataclasses.replace(o, value=f(o.fvalue), comparison=f(o.fcomparison)) for k, o in obs.items()}


@dataclass
class Model:
    """The published figures implied by one set of rows in force and one rounding."""

    obs: dict
    rounder: object  # (Fraction | None, decimals) -> Decimal | None

    def value(self, code: str, period: str, unit: str):
        o = self.obs.get((code, period, unit))
        return None if o is None else self.rounder(o.value, CATALOG["indicators"][code]["decimals"])

    def comparison(self, code: str, period: str):
        o = self.obs.get((code, period, rc.CITY))
        return None if o is None else self.rounder(o.comparison, CATALOG["indicators"][code]["decimals"])

    def city_series(self, code: str) -> list:
        return sorted((o for (c, p, u), o in self.obs.items() if c == code and u == rc.CITY and o.value is not None),
                      key=lambda o: rc.reference_date(o.period))

    def city_step(self, code: str, period: str):
        """(previous period, change, light) of the city measurement at `period`."""
        s = self.city_series(code)
        periods = [o.period for o in s]
        if period not in periods:
            return None
        i = periods.index(period)
        c = CATALOG["indicators"][code]
        lt = rc.light(c, CATALOG["alpha"], s[i - 1] if i else None, s[i], self.rounder)
        if not i:
            return None, None, lt
        d = c["decimals"]
        return s[i - 1].period, rc.round_decimal(self.value(code, period, rc.CITY)
                                                 - self.value(code, s[i - 1].period, rc.CITY), d), lt

    def unit_periods(self, code: str, unit: str) -> list[str]:
        return sorted((p for (c, p, u) in self.obs if c == code and u == unit), key=rc.reference_date)


SEX_KEYED = "corrections keyed by sex (a cell's T row and later F+M rows, or the reverse, both in force)"
FLOAT_EVEN = "Python round() (half to even) of the float figure"
FLOAT_AWAY = "half away from zero of the float figure (not of the exact value)"


def models(deliveries, up_to_run=None, as_of="9999-99") -> dict[str, Model]:
    """The docs' expectation first, then the known mistakes that may reproduce a published figure."""
    out = {}
    for keyed, by_sex in (("", False), (SEX_KEYED, True)):
        obs = rc.observations(CATALOG, rc.rows_in_force(deliveries, as_of, up_to_run, by_sex=by_sex), INDICATORS)
        fobs = _as_float(obs)
        for rname, o, rounder in (("", obs, rc.round_half_away), (FLOAT_EVEN, fobs, _half_even),
                                  (FLOAT_AWAY, fobs, rc.round_half_away)):
            out[" + ".join(x for x in (keyed, rname) if x) or "docs"] = Model(o, rounder)
    return out


# ---------------------------------------------------------------- the comparison

@dataclass
class Finding:
    rule: str
    indicator: str
    period: str
    district: str
    published: object
    expected: object
    explained_by: str = ""

    def __str__(self) -> str:
        why = f"  [reproduced by: {self.explained_by}]" if self.explained_by else "  [NOT explained by a known mistake]"
        return (f"{self.rule}: {self.indicator} {self.period} {self.district}: published {_show(self.published)}, "
                f"expected {_show(self.expected)}{why}")


def _show(x):
    if isinstance(x, Decimal):
        return str(x)
    if isinstance(x, tuple):
        return "(" + ", ".join(_show(y) for y in x) + ")"
    if isinstance(x, float):
        return repr(x)
    return repr(x) if isinstance(x, str) else str(x)


def _none(x):
    if isinstance(x, float) and math.isnan(x):
        return None
    return None if x is None or x is pd.NA or x is pd.NaT else x


def _same(pub, exp) -> bool:
    pub, exp = _none(pub), _none(exp)
    if pub is None or exp is None:
        return pub is None and exp is None
    if isinstance(exp, (Decimal, Fraction, int, float)) and isinstance(pub, (int, float, Decimal)):
        return abs(float(pub) - float(exp)) < 1e-9
    return pub == exp


def _p_same(pub, exp) -> bool:
    pub, exp = _none(pub), _none(exp)
    if pub is None or exp is None:
        return pub is None and exp is None
    return abs(pub - exp) <= 1e-9 * max(1.0, abs(exp))


class Checker:
    """Collects findings; each compares a published figure with f(docs model), and names the first
    known mistake (another model) that reproduces the published figure."""

    def __init__(self, ms: dict[str, Model]):
        self.ms, self.docs, self.out = ms, ms["docs"], []

    def matching(self, pub, f, same=_same) -> list[str]:
        names = []
        for name, m in self.ms.items():
            try:
                if same(pub, f(m)):
                    names.append(name)
            except Exception:  # a model without the figure
                continue
        return names

    def check(self, rule, code, period, unit, pub, f, same=_same) -> None:
        try:
            exp = f(self.docs)
        except Exception as e:
            exp = f"(no expectation: {e!r})"
        if same(pub, exp):
            return
        alt = [n for n in self.matching(pub, f, same) if n != "docs"]
        self.out.append(Finding(rule, code, period, unit, pub, exp, alt[0] if alt else ""))

    def add(self, *args, **kw) -> None:
        self.out.append(Finding(*args, **kw))
