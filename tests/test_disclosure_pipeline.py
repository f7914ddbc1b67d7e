"""Disclosure control end to end: random district tables delivered as a department's CSV file go
through the real job (intake, pandera, DuckDB SQL, suppression, publish), and the published
district_values are checked against the counts written into the file, which the test alone knows.
And the thresholds are data: the sample run again with raised ones (a catalog folder whose
disclosure.yaml is changed) suppresses more and publishes nothing below the new thresholds."""

import csv
import shutil
import tempfile
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import yaml
from conftest import PROJECT, run_barometer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import disclosure
from core.disclosure import load_rules
from core.settings import ENV_CATALOG

DISTRICTS = ["IND", "OST", "NOR", "VES", "VAL", "VAN", "BRH", "BIS", "AMO", "AMV"]
RULES = load_rules()  # catalog/disclosure.yaml: the test follows the thresholds in force
MIN_COUNT, MIN_DEN = RULES.min_count, RULES.min_denominator
HEADER = ["department", "round", "indicator", "reference_period", "district", "subunit", "group", "sex",
          "numerator", "denominator", "value", "sd", "note"]

# per district and sex: (persons with the trait, persons without it): small cells are frequent
cell = st.tuples(st.integers(0, 6 * MIN_COUNT), st.integers(0, 2 * MIN_DEN))
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
        populated = [d for d in DISTRICTS if sum(cells[d])]
        if hidden and set(populated) - set(hidden):
            # subtraction from the city total yields only the hidden cells' sum, never one of them;
            # a district with nobody in scope hides nothing, so it never counts as one of the two
            # (when every district with people is hidden, the city figure is their sum: that limit
            # is docs/privacy.md's, "What a determined reader can still learn")
            assert len([d for d in hidden if d in populated]) >= 2, (indicator, hidden)
            assert sum(cells[d][0] for d in hidden) >= MIN_COUNT or all(
                published[d][3] or sum(cells[d]) == 0 for d in DISTRICTS), (indicator, hidden)


# ---------------------------------------------------------------- raised thresholds

RAISED = RULES.model_copy(update={"version": f"{RULES.version}+raised", "min_count": 10 * MIN_COUNT,
                                  "min_denominator": 20 * MIN_DEN})


def _small(x, rules) -> bool:
    return pd.notna(x) and 1 <= x < rules.min_count


def _publishable_share(num, den, rules) -> bool:
    """docs/privacy.md rule 1 for a share of persons, written from the doc."""
    return den >= rules.min_denominator and not _small(num, rules) and not _small(den - num, rules)


@pytest.fixture(scope="module")
def raised_run(tmp_path_factory, sample_raw):
    """The sample rounds under a copy of the catalog whose disclosure.yaml has raised thresholds
    (the Warehouse resource reads disclosure.yaml beside BAROMETER_CATALOG)."""
    tmp = tmp_path_factory.mktemp("raised")
    catalog = shutil.copytree(PROJECT / "catalog", tmp / "catalog")
    (catalog / "disclosure.yaml").write_text(yaml.safe_dump(RAISED.model_dump(), sort_keys=False), encoding="utf-8")
    assert load_rules(catalog / "indicators.yaml") == RAISED
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(ENV_CATALOG, str(catalog / "indicators.yaml"))
        return run_barometer(sample_raw, tmp / "wh")


def _suppressed(run, table: str) -> int:
    with run.public() as con:
        return con.execute(f"SELECT count(*) FROM {table} WHERE suppressed").fetchone()[0]


def test_raised_thresholds_suppress_more(sample_run, raised_run):
    mats = raised_run.result.asset_materializations_for_node("district_values")
    assert mats and mats[-1].metadata["disclosure_rules"].value == disclosure.describe(RAISED)
    assert _suppressed(raised_run, "district_values") > _suppressed(sample_run, "district_values")
    housing = ("housing_areas", "housing_decomposition", "housing_district_shares")
    assert sum(_suppressed(raised_run, t) for t in housing) > sum(_suppressed(sample_run, t) for t in housing)
    with raised_run.public() as con:
        said = {r[0] for r in con.execute("SELECT DISTINCT suppression_reason FROM district_values "
                                          "WHERE suppressed").fetchall()}
    # published: one word for every withheld cell, whichever rule withheld it
    assert said == {disclosure.WITHHELD}, said
    with raised_run.internal() as con:
        reasons = {r[0] for r in con.execute("SELECT DISTINCT suppression_reason FROM district_decisions").fetchall()}
        hidden = con.execute("SELECT count(*) FROM district_decisions").fetchone()[0]
    assert hidden == _suppressed(raised_run, "district_values")
    # internally, the rule that fired, naming the thresholds applied
    assert reasons <= {disclosure.PRIMARY_SMALL_DENOMINATOR.format(n=RAISED.min_denominator),
                       disclosure.PRIMARY_SMALL_COUNT.format(n=RAISED.min_count), disclosure.SECONDARY,
                       disclosure.INCREMENT.format(n=RAISED.min_count), disclosure.LINKED}, reasons


def test_raised_thresholds_publish_no_district_cell_below_them(raised_run):
    with raised_run.internal() as con:
        counts = con.execute("SELECT indicator, district, reference_period, numerator, denominator, "
                             "reference_denominator, counts_persons, has_denominator, is_share "
                             "FROM district_breakdown").fetchdf()
    with raised_run.public() as con:
        pub = con.execute("SELECT indicator, district, reference_period, suppressed FROM district_values").fetchdf()
    cells = pub.merge(counts, on=["indicator", "district", "reference_period"])
    assert len(cells) == len(pub)
    for r in cells[~cells.suppressed & cells.counts_persons & (cells.district != "KBH")].itertuples():
        if not r.has_denominator:
            assert not _small(r.numerator, RAISED), r
        elif r.denominator > 0:
            assert r.denominator >= RAISED.min_denominator, r
            assert pd.isna(r.reference_denominator) or r.reference_denominator >= RAISED.min_denominator, r
            assert not r.is_share or _publishable_share(r.numerator, r.denominator, RAISED), r
    districts = cells[cells.district != "KBH"]
    for key, g in districts.groupby(["indicator", "reference_period"]):
        hidden = g[g.suppressed]
        if len(hidden) and len(hidden) < len(g) and not (g.suppressed | (g.numerator.fillna(0) == 0)).all():
            assert len(hidden) >= 2 and hidden.numerator.fillna(0).sum() >= RAISED.min_count, key


def test_raised_thresholds_publish_no_housing_figure_below_them(raised_run):
    with raised_run.public() as con:
        areas = con.execute("SELECT area_id, reference_period, residents_18_64, outside_labour_market, "
                            "max_section_share, area_type, suppressed FROM housing_areas").fetchdf()
        groups = con.execute("SELECT period_from, period_to, area_type, suppressed FROM housing_decomposition"
                             ).fetchdf()
    with raised_run.internal() as con:
        sections = con.execute("SELECT DISTINCT area_id, reference_period, "
                               "unnest(max_section_cells, recursive := true) FROM housing_area_classes").fetchdf()
        counts = con.execute("SELECT period_from, period_to, area_type, residents_from, residents_to, "
                             "transfer_from, transfer_to FROM housing_decomposition_counts").fetchdf()
    shown = areas[areas.outside_labour_market.notna()]
    assert shown.apply(lambda r: _publishable_share(r.outside_labour_market, r.residents_18_64, RAISED), axis=1).all()
    assert (areas[areas.area_type.notna()].residents_18_64 >= RAISED.min_denominator).all()
    # a published highest section's share: some section reaching it is large enough
    with_max = areas[areas.max_section_share.notna()][["area_id", "reference_period"]].drop_duplicates()
    ok = sections.assign(ok=[_publishable_share(n, d, RAISED)
                             for n, d in zip(sections.numerator, sections.denominator)])
    assert with_max.merge(ok.groupby(["area_id", "reference_period"], as_index=False).ok.any()).ok.all()
    assert areas.suppressed.any()
    g = groups.merge(counts, on=["period_from", "period_to", "area_type"])
    for r in g[~g.suppressed & (g.area_type != "all")].itertuples():
        assert min(r.residents_from, r.residents_to) >= RAISED.min_denominator, r
        for num, den in ((r.transfer_from, r.residents_from), (r.transfer_to, r.residents_to)):
            assert _publishable_share(num, den, RAISED), r
