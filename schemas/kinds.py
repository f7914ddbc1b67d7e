"""The kinds of file a department can deliver, told apart by the file name's suffix:
`<DEPT>_<round>.csv` (indicator counts), `<DEPT>_<round>_areas.csv` (housing areas) and
`<DEPT>_<round>_dwellings.csv` (dwellings, for the decomposition of change)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandera.pandas as pa

from schemas import housing, submission
from schemas.catalog import Catalog


@dataclass(frozen=True)
class Kind:
    name: str
    columns: list[str]
    required: list[str]
    row_schema: Callable[[], pa.DataFrameSchema]
    context_schema: Callable[[Catalog, str, str], pa.DataFrameSchema]
    rule_columns: dict[str, str]  # which column a dataframe-level rule is about
    rule_text: dict[str, str]     # the rule in plain words
    number_columns: tuple[str, ...] = ()
    period_columns: tuple[str, ...] = ()


_COMMON_COLUMNS = {"department_matches_file": "department", "round_matches_file": "round"}
_AREA_COLUMNS = {**_COMMON_COLUMNS, **housing.AREA_RULE_COLUMN, "period_not_after_round": "reference_period",
                 "counts_are_whole_numbers": "residents"}
_DWELLING_COLUMNS = {**_COMMON_COLUMNS, **housing.AREA_RULE_COLUMN, "period_not_after_round": "period_to",
                     "counts_are_whole_numbers": "dwellings"}
_HOUSING_TEXT = {**submission.RULE_TEXT, **housing.AREA_RULE_TEXT,
                 "counts_are_whole_numbers": "counts of persons and dwellings are whole numbers",
                 "unique_cell": "the same area, section and period (or area, periods and status) is given twice"}

KINDS = {
    "indicators": Kind("indicators", submission.COLUMNS, submission.REQUIRED_COLUMNS, submission.row_schema,
                       submission.context_schema, submission.RULE_COLUMN, submission.RULE_TEXT,
                       ("numerator", "denominator", "value", "sd"), ("reference_period",)),
    "areas": Kind("areas", housing.AREA_COLUMNS, housing.AREA_REQUIRED, housing.AreaRow.to_schema,
                  lambda catalog, d, r: housing.area_context_schema(d, r), _AREA_COLUMNS, _HOUSING_TEXT,
                  tuple(c for cols in housing.AREA_MEASURES.values() for c in cols), ("reference_period",)),
    "dwellings": Kind("dwellings", housing.DWELLING_COLUMNS, housing.DWELLING_REQUIRED, housing.DwellingRow.to_schema,
                      lambda catalog, d, r: housing.dwelling_context_schema(d, r), _DWELLING_COLUMNS, _HOUSING_TEXT,
                      ("dwellings", "transfer_from", "transfer_to", "residents_18_64_from", "residents_18_64_to"),
                      ("period_from", "period_to")),
}


def kind_of_suffix(suffix: str | None) -> str:
    """'areas' / 'areas-v2' -> areas; 'dwellings...' -> dwellings; anything else -> indicators."""
    head = (suffix or "").lower().split("-")[0]
    return head if head in ("areas", "dwellings") else "indicators"
