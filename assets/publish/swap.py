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

from core.contracts import Contract, ContractError, comment_sql, published

NULL_TYPE = '"NULL"'   # how DESCRIBE spells the type of a column that pandas left untyped


def check_sources(con: duckdb.DuckDBPyConnection, contracts: list[Contract]) -> list[str]:
    """What keeps the internal tables from being published under their contracts: a column the
    contract lacks (it would be published undocumented), a contract column the table lacks, or
    another type. A column NULL in every row (a first round has no series break; no housing file
    yet) comes out of pandas untyped: it is published with the contract's type, so the types a BI
    tool sees never depend on the data."""
    problems = []
    for c in contracts:
        try:
            actual = {col: typ for col, typ, *_ in con.execute(f"DESCRIBE main.{c.source}").fetchall()}
        except duckdb.CatalogException:
            problems.append(f"{c.name}: its source table main.{c.source} does not exist")
            continue
        declared = {col.name: col.type for col in c.columns}
        where = c.name if c.source == c.name else f"{c.name} (from {c.source})"
        if extra := [col for col in actual if col not in declared]:
            problems.append(f"{where}: columns not in its contract {c.name}.yml: {', '.join(extra)}")
        if missing := [col for col in declared if col not in actual]:
            problems.append(f"{where}: contract columns the table does not have: {', '.join(missing)}")
        problems += [f"{where}.{col}: type {actual[col]}, contract says {typ}" for col, typ in declared.items()
                     if col in actual and actual[col] not in (typ, NULL_TYPE)]
    return problems


def _create(con: duckdb.DuckDBPyConnection, c: Contract) -> None:
    """Create pub.<table> from its source in the contract's column order, with the comments."""
    actual = {col: typ for col, typ, *_ in con.execute(f"DESCRIBE main.{c.source}").fetchall()}
    select = ", ".join(f'CAST("{col.name}" AS {col.type}) AS "{col.name}"' if actual[col.name] == NULL_TYPE
                       else f'"{col.name}"' for col in c.columns)
    con.execute(f"CREATE TABLE pub.{c.name} AS SELECT {select} FROM main.{c.source}")
    con.execute(f"COMMENT ON TABLE pub.{c.name} IS {comment_sql(c.description)}")
    for col in c.columns:
        con.execute(f'COMMENT ON COLUMN pub.{c.name}."{col.name}" IS {comment_sql(col.description)}')


def publish(con: duckdb.DuckDBPyConnection, public_db: Path, marts_dir: Path, run_id: str,
            contracts: list[Contract] | None = None) -> dict[str, int]:
    """Copy the tables under contract (assets/<domain>/contracts/) from the internal connection into a
    fresh file, with their comments, and the marts into a fresh parquet folder, then rename them
    into place. Returns the row count per published table."""
    contracts = published() if contracts is None else contracts
    problems = check_sources(con, contracts)
    if problems:   # before anything is written: what is published stays as it was
        raise ContractError("the tables to publish do not match their contracts (assets/<domain>/contracts/); nothing "
                            "was published:\n  " + "\n  ".join(problems))
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
    try:
        con.execute(f"ATTACH '{tmp_db}' AS pub")
        try:
            for c in contracts:
                _create(con, c)
                counts[c.name] = con.execute(f"SELECT count(*) FROM pub.{c.name}").fetchone()[0]
                if c.kind == "mart":
                    con.execute(f"COPY pub.{c.name} TO '{new_marts / (c.name + '.parquet')}' (FORMAT parquet)")
            con.execute("CHECKPOINT pub")
        finally:
            con.execute("DETACH pub")
    except BaseException:
        # a failure before the swap leaves what is published as it was; the half-built copies go
        for path in (tmp_db, tmp_db.with_name(tmp_db.name + ".wal")):
            path.unlink(missing_ok=True)
        shutil.rmtree(new_marts, ignore_errors=True)
        raise

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
