"""The back catalogue of editions in one set-based pass (assets/marts/transform.py,
reconstruct_editions; core/sql/schema.sql, rows_by_change) gives every never-published edition
exactly the city figures a round-by-round rebuild gives: observations.sql on the rows in force as
of that round alone (observations.as_of), as the vintages were built before. The rounds carry
seeded corrections of earlier periods, some periods corrected twice, cumulative series included."""

import random
import shutil

import duckdb
import pandas as pd
from conftest import copy_raw, run_barometer

from assets.indicators import observations
from assets.marts.transform import reconstruct_editions
from core.rounding import SQL_MACRO

SEED = 20261201


def _add_corrections(raw, rng: random.Random) -> int:
    """Append to each later round's CSV indicator file a corrected copy of part of an earlier
    round's rows (numerators lowered), for (series, period)s the file does not already hold."""
    rounds = sorted(p.name for p in raw.iterdir() if p.is_dir())
    added = 0
    for i, rnd in enumerate(rounds[1:], start=1):
        for f in sorted((raw / rnd).glob("*_*.csv")):
            dept = f.stem.split("_")[0]
            if f.stem != f"{dept}_{rnd}":
                continue  # efforts, areas, dwellings: not indicator files
            earlier = sorted((raw / rounds[rng.randrange(i)]).glob(f"{dept}_????-??.csv"))
            if not earlier:
                continue
            cur = pd.read_csv(f, dtype=str, keep_default_na=False)
            old = pd.read_csv(earlier[0], dtype=str, keep_default_na=False)
            held = set(zip(cur.indicator, cur.reference_period))
            old = old[[k not in held for k in zip(old.indicator, old.reference_period)]]
            series = sorted(set(zip(old.indicator, old.reference_period)))
            picked = set(rng.sample(series, k=max(1, len(series) // 4))) if series else set()
            fix = old[[k in picked for k in zip(old.indicator, old.reference_period)]].copy()
            num = pd.to_numeric(fix.numerator, errors="coerce")
            lower = num.notna() & (num == num.round())
            fix.loc[lower, "numerator"] = (num[lower] - (num[lower] // 7) - 1).clip(lower=0).astype(int).astype(str)
            fix["round"] = rnd
            pd.concat([cur, fix]).to_csv(f, index=False)
            added += len(fix)
    return added


def _each_edition_alone(con, editions: list[str]) -> dict:
    """The oracle: observations.sql on the rows in force as of each edition, one at a time."""
    want = {}
    for edition in editions:
        observations.as_of(con, edition)
        for i, p, v in con.execute(
                f"""SELECT o.indicator, o.reference_period, publish_round(o.value, c.decimals)
                    FROM ({observations.query()}) o JOIN indicator_catalog c ON c.code = o.indicator
                    WHERE o.district = 'KBH' AND o.value IS NOT NULL""", {"area": None}).fetchall():
            want[(edition, i, p)] = v
    return want


def test_the_back_catalogue_in_one_pass_equals_each_edition_rebuilt_alone(tmp_path):
    raw = copy_raw(tmp_path / "raw")
    assert _add_corrections(raw, random.Random(SEED)) > 100
    run = run_barometer(raw, tmp_path / "wh")
    with run.internal() as con:
        rejected = con.execute("SELECT file_name, first_problem FROM submission_files "
                               "WHERE status NOT IN ('accepted', 'superseded')").fetchall()
        assert not rejected, rejected  # every corrected file went in
    with run.public() as con:
        got = {(e, i, p): v for e, i, p, v in con.execute(
            "SELECT vintage_round, indicator, reference_period, value_as_published FROM barometer_vintages "
            "WHERE reconstructed").fetchall()}
        latest_edition = con.execute("SELECT max(vintage_round) FROM barometer_vintages").fetchone()[0]
        differ = con.execute("SELECT count(*) FROM barometer_vintages WHERE reconstructed AND revised").fetchone()[0]
    rounds = sorted(p.name for p in raw.iterdir() if p.is_dir())
    editions = sorted({k[0] for k in got})
    assert editions == [r for r in rounds if r < latest_edition]

    with run.internal() as con:
        con.execute(SQL_MACRO)
        want = _each_edition_alone(con, editions)
    assert got == want
    assert differ > 20  # the corrections changed figures between editions: the comparison has teeth
    cumulative = {k for k in got if k[1] in ("HOU-3", "HOU-4")}
    assert len({k[0] for k in cumulative}) > 3


def test_a_figure_left_without_rows_by_a_correction_does_not_carry_on(tmp_path):
    """Whatever the rows in force: were a period of a series split by sex resent as T (intake
    refuses that today, rule sex_split_required), the women's and men's indicators would have no
    figure for it from then on, and the one pass must not carry the earlier figure forward."""
    run = run_barometer(copy_raw(tmp_path / "raw", ["2008-11", "2009-05", "2009-11"]), tmp_path / "wh")
    db = tmp_path / "copy.duckdb"
    shutil.copy(run.internal_db, db)
    with duckdb.connect(str(db)) as con:
        con.execute(SQL_MACRO)
        con.execute("ATTACH ':memory:' AS history")
        con.execute("CREATE TABLE history.publication_log (edition VARCHAR)")
        period = con.execute("""SELECT min(reference_period) FROM submission_rows WHERE indicator = 'EMP-M'
                                AND round = '2008-11' AND sex = 'F'""").fetchone()[0]
        con.execute("""
            INSERT INTO submission_rows
            SELECT w.round, w.department, w.version, w.file_name, w.sha256, 0, r.indicator, r.reference_period,
                   any_value(r.reference_date), any_value(r.period_type), r.district, r.subunit, r.population_group,
                   'T', sum(r.numerator), sum(r.denominator), NULL, NULL, NULL
            FROM submission_rows r
            JOIN submission_winners w ON w.round = '2009-05' AND w.department = 'BIF' AND w.kind = 'indicators'
            WHERE r.indicator = 'EMP-M' AND r.reference_period = ? AND r.round = '2008-11'
            GROUP BY ALL""", [period])
        editions = reconstruct_editions(con, "2009-11")
        assert editions == ["2008-11", "2009-05"]
        got = {(e, i, p): v for e, i, p, v in con.execute("SELECT * FROM reconstructed_figures").fetchall()}
        assert got == _each_edition_alone(con, editions)
    assert ("2008-11", "EMP-1", period) in got and ("2009-05", "EMP-1", period) not in got
