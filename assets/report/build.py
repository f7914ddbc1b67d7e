"""Build the published report and swap it in atomically: every page is written into a fresh
folder `<out>_versions/<tag>/`, then `<out>` (a symbolic link, as `warehouse/marts` is) is pointed
at it with one rename, so a reader never sees a half-written report. Older versions are removed
(the one before stays, for a reader still on it)."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from assets.indicators.progress import HIGH, MEDIUM
from assets.report.data import read_published
from assets.report.geo import load_shapes
from assets.report.pages import render_site
from core import disclosure, settings
from schemas.catalog import load_catalog

KEEP_VERSIONS = 2   # the new one and the one before
SOURCE_FILE = "publication.json"   # which publication of barometer.duckdb the report was built from


def staleness(report: Path, public_db: Path) -> str | None:
    """Why the report at `report` is not the one of the published barometer now, or None when it
    is: it records the publication it was built from (edition, published-at, the file's size and
    time), and a later publication of barometer.duckdb is another file."""
    from assets.report.data import publication_of

    if not public_db.exists():
        return None
    try:
        built = json.loads((report / SOURCE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "it does not say which publication it was built from (built before this was recorded)"
    now = publication_of(public_db, [])
    if (built.get("size"), built.get("mtime_ns")) != (now["size"], now["mtime_ns"]):
        return (f"it was built from the publication of {built.get('published_at')} (edition {built.get('edition')}); "
                f"barometer.duckdb was published again at {now['published_at']}")
    return None


@dataclass
class Built:
    path: Path           # the report's folder (the link)
    version: Path        # the folder it points at
    round: str
    pages: int
    seconds: float
    corrected: list[dict] = field(default_factory=list)   # the round's figures corrected since its edition


def method_rules(catalog_path: Path | None = None) -> dict:
    """The rules the method page states, from where they are kept (catalog/disclosure.yaml, the
    progress assessment's thresholds): never copied prose."""
    rules = disclosure.load_rules(catalog_path or settings.catalog_path())
    return {"min_count": rules.min_count, "min_denominator": rules.min_denominator, "on_track": HIGH, "at_risk": MEDIUM}


def swap_in(new: Path, out: Path) -> None:
    """Point `out` at the folder `new` with one atomic rename of a symbolic link. A real folder
    at `out` (a report built before the link, or by hand) is moved aside first."""
    link = out.parent / f".{out.name}.{new.name}.link"
    link.unlink(missing_ok=True)
    os.symlink(os.path.relpath(new, out.parent), link)
    if out.exists() and not out.is_symlink():
        out.rename(new.parent / f"{new.name}.replaced")
    os.replace(link, out)


def prune(versions: Path, current: Path) -> None:
    """Remove all but the newest versions (the current one always stays)."""
    old = sorted((p for p in versions.iterdir() if p != current), key=lambda p: p.stat().st_mtime, reverse=True)
    for p in old[KEEP_VERSIONS - 1:]:
        shutil.rmtree(p, ignore_errors=True) if p.is_dir() else p.unlink(missing_ok=True)


def build_report(public_db: Path, out: Path, round_key: str | None = None, run_id: str | None = None,
                 catalog_path: Path | None = None) -> Built:
    """Build the report of `round_key` (default the latest round) from the published barometer
    at `public_db` and swap it in at `out`."""
    start = time.perf_counter()
    data = read_published(public_db, round_key)
    archives = [read_published(public_db, r) for r in data.rounds if r < data.round and r in data.area_rounds]
    catalog_file = catalog_path or settings.catalog_path()
    notes_da = load_catalog(catalog_file).notes_da()
    versions = out.parent / f"{out.name}_versions"
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    new = versions / f"{stamp}-{(run_id or 'manual')[:8]}-{os.getpid()}"
    shutil.rmtree(new, ignore_errors=True)
    try:
        catalog_dir = catalog_file.parent
        pages = render_site(data, new, method_rules(catalog_path), shapes=load_shapes(catalog_dir, data.districts),
                            notes_da=notes_da, archives=archives)
        (new / SOURCE_FILE).write_text(json.dumps({**data.publication, "round": data.round}, indent=1),
                                       encoding="utf-8")
    except BaseException:
        shutil.rmtree(new, ignore_errors=True)   # what is published stays as it was
        raise
    swap_in(new, out)
    prune(versions, new)
    return Built(out, new, data.round, pages, time.perf_counter() - start, data.later_corrected)
