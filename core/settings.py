"""Where things live. Environment variables override the project-local defaults."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]

ENV_RAW_DIR = "BAROMETER_RAW_DIR"
ENV_WAREHOUSE_DIR = "BAROMETER_WAREHOUSE_DIR"
ENV_CATALOG = "BAROMETER_CATALOG"

PUBLIC_DB_NAME = "barometer.duckdb"
INTERNAL_DB_RELPATH = Path("internal") / "barometer_internal.duckdb"
ARCHIVE_DIRNAME = "archive"          # durable: every file received, and the publication history
HISTORY_DB_NAME = "history.duckdb"   # inside the archive folder


def raw_dir() -> Path:
    return Path(os.environ.get(ENV_RAW_DIR) or PROJECT_ROOT / "raw").resolve()


def warehouse_dir() -> Path:
    return Path(os.environ.get(ENV_WAREHOUSE_DIR) or PROJECT_ROOT / "warehouse").resolve()


def catalog_path() -> Path:
    return Path(os.environ.get(ENV_CATALOG) or PROJECT_ROOT / "catalog" / "indicators.yaml").resolve()


def dagster_home() -> Path:
    return Path(os.environ.get("DAGSTER_HOME") or PROJECT_ROOT / ".dagster_home").resolve()


def private_dir(path: Path) -> Path:
    """A folder only the owner can read (the archive holds counts of persons)."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    path.chmod(0o700)
    return path
