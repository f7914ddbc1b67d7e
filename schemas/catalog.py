"""The indicator catalog's own schema: `catalog/indicators.yaml` is validated when loaded and an
invalid entry is refused with a message naming it."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from schemas.code_lists import codes, computations_with
from schemas.yaml_model import load_yaml_model

PERIOD_RE = r"^\d{4}(-(0[1-9]|1[0-2]))?$"
MONTH_RE = r"^\d{4}-(0[1-9]|1[0-2])$"

Unit = Literal["percent", "percentage_points", "count", "grade_points", "index_points", "rank", "weeks"]
# What each computation implies (a percentage, a mean, a gap; the submission columns it needs; the
# light's test) is the code list schemas/code_lists/computations.csv: the codes come from there.
Computation = Literal[tuple(codes("computations"))]
Direction = Literal[
    "must_rise", "must_fall", "must_not_rise", "toward_zero", "toward_100", "toward_level", "none"
]
SourceKind = Literal["register", "survey", "administrative"]
CountedUnit = Literal["persons", "households", "dwellings", "classes", "schools", "institutions", "none"]
# Cells counting these are about people: small ones are suppressed when published.
PERSON_UNITS = {"persons", "households"}

MEAN_COMPUTATIONS = computations_with("is_mean")
GAP_COMPUTATIONS = computations_with("is_gap")


class CatalogError(ValueError):
    """The catalog file is invalid; the message names the entry and the field."""


class Target(BaseModel):
    model_config = ConfigDict(extra="forbid")
    value: float | None = None
    date: str = Field(pattern=MONTH_RE)
    text: str | None = None


class Break(BaseModel):
    """A series break; `reason_da` is the reason in Danish, what the Danish report shows."""

    model_config = ConfigDict(extra="forbid")
    from_period: str = Field(pattern=PERIOD_RE)
    kind: Literal["method", "definition", "source"]
    reason: str = Field(min_length=10)
    reason_da: str = Field(min_length=10)


class Caveat(BaseModel):
    """A caveat; `text_da` is its text in Danish, what the Danish report shows."""

    model_config = ConfigDict(extra="forbid")
    from_period: str = Field(pattern=PERIOD_RE)
    text: str = Field(min_length=10)
    text_da: str = Field(min_length=10)


class Indicator(BaseModel):
    """One published indicator."""

    model_config = ConfigDict(extra="forbid")
    code: str = Field(pattern=r"^[A-Z]{3}-[A-Z0-9]+$")
    area: str
    policy_period: str = "2007-10"
    policy_goal: str | None = None
    main_goal: bool = False
    title_da: str
    title_en: str
    definition_en: str = Field(min_length=10)
    definition_da: str = Field(min_length=10)
    unit: Unit
    decimals: int = Field(ge=0, le=3)
    computation: Computation
    source: str | None = None
    group: str
    reference_group: str | None = None
    sex: Literal["F", "M"] | None = None
    direction: Direction
    baseline: str = Field(pattern=PERIOD_RE)
    targets: list[Target] = []
    responsible: str
    delivered_by: str
    source_kind: SourceKind
    counted_unit: CountedUnit = "persons"
    districts: bool
    due_in: list[Literal["spring", "november"]] = ["spring", "november"]
    breaks: list[Break] = []
    caveats: list[Caveat] = []
    note: str | None = None

    @field_validator("area")
    @classmethod
    def _area_known(cls, v: str) -> str:
        if v not in codes("areas"):
            raise ValueError(f"unknown area {v!r}; expected one of {codes('areas')}")
        return v

    @field_validator("group", "reference_group")
    @classmethod
    def _group_known(cls, v: str | None) -> str | None:
        if v is not None and v not in codes("groups"):
            raise ValueError(f"unknown population group {v!r}; expected one of {codes('groups')}")
        return v

    @field_validator("responsible", "delivered_by")
    @classmethod
    def _department_known(cls, v: str) -> str:
        if v not in codes("departments"):
            raise ValueError(f"unknown department {v!r}; expected one of {codes('departments')}")
        return v

    @model_validator(mode="after")
    def _consistent(self) -> Indicator:
        if self.source is None:
            self.source = self.code
        if self.computation in GAP_COMPUTATIONS and not self.reference_group:
            raise ValueError(f"computation {self.computation} needs a reference_group")
        if self.reference_group == self.group:
            raise ValueError("reference_group must differ from group")
        return self


class Catalog(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: str
    significance_level: float = Field(default=0.05, gt=0, lt=0.5)
    policy_periods: dict[str, str]
    indicators: list[Indicator]
    fingerprint: str = ""

    def by_code(self) -> dict[str, Indicator]:
        return {i.code: i for i in self.indicators}

    def series_of(self, department: str) -> dict[str, list[Indicator]]:
        """Series codes a department submits rows under, each with the indicators cut from it."""
        out: dict[str, list[Indicator]] = {}
        for i in self.indicators:
            if i.delivered_by == department:
                out.setdefault(i.source, []).append(i)
        return out

    def departments_of_area(self, area: str) -> list[str]:
        return sorted({i.delivered_by for i in self.indicators if i.area == area})

    def areas(self) -> list[str]:
        return [a for a in codes("areas") if any(i.area == a for i in self.indicators)]

    def notes_da(self) -> dict[tuple[str, str], str]:
        """(code, English text) -> Danish text of every series break and caveat, for the report."""
        return ({(i.code, b.reason): b.reason_da for i in self.indicators for b in i.breaks}
                | {(i.code, c.text): c.text_da for i in self.indicators for c in i.caveats})

    def breaks_frame(self) -> pd.DataFrame:
        """Series breaks and caveats, one row each (`indicator_breaks`)."""
        rows = [{"code": i.code, "from_period": b.from_period, "kind": b.kind, "breaks_series": True, "text": b.reason}
                for i in self.indicators for b in i.breaks]
        rows += [{"code": i.code, "from_period": c.from_period, "kind": "caveat", "breaks_series": False,
                  "text": c.text}
                 for i in self.indicators for c in i.caveats]
        return pd.DataFrame(rows, columns=["code", "from_period", "kind", "breaks_series", "text"])

    def to_frame(self) -> pd.DataFrame:
        """One row per indicator, flat, as loaded into DuckDB (`indicator_catalog`)."""
        rows = []
        for i in self.indicators:
            valued = [t for t in i.targets if t.value is not None]
            first = i.targets[0] if i.targets else None
            rows.append(
                {
                    "code": i.code, "area": i.area, "policy_period": i.policy_period, "policy_goal": i.policy_goal,
                    "main_goal": i.main_goal, "title_da": i.title_da, "title_en": i.title_en,
                    "definition_da": i.definition_da, "definition_en": i.definition_en,
                    "unit": i.unit, "decimals": i.decimals, "computation": i.computation,
                    "source": i.source, "population_group": i.group,
                    "reference_group": i.reference_group, "sex": i.sex, "direction": i.direction,
                    "baseline": i.baseline,
                    "target_value": valued[0].value if valued else None,
                    "target_date": (valued[0] if valued else first).date if (valued or first) else None,
                    "target_text": (valued[0] if valued else first).text if (valued or first) else None,
                    "responsible": i.responsible, "delivered_by": i.delivered_by,
                    "source_kind": i.source_kind, "counted_unit": i.counted_unit,
                    "counts_persons": i.counted_unit in PERSON_UNITS, "districts": i.districts,
                    "due_spring": "spring" in i.due_in, "due_november": "november" in i.due_in,
                    "significance_level": self.significance_level,
                    "catalog_version": self.version, "catalog_fingerprint": self.fingerprint,
                }
            )
        return pd.DataFrame(rows)


def _entry_name(raw: dict, loc: tuple) -> str:
    if len(loc) >= 2 and loc[0] == "indicators" and isinstance(loc[1], int):
        entries = raw.get("indicators") or []
        code = entries[loc[1]].get("code", "?") if loc[1] < len(entries) and isinstance(entries[loc[1]], dict) else "?"
        field = ".".join(str(p) for p in loc[2:]) or "(entry)"
        return f"entry {loc[1] + 1} ({code}), field {field}"
    return "field " + ".".join(str(p) for p in loc)


def load_catalog(path: Path) -> Catalog:
    """Load and validate the catalog; raise CatalogError naming the offending entry."""
    text = Path(path).read_text(encoding="utf-8")  # its fingerprint versions every computed figure
    catalog, _ = load_yaml_model(path, Catalog, CatalogError, "indicator catalog",
                                 where=lambda loc, raw: _entry_name(raw, loc))
    problems = []
    for i in catalog.indicators:
        if i.policy_period not in catalog.policy_periods:
            problems.append(f"{path}: indicator {i.code}: policy_period {i.policy_period!r} is not one of "
                            f"{sorted(catalog.policy_periods)}")
    seen: set[str] = set()
    for i in catalog.indicators:
        if i.code in seen:
            problems.append(f"{path}: indicator {i.code} is defined twice")
        seen.add(i.code)
    by_source: dict[str, list[Indicator]] = {}
    for i in catalog.indicators:
        by_source.setdefault(i.source, []).append(i)
    for source, members in by_source.items():
        if len({m.delivered_by for m in members}) > 1 or len({m.districts for m in members}) > 1:
            problems.append(f"{path}: indicators cut from series {source} disagree on delivered_by or districts")
    if problems:
        raise CatalogError("invalid indicator catalog:\n  " + "\n  ".join(problems))
    catalog.fingerprint = hashlib.sha256(text.encode()).hexdigest()[:12]
    return catalog


def period_sort_key(period: str) -> str:
    return period if len(period) == 7 else f"{period}-00"


class DisclosureRules(BaseModel):
    """Minimum cell sizes for published district figures (catalog/disclosure.yaml)."""

    model_config = ConfigDict(extra="forbid")
    version: str
    min_count: int = Field(ge=1)
    min_denominator: int = Field(ge=1)


def load_disclosure_rules(path: Path) -> DisclosureRules:
    return load_yaml_model(path, DisclosureRules, CatalogError, "disclosure rules")[0]
