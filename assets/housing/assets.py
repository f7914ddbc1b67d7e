"""Housing's Dagster wiring (docs/housing.md): the area and dwelling files of TMF and SOF, each area classified
under the rule set in force at each date, the decomposition of change by area type, and the
district concentration of persons on transfer income in vulnerable and high-risk areas."""

import dagster as dg

from assets.housing.suppression import build_district_shares, publish_decomposition, publish_housing_areas
from assets.indicators.assets import area_asset_key
from core.contracts import asset_metadata
from core.warehouse import Warehouse, execute_script, sql

HOUSING = "housing"


@dg.asset(
    group_name=HOUSING, owners=["team:tmf"], kinds={"duckdb", "sql"}, deps=["housing_area_submissions"],
    description="One row per housing area x month x ministry rule set: counts, pooled share outside the labour "
                "market, Copenhagen's area type, whether on the ministry's list, and whether a change of listing "
                "came from the rule or from the residents; plus housing_summary, one row per month.",
    metadata={"spec": "docs/housing.md", **asset_metadata("housing_areas")},
)
def housing_areas(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    rules = warehouse.housing_rules()
    disclosure = warehouse.disclosure_rules()
    rule_sets, city_types = rules.rule_sets_frame(), rules.city_types_frame()  # noqa: F841 - DuckDB reads them
    with warehouse.connect() as con:
        con.execute("CREATE OR REPLACE TABLE housing_rule_sets AS SELECT * FROM rule_sets")
        con.execute("CREATE OR REPLACE TABLE housing_city_types AS SELECT * FROM city_types")
        execute_script(con, sql("housing_areas.sql"))
        publish_housing_areas(con, disclosure)
        summary = con.execute("SELECT reference_period, rule_set, vulnerable_areas, moved_by_rule_change, "
                              "new_vulnerable_areas FROM housing_summary").fetchdf()
        n = con.execute("SELECT count(*) FROM housing_area_classes").fetchone()[0]
        published = con.execute("SELECT count(*) FROM housing_areas").fetchone()[0]
    return dg.MaterializeResult(metadata={
        "rows": dg.MetadataValue.int(int(n)), "dagster/row_count": dg.MetadataValue.int(int(published)),
        "rules_version": rules.version,
        "by_month": dg.MetadataValue.md(summary.to_markdown(index=False) if len(summary) else "none"),
    })


@dg.asset(
    group_name=HOUSING, owners=["team:tmf"], kinds={"duckdb", "sql"}, deps=[housing_areas],
    description="The change in persons 18-64 on transfer income between two dates by area type, split into net "
                "moving (dwellings whose residents all moved) and the change in dwellings not emptied.",
    metadata={"spec": "docs/housing.md#decomposition-of-change", **asset_metadata("housing_decomposition")},
)
def housing_decomposition(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    disclosure = warehouse.disclosure_rules()
    with warehouse.connect() as con:
        execute_script(con, sql("housing_decomposition.sql"))
        publish_decomposition(con, disclosure)
        table = con.execute("SELECT * FROM housing_decomposition").fetchdf()
    return dg.MaterializeResult(metadata={
        "rows": dg.MetadataValue.int(len(table)), "dagster/row_count": dg.MetadataValue.int(len(table)),
        "table": dg.MetadataValue.md(table.to_markdown(index=False) if len(table) else "none"),
    })


@dg.asset(
    group_name=HOUSING, owners=["team:tmf"], kinds={"duckdb", "pandas"}, deps=[area_asset_key("housing")],
    description="Per district and month: its share of the city's persons on transfer income in vulnerable and "
                "high-risk areas, and their pooled share outside the labour market (with its change), after "
                "disclosure control.",
    metadata={"spec": "docs/housing.md", **asset_metadata("housing_district_shares")},
)
def housing_district_shares(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    rules = warehouse.disclosure_rules()
    with warehouse.connect() as con:
        cells = con.execute(sql("housing_district_shares.sql")).fetchdf()
        names = dict(con.execute("SELECT code, name FROM code_districts").fetchall())
        shares = build_district_shares(cells, names, rules)  # noqa: F841 - read by DuckDB
        con.execute("CREATE OR REPLACE TABLE housing_district_shares AS SELECT * REPLACE ("
                    "CAST(suppression_reason AS VARCHAR) AS suppression_reason, CAST(note AS VARCHAR) AS note) "
                    "FROM shares")
        n = con.execute("SELECT count(*) FROM housing_district_shares").fetchone()[0]
    return dg.MaterializeResult(metadata={"rows": dg.MetadataValue.int(int(n)),
                                          "dagster/row_count": dg.MetadataValue.int(int(n))})
