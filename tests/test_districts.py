"""District breakdowns: all 10 districts plus KBH, city from summed counts."""

import pytest

from schemas.code_lists import district_codes

DISTRICT_LEVEL = ["EMP-M", "EMP-1", "EMP-2", "EDU-A", "EDU-E", "HOU-M2", "HOU-1", "HOU-4"]


@pytest.mark.parametrize("indicator", DISTRICT_LEVEL)
def test_all_districts_and_city_present(sample_run, indicator):
    with sample_run.public() as con:
        got = con.execute(
            "SELECT reference_period, list(DISTINCT district) FROM district_values WHERE indicator = ? GROUP BY 1",
            [indicator]).fetchall()
    assert got
    for period, districts in got:
        assert sorted(districts) == sorted(district_codes()), period


def test_city_value_is_from_summed_counts_not_average_of_rates(sample_run):
    with sample_run.internal() as con:
        rows = con.execute(
            """SELECT reference_period,
                      round(100 * sum(numerator) / sum(denominator), 1) AS pooled,
                      avg(100 * numerator / denominator) AS mean_of_rates
               FROM (SELECT reference_period, district, sum(numerator) numerator, sum(denominator) denominator
                     FROM current_rows WHERE indicator = 'EMP-M' AND district <> 'KBH' GROUP BY 1, 2)
               GROUP BY 1 ORDER BY 1"""
        ).fetchall()
    with sample_run.public() as con:
        city = dict(con.execute(
            "SELECT reference_period, value FROM district_values WHERE indicator = 'EMP-M' AND district = 'KBH'"
        ).fetchall())
        hist = dict(con.execute(
            "SELECT reference_period, value FROM barometer_history WHERE indicator = 'EMP-M'").fetchall())
    assert rows
    differs = 0
    for period, pooled, mean_of_rates in rows:
        assert city[period] == pooled == hist[period]
        differs += round(mean_of_rates, 1) != pooled
    assert differs > 0, "sample districts should make the pooled rate differ from the mean of rates"


def test_brief_district_anchors(sample_run):
    with sample_run.public() as con:
        feb09 = dict(con.execute(
            "SELECT district, value FROM district_values WHERE indicator = 'EMP-M' AND reference_period = '2009-02' "
            "AND district <> 'KBH'").fetchall())
        women_nor = con.execute(
            "SELECT value FROM district_values WHERE indicator = 'EMP-1' AND reference_period = '2009-02' "
            "AND district = 'NOR'").fetchone()[0]
    assert min(feb09, key=feb09.get) == "NOR" and feb09["NOR"] == 59.5
    assert max(feb09, key=feb09.get) == "AMO" and feb09["AMO"] == 67.8
    assert women_nor == 55.7


def test_small_person_cells_suppressed_with_reason(sample_run):
    with sample_run.public() as con:
        bad = con.execute(
            "SELECT count(*) FROM district_values "
            "WHERE suppressed AND (value IS NOT NULL OR suppression_reason IS NULL)"
        ).fetchone()[0]
        cols = [r[0] for r in con.execute("DESCRIBE district_values").fetchall()]
    assert bad == 0
    assert "numerator" not in cols and "denominator" not in cols  # raw counts stay internal


def test_deviation_rank_share_and_change(sample_run):
    with sample_run.public() as con:
        df = con.execute("SELECT * FROM district_values WHERE indicator = 'EMP-M' AND reference_period = '2009-02'"
                         ).fetchdf().set_index("district")
    city = df.loc["KBH", "value"]
    assert city == 62.3 and df.loc["KBH", "is_city"]
    assert df.loc["NOR", "deviation_from_city"] == pytest.approx(59.5 - 62.3)
    assert df.loc["AMO", "rank"] == 1 and df.loc["NOR", "rank"] == 10  # must rise: highest is best
    assert df.drop("KBH")["share_of_city"].sum() == pytest.approx(100, abs=0.1)
    assert df.loc["KBH", "share_of_city"] == 100
    assert df.loc["BRH", "change_since_previous"] < 0  # Brønshøj-Husum: the only decline
    assert (df.drop(["KBH", "BRH"])["change_since_previous"] > 0).all()


def _control_rows(csv_path, indicator, period, delta=0):
    import pandas as pd

    df = pd.read_csv(csv_path, dtype=str, keep_default_na=False)
    here = (df.indicator == indicator) & (df.reference_period == period)
    df = df[~(here & (df.district == "KBH"))]  # replace any control total the sample carries
    cells = df[(df.indicator == indicator) & (df.reference_period == period)]
    totals = []
    for _sex, g in cells.groupby("sex"):
        row = g.iloc[0].copy()
        row["district"] = "KBH"
        row["numerator"] = str(g.numerator.astype(int).sum() + delta)
        row["denominator"] = str(g.denominator.astype(int).sum())
        totals.append(row)
    pd.concat([df, pd.DataFrame(totals)]).to_csv(csv_path, index=False)


@pytest.mark.parametrize("delta,passed", [(0, True), (25, False)])
def test_district_sum_check_against_a_department_control_total(tmp_path, delta, passed):
    from conftest import copy_raw, run_barometer

    raw = copy_raw(tmp_path / "raw", ["2008-11", "2009-05"])
    _control_rows(raw / "2009-05" / "BIF_2009-05.csv", "EMP-M", "2009-02", delta)
    run = run_barometer(raw, tmp_path / "wh")
    checks = {(e.asset_key.to_user_string(), e.check_name): e for e in run.result.get_asset_check_evaluations()}
    check = checks[("employment_indicators", "district_counts_sum_to_city")]
    assert check.passed is passed
    assert check.metadata["control_totals_checked"].value >= 2
    with run.public() as con:  # the published city figure is the districts' sum either way
        assert con.execute("SELECT value FROM barometer_history WHERE indicator = 'EMP-M' "
                           "AND reference_period = '2009-02'").fetchone()[0] == 62.3


def test_district_sum_check_passes_on_the_sample(sample_run):
    evals = [e for e in sample_run.result.get_asset_check_evaluations()
             if e.check_name == "district_counts_sum_to_city"]
    assert len(evals) >= 6 and all(e.passed for e in evals)
