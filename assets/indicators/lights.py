"""Traffic lights as the 2009 report applies them: green = positive development since the previous
measurement, yellow = no development, red = negative development.

- The latest measurement is compared with the previous one in the same comparable series; a
  declared series break (method or definition change) makes the comparison yellow and says why.
- Sample surveys: a change in a proportion is tested with a two-proportion z-test on the
  respondents; a change in a gap between two groups' proportions with a z-test on the difference
  of the two gaps. Means and gaps of means (grades, index scores) are tested with each group's
  mean, standard deviation and count. Not significant at the catalog's level -> yellow.
- Full-register and administrative counts: yellow only when the change is below the published
  precision (the rounded values are equal).
- Gaps and "toward zero" goals judge the absolute distance to zero; "toward a level" goals the
  distance to the comparison group.
Every light carries its reason in words. See docs/lights.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from core.rounding import half_away
from schemas.code_lists import computation

GREEN, YELLOW, RED = "green", "yellow", "red"

DIRECTION_WORDS = {
    "must_rise": "must rise", "must_fall": "must fall", "must_not_rise": "must not rise",
    "toward_zero": "must go toward zero", "toward_100": "must go toward 100",
    "toward_level": "must go toward the comparison group's level", "none": "no direction",
}


# ---------------------------------------------------------------- statistics (no scipy: tests pin these)

def normal_two_sided_p(z: float) -> float:
    """Two-sided p-value of a standard normal statistic."""
    return math.erfc(abs(z) / math.sqrt(2))


def two_proportion_test(x1: float, n1: float, x2: float, n2: float) -> tuple[float, float]:
    """z and two-sided p for H0: p1 == p2, with the pooled proportion (the classic test)."""
    p1, p2, pooled = x1 / n1, x2 / n2, (x1 + x2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if se == 0:
        return (0.0, 1.0) if p1 == p2 else (math.inf, 0.0)
    z = (p2 - p1) / se
    return z, normal_two_sided_p(z)


def _var_prop(x: float, n: float) -> float:
    p = x / n
    return p * (1 - p) / n


def gap_of_proportions_test(prev: tuple[float, float, float, float],
                            cur: tuple[float, float, float, float]) -> tuple[float, float]:
    """z and p for a change in the gap between two groups' proportions.
    Each argument: (x_reference, n_reference, x_group, n_group); gap = p_ref - p_group."""
    (xr1, nr1, xg1, ng1), (xr2, nr2, xg2, ng2) = prev, cur
    gap1, gap2 = xr1 / nr1 - xg1 / ng1, xr2 / nr2 - xg2 / ng2
    se = math.sqrt(_var_prop(xr1, nr1) + _var_prop(xg1, ng1) + _var_prop(xr2, nr2) + _var_prop(xg2, ng2))
    if se == 0:
        return (0.0, 1.0) if gap1 == gap2 else (math.inf, 0.0)
    z = (gap2 - gap1) / se
    return z, normal_two_sided_p(z)


def difference_of_means_test(m1: float, s1: float, n1: float, m2: float, s2: float, n2: float) -> tuple[float, float]:
    """z and p for a change in a mean between two independent measurements (large-sample Welch)."""
    se = math.sqrt(s1**2 / n1 + s2**2 / n2)
    if se == 0:
        return (0.0, 1.0) if m1 == m2 else (math.inf, 0.0)
    z = (m2 - m1) / se
    return z, normal_two_sided_p(z)


def gap_of_means_test(prev: tuple, cur: tuple) -> tuple[float, float]:
    """z and p for a change in a gap of means. Each argument: (mean_ref, sd_ref, n_ref, mean_group,
    sd_group, n_group); gap = mean_ref - mean_group."""
    (mr1, sr1, nr1, mg1, sg1, ng1), (mr2, sr2, nr2, mg2, sg2, ng2) = prev, cur
    se = math.sqrt(sr1**2 / nr1 + sg1**2 / ng1 + sr2**2 / nr2 + sg2**2 / ng2)
    gap1, gap2 = mr1 - mg1, mr2 - mg2
    if se == 0:
        return (0.0, 1.0) if gap1 == gap2 else (math.inf, 0.0)
    z = (gap2 - gap1) / se
    return z, normal_two_sided_p(z)


# ---------------------------------------------------------------- one step of a series

@dataclass(frozen=True)
class Measurement:
    """A city-level measurement: the published (rounded) value and the counts behind it."""

    period: str
    value: float | None
    comparison_value: float | None = None
    numerator: float | None = None          # the measured group's count / sum
    denominator: float | None = None
    reference_numerator: float | None = None
    reference_denominator: float | None = None
    group_sd: float | None = None
    reference_sd: float | None = None


@dataclass(frozen=True)
class Series:
    """What the catalog says about how to judge an indicator."""

    direction: str
    decimals: int
    computation: str
    source_kind: str
    alpha: float = 0.05


@dataclass(frozen=True)
class Judgement:
    light: str | None
    reason: str
    test: str | None = None          # the test applied, or 'published precision'
    p_value: float | None = None
    significance: str | None = None  # significant | not significant | not tested


def _fmt(x: float, decimals: int) -> str:
    return f"{x:.{decimals}f}"


def _ok(*xs) -> bool:
    return all(x is not None and not (isinstance(x, float) and math.isnan(x)) for x in xs)


def _two_proportion(prev: Measurement, cur: Measurement) -> float | None:
    if not _ok(prev.numerator, prev.denominator, cur.numerator, cur.denominator):
        return None
    return two_proportion_test(prev.numerator, prev.denominator, cur.numerator, cur.denominator)[1]


def _gap_of_proportions(prev: Measurement, cur: Measurement) -> float | None:
    a = (prev.reference_numerator, prev.reference_denominator, prev.numerator, prev.denominator)
    b = (cur.reference_numerator, cur.reference_denominator, cur.numerator, cur.denominator)
    return gap_of_proportions_test(a, b)[1] if _ok(*a, *b) else None


def _gap_of_means(prev: Measurement, cur: Measurement) -> float | None:
    if not _ok(prev.reference_numerator, prev.reference_denominator, prev.reference_sd, prev.numerator,
               prev.denominator, prev.group_sd, cur.reference_numerator, cur.reference_denominator,
               cur.reference_sd, cur.numerator, cur.denominator, cur.group_sd):
        return None
    mean = lambda s, n: s / n
    return gap_of_means_test(
        (mean(prev.reference_numerator, prev.reference_denominator), prev.reference_sd,
         prev.reference_denominator, mean(prev.numerator, prev.denominator), prev.group_sd, prev.denominator),
        (mean(cur.reference_numerator, cur.reference_denominator), cur.reference_sd,
         cur.reference_denominator, mean(cur.numerator, cur.denominator), cur.group_sd, cur.denominator))[1]


def _difference_of_means(prev: Measurement, cur: Measurement) -> float | None:
    if not _ok(prev.numerator, prev.denominator, prev.group_sd, cur.numerator, cur.denominator, cur.group_sd):
        return None
    return difference_of_means_test(prev.numerator / prev.denominator, prev.group_sd, prev.denominator,
                                    cur.numerator / cur.denominator, cur.group_sd, cur.denominator)[1]


# The code list's `test` (schemas/code_lists/computations.csv) -> its name in `test`, and its p-value
# from two measurements (None when their counts are missing).
TESTS = {
    "two_proportion": ("two-proportion z-test", _two_proportion),
    "gap_of_proportions": ("z-test on the change in the gap of proportions", _gap_of_proportions),
    "gap_of_means": ("z-test on the change in the gap of means", _gap_of_means),
    "difference_of_means": ("z-test on the change in the mean", _difference_of_means),
}


def _for(sources: str, series: Series) -> bool:
    """Whether a test meant for `sources` (survey, all, none) applies to the series' source kind."""
    return sources == "all" or (sources == "survey" and series.source_kind == "survey")


def _test(series: Series, prev: Measurement, cur: Measurement) -> tuple[str, float] | None:
    """(test name, p) where the catalog calls for a significance test and the counts allow it."""
    spec = computation(series.computation)
    if spec.test not in TESTS or not _for(spec.test_for, series):
        return None
    name, p_value = TESTS[spec.test]
    try:
        p = p_value(prev, cur)
    except (ZeroDivisionError, ValueError):
        return None
    return None if p is None else (name, p)


def _needs_test(series: Series) -> bool:
    spec = computation(series.computation)
    return spec.test in TESTS and _for(spec.test_expected_for, series)


def judge(series: Series, prev: Measurement | None, cur: Measurement, break_reason: str | None = None) -> Judgement:
    """The light for the step prev -> cur of one indicator."""
    d = series.decimals
    if not _ok(cur.value):
        return Judgement(None, "no value")
    if prev is None or not _ok(prev.value):
        return Judgement(None, "first measurement: nothing to compare with")
    if series.direction == "none":
        return Judgement(None, "context indicator without a direction")
    if break_reason:
        return Judgement(YELLOW, f"series break, not comparable with {prev.period}: {break_reason}",
                         significance="not tested")
    want = DIRECTION_WORDS[series.direction]
    if series.direction == "toward_level":
        if not _ok(prev.comparison_value, cur.comparison_value):
            return Judgement(None, "no comparison-group level to measure the distance to")
        before, after = abs(prev.value - prev.comparison_value), abs(cur.value - cur.comparison_value)
        what = f"distance to the comparison group {_fmt(before, d)} -> {_fmt(after, d)}"
        delta = half_away(after - before, d)
        better = delta < 0
    elif series.direction == "toward_zero":
        delta = half_away(abs(cur.value) - abs(prev.value), d)
        what = f"distance to zero {_fmt(abs(prev.value), d)} -> {_fmt(abs(cur.value), d)}"
        better = delta < 0
    else:
        delta = half_away(cur.value - prev.value, d)
        what = f"{_fmt(prev.value, d)} -> {_fmt(cur.value, d)}"
        better = delta > 0 if series.direction in ("must_rise", "toward_100") else delta < 0
    moved = "rose" if cur.value > prev.value else "fell" if cur.value < prev.value else "unchanged"
    size = _fmt(abs(half_away(cur.value - prev.value, d)), d)

    if delta == 0:
        return Judgement(YELLOW, f"unchanged at the published precision ({what}); {want}",
                         test="published precision", significance="not tested")
    tested = _test(series, prev, cur)
    if tested is not None:
        name, p = tested
        if p >= series.alpha:
            return Judgement(YELLOW, f"{moved} {size} ({what}), not significant, p = {p:.2g} ({name}); {want}",
                             test=name, p_value=p, significance="not significant")
        verdict = "improved" if better else "worsened"
        return Judgement(GREEN if better else RED,
                         f"{verdict}: {moved} {size} ({what}), significant, p = {p:.2g} ({name}); {want}",
                         test=name, p_value=p, significance="significant")
    note = "" if not _needs_test(series) else " (counts for a significance test missing)"
    verdict = "improved" if better else "worsened"
    return Judgement(GREEN if better else RED, f"{verdict}: {what}{note}; {want}",
                     test="published precision", significance="not tested")


# ---------------------------------------------------------------- whole histories

def series_breaks(breaks: pd.DataFrame, code: str, prev_period: str | None,
                  period: str) -> tuple[str | None, str | None]:
    """(break reason, caveat) for the step prev_period -> period of indicator `code`: a break
    applies when the step crosses its first period; a caveat applies from its first period on."""
    brk = cav = None
    for r in breaks[breaks["code"] == code].itertuples():
        if r.breaks_series and prev_period is not None and prev_period < r.from_period <= period:
            brk = f"{r.kind} change from {r.from_period}: {r.text}"
        if not r.breaks_series and r.from_period <= period:
            cav = r.text
    return brk, cav


STAT_COLUMNS = ["numerator", "denominator", "reference_numerator", "reference_denominator", "group_sd", "reference_sd"]


def _measurement(r) -> Measurement:
    get = lambda k: None if pd.isna(getattr(r, k)) else float(getattr(r, k))
    return Measurement(r.reference_period, get("value"), get("comparison_value"),
                       *[get(k) for k in STAT_COLUMNS])


def add_lights(history: pd.DataFrame, breaks: pd.DataFrame, alpha: float = 0.05) -> pd.DataFrame:
    """Add previous value, change, light and its reason, test, p-value, break and caveat to a
    city-level history (one row per indicator x period, with the catalog's columns)."""
    out = history.sort_values(["indicator", "reference_date"]).reset_index(drop=True).copy()
    new: dict[str, list] = {k: [] for k in ("previous_period", "previous_value", "change_since_previous", "light",
                                            "light_reason", "significance", "test", "p_value", "series_break",
                                            "caveat")}
    prev_row = None
    for r in out.itertuples():
        p = prev_row if prev_row is not None and prev_row.indicator == r.indicator else None
        series = Series(r.direction, int(r.decimals), r.computation, r.source_kind, alpha)
        brk, cav = series_breaks(breaks, r.indicator, p.reference_period if p else None, r.reference_period)
        j = judge(series, _measurement(p) if p is not None else None, _measurement(r), brk)
        change = half_away(r.value - p.value, int(r.decimals)) if p is not None and _ok(p.value, r.value) else None
        for k, v in (("previous_period", p.reference_period if p is not None else None),
                     ("previous_value", p.value if p is not None else None), ("change_since_previous", change),
                     ("light", j.light), ("light_reason", j.reason), ("significance", j.significance),
                     ("test", j.test), ("p_value", j.p_value), ("series_break", brk), ("caveat", cav)):
            new[k].append(v)
        prev_row = r
    floats = {"previous_value", "change_since_previous", "p_value"}
    for k, v in new.items():
        out[k] = pd.Series(v, index=out.index, dtype="float64" if k in floats else "object")
    return out
