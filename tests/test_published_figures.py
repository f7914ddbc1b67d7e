"""The marts reproduce the 2009 status report's published city figures and lights."""

import csv

import pandas as pd
import pytest
from conftest import PROJECT

with open(PROJECT / "tools" / "published_figures.csv", encoding="utf-8") as _f:
    FIGURES = list(csv.DictReader(_f))


@pytest.fixture(scope="module")
def history(sample_run):
    with sample_run.public() as con:
        return con.execute("SELECT * FROM barometer_history").fetchdf()


@pytest.mark.parametrize("fig", FIGURES, ids=[f"{f['indicator']}@{f['reference_period']}" for f in FIGURES])
def test_city_figure_reproduced(history, fig):
    row = history[(history.indicator == fig["indicator"]) & (history.reference_period == fig["reference_period"])]
    assert len(row) == 1, f"{fig['indicator']} {fig['reference_period']} missing from barometer_history"
    assert row.iloc[0]["value"] == pytest.approx(float(fig["value"]), abs=1e-9)


def test_brief_indicators_all_present(history):
    expected = {"EMP-M", "EMP-1", "EMP-2", "EDU-A", "EDU-B", "HOU-M2", "HOU-1", "HOU-3", "HOU-4", "SAF-2",
                "SAF-3", "CUL-3", "CUL-4", "HEA-1", "HEA-2", "HEA-3"}
    assert expected <= set(history.indicator)


def _row(history, ind, period):
    r = history[(history.indicator == ind) & (history.reference_period == period)]
    assert len(r) == 1
    return r.iloc[0]


def test_emp_m_feb_2009_is_62_3_green(history):
    r = _row(history, "EMP-M", "2009-02")
    assert r.value == 62.3 and r.light == "green"
    assert r.previous_value == 59.9 and r.change_since_previous == pytest.approx(2.4)
    assert str(r.reference_date)[:10] == "2009-02-01"


def test_saf_2_march_2009_is_67_red(history):
    r = _row(history, "SAF-2", "2009-03")
    assert r.value == 67 and r.light == "red"


def test_first_measurement_has_no_light(history):
    first = history.sort_values("reference_date").groupby("indicator").head(1)
    assert first.light.isna().all()
    assert first.change_since_previous.isna().all()


def test_method_change_turns_light_yellow_with_reason(history):
    r = _row(history, "CUL-1", "2008")
    assert r.light == "yellow" and "new data source" in r.series_break


def test_toward_level_judges_distance_to_comparison_group(history):
    r = _row(history, "SAF-M", "2007")  # 9.4 -> 6.8 with Danes 5.2 -> 4.6: gap 4.2 -> 2.2
    assert r.comparison_value == 4.6 and r.light == "green"


def test_unchanged_value_is_yellow(history):
    assert _row(history, "SAF-4", "2009-03").light == "yellow"
    assert _row(history, "EDU-C", "2008-10").light == "yellow"


def test_latest_has_one_row_per_indicator_with_targets(sample_run, catalog):
    with sample_run.public() as con:
        latest = con.execute("SELECT * FROM barometer_latest").fetchdf()
    assert sorted(latest.indicator) == sorted(i.code for i in catalog.indicators)
    emp = latest[latest.indicator == "EMP-M"].iloc[0]
    assert emp.value == 62.3 and emp.previous_value == 59.9 and emp.light == "green"
    assert emp.target_value == 64.8 and str(emp.target_date)[:10] == "2010-12-31"
    edu = latest[latest.indicator == "EDU-M"].iloc[0]
    assert edu.target_value == 0.23  # the 2010 target (the 2014 one is 0.00)


def test_parquet_marts_equal_duckdb_tables(sample_run):
    with sample_run.public() as con:
        for name in ("barometer_history", "barometer_latest", "district_values"):
            db = con.execute(f"SELECT * FROM {name}").fetchdf()
            pq = pd.read_parquet(sample_run.warehouse / "marts" / f"{name}.parquet")
            assert list(pq.columns) == list(db.columns)
            assert len(pq) == len(db) > 0


def test_public_types_match_the_contract(sample_run):
    with sample_run.public() as con:
        types = dict(con.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'barometer_history'"
        ).fetchall())
    assert types["reference_date"] == "DATE"
    assert types["value"] == "DOUBLE"
    assert types["light"] == "VARCHAR"


def test_every_figure_names_its_rows(sample_run):
    """Traceability: each city figure's source rows can be listed from the internal lineage view."""
    with sample_run.internal() as con:
        n = con.execute(
            """SELECT count(*) FROM observation_lineage
               WHERE indicator = 'EMP-M' AND unit = 'KBH' AND reference_period = '2009-02'"""
        ).fetchone()[0]
        files = con.execute(
            """SELECT DISTINCT file_name FROM observation_lineage
               WHERE indicator = 'EMP-M' AND reference_period = '2009-02'"""
        ).fetchall()
    assert n == 20  # 10 districts x 2 sexes
    assert files == [("BIF_2009-05.csv",)]
