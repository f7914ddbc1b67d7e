"""`barometer backup` and `barometer restore` (docs/operations.md, "Backup and restore"): the
durable state is warehouse/archive/, every file content received and `history.duckdb` (the
register of versions and the publication log). Everything else is derived, so a backup is that
folder, and a restore puts it back into an empty warehouse folder and re-derives the rest with one
run over every round the archive knows (raw/ may be empty: each round keeps its latest accepted
version).

A backup is a .tar.gz with a manifest (every file's SHA-256 and size); it is taken while holding
the warehouse's one writing connection, so no run writes the history during the copy. A restore
refuses a warehouse that already has an archive, extracts with tarfile's `data` filter (no
absolute paths, no `..`, no links out), checks every file against the manifest, and makes the
files readable by the owner only."""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import tarfile
import time
from pathlib import Path

from assets.intake.neutral import terminal
from core import settings

MANIFEST = "MANIFEST.json"
ROOT = "archive"


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def backup(out: Path) -> dict:
    """Write the archive folder to `out` (.tar.gz) with its manifest; returns the manifest."""
    from core.warehouse import Warehouse

    wh = Warehouse()
    with wh.connect():   # the one writing connection: no run writes the history meanwhile
        files = sorted(p for p in wh.archive_dir.rglob("*") if p.is_file() and not p.is_symlink())
        manifest = {"created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                    "files": {p.relative_to(wh.archive_dir).as_posix(): {"sha256": _sha256(p), "size": p.stat().st_size}
                              for p in files}}
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(out.name + ".partial")
        with tarfile.open(tmp, "w:gz") as tar:
            for p in files:
                tar.add(p, arcname=f"{ROOT}/{p.relative_to(wh.archive_dir).as_posix()}", recursive=False)
            data = json.dumps(manifest, indent=1).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mode, info.mtime = len(data), 0o600, int(time.time())
            tar.addfile(info, io.BytesIO(data))
        os.chmod(tmp, 0o600)
        os.replace(tmp, out)
    return manifest


def restore(source: Path) -> dict:
    """Put a backup's archive into the (empty) warehouse folder and check it; returns the manifest."""
    from core.warehouse import Warehouse

    wh = Warehouse()
    if wh.archive_dir.exists() and any(wh.archive_dir.iterdir()):
        raise SystemExit(f"barometer restore: {terminal(wh.archive_dir)} is not empty; restore into an empty "
                         "warehouse folder (BAROMETER_WAREHOUSE_DIR), never over a durable record")
    with tarfile.open(source, "r:gz") as tar:
        manifest = json.loads(tar.extractfile(MANIFEST).read())
        members = [m for m in tar.getmembers() if m.name.startswith(ROOT + "/") and m.isfile()]
        settings.private_dir(wh.archive_dir)
        tar.extractall(wh.root, members=members, filter="data")
    wrong = []
    for rel, meta in manifest["files"].items():
        p = wh.archive_dir / rel
        if not p.is_file() or _sha256(p) != meta["sha256"]:
            wrong.append(rel)
        else:
            p.chmod(0o600)
    for d in [wh.archive_dir, *(p for p in wh.archive_dir.rglob("*") if p.is_dir())]:
        d.chmod(0o700)
    if wrong:
        raise SystemExit(f"barometer restore: {len(wrong)} file(s) differ from the backup's manifest, e.g. "
                         f"{terminal(wrong[0])}")
    return manifest


def archived_rounds() -> list[str]:
    """Every round the restored history has a version of."""
    import duckdb

    from core.warehouse import Warehouse

    con = duckdb.connect(str(Warehouse().history_db), read_only=True)
    try:
        return [r for (r,) in con.execute("SELECT DISTINCT round FROM received_files ORDER BY 1").fetchall()]
    finally:
        con.close()


def cmd_backup(args: argparse.Namespace) -> int:
    out = Path(args.out).resolve()
    manifest = backup(out)
    print(f"barometer backup: {len(manifest['files'])} file(s) of the archive written to {terminal(out)}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from pipelines.cli import cmd_run

    manifest = restore(Path(args.source).resolve())
    rounds = archived_rounds()
    print(f"barometer restore: {len(manifest['files'])} file(s) restored and checked; re-deriving "
          f"{len(rounds)} round(s) from the archive")
    if not rounds:
        return 0
    return cmd_run(argparse.Namespace(round=None, log_level=args.log_level, from_archive=rounds))


def add_commands(sub) -> None:
    p = sub.add_parser("backup", help="write the durable archive (files received, publication history) to a .tar.gz")
    p.add_argument("out", help="the backup file to write, e.g. barometer-2026-12-01.tar.gz")
    p.set_defaults(fn=cmd_backup)
    p = sub.add_parser("restore", help="restore a backup into an empty warehouse folder and re-derive everything")
    p.add_argument("source", help="a file written by `barometer backup`")
    p.add_argument("--log-level", default="WARNING", help="Dagster console log level (default WARNING)")
    p.set_defaults(fn=cmd_restore)

