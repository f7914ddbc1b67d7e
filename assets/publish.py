"""Publish the public marts without ever exposing a half-built warehouse: build a new DuckDB file
and a new folder of parquet files beside the published ones, then swap each in with one atomic
rename (`warehouse/marts` is a symbolic link to the current `warehouse/marts_versions/<run>/`, so
the parquet marts change all together).

A BI tool holding the old `barometer.duckdb` open keeps reading the old file (its inode lives on
until it reconnects); DuckDB's lock on that file never blocks the run, which writes a new file."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb

PUBLIC_MARTS = ["barometer_history", "barometer_latest", "district_values", "area_summary", "round_summary",
                "housing_areas", "housing_summary", "housing_decomposition", "housing_district_shares",
                "submission_tracker", "barometer_vintages"]
# Published beside the marts: metadata a BI user needs to read them (no counts of persons).
PUBLIC_REFERENCE = {"indicators": "indicator_catalog", "districts": "code_districts"}


def publish(con: duckdb.DuckDBPyConnection, public_db: Path, marts_dir: Path, run_id: str) -> dict[str, int]:
    """Copy the public tables from the internal connection into a fresh file and a fresh parquet
    folder, then rename them into place. Returns the row count per published mart."""
    public_db.parent.mkdir(parents=True, exist_ok=True)
    tag = run_id[:8] if run_id else "manual"
    tmp_db = public_db.with_name(f".{public_db.name}.{tag}.tmp")
    versions = marts_dir.parent / "marts_versions"
    new_marts = versions / f"{tag}-{os.getpid()}"
    # leftovers of earlier runs that failed while publishing (runs publish one at a time: the
    # internal database's single writer is held here), which would otherwise pile up on the disk
    for leftover in [*public_db.parent.glob(f".{public_db.name}.*.tmp*"), *marts_dir.parent.glob(".marts.*.link")]:
        leftover.unlink(missing_ok=True)
    shutil.rmtree(new_marts, ignore_errors=True)
    new_marts.mkdir(parents=True)

    counts: dict[str, int] = {}
    con.execute(f"ATTACH '{tmp_db}' AS pub")
    try:
        # A column that is NULL in every row (a first round has no series break; no housing file
        # yet) comes out of pandas untyped: publish it with the type the same column has in
        # another mart, else VARCHAR, so the BI contract's types never depend on the data.
        types = {name: con.execute(f"DESCRIBE main.{name}").fetchall() for name in PUBLIC_MARTS}
        known = {col: typ for cols in types.values() for col, typ, *_ in cols if typ != '"NULL"'}
        for name in PUBLIC_MARTS:
            select = ", ".join(f'CAST("{col}" AS {known.get(col, "VARCHAR")}) AS "{col}"' if typ == '"NULL"'
                               else f'"{col}"' for col, typ, *_ in types[name])
            con.execute(f"CREATE TABLE pub.{name} AS SELECT {select} FROM main.{name}")
            counts[name] = con.execute(f"SELECT count(*) FROM pub.{name}").fetchone()[0]
            con.execute(f"COPY pub.{name} TO '{new_marts / (name + '.parquet')}' (FORMAT parquet)")
        for public, internal in PUBLIC_REFERENCE.items():
            con.execute(f"CREATE TABLE pub.{public} AS SELECT * FROM main.{internal}")
        con.execute("CHECKPOINT pub")
    finally:
        con.execute("DETACH pub")

    # Swap in: the parquet folder first (one rename of the link), the database last.
    if marts_dir.exists() and not marts_dir.is_symlink():
        shutil.rmtree(marts_dir)  # a folder from an older version of the pipeline: replaced once
    link = marts_dir.with_name(f".marts.{tag}.link")
    link.unlink(missing_ok=True)
    os.symlink(os.path.relpath(new_marts, marts_dir.parent), link)
    previous = marts_dir.resolve() if marts_dir.is_symlink() else None
    os.replace(link, marts_dir)
    os.replace(tmp_db, public_db)
    # keep the folder just replaced (a reader may still be reading it); drop older ones
    for old in versions.iterdir():
        if old.resolve() not in (new_marts.resolve(), previous):
            shutil.rmtree(old, ignore_errors=True)
    return counts


def log_publication(con: duckdb.DuckDBPyConnection, run_id: str) -> int:
    """Append what was just published to the durable publication log (only after the swap: a run
    that fails before it logs nothing, and the next publication logs the same figures). Figures
    are recomputed by every run, so a crash between the swap and this line loses nothing but the
    exact time. Returns the number of figures logged."""
    n = con.execute("SELECT count(*) FROM pending_publication").fetchone()[0]
    con.execute("INSERT INTO history.publication_log SELECT * FROM pending_publication")
    con.execute("INSERT INTO history.publications SELECT ?, now(), (SELECT max(round) FROM submission_winners "
                "WHERE kind = 'indicators'), ?", [run_id, n])
    con.execute("DELETE FROM pending_publication")
    return int(n)
