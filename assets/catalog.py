"""The indicator catalog and code lists, validated and loaded into the warehouse."""


import dagster as dg

from pipelines.resources import Warehouse, execute_script, sql
from schemas.code_lists import load_code_list

CODE_LISTS = ["districts", "departments", "groups", "sexes", "areas", "computations"]


@dg.asset(
    group_name="catalog",
    owners=["team:bif"],
    kinds={"yaml", "duckdb"},
    description=(
        "The indicator catalog (catalog/indicators.yaml), validated against its schema, as one row per "
        "indicator: area, unit, computation, groups, direction, baseline and target; with its series "
        "breaks and caveats (`indicator_breaks`) and the code lists (`code_<name>`)."
    ),
    metadata={"spec": "docs/catalog.md"},
)
def indicator_catalog(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    """One row per indicator."""
    catalog = warehouse.catalog()
    frame, breaks = catalog.to_frame(), catalog.breaks_frame()
    with warehouse.connect() as con:
        con.execute("CREATE OR REPLACE TABLE indicator_catalog AS "
                        "SELECT * REPLACE (CAST(decimals AS INTEGER) AS decimals) FROM frame")
        con.execute("CREATE OR REPLACE TABLE indicator_breaks AS SELECT * FROM breaks")
        for name in CODE_LISTS:
            codes = load_code_list(name)  # noqa: F841 - read by DuckDB's replacement scan
            con.execute(f"CREATE OR REPLACE TABLE code_{name} AS SELECT * FROM codes")
        execute_script(con, sql("lineage.sql"))
    return dg.MaterializeResult(
        metadata={
            "rows": dg.MetadataValue.int(len(frame)),
            "catalog_version": catalog.version,
            "catalog_fingerprint": catalog.fingerprint,
            "breaks_and_caveats": dg.MetadataValue.int(len(breaks)),
            "areas": dg.MetadataValue.json(catalog.areas()),
        }
    )
