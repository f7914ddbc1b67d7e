"""The barometer's assets, one folder per domain (intake, catalog, indicators, districts, housing,
marts, publish). In each, `assets.py` holds only the Dagster wiring; the pure modules beside it
hold the logic, `sql/` its SQL and `contracts/` the contracts of the tables it publishes.
pipelines/definitions.py loads every asset of this package."""
