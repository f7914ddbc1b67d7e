"""The districts' Dagster wiring: district_values, every district-level indicator per district and
measurement date beside the city, after disclosure control (values.py, core/disclosure.py)."""

import dagster as dg

from assets.districts.values import build_district_values
from assets.indicators.assets import AREA_KEYS
from core.contracts import asset_metadata
from core.disclosure import describe
from core.warehouse import Warehouse, row_count, sql, table_rows


@dg.asset(
    group_name="districts", owners=["team:bif"], kinds={"duckdb", "sql"}, deps=AREA_KEYS,
    description="One row per district-level indicator x district (KBH = city, the sum of the districts) x "
                "measurement date: value, deviation from the city, rank, change, share of the city's count; "
                "small cells suppressed (primary and secondary) and marked with the reason.",
    metadata={"spec": "docs/warehouse.md#district_values", **asset_metadata("district_values")},
)
def district_values(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    rules = warehouse.disclosure_rules()
    with warehouse.connect() as con:
        # internal: the district cells with their counts, for the data team (never published)
        con.execute("CREATE OR REPLACE TABLE district_breakdown AS " + sql("district_breakdown.sql"))
        breakdown = con.execute("SELECT * FROM district_breakdown").fetchdf()
        districts = con.execute("SELECT code, name FROM code_districts").fetchdf()
        values = build_district_values(breakdown, districts, rules)  # noqa: F841 - read by DuckDB below
        con.execute("CREATE OR REPLACE TABLE district_values AS SELECT * REPLACE (CAST(rank AS INTEGER) AS rank, "
                    "CAST(ranked_districts AS INTEGER) AS ranked_districts, "
                    "CAST(suppression_reason AS VARCHAR) AS suppression_reason, CAST(note AS VARCHAR) AS note) "
                    "FROM values")
        n = table_rows(con, "district_values")
        suppressed = dict(con.execute(
            "SELECT coalesce(split_part(suppression_reason, ':', 1), 'published'), count(*) "
            "FROM district_values GROUP BY 1").fetchall())
    return dg.MaterializeResult(metadata={
        **row_count(n),
        "cells": suppressed,
        "disclosure_rules": describe(rules),
    })

