"""How each mart of this domain is built, one pure function per table, named by the `build:` of
its contract (contracts/<table>.yml): each takes the internal DuckDB connection and the build's
context (core/declared.py), writes its table and returns what the UI shows beside the row count.
The SQL is in sql/, the lights and area readings in assets/indicators/, progress and the back
catalogue of editions in transform.py."""

from assets.indicators.areas import area_summary as summarise_areas
from assets.indicators.areas import round_reading
from assets.indicators.lights import add_lights
from assets.marts.transform import reconstruct_editions, with_progress
from core.warehouse import execute_script, execute_with, sql, table_rows, write_table


def barometer_history(con, ctx) -> dict:
    """City figures with the light of each step (sql/history_base.sql, then the light rules)."""
    base = con.execute(sql("history_base.sql")).fetchdf()
    breaks = con.execute("SELECT * FROM indicator_breaks").fetchdf()
    alpha = float(base["significance_level"].iloc[0]) if len(base) else 0.05
    execute_with(con, """
        CREATE OR REPLACE TABLE barometer_history AS
        SELECT indicator, area, title_en, title_da, unit, direction, main_goal,
               reference_period, CAST(reference_date AS DATE) AS reference_date, period_type,
               value, previous_period, previous_value, change_since_previous,
               light, light_reason, significance, test, p_value, series_break, caveat,
               comparison_group, comparison_value,
               published_round, source_files, source_rows, catalog_version
        FROM history_frame ORDER BY area, indicator, reference_date
        """, history_frame=add_lights(base, breaks, alpha))
    lights = con.execute(
        "SELECT coalesce(light, 'none') AS light, count(*) AS n FROM barometer_history GROUP BY 1 ORDER BY 1"
    ).fetchall()
    return {"lights": dict(lights)}


def barometer_latest(con, ctx) -> dict:
    """Each indicator's latest figure (sql/latest.sql) with its progress toward the target."""
    write_table(con, "barometer_latest", with_progress(con.execute(sql("latest.sql")).fetchdf()),
                casts={"reference_date": "DATE", "baseline_date": "DATE", "target_date": "DATE"})
    preview = con.execute(
        "SELECT indicator, reference_period, value, light, assessment FROM barometer_latest ORDER BY indicator"
    ).fetchdf()
    assessments = dict(con.execute(
        "SELECT assessment, count(*) FROM barometer_latest GROUP BY 1 ORDER BY 1").fetchall())
    return {"assessments": assessments, "preview": preview}


def _areas(con):
    """The areas code list in its own order (the order the areas are read in)."""
    return con.execute("SELECT code, label_en, label_da FROM code_areas").fetchdf()


def area_summary(con, ctx) -> dict:
    """Each policy area's light per round (assets/indicators/areas.py)."""
    history = con.execute("SELECT * FROM barometer_history").fetchdf()
    catalog = con.execute("SELECT code, main_goal FROM indicator_catalog").fetchdf()
    write_table(con, "area_summary", summarise_areas(history, catalog, _areas(con)), order_by="round, area")
    return {"latest_round": con.execute("SELECT max(round) FROM area_summary").fetchone()[0] or "none"}


def round_summary(con, ctx) -> dict:
    """The round's one-line reading, from area_summary (its areas in the code list's order, as
    the reading names them)."""
    summary = con.execute("SELECT * FROM area_summary").fetchdf()
    position = {code: i for i, code in enumerate(_areas(con)["code"])}
    summary = (summary.assign(_position=summary["area"].map(position))
               .sort_values(["round", "_position"], kind="stable").drop(columns="_position")
               .reset_index(drop=True))
    write_table(con, "round_summary", round_reading(summary), order_by="round")
    last = con.execute("SELECT round, reading FROM round_summary ORDER BY round DESC LIMIT 1").fetchone()
    return {"latest_round": last[0] if last else "none", "latest_reading": last[1] if last else "none"}


def barometer_vintages(con, ctx) -> dict:
    """Each edition's figures as first published beside the latest (sql/vintages.sql), the back
    catalogue of never-published editions reconstructed first (transform.py)."""
    edition = con.execute("SELECT max(round) FROM submission_winners WHERE kind = 'indicators'").fetchone()[0]
    rounds = reconstruct_editions(con, edition)
    execute_script(con, sql("vintages.sql"), {"edition": edition, "run_id": ctx.run_id})
    revised = con.execute("SELECT count(*) FROM barometer_vintages WHERE revised").fetchone()[0]
    return {"editions_reconstructed": rounds, "figures_to_log": table_rows(con, "pending_publication"),
            "revised_figures": int(revised)}
