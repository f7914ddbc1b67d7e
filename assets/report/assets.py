"""The report's Dagster wiring: built after the published warehouse, from it alone."""

import dagster as dg

from assets.report.build import build_report
from assets.report.data import NothingToReport
from core.settings import WAREHOUSE_POOL
from core.warehouse import Warehouse


@dg.asset(
    pool=WAREHOUSE_POOL,  # swaps warehouse/report in: one writer of the warehouse folder at a time
    group_name="publication", owners=["team:bif"], kinds={"html", "svg"},
    deps=[dg.AssetKey("published_warehouse")],
    description="The published barometer as people read it: warehouse/report/index.html (Danish) and "
                "warehouse/report/en/index.html (English): the front page with the areas' lights and what changed, "
                "one page per indicator with its chart, table and district map, and the method page. Built from the "
                "published barometer.duckdb only (never the internal tables, so disclosure control holds by "
                "construction), into a new folder swapped in with one rename.",
    metadata={"spec": "docs/report.md"},
)
def report(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    try:
        built = build_report(warehouse.public_db, warehouse.root / "report", run_id=context.run_id,
                             catalog_path=warehouse.catalog_path)
    except NothingToReport as e:   # no round measured yet: no report, and the run still succeeds
        context.log.warning(str(e))
        return dg.MaterializeResult(metadata={"pages": dg.MetadataValue.int(0), "note": dg.MetadataValue.text(str(e))})
    return dg.MaterializeResult(metadata={
        "round": dg.MetadataValue.text(built.round),
        "pages": dg.MetadataValue.int(built.pages),
        "seconds": dg.MetadataValue.float(round(built.seconds, 2)),
        "index": dg.MetadataValue.path(str(built.path / "index.html")),
    })
