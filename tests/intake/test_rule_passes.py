"""The grouping rules of an indicator file (schemas/submission.py: all_districts_present,
gap_groups_paired, sex_total_or_split) are written as one linear pass over the rows. Each must
flag exactly the rows its grouped formulation (pandas groupby, kept here as the oracle) flags, on
random frames: complete and incomplete cells, control totals, both sexes and one, empty subunits,
shuffled rows and an index that is not 0..n-1."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pytest

from schemas import submission
from schemas.code_lists import CITY, codes

DISTRICTS = [d for d in codes("districts") if d != CITY]
SEX_SETS = [["T"], ["F", "M"], ["T", "F"], ["F"], ["M"], ["T", "F", "M"]]


def oracle_all_districts_present(df: pd.DataFrame, district_level: pd.Series) -> pd.Series:
    ok = pd.Series(True, index=df.index)
    rows = df[district_level & (df["district"] != CITY)]
    if rows.empty:
        return ok
    cell = submission.COMPLETENESS_CELL
    covered = submission.district_coverage(rows)
    n_covered = covered[covered].groupby(level=cell).size()
    complete = n_covered[n_covered == len(DISTRICTS)].index
    incomplete = rows[~pd.MultiIndex.from_frame(rows[cell]).isin(complete)]
    ok[incomplete.index[~incomplete.duplicated(cell)]] = False
    return ok


def oracle_gap_groups_paired(df: pd.DataFrame, pairs: dict) -> pd.Series:
    ok = pd.Series(True, index=df.index)
    partners = pd.DataFrame([(ind, g, p) for ind, ps in pairs.items() for a, b in ps for g, p in ((a, b), (b, a))],
                            columns=["indicator", "group", "partner"])
    gap = df[df["indicator"].isin(partners["indicator"])]
    if gap.empty:
        return ok
    keys = ["indicator", "reference_period", "district"]
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


def oracle_sex_total_or_split(df: pd.DataFrame) -> pd.Series:
    keys = [df[c] for c in ("indicator", "reference_period", "district", "subunit", "group")]
    has_total = df["sex"].eq("T").groupby(keys, dropna=False).transform("any")
    has_split = df["sex"].isin(["F", "M"]).groupby(keys, dropna=False).transform("any")
    return ~(has_total & has_split)


def _frame(rng: random.Random) -> pd.DataFrame:
    indicators = ["A", "B", "C"][: rng.randint(1, 3)]
    rows = []
    if rng.random() < 0.5:  # whole cells, a few rows dropped
        for i in indicators:
            for p in ["2009", "2010-03"][: rng.randint(1, 2)]:
                for g in rng.sample(["IMM", "DAN", "ALL"], rng.randint(1, 3)):
                    for d in DISTRICTS + ([CITY] if rng.random() < 0.3 else []):
                        for sex in rng.choice(SEX_SETS):
                            if rng.random() < 0.97:
                                rows.append((i, p, d, rng.choice(["U1", "U2", None, np.nan]), g, sex))
    else:
        for _ in range(rng.choice([0, 1, 3, 10, 40, 200])):
            rows.append((rng.choice(indicators), rng.choice(["2009", "2010-03"]), rng.choice(DISTRICTS[:3] + [CITY]),
                         rng.choice(["U1", "U2", None, np.nan]), rng.choice(["IMM", "DAN", "ALL"]),
                         rng.choice(["T", "F", "M"])))
    rng.shuffle(rows)
    df = pd.DataFrame(rows, columns=["indicator", "reference_period", "district", "subunit", "group", "sex"],
                      dtype=object)
    df.index = pd.Index(rng.sample(range(10 * len(df) + 5), len(df)))
    return df


@pytest.mark.parametrize("seed", range(8))
def test_each_grouping_rule_flags_the_rows_its_grouped_form_flags(seed):
    rng = random.Random(seed)
    flagged = {"all_districts_present": 0, "gap_groups_paired": 0, "sex_total_or_split": 0}
    for _ in range(150):
        df = _frame(rng)
        indicators = sorted(set(df["indicator"]))
        pairs = {i: set(rng.sample([("IMM", "DAN"), ("IMM", "ALL"), ("DAN", "ALL")], rng.randint(0, 2)))
                 for i in rng.sample(indicators, rng.randint(0, len(indicators)))}
        level = df["indicator"].isin(rng.sample(indicators, rng.randint(0, len(indicators))))
        for name, got, want in (
            ("all_districts_present", submission._all_districts_present(df, level),
             oracle_all_districts_present(df, level)),
            ("gap_groups_paired", submission._gap_groups_paired(df, pairs), oracle_gap_groups_paired(df, pairs)),
            ("sex_total_or_split", submission._sex_total_or_split(df), oracle_sex_total_or_split(df)),
        ):
            assert got.index.equals(df.index), name
            assert got.astype(bool).equals(want.astype(bool)), (name, df.to_dict("records"), pairs)
            flagged[name] += int((~got).any())
    assert all(flagged.values()), flagged  # every rule met frames it rejects
