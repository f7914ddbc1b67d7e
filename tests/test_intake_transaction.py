"""An intake step's derived writes are one transaction (assets/intake/staging.py,
step_transaction): a step that fails in its third round leaves the staging as it was before the
step, while every file it read stays registered in the durable history; the next run judges and
stages them all."""

from __future__ import annotations

import duckdb
import pytest
from conftest import copy_raw, run_barometer

from assets.intake import staging
from core.warehouse import Warehouse

ROUNDS = ["2008-05", "2008-11", "2009-05"]


def _q(path, sql):
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_a_step_failing_midway_stages_nothing_and_keeps_every_file_registered(tmp_path, monkeypatch):
    raw = copy_raw(tmp_path / "raw", ROUNDS)
    wh = tmp_path / "wh"
    settle = staging._settle

    def fails_in_the_last_round(con, key, *args, **kwargs):
        if key[0] == ROUNDS[-1] and key[1] == "BIF":
            raise OSError("disk gone (injected)")
        return settle(con, key, *args, **kwargs)

    monkeypatch.setattr(staging, "_settle", fails_in_the_last_round)
    with pytest.raises(Exception, match="disk gone"):
        run_barometer(raw, wh)
    w = Warehouse(warehouse_dir=str(wh))
    internal, history = w.internal_db, w.history_db
    bif = "department = 'BIF' AND kind = 'indicators'"
    # the two rounds staged before the failure were rolled back with it
    assert _q(internal, f"SELECT count(*) FROM submission_archive WHERE {bif}") == [(0,)]
    assert _q(internal, "SELECT count(*) FROM submission_rows WHERE department = 'BIF'") == [(0,)]
    assert _q(internal, f"SELECT count(*) FROM submission_winners WHERE {bif}") == [(0,)]
    # ... but every BIF file read, the failing round's too, is registered and archived
    registered = _q(history, f"SELECT round FROM received_files WHERE {bif} ORDER BY round")
    assert [r[0] for r in registered] == ROUNDS
    # another department's step, in its own transaction, was not touched by BIF's failure
    assert _q(internal, "SELECT count(DISTINCT round) FROM submission_archive WHERE department = 'SOF' "
                        "AND kind = 'indicators'") in ([(0,)], [(len(ROUNDS),)])

    monkeypatch.setattr(staging, "_settle", settle)
    run = run_barometer(raw, wh, rounds=[ROUNDS[0]])  # a run of one round re-derives the others
    assert _q(run.internal_db, f"SELECT round, version, outcome FROM submission_archive WHERE {bif} "
                               "ORDER BY round") == [(r, 1, "accepted") for r in ROUNDS]
    staged = _q(run.internal_db, "SELECT round, count(*) FROM submission_rows WHERE department = 'BIF' "
                                 "GROUP BY round ORDER BY round")
    assert [r[0] for r in staged] == ROUNDS and all(n > 0 for _, n in staged)
