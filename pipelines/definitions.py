"""Assembly only: the barometer's assets, checks, job, schedules, sensor and resources."""

import warnings

import dagster as dg

# The single-run backfill policy (one run for a range of rounds) is flagged beta on every asset.
warnings.filterwarnings("ignore", category=dg.BetaWarning)

from assets import housing, tracker
from assets.catalog import indicator_catalog
from assets.indicators import area_asset_key, build_area_assets
from assets.intake.assets import build_submission_assets
from assets.marts import build_mart_assets
from pipelines import resources, schedules, sensors, settings
from pipelines.jobs import barometer_job
from schemas.catalog import load_catalog

# The asset graph's shape (which departments feed which area) comes from the catalog's
# delivered_by fields; the figures are read when a run starts, never here.
_catalog = load_catalog(settings.catalog_path())
_areas = build_area_assets(_catalog)

defs = dg.Definitions(
    assets=[
        *build_submission_assets(),
        indicator_catalog,
        *_areas,
        *build_mart_assets([area_asset_key(a) for a in _catalog.areas()]),
        housing.housing_area_submissions,
        housing.housing_areas,
        housing.housing_decomposition,
        housing.housing_district_shares,
        tracker.submission_tracker,
    ],
    jobs=[barometer_job],
    schedules=[schedules.spring_round, schedules.november_round],
    sensors=[sensors.new_file_in_raw],
    resources=resources.for_env(),
)
