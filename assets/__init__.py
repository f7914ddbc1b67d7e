"""The barometer's assets, one folder per domain (intake, catalog, indicators, districts, housing,
marts, publish). In each, `contracts/` holds the contracts of the tables it publishes, each of
which declares the table's asset (`build:`, `deps:`; made by declared.py here, core/declared.py),
`sql/` its SQL and the pure modules beside them the logic; `assets.py`, where a domain has one,
holds only the Dagster wiring of the assets written by hand (intake, the catalog, the policy
areas, the publication). pipelines/definitions.py loads every asset of this package."""
