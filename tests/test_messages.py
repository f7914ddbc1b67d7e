"""Danish for the people who read Danish: one message catalog per language (core/messages/), the
same keys and placeholders in both, every key the code asks for present; `barometer check`, the
written reports and the templates are Danish by default and English with --lang en or
BAROMETER_LANG=en."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import openpyxl
import pytest
from conftest import FIXTURES, PROJECT

from assets.intake.reports import REPORT_COLUMNS, write_report
from assets.intake.tracker import STATUS_KEYS, status_words
from assets.intake.validation import validate_file
from core import i18n
from core.i18n import LANGUAGES, MessageError, current_language, messages, use_language
from pipelines.cli import main as barometer
from schemas.efforts import LABELS_DA as EFFORT_LABELS_DA
from schemas.submission import LABELS_DA

BAD = FIXTURES / "bad"
SOURCES = [p for d in ("assets", "core", "pipelines", "schemas") for p in (PROJECT / d).rglob("*.py")]


def test_no_key_is_missing_in_either_language():
    assert i18n.missing_keys() == {lang: [] for lang in LANGUAGES}
    assert set(messages("da")) == set(messages("en")) and len(messages("da")) > 100


def test_placeholders_agree_in_both_languages():
    assert i18n.placeholder_mismatches() == {}
    i18n.validate()


def test_namespaces_are_looked_up_whole():
    for lang in LANGUAGES:
        status = i18n.namespace(lang, "tracker.status")
        assert set(status) == set(STATUS_KEYS.values())
    assert {k.split(".")[0] for k in messages("da")} >= {"check", "template", "tracker"}


def _keys_in_code() -> tuple[set[str], set[str]]:
    """The literal keys the code looks up (t(lang, "a.b"), i18n.t(...), t(None, ...)), and the
    prefixes of the keys it builds (f"template.label.{c}")."""
    literal, prefixes = set(), set()
    call = re.compile(r"""\bt\(\s*(?:[A-Za-z_][\w.]*|None)\s*,\s*(f?)["']([^"'{]+)(\{?)""")
    for path in SOURCES:
        text = path.read_text(encoding="utf-8")
        for f, key, brace in call.findall(text):
            (prefixes if f and brace else literal).add(key)
    return literal, prefixes


def test_every_key_the_code_uses_exists():
    literal, prefixes = _keys_in_code()
    assert len(literal) > 40 and prefixes  # the grep finds the code's look-ups
    for lang in LANGUAGES:
        known = set(messages(lang))
        assert sorted(literal - known) == [], lang
        assert sorted(p for p in prefixes if not any(k.startswith(p) for k in known)) == [], lang


def test_a_catalog_that_disagrees_is_refused(tmp_path):
    (tmp_path / "da.yml").write_text("a:\n  b: 'hej {name}'\n  c: kun dansk\n", encoding="utf-8")
    (tmp_path / "en.yml").write_text("a:\n  b: 'hello {navn}'\n", encoding="utf-8")
    assert i18n.missing_keys(tmp_path) == {"da": [], "en": ["a.c"]}
    assert set(i18n.placeholder_mismatches(tmp_path)) == {"a.b"}
    with pytest.raises(MessageError, match="en.yml lacks a.c"):
        i18n.validate(tmp_path)
    (tmp_path / "da.yml").write_text("a:\n  b: 3\n", encoding="utf-8")
    i18n.messages.cache_clear()
    with pytest.raises(MessageError, match="a.b: a message must be text"):
        i18n.messages("da", tmp_path)
    (tmp_path / "da.yml").write_text("a:\n  yes: text\n", encoding="utf-8")
    i18n.messages.cache_clear()
    with pytest.raises(MessageError, match="must be text"):
        i18n.messages("da", tmp_path)
    i18n.messages.cache_clear()


def test_the_language_is_danish_unless_chosen(monkeypatch):
    assert current_language() == "da"
    monkeypatch.setenv("BAROMETER_LANG", "EN")
    assert current_language() == "en"
    with use_language("da"):
        assert current_language() == "da"
    assert current_language() == "en"
    monkeypatch.setenv("BAROMETER_LANG", "de")
    with pytest.raises(MessageError, match="da, en"):
        current_language()
    with pytest.raises(MessageError, match="da, en"):
        i18n.check_language("fr")


def _check(capsys, *args: str) -> tuple[int, str, str]:
    code = barometer(["check", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


BAD_FILE = str(BAD / "district_name_not_code.csv")
WHERE = ["--department", "BIF", "--round", "2009-05"]


def test_check_reports_in_danish_by_default(capsys):
    code, out, _ = _check(capsys, BAD_FILE, *WHERE)
    assert code == 1
    assert "Resultat: AFVIST" in out and "Problemer (række = rækkenummeret i filen" in out
    assert ("district_name_not_code.csv, række 8, kolonne 'district' (bydel): 'Nørrebro' — regel "
            "district_in_code_list: mente du NOR (Nørrebro)? bydelen skal være en kode") in out
    assert "regel file_name" in out and "kald den BIF_2009-05.csv" in out
    for english in ("row ", "rule ", "REJECTED", "English:", "did you mean", "must be"):
        assert english not in out, english


@pytest.mark.parametrize("how", ["--lang", "global --lang", "BAROMETER_LANG"])
def test_check_reports_in_english_when_asked(how, capsys, monkeypatch):
    if how == "BAROMETER_LANG":
        monkeypatch.setenv("BAROMETER_LANG", "en")
        code = barometer(["check", BAD_FILE, *WHERE])
    elif how == "--lang":
        code = barometer(["check", BAD_FILE, *WHERE, "--lang", "en"])
    else:
        code = barometer(["--lang", "en", "check", BAD_FILE, *WHERE])
    out = capsys.readouterr().out
    assert code == 1
    assert "Outcome: REJECTED" in out and "Problems (row = the row number in the file" in out
    assert ("district_name_not_code.csv, row 8, column 'district': 'Nørrebro' — rule district_in_code_list: "
            "did you mean NOR (Nørrebro)? 'district' must be a code") in out
    for danish in ("række", "regel", "AFVIST", "mente du", "bydelen skal"):
        assert danish not in out, danish


def test_lang_en_beats_the_environment_and_an_unknown_language_is_refused(capsys, monkeypatch):
    monkeypatch.setenv("BAROMETER_LANG", "en")
    assert "række 8" in _check(capsys, BAD_FILE, *WHERE, "--lang", "da")[1]
    monkeypatch.setenv("BAROMETER_LANG", "sv")
    code, out, err = _check(capsys, BAD_FILE, *WHERE)
    assert code == 2 and out == "" and "BAROMETER_LANG='sv'" in err and "da, en" in err
    with pytest.raises(SystemExit):
        barometer(["check", BAD_FILE, "--lang", "sv"])


@pytest.mark.parametrize("name", ["empty_file.csv", "duplicate_header.csv", "semicolon_thousands_dot.csv",
                                  "unquoted_thousands_comma.csv", "not_really_xlsx.xlsx", "windows_1252.csv"])
def test_every_reader_finding_is_in_one_language(name, capsys):
    if not (BAD / name).exists():
        pytest.skip(f"{name} is not in the corpus")
    for lang, ours, theirs in (("da", "regel ", "rule "), ("en", "rule ", "regel ")):
        _, out, _ = _check(capsys, str(BAD / name), *WHERE, "--lang", lang)
        problems = [line for line in out.splitlines() if line.startswith("- ")]
        assert all(ours in p and theirs not in p for p in problems), (lang, problems)


def test_the_written_reports_follow_the_language(tmp_path, catalog, monkeypatch):
    result = validate_file(BAD / "unknown_district.csv", catalog, "BIF", "2009-05")
    txt = write_report(result, tmp_path / "da", "2009-05").read_text(encoding="utf-8")
    assert "Resultat: AFVIST" in txt and "række 6" in txt and "regel district_in_code_list" in txt
    rows = (tmp_path / "da" / "2009-05" / "unknown_district.csv.csv").read_text(encoding="utf-8").splitlines()
    assert rows[0] == ",".join(REPORT_COLUMNS) and "række 6" in rows[1]
    monkeypatch.setenv("BAROMETER_LANG", "en")
    result = validate_file(BAD / "unknown_district.csv", catalog, "BIF", "2009-05")
    txt = write_report(result, tmp_path / "en", "2009-05").read_text(encoding="utf-8")
    assert "Outcome: REJECTED" in txt and "row 6" in txt and "række" not in txt
    assert result.summary().startswith("rejected: unknown_district.csv, row 6")
    monkeypatch.setenv("BAROMETER_LANG", "da")
    assert validate_file(BAD / "unknown_district.csv", catalog, "BIF", "2009-05").summary().startswith(
        "afvist: unknown_district.csv, række 6")


def _sheet_texts(path: Path) -> tuple[str, list[str], str, str]:
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    labels = [c.value for c in ws[2] if c.value]
    return ws["A1"].value, labels, ws["A3"].comment.text, wb.worksheets[-1]["A1"].value


@pytest.mark.parametrize("kind", ["indicators", "efforts", "projects"])
def test_templates_in_danish_by_default_and_english_with_lang(kind, tmp_path, capsys):
    args = ["template", "--kind", kind, "--department", "SOF", "--round", "2009-05"]
    assert barometer([*args, "--out", str(tmp_path / "da")]) == 0
    assert barometer([*args, "--out", str(tmp_path / "en"), "--lang", "en"]) == 0
    capsys.readouterr()
    name = "SOF_2009-05.xlsx" if kind == "indicators" else f"SOF_2009-05_{kind}.xlsx"
    da_title, da_labels, da_rule, da_codes = _sheet_texts(tmp_path / "da" / name)
    en_title, en_labels, en_rule, en_codes = _sheet_texts(tmp_path / "en" / name)
    assert "runde 2009-05" in da_title and "Socialforvaltningen" in da_title
    assert "round 2009-05" in en_title and "Social Services Administration" in en_title
    assert da_labels[0] == "forvaltning" and en_labels[0] == "department"
    assert da_rule.startswith("Påkrævet.") and en_rule.startswith("Required.")
    assert da_codes != en_codes
    # the data a department fills in is the same in both: the pipeline reads either
    for lang in ("da", "en"):
        ws = openpyxl.load_workbook(tmp_path / lang / name).worksheets[0]
        assert [c.value for c in ws[3]] == [c.value for c in openpyxl.load_workbook(
            tmp_path / "da" / name).worksheets[0][3]]


def test_an_english_template_validates_as_the_danish_one(tmp_path, catalog):
    from assets.intake.templates import make_template

    for lang in LANGUAGES:
        path = make_template(catalog, "BIF", "2009-05", tmp_path / lang / "BIF_2009-05.xlsx", lang=lang)
        result = validate_file(path, catalog)
        assert set(result.findings["rule"]) <= {"numerator_present", "denominator_present",
                                                "value_present_for_reported_series"}, lang


def test_the_danish_labels_are_the_schemas():
    labels = i18n.namespace("da", "template.label")
    assert labels == {**LABELS_DA, **EFFORT_LABELS_DA}


def test_tracker_status_words_cover_every_status_code():
    sql = (PROJECT / "assets" / "intake" / "sql" / "tracker.sql").read_text(encoding="utf-8")
    codes = set(re.findall(r"THEN '([a-z ,]+)'", sql)) | set(re.findall(r"ELSE '([a-z ,]+)' END AS (?:st|status)", sql))
    assert codes and codes <= set(STATUS_KEYS), codes - set(STATUS_KEYS)
    assert status_words("missing", "da") == "mangler" and status_words("missing", "en") == "missing"
    assert status_words("carried forward", "da") == "fremført"
    assert status_words("something new") == "something new" and status_words(None) == "-"


def test_check_console_script_speaks_danish(tmp_path):
    import subprocess

    exe = Path(shutil.which("barometer", path=str(PROJECT / ".venv" / "bin")) or "")
    if not exe.is_file():
        pytest.skip("the barometer console script is not installed")
    env = {"BAROMETER_WAREHOUSE_DIR": str(tmp_path / "wh"), "PATH": "/usr/bin:/bin"}
    da = subprocess.run([str(exe), "check", BAD_FILE, *WHERE], capture_output=True, text=True, env=env, timeout=120)
    en = subprocess.run([str(exe), "check", BAD_FILE, *WHERE], capture_output=True, text=True,
                        env={**env, "BAROMETER_LANG": "en"}, timeout=120)
    assert da.returncode == en.returncode == 1
    assert "række 8" in da.stdout and "regel district_in_code_list" in da.stdout
    assert "row 8" in en.stdout and "rule district_in_code_list" in en.stdout and "række" not in en.stdout
