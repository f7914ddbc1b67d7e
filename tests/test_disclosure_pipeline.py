"""Disclosure control end to end: random district tables delivered as a department's CSV file go
through the real job (intake, pandera, DuckDB SQL, suppression, publish), and the published
district_values are checked against the counts written into the file, which the test alone knows."""

import csv
import tempfile
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb
from conftest import run_barometer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

DISTRICTS = ["IND", "OST", "NOR", "VES", "VAL", "VAN", "BRH", "BIS", "AMO", "AMV"]
MIN_COUNT, MIN_DEN = 5, 20  # catalog/disclosure.yaml
HEADER = ["department", "round", "indicator", "reference_period", "district", "subunit", "group", "sex",
          "numerator", "denominator", "value", "sd", "note"]

# per district and sex: (persons with the trait, persons without it): small cells are frequent
cell = st.tuples(st.integers(0, 30), st.integers(0, 40))
tables = st.lists(st.tuples(cell, cell), min_size=10, max_size=10)


def _write(raw: Path, table) -> None:
    folder = raw / "2009-05"
    folder.mkdir(parents=True)
    with open(folder / "BIF_2009-05.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        for district, sexes in zip(DISTRICTS, table):
            for sex, (yes, no) in zip("FM", sexes):
                w.writerow(["BIF", "2009-05", "EMP-M", "2009-02", district, "", "IMM", sex, yes, yes + no, "", "", ""])


def _sensitive(yes: int, no: int) -> bool:
    den = yes + no
    return den > 0 and (den < MIN_DEN or 1 <= yes < MIN_COUNT or 1 <= no < MIN_COUNT)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables)
def test_published_district_values_from_random_submissions(table):
    with tempfile.TemporaryDirectory() as tmp:
        raw, wh = Path(tmp) / "raw", Path(tmp) / "wh"
        _write(raw, table)
        run_barometer(raw, wh)
        con = duckdb.connect(str(wh / "barometer.duckdb"), read_only=True)
        try:
            rows = con.execute(
                """SELECT indicator, district, value, suppressed, share_of_city, deviation_from_city, rank,
                          change_since_previous FROM district_values WHERE reference_period = '2009-02'"""
            ).fetchall()
            history = dict(con.execute("SELECT indicator, value FROM barometer_history "
                                       "WHERE reference_period = '2009-02'").fetchall())
        finally:
            con.close()
    # the cells behind each indicator: EMP-M both sexes, EMP-1 women, EMP-2 men
    cuts = {"EMP-M": lambda s: (s[0][0] + s[1][0], s[0][1] + s[1][1]),
            "EMP-1": lambda s: s[0], "EMP-2": lambda s: s[1]}
    for indicator, cut in cuts.items():
        cells = {d: cut(s) for d, s in zip(DISTRICTS, table)}
        published = {r[1]: r for r in rows if r[0] == indicator}
        yes = sum(c[0] for c in cells.values())
        den = sum(c[0] + c[1] for c in cells.values())
        # the published city value is the rate of all counts behind it, suppressed ones included
        city = published["KBH"][2]
        if den:
            # one decimal, half away from zero (docs/warehouse.md, Rounding), in exact arithmetic
            exact = (Decimal(100 * yes) / Decimal(den)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
            assert city == float(exact), indicator
            assert history[indicator] == city
        else:
            assert city is None
        hidden = [d for d in DISTRICTS if published[d][3]]
        for d in DISTRICTS:
            if _sensitive(*cells[d]):
                assert d in hidden, (indicator, d, cells[d])
        for d in hidden:  # nothing derived from a suppressed cell is published
            assert published[d][2] is None and published[d][4:] == (None, None, None, None), (indicator, d)
        if hidden and len(hidden) < len(DISTRICTS):
            # subtraction from the city total yields only the hidden cells' sum, never one of them
            assert len(hidden) >= 2, (indicator, hidden)
            assert sum(cells[d][0] for d in hidden) >= MIN_COUNT or all(
                published[d][3] or sum(cells[d]) == 0 for d in DISTRICTS), (indicator, hidden)
