"""The marts' Dagster wiring (docs/warehouse.md): barometer_history (city figures with lights),
barometer_latest (each indicator's latest figure and its progress), area_summary and round_summary
(each policy area's light and the round's reading) and barometer_vintages (figures as first
published). The SQL is in sql/, the pure work in assets/indicators/ and transform.py."""

import dagster as dg

from assets.indicators.areas import area_summary as build_area_summary
from assets.indicators.areas import round_reading
from assets.indicators.assets import AREA_KEYS
from assets.indicators.lights import add_lights
from assets.marts.transform import reconstruct_editions, with_progress
from core.contracts import asset_metadata
from core.warehouse import Warehouse, execute_script, row_count, sql, table_rows

MARTS = "marts"
OWNERS = ["team:bif"]  # BIF coordinates the barometer


@dg.asset(
    group_name=MARTS, owners=OWNERS, kinds={"duckdb", "sql", "pandas"}, deps=AREA_KEYS,
    description="One row per indicator x measurement date at city level (KBH): value, change since the "
                "previous measurement, traffic light with its reason, series break and caveat.",
    metadata={"spec": "docs/warehouse.md#barometer_history", **asset_metadata("barometer_history")},
)
def barometer_history(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    with warehouse.connect() as con:
        base = con.execute(sql("history_base.sql")).fetchdf()
        breaks = con.execute("SELECT * FROM indicator_breaks").fetchdf()
        alpha = float(base["significance_level"].iloc[0]) if len(base) else 0.05
        history = add_lights(base, breaks, alpha)  # noqa: F841 - read by DuckDB below
        con.execute(
            """
            CREATE OR REPLACE TABLE barometer_history AS
            SELECT indicator, area, title_en, title_da, unit, direction, main_goal,
                   reference_period, CAST(reference_date AS DATE) AS reference_date, period_type,
                   value, previous_period, previous_value, change_since_previous,
                   light, light_reason, significance, test, p_value, series_break, caveat,
                   comparison_group, comparison_value,
                   published_round, source_files, source_rows, catalog_version
            FROM history ORDER BY area, indicator, reference_date
            """
        )
        lights = con.execute(
            "SELECT coalesce(light, 'none') AS light, count(*) AS n FROM barometer_history GROUP BY 1 ORDER BY 1"
        ).fetchall()
        n = table_rows(con, "barometer_history")
    return dg.MaterializeResult(metadata={**row_count(n), "lights": dict(lights)})

@dg.asset(
    group_name=MARTS, owners=OWNERS, kinds={"duckdb", "sql"}, deps=[barometer_history, "submission_tracker"],
    description="One row per indicator: its latest measurement, previous value, change, light, baseline, "
                "target and progress, flagged when carried forward from an earlier round.",
    metadata={"spec": "docs/warehouse.md#barometer_latest", **asset_metadata("barometer_latest")},
)
def barometer_latest(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    with warehouse.connect() as con:
        latest = with_progress(con.execute(sql("latest.sql")).fetchdf())  # noqa: F841 - read below
        con.execute("CREATE OR REPLACE TABLE barometer_latest AS SELECT * REPLACE ("
                    "CAST(reference_date AS DATE) AS reference_date, CAST(baseline_date AS DATE) AS baseline_date, "
                    "CAST(target_date AS DATE) AS target_date) FROM latest")
        preview = con.execute(
            "SELECT indicator, reference_period, value, light, assessment FROM barometer_latest ORDER BY indicator"
        ).fetchdf()
        assessments = dict(con.execute(
            "SELECT assessment, count(*) FROM barometer_latest GROUP BY 1 ORDER BY 1").fetchall())
        n = table_rows(con, "barometer_latest")
    return dg.MaterializeResult(metadata={
        **row_count(n),
        "assessments": assessments,
        "preview": dg.MetadataValue.md(preview.to_markdown(index=False) if n else "none"),
    })

@dg.asset(
    group_name=MARTS, owners=OWNERS, kinds={"duckdb", "pandas"}, deps=[barometer_history],
    description="Each policy area's light per round (from its main goal, else its indicators) and the "
                "round's one-line reading, as the report's 'progress in 3 main goals, standstill in 3'.",
    metadata={"spec": "docs/warehouse.md#area_summary", **asset_metadata("area_summary")},
)
def area_summary(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    with warehouse.connect() as con:
        history = con.execute("SELECT * FROM barometer_history").fetchdf()
        catalog = con.execute("SELECT code, main_goal FROM indicator_catalog").fetchdf()
        areas = con.execute("SELECT code, label_en, label_da FROM code_areas").fetchdf()
        summary = build_area_summary(history, catalog, areas)  # read by DuckDB below
        rounds = round_reading(summary)  # noqa: F841 - read by DuckDB below
        con.execute("CREATE OR REPLACE TABLE area_summary AS SELECT * FROM summary ORDER BY round, area")
        con.execute("CREATE OR REPLACE TABLE round_summary AS SELECT * FROM rounds ORDER BY round")
        last = con.execute("SELECT round, reading FROM round_summary ORDER BY round DESC LIMIT 1").fetchone()
        n = table_rows(con, "area_summary")
    return dg.MaterializeResult(metadata={
        **row_count(n),
        "latest_round": last[0] if last else "none",
        "latest_reading": last[1] if last else "none",
    })

@dg.asset(
    group_name=MARTS, owners=OWNERS, kinds={"duckdb", "sql"}, deps=[barometer_history],
    description="One row per edition (the latest round in force when published) x indicator x measurement "
                "date: the city figure as first published in that edition beside the latest (revised) figure, "
                "from the durable publication log, so later corrections and rebuilds never rewrite history.",
    metadata={"spec": "docs/warehouse.md#barometer_vintages", **asset_metadata("barometer_vintages")},
)
def barometer_vintages(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    with warehouse.connect() as con:
        edition = con.execute(
            "SELECT max(round) FROM submission_winners WHERE kind = 'indicators'").fetchone()[0]
        rounds = reconstruct_editions(con, edition)
        execute_script(con, sql("vintages.sql"), {"edition": edition, "run_id": context.run_id})
        pending = table_rows(con, "pending_publication")
        revised = con.execute("SELECT count(*) FROM barometer_vintages WHERE revised").fetchone()[0]
        n = table_rows(con, "barometer_vintages")
    return dg.MaterializeResult(metadata={
        **row_count(n), "editions_reconstructed": dg.MetadataValue.json(rounds),
        "figures_to_log": dg.MetadataValue.int(pending),
        "revised_figures": dg.MetadataValue.int(int(revised)),
    })

