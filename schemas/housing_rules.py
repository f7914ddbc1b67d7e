"""The housing rule sets' schema (catalog/housing_rules.yaml), validated when loaded."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, model_validator

from schemas.catalog import CatalogError
from schemas.yaml_model import load_yaml_model


class CityType(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: Literal["high_risk", "risk", "neutral"]
    min_share: float = Field(ge=0, le=100)


class MinistryRuleSet(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    valid_from: dt.date
    valid_to: dt.date | None = None
    min_residents: int = Field(ge=0)
    share_above: float = Field(ge=0, le=100)
    share_in_any_section: bool
    text: str


class HousingRules(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: str
    # catalog indicators pooled into housing_district_shares (at least two, each once)
    pooled_district_shares: list[str] = Field(min_length=2)
    city_types: list[CityType]
    ministry_rule_sets: list[MinistryRuleSet]

    @model_validator(mode="after")
    def _no_overlap(self) -> HousingRules:
        sets = sorted(self.ministry_rule_sets, key=lambda r: r.valid_from)
        for a, b in zip(sets, sets[1:]):
            if a.valid_to is None or a.valid_to >= b.valid_from:
                raise ValueError(f"ministry rule sets {a.id} and {b.id} overlap")
        if len(set(self.pooled_district_shares)) != len(self.pooled_district_shares):
            raise ValueError("pooled_district_shares names an indicator twice")
        if not any(t.min_share == 0 for t in self.city_types):
            raise ValueError("city_types need a band starting at 0")
        return self

    def rule_sets_frame(self) -> pd.DataFrame:
        return pd.DataFrame([r.model_dump() for r in self.ministry_rule_sets]).assign(rules_version=self.version)

    def city_types_frame(self) -> pd.DataFrame:
        return pd.DataFrame([t.model_dump() for t in self.city_types])


def load_housing_rules(path: Path) -> HousingRules:
    return load_yaml_model(path, HousingRules, CatalogError, "housing rules")[0]
