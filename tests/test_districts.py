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
            "SELECT count(*) FROM district_values WHERE suppressed AND (value IS NOT NULL OR suppression_reason IS NULL)"
        ).fetchone()[0]
        cols = [r[0] for r in con.execute("DESCRIBE district_values").fetchall()]
    assert bad == 0
    assert "numerator" not in cols and "denominator" not in cols  # raw counts stay internal
