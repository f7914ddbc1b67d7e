"""District breakdowns as published: each district's value, its deviation from the city and its
rank, its change since the previous measurement and its share of the city-wide count, after
disclosure control (core/disclosure). The city (KBH) row is the sum of the districts."""

from __future__ import annotations

import numpy as np
import pandas as pd

from core import disclosure
from core.rounding import half_away

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


def build_district_values(judged: pd.DataFrame, districts: pd.DataFrame) -> pd.DataFrame:
    """`judged`: the district breakdown (sql/district_breakdown.sql) with its disclosure decision
    (core/disclosure judge_together: `suppressed`, `suppression_reason`); `districts`: the
    districts code list."""
    df = judged.copy()
    df["is_city"] = df["district"] == disclosure.CITY
    no_one = df["has_denominator"] & df["denominator"].fillna(0).eq(0)
    df["note"] = np.where(no_one, "no population in scope", None)

    hidden = disclosure.withheld(df, no_one)
    dec = df["decimals"].astype(int)
    # one rounding rule (core/rounding.py): the KBH row equals barometer_history by construction
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
    # one word for every withheld cell; the rule that fired stays internal (district_decisions)
    df["suppression_reason"] = disclosure.public_reasons(df["suppression_reason"])
    return df[PUBLIC_COLUMNS].reset_index(drop=True)
