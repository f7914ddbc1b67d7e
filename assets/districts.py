"""District breakdowns as published: each district's value, its deviation from the city and its
rank, its change since the previous measurement and its share of the city-wide count, after
disclosure control (assets/disclosure.py). The city (KBH) row is the sum of the districts."""

from __future__ import annotations

import numpy as np
import pandas as pd

from assets.disclosure import suppress
from assets.rounding import half_away

PUBLIC_COLUMNS = [
    "indicator", "area", "district", "district_name", "is_city", "reference_period", "reference_date",
    "period_type", "value", "city_value", "deviation_from_city", "rank", "ranked_districts",
    "change_since_previous", "share_of_city", "unit", "suppressed", "suppression_reason", "note",
    "published_round", "catalog_version",
]


def _rank(g: pd.DataFrame) -> pd.Series:
    direction = g["direction"].iloc[0]
    v = g["value"]
    if direction in ("must_rise", "toward_100"):
        return v.rank(ascending=False, method="min")
    if direction in ("must_fall", "must_not_rise"):
        return v.rank(ascending=True, method="min")
    if direction == "toward_zero":
        return v.abs().rank(ascending=True, method="min")
    return pd.Series(np.nan, index=g.index)


INCREMENT = "secondary: a district's count since the previous published period is below {n}"


def suppress_small_increments(cells: pd.DataFrame, min_count: int) -> pd.DataFrame:
    """Cumulative counts: the difference of two published values is a period count of persons. A
    period's district cells are published only if every district's increase since the last
    published period is 0 or at least min_count (and no cell of the period is suppressed);
    otherwise all of that period's districts are suppressed."""
    out = cells.copy()
    cumulative = out[out["is_cumulative"].astype(bool) & out["counts_persons"].astype(bool)]
    for _, g in cumulative.groupby("indicator"):
        last = None
        for _, period in g.sort_values("reference_date").groupby("reference_date", sort=True):
            nums = period.set_index("district")["numerator"].fillna(0)
            before = last.reindex(nums.index).fillna(0) if last is not None else 0
            increase = nums - before
            small = ((increase >= 1) & (increase < min_count)).any()
            if small or period["suppression_reason"].notna().any():
                hide = period.index[period["suppression_reason"].isna()]
                out.loc[hide, "suppression_reason"] = INCREMENT.format(n=min_count)
            else:
                last = nums
    out["suppressed"] = out["suppression_reason"].notna()
    return out


def build_district_values(breakdown: pd.DataFrame, districts: pd.DataFrame, min_count: int,
                          min_denominator: int) -> pd.DataFrame:
    """`breakdown`: assets/sql/district_breakdown.sql; `districts`: the districts code list."""
    cells = suppress(breakdown[breakdown["district"] != "KBH"], min_count, min_denominator)
    cells = suppress_small_increments(cells, min_count)
    city = breakdown[breakdown["district"] == "KBH"].assign(suppressed=False, suppression_reason=None)
    df = pd.concat([cells, city], ignore_index=True)
    df["is_city"] = df["district"] == "KBH"
    no_one = df["has_denominator"] & df["denominator"].fillna(0).eq(0)
    df["note"] = np.where(no_one, "no population in scope", None)

    hidden = df["suppressed"] | no_one
    dec = df["decimals"].astype(int)
    # one rounding rule (assets/rounding.py): the KBH row equals barometer_history by construction
    df["value"] = np.where(hidden, np.nan, half_away(df["value"].astype("float64"), dec))
    df["city_value"] = half_away(df["city_value"].astype("float64"), dec)
    df["deviation_from_city"] = np.where(df["is_city"], np.nan, half_away(df["value"] - df["city_value"], dec))

    # a count of persons or units to divide up (computations.csv: publishes_share_of_city)
    shareable = df["publishes_share_of_city"].astype(bool) & ~hidden & df["city_numerator"].gt(0)
    df["share_of_city"] = np.where(shareable, 100 * df["numerator"] / df["city_numerator"], np.nan)
    df["share_of_city"] = half_away(df["share_of_city"], 1)

    districts_only = df[~df["is_city"] & df["value"].notna()]
    ranks = districts_only.groupby(["indicator", "reference_period"], group_keys=False)[
        ["value", "direction"]].apply(_rank)
    df["rank"] = ranks.reindex(df.index) if len(ranks) else np.nan
    df["ranked_districts"] = df.groupby(["indicator", "reference_period"])["rank"].transform("count")
    df.loc[df["is_city"], "ranked_districts"] = np.nan

    # change since the district's previous measurement: only between two published values
    df = df.sort_values(["indicator", "district", "reference_date"])
    prev = df.groupby(["indicator", "district"])["value"].shift()
    df["change_since_previous"] = half_away(df["value"] - prev, df["decimals"].astype(int))

    names = dict(zip(districts["code"], districts["name"]))
    order = {c: i for i, c in enumerate(districts["code"])}
    df["district_name"] = df["district"].map(names)
    df["_order"] = df["district"].map(order)
    df = df.sort_values(["indicator", "reference_date", "_order"])
    for col in ("rank", "ranked_districts", "change_since_previous", "deviation_from_city"):
        df[col] = df[col].astype("float64")
    df["reference_date"] = pd.to_datetime(df["reference_date"]).dt.date
    return df[PUBLIC_COLUMNS].reset_index(drop=True)
