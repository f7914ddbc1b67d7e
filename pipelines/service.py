"""The long-running services of a deployment (docs/deployment.md, deploy/*.service): the Dagster
daemon, which runs the schedules, the sensor, the run queue, run monitoring and retries, and the
webserver (the UI), bound to 127.0.0.1. Both use the Dagster home and the instance file of the
profile in force (BAROMETER_PROFILE), so a service started by systemd and a command typed by
hand see the same runs."""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import time
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


# How long `barometer dev` waits for `dagster dev` to stop after a Ctrl-C before it is firmer.
GRACE_SECONDS = 20.0


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _stop_group(child: subprocess.Popen, grace: float = GRACE_SECONDS) -> None:
    """Stop `dagster dev` and every process it started (webserver, daemon, code servers): an
    interrupt to the whole group first (what Ctrl-C in a terminal does, and the stop `dagster dev`
    handles cleanly), then SIGTERM, then SIGKILL for whatever still runs."""
    for sig, wait in ((signal.SIGINT, grace), (signal.SIGTERM, 5.0), (signal.SIGKILL, 5.0)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.pid, sig)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            child.poll()
            if child.returncode is not None and not _group_alive(child.pid):
                return
            time.sleep(0.2)


def supervise(argv: list[str], cwd: Path) -> int:
    """Run `argv` (`dagster dev ...`) in its own process group and stop the whole group on Ctrl-C
    (SIGINT) or SIGTERM. Upstream `dagster dev` ignores SIGTERM (so `kill`, systemd or a closed
    terminal left it and its children running) and, started from a script, may ignore SIGINT as
    well; the group is stopped here instead, and nothing it started outlives this process."""
    def interrupt_default() -> None:  # in the child: Ctrl-C is a KeyboardInterrupt again
        signal.signal(signal.SIGINT, signal.SIG_DFL)

    child = subprocess.Popen(argv, cwd=cwd, start_new_session=True, preexec_fn=interrupt_default)
    stopping: list[int] = []

    def on_signal(signum, _frame) -> None:
        stopping.append(signum)

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    try:
        while child.poll() is None and not stopping:
            time.sleep(0.2)
    finally:
        if child.poll() is None or _group_alive(child.pid):
            print("barometer dev: stopping the Dagster UI and daemon ...", file=sys.stderr, flush=True)
            _stop_group(child)
        for s, handler in previous.items():
            signal.signal(s, handler)
    if stopping:
        print("barometer dev: stopped.", file=sys.stderr, flush=True)
        return 0
    return child.returncode or 0


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
