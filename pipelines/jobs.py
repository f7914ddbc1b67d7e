"""The main job: every asset, for one round (scheduled, sensor) or a range of rounds (`barometer run`)."""

import dagster as dg

from core.partitions import rounds

barometer_job = dg.define_asset_job(
    "barometer_job",
    selection=dg.AssetSelection.all(),
    partitions_def=rounds,
    description="Ingest the round's submissions from raw/, recompute every indicator and publish the marts.",
)
