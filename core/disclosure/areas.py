"""Disclosure control for the housing areas, their types' pooled shares and the decomposition's
groups (rule 6 of docs/privacy.md), on the rules of cells.py. Imported through the package,
core/disclosure."""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.disclosure.cells import (
    AREA_SECONDARY,
    AREA_SMALL_TYPE,
    GROUP_ALL,
    GROUP_PRIMARY,
    GROUP_SECONDARY,
    MAX_SECTION_WITHHELD,
    DisclosureRules,
    primary,
    rate_reason,
    secondary,
    small_counts,
)

# ---------------------------------------------------------------- housing areas (rule 6)

def sections_small(sections, rules: DisclosureRules) -> bool:
    """Whether every section reaching an area's highest share (a list of {numerator, denominator}:
    persons outside the labour market of those aged 18-64) is too small to publish that share."""
    if sections is None or (np.ndim(sections) == 0 and pd.isna(sections)) or len(sections) == 0:
        return False
    return all(rate_reason(s["numerator"], s["denominator"], rules) is not None for s in sections)


def housing_area_decisions(classes: pd.DataFrame, rules: DisclosureRules,
                           pooled_types) -> tuple[pd.DataFrame, pd.DataFrame]:
    """What each housing area and month may publish. `classes`: one row per area and month with
    area_id, reference_period, area_type (in force), numerator (persons outside the labour
    market), denominator (persons aged 18-64) and max_section_cells (the sections reaching its
    highest share); `pooled_types`: the area types whose pooled share is published.

    The count (and its shares) is suppressed when it, or its complement, is small or the
    denominator is below min_denominator (primary); within each month and pooled type, more areas
    are suppressed until at least two are and together they hold at least min_count persons
    (secondary); where that is impossible the type's pooled share is withheld. The highest
    section's share is withheld when every section reaching it is small, the area's type (a band
    that nearly gives the count away) when fewer than min_denominator are aged 18-64.

    Returns the decisions (area_id, reference_period, suppressed, max_section_shown, type_shown,
    suppression_reason) and the withheld pooled shares (reference_period, area_type)."""
    cells = classes.assign(counts_persons=True, has_denominator=True, is_share=True)
    cells["suppression_reason"] = primary(cells, rules)
    margins = cells[cells["area_type"].isin(list(pooled_types))].copy()
    unprotected = secondary(margins, ("reference_period", "area_type"), rules.min_count, reason=AREA_SECONDARY)
    cells.loc[margins.index, "suppression_reason"] = margins["suppression_reason"]
    suppressed = cells["suppression_reason"].notna()
    section_small = cells["max_section_cells"].map(lambda s: sections_small(s, rules)).astype(bool)
    small_type = cells["denominator"] < rules.min_denominator
    reasons = [
        "; ".join(p for p in parts if isinstance(p, str)) or None
        for parts in zip(cells["suppression_reason"],
                         np.where(section_small & ~suppressed, MAX_SECTION_WITHHELD, None),
                         np.where(small_type, AREA_SMALL_TYPE.format(n=rules.min_denominator), None))]
    decisions = cells[["area_id", "reference_period"]].astype("string").assign(
        suppressed=suppressed, max_section_shown=~suppressed & ~section_small,
        type_shown=cells["denominator"] >= rules.min_denominator)
    decisions["suppression_reason"] = pd.Series(reasons, index=cells.index, dtype="string")
    withheld_shares = pd.DataFrame(unprotected, columns=["reference_period", "area_type"]).astype("string")
    return decisions, withheld_shares


def decomposition_reasons(groups: pd.DataFrame, rules: DisclosureRules) -> pd.Series:
    """Why each row of housing_decomposition_counts is withheld, or NA: a group with fewer than
    min_denominator persons aged 18-64 at either date, or a small count of persons with (or
    without) transfer income, is withheld; since the groups of a pair of dates add up to 'all',
    more groups are withheld until the withheld ones hold at least min_denominator persons
    together and are at least two, else 'all' is withheld too."""
    df = groups.copy()
    residents = df[["residents_from", "residents_to"]]
    tiny = residents.isna().any(axis=1) | (residents < rules.min_denominator).any(axis=1)
    few = (small_counts(df["transfer_from"], rules) | small_counts(df["residents_from"] - df["transfer_from"], rules)
           | small_counts(df["transfer_to"], rules) | small_counts(df["residents_to"] - df["transfer_to"], rules))
    text = GROUP_PRIMARY.format(d=rules.min_denominator, c=rules.min_count - 1)
    df["suppression_reason"] = np.where(tiny | few, text, None)
    parts = df[df["area_type"] != "all"].copy()
    parts["numerator"] = parts[["residents_from", "residents_to"]].min(axis=1)
    unprotected = secondary(parts, ("period_from", "period_to"), rules.min_denominator, reason=GROUP_SECONDARY)
    df.loc[parts.index, "suppression_reason"] = parts["suppression_reason"]
    for key in unprotected:
        hit = (df["area_type"] == "all") & (df["period_from"] == key[0]) & (df["period_to"] == key[1])
        df.loc[hit & df["suppression_reason"].isna(), "suppression_reason"] = GROUP_ALL
    return df["suppression_reason"].astype("string")
