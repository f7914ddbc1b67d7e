"""Publication's Dagster wiring: published_warehouse copies every table under contract
(core/contracts.py, assets/<domain>/contracts/) into a new barometer.duckdb and parquet folder and
swaps them in (swap.py); then the figures published are appended to the durable log."""

import dagster as dg

from assets.publish.swap import log_publication, publish
from core.contracts import published, table_schema
from core.settings import WAREHOUSE_POOL
from core.warehouse import Warehouse


@dg.asset(
    pool=WAREHOUSE_POOL,  # writes the internal DuckDB: one writer at a time (docs/deployment.md)
    group_name="publish", owners=["team:bif"], kinds={"duckdb", "parquet"},
    deps=[dg.AssetKey(a) for a in sorted({c.writer for c in published()})],  # from the contracts
    description="The published warehouse: warehouse/barometer.duckdb (tables "
                + ", ".join(c.name for c in published()) + ", each as its contract in assets/<domain>/contracts/ "
                "declares it, with comments) and warehouse/marts/*.parquet, built beside the published "
                "files and swapped in atomically, so readers never see a half-built warehouse.",
    metadata={"spec": "docs/warehouse.md"},
)
def published_warehouse(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    with warehouse.connect() as con:
        counts = publish(con, warehouse.public_db, warehouse.marts_dir, context.run_id)
        logged = log_publication(con, context.run_id)
    return dg.MaterializeResult(metadata={
        "rows": dg.MetadataValue.int(sum(counts.values())),
        "figures_logged": dg.MetadataValue.int(logged),
        **{f"rows_{k}": dg.MetadataValue.int(v) for k, v in counts.items()},
        # each published table's columns as its contract declares them (also its comments)
        **{f"columns_{c.name}": dg.MetadataValue.table_schema(table_schema(c.name)) for c in published()},
        "duckdb": dg.MetadataValue.path(str(warehouse.public_db)),
        "marts": dg.MetadataValue.path(str(warehouse.marts_dir)),
    })

