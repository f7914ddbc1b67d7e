"""The kinds of file a department can deliver, told apart by the file name's suffix:
`<DEPT>_<round>.csv` (indicator counts), `<DEPT>_<round>_areas.csv` (housing areas) and
`<DEPT>_<round>_dwellings.csv` (dwellings, for the decomposition of change),
`<DEPT>_<round>_efforts.csv` (a committee's effort statement) and `<DEPT>_<round>_projects.csv`
(the project bank): one intake, one schema and one set of rule records per kind."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pandera.pandas as pa

from schemas import efforts, housing, submission
from schemas.catalog import Catalog
from schemas.rule_set import RuleSet


@dataclass(frozen=True)
class Kind:
    name: str
    columns: list[str]
    required: list[str]
    row_schema: Callable[[], pa.DataFrameSchema]
    context_schema: Callable[[Catalog, str, str], pa.DataFrameSchema]
    rules: RuleSet  # the kind's rule records: each rule's column and messages
    number_columns: tuple[str, ...] = ()
    period_columns: tuple[str, ...] = ()


KINDS = {
    "indicators": Kind("indicators", submission.COLUMNS, submission.REQUIRED_COLUMNS, submission.row_schema,
                       submission.context_schema, submission.RULES,
                       ("numerator", "denominator", "value", "sd"), ("reference_period",)),
    "areas": Kind("areas", housing.AREA_COLUMNS, housing.AREA_REQUIRED, housing.area_row_schema,
                  lambda catalog, d, r: housing.area_context_schema(d, r), housing.AREA_RULES,
                  tuple(c for cols in housing.AREA_MEASURES.values() for c in cols), ("reference_period",)),
    "dwellings": Kind("dwellings", housing.DWELLING_COLUMNS, housing.DWELLING_REQUIRED, housing.dwelling_row_schema,
                      lambda catalog, d, r: housing.dwelling_context_schema(d, r), housing.DWELLING_RULES,
                      ("dwellings", "transfer_from", "transfer_to", "residents_18_64_from", "residents_18_64_to"),
                      ("period_from", "period_to")),
    "efforts": Kind("efforts", efforts.EFFORT_COLUMNS, efforts.EFFORT_REQUIRED, efforts.effort_row_schema,
                    efforts.effort_context_schema, efforts.EFFORT_RULES, efforts.EFFORT_NUMBERS),
    "projects": Kind("projects", efforts.PROJECT_COLUMNS, efforts.PROJECT_REQUIRED, efforts.project_row_schema,
                     efforts.project_context_schema, efforts.PROJECT_RULES, efforts.PROJECT_NUMBERS,
                     ("start_month", "end_month")),
}
SUFFIX_KINDS = ("areas", "dwellings", "efforts", "projects")


def kind_of_suffix(suffix: str | None) -> str:
    """'areas' / 'areas-v2' / 'areas_v2' -> areas; 'dwellings...', 'efforts...', 'projects...'
    likewise; anything else -> indicators."""
    head = re.split(r"[-_.]", (suffix or "").lower())[0]
    return head if head in SUFFIX_KINDS else "indicators"
