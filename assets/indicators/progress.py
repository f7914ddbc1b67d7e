"""Progress toward the target: how much of the distance from baseline to target is covered, the
pace observed since the baseline against the pace needed from now to the target date, and an
assessment (on track / at risk / off track / target met / no target / not assessable).

The thresholds follow Open SDG's progress calculation for quantitative targets (sdg-build,
after Eurostat's SDG monitoring and Statistics Canada): a ratio of observed to required pace of
at least 0.95 is on track, 0.6 to 0.95 needs acceleration (here: at risk), below 0.6 (or
moving away) off track. Unlike Open SDG we use linear paces (units per year), not compound
growth rates: our indicators are shares, gaps and counts whose targets include zero, where a
compound rate is undefined. See docs/lights.md."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

ON_TRACK, AT_RISK, OFF_TRACK = "on track", "at risk", "off track"
TARGET_MET, NO_TARGET, NOT_ASSESSABLE = "target met", "no target", "not assessable"
HIGH, MEDIUM = 0.95, 0.6


@dataclass(frozen=True)
class Progress:
    progress_share: float | None   # 0 = at baseline, 1 = target reached
    pace_observed: float | None    # change per year since the baseline, in the desired direction
    pace_needed: float | None      # change per year still needed to reach the target in time
    pace_ratio: float | None
    assessment: str
    reason: str


def goodness(direction: str, x: float, level: float | None = None) -> float | None:
    """Map a value to a scale on which larger is better for the indicator's direction."""
    if direction in ("must_rise", "toward_100"):
        return x
    if direction in ("must_fall", "must_not_rise"):
        return -x
    if direction == "toward_zero":
        return -abs(x)
    if direction == "toward_level" and level is not None:
        return -abs(x - level)
    return None


def _years(a: dt.date, b: dt.date) -> float:
    return (b - a).days / 365.25


def _nan(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def assess(direction: str, baseline_value: float | None, baseline_date: dt.date | None, value: float | None,
           date: dt.date | None, target_value: float | None, target_date: dt.date | None) -> Progress:
    if _nan(target_value) or target_date is None or direction in ("none", "toward_level"):
        return Progress(None, None, None, None, NO_TARGET, "no numeric target: judged by the light only")
    if _nan(value) or date is None:
        return Progress(None, None, None, None, NOT_ASSESSABLE, "no measurement")
    g_v, g_t = goodness(direction, value), goodness(direction, target_value)
    if g_v >= g_t:
        return Progress(1.0, None, None, None, TARGET_MET, f"{value:g} has reached the target {target_value:g}")
    if _nan(baseline_value) or baseline_date is None:
        return Progress(None, None, None, None, NOT_ASSESSABLE, "no baseline measurement")
    g_b = goodness(direction, baseline_value)
    share = (g_v - g_b) / (g_t - g_b) if g_t != g_b else None
    if date >= target_date:
        return Progress(share, None, None, None, OFF_TRACK,
                        f"target date {target_date} passed without reaching {target_value:g}")
    elapsed = _years(baseline_date, date)
    if elapsed <= 0:
        return Progress(share, None, None, None, NOT_ASSESSABLE, "only the baseline measurement so far")
    observed = (g_v - g_b) / elapsed
    needed = (g_t - g_v) / _years(date, target_date)
    ratio = observed / needed
    if ratio >= HIGH:
        verdict = ON_TRACK
    elif ratio >= MEDIUM:
        verdict = AT_RISK
    else:
        verdict = OFF_TRACK
    way = "moving away from the target" if observed < 0 else f"{ratio:.2f} x the pace needed"
    reason = (f"{observed:+.3g}/year observed since the baseline vs {needed:.3g}/year needed until "
              f"{target_date:%Y-%m}: {way}")
    return Progress(share, observed, needed, ratio, verdict, reason)
