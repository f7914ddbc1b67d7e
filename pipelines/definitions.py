"""Assembly only: every asset (and its checks) loaded from the assets package, one folder per
domain; the job, schedules, sensor and resources."""

import warnings

import dagster as dg

# The single-run backfill policy (one run for a range of rounds) is flagged beta on every asset.
warnings.filterwarnings("ignore", category=dg.BetaWarning)

import assets  # noqa: E402 - after the warnings filter above
from core import warehouse  # noqa: E402
from pipelines import schedules, sensors  # noqa: E402
from pipelines.jobs import barometer_job  # noqa: E402

defs = dg.Definitions(
    assets=dg.load_assets_from_package_module(assets),
    jobs=[barometer_job],
    schedules=[schedules.spring_round, schedules.november_round],
    sensors=[sensors.new_file_in_raw, sensors.notify_on_run_failure, sensors.notify_on_overdue_delivery],
    resources=warehouse.for_env(),
)
