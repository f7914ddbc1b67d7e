"""The public BI contract (docs/warehouse.md): barometer_history, barometer_latest and
district_values, then their publication as a swapped-in DuckDB file and parquet marts."""


import dagster as dg
import pandas as pd

from assets.areas import area_summary as build_area_summary
from assets.areas import round_reading
from assets.contracts import asset_metadata, published, table_schema
from assets.districts import build_district_values
from assets.lights import add_lights
from assets.progress import assess
from assets.publish import log_publication, publish
from pipelines.resources import Warehouse, execute_script, sql

MARTS = "marts"
OWNERS = ["team:bif"]  # BIF coordinates the barometer


def with_progress(latest: pd.DataFrame) -> pd.DataFrame:
    """Add progress toward the target (assets/progress.py) to barometer_latest's rows."""
    def day(x):
        return None if pd.isna(x) else pd.Timestamp(x).date()

    results = [
        assess(r.direction, r.baseline_value, day(r.baseline_date), r.value, day(r.reference_date),
               r.target_value, day(r.target_date))
        for r in latest.itertuples()
    ]
    out = latest.copy()
    for field in ("progress_share", "pace_observed", "pace_needed", "pace_ratio", "assessment", "reason"):
        out["assessment_reason" if field == "reason" else field] = [getattr(p, field) for p in results]
    for col in ("progress_share", "pace_observed", "pace_needed", "pace_ratio"):
        out[col] = out[col].astype("float64")
    return out


def _reconstruct_editions(con, edition: str | None) -> list[str]:
    """The back catalogue: rounds before the current edition that no publication ever covered (the
    history starts with rounds already in raw/) get their figures as they stood then, rebuilt once
    from the rows in force as of each round (reconstructed = true in barometer_vintages)."""
    rounds = [r[0] for r in con.execute(
        "SELECT DISTINCT round FROM submission_winners WHERE kind = 'indicators' AND round < ? AND round NOT IN "
        "(SELECT DISTINCT edition FROM history.publication_log) ORDER BY 1", [edition or ""]).fetchall()]
    con.execute("CREATE OR REPLACE TEMP TABLE reconstructed_figures (edition VARCHAR, indicator VARCHAR, "
                "reference_period VARCHAR, value DOUBLE)")
    for rnd in rounds:
        con.execute(
            f"""INSERT INTO reconstructed_figures
                SELECT CAST($round AS VARCHAR), o.indicator, o.reference_period, publish_round(o.value, c.decimals)
                FROM ({sql("observations.sql")}) o JOIN indicator_catalog c ON c.code = o.indicator
                WHERE o.district = 'KBH' AND o.value IS NOT NULL""",
            {"round": rnd, "area": None, "as_of": rnd},
        )
    return rounds


def _rows(con, table: str) -> int:
    return int(con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def row_count(n: int) -> dict:
    """The row count Dagster shows beside the asset (and "rows", which tools/bench.py reads)."""
    return {"rows": dg.MetadataValue.int(n), "dagster/row_count": dg.MetadataValue.int(n)}


def build_mart_assets(area_keys: list[dg.AssetKey]) -> list[dg.AssetsDefinition]:
    @dg.asset(
        group_name=MARTS, owners=OWNERS, kinds={"duckdb", "sql", "pandas"}, deps=area_keys,
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
            n = _rows(con, "barometer_history")
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
            n = _rows(con, "barometer_latest")
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
            n = _rows(con, "area_summary")
        return dg.MaterializeResult(metadata={
            **row_count(n),
            "latest_round": last[0] if last else "none",
            "latest_reading": last[1] if last else "none",
        })

    @dg.asset(
        group_name=MARTS, owners=OWNERS, kinds={"duckdb", "sql"}, deps=area_keys,
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
            values = build_district_values(  # noqa: F841 - read by DuckDB below
                breakdown, districts, rules.min_count, rules.min_denominator)
            con.execute("CREATE OR REPLACE TABLE district_values AS SELECT * REPLACE (CAST(rank AS INTEGER) AS rank, "
                        "CAST(ranked_districts AS INTEGER) AS ranked_districts, "
                        "CAST(suppression_reason AS VARCHAR) AS suppression_reason, CAST(note AS VARCHAR) AS note) "
                        "FROM values")
            n = _rows(con, "district_values")
            suppressed = dict(con.execute(
                "SELECT coalesce(split_part(suppression_reason, ':', 1), 'published'), count(*) "
                "FROM district_values GROUP BY 1").fetchall())
        return dg.MaterializeResult(metadata={
            **row_count(n),
            "cells": suppressed,
            "disclosure_rules": f"version {rules.version}: min count {rules.min_count}, "
                                f"min denominator {rules.min_denominator}",
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
            rounds = _reconstruct_editions(con, edition)
            execute_script(con, sql("vintages.sql"), {"edition": edition, "run_id": context.run_id})
            pending = _rows(con, "pending_publication")
            revised = con.execute("SELECT count(*) FROM barometer_vintages WHERE revised").fetchone()[0]
            n = _rows(con, "barometer_vintages")
        return dg.MaterializeResult(metadata={
            **row_count(n), "editions_reconstructed": dg.MetadataValue.json(rounds),
            "figures_to_log": dg.MetadataValue.int(pending),
            "revised_figures": dg.MetadataValue.int(int(revised)),
        })

    @dg.asset(
        group_name=MARTS, owners=OWNERS, kinds={"duckdb", "parquet"},
        deps=[barometer_history, barometer_latest, district_values, area_summary, barometer_vintages,
              "submission_tracker",
              "housing_areas", "housing_decomposition", "housing_district_shares"],
        description="The published warehouse: warehouse/barometer.duckdb (tables "
                    + ", ".join(c.name for c in published()) + ", each as its contract in assets/contracts/ "
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

    return [barometer_history, barometer_latest, area_summary, district_values, barometer_vintages,
            published_warehouse]
