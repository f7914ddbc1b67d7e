"""pandera models of the housing-area submissions (docs/housing.md): area rows (TMF, SOF) and
dwelling rows (TMF) for the decomposition of change."""

from __future__ import annotations

from functools import cache

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas.rule_set import rules_for

# The rules of each kind of file: schemas/rules/submission_rules.yaml
AREA_RULES, DWELLING_RULES = rules_for("areas"), rules_for("dwellings")

# Which department owns which measure columns.
AREA_MEASURES = {
    "TMF": ["residents", "residents_18_64", "outside_labour_market", "family_dwellings"],
    "SOF": ["movein_flexible", "movein_combined"],
}
AREA_DEPARTMENTS = set(AREA_MEASURES)
DWELLING_DEPARTMENTS = {"TMF"}

AREA_REQUIRED = ["department", "round", "area_id", "area_name", "district", "reference_period"]
AREA_COLUMNS = AREA_REQUIRED[:4] + ["area_group", "district", "section", "reference_period"] + [
    c for cols in AREA_MEASURES.values() for c in cols]
DWELLING_COLUMNS = ["department", "round", "area_id", "period_from", "period_to", "dwelling_status", "dwellings",
                    "transfer_from", "transfer_to", "residents_18_64_from", "residents_18_64_to"]
DWELLING_REQUIRED = DWELLING_COLUMNS


class AreaRow(pa.DataFrameModel):
    """One housing area (or section of one) at one measurement month: the columns and their types;
    their checks are the rule records' (area_row_schema)."""

    department: Series[str]
    round: Series[str]
    area_id: Series[str]
    area_name: Series[str]
    area_group: Series[str] = pa.Field(nullable=True)
    district: Series[str]
    section: Series[str] = pa.Field(nullable=True)
    reference_period: Series[str]
    residents: Series[float] = pa.Field(nullable=True)
    residents_18_64: Series[float] = pa.Field(nullable=True)
    outside_labour_market: Series[float] = pa.Field(nullable=True)
    family_dwellings: Series[float] = pa.Field(nullable=True)
    movein_flexible: Series[float] = pa.Field(nullable=True)
    movein_combined: Series[float] = pa.Field(nullable=True)

    class Config:
        strict = True
        coerce = True


class DwellingRow(pa.DataFrameModel):
    """Dwellings of one area between two months, emptied (all residents moved) or kept: the columns
    and their types; their checks are the rule records' (dwelling_row_schema)."""

    department: Series[str]
    round: Series[str]
    area_id: Series[str]
    period_from: Series[str]
    period_to: Series[str]
    dwelling_status: Series[str]
    dwellings: Series[float]
    transfer_from: Series[float]
    transfer_to: Series[float]
    residents_18_64_from: Series[float]
    residents_18_64_to: Series[float]

    class Config:
        strict = True
        coerce = True


@cache
def area_row_schema() -> pa.DataFrameSchema:
    return AREA_RULES.schema(AreaRow)


@cache
def dwelling_row_schema() -> pa.DataFrameSchema:
    return DWELLING_RULES.schema(DwellingRow)


def _whole(s: pd.Series) -> pd.Series:
    return s.isna() | (s % 1 == 0)


def area_context_schema(department: str, round_key: str) -> pa.DataFrameSchema:
    _rule = lambda fn, name: AREA_RULES.check(name, fn)  # the record of each rule: its column and messages
    owned = AREA_MEASURES.get(department, [])
    others = [c for d, cols in AREA_MEASURES.items() if d != department for c in cols]
    return pa.DataFrameSchema(checks=[
        _rule(lambda df: pd.Series(department in AREA_DEPARTMENTS, index=df.index), "department_delivers_areas"),
        _rule(lambda df: df["department"] == department, "department_matches_file"),
        _rule(lambda df: df["round"] == round_key, "round_matches_file"),
        _rule(lambda df: df["reference_period"] <= round_key, "period_not_after_round"),
        _rule(lambda df: df[owned].notna().all(axis=1) if owned else pd.Series(True, index=df.index),
              "department_measures_present"),
        _rule(lambda df: df[others].isna().all(axis=1) if others else pd.Series(True, index=df.index),
              "other_departments_measures_empty"),
        _rule(lambda df: df[[c for c in AREA_COLUMNS if c in AREA_MEASURES["TMF"] + AREA_MEASURES["SOF"]]]
              .apply(_whole).all(axis=1), "counts_are_whole_numbers"),
        _rule(lambda df: df["residents_18_64"].isna() | df["residents"].isna()
              | (df["residents_18_64"] <= df["residents"]), "working_age_at_most_residents"),
        _rule(lambda df: df["outside_labour_market"].isna() | df["residents_18_64"].isna()
              | (df["outside_labour_market"] <= df["residents_18_64"]), "outside_at_most_working_age"),
        _rule(_whole_or_sections, "area_whole_or_by_sections"),
        _rule(_one_name_and_district, "area_named_consistently"),
    ])


def _whole_or_sections(df: pd.DataFrame) -> pd.Series:
    has_section = df["section"].notna()
    mixed = has_section.groupby([df["area_id"], df["reference_period"]]).transform("nunique") > 1
    return ~mixed


def _one_name_and_district(df: pd.DataFrame) -> pd.Series:
    g = df.groupby("area_id")
    return (g["area_name"].transform("nunique") == 1) & (g["district"].transform("nunique") == 1)


def dwelling_context_schema(department: str, round_key: str) -> pa.DataFrameSchema:
    _rule = lambda fn, name: DWELLING_RULES.check(name, fn)  # the record of each rule: its column and messages
    return pa.DataFrameSchema(checks=[
        _rule(lambda df: pd.Series(department in DWELLING_DEPARTMENTS, index=df.index),
              "department_delivers_dwellings"),
        _rule(lambda df: df["department"] == department, "department_matches_file"),
        _rule(lambda df: df["round"] == round_key, "round_matches_file"),
        _rule(lambda df: df["period_from"] < df["period_to"], "period_from_before_period_to"),
        _rule(lambda df: df["period_to"] <= round_key, "period_not_after_round"),
        _rule(lambda df: df[["dwellings", "transfer_from", "transfer_to", "residents_18_64_from",
                             "residents_18_64_to"]].apply(_whole).all(axis=1), "counts_are_whole_numbers"),
        _rule(lambda df: (df["transfer_from"] <= df["residents_18_64_from"])
              & (df["transfer_to"] <= df["residents_18_64_to"]), "transfer_at_most_working_age"),
    ])
