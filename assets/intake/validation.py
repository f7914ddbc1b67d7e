"""Validate one submission from its bytes: read it, run the pandera schemas with every failure
collected, and turn pandera's failure cases into findings a department can act on (file, row,
column, rule, value, plain words; assets/intake/findings.py).

Whatever the bytes hold, the outcome is a ValidationResult with findings, never an exception: a
problem no rule foresaw becomes a `readable_file` finding."""

from __future__ import annotations

import copy
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from assets.intake import dropfolder
from assets.intake.dropfolder import parse_file_name
from assets.intake.findings import (
    FINDING_COLUMNS,
    MAX_LISTED_PER_RULE,
    cap,
    fill_values,
    message,
    more_lines,
    raw_findings,
    reader_message,
)
from assets.intake.prescreen import column_failures
from assets.intake.reader import ReadError, read_submission_bytes
from assets.intake.validation_fast import rows_frame, validate_plain
from core.i18n import count, current_language, t
from schemas.catalog import Catalog
from schemas.code_lists import CITY, codes
from schemas.kinds import KINDS, Kind
from schemas.submission import COMPLETENESS_CELL, district_coverage, gap_pair_groups

MAX_VALUE_CHARS = 200  # a cell's value as the CSV report keeps it


@dataclass
class ValidationResult:
    path: Path                 # Path(file name): the file the result is about
    department: str | None
    round: str | None
    sha256: str
    typed: pd.DataFrame | None  # the typed rows when accepted, else None (read them as `rows`)
    findings: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=FINDING_COLUMNS))
    n_rows: int = 0
    kind: str = "indicators"
    omitted: dict[str, int] = field(default_factory=dict)  # per rule: findings not listed (beyond the cap)
    table: object = None  # the clean file's path: the accepted rows as an Arrow table with source_row, for staging

    @property
    def rows(self) -> pd.DataFrame | None:
        """The typed rows when accepted, indexed by row number, else None (on the clean file's
        path made from `table` when first asked for: staging reads the table itself)."""
        if self.typed is None and self.table is not None:
            self.typed = rows_frame(self.table)
        return self.typed

    @rows.setter
    def rows(self, value: pd.DataFrame | None) -> None:
        self.typed, self.table = value, None

    @property
    def accepted(self) -> bool:
        return (self.typed is not None or self.table is not None) and self.findings.empty

    @property
    def n_problems(self) -> int:
        """Every problem found: those listed, and those beyond the cap of each rule."""
        return len(self.findings) - len(self.omitted) + sum(self.omitted.values())

    def first_problem(self) -> str | None:
        """The first finding as the tracker, the run summary and the Dagster UI show it: file, row,
        column and rule, but never the cell's value (a count of persons in a district). The value
        is in the report, which only the data team and the department read (docs/privacy.md)."""
        if self.findings.empty:
            return None
        first = self.findings.iloc[0].to_dict()
        if first["row"] is None or pd.isna(first["row"]):
            return first["message"]  # a file-level problem: its message quotes no cell
        return message({**first, "value": None}, KINDS[self.kind], self.round)  # a cell: named, not quoted

    def summary(self) -> str:
        """One line in the current language (core/i18n.py): 'godkendt: 12 rækker' / 'afvist: ...'."""
        lang = current_language()
        if self.accepted:
            return t(lang, "check.summary.accepted", rows=self.n_rows)
        more = self.n_problems - 1
        return (t(lang, "check.summary.rejected", first=self.first_problem())
                + (t(lang, "check.summary.more", n=more) if more else ""))

    def report_text(self) -> str:
        """The human-readable report for the department, in the current language (Danish unless
        BAROMETER_LANG or --lang says otherwise)."""
        lang = current_language()
        head = [
            t(lang, "check.report.submission", file=self.path.name),
            t(lang, "check.report.identity", department=self.department or "?", round=self.round or "?",
              sha=self.sha256[:16]),
            t(lang, "check.report.accepted", rows=self.n_rows) if self.accepted
            else t(lang, "check.report.rejected", problems=count(self.n_problems, lang)),
        ]
        if self.accepted:
            return "\n".join(head) + "\n"
        listed = t(lang, "check.report.listed", limit=MAX_LISTED_PER_RULE) if self.omitted else ""
        lines = head + ["", t(lang, "check.report.problems", listed=listed)]
        for f in self.findings.itertuples(index=False):
            lines.append(f"- {f.message}")
        return "\n".join(lines) + "\n"


def _one_finding(name: str, rule: str, message_: str, row=None, column=None, value=None) -> pd.DataFrame:
    return pd.DataFrame([{"file": name, "row": row, "column": column, "rule": rule, "value": value,
                          "message": message_}], columns=FINDING_COLUMNS)


def _without_knock_on(cases: pd.DataFrame) -> pd.DataFrame:
    """Drop the checks that crashed only because a column failed to coerce (a text in a number
    column): the coercion failure itself already names each offending row."""
    no_row = np.flatnonzero(cases["index"].isna().to_numpy())
    crashed = np.zeros(len(cases), dtype=bool)
    if len(no_row):
        text = pd.Series(cases["failure_case"].to_numpy()[no_row]).astype(str)
        crashed[no_row] = text.str.match(r"^\w+Error\(").to_numpy(dtype=bool)
    return cases[~crashed]


def _named(e: pa.errors.SchemaErrors, kind: Kind) -> pd.DataFrame:
    """pandera's failure cases with each labelled by its rule's name: a check of ours carries it
    already; a failure pandera finds itself (a column missing or unknown, a cell that is not a
    number or is empty) is the rule of its reason code (schemas/rules/submission_rules.yaml)."""
    names = {str(err.check): kind.rules.for_reason(err.reason_code) for err in e.schema_errors
             if not isinstance(err.check, pa.Check)}
    cases = e.failure_cases
    return cases.assign(check=cases["check"].map(lambda c: names.get(str(c)) or c))


def _split(schema: pa.DataFrameSchema) -> tuple[pa.DataFrameSchema, list[pa.Check]]:
    """The schema's column checks (validated by pandera), and its checks on the whole frame."""
    columns_only = copy.copy(schema)  # the model's schema is cached: never changed in place
    columns_only.checks = []
    return columns_only, list(schema.checks)


def run_frame_checks(checks: list[pa.Check], df: pd.DataFrame) -> pd.DataFrame:
    """Run checks on the whole frame with pandera's Check objects and collect the failing rows in
    the layout of pandera's failure cases. (pandera's own collection reshapes a frame-level
    failure row by row: minutes for a file of a hundred thousand failing rows.)"""
    out = []
    for check in checks:
        try:
            passed = check(df).check_output
        except Exception as e:  # a rule that cannot run (a column missing): named, not raised
            out.append(pd.DataFrame({"index": [np.nan], "failure_case": [f"{type(e).__name__}({e})"]})
                       .assign(check=check.name))
            continue
        if isinstance(passed, pd.Series):
            failing = passed.index[~passed.fillna(False).astype(bool).to_numpy()]
        else:
            failing = pd.Index([] if bool(passed) else [np.nan])
        if len(failing):
            out.append(pd.DataFrame({"index": failing.to_numpy(), "failure_case": None, "check": check.name}))
    if not out:
        return pd.DataFrame(columns=["schema_context", "column", "check", "check_number", "failure_case", "index"])
    cases = pd.concat(out, ignore_index=True)
    return cases.assign(schema_context="DataFrameSchema", column=None, check_number=None)


def _keys(df: pd.DataFrame, cols: list[str]) -> pd.MultiIndex:
    return pd.MultiIndex.from_frame(df[cols].astype(str))


def _without_context_knock_on(found: pd.DataFrame, typed: pd.DataFrame, dropped: pd.DataFrame,
                              catalog: Catalog, department: str) -> pd.DataFrame:
    """An incomplete district series, or a gap group without its partner, is only a knock-on when
    a row of that cell (or of the partner group) was itself refused: that row's own finding names
    the cause, so the knock-on is not reported (vectorised: a finding per row costs no loop)."""
    if found.empty or len(dropped) == 0 or not set(COMPLETENESS_CELL) <= set(typed.columns):
        return found
    drop = pd.Series(False, index=found.index)
    rows = found["row"]
    complete = (found["rule"] == "all_districts_present") & rows.isin(typed.index)
    if complete.any():
        cells = typed.loc[rows[complete].astype(int), COMPLETENESS_CELL]
        drop[complete] = _keys(cells, COMPLETENESS_CELL).isin(_keys(dropped, COMPLETENESS_CELL))
    gaps = (found["rule"] == "gap_groups_paired") & rows.isin(typed.index)
    if gaps.any() and {"district", "group"} <= set(dropped.columns):
        pair_groups = gap_pair_groups(catalog, department)  # series -> the groups its gaps compare
        d = dropped[["indicator", "reference_period", "district", "group"]].astype(str)
        d = d[[g in pair_groups.get(i, ()) for i, g in zip(d["indicator"], d["group"])]]
        valid = set(codes("districts"))
        anywhere = d[~d["district"].isin(valid)]  # a refused row whose district is unreadable: any district
        g = typed.loc[rows[gaps].astype(int), ["indicator", "reference_period", "district"]].astype(str)
        drop[gaps] = (_keys(g, ["indicator", "reference_period", "district"]).isin(
            _keys(d, ["indicator", "reference_period", "district"]))
            | _keys(g, ["indicator", "reference_period"]).isin(_keys(anywhere, ["indicator", "reference_period"])))
    return found[~drop.to_numpy()]


def _name_missing_districts(found: pd.DataFrame, typed: pd.DataFrame) -> pd.DataFrame:
    """An incomplete district series names the districts it misses (listed findings only)."""
    districts = [d for d in codes("districts") if d != CITY]
    for i in found.index[found["rule"] == "all_districts_present"]:
        row = found.at[i, "row"]
        if row not in typed.index:
            continue
        cell = typed.loc[row, COMPLETENESS_CELL]
        same = typed[(typed[COMPLETENESS_CELL] == cell.to_numpy()).all(axis=1) & (typed["district"] != CITY)]
        covered = district_coverage(same)  # a district counts as given by T, or by F and M
        have = {k[-1] for k, ok in covered.items() if ok}
        found.at[i, "value"] = t(None, "check.missing_districts",
                                 districts=", ".join(d for d in districts if d not in have))
    return found


def validate_bytes(name: str, data: bytes, catalog: Catalog, department: str | None = None,
                   round_key: str | None = None, kind: str | None = None, fast: bool = True) -> ValidationResult:
    """Validate a file's bytes exactly as the pipeline does; `name` is the file's name (its
    extension says CSV or XLSX). Department, round and kind (indicators, areas, dwellings)
    default to the ones in the name; `barometer check` may pass them. A plain CSV is first tried
    on the clean file's path (validation_fast.py: accepted there only if the careful path would
    accept it, with the same rows); `fast=False` takes the careful path only."""
    parsed = parse_file_name(name)
    department = department or (parsed.department if parsed else None)
    round_key = round_key or (parsed.round if parsed else None)
    spec = KINDS[kind or (parsed.kind if parsed else "indicators")]
    result = ValidationResult(Path(name), department, round_key, hashlib.sha256(data).hexdigest(), typed=None,
                              kind=spec.name)
    if department is None or round_key is None:
        result.findings = _one_finding(name, "file_name", t(None, "check.file_name", file=name), value=name)
        return result
    try:
        _validate(result, name, data, catalog, spec, fast)
    except Exception as e:  # whatever the bytes hold, the answer is a finding
        result.rows, result.omitted = None, {}
        result.findings = _one_finding(
            name, "readable_file", t(None, "check.unreadable", file=name, error=f"{type(e).__name__}: {str(e)[:200]}")
            + " — " + t(None, "check.rule", rule="readable_file"))
    return result


def _clean_path(name, data, catalog, department, round_key, spec, schema, frame_checks):
    """validate_plain, or None (the careful path) if it fails in any way: it only ever accepts."""
    try:
        return validate_plain(name, data, catalog, department, round_key, spec, schema, frame_checks)
    except Exception:
        return None


def _validate(result: ValidationResult, name: str, data: bytes, catalog: Catalog, spec: Kind, fast: bool) -> None:
    department, round_key = result.department, result.round
    schema, frame_checks = _split(spec.row_schema())
    clean = _clean_path(name, data, catalog, department, round_key, spec, schema, frame_checks) if fast else None
    if clean is not None:
        result.table, result.n_rows = clean, clean.num_rows
        return
    try:
        frame = read_submission_bytes(name, data, spec)
    except ReadError as e:
        result.findings = _one_finding(name, e.rule, reader_message(name, e.rule, str(e), spec, e.row, e.column),
                                       row=e.row, column=e.column)
        return
    result.n_rows = len(frame)
    found = []
    problems = frame.attrs.pop("problems", None) or []  # out of attrs: pandas deep-copies attrs on every step
    rows = frame.drop(index=sorted({p["row"] for p in problems}))
    dropped = frame.loc[frame.index.difference(rows.index)]  # kept out of the checks: their findings name them
    if problems:  # rows too wide, ambiguous numbers: reported, and their rows kept out of the schema checks
        problems = [{**p, "message": reader_message(name, p["rule"], p["message"], spec, p["row"], p["column"],
                                                           p.get("value"))}
                    for p in problems]
        found.append(pd.DataFrame(problems, columns=FINDING_COLUMNS))
    pre = column_failures(schema, rows, spec.rules)  # vectorised: rows breaking a column rule never reach pandera
    pre_bad = rows.index.intersection(pd.to_numeric(pre["index"], errors="coerce").dropna().astype(int))
    typed, cases, pandera_failed = None, [pre], False
    try:
        typed = schema.validate(rows.drop(index=pre_bad), lazy=True)
    except pa.errors.SchemaErrors as e:
        cases.append(_without_knock_on(_named(e, spec)))
        pandera_failed = True
    cases.append(run_frame_checks(frame_checks, rows))
    cases = [c for c in cases if len(c)]
    if cases:
        cases = pd.concat(cases, ignore_index=True)
        stage1 = raw_findings(name, cases, spec)
        if (stage1["rule"] == "required_column").any():  # rows look alike without a key column: not the cause
            stage1 = stage1[stage1["rule"] != "unique_cell"]
        found.append(stage1)
        bad_rows = rows.index.intersection(pd.to_numeric(cases["index"], errors="coerce").dropna().astype(int))
        if cases["index"].isna().any():  # the columns themselves are wrong: no context rules
            typed = None
        else:  # the context rules run on the rows that typed cleanly
            dropped = pd.concat([dropped, rows.loc[bad_rows]])
            clean = rows.drop(index=bad_rows)
            if pandera_failed:
                typed = schema.validate(clean, lazy=False) if len(clean) else None
            else:
                typed = typed.drop(index=typed.index.intersection(bad_rows))
    if typed is not None and len(typed):
        context = raw_findings(name, run_frame_checks(spec.context_schema(catalog, department, round_key).checks,
                                                      typed), spec)
        if spec.name == "indicators":
            context = _without_context_knock_on(context, typed, dropped, catalog, department)
        found.append(context)
    found = [f for f in found if len(f)]
    if not found:
        result.findings = pd.DataFrame(columns=FINDING_COLUMNS)
        result.rows = typed
        return
    listed = pd.concat(found, ignore_index=True).reindex(columns=FINDING_COLUMNS).astype(
        {"file": object, "column": object, "rule": object, "value": object, "message": object})
    listed["row"] = listed["row"].astype("Int64")
    order = {c: i for i, c in enumerate(spec.columns)}  # within a row, the columns in the template's order
    listed = (listed.assign(_at=listed["column"].map(order).astype(float).fillna(len(order)))
              .sort_values(["row", "_at"], na_position="first", kind="stable").drop(columns="_at"))
    listed, result.omitted = cap(listed)
    listed = fill_values(listed.reset_index(drop=True), frame)
    if spec.name == "indicators" and typed is not None:
        listed = _name_missing_districts(listed, typed)
    todo = listed["message"].isna()
    if todo.any():
        listed.loc[todo, "message"] = listed[todo].apply(lambda r: message(r, spec, round_key), axis=1)
    long = listed["value"].map(lambda v: isinstance(v, str) and len(v) > MAX_VALUE_CHARS).astype(bool)
    listed.loc[long, "value"] = listed.loc[long, "value"].map(lambda v: v[:MAX_VALUE_CHARS] + "…")
    if result.omitted:  # the "… and N more of rule X" lines come last
        listed = pd.DataFrame.from_records(listed[FINDING_COLUMNS].to_dict("records")
                                           + more_lines(name, result.omitted).to_dict("records"),
                                           columns=FINDING_COLUMNS).astype({"row": "Int64"})
    result.findings = listed[FINDING_COLUMNS]


def validate_file(path: Path, catalog: Catalog, department: str | None = None, round_key: str | None = None,
                  kind: str | None = None) -> ValidationResult:
    """validate_bytes on a file's bytes, read once (never through a symbolic link)."""
    path = Path(path)
    try:
        data = dropfolder.read_bytes(path)
    except dropfolder.UnsafeFile as e:
        parsed = parse_file_name(path.name)
        result = ValidationResult(path, department or (parsed.department if parsed else None),
                                  round_key or (parsed.round if parsed else None), hashlib.sha256(b"").hexdigest(),
                                  typed=None, kind=kind or (parsed.kind if parsed else "indicators"))
        result.findings = _one_finding(path.name, "not_a_regular_file", t(None, "check.not_regular", error=e)
                                       + " — " + t(None, "check.rule", rule="not_a_regular_file"))
        return result
    result = validate_bytes(path.name, data, catalog, department, round_key, kind)
    result.path = path
    return result
