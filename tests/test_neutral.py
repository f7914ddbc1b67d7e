"""What the project writes out never carries a department's text live: no CSV or XLSX cell starts
with a formula trigger (OWASP, CSV injection), and no file name or cell reaches a terminal or a
text report with a control character, a line break or a bidirectional override in it."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest
from conftest import FIXTURES

from assets.intake import templates
from assets.intake.neutral import PLAIN_NUMBER, csv_cell, terminal
from assets.intake.reports import safe_name, write_report
from assets.intake.validation import validate_file
from core.settings import catalog_path
from schemas.catalog import load_catalog
from schemas.code_lists import department_codes

CATALOG = load_catalog(catalog_path())
TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\0", "\uff1d", "\uff0b", "\uff0d", "\uff20")
PAYLOADS = ['=HYPERLINK("http://x","y")', "=cmd|' /C calc'!A0", "@SUM(1+1)", "+1+1", "-1+cmd|x", "\t=1", "\r=1",
            " =1+1", "\uff1dSUM(1)"]


def live(cell) -> bool:
    """A cell a spreadsheet could run as a formula: a text starting (after blanks) with a trigger,
    unless it is a plain decimal number."""
    if not isinstance(cell, str) or not cell:
        return False
    if cell.startswith(TRIGGERS) or cell.lstrip(" \u00a0").startswith(TRIGGERS):
        return not PLAIN_NUMBER.match(cell)
    return False


# ------------------------------------------------------------------------------------- csv_cell
@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_formula_becomes_text(payload):
    out = csv_cell(payload)
    assert out == "'" + payload and not live(out)


@pytest.mark.parametrize("number", ["-5", "-1.5", "+3", "-0,5", "0", "12", "-.5"])
def test_a_plain_number_stays_a_number(number):
    assert csv_cell(number) == number


@pytest.mark.parametrize("value", [-5, -1.5, 3, 0.0, True])
def test_numbers_are_left_alone(value):
    assert csv_cell(value) is value


@pytest.mark.parametrize("text", ["-", "--5", "-5 ", " -5", "-1e5", "-1+1", "+", "@"])
def test_anything_else_starting_with_a_trigger_is_quoted(text):
    assert csv_cell(text) == "'" + text


def test_empty_and_missing():
    import pandas as pd

    assert csv_cell(None) is None and csv_cell(float("nan")) is None and csv_cell(pd.NA) is None
    assert csv_cell("") == "" and csv_cell("BIF") == "BIF"


# ------------------------------------------------------------------------------------- terminal
@pytest.mark.parametrize("raw, shown", [
    ("BIF\x1b[31m_2009-05.csv", "BIF\\x1b[31m_2009-05.csv"),
    ("a\nINJECTED LINE.csv: not a submission", "a\\nINJECTED LINE.csv: not a submission"),
    ("x\r\ty", "x\\r\\ty"),
    ("BIF_2009-05\u202evsc.xlsx", "BIF_2009-05\\u202evsc.xlsx"),
    ("\u2066x\u2069\u202a\u202d", "\\u2066x\\u2069\\u202a\\u202d"),
    ("del\x7f c1\x9b nel\x85 nul\x00", "del\\x7f c1\\x9b nel\\x85 nul\\x00"),
    ("line\u2028sep", "line\\u2028sep"),
    ("Økonomiforvaltningen – æøå “ok”", "Økonomiforvaltningen – æøå “ok”"),
])
def test_terminal_shows_controls_escaped(raw, shown):
    assert terminal(raw) == shown
    assert "\n" not in terminal(raw) and "\x1b" not in terminal(raw)


def test_terminal_keeps_the_projects_own_line_breaks_when_asked():
    assert terminal("step failed:\nreason \x1b[2J", keep_newlines=True) == "step failed:\nreason \\x1b[2J"
    assert terminal(None) == "" and terminal(Path("raw/x")) == "raw/x"


# ------------------------------------------------------------------ the validation report on disk
HEADER = ["department", "round", "indicator", "reference_period", "district", "group", "sex", "numerator",
          "denominator", "note"]


def _write(path: Path, cells: list[tuple[str, str]]) -> Path:
    """BIF's valid file with cells[i] = (column, value) put into its i-th data row, and a formula
    in every changed row's note (free text: kept, never quoted by a rule)."""
    with open(FIXTURES / "good" / "BIF_2009-05.csv", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    col = {c: header.index(c) for c in header}
    for i, (column, value) in enumerate(cells):
        body[i][col[column]] = value
        body[i][col["note"]] = "=cmd|' /C calc'!A0"
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([header, *body])
    return path


def _hostile_file(path: Path) -> Path:
    """The payloads in cells every rule quotes: numbers, codes, department."""
    return _write(path, [("numerator", p) for p in PAYLOADS] + [
        ("department", "@SUM(1+1)"), ("district", "-1+cmd|x"), ("group", '=HYPERLINK("http://x","y")'),
        ("sex", "\r=1"), ("denominator", "\t=1")])


def _negative_file(path: Path) -> Path:
    """Plain negative numbers (rule not_negative): quoted in the report as the numbers they are.
    (A separate file: a text and a negative number in the same column make the validation itself
    fail; reported to the validation's owner.)"""
    return _write(path, [("numerator", "-5"), ("denominator", "-1.5"), ("numerator", "-12")])


def test_report_csv_has_no_live_formula(tmp_path):
    src = _hostile_file(tmp_path / "BIF_2009-05.csv")
    result = validate_file(src, CATALOG, "BIF", "2009-05")
    assert not result.accepted
    txt = write_report(result, tmp_path / "reports", "2009-05")
    with open(txt.with_suffix(".csv"), encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["file", "row", "column", "rule", "value", "message"]
    bad = [(r, c) for r in rows for c in r if live(c)]
    assert not bad, bad
    values = {r[4] for r in rows[1:]}
    # the payloads really were quoted (neutralised)
    for payload in ("=cmd|' /C calc'!A0", "@SUM(1+1)", "+1+1", "-1+cmd|x", '=HYPERLINK("http://x","y")'):
        assert "'" + payload in values, (payload, values)
    assert {r[3] for r in rows[1:]} >= {"is_a_number", "department_in_code_list", "district_in_code_list"}
    # the findings in memory are not altered: the neutralising is done on the way out
    assert "=cmd|' /C calc'!A0" in set(result.findings["value"].astype(str))


def test_plain_negative_numbers_stay_numbers_in_the_report(tmp_path):
    result = validate_file(_negative_file(tmp_path / "BIF_2009-05.csv"), CATALOG, "BIF", "2009-05")
    txt = write_report(result, tmp_path / "reports", "2009-05")
    with open(txt.with_suffix(".csv"), encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    negative = [r for r in rows[1:] if r[3] == "not_negative"]
    assert {r[4] for r in negative} == {"-5", "-1.5", "-12"}  # as written in the file
    assert all(float(r[4]) < 0 for r in negative)  # read back as numbers
    assert all(not live(c) for r in rows for c in r)


def test_report_of_a_file_named_like_a_formula(tmp_path):
    """The file column and the message start with the file name: neutralised too, and the text
    report shows a name with escapes and line breaks on one line."""
    name = "=HYPERLINK(\"http-x\",\"y\")\x1b[31m\nINJECTED LINE.csv"
    src = tmp_path / name
    src.write_bytes(_hostile_file(tmp_path / "BIF_2009-05.csv").read_bytes())
    result = validate_file(src, CATALOG, "BIF", "2009-05")
    txt = write_report(result, tmp_path / "reports", "2009-05")
    assert txt.parent == tmp_path / "reports" / "2009-05" and txt.name == safe_name(name) + ".txt"
    with open(txt.with_suffix(".csv"), encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    assert all(not live(c) for r in rows for c in r)
    assert rows[1][0] == "'" + name  # the CSV keeps the name as it is, only made inert
    text = txt.read_text(encoding="utf-8")
    assert "\x1b" not in text and "\r" not in text
    assert not any(line.startswith("INJECTED LINE") for line in text.splitlines())
    assert "\\x1b[31m\\nINJECTED LINE.csv" in text


def test_report_text_of_hostile_cells_is_one_line_per_problem(tmp_path):
    src = _hostile_file(tmp_path / "BIF_2009-05.csv")
    result = validate_file(src, CATALOG, "BIF", "2009-05")
    text = write_report(result, tmp_path / "reports", "2009-05").read_text(encoding="utf-8")
    problems = [line for line in text.splitlines() if line.startswith("- ")]
    assert len(problems) == len(result.findings)
    assert all(ord(ch) >= 32 for line in text.splitlines() for ch in line)


# -------------------------------------------------------------------------------- the templates
@pytest.mark.parametrize("department", [d for d in department_codes() if CATALOG.series_of(d)])
def test_template_cells_are_never_formulas(department, tmp_path):
    path = templates.make_template(CATALOG, department, "2009-05", tmp_path / f"{department}_2009-05.xlsx")
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                assert not live(cell.value), (ws.title, cell.coordinate, cell.value)


def test_template_neutralises_a_label_that_looks_like_a_formula(tmp_path, monkeypatch):
    """Catalog, message-catalog and code-list texts are the data team's, but an edit that starts a
    label with '=' still cannot put a formula into every department's template."""
    from core.i18n import messages

    danish = messages("da")  # the cached catalog the template reads its labels from (core/messages/da.yml)
    monkeypatch.setitem(danish, "template.label.note", "=HYPERLINK(\"http://x\",\"y\")")
    monkeypatch.setitem(danish, "template.label.sd", "-spredning")
    path = templates.make_template(CATALOG, "BUF", "2009-05", tmp_path / "BUF_2009-05.xlsx")
    ws = openpyxl.load_workbook(path)[templates.SHEET]
    labels = [c.value for c in ws[templates.LABEL_ROW]]
    assert "'=HYPERLINK(\"http://x\",\"y\")" in labels and "'-spredning" in labels
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
