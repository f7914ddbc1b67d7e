"""Shared fixtures: real Dagster runs of the real definitions, on temporary warehouses."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines import settings

PROJECT = settings.PROJECT_ROOT
SAMPLE_RAW = PROJECT / "raw"
FIXTURES = Path(__file__).parent / "fixtures"


@dataclass
class Run:
    raw: Path
    warehouse: Path
    result: dg.ExecuteInProcessResult

    @property
    def public_db(self) -> Path:
        return self.warehouse / "barometer.duckdb"

    @property
    def internal_db(self) -> Path:
        return self.warehouse / "internal" / "barometer_internal.duckdb"

    def public(self) -> duckdb.DuckDBPyConnection:
        return duckdb.connect(str(self.public_db), read_only=True)

    def internal(self) -> duckdb.DuckDBPyConnection:
        return duckdb.connect(str(self.internal_db), read_only=True)


def run_barometer(raw: Path, warehouse: Path, rounds: list[str] | None = None,
                  instance: dg.DagsterInstance | None = None) -> Run:
    """Execute the real `barometer_job` in-process, as `barometer run` does."""
    from pipelines.definitions import defs

    old = {k: os.environ.get(k) for k in (settings.ENV_RAW_DIR, settings.ENV_WAREHOUSE_DIR)}
    os.environ[settings.ENV_RAW_DIR] = str(raw)
    os.environ[settings.ENV_WAREHOUSE_DIR] = str(warehouse)
    try:
        rounds = rounds or sorted(p.name for p in raw.iterdir() if p.is_dir())
        result = defs.resolve_job_def("barometer_job").execute_in_process(
            instance=instance or dg.DagsterInstance.ephemeral(),
            tags={"dagster/asset_partition_range_start": rounds[0],
                  "dagster/asset_partition_range_end": rounds[-1]},
            run_config={"loggers": {"console": {"config": {"log_level": "WARNING"}}}},
            raise_on_error=True,
        )
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return Run(raw, warehouse, result)


def copy_raw(dest: Path, rounds: list[str] | None = None) -> Path:
    """A private copy of the shipped sample rounds (tests may add or break files in it)."""
    dest.mkdir(parents=True, exist_ok=True)
    for folder in sorted(SAMPLE_RAW.iterdir()):
        if folder.is_dir() and (rounds is None or folder.name in rounds):
            shutil.copytree(folder, dest / folder.name)
    return dest


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory) -> Run:
    """One real run over every shipped sample round, shared by the read-only tests."""
    base = tmp_path_factory.mktemp("sample")
    return run_barometer(SAMPLE_RAW, base / "warehouse")


@pytest.fixture(scope="session")
def catalog():
    from schemas.catalog import load_catalog

    return load_catalog(settings.catalog_path())
