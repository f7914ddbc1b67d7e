"""Progress toward targets: every assessment category, and the sample's EMP-M."""

import datetime as dt

import pytest

from assets.indicators.progress import AT_RISK, NO_TARGET, NOT_ASSESSABLE, OFF_TRACK, ON_TRACK, TARGET_MET, assess

B, NOW, T = dt.date(2006, 11, 1), dt.date(2009, 2, 1), dt.date(2010, 12, 31)


def test_on_track_emp_m():
    p = assess("must_rise", 54.8, B, 62.3, NOW, 64.8, T)
    assert p.assessment == ON_TRACK
    assert p.progress_share == pytest.approx(0.75)
    assert p.pace_observed == pytest.approx(7.5 / ((NOW - B).days / 365.25))
    assert p.pace_needed == pytest.approx(2.5 / ((T - NOW).days / 365.25))


def test_at_risk_and_off_track_thresholds():
    years_done, years_left = (NOW - B).days / 365.25, (T - NOW).days / 365.25
    # observed pace exactly 0.8 x and 0.5 x the needed pace
    for ratio, expected in ((0.8, AT_RISK), (0.5, OFF_TRACK), (0.96, ON_TRACK)):
        gained = 1.0
        needed_total = gained / years_done / ratio * years_left
        p = assess("must_rise", 50.0, B, 50.0 + gained, NOW, 50.0 + gained + needed_total, T)
        assert p.pace_ratio == pytest.approx(ratio) and p.assessment == expected


def test_moving_away_is_off_track():
    p = assess("toward_zero", 0.47, dt.date(2006, 1, 1), 0.58, dt.date(2008, 1, 1), 0.23, T)
    assert p.assessment == OFF_TRACK and p.pace_observed < 0 and "moving away" in p.reason


def test_target_met_in_each_direction():
    assert assess("must_fall", 50, B, 39.9, NOW, 40.0, T).assessment == TARGET_MET
    assert assess("must_rise", 50, B, 65.0, NOW, 64.8, T).assessment == TARGET_MET
    assert assess("toward_zero", 5, B, -0.1, NOW, 0.2, T).assessment == TARGET_MET


def test_no_numeric_target_and_not_assessable():
    assert assess("must_rise", 50, B, 60, NOW, None, None).assessment == NO_TARGET
    assert assess("none", 50, B, 60, NOW, 70, T).assessment == NO_TARGET
    assert assess("must_rise", 60, NOW, 60, NOW, 70, T).assessment == NOT_ASSESSABLE


def test_target_date_passed():
    p = assess("must_rise", 50, B, 55, dt.date(2011, 3, 1), 60, T)
    assert p.assessment == OFF_TRACK and "passed" in p.reason


def test_the_other_directions():
    # toward 100: like must_rise, met at or above the target
    assert assess("toward_100", 42.9, B, 48.2, NOW, 50.0, T).assessment == ON_TRACK
    assert assess("toward_100", 42.9, B, 50.5, NOW, 50.0, T).assessment == TARGET_MET
    # must not rise: a target at or below the baseline; holding it is met, rising is moving away
    assert assess("must_not_rise", 38.2, B, 38.0, NOW, 38.2, T).assessment == TARGET_MET
    p = assess("must_not_rise", 38.2, B, 40.0, NOW, 36.0, T)
    assert p.assessment == OFF_TRACK and p.pace_observed < 0
    # toward a level: judged by the light (the distance to another group), no numeric progress
    assert assess("toward_level", 9.4, B, 6.8, NOW, 5.0, T).assessment == NO_TARGET
