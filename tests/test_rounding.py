"""One rounding rule (core/rounding.py): half away from zero at the catalog's decimals, the same
in SQL and in pandas, equal to exact decimal arithmetic on the counts."""

from __future__ import annotations

import random
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import duckdb
import numpy as np

from core.rounding import SQL_MACRO, half_away


def exact(num: int, den: int, scale: int, decimals: int) -> float:
    """scale * num / den rounded half away from zero, in exact arithmetic."""
    q = Fraction(scale * num, den)
    d = Decimal(abs(q.numerator)) / Decimal(q.denominator)
    r = d.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return float(-r if q < 0 else r)


def test_sql_and_pandas_round_ties_away_from_zero_as_exact_arithmetic_does():
    rng = random.Random(20091105)
    cases = [(77, 400, 100, 1), (129, 400, 100, 1), (1, 8, 100, 1), (1, 40, 100, 1), (-9, 4, 1, 1),
             (5, 2, 1, 0), (-5, 2, 1, 0), (1, 3, 100, 1), (2, 3, 100, 2)]
    for _ in range(20000):
        den = rng.choice([8, 16, 40, 80, 200, 400, 800, 2000, rng.randint(1, 100000)])
        cases.append((rng.randint(-den, den), den, rng.choice([1, 100]), rng.choice([0, 1, 2])))
    values = np.array([s * n / d for n, d, s, _ in cases])
    decimals = np.array([k for *_, k in cases])
    expected = np.array([exact(n, d, s, k) for n, d, s, k in cases])
    assert np.array_equal(half_away(values, decimals), expected)
    con = duckdb.connect()
    con.execute(SQL_MACRO)
    got = con.execute("SELECT publish_round(v, d) FROM (SELECT unnest(?) AS v, unnest(?) AS d)",
                      [values.tolist(), decimals.tolist()]).fetchnumpy()
    assert np.array_equal(np.asarray(got[list(got)[0]], dtype=float), expected)


def test_missing_values_stay_missing():
    assert np.isnan(half_away(float("nan"), 1))
    con = duckdb.connect()
    con.execute(SQL_MACRO)
    assert con.execute("SELECT publish_round(NULL::DOUBLE, 1), publish_round(19.25, 1)").fetchone() == (None, 19.3)


def test_the_city_row_of_district_values_equals_barometer_history(sample_run):
    with sample_run.public() as con:
        diff = con.execute("""
            SELECT d.indicator, d.reference_period, d.value, h.value
            FROM district_values d JOIN barometer_history h USING (indicator, reference_period)
            WHERE d.district = 'KBH' AND d.value IS DISTINCT FROM h.value""").fetchall()
        n = con.execute("SELECT count(*) FROM district_values WHERE district = 'KBH'").fetchone()[0]
    assert n > 0 and diff == []
