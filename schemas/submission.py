"""The pandera model of a department submission, and the per-file schema that adds what only
the file's context knows (its department and round, the catalog's series).

One row = one cell of a department's table: indicator series x measurement period x district x
(subunit) x population group x sex, with counts. See docs/submissions.md.
"""

from __future__ import annotations

from functools import cache

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

    def lookup(df: pd.DataFrame, col: str) -> pd.Series:
        mapped = df["indicator"].map(series[col].to_dict())
        return mapped.eq(True) if col != "groups" else mapped.fillna("")

    def known(df: pd.DataFrame) -> pd.Series:
        return df["indicator"].isin(series.index)

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
    so a district is covered by a `T` row or by both `F` and `M` rows, whatever the others use."""
    ok = pd.Series(True, index=df.index)
    rows = df[district_level & (df["district"] != CITY)]
    if rows.empty:
        return ok
    cell = COMPLETENESS_CELL
    covered = district_coverage(rows)
    n_covered = covered[covered].groupby(level=cell).size()
    complete = n_covered[n_covered == len(codes("districts")) - 1].index
    incomplete = rows[~pd.MultiIndex.from_frame(rows[cell]).isin(complete)]
    first = incomplete.index[~incomplete.duplicated(cell)]
    ok[first] = False
    return ok


COMPLETENESS_CELL = ["indicator", "reference_period", "group"]


def district_coverage(rows: pd.DataFrame) -> pd.Series:
    """Per (indicator, period, group, district): whether the district is covered, by `T` or by
    both `F` and `M` (subunits are summed, so any subunit's row counts)."""
    sexes = rows.groupby(COMPLETENESS_CELL + ["district"])["sex"].agg(frozenset)
    return sexes.map(lambda sx: "T" in sx or {"F", "M"} <= sx)


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
    Danes. Subunits are summed too; a district-level series' KBH rows are control totals."""
    ok = pd.Series(True, index=df.index)
    partners = pd.DataFrame([(ind, g, p) for ind, ps in pairs.items() for a, b in ps for g, p in ((a, b), (b, a))],
                            columns=["indicator", "group", "partner"])
    gap = df[df["indicator"].isin(partners["indicator"])]
    if gap.empty:
        return ok
    keys = ["indicator", "reference_period", "district"]
    # a KBH row beside the districts of the same series and period is a control total
    has_districts = gap["district"].ne(CITY).groupby([gap[k] for k in keys[:2]]).transform("any")
    gap = gap[gap["district"].ne(CITY) | ~has_districts]
    sexes = gap.groupby(keys + ["group"])["sex"].agg(frozenset)
    cover = sexes.map(lambda sx: "both" if "T" in sx or {"F", "M"} <= sx else "".join(sorted(sx))).rename("cover")
    rows = gap.reset_index(names="_row").merge(partners, on=["indicator", "group"])
    rows = rows.merge(cover.reset_index(), on=keys + ["group"])
    rows = rows.merge(cover.rename("partner_cover").reset_index().rename(columns={"group": "partner"}),
                      on=keys + ["partner"], how="left")
    ok[rows.loc[rows["cover"] != rows["partner_cover"], "_row"].unique()] = False
    return ok


def _sex_total_or_split(df: pd.DataFrame) -> pd.Series:
    keys = [df[c] for c in ("indicator", "reference_period", "district", "subunit", "group")]
    has_total = df["sex"].eq("T").groupby(keys, dropna=False).transform("any")
    has_split = df["sex"].isin(["F", "M"]).groupby(keys, dropna=False).transform("any")
    return ~(has_total & has_split)
