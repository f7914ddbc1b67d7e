"""Disclosure control: property-based over random district tables, and on the sample marts."""

import re

import pandas as pd
from conftest import PROJECT
from hypothesis import given, settings
from hypothesis import strategies as st

from core.disclosure import SECONDARY, load_rules, suppress, suppress_small_increments

DISTRICTS = ["IND", "OST", "NOR", "VES", "VAL", "VAN", "BRH", "BIS", "AMO", "AMV"]
RULES = load_rules()  # catalog/disclosure.yaml: the tests follow the thresholds in force
MIN_COUNT, MIN_DEN = RULES.min_count, RULES.min_denominator
# raised thresholds too: a threshold written into the code instead of read from the rules fails
RAISED = RULES.model_copy(update={"min_count": 2 * MIN_COUNT, "min_denominator": 2 * MIN_DEN})


def table(nums, dens, share=True):
    return pd.DataFrame({
        "indicator": "X", "reference_period": "2009-02", "district": DISTRICTS,
        "numerator": nums, "denominator": dens, "counts_persons": True,
        "has_denominator": share, "is_share": share,
    })


# counts up to a few times the thresholds: small cells (primary and secondary) are frequent
cells = st.lists(st.tuples(st.integers(0, 12 * MIN_COUNT), st.integers(0, 4 * MIN_DEN)), min_size=10, max_size=10)


@settings(max_examples=400, deadline=None)
@given(cells, st.booleans(), st.sampled_from([RULES, RAISED]))
def test_no_suppressed_cell_can_be_recovered_from_the_published_ones_and_the_city_total(pairs, share, rules):
    min_count, min_den = rules.min_count, rules.min_denominator
    nums = [n for n, _ in pairs]
    dens = [max(n, d) for n, d in pairs] if share else [None] * 10
    out = suppress(table(nums, dens, share), rules)
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
        assert everything_hidden or (len(hidden) >= 2 and learned >= min_count) or (
            (out.suppressed | (out.numerator == 0)).all())
    # every primary-sensitive cell is suppressed
    for r in out.itertuples():
        small = 1 <= r.numerator < min_count
        if share:
            small |= (r.denominator > 0 and (r.denominator < min_den or 1 <= r.denominator - r.numerator < min_count))
        if small:
            assert r.suppressed


def test_secondary_suppression_picks_the_smallest_other_cell():
    big = MIN_COUNT + MIN_DEN  # every other cell, and its complement, is far from small
    nums = [MIN_COUNT - 1] + [k * big for k in range(10, 1, -1)]
    out = suppress(table(nums, [12 * big] * 10), RULES)
    assert out.set_index("district").suppressed.to_dict() == {d: d in ("IND", "AMV") for d in DISTRICTS}
    assert out.set_index("district").loc["AMV", "suppression_reason"] == SECONDARY


def test_a_cell_with_nobody_in_scope_never_protects_a_suppressed_one():
    """A 0 / 0 district hides nothing: taking it as the second withheld cell would leave the
    small one alone behind the city total. Here IND rests on fewer than min_denominator persons;
    the only other district with people in scope (AMV, nobody with the trait) is the one taken,
    although the empty districts come before it."""
    small_den = MIN_DEN - 1
    nums = [MIN_COUNT + 1] + [0] * 9
    dens = [small_den] + [0] * 8 + [4 * MIN_DEN]
    out = suppress(table(nums, dens), RULES).set_index("district")
    assert out.suppressed.to_dict() == {d: d in ("IND", "AMV") for d in DISTRICTS}
    assert out.loc["AMV", "suppression_reason"] == SECONDARY


def test_cells_not_about_persons_are_never_suppressed():
    t = table([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [10] * 10).assign(counts_persons=False)
    assert not suppress(t, RULES).suppressed.any()


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
    def period(date, nums):
        t = table(nums, [None] * 10, share=False).assign(
            reference_period=date, reference_date=pd.Timestamp(date + "-01"), is_cumulative=True)
        return suppress(t, RULES)

    base = [10 * MIN_COUNT * k for k in range(1, 11)]
    first = period("2008-01", base)
    # IND rose by min_count - 1, the others by min_count
    second = period("2008-06", [base[0] + MIN_COUNT - 1] + [n + MIN_COUNT for n in base[1:]])
    third = period("2009-01", [n + 2 * MIN_COUNT for n in base])  # 2 x min_count on the last published
    out = suppress_small_increments(pd.concat([first, second, third], ignore_index=True), RULES)
    by = out.groupby("reference_period").suppressed
    assert not by.any()["2008-01"] and by.all()["2008-06"] and not by.any()["2009-01"]


def test_a_cumulative_period_withheld_in_one_linked_table_is_withheld_in_all():
    """Rule 7 on cumulative counts: T = A + B per district. A's second period has a small
    increment (rule 5 withholds it); publishing T's and B's second period would give A's as
    their difference, so both are withheld too, and their third period is judged on the first."""
    def period(code, date, nums):
        t = table(nums, [None] * 10, share=False).assign(
            indicator=code, reference_period=date, reference_date=pd.Timestamp(date + "-01"), is_cumulative=True)
        return suppress(t, RULES)

    a = [10 * MIN_COUNT * k for k in range(1, 11)]
    b = [20 * MIN_COUNT * k for k in range(1, 11)]
    rises = {"A": [MIN_COUNT - 1] + [MIN_COUNT] * 9, "B": [2 * MIN_COUNT] * 10}
    frames = []
    for code, base in (("A", a), ("B", b)):
        frames += [period(code, "2008-01", base),
                   period(code, "2008-06", [n + r for n, r in zip(base, rises[code])]),
                   period(code, "2009-01", [n + 3 * MIN_COUNT for n in base])]
    cells = pd.concat(frames, ignore_index=True)
    totals = cells[cells.indicator == "A"].assign(
        indicator="T", numerator=cells[cells.indicator == "A"].numerator.to_numpy()
        + cells[cells.indicator == "B"].numerator.to_numpy())
    cells = pd.concat([cells, totals], ignore_index=True)
    alone = suppress_small_increments(cells, RULES).groupby(["indicator", "reference_period"]).suppressed.all()
    assert alone["A", "2008-06"] and not alone["B", "2008-06"] and not alone["T", "2008-06"]
    out = suppress_small_increments(cells, RULES, [frozenset("ABT")])
    by = out.groupby(["indicator", "reference_period"]).suppressed
    for code in "ABT":
        assert not by.any()[code, "2008-01"] and by.all()[code, "2008-06"] and not by.any()[code, "2009-01"]


def test_housing_areas_publish_no_move_in_counts(sample_run):
    with sample_run.public() as con:
        cols = [r[0] for r in con.execute("DESCRIBE housing_areas").fetchall()]
    assert "movein_flexible" not in cols and "movein_combined" not in cols


# ---------------------------------------------------------------- the docs show the rules, never copy them

DOCS = PROJECT / "docs"
BLOCK = re.compile(r"<!-- disclosure:thresholds -->\n(?P<body>.*?)<!-- /disclosure -->\n", re.S)
# a threshold written out as a number where the prose should name the rule
THRESHOLD_PROSE = re.compile(r"(fewer than|below|at least|less than|under|more than|between 1 and|from 1 to)"
                             r"\s+\**\d|\b1-\d+\b|\*\*\d+\*\*")
RULE_AND_NUMBER = re.compile(r"`?\bmin_(count|denominator)\b`?\s*(=|:|is)?\s*\**\d")


def test_privacy_doc_shows_the_rules_in_force_once():
    doc = (DOCS / "privacy.md").read_text(encoding="utf-8")
    blocks = BLOCK.findall(doc)
    assert len(blocks) == 1, "docs/privacy.md needs one <!-- disclosure:thresholds --> block"
    rows = {m.group(1): m.group(2).strip() for m in re.finditer(r"^\| `(\w+)` \| ([^|]+) \|", blocks[0], re.M)}
    expected = {k: str(v) for k, v in RULES.model_dump().items()}
    assert rows == expected, f"docs/privacy.md's thresholds block differs from catalog/disclosure.yaml: {expected}"


def test_privacy_doc_names_the_thresholds_instead_of_repeating_them():
    prose = BLOCK.sub("", (DOCS / "privacy.md").read_text(encoding="utf-8"))
    prose = re.sub(r'"[^"\n]*"', "", prose)  # quotations of sources keep their own numbers
    found = [m.group(0) for m in THRESHOLD_PROSE.finditer(prose)]
    assert not found, f"docs/privacy.md writes thresholds as numbers (name min_count / min_denominator): {found}"


def test_no_doc_or_contract_writes_a_threshold_beside_its_rule_name():
    texts = [*DOCS.glob("*.md"), *(PROJECT / "assets").glob("*/contracts/*.yml"), PROJECT / "README.md"]
    found = [(p.name, m.group(0)) for p in texts for m in RULE_AND_NUMBER.finditer(
        BLOCK.sub("", p.read_text(encoding="utf-8")))]
    assert not found, f"thresholds copied beside their rule names (catalog/disclosure.yaml is the source): {found}"


# ---------------------------------------------------------------- linked tables (rule 7)

def test_links_are_read_from_the_catalog_and_the_housing_rules():
    """The sex cuts share their `source` with the total; the pooled housing table its parts."""
    from core import settings as core_settings
    from core.disclosure import links, pooled_table
    from schemas.catalog import load_catalog
    from schemas.housing_rules import load_housing_rules

    cat = load_catalog(core_settings.catalog_path())
    frame = pd.DataFrame([{"code": i.code, "source": i.source, "districts": i.districts} for i in cat.indicators])
    pooled = load_housing_rules(PROJECT / "catalog" / "housing_rules.yaml").pooled_district_shares
    sets = links(frame, [pooled])
    assert frozenset({"EMP-M", "EMP-1", "EMP-2"}) in sets
    assert frozenset({pooled_table(pooled), *pooled}) in sets


linked_cells = st.lists(st.tuples(st.tuples(st.integers(0, 6 * MIN_COUNT), st.integers(0, 2 * MIN_DEN)),
                                  st.tuples(st.integers(0, 6 * MIN_COUNT), st.integers(0, 2 * MIN_DEN))),
                        min_size=10, max_size=10)


@settings(max_examples=300, deadline=None)
@given(linked_cells, st.sampled_from([RULES, RAISED]))
def test_linked_tables_withhold_the_same_districts_and_each_is_protected(pairs, rules):
    """T = A + B per district: after rule 7 a district with people in scope is withheld in all
    three tables or in none, so no sum relation between them reaches a withheld cell, and each
    table's withheld cells (with people in scope) are at least two holding at least min_count
    persons with and without the trait, unless every such cell of the table is withheld."""
    from core.disclosure import LINKED

    parts = {"A": [p[0] for p in pairs], "B": [p[1] for p in pairs]}
    parts["T"] = [(a[0] + b[0], a[1] + b[1]) for a, b in zip(parts["A"], parts["B"])]
    frames = [table([y for y, _ in c], [y + n for y, n in c]).assign(indicator=code) for code, c in parts.items()]
    out = suppress(pd.concat(frames, ignore_index=True), rules, linked=[frozenset(parts)])
    people = out.denominator > 0
    for _, g in out[people].groupby("district"):
        assert g.suppressed.nunique() == 1, g
    for code, g in out[people].groupby("indicator"):
        hidden = g[g.suppressed]
        if len(hidden) and not g.suppressed.all():
            assert len(hidden) >= 2 and hidden.numerator.sum() >= rules.min_count, (code, g)
            assert (hidden.denominator - hidden.numerator).sum() >= rules.min_count, (code, g)
    assert all(r in (SECONDARY, LINKED) or r.startswith("primary") for r in out.suppression_reason.dropna())
