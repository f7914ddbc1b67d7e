"""Code lists (districts, departments, groups, sexes, areas, computations): one CSV each, shared by
the schemas, the SQL (loaded into DuckDB as `code_<name>`) and the reports. A code list with typed
columns (computations: true/false properties) is validated row by row when loaded."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Annotated, Literal

import pandas as pd
from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError, model_validator

CODE_LIST_DIR = Path(__file__).resolve().parent / "code_lists"


def _true_or_false(v):
    if isinstance(v, bool):
        return v
    if v in ("true", "false"):
        return v == "true"
    raise ValueError(f"{v!r} is neither true nor false")


Flag = Annotated[bool, BeforeValidator(_true_or_false)]
# The source kinds (catalog `source_kind`) a significance test is for: survey (a sample) or all.
Sources = Literal["survey", "all", "none"]


class ComputationRow(BaseModel):
    """One catalog `computation` and what it implies (docs/catalog.md, "The computations code list")."""
    model_config = ConfigDict(extra="forbid", frozen=True)
    code: str
    label_da: str
    label_en: str
    is_percentage: Flag            # the value is 100 x numerator / denominator (a share of persons or units)
    is_mean: Flag                  # the value is numerator / denominator, the numerator a sum of values
    is_gap: Flag                   # the reference group's figure minus the group's: needs a reference_group
    is_cumulative: Flag            # the value is the running sum of the periods' counts
    needs_numerator: Flag          # submissions give `numerator`
    needs_denominator: Flag        # submissions give `denominator`
    needs_value: Flag              # submissions give `value` (a figure no count can give, e.g. a rank)
    uses_sd: Flag                  # submissions may give `sd`, for the test of a mean
    whole_numbers: Flag            # numerator and denominator count persons or units: whole numbers
    publishes_share_of_city: Flag  # district_values publishes a district's numerator as % of the city's
    test: Literal["two_proportion", "gap_of_proportions", "difference_of_means", "gap_of_means", "none"]
    test_for: Sources              # the source kinds whose changes the light tests
    test_expected_for: Sources     # ... where a missing count for the test is said in the light's reason

    @model_validator(mode="after")
    def _test_consistent(self) -> ComputationRow:
        if (self.test == "none") != (self.test_for == "none") or (self.test == "none") != (
                self.test_expected_for == "none"):
            raise ValueError("test, test_for and test_expected_for are all none or none of them")
        return self


# Code lists whose rows are validated (typed columns); the others are text.
ROW_MODELS: dict[str, type[BaseModel]] = {"computations": ComputationRow}


@cache
def load_code_list(name: str) -> pd.DataFrame:
    """The code list `name` as a DataFrame (of strings, or typed by its row model); refuses empty or
    duplicated codes, and a row its model refuses (naming the file, the code and the column)."""
    path = CODE_LIST_DIR / f"{name}.csv"
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    if "code" not in df.columns:
        raise ValueError(f"code list {path} has no 'code' column")
    bad = df["code"].eq("") | df["code"].duplicated()
    if bad.any():
        raise ValueError(f"code list {path}: empty or duplicated codes {df.loc[bad, 'code'].tolist()}")
    model = ROW_MODELS.get(name)
    if model is None:
        return df
    rows, problems = [], []
    for record in df.to_dict("records"):
        try:
            rows.append(model.model_validate(record).model_dump())
        except ValidationError as e:
            problems += [f"{path}: code {record['code']}, column {'.'.join(map(str, err['loc'])) or '(row)'}: "
                         f"{err['msg']}" for err in e.errors()]
    if problems:
        raise ValueError("invalid code list:\n  " + "\n  ".join(problems))
    return pd.DataFrame(rows, columns=list(model.model_fields))


def codes(name: str) -> list[str]:
    return load_code_list(name)["code"].tolist()


CITY = "KBH"


def district_codes(include_city: bool = True) -> list[str]:
    return [c for c in codes("districts") if include_city or c != CITY]


def department_codes() -> list[str]:
    return codes("departments")


def computation(code: str) -> ComputationRow:
    """What the catalog computation `code` implies (schemas/code_lists/computations.csv)."""
    return _computations()[code]


def computations_with(prop: str) -> frozenset[str]:
    """The computations with the true/false property `prop` (e.g. "uses_sd") set."""
    if ComputationRow.model_fields.get(prop) is None or ComputationRow.model_fields[prop].annotation is not bool:
        raise KeyError(f"computations have no true/false property {prop!r}")
    return frozenset(c for c, row in _computations().items() if getattr(row, prop))


@cache
def _computations() -> dict[str, ComputationRow]:
    return {r["code"]: ComputationRow.model_validate(r) for r in load_code_list("computations").to_dict("records")}
