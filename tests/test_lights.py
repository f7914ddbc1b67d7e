"""The light engine: statistics pinned against scipy, every direction, breaks, ties, single
measurements; and the May 2009 lights of the 2009 report on the sample data."""

import math

import numpy as np
import pytest
from scipy import stats

from assets.indicators.lights import (
    GREEN,
    RED,
    YELLOW,
    Measurement,
    Series,
    difference_of_means_test,
    gap_of_means_test,
    gap_of_proportions_test,
    judge,
    two_proportion_test,
)

# ---------------------------------------------------------------- statistics vs scipy


@pytest.mark.parametrize("x1,n1,x2,n2", [(248, 800, 256, 800), (648, 800, 688, 800), (216, 800, 176, 800),
                                         (5, 40, 15, 45), (500, 1000, 500, 1000)])
def test_two_proportion_test_equals_chi_square_without_correction(x1, n1, x2, n2):
    _, p = two_proportion_test(x1, n1, x2, n2)
    chi2, p_scipy, _, _ = stats.chi2_contingency([[x1, n1 - x1], [x2, n2 - x2]], correction=False)
    assert p == pytest.approx(p_scipy, rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("m1,s1,n1,m2,s2,n2", [(25.1, 9.0, 4000, 23.3, 9.5, 3900), (5.8, 2.6, 900, 5.9, 2.7, 950)])
def test_difference_of_means_matches_welch_for_large_samples(m1, s1, n1, m2, s2, n2):
    _, p = difference_of_means_test(m1, s1, n1, m2, s2, n2)
    p_welch = stats.ttest_ind_from_stats(m2, s2, n2, m1, s1, n1, equal_var=False).pvalue
    assert p == pytest.approx(p_welch, abs=2e-3)


def test_gap_of_means_test_against_an_independent_computation():
    prev = (6.45, 2.6, 2600, 5.82, 2.7, 900)   # 2007: gap 0.63
    cur = (6.36, 2.62, 2640, 5.78, 2.7, 930)   # 2008: gap 0.58
    z, p = gap_of_means_test(prev, cur)
    var = sum(np.square([prev[1], prev[4], cur[1], cur[4]]) / np.array([prev[2], prev[5], cur[2], cur[5]]))
    z_ref = ((cur[0] - cur[3]) - (prev[0] - prev[3])) / math.sqrt(var)
    assert z == pytest.approx(z_ref)
    assert p == pytest.approx(2 * stats.norm.sf(abs(z_ref)))
    assert p > 0.05  # "0.63 -> 0.58 not significant"


def test_gap_of_proportions_test_against_an_independent_computation():
    prev, cur = (765, 1500, 352, 800), (750, 1500, 360, 800)
    z, p = gap_of_proportions_test(prev, cur)
    def v(x, n): return (x / n) * (1 - x / n) / n
    se = math.sqrt(v(765, 1500) + v(352, 800) + v(750, 1500) + v(360, 800))
    z_ref = ((750 / 1500 - 360 / 800) - (765 / 1500 - 352 / 800)) / se
    assert z == pytest.approx(z_ref) and p == pytest.approx(2 * stats.norm.sf(abs(z_ref)))


def test_gap_of_proportions_test_holds_its_size_under_the_null():
    """Independent of the formula: when nothing changed, the test must reject about 5 % of the time."""
    rng = np.random.default_rng(20090501)
    n_ref, n_grp, p_ref, p_grp, sims = 1500, 800, 0.5, 0.44, 4000
    draws = rng.binomial([n_ref, n_grp, n_ref, n_grp], [p_ref, p_grp, p_ref, p_grp], size=(sims, 4))
    rejected = np.mean([gap_of_proportions_test((a, n_ref, b, n_grp), (c, n_ref, d, n_grp))[1] < 0.05
                        for a, b, c, d in draws])
    assert 0.04 <= rejected <= 0.06


def test_gap_of_means_test_holds_its_size_under_the_null():
    rng = np.random.default_rng(20090502)
    sims, n_ref, n_grp = 3000, 2600, 900
    rejected = 0
    for _ in range(sims):
        a, b = rng.normal(6.4, 2.6, n_ref), rng.normal(5.8, 2.7, n_grp)
        c, d = rng.normal(6.4, 2.6, n_ref), rng.normal(5.8, 2.7, n_grp)
        _, p = gap_of_means_test((a.mean(), a.std(ddof=1), n_ref, b.mean(), b.std(ddof=1), n_grp),
                                 (c.mean(), c.std(ddof=1), n_ref, d.mean(), d.std(ddof=1), n_grp))
        rejected += p < 0.05
    assert 0.04 <= rejected / sims <= 0.06


# ---------------------------------------------------------------- the rule, direction by direction

REG = dict(decimals=1, computation="rate", source_kind="register")


def m(period, value, **kw):
    return Measurement(period, value, **kw)


@pytest.mark.parametrize("direction,prev,cur,light", [
    ("must_rise", 59.9, 62.3, GREEN), ("must_rise", 72.1, 70.7, RED), ("must_rise", 45.0, 45.0, YELLOW),
    ("toward_100", 42.9, 48.2, GREEN), ("toward_100", 48.2, 42.9, RED),
    ("must_fall", 42.6, 41.8, GREEN), ("must_fall", 2.2, 2.5, RED),
    ("must_not_rise", 39.5, 38.2, GREEN), ("must_not_rise", 38.2, 39.5, RED), ("must_not_rise", 38.2, 38.2, YELLOW),
    ("toward_zero", 14.3, 10.7, GREEN), ("toward_zero", 11.0, 13.0, RED), ("toward_zero", -3.0, 2.0, GREEN),
    ("toward_zero", 2.0, -3.0, RED),
])
def test_register_directions(direction, prev, cur, light):
    j = judge(Series(direction, **REG), m("a", prev), m("b", cur))
    assert j.light == light
    assert j.test == "published precision"
    verdict = {GREEN: "improved", RED: "worsened", YELLOW: "unchanged at the published precision"}[light]
    assert verdict in j.reason


def test_change_below_published_precision_is_yellow():
    j = judge(Series("must_rise", **REG), m("a", 62.3), m("b", 62.3))
    assert j.light == YELLOW and "unchanged at the published precision" in j.reason


def test_toward_level_judges_the_distance_to_the_comparison_group():
    s = Series("toward_level", **REG)
    assert judge(s, m("2006", 9.4, comparison_value=5.2), m("2007", 6.8, comparison_value=4.6)).light == GREEN
    assert judge(s, m("2006", 6.8, comparison_value=4.6), m("2007", 6.8, comparison_value=3.0)).light == RED
    assert judge(s, m("2006", 9.4), m("2007", 6.8)).light is None  # no level to compare with


def test_no_direction_and_single_measurement_give_no_light():
    assert judge(Series("none", **REG), m("a", 1.0), m("b", 2.0)).light is None
    j = judge(Series("must_rise", **REG), None, m("b", 2.0))
    assert j.light is None and "first measurement" in j.reason


def test_series_break_is_yellow_with_its_reason():
    j = judge(Series("must_rise", **REG), m("2007", 49.0), m("2008", 52.0), break_reason="method change from 2008")
    assert j.light == YELLOW and "method change" in j.reason and j.significance == "not tested"


def test_survey_proportion_not_significant_is_yellow_with_p_value():
    s = Series("must_fall", decimals=1, computation="rate", source_kind="survey")
    prev = m("2008-03", 31.0, numerator=248, denominator=800)
    cur = m("2009-03", 32.0, numerator=256, denominator=800)
    j = judge(s, prev, cur)
    assert j.light == YELLOW and j.significance == "not significant"
    assert j.p_value == pytest.approx(stats.chi2_contingency([[248, 552], [256, 544]], correction=False)[1])
    assert "not significant, p = 0.67" in j.reason


def test_survey_proportion_significant_rise_is_green():
    s = Series("must_rise", decimals=1, computation="rate", source_kind="survey")
    j = judge(s, m("2008-03", 81.0, numerator=648, denominator=800), m("2009-03", 86.0, numerator=688, denominator=800))
    assert j.light == GREEN and j.significance == "significant" and j.p_value < 0.05


def test_gap_of_means_not_significant_is_yellow():
    s = Series("toward_zero", decimals=2, computation="gap_mean", source_kind="register")
    prev = m("2007", 0.63, numerator=5.82 * 900, denominator=900, group_sd=2.7,
             reference_numerator=6.45 * 2600, reference_denominator=2600, reference_sd=2.6)
    cur = m("2008", 0.58, numerator=5.78 * 930, denominator=930, group_sd=2.7,
            reference_numerator=6.36 * 2640, reference_denominator=2640, reference_sd=2.62)
    j = judge(s, prev, cur)
    assert j.light == YELLOW and "fell 0.05" in j.reason and "not significant" in j.reason


def test_survey_proportion_significant_worsening_is_red():
    s = Series("must_rise", decimals=1, computation="rate", source_kind="survey")
    j = judge(s, m("2008-03", 86.0, numerator=688, denominator=800), m("2009-03", 81.0, numerator=648, denominator=800))
    assert j.light == RED and j.significance == "significant" and j.reason.startswith("worsened")


def test_survey_mean_uses_the_mean_test():
    s = Series("must_rise", decimals=1, computation="mean", source_kind="survey")
    prev = m("2007", 5.8, numerator=5.8 * 900, denominator=900, group_sd=2.6)
    small = m("2008", 5.9, numerator=5.9 * 950, denominator=950, group_sd=2.7)
    big = m("2008", 6.4, numerator=6.4 * 950, denominator=950, group_sd=2.7)
    j = judge(s, prev, small)
    p_welch = stats.ttest_ind_from_stats(5.9, 2.7, 950, 5.8, 2.6, 900, equal_var=False).pvalue
    assert j.test == "z-test on the change in the mean" and j.light == YELLOW
    assert j.p_value == pytest.approx(p_welch, abs=2e-3)
    assert judge(s, prev, big).light == GREEN


def test_toward_zero_tie_across_zero_is_yellow():
    # a gap of -2.0 that becomes +2.0 is no closer to zero
    j = judge(Series("toward_zero", **REG), m("a", -2.0), m("b", 2.0))
    assert j.light == YELLOW and "distance to zero 2.0 -> 2.0" in j.reason


def test_series_breaks_apply_across_their_period_and_caveats_from_it():
    import pandas as pd

    from assets.indicators.lights import series_breaks

    breaks = pd.DataFrame([
        {"code": "CUL-2", "from_period": "2008", "kind": "method", "breaks_series": True, "text": "new data source"},
        {"code": "EDU-M", "from_period": "2007", "kind": "scale", "breaks_series": False, "text": "12-scale"},
    ])
    assert series_breaks(breaks, "CUL-2", "2007", "2008") == ("method change from 2008: new data source", None)
    assert series_breaks(breaks, "CUL-2", "2008", "2009") == (None, None)  # both after the break
    assert series_breaks(breaks, "CUL-2", None, "2008") == (None, None)  # first measurement
    assert series_breaks(breaks, "EDU-M", "2006", "2008") == (None, "12-scale")  # a caveat never breaks
    assert series_breaks(breaks, "EDU-M", None, "2006") == (None, None)
    assert series_breaks(breaks, "EMP-M", "2007", "2008") == (None, None)


def test_missing_counts_for_a_required_test_fall_back_and_say_so():
    s = Series("must_rise", decimals=1, computation="rate", source_kind="survey")
    j = judge(s, m("a", 81.0), m("b", 86.0))
    assert j.light == GREEN and "counts for a significance test missing" in j.reason


# ---------------------------------------------------------------- the 2009 report, May 2009 round

MAY_2009 = {"EMP-M": "green", "HOU-M2": "green", "SAF-M": "green", "EDU-M": "yellow", "EDU-A": "red",
            "EDU-C": "yellow", "SAF-2": "red", "SAF-3": "green", "SAF-4": "yellow", "HEA-1": "yellow",
            "HEA-2": "green", "CUL-1": "yellow", "CUL-2": "yellow"}


def test_may_2009_lights_match_the_report(sample_run):
    with sample_run.public() as con:
        got = dict(con.execute("SELECT indicator, light FROM barometer_latest").fetchall())
        reasons = dict(con.execute("SELECT indicator, light_reason FROM barometer_latest").fetchall())
    assert {k: got[k] for k in MAY_2009} == MAY_2009
    assert "not significant" in reasons["EDU-M"] and "not significant" in reasons["HEA-1"]
    assert "significant" in reasons["HEA-2"] and "not significant" not in reasons["HEA-2"]
    assert "new data source" in reasons["CUL-1"] and "new data source" in reasons["CUL-2"]


def test_may_2009_area_summary_reads_as_the_report(sample_run):
    with sample_run.public() as con:
        areas = dict(con.execute("SELECT area, reading FROM area_summary WHERE round = '2009-05'").fetchall())
        sentence = con.execute("SELECT reading FROM round_summary WHERE round = '2009-05'").fetchone()[0]
    areas = {k: v for k, v in areas.items() if v != "no measurement yet"}
    assert areas == {"employment": "progress", "housing": "progress", "safety": "progress",
                     "education": "standstill", "culture_leisure": "standstill", "health_care": "standstill"}
    assert sentence.startswith("Progress in 3 (employment, housing, safety); standstill in 3")


def test_caveat_carried_without_changing_the_light(sample_run):
    with sample_run.public() as con:
        light, caveat = con.execute(
            "SELECT light, caveat FROM barometer_history WHERE indicator = 'EDU-M' AND reference_period = '2008'"
        ).fetchone()
    assert light == "yellow" and "12-scale" in caveat


def test_area_light_rules():
    from assets.indicators.areas import area_light

    assert area_light(["green", "green", "red"]) == "green"
    assert area_light(["green", "red"]) == "yellow"  # a tie is a standstill
    assert area_light([None, None]) is None  # only first measurements: nothing compared yet
    assert area_light(["red", None]) == "red"


def test_a_baseline_round_is_not_a_standstill(sample_run):
    with sample_run.public() as con:
        first = con.execute("SELECT min(round) FROM area_summary").fetchone()[0]
        rows = con.execute("SELECT light, reading, basis_lights FROM area_summary WHERE round = ? AND indicators > 0",
                           [first]).fetchall()
    assert rows
    for light, reading, basis in rows:
        if all(part.endswith("=None") for part in basis.split(", ")):
            assert (light, reading) == (None, "no comparison yet")
        else:
            assert light is not None
    assert any(r[1] == "no comparison yet" for r in rows)
