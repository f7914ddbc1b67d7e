"""The marts' work beside SQL: progress toward the target on barometer_latest's rows, and the back
catalogue of editions for barometer_vintages. Pure functions (a DataFrame, or a DuckDB connection
to the internal warehouse); build.py calls them."""

import pandas as pd

from assets.indicators import observations
from assets.indicators.progress import assess
from core.warehouse import sql


def with_progress(latest: pd.DataFrame) -> pd.DataFrame:
    """Add progress toward the target (assets/indicators/progress.py) to barometer_latest's rows."""
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


def reconstruct_editions(con, edition: str | None) -> list[str]:
    """The back catalogue: rounds before the current edition that no publication ever covered (the
    history starts with rounds already in raw/) get their figures as they stood then
    (reconstructed = true in barometer_vintages), all in one set-based pass: each period's figures
    once per round that changed it (observations.by_change), spread over the editions between
    two changes (sql/reconstructed.sql)."""
    rounds = [r[0] for r in con.execute(
        "SELECT DISTINCT round FROM submission_winners WHERE kind = 'indicators' AND round < ? AND round NOT IN "
        "(SELECT DISTINCT edition FROM history.publication_log) ORDER BY 1", [edition or ""]).fetchall()]
    con.execute("CREATE OR REPLACE TEMP TABLE reconstructed_figures (edition VARCHAR, indicator VARCHAR, "
                "reference_period VARCHAR, value DOUBLE)")
    if not rounds:
        return rounds
    observations.by_change(con, rounds[-1])
    # every indicator at every change of its source series' period, with its figure or none: a
    # correction can leave an indicator without rows (F + M resent as T drops a women-only
    # figure), and then the figure before it must not carry on
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE changed_figures AS
            WITH changes AS (
                SELECT indicator AS source, reference_period, changed_in FROM period_changes(CAST($upto AS VARCHAR))
            ),
            figures AS (
                SELECT * FROM ({observations.query()}) WHERE district = 'KBH'
            )
            SELECT ch.changed_in, c.code AS indicator, ch.reference_period, f.reference_date, f.period_value,
                   f.is_cumulative
            FROM changes ch
            JOIN indicator_catalog c ON c.source = ch.source
            LEFT JOIN figures f
              ON f.indicator = c.code AND f.reference_period = ch.reference_period AND f.edition_key = ch.changed_in""",
        {"area": None, "upto": rounds[-1]})
    con.execute("CREATE OR REPLACE TEMP TABLE reconstructed_editions AS SELECT unnest(?::VARCHAR[]) AS edition",
                [rounds])
    con.execute(sql("reconstructed.sql"))
    return rounds
