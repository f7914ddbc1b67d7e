"""Validate one submission file: read it, run the pandera schemas with every failure collected,
and turn pandera's failure cases into findings a department can act on (file, row, column,
rule, value, plain words)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from assets.intake.reader import ReadError, parse_file_name, read_submission
from schemas.catalog import Catalog
from schemas.code_lists import CITY, codes
from schemas.kinds import KINDS, Kind
from schemas.submission import COMPLETENESS_CELL, KEY, LABELS_DA, district_coverage

FINDING_COLUMNS = ["file", "row", "column", "rule", "value", "message"]


@dataclass
class ValidationResult:
    path: Path
    department: str | None
    round: str | None
    sha256: str
    rows: pd.DataFrame | None  # the typed rows when accepted, else None
    findings: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=FINDING_COLUMNS))
    n_rows: int = 0
    kind: str = "indicators"

    @property
    def accepted(self) -> bool:
        return self.rows is not None and self.findings.empty

    def first_problem(self) -> str | None:
        """The first finding as the tracker, the run summary and the Dagster UI show it: file, row,
        column and rule, but never the cell's value (a count of persons in a district). The value
        is in the report, which only the data team and the department read (docs/privacy.md)."""
        if self.findings.empty:
            return None
        first = self.findings.iloc[0].to_dict()
        if first["row"] is None or pd.isna(first["row"]):
            return first["message"]  # a file-level problem: its message quotes no cell
        return _message({**first, "value": None}, KINDS[self.kind])  # a cell: named, not quoted

    def summary(self) -> str:
        if self.accepted:
            return f"accepted: {self.n_rows} rows"
        more = len(self.findings) - 1
        return f"rejected: {self.first_problem()}" + (f" (+{more} more)" if more else "")

    def report_text(self) -> str:
        """The human-readable report for the department."""
        head = [
            f"Submission: {self.path.name}",
            f"Department: {self.department or '?'}   Round: {self.round or '?'}   SHA-256: {self.sha256[:16]}",
            f"Outcome: {'ACCEPTED' if self.accepted else 'REJECTED'}"
            + (f" ({self.n_rows} rows)" if self.accepted else f" ({len(self.findings)} problem(s))"),
        ]
        if self.accepted:
            return "\n".join(head) + "\n"
        lines = head + ["", "Problems (row = the row number in the file; fix them and send the file again):"]
        for f in self.findings.itertuples(index=False):
            lines.append(f"- {f.message}")
        return "\n".join(lines) + "\n"


def _rule_name(check: str, column: str | None) -> str:
    """pandera's check label -> our stable rule name."""
    check = str(check)
    if check.startswith("isin("):
        return f"{column}_in_code_list"
    if check.startswith("str_matches("):
        return f"{column}_format"
    if check.startswith("greater_than_or_equal_to("):
        return "not_negative"
    if check.startswith(("coerce_dtype(", "dtype(")):
        return "is_a_number"
    if check == "not_nullable":
        return "required_value"
    if check == "column_in_dataframe":
        return "required_column"
    if check == "column_in_schema":
        return "unknown_column"
    if check in ("multiple_fields_uniqueness", "field_uniqueness", "duplicates"):
        return "unique_cell"
    return check


RULE_TEXT_EXTRA = {
    "not_negative": "the number cannot be negative",
    "is_a_number": "the cell must be a number",
    "required_value": "the cell cannot be empty",
    "required_column": "a required column is missing",
    "unknown_column": "the column is not part of the template (allowed: see docs/submissions.md)",
    "unique_cell": "the same cell (" + ", ".join(KEY) + ") is given more than once",
    "formula_without_value": "the cell holds a formula saved without its result: save the file in Excel, or type "
                             "the value",
    "row_width": "the row has more cells than the header (a separator inside a number or a text must be quoted)",
    "number_format": "a number that could be read two ways, or not written as a plain number (docs/submissions.md, "
                     "Formats)",
}


def _explain(rule: str, kind: Kind) -> str:
    if rule.endswith("_in_code_list"):
        col = rule[: -len("_in_code_list")]
        lst = {"department": "departments", "district": "districts", "group": "groups", "sex": "sexes"}.get(col)
        allowed = f": {', '.join(codes(lst))}" if lst else ""
        return f"'{col}' must be a code from the {lst or col} code list{allowed}"
    if rule in RULE_TEXT_EXTRA:
        return RULE_TEXT_EXTRA[rule]
    if rule.endswith("_format"):
        col = rule[: -len("_format")]
        fmt = {"round": "YYYY-05 or YYYY-11", "reference_period": "YYYY-MM or YYYY",
               "indicator": "a code such as EMP-M"}.get(col, "the template's format")
        return f"'{col}' must have the format {fmt}"
    return kind.rule_text.get(rule) or RULE_TEXT_EXTRA.get(rule) or rule


def _findings(file: str, cases: pd.DataFrame, data: pd.DataFrame, kind: Kind) -> pd.DataFrame:
    out = []
    for case in cases.itertuples(index=False):
        rule = _rule_name(case.check, case.column if case.schema_context == "Column" else None)
        if case.schema_context == "Column":
            column, value = case.column, case.failure_case
        elif rule in ("required_column", "unknown_column"):
            column, value = case.failure_case, None
        elif rule == "unique_cell":
            column, value = kind.columns[2], None  # the first key column after department and round
        else:
            column = kind.rule_columns.get(rule, case.column)
            value = None
        row = None if pd.isna(case.index) else int(case.index)
        if value is None and row is not None and column in data.columns:
            value = data.at[row, column]
        out.append({"file": file, "row": row, "column": column, "rule": rule, "value": value})
    if not out:
        return pd.DataFrame(columns=FINDING_COLUMNS)
    df = pd.DataFrame(out).drop_duplicates(subset=["row", "column", "rule"])
    df["row"] = df["row"].astype("Int64")
    df = df.sort_values(["row", "column", "rule"], na_position="first", kind="stable")

    df["message"] = df.apply(lambda r: _message(r, kind), axis=1)
    return df[FINDING_COLUMNS].reset_index(drop=True)


def _message(r, kind: Kind) -> str:
    label = LABELS_DA.get(r["column"]) if kind.name == "indicators" else None
    column = f"'{r['column']}'" + (f" ({label})" if label and label != r["column"] else "")
    has_column = r["column"] is not None and not (isinstance(r["column"], float) and pd.isna(r["column"]))
    where = (f"{r['file']}" + (f", row {r['row']}" if pd.notna(r["row"]) else "")
             + (f", column {column}" if has_column else ""))
    val = "" if r["value"] is None or (isinstance(r["value"], float) and pd.isna(r["value"])) else f": {r['value']!r}"
    return f"{where}{val} — rule {r['rule']}: {_explain(r['rule'], kind)}"




def _explain_completeness(found: pd.DataFrame, typed: pd.DataFrame, dropped: pd.DataFrame, kind: Kind) -> pd.DataFrame:
    """An incomplete district series names the districts it misses. When a row of that cell was
    itself rejected (an unknown district code, a text in a number column), the gap is only a knock-on
    of that row's finding, which already names it: it is not reported twice."""
    if "rule" not in found or not (found["rule"] == "all_districts_present").any():
        return found
    if not set(COMPLETENESS_CELL) <= set(typed.columns):
        return found
    bad_cells = set(map(tuple, dropped[COMPLETENESS_CELL].astype(str).values)) if len(dropped) else set()
    districts = [d for d in codes("districts") if d != CITY]
    keep = []
    for i, r in found.iterrows():
        if r["rule"] != "all_districts_present" or r["row"] not in typed.index:
            keep.append(i)
            continue
        cell = tuple(str(typed.at[r["row"], c]) for c in COMPLETENESS_CELL)
        if cell in bad_cells:
            continue
        same = typed[(typed[COMPLETENESS_CELL].astype(str) == list(cell)).all(axis=1) & (typed["district"] != CITY)]
        covered = district_coverage(same)
        have = {k[-1] for k, ok in covered.items() if ok}
        missing = [d for d in districts if d not in have]
        found.at[i, "value"] = "missing: " + ", ".join(missing)
        found.at[i, "message"] = _message(found.loc[i], kind)
        keep.append(i)
    return found.loc[keep]


def _without_knock_on(cases: pd.DataFrame) -> pd.DataFrame:
    """Drop the checks that crashed only because a column failed to coerce (a text in a number
    column): the coercion failure itself already names each offending row."""
    crashed = cases["index"].isna() & cases["failure_case"].astype(str).str.match(r"^\w+Error\(")
    return cases[~crashed]


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def validate_file(path: Path, catalog: Catalog, department: str | None = None, round_key: str | None = None,
                  kind: str | None = None) -> ValidationResult:
    """Validate one file exactly as the pipeline does. Department, round and kind (indicators,
    areas, dwellings) default to the ones in the file name; `barometer check` may pass them."""
    path = Path(path)
    name = parse_file_name(path.name)
    department = department or (name.department if name else None)
    round_key = round_key or (name.round if name else None)
    spec = KINDS[kind or (name.kind if name else "indicators")]
    result = ValidationResult(path, department, round_key, sha256_of(path), rows=None, kind=spec.name)
    if department is None or round_key is None:
        result.findings = pd.DataFrame([{
            "file": path.name, "row": None, "column": None, "rule": "file_name",
            "value": path.name,
            "message": f"{path.name}: the file name must be <DEPT>_<YYYY-MM>.csv or .xlsx (e.g. BIF_2009-05.csv)",
        }], columns=FINDING_COLUMNS)
        return result
    try:
        data = read_submission(path, spec)
    except ReadError as e:
        result.findings = pd.DataFrame([{
            "file": path.name, "row": e.row, "column": e.column, "rule": e.rule, "value": None,
            "message": f"{e} — rule {e.rule}",
        }], columns=FINDING_COLUMNS)
        return result
    result.n_rows = len(data)

    findings = []
    dropped = data.iloc[0:0]  # rows kept out of the context rules, as their own findings name them
    problems = data.attrs.get("problems") or []
    if problems:  # ambiguous numbers: reported, and their rows kept out of the schema checks
        findings.append(pd.DataFrame(problems, columns=FINDING_COLUMNS))
        dropped = data.loc[sorted({p["row"] for p in problems})]
        data = data.drop(index=dropped.index)
    try:
        typed = spec.row_schema().validate(data, lazy=True)
    except pa.errors.SchemaErrors as e:
        cases = _without_knock_on(e.failure_cases)
        findings.append(_findings(path.name, cases, data, spec))
        bad_rows = set(cases["index"].dropna().astype(int))
        structural = cases["index"].isna().any()
        typed = None
        if not structural:  # columns are right: check the context rules on the rows that typed cleanly
            dropped = pd.concat([dropped, data.loc[[r for r in bad_rows if r in data.index]]])
            clean = data.drop(index=[r for r in bad_rows if r in data.index])
            typed = spec.row_schema().validate(clean, lazy=False) if len(clean) else None
    if typed is not None and len(typed):
        try:
            spec.context_schema(catalog, department, round_key).validate(typed, lazy=True)
        except pa.errors.SchemaErrors as e:
            findings.append(_explain_completeness(_findings(path.name, e.failure_cases, data, spec),
                                                  typed, dropped, spec))
    result.findings = (
        pd.concat(findings, ignore_index=True).sort_values(["row", "column"], na_position="first", kind="stable")
        .reset_index(drop=True) if findings else pd.DataFrame(columns=FINDING_COLUMNS)
    )
    if result.findings.empty:
        result.rows = typed
    return result


def validate_bytes(name: str, data: bytes, catalog: Catalog, department: str | None = None,
                   round_key: str | None = None, kind: str | None = None) -> ValidationResult:
    """Validate a file's bytes, already read (once) into memory, under the name it arrived with."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / (Path(name).name or "unnamed")
        path.write_bytes(data)
        result = validate_file(path, catalog, department, round_key, kind)
    result.path = Path(name)
    return result
