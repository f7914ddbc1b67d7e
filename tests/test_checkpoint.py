"""A step's connection writes what it committed into the database files when its work is done
(core/warehouse.py, _checkpoint): the internal database and the attached history, while the
connection is still open, and without a deferred-checkpoint warning."""

import logging

from core import warehouse


def test_a_step_checkpoints_both_databases_before_it_closes(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("BAROMETER_WAREHOUSE_DIR", str(tmp_path))
    w = warehouse.Warehouse()
    caplog.set_level(logging.WARNING, logger=warehouse.__name__)
    with w.connect() as con:
        con.execute("CREATE TABLE t AS SELECT range AS a FROM range(200000)")
        con.execute("CREATE TABLE history.t AS SELECT range AS a FROM range(200000)")
        wals = [w.internal_db.with_name(w.internal_db.name + ".wal"),
                w.history_db.with_name(w.history_db.name + ".wal")]
        assert all(p.exists() and p.stat().st_size > 0 for p in wals)  # committed, not yet in the files
        warehouse._checkpoint(con)
        assert not [p for p in wals if p.exists() and p.stat().st_size > 0]
    assert not [r for r in caplog.records if "deferred" in r.getMessage()]
