"""Disclosure control for published district figures (docs/privacy.md).

Primary suppression: a cell counting persons whose count of persons with the trait, or without it,
lies between 1 and min_count - 1, or whose rate or mean rests on fewer than min_denominator
persons. Secondary suppression: within one indicator and period the districts add up to the city,
so a single suppressed district could be recovered by subtracting the others from the city
total. Whenever a group has suppressed cells, more are suppressed (smallest counts first) until
at least two are suppressed and together they hold at least min_count persons: the attacker then
learns only that sum, and each suppressed cell could be anything from 0 to it."""

from __future__ import annotations

import pandas as pd

PRIMARY_SMALL_DENOMINATOR = "primary: fewer than {n} persons in the denominator"
PRIMARY_SMALL_COUNT = "primary: fewer than {n} persons with (or without) the trait"
SECONDARY = "secondary: protects another suppressed district from subtraction from the city total"


def primary_reason(r, min_count: int, min_denominator: int) -> str | None:
    """Why one district cell is suppressed on its own, or None."""
    if not r.counts_persons:
        return None
    num, den = r.numerator, r.denominator
    small = lambda x: pd.notna(x) and 1 <= x < min_count
    if r.has_denominator:
        if pd.isna(den) or den == 0:
            return None  # nobody in scope: nothing to disclose (published as NULL with a note)
        ref_den = getattr(r, "reference_denominator", None)
        if den < min_denominator or (pd.notna(ref_den) and ref_den < min_denominator):
            return PRIMARY_SMALL_DENOMINATOR.format(n=min_denominator)
        if r.is_share and (small(num) or small(den - num)):
            return PRIMARY_SMALL_COUNT.format(n=min_count)
        return None
    return PRIMARY_SMALL_COUNT.format(n=min_count) if small(num) else None


def primary(cells: pd.DataFrame, min_count: int, min_denominator: int) -> list[str | None]:
    """The primary reason of every cell (None where it may be published on its own)."""
    return [primary_reason(r, min_count, min_denominator) for r in cells.itertuples()]


def suppress(cells: pd.DataFrame, min_count: int, min_denominator: int,
             group: tuple[str, ...] = ("indicator", "reference_period")) -> pd.DataFrame:
    """Add `suppressed` and `suppression_reason` to district cells (one row per district, the city
    excluded), with columns numerator, denominator, counts_persons, has_denominator, is_share."""
    out = cells.copy()
    out["suppression_reason"] = primary(out, min_count, min_denominator)
    secondary(out, group, min_count)
    out["suppressed"] = out["suppression_reason"].notna()
    return out


def secondary(out: pd.DataFrame, group: tuple[str, ...], min_count: int, reason: str = SECONDARY) -> list:
    """Secondary suppression in place: in each group (whose total is published), suppress more cells
    until at least two are suppressed and together they hold at least min_count persons with the
    trait and, for shares, at least min_count persons without it (else a reader who knows the
    districts' populations learns that the hidden cells are, say, all 100 %). Returns the keys of
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
            share = g["is_share"].fillna(False).astype(bool) & g["has_denominator"].fillna(False).astype(bool)
            if share.any():
                others = (g["denominator"].fillna(0) - counts).where(share, 0).clip(lower=0)

        # protected() is called only within this iteration, so it sees this group's counts and others.
        def protected(chosen: list) -> bool:
            return (len(chosen) >= 2 and counts[chosen].sum() >= min_count  # noqa: B023 - called at once
                    and (others is None or others[chosen].sum() >= min_count))  # noqa: B023 - called at once

        # candidates: published cells, the smallest positive count first (ties: row order);
        # empty cells last, as they add nothing to the sum that protects the suppressed ones
        rest = counts[~hidden]
        candidates = (rest[rest > 0].sort_values(kind="stable").index.tolist()
                      + rest[rest <= 0].index.tolist())
        chosen = list(g.index[hidden])
        while not protected(chosen) and candidates:
            chosen.append(candidates.pop(0))
            out.loc[chosen[-1], "suppression_reason"] = reason
        if not protected(chosen):
            unprotected.append(key)
    return unprotected
