"""The barometer is updated each April/May and each November. Departments deliver during the
month; the scheduled run on the 20th processes that round (the sensor has usually run it already as
files arrived: the schedule guarantees a complete, final run)."""

import dagster as dg

from core import settings
from pipelines.jobs import barometer_job

TZ = "Europe/Copenhagen"


def default_status() -> dg.DefaultScheduleStatus:
    """Running by default in the production profile, so a restart, a new machine or `make clean`
    never silently switches the rounds off; stopped by default on a laptop (docs/deployment.md)."""
    return dg.DefaultScheduleStatus.RUNNING if settings.automation_on_by_default() else dg.DefaultScheduleStatus.STOPPED


def _round_request(context: dg.ScheduleEvaluationContext, month: str) -> dg.RunRequest:
    key = f"{context.scheduled_execution_time:%Y}-{month}"
    return dg.RunRequest(run_key=f"scheduled-{key}", partition_key=key, tags={"barometer/trigger": "schedule"})


@dg.schedule(cron_schedule="0 6 20 5 *", job=barometer_job, execution_timezone=TZ, default_status=default_status(),
             description="Spring round: on 20 May, run the YYYY-05 round.")
def spring_round(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    return _round_request(context, "05")


@dg.schedule(cron_schedule="0 6 20 11 *", job=barometer_job, execution_timezone=TZ, default_status=default_status(),
             description="November round: on 20 November, run the YYYY-11 round.")
def november_round(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    return _round_request(context, "11")
