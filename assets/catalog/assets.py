"""The indicator catalog and code lists, validated and loaded into the warehouse."""


import dagster as dg

from core.settings import WAREHOUSE_POOL
from core.warehouse import Warehouse, execute_script, sql, write_table
from schemas.code_lists import load_code_list

CODE_LISTS = ["districts", "departments", "groups", "sexes", "areas", "computations", "committees", "assessments"]


@dg.asset(
    pool=WAREHOUSE_POOL,  # writes the internal DuckDB: one writer at a time (docs/deployment.md)
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
        write_table(con, "indicator_catalog", frame, casts={"decimals": "INTEGER"})
        write_table(con, "indicator_breaks", breaks)
        for name in CODE_LISTS:
            write_table(con, f"code_{name}", load_code_list(name))
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
