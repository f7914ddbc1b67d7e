"""The other half's bad-file corpus (tests/fixtures/bad_efforts/, made by
make_bad_effort_corpus.py): every broken effort statement or project-bank file is rejected by the
exact rule expected, naming its file, row and column, Danish first; the valid originals pass."""

import csv
import shutil

import pytest
from conftest import FIXTURES

from assets.intake.validation import validate_file
from pipelines.cli import main as barometer

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
    # Danish first: the record's Danish message comes before its English one
    if "(English:" in msg:
        assert msg.index(": ", msg.index(case["rule"])) < msg.index("(English:")


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
