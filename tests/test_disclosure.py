"""Disclosure control: property-based over random district tables, and on the sample marts."""

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from assets.disclosure import SECONDARY, suppress

DISTRICTS = ["IND", "OST", "NOR", "VES", "VAL", "VAN", "BRH", "BIS", "AMO", "AMV"]
MIN_COUNT, MIN_DEN = 5, 20


def table(nums, dens, share=True):
    return pd.DataFrame({
        "indicator": "X", "reference_period": "2009-02", "district": DISTRICTS,
        "numerator": nums, "denominator": dens, "counts_persons": True,
        "has_denominator": share, "is_share": share,
    })


cells = st.lists(st.tuples(st.integers(0, 60), st.integers(0, 80)), min_size=10, max_size=10)


@settings(max_examples=400, deadline=None)
@given(cells, st.booleans())
def test_no_suppressed_cell_can_be_recovered_from_the_published_ones_and_the_city_total(pairs, share):
    nums = [n for n, _ in pairs]
    dens = [max(n, d) for n, d in pairs] if share else [None] * 10
    out = suppress(table(nums, dens, share), MIN_COUNT, MIN_DEN)
    hidden = out[out.suppressed]
    published = out[~out.suppressed]
    city = sum(nums)
    # published city total = the unsuppressed plus the suppressed counts behind it
    assert published.numerator.sum() + hidden.numerator.sum() == city
    if len(hidden):
        # the attacker learns only the suppressed cells' sum (city minus published cells)...
        learned = city - published.numerator.sum()
        assert learned == hidden.numerator.sum()
        # ...which never pins down one cell: at least two cells share it and together they hold at
        # least min_count persons, so each could be anything from 0 to that sum; unless every cell
        # of the table is already suppressed (then only the city total is known)
        everything_hidden = out.suppressed.all()
        assert everything_hidden or (len(hidden) >= 2 and learned >= MIN_COUNT) or (
            (out.suppressed | (out.numerator == 0)).all())
    # every primary-sensitive cell is suppressed
    for r in out.itertuples():
        small = 1 <= r.numerator < MIN_COUNT
        if share:
            small |= (r.denominator > 0 and (r.denominator < MIN_DEN or 1 <= r.denominator - r.numerator < MIN_COUNT))
        if small:
            assert r.suppressed


def test_secondary_suppression_picks_the_smallest_other_cell():
    nums = [3, 100, 90, 80, 70, 60, 50, 40, 30, 20]
    out = suppress(table(nums, [400] * 10), MIN_COUNT, MIN_DEN)
    assert out.set_index("district").suppressed.to_dict() == {d: d in ("IND", "AMV") for d in DISTRICTS}
    assert out.set_index("district").loc["AMV", "suppression_reason"] == SECONDARY


def test_cells_not_about_persons_are_never_suppressed():
    t = table([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [10] * 10).assign(counts_persons=False)
    assert not suppress(t, MIN_COUNT, MIN_DEN).suppressed.any()


def test_published_district_values_hide_every_figure_of_a_suppressed_cell(sample_run):
    with sample_run.public() as con:
        leaks = con.execute(
            """SELECT count(*) FROM district_values WHERE suppressed AND (value IS NOT NULL OR rank IS NOT NULL
               OR share_of_city IS NOT NULL OR deviation_from_city IS NOT NULL OR change_since_previous IS NOT NULL
               OR suppression_reason IS NULL)""").fetchone()[0]
        groups = con.execute(
            """SELECT count(*) FROM (SELECT indicator, reference_period, count(*) FILTER (WHERE suppressed) AS n
               FROM district_values GROUP BY 1, 2) WHERE n = 1""").fetchone()[0]
        cols = [r[0] for r in con.execute("DESCRIBE district_values").fetchall()]
    assert leaks == 0
    assert groups == 0  # never a lone suppressed district
    assert "numerator" not in cols and "denominator" not in cols  # raw counts stay internal


def test_a_small_period_increment_of_a_cumulative_count_hides_the_period():
    from assets.districts import suppress_small_increments

    def period(date, nums):
        t = table(nums, [None] * 10, share=False).assign(
            reference_period=date, reference_date=pd.Timestamp(date + "-01"), is_cumulative=True)
        return suppress(t, MIN_COUNT, MIN_DEN)

    first = period("2008-01", [50, 60, 70, 80, 90, 100, 110, 120, 130, 140])
    second = period("2008-06", [52, 70, 80, 90, 100, 110, 120, 130, 140, 150])  # IND rose by 2
    third = period("2009-01", [60, 80, 90, 100, 110, 120, 130, 140, 150, 160])  # +10 on the last published
    out = suppress_small_increments(pd.concat([first, second, third], ignore_index=True), MIN_COUNT)
    by = out.groupby("reference_period").suppressed
    assert not by.any()["2008-01"] and by.all()["2008-06"] and not by.any()["2009-01"]


def test_housing_areas_publish_no_move_in_counts(sample_run):
    with sample_run.public() as con:
        cols = [r[0] for r in con.execute("DESCRIBE housing_areas").fetchall()]
    assert "movein_flexible" not in cols and "movein_combined" not in cols
