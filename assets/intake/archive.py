"""The archive: every file content that ever arrived, kept as it arrived, and its register
(`history.received_files` in the durable history database). Both are append-only and survive any
rebuild of the derived warehouse.

The bytes stored are the bytes that were hashed, validated and staged (the caller reads a file
once, dropfolder.read_bytes). A stored file is written to a temporary name and then linked into
place, so it is whole or absent; an existing file is never overwritten; files are readable by the
owner only (0600, folders 0700)."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import duckdb

from core.settings import private_dir


@dataclass(frozen=True)
class Received:
    """One registered file version."""

    version: int
    sha256: str
    file_name: str
    archived_path: str  # relative to the archive folder
    size_bytes: int
    received_at: dt.datetime


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _store(archive_dir: Path, relpath: str, data: bytes) -> None:
    dest = archive_dir / relpath
    if dest.exists():
        return  # content-addressed: the same name holds the same bytes; never overwritten
    private_dir(dest.parent)
    for parent in dest.parent.relative_to(archive_dir).parents:  # every level below the archive
        if str(parent) != ".":
            (archive_dir / parent).chmod(0o700)
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.part")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.link(tmp, dest)  # fails if dest appeared meanwhile: the first copy stays
    except FileExistsError:
        pass
    finally:
        tmp.unlink(missing_ok=True)


def register(con: duckdb.DuckDBPyConnection, archive_dir: Path, key: list[str], file_name: str, ext: str,
             data: bytes, run_id: str | None) -> Received:
    """Archive the bytes and register them as the next version for (round, department, kind),
    unless the same bytes were registered before. Commits on its own (the history is a separate
    database, written in its own transactions)."""
    sha = sha256_hex(data)
    found = lookup(con, key, sha)
    if found:
        return found
    round_key, department, kind = key
    relpath = f"{round_key}/{department}/{sha}{ext}"
    _store(archive_dir, relpath, data)
    con.execute(
        """INSERT INTO history.received_files
           SELECT ?, ?, ?, coalesce((SELECT max(version) FROM history.received_files
                                     WHERE round = ? AND department = ? AND kind = ?), 0) + 1,
                  ?, ?, ?, ?, ?, ?""",
        key + key + [sha, file_name, relpath, len(data), dt.datetime.now(), run_id])
    return lookup(con, key, sha)


def lookup(con: duckdb.DuckDBPyConnection, key: list[str], sha: str) -> Received | None:
    row = con.execute(
        "SELECT version, sha256, file_name, archived_path, size_bytes, received_at FROM history.received_files "
        "WHERE round = ? AND department = ? AND kind = ? AND sha256 = ?", key + [sha]).fetchone()
    return Received(*row) if row else None


def versions(con: duckdb.DuckDBPyConnection, key: list[str]) -> list[Received]:
    """Every registered version of (round, department, kind), in order of arrival."""
    rows = con.execute(
        "SELECT version, sha256, file_name, archived_path, size_bytes, received_at FROM history.received_files "
        "WHERE round = ? AND department = ? AND kind = ? ORDER BY version", key).fetchall()
    return [Received(*r) for r in rows]


def load(archive_dir: Path, received: Received) -> bytes:
    """The archived bytes of a version, checked against the hash they were registered under."""
    data = (archive_dir / received.archived_path).read_bytes()
    if sha256_hex(data) != received.sha256:
        raise OSError(f"archive file {received.archived_path} does not match its registered SHA-256")
    return data


def registered_rounds(con: duckdb.DuckDBPyConnection, department: str | None = None) -> list[str]:
    sql = "SELECT DISTINCT round FROM history.received_files"
    rows = con.execute(sql + (" WHERE department = ?" if department else "") + " ORDER BY 1",
                       [department] if department else []).fetchall()
    return [r[0] for r in rows]
