"""Housing areas: the rule in force at each date, rule changes told apart from residents' changes,
the seed-003 decomposition and the brief's district tables, from the shipped samples."""

import pandas as pd
import pytest

from conftest import copy_raw, run_barometer

BRIEF_CONCENTRATION = {"AMV": 12.9, "AMO": 4.7, "BIS": 10.3, "BRH": 19.0, "VAN": 0.5, "VAL": 9.1, "VES": 7.1,
                       "NOR": 34.8, "OST": 1.6}
BRIEF_DECLINE = {"AMV": 6.4, "AMO": 6.1, "BIS": 8.1, "BRH": 7.1, "VAN": 9.3, "VAL": 8.2, "VES": 8.2, "NOR": 7.2,
                 "OST": 7.3, "KBH": 7.1}


def _summary(run):
    with run.public() as con:
        return con.execute("SELECT * FROM housing_summary").fetchdf().set_index("reference_period")


def test_two_listed_under_the_old_rule_six_under_the_new(sample_run):
    s = _summary(sample_run)
    assert s.loc["2009-12", "rule_set"] == "ministry-2004" and s.loc["2009-12", "vulnerable_areas"] == 2
    assert s.loc["2010-01", "rule_set"] == "ministry-2010" and s.loc["2010-01", "vulnerable_areas"] == 6
    assert sorted(s.loc["2009-12", "vulnerable_area_names"]) == ["Mjølnerparken", "Tingbjerg/Utterslevhuse"]
    assert s.loc["2010-01", "moved_by_rule_change"] == 4 and s.loc["2010-01", "new_vulnerable_areas"] == 0
    assert (s.loc["2006-12", "vulnerable_areas"], s.loc["2008-03", "vulnerable_areas"]) == (5, 4)


def test_the_four_added_areas_moved_because_the_rule_changed(sample_run):
    with sample_run.public() as con:
        moved = con.execute(
            """SELECT area_name, change_reason, new_vulnerable FROM housing_areas
               WHERE reference_period = '2010-01' AND rule_in_force AND change_reason IS NOT NULL ORDER BY 1"""
        ).fetchall()
        # under the old rule, in January 2010, they would not be listed: only the rule moved them
        old_rule = con.execute(
            """SELECT count(*) FROM housing_areas WHERE reference_period = '2010-01' AND rule_set = 'ministry-2004'
               AND on_ministry_list""").fetchone()[0]
    assert [m[0] for m in moved] == ["Akacieparken", "Aldersrogade/Vognvænget", "Bispeparken", "Lundtoftegade"]
    assert all(reason == "rule change" and not new for _, reason, new in moved)
    assert old_rule == 2


def test_decomposition_reproduces_seed_003(sample_run):
    with sample_run.public() as con:
        d = con.execute("SELECT * FROM housing_decomposition WHERE period_from = '2006-12' AND period_to = '2008-12'"
                        ).fetchdf().set_index("area_type")
    expected = {"Tingbjerg m.fl.": (-69, -155, -224, -5.9), "other vulnerable": (-40, -301, -341, -8.3),
                "high-risk": (-283, -751, -1034, -7.2), "risk": (166, -1005, -839, -2.8),
                "neutral": (290, -630, -340, -2.0), "all": (64, -2842, -2778, -3.9)}
    for t, (net, kept, total, pp) in expected.items():
        r = d.loc[t]
        assert (r.net_moving, r.not_emptied, r.total_change, r.share_change_pp) == (net, kept, total, pp), t
    assert (d.loc["all", "share_from"], d.loc["all", "share_to"]) == (33.2, 29.3)


def test_district_concentration_and_decline_tables(sample_run):
    with sample_run.public() as con:
        dec08 = dict(con.execute("SELECT district, share_of_city FROM housing_district_shares "
                                 "WHERE reference_period = '2008-12' AND share_of_city IS NOT NULL").fetchall())
        both = con.execute(
            """SELECT a.district, round(a.share_outside - b.share_outside, 1)
               FROM housing_district_shares a JOIN housing_district_shares b USING (district)
               WHERE a.reference_period = '2007-06' AND b.reference_period = '2008-12'
                 AND a.share_outside IS NOT NULL""").fetchall()
    assert {k: v for k, v in dec08.items() if k != "KBH"} == BRIEF_CONCENTRATION
    assert sum(BRIEF_CONCENTRATION.values()) == pytest.approx(100)
    assert dict(both) == pytest.approx(BRIEF_DECLINE, abs=0.1)


def test_a_change_by_the_residents_is_a_new_vulnerable_area(tmp_path):
    """Raise one neutral area's share above 50 % between two dates: new, because of its residents."""
    raw = copy_raw(tmp_path / "raw", ["2008-05", "2009-05"])
    f = raw / "2009-05" / "TMF_2009-05_areas.csv"
    df = pd.read_csv(f, dtype=str, keep_default_na=False)
    big = df[(df.reference_period == "2009-03") & (df.section == "")].copy()
    big["residents"] = big["residents"].astype(int)
    target = big.sort_values("residents").iloc[-1]  # a large unsectioned area, so the size criterion holds
    row = (df.area_id == target.area_id) & (df.reference_period == "2009-03")
    df.loc[row, "outside_labour_market"] = str(int(int(df.loc[row, "residents_18_64"].iloc[0]) * 0.6))
    df.to_csv(f, index=False)
    run = run_barometer(raw, tmp_path / "wh")
    with run.public() as con:
        new = con.execute("SELECT area_id, change_reason FROM housing_areas WHERE new_vulnerable").fetchall()
    assert new == [(target.area_id, "residents")]
