"""Each validation rule is one record (schemas/rules/submission_rules.yaml): the pandera checks are
built from the records and named after them, a failure of every kind of check is reported under
its record's name with its column and both messages (Danish first), and a broken rule file is
refused with an error naming the file and the rule."""

from __future__ import annotations

import re

import pytest
import yaml

from assets.intake.validation import validate_bytes
from core.i18n import use_language
from schemas.kinds import KINDS
from schemas.rule_set import RULES_PATH, Frame, RuleSetError, load_rules
from tests.fixtures.make_bad_corpus import BASE, HEADER, rows_with, to_csv

# the reports in English: these tests assert the English texts (the Danish default: tests/test_messages.py)
pytestmark = pytest.mark.usefixtures("english_reports")

NAME = "BIF_2009-05.csv"


def _without(column: str) -> str:
    i = HEADER.index(column)
    return to_csv(HEADER[:i] + HEADER[i + 1:], [r[:i] + r[i + 1:] for r in BASE])


# One failing indicator file per kind of check: (check kind, rule, row, column, the file's text)
CASES = [
    ("isin", "district_in_code_list", 6, "district", to_csv(HEADER, rows_with(6, "district", "XYZ"))),
    ("matches", "round_format", 3, "round", to_csv(HEADER, rows_with(3, "round", "2009-5"))),
    ("at_least", "not_negative", 3, "denominator", to_csv(HEADER, rows_with(3, "denominator", "-5"))),
    ("unique", "unique_cell", 2, "indicator", to_csv(HEADER, BASE + [BASE[0]])),
    ("pandera", "required_column", None, "sex", _without("sex")),
    ("pandera", "unknown_column", None, "kommentar",
     to_csv(HEADER + ["kommentar"], [r + ["x"] for r in BASE])),
    ("pandera", "is_a_number", 5, "numerator", to_csv(HEADER, rows_with(5, "numerator", "mange"))),
    ("pandera", "required_value", 4, "group", to_csv(HEADER, rows_with(4, "group", ""))),
    ("frame", "department_matches_file", 2, "department", to_csv(HEADER, rows_with(2, "department", "BUF"))),
    ("frame", "numerator_at_most_denominator", 2, "numerator", to_csv(HEADER, rows_with(2, "numerator", "601"))),
    ("reader", "row_width", 4, None, to_csv(HEADER, rows_with(4, "note", "a")).replace(",a\n", ",a,b\n")),
]


@pytest.mark.parametrize("kind, rule, row, column, text", CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_a_failure_of_each_kind_of_check_is_reported_under_its_record(kind, rule, row, column, text, catalog):
    record = KINDS["indicators"].rules[rule]
    assert record.check.kind == kind
    result = validate_bytes(NAME, text.encode(), catalog, department="BIF", round_key="2009-05")
    hit = result.findings[result.findings["rule"] == rule]
    assert len(hit), result.report_text()
    first = hit.iloc[0]
    if row is not None:
        assert first["row"] == row
    assert first["column"] == column
    if record.columns and kind != "frame":
        assert column in record.columns  # the column-level check was built for this column
    elif record.column:
        assert column == record.column   # a rule on the whole file names its record's column
    da, en = record.texts()
    # the report's message (the reader writes its own, longer one in English; the tracker's short
    # form is the record's), in one language: English here, Danish by default
    message = first["message"] if kind != "reader" else result.first_problem()
    assert f"rule {rule}: {en}" in message and da not in message
    with use_language("da"):
        danish = validate_bytes(NAME, text.encode(), catalog, department="BIF", round_key="2009-05")
        hit = danish.findings[danish.findings["rule"] == rule].iloc[0]
        assert f"regel {rule}: {da}" in hit["message"] and en not in hit["message"]
        assert f"{NAME}, række {row}" in hit["message"] if row is not None else True


def test_an_area_file_is_judged_by_the_housing_records(catalog):
    header = ["department", "round", "area_id", "area_name", "district", "reference_period", "residents",
              "residents_18_64", "outside_labour_market", "family_dwellings"]
    rows = [["TMF", "2010-05", "XONE", "X one", "VAL", "2010-01", "30", "40", "3", "10"],
            ["TMF", "2010-05", "XTWO", "X two", "KBH", "2010-01", "30", "15", "3", "10"]]
    result = validate_bytes("TMF_2010-05_areas.csv", to_csv(header, rows).encode(), catalog)
    rules = KINDS["areas"].rules
    found = {r.rule: r for r in result.findings.itertuples()}
    assert set(found) == {"district_in_code_list", "working_age_at_most_residents"}
    district = rules["district_in_code_list"]
    assert "KBH" not in district.check.allowed()  # an area lies in a district, never the whole city
    assert district.texts()[1] in found["district_in_code_list"].message
    working_age = rules["working_age_at_most_residents"]
    assert found["working_age_at_most_residents"].column == working_age.column == "residents_18_64"
    assert working_age.texts()[1] in found["working_age_at_most_residents"].message  # English only here
    assert working_age.texts()[0] not in found["working_age_at_most_residents"].message


def _checks(kind: str, catalog) -> list:
    spec = KINDS[kind]
    department = {"indicators": "BIF", "areas": "TMF", "dwellings": "TMF", "efforts": "SOF", "projects": "BIF"}[kind]
    schema = spec.row_schema()
    checks = [c for col in schema.columns.values() for c in col.checks] + list(schema.checks)
    return checks + list(spec.context_schema(catalog, department, "2009-05").checks)


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_check_is_built_from_a_record_and_every_record_is_checked(kind, catalog):
    rules = KINDS[kind].rules
    checks = _checks(kind, catalog)
    for c in checks:
        assert c.name == c.error and c.name in rules.rules, f"{kind}: check {c.name!r} has no record"
    checked = {c.name for c in checks}
    runnable = {r.name for r in rules if r.check.kind in ("isin", "matches", "at_least", "unique", "frame")}
    assert checked == runnable
    column_checks = {(col, c.name) for col, column in KINDS[kind].row_schema().columns.items() for c in column.checks}
    assert column_checks == {(col, r.name) for r in rules if r.check.kind in ("isin", "matches", "at_least")
                             for col in r.columns}
    for r in rules:  # every rule a report names is about a column of this kind of file
        assert set(r.columns) <= set(KINDS[kind].columns), (kind, r.name)


# pandera's wording of its checks, as a string in code: "isin(", 'not_nullable', ...
PANDERA_LABEL = re.compile(r"""["'](isin|str_matches|greater_than_or_equal_to|coerce_dtype|dtype)\(|"""
                           r"""["'](not_nullable|column_in_schema|column_in_dataframe)["']""")


def test_no_rule_is_recognised_by_pandera_s_wording_of_a_check():
    from pathlib import Path

    intake = Path(__file__).resolve().parents[2] / "assets" / "intake"
    for module in ("findings.py", "validation.py", "prescreen.py"):
        assert not PANDERA_LABEL.search((intake / module).read_text(encoding="utf-8")), module
    assert PANDERA_LABEL.search("""if check.startswith("isin("):""")  # what it would find


# ---------------------------------------------------------------- a broken rule file is refused

def _write(tmp_path, edit) -> object:
    data = yaml.safe_load(RULES_PATH.read_text(encoding="utf-8"))
    edit(data["rules"])
    path = tmp_path / "submission_rules.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _record(rules: list[dict], name: str) -> dict:
    return next(r for r in rules if r["name"] == name)


@pytest.mark.parametrize("edit, error", [
    (lambda rs: _record(rs, "round_format").update(colour="red"),
     r"rule \d+ \(round_format\), field colour: Extra inputs are not permitted"),
    (lambda rs: _record(rs, "sex_total_or_split").pop("message_da"),
     r"rule \d+ \(sex_total_or_split\), field message_da: Field required"),
    (lambda rs: _record(rs, "sex_total_or_split").update(message_en=""),
     r"rule \d+ \(sex_total_or_split\), field message_en: String should have at least 1 character"),
    (lambda rs: rs.append(dict(_record(rs, "sex_total_or_split"))),
     r"rule \d+ \(sex_total_or_split\): defined twice for indicators files \(also rule \d+\)"),
    (lambda rs: _record(rs, "round_format").update(message_da="runden {rund}"),
     r"rule \d+ \(round_format\).*message_da quotes unknown fields \['rund'\]"),
    (lambda rs: _record(rs, "group_in_code_list")["check"].update(code_list="grupper"),
     r"rule \d+ \(group_in_code_list\), field check.isin: .*unknown code list 'grupper'"),
    (lambda rs: _record(rs, "is_a_number")["check"].update(reasons=["NOT_A_NUMBER"]),
     r"rule \d+ \(is_a_number\), field check.pandera.reasons: .*unknown pandera reasons"),
    (lambda rs: _record(rs, "round_format")["check"].update(kind="regex"),
     r"rule \d+ \(round_format\), field check: Input tag 'regex'"),
])
def test_a_broken_rule_file_is_refused_naming_the_file_and_the_rule(tmp_path, edit, error):
    path = _write(tmp_path, edit)
    with pytest.raises(RuleSetError, match=error) as e:
        load_rules(path)
    assert str(path) in str(e.value)


def test_a_schema_rule_without_a_record_is_refused():
    with pytest.raises(RuleSetError, match="no record"):
        KINDS["indicators"].rules.check("no_such_rule", lambda df: df["sex"].notna())
    assert isinstance(KINDS["indicators"].rules["sex_total_or_split"].check, Frame)
