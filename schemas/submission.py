"""The pandera model of a department submission, and the per-file schema that adds what only
the file's context knows (its department and round, the catalog's series).

One row = one cell of a department's table: indicator series x measurement period x district x
(subunit) x population group x sex, with counts. See docs/submissions.md.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from functools import cache

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas.catalog import GAP_COMPUTATIONS, Catalog
from schemas.code_lists import CITY, codes, computation
from schemas.rule_set import rules_for

RULES = rules_for("indicators")  # schemas/rules/submission_rules.yaml
ROUND_RE = RULES["round_format"].check.regex
KEY = list(RULES["unique_cell"].check.key)
REQUIRED_COLUMNS = ["department", "round", "indicator", "reference_period", "district", "group", "sex"]
COLUMNS = REQUIRED_COLUMNS[:3] + ["reference_period", "district", "subunit", "group", "sex",
                                  "numerator", "denominator", "value", "sd", "note"]


# The Danish label of each column, as the template shows it above the column name and the
# validation report quotes it beside the name.
LABELS_DA = {
    "department": "forvaltning", "round": "runde", "indicator": "indikator", "reference_period": "måleperiode",
    "district": "bydel", "subunit": "underenhed", "group": "befolkningsgruppe", "sex": "køn",
    "numerator": "tæller", "denominator": "nævner", "value": "værdi", "sd": "standardafvigelse", "note": "note",
}


class SubmissionRow(pa.DataFrameModel):
    """A department's rows: indicator x period x district x subunit x group x sex, with counts. The
    columns and their types; their checks are the rule records' (row_schema)."""

    department: Series[str]
    round: Series[str]
    indicator: Series[str]
    reference_period: Series[str]
    district: Series[str]
    subunit: Series[str] = pa.Field(nullable=True)
    group: Series[str]
    sex: Series[str]
    numerator: Series[float] = pa.Field(nullable=True)
    denominator: Series[float] = pa.Field(nullable=True)
    value: Series[float] = pa.Field(nullable=True)
    sd: Series[float] = pa.Field(nullable=True)
    note: Series[str] = pa.Field(nullable=True)

    class Config:
        strict = True
        coerce = True


def _series_table(catalog: Catalog, department: str) -> pd.DataFrame:
    """Per series this department delivers: what its computations need (a series cut into several
    indicators needs what any of them needs; schemas/code_lists/computations.csv), its groups and
    level."""
    rows = []
    for source, members in catalog.series_of(department).items():
        needs = [computation(m.computation) for m in members]
        groups = {g for m in members for g in (m.group, m.reference_group) if g}
        rows.append(
            {
                "indicator": source,
                **{prop: any(getattr(n, prop) for n in needs) for prop in SERIES_NEEDS},
                "groups": ",".join(sorted(groups)),
                "districts": members[0].districts,
                "sex_cut": any(m.sex for m in members),
            }
        )
    return pd.DataFrame(rows, columns=["indicator", *SERIES_NEEDS, "groups", "districts", "sex_cut"])


SERIES_NEEDS = ["needs_numerator", "needs_denominator", "needs_value", "whole_numbers", "is_percentage"]


def _period_end_key(period: pd.Series) -> pd.Series:
    # "2009" -> "2009-12", "2009-02" -> "2009-02": comparable as text with a round "YYYY-MM".
    return period.where(period.str.len() == 7, period + "-12")


@cache
def row_schema() -> pa.DataFrameSchema:
    """Stage 1: types, code lists, formats and ranges of each column, and the key (the model's
    columns with the checks of the rule records; unique_cell is vectorised: pandera's own
    `unique` reshapes its failures row by row, which takes minutes on a file of repeats)."""
    return RULES.schema(SubmissionRow)


def context_schema(catalog: Catalog, department: str, round_key: str) -> pa.DataFrameSchema:
    """Stage 2: the rules that need the file's context (department, round, catalog series), run on
    the rows that passed stage 1, so every rule sees typed values."""
    series = _series_table(catalog, department).set_index("indicator")
    by_indicator = {col: series[col].to_dict() for col in series.columns}
    delivered = set(series.index)

    def lookup(df: pd.DataFrame, col: str) -> pd.Series:
        mapped = df["indicator"].map(by_indicator[col])
        return mapped.eq(True) if col != "groups" else mapped.fillna("")

    def known(df: pd.DataFrame) -> pd.Series:
        return df["indicator"].isin(delivered)

    rule = lambda fn, name: RULES.check(name, fn)  # the record of each rule: its column and messages
    checks = [
        # District-level series: the 10 districts, plus optionally a KBH row per cell as the
        # department's control total (checked, never used: the city is the sum of the districts).
        rule(lambda df: ~known(df) | lookup(df, "districts") | (df["district"] == CITY),
             "district_level_matches_series"),
        rule(lambda df: _all_districts_present(df, lookup(df, "districts")), "all_districts_present"),
        rule(lambda df: _gap_groups_paired(df, _gap_pairs(catalog, department)), "gap_groups_paired"),
        rule(lambda df: ~known(df) | pd.Series(
            [g in gs.split(",") for g, gs in zip(df["group"], lookup(df, "groups"))], index=df.index, dtype=bool),
             "group_used_by_series"),
        rule(lambda df: ~known(df) | ~lookup(df, "needs_numerator") | df["numerator"].notna(), "numerator_present"),
        rule(lambda df: ~known(df) | ~lookup(df, "needs_denominator") | df["denominator"].notna(),
             "denominator_present"),
        rule(lambda df: ~known(df) | (lookup(df, "needs_value") == df["value"].notna()),
             "value_present_for_reported_series"),
        rule(lambda df: ~known(df) | ~lookup(df, "whole_numbers")
             | ((df["numerator"].isna() | (df["numerator"] % 1 == 0))
                & (df["denominator"].isna() | (df["denominator"] % 1 == 0))),
             "counts_are_whole_numbers"),
        rule(lambda df: ~known(df) | ~lookup(df, "is_percentage") | df["numerator"].isna() | df["denominator"].isna()
             | (df["numerator"] <= df["denominator"]), "numerator_at_most_denominator"),
        rule(_sex_total_or_split, "sex_total_or_split"),
        rule(lambda df: ~known(df) | ~lookup(df, "sex_cut") | df["sex"].isin(["F", "M"]), "sex_split_required"),
        rule(lambda df: df["department"] == department, "department_matches_file"),
        rule(lambda df: df["round"] == round_key, "round_matches_file"),
        rule(lambda df: known(df), "series_delivered_by_department"),
        rule(lambda df: _period_end_key(df["reference_period"]) <= round_key, "period_not_after_round"),
    ]
    return pa.DataFrameSchema(checks=checks, name=f"{department} {round_key}")


def _all_districts_present(df: pd.DataFrame, district_level: pd.Series) -> pd.Series:
    """False on the first row of each district-level (indicator, period, group) that does not cover
    every district: a city figure is always the sum of all ten. The sex split is decided per cell,
    so a district is covered by a `T` row or by both `F` and `M` rows, whatever the others use.
    (One linear pass over the rows: the same answer as grouping, without a frame per group.)"""
    ok = np.ones(len(df), dtype=bool)
    at = np.flatnonzero((district_level & (df["district"] != CITY)).to_numpy())
    if len(at):
        ind, period, group, district, sex = (df[c].to_numpy()[at] for c in (*COMPLETENESS_CELL, "district", "sex"))
        sexes: dict[tuple, set] = defaultdict(set)
        for i, p, g, d, sx in zip(ind, period, group, district, sex):
            sexes[(i, p, g, d)].add(sx)
        n_covered = Counter(key[:3] for key, sx in sexes.items() if _both_sexes(sx))
        every = len(codes("districts")) - 1
        flagged = set()
        for row, cell in zip(at, zip(ind, period, group)):
            if n_covered[cell] != every and cell not in flagged:
                flagged.add(cell)
                ok[row] = False
    return pd.Series(ok, index=df.index)


def _both_sexes(sexes: set) -> bool:
    """A cell's rows cover every person: a `T` row, or both `F` and `M` rows."""
    return "T" in sexes or {"F", "M"} <= sexes


COMPLETENESS_CELL = ["indicator", "reference_period", "group"]


def district_coverage(rows: pd.DataFrame) -> pd.Series:
    """Per (indicator, period, group, district): whether the district is covered, by `T` or by
    both `F` and `M` (subunits are summed, so any subunit's row counts)."""
    sexes = rows.groupby(COMPLETENESS_CELL + ["district"])["sex"].agg(frozenset)
    return sexes.map(_both_sexes)


def _gap_pairs(catalog: Catalog, department: str) -> dict[str, set[tuple[str, str]]]:
    """Per series: the (group, reference group) pairs its gap indicators compare."""
    return {source: {(m.group, m.reference_group) for m in members
                     if m.computation in GAP_COMPUTATIONS and m.group and m.reference_group}
            for source, members in catalog.series_of(department).items()}


def gap_pair_groups(catalog: Catalog, department: str) -> dict[str, set[str]]:
    """Per series used for a gap: every group its gaps compare (e.g. SAF-4 -> {IMM, DAN})."""
    return {source: {g for pair in pairs for g in pair} for source, pairs in _gap_pairs(catalog, department).items()
            if pairs}


def _gap_groups_paired(df: pd.DataFrame, pairs: dict[str, set[tuple[str, str]]]) -> pd.Series:
    """False on a row of a gap's group whose compared group has no row in the same period and
    district, or covers other persons: both groups must cover both sexes (T, or F and M: they
    are summed) or the same one sex, else the gap would compare, say, immigrant women with all
    Danes. Subunits are summed too; a district-level series' KBH rows are control totals.
    (One linear pass over the gap series' rows, as _all_districts_present.)"""
    ok = np.ones(len(df), dtype=bool)
    partners: dict[tuple[str, str], set[str]] = defaultdict(set)  # (indicator, group) -> compared groups
    for indicator, ps in pairs.items():
        for a, b in ps:
            partners[(indicator, a)].add(b)
            partners[(indicator, b)].add(a)
    at = np.flatnonzero(df["indicator"].isin({i for i, _ in partners}).to_numpy())
    if len(at):
        ind, period, district, group, sex = (df[c].to_numpy()[at]
                                             for c in ("indicator", "reference_period", "district", "group", "sex"))
        # a KBH row beside the districts of the same series and period is a control total
        with_districts = {(i, p) for i, p, d in zip(ind, period, district) if d != CITY}
        kept = [k for k, (i, p, d) in enumerate(zip(ind, period, district))
                if d != CITY or (i, p) not in with_districts]
        sexes: dict[tuple, set] = defaultdict(set)
        for k in kept:
            sexes[(ind[k], period[k], district[k], group[k])].add(sex[k])
        cover = {key: "both" if _both_sexes(sx) else "".join(sorted(sx)) for key, sx in sexes.items()}
        for k in kept:
            i, p, d, g = ind[k], period[k], district[k], group[k]
            if any(cover.get((i, p, d, other)) != cover[(i, p, d, g)] for other in partners.get((i, g), ())):
                ok[at[k]] = False
    return pd.Series(ok, index=df.index)


def _sex_total_or_split(df: pd.DataFrame) -> pd.Series:
    """False on every row of an (indicator, period, district, subunit, group) given both as a total
    (`T`) and split (`F`, `M`): it would be counted twice. An empty subunit is one subunit."""
    subunit = df["subunit"].astype(object).where(df["subunit"].notna(), None).to_numpy()
    keys = list(zip(*(df[c].to_numpy() for c in ("indicator", "reference_period", "district", "group")), subunit))
    total, split = set(), set()
    for key, sex in zip(keys, df["sex"].to_numpy()):
        if sex == "T":
            total.add(key)
        elif sex in ("F", "M"):
            split.add(key)
    both = total & split
    return pd.Series([key not in both for key in keys], index=df.index, dtype=bool)
