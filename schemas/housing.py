"""pandera models of the housing-area submissions (docs/housing.md): area rows (TMF, SOF) and
dwelling rows (TMF) for the decomposition of change."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas.code_lists import CITY, codes
from schemas.submission import unique_rows

ROUND_RE = r"^\d{4}-(05|11)$"
MONTH_RE = r"^\d{4}-(0[1-9]|1[0-2])$"
AREA_ID_RE = r"^[A-Z0-9][A-Z0-9_-]{1,39}$"

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


def _count(**kw):
    return pa.Field(ge=0, nullable=True, **kw)


class AreaRow(pa.DataFrameModel):
    """One housing area (or section of one) at one measurement month."""

    department: Series[str] = pa.Field(isin=codes("departments"))
    round: Series[str] = pa.Field(str_matches=ROUND_RE)
    area_id: Series[str] = pa.Field(str_matches=AREA_ID_RE)
    area_name: Series[str]
    area_group: Series[str] = pa.Field(nullable=True)
    district: Series[str] = pa.Field(isin=[c for c in codes("districts") if c != CITY])
    section: Series[str] = pa.Field(nullable=True)
    reference_period: Series[str] = pa.Field(str_matches=MONTH_RE)
    residents: Series[float] = _count()
    residents_18_64: Series[float] = _count()
    outside_labour_market: Series[float] = _count()
    family_dwellings: Series[float] = _count()
    movein_flexible: Series[float] = _count()
    movein_combined: Series[float] = _count()

    @pa.dataframe_check
    @classmethod
    def unique_cell(cls, df: pd.DataFrame) -> pd.Series:
        return unique_rows(df, ["area_id", "section", "reference_period"])

    class Config:
        strict = True
        coerce = True


class DwellingRow(pa.DataFrameModel):
    """Dwellings of one area between two months, emptied (all residents moved) or kept."""

    department: Series[str] = pa.Field(isin=codes("departments"))
    round: Series[str] = pa.Field(str_matches=ROUND_RE)
    area_id: Series[str] = pa.Field(str_matches=AREA_ID_RE)
    period_from: Series[str] = pa.Field(str_matches=MONTH_RE)
    period_to: Series[str] = pa.Field(str_matches=MONTH_RE)
    dwelling_status: Series[str] = pa.Field(isin=["emptied", "kept"])
    dwellings: Series[float] = pa.Field(ge=0)
    transfer_from: Series[float] = pa.Field(ge=0)
    transfer_to: Series[float] = pa.Field(ge=0)
    residents_18_64_from: Series[float] = pa.Field(ge=0)
    residents_18_64_to: Series[float] = pa.Field(ge=0)

    @pa.dataframe_check
    @classmethod
    def unique_cell(cls, df: pd.DataFrame) -> pd.Series:
        return unique_rows(df, ["area_id", "period_from", "period_to", "dwelling_status"])

    class Config:
        strict = True
        coerce = True


def _rule(fn, name: str) -> pa.Check:
    return pa.Check(fn, name=name, error=name)


def _whole(s: pd.Series) -> pd.Series:
    return s.isna() | (s % 1 == 0)


def area_context_schema(department: str, round_key: str) -> pa.DataFrameSchema:
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


AREA_RULE_COLUMN = {
    "department_delivers_areas": "department", "department_delivers_dwellings": "department",
    "department_measures_present": "residents", "other_departments_measures_empty": "movein_flexible",
    "working_age_at_most_residents": "residents_18_64", "outside_at_most_working_age": "outside_labour_market",
    "area_whole_or_by_sections": "section", "area_named_consistently": "area_name",
    "period_from_before_period_to": "period_from", "transfer_at_most_working_age": "transfer_from",
}
AREA_RULE_TEXT = {
    "department_delivers_areas": "only TMF and SOF deliver housing-area files",
    "department_delivers_dwellings": "only TMF delivers dwelling files",
    "department_measures_present": "the department's own measure columns must be filled",
    "other_departments_measures_empty": "another department's measure columns must be left empty",
    "working_age_at_most_residents": "residents aged 18-64 cannot exceed all residents",
    "outside_at_most_working_age": "persons outside the labour market cannot exceed residents aged 18-64",
    "area_whole_or_by_sections": "an area is given whole or by sections in a period, not both",
    "area_named_consistently": "an area has one name and one district throughout the file",
    "period_from_before_period_to": "period_from must come before period_to",
    "transfer_at_most_working_age": "persons on transfer income cannot exceed residents aged 18-64",
}
