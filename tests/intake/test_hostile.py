"""Hostile files end in findings, never in an exception; findings are capped per rule; the bytes
API validates what is in memory; the corpus messages say what is accepted. (Sizes here are
reduced but still past every limit; tools/bench_hostile.py runs the full sizes and times them.)"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import zipfile

import pytest
from conftest import FIXTURES

from assets.intake import dropfolder, validation
from assets.intake.findings import MAX_LISTED_PER_RULE, suggest
from assets.intake.reader_base import MAX_COLUMNS, MAX_ROWS
from assets.intake.reader_xlsx import MAX_XLSX_ELEMENTS
from assets.intake.validation import validate_bytes, validate_file
from tests.fixtures.make_bad_corpus import BASE, HEADER, to_csv

# the reports in English: these tests assert the English texts (the Danish default: tests/test_messages.py)
pytestmark = pytest.mark.usefixtures("english_reports")

NAME = "BIF_2009-05.csv"
GOOD = (FIXTURES / "good" / "BIF_2009-05.csv").read_bytes()
with open(FIXTURES / "bad" / "expected.csv", encoding="utf-8") as _f:
    EXPECTED = list(csv.DictReader(_f))


def check(data: bytes, catalog, name: str = NAME):
    result = validate_bytes(name, data, catalog, department="BIF", round_key="2009-05")
    assert not result.accepted
    assert len(result.findings) and result.findings.message.map(bool).all()
    return result


def rules(result) -> set[str]:
    return set(result.findings.rule)


def test_validate_bytes_is_the_file_validated_from_memory(catalog, tmp_path):
    result = validate_bytes(NAME, GOOD, catalog)
    assert result.accepted and result.n_rows == 22
    assert result.sha256 == hashlib.sha256(GOOD).hexdigest()
    assert result.path.name == NAME and (result.department, result.round) == ("BIF", "2009-05")
    path = tmp_path / NAME
    path.write_bytes(GOOD)
    from_file = validate_file(path, catalog)
    assert from_file.accepted and from_file.sha256 == result.sha256
    assert from_file.rows.equals(result.rows)


def test_a_link_is_a_finding_not_an_exception(catalog, tmp_path):
    target = tmp_path / "real.csv"
    target.write_bytes(GOOD)
    link = tmp_path / NAME
    link.symlink_to(target)
    result = validate_file(link, catalog)
    assert not result.accepted and list(result.findings.rule) == ["not_a_regular_file"]


def test_one_byte_over_the_limit_is_refused_unparsed(catalog):
    result = check(b"x" * (dropfolder.MAX_FILE_BYTES + 1), catalog)
    assert list(result.findings.rule) == ["file_too_large"]


def test_an_unforeseen_error_is_a_readable_file_finding(catalog, monkeypatch):
    def broken(*args, **kwargs):
        raise RecursionError("deep")

    monkeypatch.setattr(validation, "read_submission_bytes", broken)
    monkeypatch.setattr(validation, "validate_plain", broken)  # the clean file's path falls back to the careful one
    result = check(GOOD, catalog)
    assert list(result.findings.rule) == ["readable_file"] and "RecursionError" in result.findings.message[0]


@pytest.mark.parametrize("data, rule", [
    ((",".join(f"c{i}" for i in range(200_000)) + "\n").encode(), "too_many_columns"),
    ((",".join(HEADER + [f"x{i}" for i in range(MAX_COLUMNS)]) + "\n" + "BIF\n").encode(), "too_many_columns"),
    (("," * 2_000_000).encode(), "header_names"),
    ((",".join(HEADER) + "\n" + "\n" * (MAX_ROWS + 5)).encode(), "too_many_rows"),
    ((",".join(HEADER) + "\n" + "x\r" * (MAX_ROWS + 5)).encode(), "too_many_rows"),
    (b"\0" * 100_000, "encoding"),
    (GOOD.replace(b",,,\n", b",,\0,\n"), "encoding"),
    ("\ufeffdepartment;round\n".encode("utf-16"), "encoding"),
    (b"a" * 1_000_000, "csv_separator"),
    ((",".join(HEADER) + "\n\"" + to_csv(HEADER, BASE * 50).split("\n", 1)[1]).encode(), "unclosed_quote"),
])
def test_hostile_csv_shapes_end_in_the_rule_that_names_them(data, rule, catalog):
    assert rule in rules(check(data, catalog))


def test_huge_cells_and_rows_are_judged_and_quoted_short(catalog):
    huge_note = to_csv(HEADER, [r[:-1] + ["x" * 2_000_000] if i == 0 else r for i, r in enumerate(BASE)])
    assert validate_bytes(NAME, huge_note.encode(), catalog, "BIF", "2009-05").accepted  # a long note is a note
    result = check(to_csv(HEADER, [BASE[0][:4] + ["Nørrebro" * 100_000] + BASE[0][5:]] + BASE[1:]).encode(), catalog)
    assert "district_in_code_list" in rules(result)
    assert max(result.findings.message.str.len()) < 1000 and max(result.findings.value.astype(str).str.len()) < 300
    wide_row = check((",".join(HEADER) + "\n" + "," * 2_000_000 + "\n").encode(), catalog)
    assert rules(wide_row) >= {"row_width"}


def test_findings_are_capped_per_rule_with_a_line_for_the_rest(catalog):
    rows = [["BIF", "2009-05", "EMP-M", "2009-02", "XYZ", f"U{i}", "IMM", "F", "1", "2", "", "", ""]
            for i in range(5000)]
    result = check(to_csv(HEADER, rows).encode(), catalog)
    f = result.findings
    listed = f[(f.rule == "district_in_code_list") & f.row.notna()]
    assert len(listed) == MAX_LISTED_PER_RULE
    assert list(listed.row) == list(range(2, 2 + MAX_LISTED_PER_RULE))  # the first rows of the file
    more = f[(f.rule == "district_in_code_list") & f.row.isna()]
    assert len(more) == 1 and "4,980 more of rule district_in_code_list" in more.message.iloc[0]
    assert result.omitted["district_in_code_list"] == 4980
    assert result.n_problems == 5000 and "5,000 problem(s)" in result.report_text()
    assert result.findings.iloc[-1].row is None or result.findings.row.isna().iloc[-1]  # "more" lines come last
    assert "(+4999 more)" in result.summary()


def test_every_row_too_wide_is_reported_and_the_other_rows_still_checked(catalog):
    rows = [r[:] for r in BASE]
    text = to_csv(HEADER, rows).replace(",1000,1700,", ",40403,28,1700,").replace(",IMM,F,1010,", ",IMM,X,1010,")
    result = check(text.encode(), catalog)
    assert "sex_in_code_list" in rules(result)  # not hidden behind the first row_width
    width = result.findings[result.findings.rule == "row_width"]
    assert len(width) == 1 and "write 40403.28 (a decimal point)" in width.message.iloc[0]


def _xlsx(sheet_rows: str) -> bytes:
    from tools.bench_hostile import _xlsx as make

    return make([sheet_rows])


def test_hostile_xlsx_shapes(catalog):
    from tools.bench_hostile import _row

    header = _row(1, HEADER)
    far = _xlsx(header + _row(2, BASE[0][:8]) + '<row r="3"><c r="XFD3"><v>1</v></c></row>')
    assert "too_many_columns" in rules(check(far, catalog, "BIF_2009-05.xlsx"))
    n = MAX_XLSX_ELEMENTS // 3 + 10
    many = _xlsx(header + "".join(f'<row r="{r}"><c r="A{r}"><v>1</v></c></row>' for r in range(2, n)))
    assert "xlsx_too_large" in rules(check(many, catalog, "BIF_2009-05.xlsx"))
    gap = _xlsx(header + '<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>BIF</t></is></c></row>')
    assert rules(check(gap, catalog, "BIF_2009-05.xlsx")) <= {"required_value", "round_format", "indicator_format",
                                                              "reference_period_format", "district_in_code_list",
                                                              "group_in_code_list", "sex_in_code_list"}
    rows = "".join(_row(r, BASE[0][:8] + ["=1+1", "2"]) for r in range(2, 5))
    formula = check(_xlsx(header + rows), catalog, "BIF_2009-05.xlsx")
    assert list(formula.findings.rule) == ["formula_without_value"] and list(formula.findings.row) == [2]
    junk = check(os.urandom(4096), catalog, "BIF_2009-05.xlsx")
    assert list(junk.findings.rule) == ["readable_file"]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
    assert list(check(buf.getvalue(), catalog, "BIF_2009-05.xlsx").findings.rule) == ["readable_file"]


@pytest.mark.parametrize("case", [c for c in EXPECTED if c.get("message_has")], ids=lambda c: c["file"])
def test_corpus_messages_say_what_is_accepted(case, catalog):
    result = validate_file(FIXTURES / "bad" / case["file"], catalog, department="BIF", round_key="2009-05")
    hit = result.findings[result.findings.rule == case["rule"]]
    assert any(case["message_has"] in m for m in hit.message), hit.message.tolist()


def test_a_refused_gap_row_does_not_blame_its_partner(catalog):
    result = validate_file(FIXTURES / "bad" / "gap_partner_refused.csv", catalog, "BIF", "2009-05")
    assert list(result.findings.rule) == ["is_a_number"]


def test_a_bad_row_and_a_separate_bad_row_are_both_reported(catalog):
    result = validate_file(FIXTURES / "bad" / "unquoted_decimal_comma.csv", catalog, "BIF", "2009-05")
    assert set(result.findings.rule) == {"row_width", "district_in_code_list"}


@pytest.mark.parametrize("column, value, code", [
    ("district", "Nørrebro", "NOR"), ("district", "norrebro", "NOR"), ("district", "Noerrebro", "NOR"),
    ("district", "nor", "NOR"), ("district", "Østerbro", "OST"), ("district", "Vesterbro", "VES"),
    ("district", "Brønshøj", "BRH"), ("department", "bif", "BIF"), ("department", "ØKF", "OKF"),
    ("sex", "Kvinder", "F"), ("sex", "women", "F"), ("group", "Etniske danskere", "DAN"),
])
def test_did_you_mean(column, value, code):
    assert suggest(column, value).startswith(f"did you mean {code}")


@pytest.mark.parametrize("column, value", [("district", "Amager"), ("district", "XYZ"), ("district", "x" * 100),
                                           ("sex", "")])
def test_no_guess_where_none_is_clear(column, value):
    assert suggest(column, value) is None


@pytest.mark.parametrize("number", ["9" * 400, "1" + "0" * 16, "-" + "9" * 30])
def test_a_number_of_more_digits_than_a_double_holds_is_refused(catalog, number):
    lines = GOOD.decode("utf-8-sig").splitlines()
    header = lines[0].split(",")
    cells = lines[1].split(",")
    cells[header.index("numerator")] = number
    result = check(("\n".join([lines[0], ",".join(cells), *lines[2:]]) + "\n").encode(), catalog)
    assert not result.accepted
    assert "number_format" in rules(result)
    assert any("more than 15 digits" in m for m in result.findings["message"])


def test_a_comma_in_an_unquoted_note_is_blamed_on_the_note_not_on_the_counts(catalog):
    """Every row has numerator and denominator side by side: two whole numbers next to each other
    are not a number split at its comma unless joining them is what makes the row fit."""
    lines = GOOD.decode("utf-8-sig").splitlines()
    header = lines[0].split(",")
    cells = lines[1].split(",")
    cells[header.index("note")] = "rettet, se mail"
    result = check(("\n".join([lines[0], ",".join(cells), *lines[2:]]) + "\n").encode(), catalog)
    message = " ".join(result.findings.loc[result.findings["rule"] == "row_width", "message"])
    assert "column 'note' holds a comma" in message and "split at its comma" not in message
