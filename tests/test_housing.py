"""Housing areas: the rule in force at each date, rule changes told apart from residents' changes,
the seed-003 decomposition and the brief's district tables, from the shipped samples."""

import pandas as pd
import pytest
from conftest import copy_raw, run_barometer

from core.disclosure import WITHHELD, load_rules

RULES = load_rules()  # catalog/disclosure.yaml: the small areas below are small under these rules

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


SMALL_AREAS = """\
TMF,2010-05,XTINY,X tiny,,VAL,,2010-01,30,15,3,10,,
TMF,2010-05,XSEC,X small section,,VAL,Small,2010-01,20,10,8,5,,
TMF,2010-05,XSEC,X small section,,VAL,Big,2010-01,800,500,100,300,,
TMF,2010-05,XLONE,X lone high-risk,,VAL,,2009-09,30,15,7,10,,
TMF,2010-05,XHIGH,X small high-risk,,VAL,,2010-01,30,15,7,10,,
TMF,2010-05,XOLD,X before any rule set,,VAL,,2003-12,40,25,2,10,,
TMF,2010-05,XEARLY,X a stray early row,,VAL,,2005-12,900,600,200,300,,
TMF,2010-05,XNEW,X first reported,,VAL,,2010-01,1500,1000,450,500,,
"""


@pytest.fixture(scope="module")
def small_areas_run(tmp_path_factory):
    """The sample's housing rounds plus small areas and sections, a month with one high-risk area
    only, and a large area first reported when it is already above the list's threshold."""
    tmp = tmp_path_factory.mktemp("small_areas")
    raw = copy_raw(tmp / "raw", ["2008-11", "2009-05", "2010-05"])
    with open(raw / "2010-05" / "TMF_2010-05_areas.csv", "a", encoding="utf-8") as f:
        f.write(SMALL_AREAS)
    return run_barometer(raw, tmp / "wh")


def _assert_small(persons_18_64: int) -> None:
    """The test's small areas and groups must be small under the rules in force: otherwise (were
    the thresholds lowered) the test would pass without testing anything."""
    assert persons_18_64 < RULES.min_denominator, "the fixture is no longer small under catalog/disclosure.yaml"


def test_small_areas_and_sections_expose_no_share(small_areas_run):
    with small_areas_run.public() as con:
        rows = {r[0]: r[1:] for r in con.execute(
            """SELECT area_id, outside_labour_market, share_outside, max_section_share, area_type, suppressed,
                      suppression_reason
               FROM housing_areas WHERE reference_period = '2010-01' AND rule_in_force
                 AND area_id IN ('XTINY', 'XSEC')""").fetchall()}
    # 15 aged 18-64: no count, no share (not even as the highest section's), not even the type's band
    _assert_small(15)
    assert rows["XTINY"][:5] == (None, None, None, None, True)
    assert f"fewer than {RULES.min_denominator}" in rows["XTINY"][5]
    # a 10-person section: the area's pooled share (108 of 510) is published, its section's 80 % is not
    _assert_small(10)
    assert rows["XSEC"][1] == round(100 * 108 / 510, 1) and rows["XSEC"][2] is None
    assert "section is too small" in rows["XSEC"][5]


def test_a_pooled_share_never_gives_a_suppressed_area_away(small_areas_run):
    """housing_summary publishes the vulnerable and high-risk areas' pooled shares and housing_areas
    every area's residents aged 18-64: within each month and type, the suppressed areas must be
    two or more holding at least min_count persons, else the pooled share is withheld."""
    with small_areas_run.internal() as con:
        counts = con.execute(
            """SELECT area_id, reference_period, area_type, outside_labour_market FROM housing_area_classes
               WHERE rule_in_force AND area_type IN ('vulnerable', 'high_risk')""").fetchdf()
    with small_areas_run.public() as con:
        pub = con.execute("SELECT area_id, reference_period, suppressed FROM housing_areas WHERE rule_in_force"
                          ).fetchdf()
        summary = con.execute("SELECT * FROM housing_summary").fetchdf().set_index("reference_period")
    cells = counts.merge(pub, on=["area_id", "reference_period"])
    for (period, area_type), g in cells.groupby(["reference_period", "area_type"]):
        hidden = g[g.suppressed]
        pooled = summary.loc[period, f"share_outside_{area_type}"]
        if len(hidden) and pd.notna(pooled):
            assert len(hidden) >= 2 and hidden.outside_labour_market.sum() >= RULES.min_count, (period, area_type)
    # the lone high-risk area of 2009-09 (7 of 15) is protected by withholding its type's pooled share
    _assert_small(15)
    # its type is withheld (15 aged 18-64) and counted apart, so the type counts do not give it back
    assert (summary.loc["2009-09", "high_risk_areas"], summary.loc["2009-09", "type_withheld_areas"]) == (0, 1)
    assert pd.isna(summary.loc["2009-09", "share_outside_high_risk"])
    assert "withheld" in summary.loc["2009-09", "suppression_reason"]
    assert pd.notna(summary.loc["2010-01", "share_outside_vulnerable"])
    # among 2010-01's high-risk areas the small one (7 of 15) hides behind a second suppressed area
    partner = pub[(pub.reference_period == "2010-01") & pub.suppressed & (pub.area_id != "XHIGH")
                  ].merge(counts, on=["area_id", "reference_period"])
    assert (partner.area_type == "high_risk").sum() >= 1
    assert pd.notna(summary.loc["2010-01", "share_outside_high_risk"])


def test_an_area_first_reported_on_the_list_is_a_new_vulnerable_area(small_areas_run):
    with small_areas_run.public() as con:
        row = con.execute("""SELECT on_ministry_list, change_reason, new_vulnerable FROM housing_areas
                             WHERE area_id = 'XNEW' AND rule_in_force""").fetchone()
        s = con.execute("""SELECT vulnerable_areas, listed_by_rule_change, new_vulnerable_areas,
                                  first_reported_listed, new_vulnerable_area_names
                           FROM housing_summary WHERE reference_period = '2010-01'""").fetchone()
        baseline = con.execute("""SELECT count(*) FROM housing_areas WHERE change_reason IS NOT NULL
                                  AND reference_date = (SELECT min(reference_date) FROM housing_areas)""").fetchone()
    assert row == (True, "first reported", True)
    # every listed area is accounted for: the 2 listed before, 4 by the rule, 1 first reported
    assert s == (7, 4, 1, 1, ["X first reported"])
    assert baseline == (0,)  # the first month of all: no area is "first reported"
    # nor at the first full month after a stray early row: only XNEW is new
    with small_areas_run.public() as con:
        first = con.execute("SELECT list(DISTINCT area_id) FROM housing_areas "
                            "WHERE change_reason = 'first reported'").fetchone()[0]
    assert first == ["XNEW"]


def test_a_month_no_rule_set_covers_is_still_protected(small_areas_run):
    with small_areas_run.public() as con:
        row = con.execute("SELECT outside_labour_market, share_outside, suppressed FROM housing_areas "
                          "WHERE area_id = 'XOLD'").fetchall()
    assert row and all(r == (None, None, True) for r in row)


def test_decomposition_withholds_a_small_group_and_its_partner(tmp_path):
    """Between two new dates: Tingbjerg (a vulnerable area) and dwellings of an area with no area
    row (type 'unclassified') holding 12 persons aged 18-64. The small group is withheld, and so is
    the only other group, since the groups add up to 'all'."""
    raw = copy_raw(tmp_path / "raw", ["2008-11", "2009-05"])
    with open(raw / "2009-05" / "TMF_2009-05_dwellings.csv", "a", encoding="utf-8") as f:
        f.write("TMF,2009-05,TINGBJERG,2008-12,2009-03,kept,100,90,80,300,290\n")
        f.write("TMF,2009-05,XGHOST,2008-12,2009-03,kept,6,3,4,12,12\n")
    _assert_small(12)
    run = run_barometer(raw, tmp_path / "wh")
    with run.public() as con:
        d = con.execute("SELECT * FROM housing_decomposition WHERE period_from = '2008-12' AND period_to = '2009-03'"
                        ).fetchdf().set_index("area_type")
    with run.internal() as con:
        rule = dict(con.execute("SELECT area_type, suppression_reason FROM housing_decomposition_decisions "
                                "WHERE period_from = '2008-12' AND period_to = '2009-03'").fetchall())
    ghost, partner, everyone = d.loc["unclassified"], d.loc["Tingbjerg m.fl."], d.loc["all"]
    assert ghost.suppressed and rule["unclassified"].startswith("primary")
    assert pd.isna(ghost.total_change) and pd.isna(ghost.share_from)
    assert partner.suppressed and rule["Tingbjerg m.fl."].startswith("secondary")
    # published, the two say the same: which one is the small group is not told
    assert ghost.suppression_reason == partner.suppression_reason == WITHHELD
    assert pd.isna(partner.total_change)
    assert not everyone.suppressed and everyone.total_change == (80 - 90) + (4 - 3)
    # the sample's own pairs are large: nothing withheld
    with run.public() as con:
        assert con.execute("SELECT count(*) FROM housing_decomposition WHERE suppressed AND period_from = '2006-12'"
                           ).fetchone()[0] == 0


def test_decomposition_two_small_groups_are_not_enough_to_protect_each_other(tmp_path):
    """Two withheld groups of 9 and 8 persons: 'all' minus the published groups would give their
    combined 17, so a third group is withheld as well."""
    raw = copy_raw(tmp_path / "raw", ["2008-11", "2009-05"])
    with open(raw / "2009-05" / "TMF_2009-05_dwellings.csv", "a", encoding="utf-8") as f:
        f.write("TMF,2009-05,TINGBJERG,2008-12,2009-03,kept,5,4,5,9,9\n")
        f.write("TMF,2009-05,XGHOST,2008-12,2009-03,kept,5,3,4,8,8\n")
        f.write("TMF,2009-05,MJOLNERPARKEN,2008-12,2009-03,kept,200,150,140,400,400\n")
    _assert_small(9 + 8)
    run = run_barometer(raw, tmp_path / "wh")
    with run.public() as con:
        d = con.execute("SELECT area_type, suppressed, suppression_reason, total_change FROM housing_decomposition "
                        "WHERE period_from = '2008-12' AND period_to = '2009-03'").fetchdf().set_index("area_type")
    groups = d.drop(index="all")
    assert groups.suppressed.all() and groups.total_change.isna().all()
    with run.internal() as con:
        rules = [r[0] for r in con.execute("SELECT suppression_reason FROM housing_decomposition_decisions "
                                           "WHERE period_from = '2008-12' AND period_to = '2009-03'").fetchall()]
    assert len(rules) == 3 and sum(r.startswith("secondary") for r in rules) == 1
    assert not d.loc["all", "suppressed"]


def test_a_withheld_type_stays_withheld_in_the_decomposition(tmp_path):
    """An area of 15 aged 18-64 (its type withheld in housing_areas) is grouped as unclassified in
    the decomposition too, so the groups' area counts do not give its type back."""
    raw = copy_raw(tmp_path / "raw", ["2007-05", "2008-05", "2008-11", "2009-05"])
    with open(raw / "2009-05" / "TMF_2009-05_areas.csv", "a", encoding="utf-8") as f:
        f.write("TMF,2009-05,XSMALL,X small,,VAL,,2006-12,30,15,8,10,,\n")
    with open(raw / "2009-05" / "TMF_2009-05_dwellings.csv", "a", encoding="utf-8") as f:
        f.write("TMF,2009-05,XSMALL,2006-12,2008-12,kept,10,8,7,15,15\n")
    _assert_small(15)
    run = run_barometer(raw, tmp_path / "wh")
    with run.internal() as con:
        internal_type = con.execute("SELECT area_type FROM housing_area_classes WHERE area_id = 'XSMALL' "
                                    "AND rule_in_force").fetchone()[0]
    with run.public() as con:
        published_type = con.execute("SELECT area_type FROM housing_areas WHERE area_id = 'XSMALL' "
                                     "AND rule_in_force").fetchone()[0]
        groups = dict(con.execute("SELECT area_type, areas FROM housing_decomposition "
                                  "WHERE period_from = '2006-12' AND period_to = '2008-12'").fetchall())
        summary = con.execute("SELECT high_risk_areas, type_withheld_areas FROM housing_summary "
                              "WHERE reference_period = '2006-12'").fetchone()
    assert internal_type == "high_risk" and published_type is None
    assert groups["high-risk"] == summary[0]  # XSMALL not among them
    assert summary[1] == 1


def test_no_housing_files_gives_empty_marts_with_their_types(tmp_path):
    run = run_barometer(copy_raw(tmp_path / "raw", ["2006-11"]), tmp_path / "wh")
    with run.public() as con:
        types = dict((r[0], r[1]) for r in con.execute("DESCRIBE housing_decomposition").fetchall())
        n = con.execute("SELECT count(*) FROM housing_decomposition").fetchone()[0]
    assert n == 0 and types["period_from"] == "VARCHAR" and types["area_type"] == "VARCHAR"
    # no published column is untyped, though a first round has no break, no caveat, no housing area
    with run.public() as con:
        untyped = [(t, c) for (t,) in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
                   for c, typ, *_ in con.execute(f"DESCRIBE {t}").fetchall() if "NULL" in typ]
    assert untyped == []
