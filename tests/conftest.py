"""Shared fixtures: real Dagster runs of the real definitions, on temporary warehouses.

Tests never read the live drop folder `raw/`: a user may drop a resubmission or a new round
there at any time. The shipped sample rounds are produced by the deterministic generators
(tools/generate_samples.py, tools/generate_housing_samples.py, tools/generate_effort_samples.py)
once per test session into a session temp folder; `sample_raw_dir()`, the `sample_raw` fixture,
`SAMPLE_RAW`, `copy_raw` and `sample_run` all use that folder. For the whole session the raw, warehouse and Dagster-home
settings also point into temp folders, so nothing a test runs reads `raw/` or writes into the
project's `warehouse/` or `.dagster_home/`.
"""

from __future__ import annotations

import atexit
import importlib.util
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from core import settings

PROJECT = settings.PROJECT_ROOT
PROJECT_RAW = PROJECT / "raw"    # the live drop folder: never read by tests (see test_sample_isolation.py)
FIXTURES = Path(__file__).parent / "fixtures"
SAMPLE_GENERATORS = (PROJECT / "tools" / "generate_samples.py",
                     PROJECT / "tools" / "generate_housing_samples.py",
                     PROJECT / "tools" / "generate_effort_samples.py")

_config: pytest.Config | None = None
_sample: dict = {}   # "dir": the generated folder, "files": its files (relative), "seconds": time taken


def pytest_configure(config):
    global _config
    _config = config


def generate_sample(out: Path) -> list[Path]:
    """Run the sample generators into `out` (as `--out DIR` does); the written files, relative."""
    written: list[Path] = []
    for script in SAMPLE_GENERATORS:
        spec = importlib.util.spec_from_file_location(f"_barometer_{script.stem}", script)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        written += [Path(p).relative_to(out) for p in module.generate(out)]
    return sorted(written)


def _generate_once(factory: pytest.TempPathFactory | None = None) -> Path:
    if "dir" not in _sample:
        factory = factory or getattr(_config, "_tmp_path_factory", None)
        if factory is not None:
            out = factory.mktemp("sample_rounds", numbered=False) / "raw"
        else:   # imported outside a pytest session
            tmp = tempfile.mkdtemp(prefix="barometer-sample-")
            atexit.register(shutil.rmtree, tmp, True)
            out = Path(tmp) / "raw"
        out.mkdir()
        started = time.perf_counter()
        files = generate_sample(out)
        _sample.update(dir=out, files=files, seconds=time.perf_counter() - started)
    return _sample["dir"]


def sample_raw_dir() -> Path:
    """The shipped sample rounds, generated once per test session into a session temp folder
    (never the project's raw/). Treat it as read-only; `copy_raw` gives a private copy."""
    return _generate_once()


def sample_files() -> list[Path]:
    """The files the generators write, relative to `sample_raw_dir()`."""
    _generate_once()
    return list(_sample["files"])


def __getattr__(name: str):
    # SAMPLE_RAW stays importable (`from conftest import SAMPLE_RAW`): the generated folder.
    if name == "SAMPLE_RAW":
        return sample_raw_dir()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@pytest.fixture(scope="session")
def sample_raw(tmp_path_factory) -> Path:
    """The session's generated sample rounds (read-only by convention)."""
    return _generate_once(tmp_path_factory)


@pytest.fixture(scope="session", autouse=True)
def _isolated_from_project(tmp_path_factory, sample_raw):
    """For the whole session the default raw folder is the generated sample and the warehouse
    and Dagster home are temp folders: a test or command that relies on the defaults never sees
    the live raw/ nor writes into the project's warehouse/ or .dagster_home/."""
    base = tmp_path_factory.mktemp("project_defaults", numbered=False)
    home = base / "dagster_home"
    home.mkdir()
    shutil.copyfile(PROJECT / "dagster.yaml", home / "dagster.yaml")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(settings.ENV_RAW_DIR, str(sample_raw))
        mp.setenv(settings.ENV_WAREHOUSE_DIR, str(base / "warehouse"))
        mp.setenv("DAGSTER_HOME", str(home))
        yield


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
    for folder in sorted(sample_raw_dir().iterdir()):
        if folder.is_dir() and (rounds is None or folder.name in rounds):
            shutil.copytree(folder, dest / folder.name)
    return dest


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory, sample_raw) -> Run:
    """One real run over every shipped sample round, shared by the read-only tests."""
    base = tmp_path_factory.mktemp("sample")
    return run_barometer(sample_raw, base / "warehouse")


@pytest.fixture
def english_reports(monkeypatch):
    """Reports, templates and `barometer check` in English (BAROMETER_LANG=en), for the tests that
    assert the rules' English texts and the readers' own detailed English words; everything a
    person reads is Danish by default (core/i18n.py, tests/test_messages.py)."""
    monkeypatch.setenv("BAROMETER_LANG", "en")


@pytest.fixture(autouse=True)
def _language_from_the_test(monkeypatch):
    """No test inherits a BAROMETER_LANG from the shell it runs in: the default (Danish) holds."""
    monkeypatch.delenv("BAROMETER_LANG", raising=False)


@pytest.fixture(scope="session")
def catalog():
    from schemas.catalog import load_catalog

    return load_catalog(settings.catalog_path())


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """Say plainly when the report's browser tests did not run for want of a browser."""
    skipped = [r for r in terminalreporter.stats.get("skipped", []) if "browser tests skipped" in str(r.longrepr)]
    if skipped:
        reason = str(skipped[0].longrepr[-1]) if isinstance(skipped[0].longrepr, tuple) else str(skipped[0].longrepr)
        terminalreporter.write_sep("!", f"{len(skipped)} BROWSER TESTS SKIPPED: {reason}", yellow=True, bold=True)
