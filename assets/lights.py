"""Traffic lights: green = positive development since the previous measurement, yellow = no
development, red = negative development (the 2009 report's definition).

This version judges the change at the indicator's published precision, in the direction the
catalog gives, and turns a comparison across a declared series break yellow. Significance tests
for survey and mean-based indicators are the indicator engine's next step (docs/lights.md)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

GREEN, YELLOW, RED = "green", "yellow", "red"

DIRECTION_WORDS = {
    "must_rise": "must rise", "must_fall": "must fall", "must_not_rise": "must not rise",
    "toward_zero": "must go toward zero", "toward_100": "must go toward 100",
    "toward_level": "must go toward the comparison group's level", "none": "no direction",
}


@dataclass(frozen=True)
class Judgement:
    light: str | None
    reason: str


def _fmt(x: float, decimals: int) -> str:
    return f"{x:.{decimals}f}"


def judge(
    direction: str, decimals: int, previous: float | None, current: float | None,
    previous_ref: float | None = None, current_ref: float | None = None, break_reason: str | None = None,
) -> Judgement:
    """The light for one step of a series; values are the published (rounded) figures."""
    if current is None or pd.isna(current):
        return Judgement(None, "no value")
    if previous is None or pd.isna(previous):
        return Judgement(None, "first measurement: nothing to compare with")
    if direction == "none":
        return Judgement(None, "context indicator without a direction")
    if break_reason:
        return Judgement(YELLOW, f"series break, not comparable with the previous measurement: {break_reason}")
    want = DIRECTION_WORDS[direction]
    if direction == "toward_level":
        if previous_ref is None or current_ref is None or pd.isna(previous_ref) or pd.isna(current_ref):
            return Judgement(None, "no comparison-group level to measure the distance to")
        before, after = abs(previous - previous_ref), abs(current - current_ref)
        delta = round(after - before, decimals)
        what = f"distance to the comparison group {_fmt(before, decimals)} -> {_fmt(after, decimals)}"
        better = delta < 0
    elif direction == "toward_zero":
        delta = round(abs(current) - abs(previous), decimals)
        what = f"distance to zero {_fmt(abs(previous), decimals)} -> {_fmt(abs(current), decimals)}"
        better = delta < 0
    else:
        delta = round(current - previous, decimals)
        what = f"{_fmt(previous, decimals)} -> {_fmt(current, decimals)}"
        better = delta > 0 if direction in ("must_rise", "toward_100") else delta < 0
    if delta == 0:
        return Judgement(YELLOW, f"unchanged at the published precision ({what}); {want}")
    verb = "improved" if better else "worsened"
    return Judgement(GREEN if better else RED, f"{verb}: {what}; {want}")


def series_breaks(breaks: pd.DataFrame, code: str, prev_period: str, period: str) -> tuple[str | None, str | None]:
    """(break reason, caveat) for the step prev_period -> period of indicator `code`: a break
    applies when the step crosses its first period; a caveat applies from its first period on."""
    rows = breaks[breaks["code"] == code]
    brk = cav = None
    for r in rows.itertuples():
        if r.breaks_series and prev_period < r.from_period <= period:
            brk = f"{r.kind} change from {r.from_period}: {r.text}"
        if not r.breaks_series and r.from_period <= period:
            cav = r.text
    return brk, cav


def add_lights(history: pd.DataFrame, breaks: pd.DataFrame) -> pd.DataFrame:
    """Add previous value, change, light, reason, break and caveat to a city-level history sorted by
    indicator and date (one row per indicator x reference period)."""
    out = history.sort_values(["indicator", "reference_date"]).reset_index(drop=True).copy()
    cols = {k: [] for k in ("previous_period", "previous_value", "change_since_previous", "light",
                            "light_reason", "series_break", "caveat")}
    prev = None
    for r in out.itertuples():
        p = prev if prev is not None and prev.indicator == r.indicator else None
        brk, cav = series_breaks(breaks, r.indicator, p.reference_period if p else "", r.reference_period)
        j = judge(r.direction, int(r.decimals), p.value if p else None, r.value,
                  p.comparison_value if p else None, r.comparison_value, brk)
        cols["previous_period"].append(p.reference_period if p else None)
        cols["previous_value"].append(p.value if p else None)
        change = None
        if p is not None and pd.notna(p.value) and pd.notna(r.value):
            change = round(r.value - p.value, int(r.decimals))
        cols["change_since_previous"].append(change)
        cols["light"].append(j.light)
        cols["light_reason"].append(j.reason)
        cols["series_break"].append(brk)
        cols["caveat"].append(cav)
        prev = r
    for k, v in cols.items():
        out[k] = pd.Series(v, index=out.index, dtype="object" if k not in ("previous_value", "change_since_previous") else "float64")
    return out
