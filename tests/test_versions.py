"""Intake you can trust: versions by content, corrections with as-published vintages, the
tracker's missing deliveries and carried-forward indicators."""

import shutil

import pandas as pd
from conftest import copy_raw, run_barometer


def _q(run, sql, params=None, db="public"):
    with (run.public() if db == "public" else run.internal()) as con:
        return con.execute(sql, params or []).fetchall()


def test_a_corrected_resubmission_changes_latest_and_keeps_as_published(tmp_path):
    raw = copy_raw(tmp_path / "raw", ["2008-11", "2009-05"])
    wh = tmp_path / "wh"
    first = run_barometer(raw, wh)
    assert _q(first, "SELECT value FROM barometer_history WHERE indicator='SAF-2' AND reference_period='2009-03'") \
        == [(67.0,)]
    # BIF sends a corrected file for the same round: SAF-2 respondents feeling safe revised up
    src = raw / "2009-05" / "BIF_2009-05.csv"
    df = pd.read_csv(src, dtype=str, keep_default_na=False)
    row = (df.indicator == "SAF-2") & (df.reference_period == "2009-03")
    df.loc[row, "numerator"] = str(int(df.loc[row, "numerator"].iloc[0]) + 30)  # +5 pp on 600 respondents
    df.to_csv(raw / "2009-05" / "BIF_2009-05_v2.csv", index=False)
    second = run_barometer(raw, wh)
    assert _q(second, "SELECT value FROM barometer_history WHERE indicator='SAF-2' AND reference_period='2009-03'") \
        == [(72.0,)]
    vintage = _q(second, """SELECT value_as_published, latest_value, revised FROM barometer_vintages
                            WHERE vintage_round = '2009-05' AND indicator = 'SAF-2' AND reference_period = '2009-03'""")
    assert vintage == [(67.0, 72.0, True)]
    # both versions stay queryable; the figure names the version it came from
    versions = _q(second, "SELECT version, outcome, file_name FROM submission_archive WHERE department = 'BIF' "
                          "AND round = '2009-05' AND kind = 'indicators' ORDER BY version", db="internal")
    assert versions == [(1, "accepted", "BIF_2009-05.csv"), (2, "accepted", "BIF_2009-05_v2.csv")]
    lineage = _q(second, "SELECT DISTINCT file_name FROM observation_lineage WHERE indicator = 'SAF-2' "
                         "AND reference_period = '2009-03'", db="internal")
    assert lineage == [("BIF_2009-05_v2.csv",)]
    assert _q(second, "SELECT source_files FROM barometer_history WHERE indicator = 'SAF-2' "
                      "AND reference_period = '2009-03'") == [(["BIF_2009-05_v2.csv (v2)"],)]
    assert _q(second, "SELECT status FROM submission_files WHERE file_name = 'BIF_2009-05.csv' AND round = '2009-05'",
              db="internal") == [("superseded",)]


def test_the_same_bytes_twice_change_nothing(tmp_path):
    raw = copy_raw(tmp_path / "raw", ["2009-05"])
    wh = tmp_path / "wh"
    run_barometer(raw, wh)
    shutil.copyfile(raw / "2009-05" / "SUF_2009-05.csv", raw / "2009-05" / "SUF_2009-05_again.csv")
    run = run_barometer(raw, wh)
    assert _q(run, "SELECT count(*) FROM submission_archive WHERE department = 'SUF' AND kind = 'indicators'",
              db="internal") == [(1,)]
    assert _q(run, "SELECT version_in_force, files_received FROM submission_tracker WHERE department = 'SUF' "
                   "AND round = '2009-05'") == [(1, 2)]


def test_a_removed_file_shows_as_missing_and_its_indicators_carried_forward(tmp_path):
    raw = copy_raw(tmp_path / "raw", ["2008-05", "2008-11", "2009-05"])
    (raw / "2009-05" / "SUF_2009-05.csv").unlink()
    run = run_barometer(raw, tmp_path / "wh")
    assert _q(run, "SELECT status, due, overdue FROM submission_tracker "
                   "WHERE round = '2009-05' AND department = 'SUF'") == [("missing", True, True)]
    carried = dict(_q(run, "SELECT indicator, carried_forward_reason FROM barometer_latest WHERE carried_forward"))
    assert {"HEA-1", "HEA-2", "HEA-3"} <= set(carried)
    assert "SUF: missing" in carried["HEA-2"] and "2008-05" in carried["HEA-2"]
    assert _q(run, "SELECT value, reference_period FROM barometer_latest "
                   "WHERE indicator = 'HEA-2'") == [(81.0, "2008-03")]
    checks = {e.check_name: e for e in run.result.get_asset_check_evaluations()
              if e.asset_key.to_user_string() == "submission_tracker"}
    assert not checks["all_due_deliveries_arrived"].passed


def test_the_run_summary_lists_every_departments_status(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    raw = copy_raw(tmp_path / "raw", ["2008-05", "2008-11", "2009-05"])  # KFF delivered in 2008-05
    (raw / "2009-05" / "KFF_2009-05.xlsx").unlink()
    env = {**os.environ, "BAROMETER_RAW_DIR": str(raw), "BAROMETER_WAREHOUSE_DIR": str(tmp_path / "wh"),
           "DAGSTER_HOME": str(tmp_path / "dh")}
    out = subprocess.run([str(Path(sys.executable).with_name("barometer")), "run"], capture_output=True,
                         text=True, env=env, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "MISSING  2009-05: KFF" in out.stdout
    assert "Carried forward" in out.stdout and "CUL-3" in out.stdout


def test_a_partial_correction_replaces_only_the_cells_it_resends(tmp_path):
    raw = copy_raw(tmp_path / "raw", ["2008-11", "2009-05"])
    old = pd.read_csv(raw / "2008-11" / "BIF_2008-11.csv", dtype=str, keep_default_na=False)
    men = old[(old.indicator == "EMP-M") & (old.reference_period == "2008-08") & (old.sex == "M")
              & (old.district != "KBH")].copy()
    men["round"] = "2009-05"
    new = pd.read_csv(raw / "2009-05" / "BIF_2009-05.csv", dtype=str, keep_default_na=False)
    pd.concat([new, men]).to_csv(raw / "2009-05" / "BIF_2009-05.csv", index=False)
    run = run_barometer(raw, tmp_path / "wh")
    got = dict(_q(run, "SELECT indicator, value FROM barometer_history WHERE reference_period = '2008-08' "
                       "AND indicator IN ('EMP-M', 'EMP-1', 'EMP-2')"))
    assert got == {"EMP-M": 59.9, "EMP-1": 55.0, "EMP-2": 63.9}  # women's cells kept, men's resent unchanged


def test_putting_an_earlier_version_back_makes_it_the_one_in_force(tmp_path):
    raw = copy_raw(tmp_path / "raw", ["2009-05"])
    wh = tmp_path / "wh"
    f = raw / "2009-05" / "SUF_2009-05.csv"
    original = f.read_bytes()
    run_barometer(raw, wh)
    df = pd.read_csv(f, dtype=str, keep_default_na=False)
    df.loc[0, "note"] = "revised"
    df.to_csv(f, index=False)
    run = run_barometer(raw, wh)
    winner = "SELECT version FROM submission_winners WHERE department = 'SUF' AND kind = 'indicators'"
    assert _q(run, winner, db="internal") == [(2,)]
    f.write_bytes(original)
    run = run_barometer(raw, wh)
    assert _q(run, winner, db="internal") == [(1,)]
    assert _q(run, "SELECT count(*) FROM submission_archive WHERE department = 'SUF' AND kind = 'indicators'",
              db="internal") == [(2,)]


def test_a_round_folder_that_disappears_is_not_wiped(tmp_path):
    raw = copy_raw(tmp_path / "raw", ["2008-05", "2008-11", "2009-05"])
    wh = tmp_path / "wh"
    run_barometer(raw, wh)
    shutil.rmtree(raw / "2008-11")
    run = run_barometer(raw, wh, rounds=["2008-05", "2009-05"])
    assert _q(run, "SELECT value FROM barometer_history WHERE indicator = 'EMP-M' AND reference_period = '2008-08'") \
        == [(59.9,)]


def test_a_run_that_fails_before_publishing_logs_nothing(tmp_path):
    """barometer_vintages keeps each edition's figures as published: a run that failed before
    publishing published nothing, so the publication log holds nothing of it."""
    import duckdb
    import pytest

    raw = copy_raw(tmp_path / "raw", ["2008-11", "2009-05"])
    wh = tmp_path / "wh"
    run_barometer(raw, wh)
    (raw / "2009-11").mkdir()
    late = raw / "2009-11" / "BIF_2009-11.csv"
    df = pd.read_csv(raw / "2009-05" / "BIF_2009-05.csv", dtype=str, keep_default_na=False)
    df["round"] = "2009-11"
    df.to_csv(late, index=False)
    # the publish step fails (a folder stands where the published file goes): nothing is published
    (wh / "barometer.duckdb").unlink()
    (wh / "barometer.duckdb").mkdir()
    (wh / "barometer.duckdb" / "keep").write_text("x", encoding="utf-8")
    with pytest.raises(Exception, match="published_warehouse|barometer.duckdb|directory"):
        run_barometer(raw, wh)
    assert list(wh.glob(".barometer.duckdb.*.tmp"))  # what the failed publish left behind
    with duckdb.connect(str(wh / "archive" / "history.duckdb"), read_only=True) as con:
        # nothing was published, so nothing of the edition 2009-11 is in the publication log
        assert con.execute("SELECT count(*) FROM publication_log WHERE edition = '2009-11'").fetchall() == [(0,)]
    # the department corrects its file, the catalog is mended: the round is published as it is now
    row = (df.indicator == "EMP-M") & (df.district == "IND") & (df.sex == "F")
    df.loc[row, "numerator"] = str(int(df.loc[row, "numerator"].iloc[0]) + 200)
    df.to_csv(late, index=False)
    shutil.rmtree(wh / "barometer.duckdb")
    run = run_barometer(raw, wh)
    with run.public() as con:
        published, latest, revised = con.execute(
            """SELECT value_as_published, latest_value, revised FROM barometer_vintages
               WHERE vintage_round = '2009-11' AND indicator = 'EMP-M' AND reference_period = '2009-02'""").fetchone()
        before = con.execute(
            """SELECT value_as_published FROM barometer_vintages
               WHERE vintage_round = '2009-05' AND indicator = 'EMP-M' AND reference_period = '2009-02'""").fetchone()
    assert published == latest and not revised
    assert not list(wh.glob(".barometer.duckdb.*"))  # the failed publish's temporary file is gone
    assert before == (62.3,) and latest != 62.3  # the correction shows against the round that published 62.3


def test_a_correction_replaces_the_whole_cell_whatever_its_sex_split(tmp_path):
    """docs/submissions.md, Corrections: T corrected as F + M, then F + M corrected as T."""
    raw = copy_raw(tmp_path / "raw", ["2009-05"])
    header = "department,round,indicator,reference_period,district,subunit,group,sex,numerator,denominator\n"
    (raw / "2009-11").mkdir()
    (raw / "2009-11" / "BIF_2009-11.csv").write_text(
        header + "BIF,2009-11,SAF-2,2009-03,KBH,,ALL,F,200,300\nBIF,2009-11,SAF-2,2009-03,KBH,,ALL,M,150,300\n",
        encoding="utf-8")
    wh = tmp_path / "wh"
    value = "SELECT value FROM barometer_history WHERE indicator = 'SAF-2' AND reference_period = '2009-03'"
    run = run_barometer(raw, wh, rounds=["2009-05", "2009-11"])
    assert _q(run, value) == [(58.3,)]  # 350 / 600, not (402 + 350) / 1200 with the old T row kept
    (raw / "2010-05").mkdir(exist_ok=True)
    (raw / "2010-05" / "BIF_2010-05.csv").write_text(
        header + "BIF,2010-05,SAF-2,2009-03,KBH,,ALL,T,390,600\n", encoding="utf-8")
    run = run_barometer(raw, wh, rounds=["2009-05", "2010-05"])
    assert _q(run, value) == [(65.0,)]  # the F + M rows of 2009-11 are replaced, not added
