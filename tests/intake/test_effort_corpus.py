"""The other half's bad-file corpus (tests/fixtures/bad_efforts/, made by
make_bad_effort_corpus.py): every broken effort statement or project-bank file is rejected by the
exact rule expected, naming its file, row and column, Danish first; the valid originals pass."""

import csv
import shutil

import pytest
from conftest import FIXTURES

from assets.intake.validation import validate_file
from pipelines.cli import main as barometer

# the reports in English: these tests assert the English texts (the Danish default: tests/test_messages.py)
pytestmark = pytest.mark.usefixtures("english_reports")

BAD = FIXTURES / "bad_efforts"
with open(BAD / "expected.csv", encoding="utf-8") as _f:
    EXPECTED = list(csv.DictReader(_f))


@pytest.mark.parametrize("case", EXPECTED, ids=[c["file"] for c in EXPECTED])
def test_corpus_file_gets_the_expected_outcome(case, catalog):
    result = validate_file(BAD / case["file"], catalog, department=case["department"], round_key=case["round"],
                           kind=case["kind"])
    if not case["rule"]:
        assert result.accepted, result.report_text()
        return
    assert not result.accepted
    f = result.findings
    hit = f[f.rule == case["rule"]]
    assert len(hit), f"{case['file']}: expected rule {case['rule']}, got {sorted(set(f.rule))}"
    assert int(case["row"]) in set(hit.row.dropna().astype(int)), hit.to_string()
    assert case["column"] in set(hit.column), hit.to_string()
    msg = " ".join(hit.message)
    assert case["file"] in msg and case["rule"] in msg and f"row {case['row']}" in msg
    assert f"'{case['column']}'" in msg
    # one language: the record's English text here (BAROMETER_LANG=en), its Danish one by default
    record = result_kind_rules(case).get(case["rule"])
    if record is not None:
        assert record.message_en.split("{")[0][:30] in msg and "(English:" not in msg


def result_kind_rules(case):
    from schemas.kinds import KINDS

    return KINDS[case["kind"]].rules


@pytest.mark.parametrize("case", [c for c in EXPECTED if c["rule"]][:6], ids=lambda c: c["file"])
def test_the_report_is_danish_by_default(case, catalog, monkeypatch):
    monkeypatch.setenv("BAROMETER_LANG", "da")
    result = validate_file(BAD / case["file"], catalog, department=case["department"], round_key=case["round"],
                           kind=case["kind"])
    msg = " ".join(result.findings[result.findings.rule == case["rule"]].message)
    assert f"række {case['row']}" in msg and f"regel {case['rule']}" in msg and "row " not in msg
    assert "Resultat: AFVIST" in result.report_text()


def test_the_issue_s_five_cases_are_in_the_corpus():
    rules = {c["rule"] for c in EXPECTED}
    assert {"indicators_in_catalog", "total_budget_at_least_50000", "priority_areas_at_most_three",
            "is_a_number", "budget_year_in_statement_range"} <= rules


@pytest.mark.parametrize("case", [c for c in EXPECTED if c["rule"]][:6], ids=lambda c: c["file"])
def test_check_command_names_the_rule(case, capsys, tmp_path):
    ext = ".xlsx" if case["file"].endswith(".xlsx") else ".csv"
    path = tmp_path / f"{case['department']}_{case['round']}_{case['kind']}{ext}"
    shutil.copyfile(BAD / case["file"], path)
    code = barometer(["check", str(path)])
    out = capsys.readouterr().out
    assert code == 1 and "REJECTED" in out and case["rule"] in out and f"row {case['row']}" in out


def test_free_text_is_kept_as_text_and_never_echoed_raw(tmp_path, catalog):
    """A statement's long Danish text with line breaks, a formula-like name and a control character
    is accepted and kept verbatim; when a file is refused, its report neutralises such a value
    (the terminal text escapes control characters, the CSV report cannot run a formula)."""
    from assets.intake.reports import write_report

    with open(BAD / "efforts_valid.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    rows[0]["effort_name"] = '=HYPERLINK("http://x","klik")'
    rows[0]["activities"] = "Linje 1\nLinje 2 \x1b[31mrød\x1b[0m"
    ok = tmp_path / "SOF_2009-05_efforts.csv"
    with open(ok, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    result = validate_file(ok, catalog)
    assert result.accepted, result.report_text()
    first = result.rows.iloc[0]
    assert first["effort_name"] == rows[0]["effort_name"] and first["activities"] == rows[0]["activities"]
    rows[0]["committee"] = '=cmd|" /C calc"!A0\x1b[31m'  # refused: not a committee code
    bad = tmp_path / "bad" / "SOF_2009-05_efforts.csv"
    bad.parent.mkdir()
    with open(bad, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    refused = validate_file(bad, catalog)
    assert not refused.accepted
    report = write_report(refused, tmp_path / "reports", "2009-05")
    assert "\x1b" not in report.read_text(encoding="utf-8")
    with open(report.with_suffix(".csv"), encoding="utf-8") as f:
        cells = [c for r in csv.reader(f) for c in r]
    assert not any(c.startswith(("=", "+", "@")) for c in cells)
    assert any("cmd|" in c for c in cells)


def test_template_command_writes_both_kinds(capsys, tmp_path):
    assert barometer(["template", "--kind", "efforts", "--department", "SOF", "--round", "2009-05",
                      "--out", str(tmp_path)]) == 0
    assert barometer(["template", "--kind", "projects", "--department", "BIF", "--round", "2009-11",
                      "--out", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["BIF_2009-11_projects.xlsx", "SOF_2009-05_efforts.xlsx"]
    assert barometer(["template", "--kind", "efforts", "--department", "XYZ", "--round", "2009-05",
                      "--out", str(tmp_path)]) == 2
