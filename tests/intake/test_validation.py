"""Every broken file is rejected by the exact rule expected, naming its row and column; the
valid originals pass (CSV and XLSX)."""

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES

from assets.intake.validation import validate_file
from pipelines.cli import main as barometer

# the reports in English: these tests assert the English texts (the Danish default: tests/test_messages.py)
pytestmark = pytest.mark.usefixtures("english_reports")

BAD = FIXTURES / "bad"
N_BASE_ROWS = 22  # the valid file every corpus file is made from (make_bad_corpus.py: BASE)
with open(BAD / "expected.csv", encoding="utf-8") as _f:
    EXPECTED = list(csv.DictReader(_f))


@pytest.mark.parametrize("case", EXPECTED, ids=[c["file"] for c in EXPECTED])
def test_corpus_file_gets_the_expected_outcome(case, catalog):
    """Each hostile or broken file: the exact rule that fires, its row and column; or, for the
    formats Danish Excel really writes, a correct acceptance."""
    result = validate_file(BAD / case["file"], catalog, department="BIF", round_key="2009-05")
    if not case["rule"]:
        assert result.accepted, result.report_text()
        assert len(result.rows) == N_BASE_ROWS  # every row read: none dropped, none invented
        return
    assert not result.accepted
    f = result.findings
    hit = f[f.rule == case["rule"]]
    assert len(hit), f"{case['file']}: expected rule {case['rule']}, got {sorted(set(f.rule))}"
    if case["row"]:
        assert int(case["row"]) in set(hit.row.dropna().astype(int)), hit.to_string()
    if case["column"]:
        assert case["column"] in set(hit.column), hit.to_string()
    # The message a department reads names file, row (when there is one), column and rule.
    msg = hit.iloc[0].message
    assert case["file"] in msg and case["rule"] in msg
    if case["row"]:
        assert f"row {case['row']}" in " ".join(hit.message)


def test_the_corpus_is_at_least_forty_files_with_every_hostile_case():
    names = {c["file"] for c in EXPECTED}
    assert len(names) >= 40
    rules = {c["rule"] for c in EXPECTED}
    assert {"not_empty", "has_data_rows", "department_matches_file", "round_matches_file", "unique_cell",
            "not_negative", "numerator_at_most_denominator", "district_in_code_list", "is_a_number",
            "xlsx_too_large", "xlsx_unsafe_xml", "number_format"} <= rules


@pytest.mark.parametrize("case", EXPECTED, ids=[c["file"] for c in EXPECTED])
def test_check_command_on_every_corpus_file(case, capsys, tmp_path):
    # `check` applies the run's file-name rule too, and a corpus file's name describes its case:
    # each is checked under the name a department sends it under (tests/test_cli_names.py checks names)
    path = tmp_path / f"BIF_2009-05{Path(case['file']).suffix}"
    shutil.copyfile(BAD / case["file"], path)
    code = barometer(["check", str(path), "--department", "BIF", "--round", "2009-05"])
    out = capsys.readouterr().out
    if case["rule"]:
        assert code == 1 and "REJECTED" in out and case["rule"] in out
    else:
        assert code == 0 and "ACCEPTED" in out


def test_a_50_mb_file_is_refused_before_it_is_parsed(tmp_path, catalog):
    big = tmp_path / "BIF_2009-05.csv"
    with open(big, "w", encoding="utf-8") as f:
        f.write(",".join(["department", "round", "indicator", "reference_period", "district", "group", "sex",
                          "numerator", "denominator"]) + "\n")
        line = "BIF,2009-05,EMP-M,2009-02,IND,IMM,F,1000,1700\n"
        f.write(line * (50 * 2**20 // len(line) + 1))
    assert big.stat().st_size >= 50 * 2**20
    result = validate_file(big, catalog)
    assert not result.accepted and result.findings.rule.tolist() == ["file_too_large"]


def test_formulas_are_read_as_their_cached_values(catalog):
    result = validate_file(BAD / "xlsx_formulas_cached.xlsx", catalog, "BIF", "2009-05")
    assert result.accepted
    assert (result.rows.loc[4, "numerator"], result.rows.loc[4, "denominator"]) == (402.0, 600.0)


def test_danish_number_formats_are_parsed_exactly(catalog):
    result = validate_file(BAD / "semicolon_thousands_dot.csv", catalog, "BIF", "2009-05")
    assert result.accepted
    assert result.rows.loc[4, "numerator"] == 1000.0
    months = validate_file(BAD / "danish_month_names.csv", catalog, "BIF", "2009-05")
    assert set(months.rows.reference_period) == {"2009-02", "2009-03"}


@pytest.mark.parametrize("name", ["BIF_2009-05.csv", "BIF_2009-05.xlsx", "BIF_2009-05_control.csv"])
def test_valid_files_accepted(name, catalog):
    result = validate_file(FIXTURES / "good" / name, catalog)
    assert result.accepted, result.report_text()
    n = 24 if "control" in name else 22
    assert result.n_rows == n
    first = 2 if name.endswith(".csv") else 4  # the XLSX has a title and a blank row above the header
    assert list(result.rows.index) == list(range(first, first + n))


def test_every_shipped_sample_file_is_valid(catalog):
    from conftest import SAMPLE_RAW

    files = sorted(SAMPLE_RAW.glob("*/*.*"))
    assert len(files) >= 30
    for path in files:
        result = validate_file(path, catalog)
        assert result.accepted, result.report_text()


def test_check_command_exit_codes_and_report(capsys):
    code = barometer(["check", str(BAD / "unknown_district.csv"), "--department", "BIF", "--round", "2009-05"])
    out = capsys.readouterr().out
    assert code == 1
    assert "REJECTED" in out and "row 6" in out and "'district'" in out and "XYZ" in out
    code = barometer(["check", str(FIXTURES / "good" / "BIF_2009-05.csv"), "--department", "BIF", "--round", "2009-05"])
    assert code == 0 and "ACCEPTED" in capsys.readouterr().out


def test_check_console_script_never_touches_the_warehouse(tmp_path):
    exe = Path(sys.executable).with_name("barometer")
    env = {"BAROMETER_WAREHOUSE_DIR": str(tmp_path / "wh"), "PATH": "/usr/bin:/bin"}
    out = subprocess.run([str(exe), "check", str(BAD / "numerator_above_denominator.csv"),
                          "--department", "BIF", "--round", "2009-05"],
                         capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 1
    assert "numerator_at_most_denominator" in out.stdout and "række 2" in out.stdout  # Danish: no BAROMETER_LANG
    assert not (tmp_path / "wh").exists()


def test_a_leading_zero_is_never_a_thousands_group(tmp_path, catalog):
    f = tmp_path / "BIF_2009-05.csv"
    text = (FIXTURES / "good" / "BIF_2009-05.csv").read_text(encoding="utf-8").replace(",", ";")
    f.write_text(text.replace(";176;800;", ";0.176;800;", 1), encoding="utf-8")
    result = validate_file(f, catalog)
    assert not result.accepted and "number_format" in set(result.findings.rule)


def test_every_district_for_every_group_and_sex(tmp_path, catalog):
    lines = (FIXTURES / "good" / "BIF_2009-05.csv").read_text(encoding="utf-8").splitlines()
    f = tmp_path / "BIF_2009-05.csv"
    f.write_text("\n".join(line for line in lines if ",IND,,IMM,F," not in line) + "\n", encoding="utf-8")
    result = validate_file(f, catalog)
    assert not result.accepted and "all_districts_present" in set(result.findings.rule)


def test_an_incomplete_series_names_the_missing_district_and_a_bad_code_is_not_reported_twice(catalog):
    missing = validate_file(BAD / "district_missing_named.csv", catalog, department="BIF", round_key="2009-05")
    hit = missing.findings[missing.findings.rule == "all_districts_present"]
    assert list(hit.value) == ["missing: VAL"]
    # an unknown district code makes its series look incomplete too: only the cause is reported
    unknown = validate_file(BAD / "unknown_district.csv", catalog, department="BIF", round_key="2009-05")
    assert list(unknown.findings.rule) == ["district_in_code_list"]


def test_xlsx_number_cells_are_exact_and_a_formula_in_a_note_may_be_empty(tmp_path, catalog):
    """A number stored as a number is taken as it is, even with three decimals (17.125 is not
    'a thousand or a decimal?' there); a note computed by a formula whose result is empty is fine."""
    import openpyxl

    from tests.fixtures.make_bad_corpus import BASE, HEADER

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Indberetning"
    ws.append(HEADER)
    for r in BASE:
        ws.append([int(c) if c.isdigit() else (c or None) for c in r])
    for group, total, n, sd in (("IMM", 40003.25, 800, 17.125), ("DAN", 84003.25, 1500, 15.1)):
        ws.append(["BIF", "2009-05", "SAF-4", "2009-03", "KBH", None, group, "T", total, n, None, sd, '=""'])
    path = tmp_path / "BIF_2009-05.xlsx"
    wb.save(path)
    result = validate_file(path, catalog, department="BIF", round_key="2009-05")
    assert result.accepted, result.report_text()
    sds = sorted(result.rows.loc[result.rows.indicator == "SAF-4", "sd"])
    assert sds == [15.1, 17.125]


def test_a_gap_needs_both_groups_but_not_the_same_sex_split(tmp_path, catalog):
    from tests.fixtures.make_bad_corpus import BASE, HEADER, to_csv

    saf4 = [["BIF", "2009-05", "SAF-4", "2009-03", "KBH", "", "IMM", "T", "40003.25", "800", "", "17.2", ""],
            ["BIF", "2009-05", "SAF-4", "2009-03", "KBH", "", "DAN", "F", "42001.5", "750", "", "15.0", ""],
            ["BIF", "2009-05", "SAF-4", "2009-03", "KBH", "", "DAN", "M", "42001.75", "750", "", "15.2", ""]]
    path = tmp_path / "BIF_2009-05.csv"
    path.write_text(to_csv(HEADER, BASE + saf4), encoding="utf-8")
    assert validate_file(path, catalog, department="BIF", round_key="2009-05").accepted
    path.write_text(to_csv(HEADER, BASE + saf4[1:]), encoding="utf-8")  # Danes only
    result = validate_file(path, catalog, department="BIF", round_key="2009-05")
    assert set(result.findings.rule) == {"gap_groups_paired"}


def test_a_gap_compares_the_same_persons(tmp_path, catalog):
    from tests.fixtures.make_bad_corpus import BASE, HEADER, to_csv

    women_vs_all = [["BIF", "2009-05", "SAF-4", "2009-03", "KBH", "", "IMM", "F", "20001.5", "400", "", "17.2", ""],
                    ["BIF", "2009-05", "SAF-4", "2009-03", "KBH", "", "DAN", "T", "84003.25", "1500", "", "15.1", ""]]
    path = tmp_path / "BIF_2009-05.csv"
    path.write_text(to_csv(HEADER, BASE + women_vs_all), encoding="utf-8")
    result = validate_file(path, catalog, department="BIF", round_key="2009-05")
    assert set(result.findings.rule) == {"gap_groups_paired"}


@pytest.mark.parametrize("text", ["1_7.2", "\u0661\u0667", ".5e3", "+.5E3", "1e3", "inf", "NaN"])
def test_numbers_python_reads_but_a_sheet_never_means_are_refused(text):
    from assets.intake.formats import Ambiguous, parse_number

    for convention in ("comma", "point", "unknown"):
        with pytest.raises(Ambiguous):
            parse_number(text, convention)
