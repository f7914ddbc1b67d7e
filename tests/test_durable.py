"""A trustworthy record: every file received is kept as it arrived, every publication is
permanent, and the drop folder is never trusted (docs/operations.md, "Durable and derived")."""

from __future__ import annotations

import csv
import hashlib
import io
import os
import shutil
import stat
import threading
import time

import duckdb
import pandas as pd
from conftest import copy_raw, run_barometer

MARKER = b"SECRET-CONTENT-NOBODY-MAY-READ-7f3a"


def _q(path, sql, params=None):
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def _bump_saf2(path, by: int) -> None:
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    row = (df.indicator == "SAF-2") & (df.reference_period == "2009-03")
    df.loc[row, "numerator"] = str(int(df.loc[row, "numerator"].iloc[0]) + by)
    df.to_csv(path, index=False)


def _derived_removed(wh) -> None:
    """What `make clean` does to a warehouse: everything but the archive goes."""
    for p in wh.iterdir():
        if p.name != "archive":
            shutil.rmtree(p) if p.is_dir() and not p.is_symlink() else p.unlink()


def test_history_survives_a_rebuild_after_a_file_was_overwritten(tmp_path):
    raw = copy_raw(tmp_path / "raw", ["2008-11", "2009-05"])
    wh = tmp_path / "wh"
    run_barometer(raw, wh)
    _bump_saf2(raw / "2009-05" / "BIF_2009-05.csv", 30)  # resubmitted by overwriting the file
    run = run_barometer(raw, wh)
    vintage = """SELECT value_as_published, latest_value, revised FROM barometer_vintages
                 WHERE vintage_round = '2009-05' AND indicator = 'SAF-2' AND reference_period = '2009-03'"""
    assert _q(run.public_db, vintage) == [(67.0, 72.0, True)]

    for rebuild in ("internal database deleted", "make clean"):
        if rebuild == "make clean":
            _derived_removed(wh)
        else:
            shutil.rmtree(wh / "internal")
        run = run_barometer(raw, wh, rounds=["2009-05"])  # even a run of one round re-derives everything
        assert _q(run.public_db, vintage) == [(67.0, 72.0, True)], rebuild
        assert _q(run.internal_db, "SELECT version, outcome, file_name FROM submission_archive "
                                   "WHERE department = 'BIF' AND round = '2009-05' AND kind = 'indicators' "
                                   "ORDER BY version") \
            == [(1, "accepted", "BIF_2009-05.csv"), (2, "accepted", "BIF_2009-05.csv")], rebuild
        # the 2008-11 round was not in this run's partitions: re-derived from the archive all the same
        assert _q(run.public_db, "SELECT count(*) FROM barometer_history WHERE published_round = '2008-11'")[0][0] > 0
        assert _q(run.public_db, "SELECT value FROM barometer_history WHERE indicator = 'SAF-2' "
                                 "AND reference_period = '2009-03'") == [(72.0,)]


def test_a_round_delivered_in_two_parts_has_every_published_figure_in_the_vintages(tmp_path):
    raw = copy_raw(tmp_path / "raw", ["2008-11", "2009-05"])
    late = tmp_path / "SOF_2009-05.csv"
    shutil.move(raw / "2009-05" / "SOF_2009-05.csv", late)
    wh = tmp_path / "wh"
    run_barometer(raw, wh)
    shutil.move(late, raw / "2009-05" / "SOF_2009-05.csv")  # the department delivers late
    run = run_barometer(raw, wh, rounds=["2009-05"])
    missing = _q(run.public_db, """
        SELECT h.indicator, h.reference_period FROM barometer_history h
        WHERE NOT EXISTS (SELECT 1 FROM barometer_vintages v WHERE v.indicator = h.indicator
                          AND v.reference_period = h.reference_period AND v.vintage_round = '2009-05')""")
    assert missing == []
    assert _q(run.public_db, "SELECT count(*) FROM barometer_history WHERE indicator LIKE 'HOU-3'")[0][0] > 0


def _tree_contains(root, needle: bytes) -> list[str]:
    hits = []
    for dirpath, _, files in os.walk(root):
        for f in files:
            p = os.path.join(dirpath, f)
            if os.path.islink(p):
                continue
            with open(p, "rb") as fh:
                if needle in fh.read():
                    hits.append(p)
    return hits


def test_symbolic_links_in_the_drop_folder_are_never_followed(tmp_path):
    raw = copy_raw(tmp_path / "raw", ["2009-05"])
    secret_dir = tmp_path / "elsewhere"
    secret_dir.mkdir()
    # the target: a valid submission's content with a marker only a reader of the target would copy
    secret = secret_dir / "SUF_2009-05.csv"
    secret.write_bytes((raw / "2009-05" / "SUF_2009-05.csv").read_bytes() + b"# " + MARKER + b"\n")
    os.unlink(raw / "2009-05" / "SUF_2009-05.csv")
    os.symlink(secret, raw / "2009-05" / "SUF_2009-05.csv")                 # a link inside a valid round
    os.symlink(secret, raw / "KFF_2009-05_extra.csv")                       # a link straight in raw/
    (secret_dir / "2009-11").mkdir()
    shutil.copy(secret, secret_dir / "2009-11" / "BIF_2009-11.csv")
    os.symlink(secret_dir / "2009-11", raw / "2009-11")                     # a round folder that is a link
    wh = tmp_path / "wh"
    run = run_barometer(raw, wh, rounds=["2009-05", "2009-11"])

    assert _tree_contains(wh, MARKER) == []
    refused = _q(run.internal_db, "SELECT round, department, file_name FROM submission_files "
                                  "WHERE status = 'refused' ORDER BY ALL")
    assert ("2009-05", "SUF", "SUF_2009-05.csv") in refused
    assert ("2009-05", "KFF", "KFF_2009-05_extra.csv") in refused
    assert any(r[0] == "2009-11" and r[1] == "BIF" for r in refused)
    tracker = dict(((r, d), s) for r, d, s in _q(run.public_db, "SELECT round, department, status FROM "
                                                               "submission_tracker"))
    assert tracker[("2009-05", "SUF")] == "refused"
    assert tracker[("2009-11", "BIF")] == "refused"
    assert _q(run.public_db, "SELECT first_problem FROM submission_tracker WHERE round = '2009-05' "
                             "AND department = 'SUF'")[0][0].count("symbolic link") == 1
    assert _q(run.internal_db, "SELECT count(*) FROM submission_archive WHERE department = 'SUF' "
                                  "AND kind = 'indicators'") == [(0,)]


def test_the_archive_is_private_and_matches_its_register(tmp_path):
    raw = copy_raw(tmp_path / "raw", ["2009-05"])
    wh = tmp_path / "wh"
    run_barometer(raw, wh)
    archive = wh / "archive"
    rows = _q(archive / "history.duckdb", "SELECT archived_path, sha256, size_bytes FROM received_files")
    assert rows
    for rel, sha, size in rows:
        data = (archive / rel).read_bytes()
        assert hashlib.sha256(data).hexdigest() == sha and len(data) == size
        assert stat.S_IMODE((archive / rel).stat().st_mode) == 0o600
    for dirpath, _dirs, _ in os.walk(archive):
        assert stat.S_IMODE(os.stat(dirpath).st_mode) == 0o700, dirpath


def _rows_of(data: bytes) -> set[tuple]:
    text = data.decode("utf-8-sig")
    return {(r["indicator"], r["reference_period"], r["district"], r["group"], r["sex"], float(r["numerator"]))
            for r in csv.DictReader(io.StringIO(text))}


def test_a_file_replaced_over_and_over_during_runs_keeps_lineage_whole(tmp_path):
    raw = copy_raw(tmp_path / "raw", ["2009-05"])
    target = raw / "2009-05" / "SUF_2009-05.csv"
    original = target.read_text(encoding="utf-8").splitlines()
    header = original[0].split(",")
    num = header.index("numerator")
    versions = []
    for k in range(6):  # six distinct valid contents
        lines = [original[0]]
        for i, line in enumerate(original[1:]):
            cells = line.split(",")
            if i == 0:
                cells[num] = str(int(cells[num]) - k)
            lines.append(",".join(cells))
        versions.append(("\n".join(lines) + "\n").encode())
    stop = threading.Event()

    def keep_replacing():
        k = 0
        while not stop.is_set():
            with open(target, "wb") as f:  # in place, as a department's copy tool does: partial states too
                data = versions[k % len(versions)]
                f.write(data[: len(data) // 2])
                f.flush()
                time.sleep(0.001)
                f.write(data[len(data) // 2:])
            k += 1
            time.sleep(0.003)

    writer = threading.Thread(target=keep_replacing, daemon=True)
    writer.start()
    wh = tmp_path / "wh"
    try:
        for _ in range(3):
            run = run_barometer(raw, wh)
    finally:
        stop.set()
        writer.join()
    archive = wh / "archive"
    registered = _q(archive / "history.duckdb", "SELECT version, archived_path, sha256 FROM received_files "
                                                "WHERE department = 'SUF' AND kind = 'indicators' ORDER BY version")
    assert registered
    with duckdb.connect(str(run.internal_db), read_only=True) as con:
        for version, rel, sha in registered:
            data = (archive / rel).read_bytes()
            assert hashlib.sha256(data).hexdigest() == sha
            staged = con.execute("""SELECT indicator, reference_period, district, population_group, sex, numerator
                                    FROM submission_rows WHERE department = 'SUF' AND version = ?""",
                                 [version]).fetchall()
            outcome = con.execute("SELECT outcome FROM submission_archive WHERE department = 'SUF' "
                                  "AND kind = 'indicators' AND version = ?",
                                  [version]).fetchone()[0]
            if outcome == "accepted":
                assert set(staged) == _rows_of(data) and len(staged) == len(data.decode().splitlines()) - 1
            else:
                assert staged == []


def test_barometer_rebuild_rederives_everything_and_keeps_the_history(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    raw = copy_raw(tmp_path / "raw", ["2008-11", "2009-05"])
    wh = tmp_path / "wh"
    env = {**os.environ, "BAROMETER_RAW_DIR": str(raw), "BAROMETER_WAREHOUSE_DIR": str(wh),
           "DAGSTER_HOME": str(tmp_path / "dh")}
    exe = str(Path(sys.executable).with_name("barometer"))
    assert subprocess.run([exe, "run"], capture_output=True, text=True, env=env, timeout=600).returncode == 0
    _bump_saf2(raw / "2009-05" / "BIF_2009-05.csv", 30)
    assert subprocess.run([exe, "run"], capture_output=True, text=True, env=env, timeout=600).returncode == 0
    log_before = _q(wh / "archive" / "history.duckdb", "SELECT * FROM publication_log ORDER BY entry_no")
    out = subprocess.run([exe, "rebuild"], capture_output=True, text=True, env=env, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    assert "archive" in out.stdout and "succeeded" in out.stdout
    # the rebuild published the same figures: nothing new in the log, nothing lost from it
    assert _q(wh / "archive" / "history.duckdb", "SELECT * FROM publication_log ORDER BY entry_no") == log_before
    assert _q(wh / "barometer.duckdb", "SELECT value_as_published, latest_value, revised FROM barometer_vintages "
                                       "WHERE vintage_round = '2009-05' AND indicator = 'SAF-2' "
                                       "AND reference_period = '2009-03'") == [(67.0, 72.0, True)]


def test_the_sensor_never_follows_a_link(tmp_path, monkeypatch):
    import dagster as dg

    from pipelines.sensors import scan_raw

    raw = copy_raw(tmp_path / "raw", ["2009-05"])
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "BIF_2009-11.csv").write_bytes(MARKER)
    os.symlink(outside, raw / "2009-11")
    os.symlink(outside / "BIF_2009-11.csv", raw / "2009-05" / "SUF_2009-05_b.csv")
    seen = scan_raw(raw)
    assert "2009-11/" in seen and "2009-11/BIF_2009-11.csv" not in seen  # the link, not its content
    assert "2009-05/SUF_2009-05_b.csv" in seen
    assert seen["2009-05/SUF_2009-05_b.csv"].endswith(f":{os.lstat(raw / '2009-05' / 'SUF_2009-05_b.csv').st_size}")
    monkeypatch.setenv("BAROMETER_RAW_DIR", str(raw))
    from pipelines.sensors import new_file_in_raw

    with dg.instance_for_test() as instance:
        reqs = list(new_file_in_raw(dg.build_sensor_context(instance=instance)))
    assert sorted(r.partition_key for r in reqs) == ["2009-05", "2009-11"]
