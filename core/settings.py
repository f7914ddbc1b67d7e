"""Where things live. Environment variables override the project-local defaults."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]

ENV_RAW_DIR = "BAROMETER_RAW_DIR"
ENV_WAREHOUSE_DIR = "BAROMETER_WAREHOUSE_DIR"
ENV_CATALOG = "BAROMETER_CATALOG"
ENV_PROFILE = "BAROMETER_PROFILE"   # local (the default) or production (docs/deployment.md)
PROFILES = {
    # profile: (the Dagster instance file copied into DAGSTER_HOME, schedules and sensor on by default)
    "local": ("dagster.yaml", False),
    "production": ("deploy/dagster.production.yaml", True),
}
# The concurrency pool of every step that writes the internal DuckDB file (one writer at a time,
# across runs); the production instance limits it to 1 (deploy/dagster.production.yaml).
WAREHOUSE_POOL = "barometer_warehouse"

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


def profile() -> str:
    """The deployment profile, BAROMETER_PROFILE: `local` (SQLite under the project's Dagster home,
    automation off until switched on) or `production` (Postgres, queued runs, automation on)."""
    name = (os.environ.get(ENV_PROFILE) or "local").strip().lower()
    if name not in PROFILES:
        raise ValueError(f"{ENV_PROFILE}={name!r}: use one of {', '.join(PROFILES)}")
    return name


def instance_yaml() -> Path:
    """The Dagster instance configuration of the profile in force."""
    return PROJECT_ROOT / PROFILES[profile()][0]


def automation_on_by_default() -> bool:
    """Whether the schedules and the sensor run without anyone switching them on (production)."""
    return PROFILES[profile()][1]


def sensor_interval_seconds() -> int:
    """How often the daemon looks for new files in raw/ (BAROMETER_SENSOR_SECONDS; default 60)."""
    return int(os.environ.get("BAROMETER_SENSOR_SECONDS") or 60)


def dagster_home() -> Path:
    return Path(os.environ.get("DAGSTER_HOME") or PROJECT_ROOT / ".dagster_home").resolve()


def private_dir(path: Path) -> Path:
    """A folder only the owner can read (the archive holds counts of persons)."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    path.chmod(0o700)
    return path
