"""The indicators' Dagster wiring: one asset per policy area, its indicators computed from the
current submission rows, per district and for the city from summed counts (sql/observations.sql).
Which areas exist, and which departments feed each, comes from the catalog's delivered_by fields
when the definitions load; the figures are read when a run starts."""


import dagster as dg
import pandas as pd

from assets.catalog.assets import indicator_catalog
from assets.indicators import observations
from assets.intake.assets import submission_asset_key
from core import settings
from core.settings import WAREHOUSE_POOL
from core.warehouse import Warehouse
from schemas.catalog import Catalog, load_catalog
from schemas.code_lists import load_code_list


def area_asset_key(area: str) -> dg.AssetKey:
    return dg.AssetKey(f"{area}_indicators")


CHECK = "district_counts_sum_to_city"


def build_area_asset(area: str, label: str, departments: list[str], codes: list[str]) -> dg.AssetsDefinition:
    owners = {r.code: r.owner for r in load_code_list("departments").itertuples()}
    check = dg.AssetCheckSpec(
        CHECK, asset=area_asset_key(area),
        description="Where a department sends a KBH control total for a district-level series, the 10 "
                    "districts' counts add up to it (the published city figure is always the districts' sum).",
    )

    @dg.asset(
        pool=WAREHOUSE_POOL,  # writes the internal DuckDB: one writer at a time (docs/deployment.md)
        key=area_asset_key(area),
        group_name=area,
        owners=[owners[d] for d in departments],
        kinds={"duckdb", "sql"},
        deps=[indicator_catalog, *[submission_asset_key(d) for d in departments]],
        description=(
            f"{label}: one row per indicator x reference period x district (KBH = the city, from summed "
            f"counts) with value, comparison-group value and the counts behind it, for {', '.join(codes)}."
        ),
        metadata={"indicators": dg.MetadataValue.json(codes), "spec": "docs/warehouse.md"},
        check_specs=[check],
    )
    def _area(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
        with warehouse.connect() as con:
            con.execute("BEGIN TRANSACTION")
            con.execute("DELETE FROM indicator_observations WHERE area = ?", [area])
            observations.as_of(con, observations.EVERYTHING)
            con.execute("INSERT INTO indicator_observations " + observations.stored_query(), {"area": area})
            con.execute("COMMIT")
            rows, n_ind, latest = con.execute(
                "SELECT count(*), count(DISTINCT indicator), max(reference_date) "
                "FROM indicator_observations WHERE area = ?", [area]
            ).fetchone()
            preview = con.execute(
                """
                SELECT o.indicator, o.reference_period, publish_round(o.value, c.decimals) AS value
                FROM indicator_observations o JOIN indicator_catalog c ON c.code = o.indicator
                WHERE o.area = ? AND o.district = 'KBH'
                QUALIFY row_number() OVER (PARTITION BY o.indicator ORDER BY o.reference_date DESC) = 1
                ORDER BY o.indicator
                """, [area]
            ).fetchdf()
            # control totals (KBH rows of district-level series) are rare: look for any before
            # resolving versions over every row to compare them
            any_controls = con.execute(
                """SELECT count(*) FROM submission_rows WHERE district = 'KBH' AND indicator IN
                   (SELECT source FROM indicator_catalog WHERE area = ? AND districts)""", [area]
            ).fetchone()[0]
            diffs, controls = pd.DataFrame(), 0
            if any_controls:
                diffs = con.execute(
                    """
                    SELECT d.* FROM control_total_differences d
                    WHERE d.series IN (SELECT source FROM indicator_catalog WHERE area = ?)
                    ORDER BY series, reference_period
                    """, [area]
                ).fetchdf()
                controls = con.execute(
                    """SELECT count(*) FROM current_rows WHERE district = 'KBH' AND indicator IN
                       (SELECT source FROM indicator_catalog WHERE area = ? AND districts)""", [area]
                ).fetchone()[0]
        if len(diffs):
            context.log.error(f"{len(diffs)} district sum(s) differ from the department's city control total")
        return dg.MaterializeResult(
            check_results=[dg.AssetCheckResult(
                check_name=CHECK, passed=diffs.empty, severity=dg.AssetCheckSeverity.ERROR,
                metadata={
                    "control_totals_checked": dg.MetadataValue.int(int(controls)),
                    "differences": dg.MetadataValue.int(len(diffs)),
                    "offending": dg.MetadataValue.md(diffs.head(20).to_markdown(index=False) if len(diffs) else "none"),
                },
            )],
            metadata={
                "rows": dg.MetadataValue.int(int(rows)),
                "indicators_computed": dg.MetadataValue.int(int(n_ind)),
                "latest_reference_date": str(latest) if latest else "none",
                "latest_city_values": dg.MetadataValue.md(preview.to_markdown(index=False) if len(preview) else "none"),
            }
        )

    return _area


def build_area_assets(catalog: Catalog) -> list[dg.AssetsDefinition]:
    labels = {r.code: r.label_en for r in load_code_list("areas").itertuples()}
    return [
        build_area_asset(area, labels[area], catalog.departments_of_area(area),
                         [i.code for i in catalog.indicators if i.area == area])
        for area in catalog.areas()
    ]


area_assets = build_area_assets(load_catalog(settings.catalog_path()))
