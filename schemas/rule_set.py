"""The validation rules of a department's file, kept as data: `schemas/rules/submission_rules.yaml`
holds one record per rule (its name, the column a report names, its check and its message in
Danish and English), validated when loaded. The pandera schemas are built from the records
(every check carries the rule's name, so a failure is mapped back to its record by that name,
never by pandera's wording of a check), and the reports read their messages from them.

A rule is one record per kind of file (`indicators`, `areas`, `dwellings`, `efforts`, `projects`); a record with
several `kinds` is the same rule in each. See docs/submissions.md, "Rules a file is checked
against"."""

from __future__ import annotations

import re
import string
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Annotated, Literal

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrorReason
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from schemas.code_lists import CODE_LIST_DIR, codes
from schemas.rounds import ROUND_RE
from schemas.yaml_model import load_yaml_model

RULES_PATH = Path(__file__).resolve().parent / "rules" / "submission_rules.yaml"
KINDS = ("indicators", "areas", "dwellings", "efforts", "projects")
KindName = Literal["indicators", "areas", "dwellings", "efforts", "projects"]
# pandera's own failures (no Check of ours) that name the missing or unknown column in the case
COLUMN_REASONS = {"COLUMN_NOT_IN_DATAFRAME", "COLUMN_NOT_IN_SCHEMA"}
# What a message may quote: the codes a value must be one of, a key's columns; in a variant also
# the value itself, the round and the month before it.
CHECK_FIELDS = {"isin": {"allowed"}, "unique": {"key"}}
VARIANT_FIELDS = {"value", "round", "month_before"}


class RuleSetError(ValueError):
    """The rule file is invalid; the message names the file, the rule and the field."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class IsIn(_Strict):
    """The value is one of a code list's codes (less `exclude`), or one of `values`."""
    kind: Literal["isin"]
    code_list: str | None = None
    values: list[str] | None = None
    exclude: list[str] = []

    @model_validator(mode="after")
    def _one_source(self) -> IsIn:
        if (self.code_list is None) == (self.values is None):
            raise ValueError("give either code_list or values")
        if self.code_list is not None and not (CODE_LIST_DIR / f"{self.code_list}.csv").exists():
            raise ValueError(f"unknown code list {self.code_list!r} (schemas/code_lists/)")
        return self

    def allowed(self) -> list[str]:
        listed = codes(self.code_list) if self.code_list is not None else list(self.values or [])
        return [c for c in listed if c not in self.exclude]


# Patterns kept with the concept they belong to, named in a rule as `rule: <name>`
NAMED_PATTERNS = {"round": ROUND_RE}   # schemas/rounds.py: the one round rule


class Matches(_Strict):
    """The text matches a regular expression: `pattern`, or the named one `rule` (NAMED_PATTERNS)."""
    kind: Literal["matches"]
    pattern: str | None = None
    rule: Literal["round"] | None = None

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, v: str | None) -> str | None:
        try:
            re.compile(v or "")
        except re.error as e:
            raise ValueError(f"not a regular expression: {e}") from None
        return v

    @model_validator(mode="after")
    def _one_pattern(self) -> Matches:
        if (self.pattern is None) == (self.rule is None):
            raise ValueError("give either pattern or rule")
        return self

    @property
    def regex(self) -> str:
        return self.pattern if self.pattern is not None else NAMED_PATTERNS[self.rule]


class AtLeast(_Strict):
    """The number is at least `min`."""
    kind: Literal["at_least"]
    min: float


class Unique(_Strict):
    """No two rows share `key` (every row of a repeated key is named)."""
    kind: Literal["unique"]
    key: list[str] = Field(min_length=1)


class Pandera(_Strict):
    """A failure pandera finds itself (a column missing or unknown, a cell not a number or empty),
    recognised by its reason code (pandera.errors.SchemaErrorReason)."""
    kind: Literal["pandera"]
    reasons: list[str] = Field(min_length=1)

    @field_validator("reasons")
    @classmethod
    def _known(cls, v: list[str]) -> list[str]:
        unknown = [r for r in v if r not in SchemaErrorReason.__members__]
        if unknown:
            raise ValueError(f"unknown pandera reasons {unknown}; expected names of pandera.errors.SchemaErrorReason")
        return v


class Frame(_Strict):
    """A rule on the whole frame written in Python (schemas/submission.py, schemas/housing.py)."""
    kind: Literal["frame"]


class Reader(_Strict):
    """A rule the reader applies while reading the file, before the schema (assets/intake/reader*.py)."""
    kind: Literal["reader"]


Check = Annotated[IsIn | Matches | AtLeast | Unique | Pandera | Frame | Reader, Field(discriminator="kind")]
Columns = str | list[str]


class Texts(_Strict):
    da: str = Field(min_length=1)
    en: str = Field(min_length=1)


class RuleRecord(_Strict):
    """One rule as written in the file."""
    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    kinds: list[KindName] = list(KINDS)
    column: Columns | dict[KindName, Columns] | None = None
    check: Check
    message_da: str = Field(min_length=1)
    message_en: str = Field(min_length=1)
    variants: dict[Literal["month", "year"], Texts] = {}

    @model_validator(mode="after")
    def _consistent(self) -> RuleRecord:
        if isinstance(self.column, dict) and set(self.column) != set(self.kinds):
            raise ValueError(f"column per kind must name exactly the rule's kinds {self.kinds}")
        if self.check.kind in ("isin", "matches", "at_least", "frame") and not self.column:
            raise ValueError(f"a {self.check.kind} rule needs the column it is about")
        allowed = CHECK_FIELDS.get(self.check.kind, set())
        texts = {"message_da": self.message_da, "message_en": self.message_en}
        texts |= {f"variants.{v}.{lang}": getattr(t, lang) for v, t in self.variants.items() for lang in ("da", "en")}
        for where, text in texts.items():
            fields = _fields(text)
            extra = fields - allowed - (VARIANT_FIELDS if where.startswith("variants.") else set())
            if extra:
                may = allowed | (VARIANT_FIELDS if where.startswith("variants.") else set())
                raise ValueError(f"{where} quotes unknown fields {sorted(extra)}; it may quote {sorted(may) or 'none'}")
        return self


class RuleFile(_Strict):
    rules: list[RuleRecord]


def _fields(text: str) -> set[str]:
    try:
        return {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}
    except ValueError as e:
        raise ValueError(f"a brace in {text!r} neither opens nor closes a field ({e})") from None


def unique_rows(df: pd.DataFrame, key: list[str]) -> pd.Series:
    """True for the rows whose key no other row shares (missing values compare equal)."""
    return ~df.duplicated(subset=key, keep=False)


@dataclass(frozen=True)
class Rule:
    """One rule of one kind of file, as the schemas and the reports use it."""
    name: str
    columns: tuple[str, ...]
    check: IsIn | Matches | AtLeast | Unique | Pandera | Frame | Reader
    message_da: str
    message_en: str
    variants: dict[str, Texts] = field(default_factory=dict)

    @property
    def column(self) -> str | None:
        """The column a finding of a rule on the whole frame names."""
        return self.columns[0] if self.columns else None

    @property
    def column_in_failure_case(self) -> bool:
        """pandera names the missing or unknown column in the failure case itself."""
        return isinstance(self.check, Pandera) and bool(COLUMN_REASONS & set(self.check.reasons))

    def quoted(self) -> dict[str, str]:
        """What the messages may quote of the check itself."""
        if isinstance(self.check, IsIn):
            return {"allowed": ", ".join(self.check.allowed())}
        if isinstance(self.check, Unique):
            return {"key": ", ".join(self.check.key)}
        return {}

    def texts(self, variant: str | None = None, **values) -> tuple[str, str]:
        """(Danish, English): the message, or its variant when one is given and the record has it."""
        chosen = self.variants.get(variant) if variant else None
        da, en = (chosen.da, chosen.en) if chosen else (self.message_da, self.message_en)
        fields = {**self.quoted(), **values}
        return da.format(**fields), en.format(**fields)

    def pandera_check(self, fn: Callable[[pd.DataFrame], pd.Series] | None = None) -> pa.Check:
        """The pandera check of this rule, named after it (the name is what a failure reports)."""
        named = {"name": self.name, "error": self.name}
        c = self.check
        if isinstance(c, IsIn):
            return pa.Check.isin(c.allowed(), **named)
        if isinstance(c, Matches):
            return pa.Check.str_matches(c.regex, **named)
        if isinstance(c, AtLeast):
            return pa.Check.ge(c.min, **named)
        if isinstance(c, Unique):
            key = list(c.key)
            return pa.Check(lambda df: unique_rows(df, key), **named)
        if isinstance(c, Frame) and fn is not None:
            return pa.Check(fn, **named)
        raise RuleSetError(f"{RULES_PATH.name}: rule {self.name} ({c.kind}) is not a check the schema can run"
                           + (" without its function" if isinstance(c, Frame) else ""))


@dataclass(frozen=True)
class RuleSet:
    """The rules of one kind of file, by name."""
    kind: str
    rules: dict[str, Rule]

    def __getitem__(self, name: str) -> Rule:
        return self.rules[name]

    def get(self, name: str) -> Rule | None:
        return self.rules.get(name)

    def __iter__(self):
        return iter(self.rules.values())

    def check(self, name: str, fn: Callable[[pd.DataFrame], pd.Series]) -> pa.Check:
        """The frame rule `name`, checked by `fn`; the record must exist and be a frame rule."""
        rule = self.rules.get(name)
        if rule is None or not isinstance(rule.check, Frame):
            raise RuleSetError(f"{RULES_PATH.name}: the {self.kind} schema checks rule {name!r}, which has no "
                               "record of check kind frame for that kind of file")
        return rule.pandera_check(fn)

    def for_reason(self, reason: str | SchemaErrorReason) -> str | None:
        """The rule a failure pandera finds itself is reported under, by its reason code."""
        name = reason.name if isinstance(reason, SchemaErrorReason) else str(reason)
        return next((r.name for r in self if isinstance(r.check, Pandera) and name in r.check.reasons), None)

    def schema(self, model: type[pa.DataFrameModel]) -> pa.DataFrameSchema:
        """The model's columns (types, nullability) with the column checks and the key of the
        records: every check named after its rule."""
        base = model.to_schema()
        per_column: dict[str, list[pa.Check]] = {c: [] for c in base.columns}
        frame_checks = []
        for rule in self:
            if isinstance(rule.check, Unique):
                frame_checks.append(rule.pandera_check())
            elif isinstance(rule.check, (IsIn, Matches, AtLeast)):
                for column in rule.columns:
                    if column not in per_column:
                        raise RuleSetError(f"{RULES_PATH.name}: rule {rule.name} checks column {column!r}, which "
                                           f"a {self.kind} file does not have")
                    per_column[column].append(rule.pandera_check())
        schema = base.update_columns({c: {"checks": checks} for c, checks in per_column.items() if checks})
        schema.checks = list(base.checks) + frame_checks
        return schema


def _where(loc: tuple, data: dict) -> str:
    """A pydantic error location as the rule it is in (`rule 4 (round_format), field check`)."""
    if len(loc) >= 2 and loc[0] == "rules" and isinstance(loc[1], int):
        entries = data.get("rules") or []
        entry = entries[loc[1]] if loc[1] < len(entries) else None
        name = entry.get("name", "?") if isinstance(entry, dict) else "?"
        return f"rule {loc[1] + 1} ({name}), field " + (".".join(str(p) for p in loc[2:]) or "(entry)")
    return "field " + ".".join(str(p) for p in loc)


def _columns(record: RuleRecord, kind: str) -> tuple[str, ...]:
    col = record.column[kind] if isinstance(record.column, dict) else record.column
    return () if col is None else (col,) if isinstance(col, str) else tuple(col)


@cache
def load_rules(path: Path = RULES_PATH) -> dict[str, RuleSet]:
    """The rule file validated, as one RuleSet per kind of file; RuleSetError names the file, the
    rule and the field of every problem (an unknown key, a missing message, a name twice)."""
    shown = str(path)
    parsed, _ = load_yaml_model(path, RuleFile, RuleSetError, "rule file", shown=shown, where=_where)
    sets: dict[str, dict[str, Rule]] = {k: {} for k in KINDS}
    where: dict[tuple[str, str], int] = {}
    problems = []
    for i, record in enumerate(parsed.rules, start=1):
        for kind in record.kinds:
            if (kind, record.name) in where:
                problems.append(f"{shown}: rule {i} ({record.name}): defined twice for {kind} files (also rule "
                                f"{where[(kind, record.name)]})")
                continue
            where[(kind, record.name)] = i
            sets[kind][record.name] = Rule(record.name, _columns(record, kind), record.check, record.message_da,
                                           record.message_en, dict(record.variants))
    if problems:
        raise RuleSetError("invalid rule file:\n  " + "\n  ".join(problems))
    return {k: RuleSet(k, v) for k, v in sets.items()}


def rules_for(kind: str) -> RuleSet:
    """The rules of one kind of file (`indicators`, `areas`, `dwellings`)."""
    return load_rules()[kind]
