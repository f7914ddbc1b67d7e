"""pandera models of the other half of each round (docs/submissions.md, "Effort statements" and
"Project bank"): a committee's effort statement (`<DEPT>_<round>_efforts.csv|xlsx`, spring) and
the project bank (`<DEPT>_<round>_projects.csv|xlsx`, November).

Both are long files a clerk fills in row by row, so every figure has its row number:
- an effort statement has one row per effort x budget year x policy area (`row_type` effort),
  the effort's descriptive cells (name, goals, indicators, follow-up, status) given on at least
  one of its rows and either repeated alike or left empty on the others; and optionally the
  statement's own control totals (`row_type` total: one per budget year, and one without a year
  for the grand total), which are compared with the sum of the rows, never used as figures;
- the project bank has one row per project x year of municipal co-financing, the project's
  other cells repeated alike on each of its rows."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from schemas.catalog import Catalog
from schemas.code_lists import codes, load_code_list
from schemas.rule_set import rules_for

EFFORT_RULES, PROJECT_RULES = rules_for("efforts"), rules_for("projects")

STATEMENT_YEARS_AHEAD = 3   # a statement gives its year's budget and the next three (seed 001: 2008-2011)
MAX_PRIORITY_AREAS = 3      # from autumn 2009 a project is registered under up to three areas
LIST_SEPARATOR = re.compile(r"\s*[;,]\s*")  # a cell listing codes: "HOU-M2; SAF-2"

# The cells describing an effort (given on at least one of its rows, alike where repeated)
EFFORT_TEXT = ["effort_name", "committee", "policy_goals", "indicators", "target_group", "activities", "year_goal",
               "contribution", "evaluated", "evaluation", "statistical_follow_up", "activities_done",
               "activities_outstanding", "goal_fulfilment", "participants", "assessment"]
EFFORT_REQUIRED = ["department", "round", "statement_year", "row_type", "effort_id", "effort_name", "committee",
                   "budget_year", "area", "budget_dkk"]
EFFORT_COLUMNS = ["department", "round", "statement_year", "row_type", "effort_id"] + EFFORT_TEXT + [
    "budget_year", "area", "budget_dkk", "note"]
EFFORT_NUMBERS = ("statement_year", "budget_year", "budget_dkk")

PROJECT_DESCRIBED = ["project_name", "owner_department", "priority_areas", "start_month", "end_month",
                     "total_budget_dkk", "status"]
PROJECT_COLUMNS = ["department", "round", "project_id"] + PROJECT_DESCRIBED + ["year", "cofinancing_dkk", "note"]
PROJECT_REQUIRED = PROJECT_COLUMNS[:-1]
PROJECT_NUMBERS = ("total_budget_dkk", "year", "cofinancing_dkk")

# Each column's Danish label (templates, docs/submissions.md)
LABELS_DA = {
    "department": "forvaltning", "round": "runde", "statement_year": "redegørelsens år", "row_type": "rækketype",
    "effort_id": "indsats-id", "effort_name": "indsatsens navn", "committee": "udvalg",
    "policy_goals": "mål i integrationspolitikken", "indicators": "indikatorer", "target_group": "målgruppe",
    "activities": "aktiviteter", "year_goal": "mål for året", "contribution": "hvordan indsatsen bidrager",
    "evaluated": "evalueres (ja/nej)", "evaluation": "intern/ekstern evaluering",
    "statistical_follow_up": "statistisk opfølgning (ja/nej)", "activities_done": "gennemførte aktiviteter",
    "activities_outstanding": "udestående aktiviteter", "goal_fulfilment": "samlet målopfyldelse",
    "participants": "antal deltagere", "assessment": "samlet vurdering", "budget_year": "budgetår",
    "area": "politikområde", "budget_dkk": "budget (kr.)", "note": "note",
    "project_id": "projekt-id", "project_name": "projektets navn", "owner_department": "ansvarlig forvaltning",
    "priority_areas": "prioritetsområder (højst 3)", "start_month": "start (ÅÅÅÅ-MM)", "end_month": "slut (ÅÅÅÅ-MM)",
    "total_budget_dkk": "samlet budget (kr.)", "status": "status", "year": "år",
    "cofinancing_dkk": "kommunal medfinansiering (kr.)",
}


class EffortRow(pa.DataFrameModel):
    """One effort's budget for one year and policy area (or a control total of the statement): the
    columns and their types; their checks are the rule records' (effort_row_schema)."""

    department: Series[str]
    round: Series[str]
    statement_year: Series[float]
    row_type: Series[str]
    effort_id: Series[str] = pa.Field(nullable=True)
    effort_name: Series[str] = pa.Field(nullable=True)
    committee: Series[str] = pa.Field(nullable=True)
    policy_goals: Series[str] = pa.Field(nullable=True)
    indicators: Series[str] = pa.Field(nullable=True)
    target_group: Series[str] = pa.Field(nullable=True)
    activities: Series[str] = pa.Field(nullable=True)
    year_goal: Series[str] = pa.Field(nullable=True)
    contribution: Series[str] = pa.Field(nullable=True)
    evaluated: Series[str] = pa.Field(nullable=True)
    evaluation: Series[str] = pa.Field(nullable=True)
    statistical_follow_up: Series[str] = pa.Field(nullable=True)
    activities_done: Series[str] = pa.Field(nullable=True)
    activities_outstanding: Series[str] = pa.Field(nullable=True)
    goal_fulfilment: Series[str] = pa.Field(nullable=True)
    participants: Series[str] = pa.Field(nullable=True)
    assessment: Series[str] = pa.Field(nullable=True)
    budget_year: Series[float] = pa.Field(nullable=True)
    area: Series[str] = pa.Field(nullable=True)
    budget_dkk: Series[float]
    note: Series[str] = pa.Field(nullable=True)

    class Config:
        strict = True
        coerce = True


class ProjectRow(pa.DataFrameModel):
    """One project's municipal co-financing in one year, with the project's description: the
    columns and their types; their checks are the rule records' (project_row_schema)."""

    department: Series[str]
    round: Series[str]
    project_id: Series[str]
    project_name: Series[str]
    owner_department: Series[str]
    priority_areas: Series[str]
    start_month: Series[str]
    end_month: Series[str]
    total_budget_dkk: Series[float]
    status: Series[str]
    year: Series[float]
    cofinancing_dkk: Series[float]
    note: Series[str] = pa.Field(nullable=True)

    class Config:
        strict = True
        coerce = True


@cache
def effort_row_schema() -> pa.DataFrameSchema:
    return EFFORT_RULES.schema(EffortRow)


@cache
def project_row_schema() -> pa.DataFrameSchema:
    return PROJECT_RULES.schema(ProjectRow)


def split_codes(cell) -> list[str]:
    """'HOU-M2; SAF-2' -> ['HOU-M2', 'SAF-2'] (empty cell: [])."""
    if not isinstance(cell, str) or not cell.strip():
        return []
    return [c for c in LIST_SEPARATOR.split(cell.strip()) if c]


def _whole(s: pd.Series) -> pd.Series:
    return s.notna() & (s % 1 == 0)


def committee_of(department: str) -> str | None:
    """The committee a department reports to (schemas/code_lists/committees.csv)."""
    table = load_code_list("committees")
    hit = table.loc[table["department"] == department, "code"]
    return hit.iloc[0] if len(hit) else None


def _effort_described_once(df: pd.DataFrame) -> pd.Series:
    ok = pd.Series(True, index=df.index)
    efforts = df[df["row_type"] == "effort"]
    for col in EFFORT_TEXT:
        n = efforts.groupby("effort_id")[col].transform("nunique")
        ok.loc[efforts.index] &= ~(efforts[col].notna() & (n > 1))
    return ok


def _effort_named(df: pd.DataFrame) -> pd.Series:
    """False on the first row of an effort that has no name or no committee on any of its rows."""
    efforts = df[(df["row_type"] == "effort") & df["effort_id"].notna()]
    g = efforts.groupby("effort_id")
    named = g["effort_name"].transform("count").gt(0) & g["committee"].transform("count").gt(0)
    first = ~efforts["effort_id"].duplicated()
    ok = pd.Series(True, index=df.index)
    ok.loc[efforts.index] = named | ~first
    return ok


def _effort_row_complete(df: pd.DataFrame) -> pd.Series:
    effort = df["row_type"] == "effort"
    total = df["row_type"] == "total"
    given = df["effort_id"].notna() & df["budget_year"].notna() & df["area"].notna()
    empty = df["effort_id"].isna() & df["area"].isna()
    return ~effort & ~total | (effort & given) | (total & empty)


def effort_context_schema(catalog: Catalog, department: str, round_key: str) -> pa.DataFrameSchema:
    _rule = lambda fn, name: EFFORT_RULES.check(name, fn)  # the record of each rule: its column and messages
    year = int(round_key[:4]) if re.fullmatch(r"\d{4}-\d{2}", round_key or "") else None
    committee = committee_of(department)
    known = {i.code for i in catalog.indicators}
    return pa.DataFrameSchema(checks=[
        _rule(lambda df: df["department"] == department, "department_matches_file"),
        _rule(lambda df: df["round"] == round_key, "round_matches_file"),
        _rule(lambda df: df["statement_year"] == year, "statement_year_matches_round"),
        _rule(lambda df: (df["budget_year"].isna() & (df["row_type"] == "total")) | (
            _whole(df["budget_year"]) & (df["budget_year"] >= df["statement_year"])
            & (df["budget_year"] <= df["statement_year"] + STATEMENT_YEARS_AHEAD)), "budget_year_in_statement_range"),
        _rule(_effort_row_complete, "effort_row_complete"),
        _rule(_effort_named, "effort_named"),
        _rule(_effort_described_once, "effort_described_once"),
        _rule(lambda df: df["committee"].isna() | (df["committee"] == committee), "committee_of_department"),
        _rule(lambda df: df["indicators"].map(lambda c: all(x in known for x in split_codes(c))).astype(bool),
              "indicators_in_catalog"),
    ])


def _priority_ok(cell) -> bool:
    return all(a in codes("areas") for a in split_codes(cell)) and bool(split_codes(cell))


def _at_most_three(cell) -> bool:
    areas = split_codes(cell)
    return len(areas) <= MAX_PRIORITY_AREAS and len(set(areas)) == len(areas)


def _project_described_once(df: pd.DataFrame) -> pd.Series:
    ok = pd.Series(True, index=df.index)
    for col in PROJECT_DESCRIBED:
        ok &= df.groupby("project_id")[col].transform("nunique").le(1)
    return ok


def _cofinancing_at_most_total(df: pd.DataFrame) -> pd.Series:
    summed = df.groupby("project_id")["cofinancing_dkk"].transform("sum")
    return summed <= df["total_budget_dkk"]


def project_context_schema(catalog: Catalog, department: str, round_key: str) -> pa.DataFrameSchema:
    _rule = lambda fn, name: PROJECT_RULES.check(name, fn)  # the record of each rule: its column and messages
    return pa.DataFrameSchema(checks=[
        _rule(lambda df: df["department"] == department, "department_matches_file"),
        _rule(lambda df: df["round"] == round_key, "round_matches_file"),
        _rule(lambda df: df["priority_areas"].map(_priority_ok).astype(bool), "priority_areas_in_code_list"),
        _rule(lambda df: df["priority_areas"].map(_at_most_three).astype(bool), "priority_areas_at_most_three"),
        _rule(lambda df: df["start_month"] <= df["end_month"], "project_period_in_order"),
        _rule(lambda df: _whole(df["year"]) & (df["year"] >= pd.to_numeric(df["start_month"].str[:4]))
              & (df["year"] <= pd.to_numeric(df["end_month"].str[:4])), "year_within_project_period"),
        _rule(_cofinancing_at_most_total, "cofinancing_at_most_total"),
        _rule(_project_described_once, "project_described_once"),
    ])


class CarryForward(BaseModel):
    """One declaration of catalog/effort_carry_forward.csv: a committee sent no statement for `year`,
    and its statement for `from_year` stands in for it, with a note the publication prints."""
    model_config = ConfigDict(extra="forbid", frozen=True)
    department: str
    year: int
    from_year: int
    note_da: str = Field(min_length=1)
    note_en: str = Field(min_length=1)

    @model_validator(mode="after")
    def _valid(self) -> CarryForward:
        if self.department not in codes("departments"):
            raise ValueError(f"unknown department {self.department!r} (schemas/code_lists/departments.csv)")
        if not self.from_year < self.year:
            raise ValueError("from_year must be before year: only an earlier statement can be carried forward")
        return self


CARRY_FORWARD_COLUMNS = list(CarryForward.model_fields)


def load_carry_forward(path: Path) -> pd.DataFrame:
    """The carry-forward declarations, validated (ValueError naming the file, the line and the
    field); no file: none declared."""
    if not path.exists():
        return pd.DataFrame(columns=CARRY_FORWARD_COLUMNS)
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    if list(df.columns) != CARRY_FORWARD_COLUMNS:
        raise ValueError(f"{path}: the columns must be {', '.join(CARRY_FORWARD_COLUMNS)}")
    rows, problems = [], []
    for line, record in enumerate(df.to_dict("records"), start=2):
        try:
            rows.append(CarryForward.model_validate(record).model_dump())
        except ValidationError as e:
            problems += [f"{path}, line {line}, {'.'.join(map(str, err['loc'])) or 'row'}: {err['msg']}"
                         for err in e.errors()]
    keys = [(r["department"], r["year"]) for r in rows]
    problems += [f"{path}: {d} {y} is declared more than once" for d, y in sorted(set(keys)) if keys.count((d, y)) > 1]
    if problems:
        raise ValueError("invalid carry-forward declarations:\n  " + "\n  ".join(problems))
    return pd.DataFrame(rows, columns=CARRY_FORWARD_COLUMNS)
