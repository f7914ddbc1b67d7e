"""End-to-end runs on copies of the sample rounds: rejection without losing anything,
corrections, the atomic publish under a reader's lock, the sensor, and the CLI."""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import dagster as dg
import pandas as pd
from conftest import SAMPLE_RAW as SAMPLE
from conftest import copy_raw, run_barometer


def _history_value(run, indicator, period):
    with run.public() as con:
        row = con.execute("SELECT value, published_round FROM barometer_history WHERE indicator = ? AND "
                          "reference_period = ?", [indicator, period]).fetchone()
    return row


def _files(run, round_key):
    with run.internal() as con:
        return {r[0]: r[1:] for r in con.execute(
            "SELECT file_name, status, first_problem, report_path FROM submission_files WHERE round = ?",
            [round_key]).fetchall()}


def _break_csv(path: Path, row: int, column: str, value: str, dest: Path | None = None) -> Path:
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df.loc[row - 2, column] = value
    dest = dest or path
    df.to_csv(dest, index=False)
    return dest


def test_bad_file_is_rejected_and_the_round_goes_on(tmp_path):
    raw = copy_raw(tmp_path / "raw")
    bad = _break_csv(raw / "2009-05" / "SUF_2009-05.csv", 3, "district", "XYZ")
    before = bad.read_bytes()
    run = run_barometer(raw, tmp_path / "wh")
    files = _files(run, "2009-05")
    status, problem, report = files["SUF_2009-05.csv"]
    assert status == "rejected"
    assert "række 3" in problem and "'district'" in problem and "district_in_code_list" in problem  # stored in Danish
    assert Path(report).exists() and "XYZ" in Path(report).read_text()
    assert all(s == "accepted" for f, (s, *_ ) in files.items() if f != "SUF_2009-05.csv")
    assert bad.read_bytes() == before  # the file stays in raw/ untouched
    assert _history_value(run, "SAF-2", "2009-03")[0] == 67  # BIF's rows of the same round landed
    assert _history_value(run, "HEA-2", "2009-03") is None  # SUF's did not
    assert _history_value(run, "HEA-2", "2008-03")[0] == 81  # earlier rounds untouched
    # the Dagster check on the department's asset warns
    checks = run.result.get_asset_check_evaluations()
    suf = [c for c in checks if c.asset_key == dg.AssetKey("suf_submissions")]
    assert suf and not suf[0].passed and suf[0].severity == dg.AssetCheckSeverity.WARN


def test_numerator_above_denominator_rejected_with_row_and_column(tmp_path):
    raw = copy_raw(tmp_path / "raw", ["2008-11", "2009-05"])
    sof = raw / "2009-05" / "SOF_2009-05.csv"
    df = pd.read_csv(sof, dtype=str, keep_default_na=False)
    row = int(df.index[df.denominator != ""][0]) + 2  # the first row of a rate series
    _break_csv(sof, row, "numerator", "999999")
    run = run_barometer(raw, tmp_path / "wh")
    status, problem, _ = _files(run, "2009-05")["SOF_2009-05.csv"]
    assert status == "rejected"
    assert f"række {row}" in problem and "'numerator'" in problem and "numerator_at_most_denominator" in problem
    assert _files(run, "2009-05")["BIF_2009-05.csv"][0] == "accepted"
    # the district count itself is quoted in the report only, never in the published tracker or
    # in the Dagster metadata
    with run.public() as con:
        published = con.execute("SELECT first_problem FROM submission_tracker WHERE round = '2009-05' "
                                "AND department = 'SOF'").fetchone()[0]
    assert "numerator_at_most_denominator" in published and "999999" not in published
    assert "999999" not in problem
    metadata = [str(e.event_specific_data.materialization.metadata) for e in run.result.all_events
                if e.event_type_value == "ASSET_MATERIALIZATION"]
    assert not any("999999" in m for m in metadata)


def test_a_broken_resubmission_never_damages_what_is_published(tmp_path):
    raw = copy_raw(tmp_path / "raw")
    wh = tmp_path / "wh"
    run = run_barometer(raw, wh)
    assert _history_value(run, "EMP-M", "2009-02")[0] == 62.3
    # a second, broken file of the same department and round: rejected, the first stays the winner
    _break_csv(raw / "2009-05" / "BIF_2009-05.csv", 2, "numerator", "abc", dest=raw / "2009-05" / "BIF_2009-05_v2.csv")
    run = run_barometer(raw, wh)
    files = _files(run, "2009-05")
    assert files["BIF_2009-05_v2.csv"][0] == "rejected" and files["BIF_2009-05.csv"][0] == "accepted"
    assert _history_value(run, "EMP-M", "2009-02")[0] == 62.3
    # the accepted file overwritten in place by a broken one: the staged rows are kept
    (raw / "2009-05" / "BIF_2009-05_v2.csv").unlink()
    _break_csv(raw / "2009-05" / "BIF_2009-05.csv", 2, "district", "XYZ")
    run = run_barometer(raw, wh)
    with run.internal() as con:
        statuses = dict(con.execute("SELECT status, sha256 FROM submission_files WHERE round = '2009-05' "
                                    "AND file_name = 'BIF_2009-05.csv'").fetchall())
    assert set(statuses) == {"kept", "rejected"}  # same name, two versions: the earlier one kept
    assert _history_value(run, "EMP-M", "2009-02")[0] == 62.3


def test_a_later_round_corrects_an_earlier_measurement(tmp_path):
    raw = copy_raw(tmp_path / "raw")
    f = raw / "2009-05" / "BIF_2009-05.csv"
    df = pd.read_csv(f, dtype=str, keep_default_na=False)
    old = pd.read_csv(raw / "2008-11" / "BIF_2008-11.csv", dtype=str, keep_default_na=False)
    fix = old[(old.indicator == "EMP-M") & (old.reference_period == "2008-08") & (old.district != "KBH")].copy()
    assert len(fix) == 20
    fix["round"] = "2009-05"
    fix["numerator"] = (fix["numerator"].astype(int) + 100).astype(str)  # a revised count per cell
    pd.concat([df, fix]).to_csv(f, index=False)
    run = run_barometer(raw, tmp_path / "wh")
    value, published = _history_value(run, "EMP-M", "2008-08")
    assert published == "2009-05" and value > 59.9
    with run.internal() as con:  # the as-first-published rows are still there
        rounds = con.execute("SELECT DISTINCT round FROM submission_rows WHERE indicator = 'EMP-M' "
                             "AND reference_period = '2008-08' ORDER BY 1").fetchall()
    assert rounds == [("2008-11",), ("2009-05",)]


READER = textwrap.dedent("""
    import sys, duckdb
    con = duckdb.connect(sys.argv[1], read_only=True)
    q = "SELECT count(*), count(DISTINCT published_round) FROM barometer_history"
    print(con.execute(q).fetchone(), flush=True)
    sys.stdin.readline()          # wait while the other process runs the pipeline
    print(con.execute(q).fetchone(), flush=True)
    con.close()
    con = duckdb.connect(sys.argv[1], read_only=True)
    print(con.execute(q).fetchone(), flush=True)
""")


def test_run_succeeds_while_a_reader_holds_the_published_file(tmp_path):
    raw = copy_raw(tmp_path / "raw", ["2008-05", "2008-11"])
    wh = tmp_path / "wh"
    run_barometer(raw, wh)
    reader = subprocess.Popen([sys.executable, "-c", READER, str(wh / "barometer.duckdb")],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        first = reader.stdout.readline().strip()
        copy_raw(raw, ["2009-05"])  # a new round arrives
        run = run_barometer(raw, wh, rounds=["2008-05", "2009-05"])
        assert run.result.success
        out, _ = reader.communicate("go\n", timeout=60)
    finally:
        reader.kill()
    second, after_reconnect = out.strip().splitlines()
    assert second == first  # the reader still sees the whole previous warehouse
    assert after_reconnect != first  # and the new one once it reconnects
    assert eval(after_reconnect)[1] == 3
    assert not list(wh.glob(".*.tmp")) and not list((wh / "marts").glob(".tmp-*"))


def test_sensor_requests_a_run_for_the_round_of_a_new_file(tmp_path, monkeypatch):
    from pipelines.sensors import new_file_in_raw

    raw = copy_raw(tmp_path / "raw", ["2008-11", "2009-05"])
    monkeypatch.setenv("BAROMETER_RAW_DIR", str(raw))
    with dg.instance_for_test() as instance:
        ctx = dg.build_sensor_context(instance=instance)
        first = list(new_file_in_raw(ctx))
        assert sorted(r.partition_key for r in first) == ["2008-11", "2009-05"]
        ctx = dg.build_sensor_context(instance=instance, cursor=ctx.cursor)
        assert list(new_file_in_raw(ctx)) == []
        (raw / "2009-05" / "SUF_2009-05_v2.csv").write_bytes((raw / "2009-05" / "SUF_2009-05.csv").read_bytes())
        ctx = dg.build_sensor_context(instance=instance, cursor=ctx.cursor)
        reqs = list(new_file_in_raw(ctx))
        assert [r.partition_key for r in reqs] == ["2009-05"]
        assert "SUF_2009-05_v2.csv" in reqs[0].run_key
        assert json.loads(ctx.cursor)
        # a file for a round whose partition does not exist yet (delivered early): no run, and it is
        # not consumed, so the sensor requests it once the round opens
        (raw / "2099-05").mkdir()
        (raw / "2099-05" / "OKF_2099-05.csv").write_text("department,round\n", encoding="utf-8")
        ctx = dg.build_sensor_context(instance=instance, cursor=ctx.cursor)
        assert list(new_file_in_raw(ctx)) == []
        assert not any(k.startswith("2099-05/") for k in json.loads(ctx.cursor))
        assert any(k.startswith("2009-05/") for k in json.loads(ctx.cursor))


def test_barometer_run_command_prints_the_summary(tmp_path):
    raw = copy_raw(tmp_path / "raw", ["2008-11", "2009-05"])
    _break_csv(raw / "2009-05" / "OKF_2009-05.csv", 2, "district", "XYZ")
    env = {**os.environ, "BAROMETER_RAW_DIR": str(raw), "BAROMETER_WAREHOUSE_DIR": str(tmp_path / "wh"),
           "DAGSTER_HOME": str(tmp_path / "dh")}
    exe = Path(sys.executable).with_name("barometer")
    out = subprocess.run([str(exe), "run"], capture_output=True, text=True, env=env, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    text = out.stdout
    assert "Rounds processed (2): 2008-11, 2009-05" in text
    assert "REJECTED 2009-05/OKF_2009-05.csv" in text and "district_in_code_list" in text
    assert "EMP-M" in text and "62.3" in text and "green" in text
    assert "barometer.duckdb" in text
    # the run is recorded in the project-local Dagster home (SQLite), for the UI
    assert (tmp_path / "dh" / "dagster.yaml").exists()
    assert any((tmp_path / "dh").rglob("*.db"))


def test_files_straight_in_raw_and_unrecognised_files(tmp_path):
    """A file lying directly in raw/ is read for the round its name carries; a file no asset can
    read is named in the summary, never dropped silently."""
    from pipelines.cli import discover_rounds

    raw = tmp_path / "raw"
    raw.mkdir()
    for f in ("BIF_2009-05.csv", "SUF_2009-05.csv"):
        (raw / f).write_bytes((SAMPLE / "2009-05" / f).read_bytes())
    (raw / "XYZ_2009-05.csv").write_text("x")
    (raw / "2009-05").mkdir()
    (raw / "2009-05" / "notes.txt").write_text("x")
    found, ignored = discover_rounds(raw)
    assert found == ["2009-05"]
    assert any("XYZ_2009-05.csv: unknown department" in m for m in ignored)
    assert any("2009-05/notes.txt: not a submission file name" in m for m in ignored)
    run = run_barometer(raw, tmp_path / "wh", rounds=["2009-05"])
    assert _history_value(run, "SAF-2", "2009-03")[0] == 67
    assert _history_value(run, "HEA-2", "2009-03")[0] == 86
