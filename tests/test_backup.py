"""`barometer backup` and `barometer restore` (pipelines/backup.py, docs/operations.md "Backup
and restore"): the sample goes through the real job, its durable archive is backed up, restored
into an empty warehouse folder with an empty raw/, and re-derived; what is published then equals
what was published before, table by table and row by row, and the publication history and the
register of every file received come back whole."""

from __future__ import annotations

import importlib.util
import io
import tarfile

import duckdb
import pytest
from conftest import PROJECT, copy_raw, run_barometer

from core import settings
from pipelines.cli import main


def _tool():
    spec = importlib.util.spec_from_file_location("compare_published", PROJECT / "tools" / "compare_published.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _history(warehouse) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(warehouse / "archive" / "history.duckdb"), read_only=True)
    try:
        return {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall()
                for (t,) in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    finally:
        con.close()


def _use(monkeypatch, raw, warehouse, home) -> None:
    monkeypatch.setenv(settings.ENV_RAW_DIR, str(raw))
    monkeypatch.setenv(settings.ENV_WAREHOUSE_DIR, str(warehouse))
    monkeypatch.setenv("DAGSTER_HOME", str(home))


def test_backup_then_restore_into_an_empty_folder_reproduces_the_record(tmp_path, monkeypatch, capsys):
    before = tmp_path / "before"
    run_barometer(copy_raw(before / "raw"), before / "warehouse")
    history = _history(before / "warehouse")
    assert history["received_files"] and history["publication_log"]

    _use(monkeypatch, before / "raw", before / "warehouse", tmp_path / "home")
    backup = tmp_path / "backups" / "barometer.tar.gz"
    assert main(["backup", str(backup)]) == 0
    assert backup.stat().st_mode & 0o077 == 0      # owner only: it holds counts of persons

    after = tmp_path / "after"
    (after / "raw").mkdir(parents=True)            # a new machine: nothing in raw/
    _use(monkeypatch, after / "raw", after / "warehouse", tmp_path / "home2")
    assert main(["restore", str(backup)]) == 0
    assert "re-deriving" in capsys.readouterr().out

    # the durable record: every row of the history as it was (the restore's own run adds its publication)
    restored = _history(after / "warehouse")
    for table, rows in history.items():
        assert set(rows) <= set(restored[table]), table
    assert restored["received_files"] == history["received_files"]
    # the published warehouse, table by table and row by row
    tool = _tool()
    tool.dump(before / "warehouse", tmp_path / "dump_before")
    tool.dump(after / "warehouse", tmp_path / "dump_after")
    # submission_tracker's file counts say what raw/ holds at the last run (empty here): every other
    # column of it, and every other table, comes back exactly
    counts = ["files_received", "files_rejected", "files_refused", "housing_files_received"]
    for side in ("dump_before", "dump_after"):
        for kind in ("duckdb", "parquet"):
            path = tmp_path / side / f"{kind}.submission_tracker.parquet"
            blank = ", ".join(f"NULL::BIGINT AS {c}" for c in counts)
            duckdb.sql(f"COPY (SELECT * REPLACE ({blank}) FROM '{path}') TO '{path}.x' (FORMAT parquet)")
            path.unlink()
            path.with_suffix(".parquet.x").rename(path)
    assert tool.compare(tmp_path / "dump_before", tmp_path / "dump_after") == 0
    archive = after / "warehouse" / "archive"
    assert all(p.stat().st_mode & 0o077 == 0 for p in archive.rglob("*"))


def test_restore_never_writes_over_an_archive(tmp_path, monkeypatch, sample_run):
    _use(monkeypatch, sample_run.raw, sample_run.warehouse, tmp_path / "home")
    backup = tmp_path / "b.tar.gz"
    assert main(["backup", str(backup)]) == 0
    with pytest.raises(SystemExit, match="not empty"):
        main(["restore", str(backup)])


def test_a_tampered_or_hostile_backup_is_refused(tmp_path, monkeypatch, sample_run):
    _use(monkeypatch, sample_run.raw, sample_run.warehouse, tmp_path / "home")
    good = tmp_path / "good.tar.gz"
    assert main(["backup", str(good)]) == 0
    bad = tmp_path / "bad.tar.gz"
    with tarfile.open(good) as src, tarfile.open(bad, "w:gz") as dst:
        for m in src.getmembers():
            data = src.extractfile(m).read() if m.isfile() else None
            if m.name.endswith("history.duckdb"):
                data = data[:-1] + bytes([data[-1] ^ 1])   # one bit flipped
            dst.addfile(m, io.BytesIO(data) if data is not None else None)
        link = tarfile.TarInfo("archive/escape")
        link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
        dst.addfile(link)
    empty = tmp_path / "empty"
    _use(monkeypatch, tmp_path / "raw", empty, tmp_path / "home3")
    (tmp_path / "raw").mkdir()
    with pytest.raises(SystemExit, match="differ from the backup"):
        main(["restore", str(bad)])
    assert not (empty / "archive" / "escape").exists()
