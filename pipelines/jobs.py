"""The main job: every asset, for one round (scheduled, sensor) or a range of rounds (`barometer run`)."""

import dagster as dg

from core.partitions import rounds

# In-process: every step of a run in the run's one process. Measured under the daemon (docs/
# deployment.md): the default multiprocess executor starts a Python process per step (about 40
# steps, each importing Dagster, pandas and DuckDB) and made one round take minutes; the steps
# share one DuckDB file that allows one writer, so they would gain nothing from running side by side.
barometer_job = dg.define_asset_job(
    "barometer_job",
    selection=dg.AssetSelection.all(),
    partitions_def=rounds,
    executor_def=dg.in_process_executor,
    description="Ingest the round's submissions from raw/, recompute every indicator and publish the marts.",
)
