"""The long-running services of a deployment (docs/deployment.md, deploy/*.service): the Dagster
daemon, which runs the schedules, the sensor, the run queue, run monitoring and retries, and the
webserver (the UI), bound to 127.0.0.1. Both use the Dagster home and the instance file of the
profile in force (BAROMETER_PROFILE), so a service started by systemd and a command typed by
hand see the same runs."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from core import settings

POSTGRES_URL = "BAROMETER_POSTGRES_URL"


def require_instance() -> Path:
    """The Dagster home, set up for the profile; in production, the Postgres URL must be set."""
    from pipelines.cli import ensure_dagster_home

    if settings.profile() == "production" and not os.environ.get(POSTGRES_URL):
        raise SystemExit(f"barometer: {settings.ENV_PROFILE}=production needs {POSTGRES_URL} "
                         "(postgresql://user:password@host:5432/dagster; docs/deployment.md)")
    return ensure_dagster_home()


def _exec(program: str, *args: str) -> int:
    home = require_instance()
    exe = str(Path(sys.executable).with_name(program))
    # inside the Dagster home, so Dagster reads the instance file copied there (not the project's)
    os.chdir(home)
    os.execv(exe, [exe, *args])
    return 0  # not reached


def reserve_warehouse_pool() -> None:
    """Give the warehouse pool its one slot before the daemon starts: Dagster otherwise creates a
    pool's limit when a run first asks for it, and in the daemon's first moments two queued runs
    could both be launched before it exists (seen with twenty rounds dropped at once). Explicit,
    and idempotent (the value the instance file's `pools.default_limit` gives)."""
    from dagster import DagsterInstance

    with DagsterInstance.get() as instance:
        instance.event_log_storage.set_concurrency_slots(settings.WAREHOUSE_POOL, 1)


def cmd_daemon(args: argparse.Namespace) -> int:
    require_instance()
    reserve_warehouse_pool()
    return _exec("dagster-daemon", "run", "-m", "pipelines.definitions")


def cmd_webserver(args: argparse.Namespace) -> int:
    return _exec("dagster-webserver", "-m", "pipelines.definitions", "--host", "127.0.0.1", "--port", str(args.port))


def add_commands(sub) -> None:
    """`barometer daemon` and `barometer webserver`."""
    p = sub.add_parser("daemon", help="run the Dagster daemon (schedules, sensor, run queue) in the foreground")
    p.set_defaults(fn=cmd_daemon)
    p = sub.add_parser("webserver", help="run the Dagster UI on 127.0.0.1 in the foreground")
    p.add_argument("--port", type=int, default=3000)
    p.set_defaults(fn=cmd_webserver)
