"""The production run launcher (deploy/dagster.production.yaml): Dagster's default launcher, which
starts each run in a process on this machine, plus a health check of that process, so that the
daemon's run monitoring notices a run whose worker died (the machine or the service was stopped
mid-run) and marks it failed; run retries then launch it again. Without the check such a run
would stay `STARTED` for ever (docs/deployment.md, "When a run dies")."""

from __future__ import annotations

import psutil
from dagster import DagsterEventType, DefaultRunLauncher
from dagster._core.launcher.base import CheckRunHealthResult, WorkerStatus
from dagster._core.storage.dagster_run import DagsterRun


def worker_process(instance, run_id: str) -> tuple[int, float] | None:
    """(pid, when it was reported) of the process the default launcher started for a run, from
    the run's engine event `Started process for run (pid: N).`; None if not reported yet."""
    found = None
    for record in instance.all_logs(run_id, of_type=DagsterEventType.ENGINE_EVENT):
        data = record.dagster_event.engine_event_data if record.dagster_event else None
        pid = data.metadata.get("pid") if data and data.metadata else None
        if pid is not None:
            found = (int(pid.value), record.timestamp)
    return found


class BarometerRunLauncher(DefaultRunLauncher):
    """DefaultRunLauncher whose run workers the daemon can check (run monitoring)."""

    @property
    def supports_check_run_worker_health(self) -> bool:
        return True

    def check_run_worker_health(self, run: DagsterRun) -> CheckRunHealthResult:
        found = worker_process(self._instance, run.run_id)
        if found is None:  # not reported yet: nothing to judge
            return CheckRunHealthResult(WorkerStatus.RUNNING, "the run worker has not reported its process yet")
        pid, reported = found
        try:
            process = psutil.Process(pid)
            # the same process, not a later one given the same number
            alive = process.create_time() <= reported + 1 and process.status() != psutil.STATUS_ZOMBIE
        except psutil.Error:
            alive = False
        if alive:
            return CheckRunHealthResult(WorkerStatus.RUNNING)
        return CheckRunHealthResult(WorkerStatus.FAILED, f"the run worker (process {pid}) is gone")
