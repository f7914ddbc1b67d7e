"""`make dev` (= `barometer dev`) stops on Ctrl-C and on SIGTERM, and leaves nothing running.

Upstream `dagster dev` ignores SIGTERM: `kill`, a service manager or a closed terminal left it,
its webserver, its daemon and its code servers running (seen on this project's machines).
`barometer dev` runs it in its own process group and stops the whole group itself
(pipelines/service.py, `supervise`). These tests start the real UI, wait until it answers, send
the signal, and look for any process still carrying the test's own Dagster home."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import PROJECT

BAROMETER = Path(sys.executable).with_name("barometer")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _processes_with(marker: str) -> list[int]:
    """Pids whose environment holds `marker` (the test's unique Dagster home)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            env = (entry / "environ").read_bytes()
        except OSError:
            continue
        if marker.encode() in env:
            found.append(int(entry.name))
    return found


def _wait_until_up(port: int, child: subprocess.Popen, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if child.poll() is not None:
            pytest.fail(f"barometer dev exited early with {child.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/server_info", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(1)
    pytest.fail("the Dagster UI did not answer")


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_dev_stops_cleanly(sig):
    with tempfile.TemporaryDirectory(prefix="barometer-dev-") as tmp:
        home = str(Path(tmp) / "dagster_home")
        port = _free_port()
        env = {**os.environ, "DAGSTER_HOME": home, "BAROMETER_RAW_DIR": str(Path(tmp) / "raw"),
               "BAROMETER_WAREHOUSE_DIR": str(Path(tmp) / "warehouse"), "BAROMETER_PROFILE": "local"}

        def as_from_a_script() -> None:
            # a command started in the background by a shell script ignores Ctrl-C: the case in
            # which `dagster dev` itself could not be interrupted either
            signal.signal(signal.SIGINT, signal.SIG_IGN if sig == signal.SIGTERM else signal.SIG_DFL)

        child = subprocess.Popen([str(BAROMETER), "dev", "--port", str(port)], env=env, cwd=PROJECT,
                                 start_new_session=True, preexec_fn=as_from_a_script,
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        try:
            _wait_until_up(port, child)
            assert len(_processes_with(home)) >= 3, "the UI, the daemon and a code server run"
            child.send_signal(sig)
            try:
                rc = child.wait(timeout=90)
            except subprocess.TimeoutExpired:
                pytest.fail("barometer dev did not stop within 90 s of the signal")
            output = child.stdout.read().decode(errors="replace")
            assert rc == 0, output[-2000:]
            assert "barometer dev: stopped." in output
            deadline = time.monotonic() + 10
            while _processes_with(home) and time.monotonic() < deadline:
                time.sleep(0.5)
            assert _processes_with(home) == [], "a process of `dagster dev` outlived it"
            with pytest.raises(OSError):
                urllib.request.urlopen(f"http://127.0.0.1:{port}/server_info", timeout=2)
        finally:
            for pid in _processes_with(home):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
