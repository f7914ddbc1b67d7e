"""Disclosure control for tables of cells with a published margin: the rules object, every reason
text, primary and secondary suppression, cumulative counts and linked tables (rules 1-5 and 7 of
docs/privacy.md). Imported through the package, core/disclosure."""


from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from core import settings
from schemas.catalog import DisclosureRules, load_disclosure_rules  # DisclosureRules: the rules object

CITY = "KBH"  # the districts add up to the city, whose figure is always published
RULES_FILE = "disclosure.yaml"

# ---------------------------------------------------------------- every suppression reason (published text)
PRIMARY_SMALL_DENOMINATOR = "primary: fewer than {n} persons in the denominator"
PRIMARY_SMALL_COUNT = "primary: fewer than {n} persons with (or without) the trait"
SECONDARY = "secondary: protects another suppressed district from subtraction from the city total"
INCREMENT = "secondary: a district's count since the previous published period is below {n}"
AREA_SECONDARY = "secondary: protects another suppressed area from subtraction from its type's pooled share"
AREA_SMALL_TYPE = "area_type withheld: fewer than {n} persons aged 18-64"
MAX_SECTION_WITHHELD = "max_section_share withheld: its section is too small"
POOLED_WITHHELD = "pooled share withheld: too few areas of the type to protect a small one"
GROUP_PRIMARY = "primary: fewer than {d} persons aged 18-64, or 1-{c} persons with (or without) transfer income"
GROUP_SECONDARY = "secondary: protects another suppressed group from subtraction from 'all'"
GROUP_ALL = "secondary: too few groups to protect a suppressed one"
LINKED = "secondary: protects a cell withheld in a linked table (same persons)"
# What a published table says of every withheld cell, whichever rule withheld it: telling the small
# cells (primary) from those withheld to protect them (secondary, the smallest first) would tell a
# reader where the small counts are and bound them (docs/privacy.md, "One word for every withheld
# cell"). The rule that fired stays internal, for the data team (internal_reasons below).
WITHHELD = "withheld: disclosure control (a small cell, or a cell protecting one)"


def public_reason(reason) -> str | None:
    """The published `suppression_reason` of a withheld figure: every rule-1 to rule-7 reason of a
    cell (`primary: ...`, `secondary: ...`) becomes WITHHELD; the reasons that say which other
    figure of a row is withheld (an area's type, its highest section's share, a pooled share) stay
    as they are. Several reasons are joined by '; '. None / NA stays None."""
    if reason is None or (not isinstance(reason, str) and pd.isna(reason)):
        return None
    parts = [WITHHELD if p.startswith(("primary", "secondary")) else p for p in str(reason).split("; ")]
    return "; ".join(dict.fromkeys(parts))


def public_reasons(reasons: pd.Series) -> pd.Series:
    """public_reason over a column (its index kept), as strings."""
    return pd.Series([public_reason(r) for r in reasons], index=reasons.index, dtype="string")


# ---------------------------------------------------------------- the rules (catalog/disclosure.yaml)

def rules_path(catalog_path: Path | None = None) -> Path:
    """The rules file kept beside the catalog (BAROMETER_CATALOG's folder, else catalog/)."""
    return Path(catalog_path or settings.catalog_path()).parent / RULES_FILE


def load_rules(catalog_path: Path | None = None) -> DisclosureRules:
    """The disclosure rules beside the catalog, validated (schemas/catalog.py)."""
    return load_disclosure_rules(rules_path(catalog_path))


def describe(rules: DisclosureRules) -> str:
    """The rules as a run records them (asset metadata)."""
    return f"version {rules.version}: min count {rules.min_count}, min denominator {rules.min_denominator}"


def is_small(x, rules: DisclosureRules) -> bool:
    """A count of persons between 1 and min_count - 1 (a missing count is not small)."""
    return bool(pd.notna(x) and 1 <= x < rules.min_count)


def small_counts(x: pd.Series, rules: DisclosureRules) -> pd.Series:
    """is_small for a column (NaN: False)."""
    return x.between(1, rules.min_count - 1)


# ---------------------------------------------------------------- primary suppression (rule 1)

def rate_reason(num, den, rules: DisclosureRules, is_share: bool = True, ref_den=None) -> str | None:
    """Why a rate or mean over `den` persons (a share when is_share: `num` of them have the trait)
    may not be published on its own, or None. Nobody in scope (den 0) discloses nothing."""
    if pd.isna(den) or den == 0:
        return None
    if den < rules.min_denominator or (pd.notna(ref_den) and ref_den < rules.min_denominator):
        return PRIMARY_SMALL_DENOMINATOR.format(n=rules.min_denominator)
    if is_share and (is_small(num, rules) or is_small(den - num, rules)):
        return PRIMARY_SMALL_COUNT.format(n=rules.min_count)
    return None


def primary_reason(r, rules: DisclosureRules) -> str | None:
    """Why one district cell is suppressed on its own, or None."""
    if not r.counts_persons:
        return None
    if r.has_denominator:
        return rate_reason(r.numerator, r.denominator, rules, bool(r.is_share),
                           getattr(r, "reference_denominator", None))
    return PRIMARY_SMALL_COUNT.format(n=rules.min_count) if is_small(r.numerator, rules) else None


def primary(cells: pd.DataFrame, rules: DisclosureRules) -> list[str | None]:
    """The primary reason of every cell (None where it may be published on its own)."""
    return [primary_reason(r, rules) for r in cells.itertuples()]


# ---------------------------------------------------------------- secondary suppression (rule 2)

def secondary(out: pd.DataFrame, group: tuple[str, ...], threshold: int, reason: str = SECONDARY) -> list:
    """Secondary suppression in place: in each group (whose total is published), suppress more cells
    until at least two are suppressed and together they hold at least `threshold` persons with the
    trait and, for shares, at least `threshold` persons without it (else a reader who knows the
    cells' populations learns that the hidden cells are, say, all 100 %). Returns the keys of
    the groups where that is impossible (too few cells): their published total must then be
    suppressed too, or it would give the suppressed cells away."""
    unprotected = []
    has_shares = {"is_share", "has_denominator", "denominator"} <= set(out.columns)
    for key, g in out.groupby(list(group), sort=False):
        hidden = g["suppression_reason"].notna()
        if not hidden.any():
            continue
        counts = g["numerator"].fillna(0)
        others = None
        if has_shares:
            share = _flag(g["is_share"]) & _flag(g["has_denominator"])
            if share.any():
                others = (g["denominator"].fillna(0) - counts).where(share, 0).clip(lower=0)

        # protected() is called only within this iteration, so it sees this group's counts and others.
        def protected(chosen: list) -> bool:
            return (len(chosen) >= 2 and counts[chosen].sum() >= threshold  # noqa: B023 - called at once
                    and (others is None or others[chosen].sum() >= threshold))  # noqa: B023 - called at once

        # candidates: published cells, the smallest positive count first (ties: row order);
        # zero counts last, as they add nothing to the sum that protects the suppressed ones; never
        # a cell with nobody in scope (0 / 0): it hides nothing, so it cannot be one of the two
        empty = _empty(g) if has_shares else pd.Series(False, index=g.index)
        rest = counts[~hidden & ~empty]
        candidates = (rest[rest > 0].sort_values(kind="stable").index.tolist()
                      + rest[rest <= 0].index.tolist())
        chosen = list(g.index[hidden])
        while not protected(chosen) and candidates:
            chosen.append(candidates.pop(0))
            out.loc[chosen[-1], "suppression_reason"] = reason
        if not protected(chosen):
            unprotected.append(key)
    return unprotected


def suppress(cells: pd.DataFrame, rules: DisclosureRules,
             group: tuple[str, ...] = ("indicator", "reference_period"), linked=()) -> pd.DataFrame:
    """Add `suppressed` and `suppression_reason` to district cells (one row per district, the city
    excluded), with columns numerator, denominator, counts_persons, has_denominator, is_share.
    `linked`: the linked sets of tables (links()), judged together (rule 7)."""
    out = cells.copy()
    out["suppression_reason"] = primary(out, rules)
    secondary(out, group, rules.min_count)
    if len(linked):
        suppress_linked(out, linked, rules.min_count)
    out["suppressed"] = out["suppression_reason"].notna()
    return out


# ---------------------------------------------------------------- districts (rules 1-5)

# ---------------------------------------------------------------- linked tables (rule 7)

def pooled_table(parts) -> str:
    """The name under which a pooled table's cells are judged (its indicator column)."""
    return "+".join(parts)


def links(catalog: pd.DataFrame, pooled: list[list[str]] = ()) -> list[frozenset[str]]:
    """The linked sets, declared as data: tables published from the same persons, which are one
    disclosure problem. `catalog`: indicator_catalog (code, source, districts): the district-level
    indicators cut from one `source` (its total and its sex cuts: EMP-M, EMP-1, EMP-2); `pooled`:
    each pooled table's parts (catalog/housing_rules.yaml pooled_district_shares: HOU-M2 + HOU-1
    and the pooled table). Overlapping sets are merged."""
    district = catalog[catalog["districts"].astype(bool)]
    source = district["source"].fillna(district["code"])
    sets = [frozenset(g) for _, g in district.groupby(source)["code"] if len(g) > 1]
    sets += [frozenset([pooled_table(parts), *parts]) for parts in pooled]
    merged: list[frozenset[str]] = []
    for s in sets:
        for m in [m for m in merged if m & s]:
            merged.remove(m)
            s = s | m
        merged.append(frozenset(s))
    return merged


def _flag(column: pd.Series) -> pd.Series:
    """A yes/no column as plain booleans, an empty cell as no (without pandas' deprecated
    downcasting of an object column in fillna)."""
    return column.eq(True).fillna(False).astype(bool)


def _empty(cells: pd.DataFrame) -> pd.Series:
    """Cells with nobody in scope (0 / 0): published as such, nothing to protect."""
    return _flag(cells["has_denominator"]) & pd.to_numeric(cells["denominator"]).fillna(0).eq(0)


def _protected(cells: pd.DataFrame, threshold: int) -> bool:
    """Rule 2 on one table's withheld cells: none, or at least two with people in scope holding
    at least `threshold` persons with the trait and, for shares, without it."""
    hidden = cells[cells["suppression_reason"].notna() & ~_empty(cells)]
    if hidden.empty:
        return True
    counts = hidden["numerator"].fillna(0)
    share = _flag(hidden["is_share"]) & _flag(hidden["has_denominator"])
    others = (hidden["denominator"].fillna(0) - counts).where(share, 0).clip(lower=0)
    return len(hidden) >= 2 and counts.sum() >= threshold and (not share.any() or others.sum() >= threshold)


def suppress_linked(out: pd.DataFrame, sets, threshold: int) -> None:
    """Rule 7 in place: within each linked set and period, a district withheld in one table is
    withheld in every table of the set (so no sum relation between the tables, total = sum of the
    parts per district, gives it back); then, while some table of the set is not protected by rule
    2 on those districts, the district with the fewest persons over the set's tables (smallest
    positive sum first, then by code) is withheld in all of them. Every table of a set thus hides
    the same districts, and a reader learns only each table's sum over them."""
    for members in sets:
        in_set = out["indicator"].isin(list(members))
        for _, g in out[in_set].groupby("reference_period", sort=False):
            empty = _empty(g)
            while True:
                hidden = set(g.loc[g["suppression_reason"].notna() & ~empty, "district"])
                if not hidden:
                    break
                mark = g.index[g["district"].isin(hidden) & g["suppression_reason"].isna() & ~empty]
                out.loc[mark, "suppression_reason"] = LINKED
                g.loc[mark, "suppression_reason"] = LINKED
                if all(_protected(t, threshold) for _, t in g.groupby("indicator")):
                    break
                rest = g[~g["district"].isin(hidden) & ~empty]
                if rest.empty:
                    break
                sums = rest.groupby("district")["numerator"].sum()
                order = sorted(sums.index, key=lambda d: (sums[d] <= 0, sums[d], d))
                pick = g.index[(g["district"] == order[0]) & g["suppression_reason"].isna() & ~empty]
                out.loc[pick, "suppression_reason"] = LINKED
                g.loc[pick, "suppression_reason"] = LINKED


JUDGED = ["indicator", "district", "reference_period", "reference_date", "numerator", "denominator",
          "reference_denominator", "counts_persons", "has_denominator", "is_share", "is_cumulative"]


def pooled_cells(cells: pd.DataFrame, parts) -> pd.DataFrame:
    """A pooled table's district cells (its counts summed over `parts`), shaped to be judged as a
    table of shares beside the district breakdown."""
    return cells.assign(indicator=pooled_table(parts), counts_persons=True, has_denominator=True,
                        is_share=True, is_cumulative=False)


def judge_together(tables: list[pd.DataFrame], rules: DisclosureRules, linked) -> list[pd.DataFrame]:
    """Rules 1-5 and 7 over several frames of district cells judged as one problem (the district
    breakdown and the pooled tables, judged once by the district_values asset, whose decisions
    the other tables of a linked set publish). Returns each frame, rows and order kept, with
    `suppressed` and `suppression_reason`."""
    slim = pd.concat([t.reindex(columns=JUDGED).assign(_frame=i, _row=np.arange(len(t)))
                      for i, t in enumerate(tables)], ignore_index=True)
    # a fixed order (secondary suppression breaks ties by it), whatever order the frames come in
    slim = slim.sort_values(["indicator", "reference_period", "district"], kind="stable", ignore_index=True)
    judged = suppress_districts(slim, rules, linked=linked)
    out = []
    for i, t in enumerate(tables):
        j = judged[judged["_frame"] == i].sort_values("_row")
        out.append(t.assign(suppressed=j["suppressed"].astype(bool).to_numpy(),
                            suppression_reason=j["suppression_reason"].to_numpy()))
    return out


def suppress_small_increments(cells: pd.DataFrame, rules: DisclosureRules, linked=()) -> pd.DataFrame:
    """Rule 5, cumulative counts: the difference of two published values is a period count of
    persons. A period's district cells are published only if every district's increase since the
    last published period is 0 or at least min_count (and no cell of the period is suppressed);
    otherwise all of that period's districts are suppressed. `linked` (rule 7): a period withheld
    in one cumulative table of a linked set is withheld in all of them (else it is the others'
    difference), until no table withholds a period the others publish."""
    out = cells.copy()
    cumulative = out[out["is_cumulative"].astype(bool) & out["counts_persons"].astype(bool)]
    partners = {code: members for members in linked for code in members}
    forced: set = set()
    while True:
        hidden = _withheld_periods(cumulative, rules, forced)
        more = {(m, date) for code, date in hidden for m in partners.get(code, ())
                if m in set(cumulative["indicator"])} - hidden
        if not more:
            break
        forced |= more
    for code, date in hidden:
        hit = (out["indicator"] == code) & (out["reference_date"] == date) & out["suppression_reason"].isna()
        hit &= out.index.isin(cumulative.index)
        out.loc[hit, "suppression_reason"] = INCREMENT.format(n=rules.min_count)
    out["suppressed"] = out["suppression_reason"].notna()
    return out


def _withheld_periods(cumulative: pd.DataFrame, rules: DisclosureRules, forced: set) -> set:
    """The (indicator, reference_date) of every cumulative period rule 5 withholds, the `forced`
    ones included (their values then do not serve as the next period's base)."""
    hidden = set()
    for code, g in cumulative.groupby("indicator"):
        last = None
        for date, period in g.sort_values("reference_date").groupby("reference_date", sort=True):
            nums = period.set_index("district")["numerator"].fillna(0)
            before = last.reindex(nums.index).fillna(0) if last is not None else 0
            increase = nums - before
            small = ((increase >= 1) & (increase < rules.min_count)).any()
            if small or period["suppression_reason"].notna().any() or (code, date) in forced:
                hidden.add((code, date))
            else:
                last = nums
    return hidden


def suppress_districts(cells: pd.DataFrame, rules: DisclosureRules,
                       group: tuple[str, ...] = ("indicator", "reference_period"),
                       cumulative: bool = True, linked=()) -> pd.DataFrame:
    """Every district cell judged (`suppressed`, `suppression_reason`), the city's rows after them,
    never suppressed (the published margin). `cumulative`: judge cumulative counts' increments
    (rule 5; needs columns is_cumulative and reference_date). `linked`: the linked sets (rule 7);
    every table of a set must be among `cells`, and every asset publishing one of them judges the
    same cells, so they take the same decisions."""
    judged = suppress(cells[cells["district"] != CITY], rules, group=group, linked=linked)
    if cumulative:
        judged = suppress_small_increments(judged, rules, linked)
    city = cells[cells["district"] == CITY].assign(suppressed=False, suppression_reason=None)
    return pd.concat([judged, city], ignore_index=True)


def withheld(cells: pd.DataFrame, nobody_in_scope: pd.Series) -> pd.Series:
    """Rules 3-4: the cells whose value and every figure derived from it (change, rank, share of
    the city) stay NULL: the suppressed ones, and those with nobody in scope (nothing to show)."""
    return cells["suppressed"] | nobody_in_scope
