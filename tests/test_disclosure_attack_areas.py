"""An attacker on the housing areas (docs/privacy.md rule 6 and "One word for every withheld
cell"): random months of housing areas with many small areas go through the decisions the
`housing_areas` asset publishes (core/disclosure housing_area_decisions, then public_reason), and
then the published shape alone is attacked.

What the published tables give the attacker, per month and pooled type (vulnerable, high-risk):
every area's residents aged 18-64 (d, published even when its count is withheld), the published
areas' counts of persons outside the labour market (n), the type's pooled share
(`housing_summary`), which at the worst case for us gives the type's total count exactly, and each
withheld area's `suppression_reason`.

The attack (exact, integer programming with scipy's HiGHS): the withheld areas' counts are
integers 0 <= n <= d adding up to the type's total minus the published ones; if the reasons told
the rule that fired, a `primary: fewer than N persons with (or without) the trait` area has
1 <= n <= min_count - 1 or 1 <= d - n <= min_count - 1, and a `secondary` one passed rule 1 on its
own (n and d - n are 0 or >= min_count) and, picked smallest first, n <= the smallest positive
published count of its type. A withheld area with 1 to min_count - 1 persons with (or without)
the trait is recovered when its n is pinned to within +-1 (its feasible range at most 2 wide and
narrower than what d alone allows).

With the reasons as they once were published (primary / secondary told apart) the attack
recovers cells (the first test shows it can); with one word for every withheld cell it recovers
none. To strengthen it: several months at once (an area's residents change little), the
decomposition's groups, and the district tables of the same persons."""

from __future__ import annotations

import os
import random

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import Bounds, LinearConstraint, milp

from core import disclosure

RULES = disclosure.load_rules()
MIN_COUNT, MIN_DEN = RULES.min_count, RULES.min_denominator
POOLED = {"vulnerable": "share_outside_vulnerable", "high_risk": "share_outside_high_risk"}
TYPES = [*POOLED, "risk"]
SEEDS = range(int(os.environ.get("BAROMETER_AREA_ATTACK_SEEDS", "120")))


def generate(seed: int) -> pd.DataFrame:
    """Two months of 2-7 areas per type, a third of them small (counts near the thresholds)."""
    r = random.Random(seed)
    rows = []
    for month in ("2009-01", "2010-01"):
        for area_type in TYPES:
            for a in range(r.randint(2, 7)):
                kind = r.random()
                if kind < 0.35:
                    n, c = r.randint(0, MIN_COUNT), r.randint(0, MIN_DEN)
                elif kind < 0.6:
                    n, c = r.randint(MIN_COUNT, 3 * MIN_COUNT), r.randint(MIN_COUNT, 3 * MIN_DEN)
                else:
                    n, c = r.randint(0, 15 * MIN_COUNT), r.randint(0, 10 * MIN_DEN)
                rows.append({"area_id": f"{area_type}-{a}", "reference_period": month, "area_type": area_type,
                             "numerator": n, "denominator": n + c, "max_section_cells": None})
    return pd.DataFrame(rows)


def published(classes: pd.DataFrame, tell_rules: bool) -> tuple[pd.DataFrame, set]:
    """The areas as housing_areas publishes them (with the reason a reader sees: the public word,
    or, with `tell_rules`, the rule that fired) and the pooled types whose share is withheld."""
    decisions, withheld = disclosure.housing_area_decisions(classes, RULES, pooled_types=POOLED)
    if not tell_rules:
        decisions = decisions.assign(suppression_reason=disclosure.public_reasons(decisions["suppression_reason"]))
    areas = classes.merge(decisions[["area_id", "reference_period", "suppressed", "suppression_reason"]],
                          on=["area_id", "reference_period"])
    return areas, set(withheld.itertuples(index=False, name=None))


def _model(hidden: pd.DataFrame, smallest: float) -> tuple[list, list, list, list, dict]:
    """Variables (bounds, integrality) and constraints of one type's withheld areas: n per area,
    and what its published reason says of it."""
    lo, hi, kind, rows, index = [], [], [], [], {}

    def var(low, high, integrality=1) -> int:
        lo.append(low)
        hi.append(high)
        kind.append(integrality)
        return len(lo) - 1

    for r in hidden.itertuples():
        d, reason = r.denominator, r.suppression_reason or ""
        n = index[r.area_id] = var(0, d)
        if reason.startswith("primary") and "denominator" not in reason:
            y, big = var(0, 1), d + 1   # y = 1: n is small; y = 0: d - n is small
            rows += [({n: 1, y: -1}, 0, np.inf), ({n: 1, y: big}, -np.inf, MIN_COUNT - 1 + big),
                     ({n: 1, y: big}, d - MIN_COUNT + 1, np.inf), ({n: 1, y: -big}, -np.inf, d - 1)]
        elif reason.startswith("secondary"):
            top = max(MIN_COUNT, min(smallest, d))
            a, c = var(MIN_COUNT, top, 3), var(MIN_COUNT, max(MIN_COUNT, d), 3)  # 0 or >= min_count
            rows += [({n: 1, a: -1}, 0, 0), ({n: 1, c: 1}, d, d)]
    return lo, hi, kind, rows, index


def attack(areas: pd.DataFrame, withheld: set) -> list[tuple]:
    """Every withheld small area whose count the attacker pins: (month, area, true n, d, range)."""
    found = []
    for (month, area_type), g in areas.groupby(["reference_period", "area_type"]):
        if area_type not in POOLED or (month, area_type) in withheld or not g["suppressed"].any():
            continue
        hidden, shown = g[g["suppressed"]], g.loc[~g["suppressed"], "numerator"]
        smallest = shown[shown > 0].min() if (shown > 0).any() else np.inf
        lo, hi, kind, rows, index = _model(hidden, smallest)
        total = int(hidden["numerator"].sum())   # the type's total minus the published areas
        rows.append(({index[a]: 1 for a in index}, total, total))
        matrix = np.zeros((len(rows), len(lo)))
        for i, (coef, _, _) in enumerate(rows):
            for j, v in coef.items():
                matrix[i, j] = v
        cons = LinearConstraint(matrix, [r[1] for r in rows], [r[2] for r in rows])
        for r in hidden.itertuples():
            n, c = r.numerator, r.denominator - r.numerator
            if not (1 <= n < MIN_COUNT or 1 <= c < MIN_COUNT):
                continue
            obj = np.zeros(len(lo))
            obj[index[r.area_id]] = 1
            low = milp(obj, integrality=kind, bounds=Bounds(lo, hi), constraints=cons)
            high = milp(-obj, integrality=kind, bounds=Bounds(lo, hi), constraints=cons)
            assert low.status == 0 and high.status == 0  # the truth is always feasible
            span = -high.fun - low.fun
            if span <= 2 and span < r.denominator:
                found.append((month, r.area_id, n, r.denominator, (low.fun, -high.fun)))
    return found


def test_the_attack_recovers_areas_when_the_reasons_tell_the_rule():
    """The attack has teeth: with primary and secondary told apart, it pins small areas."""
    found = [f for seed in SEEDS for f in attack(*published(generate(seed), tell_rules=True))]
    assert len(found) >= 5, found


@pytest.mark.parametrize("chunk", range(4))
def test_no_withheld_area_count_is_recovered_from_what_is_published(chunk):
    found, hidden = [], 0
    for seed in [s for s in SEEDS if s % 4 == chunk]:
        areas, withheld = published(generate(seed), tell_rules=False)
        said = areas.loc[areas["suppressed"], "suppression_reason"].str.split("; ")
        assert all(parts[0] == disclosure.WITHHELD and not any(p.startswith(("primary", "secondary")) for p in parts)
                   for parts in said), set(said.map(tuple))
        hidden += int(areas["suppressed"].sum())
        found += [(seed, *f) for f in attack(areas, withheld)]
    assert hidden > 100  # the rounds are full of small areas
    assert not found, found
