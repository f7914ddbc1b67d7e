"""`barometer check` and `barometer run` agree on every file name: check accepts a name exactly
when the drop folder (`dropfolder.scan`, what the run reads) takes it as that department's file
for that round. Links are refused by both. Names reach the terminal escaped, one line each."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES, copy_raw

from assets.intake.dropfolder import scan
from pipelines.cli import discover, discover_rounds, main

GOOD_CSV = FIXTURES / "good" / "BIF_2009-05.csv"
NOT_READ = "pipelinen ville ikke læse en fil med dette navn"  # the check speaks Danish unless told otherwise

GOOD = ["BIF_2009-05.csv", "bif_2009-05_v2.csv", "BIF_2009-05_areas.csv", "Bif_2009-05_rettet.csv",
        "BIF_2009-05_v2.1.csv", "BIF_2009-05_2009-05-20.csv", "BIF_2009-05.CSV", "BIF_2009-05_final-2.csv"]
BAD = ["BIF 2009-05 endelig.csv", "BIF_2009-05 (2).csv", "BIF_2009-05_rettet version.csv", "BIF-2009-05.csv",
       "XYZ_2009-05.csv", "BIF_2009-5.csv", "BIF_2009-05.txt", "BIF_2009-05.csv.bak", "BIF_2009-05_æøå.csv",
       "BIF_2009\u201005.csv", "B\u0130F_2009-05.csv", " BIF_2009-05.csv", "BIF_2009-05 .csv", "BIF_2009-05",
       "SOF_2009-05.csv", "BIF_2009-11.csv", "BIF_2009-06.csv", "BIF_2009-05\x1b[31m.csv", "BIF_2009-05\u202e.csv",
       "BIF__2009-05.csv", "BIF_2009-05_.csv", "BIFF_2009-05.csv", "notes.txt"]


def _scan_reads(raw: Path, name: str, department: str, round_key: str) -> bool:
    """What the run does with the file: read it as `department`'s file for `round_key`."""
    hits = [e for e in scan(raw) if e.path.name == name]
    assert len(hits) == 1, hits
    e = hits[0]
    return (e.status == "submission" and e.name.department == department and e.name.round == round_key
            and e.round == round_key)


def _check(capsys, path: Path, *flags: str) -> tuple[int, str, str]:
    code = main(["check", str(path), *flags])
    out = capsys.readouterr()
    return code, out.out, out.err


IN_A_FOLDER = ["BIF_2009-05.csv", "bif_2009-05_v2.csv", "BIF_2009-11.csv", "SOF_2009-05.csv", "BIF 2009-05 endelig.csv",
               "XYZ_2009-05.csv", "BIF_2009-06.csv"]


@pytest.mark.parametrize("name, where", [(n, "raw") for n in GOOD + BAD] + [(n, "folder") for n in IN_A_FOLDER])
def test_check_accepts_a_name_iff_the_run_reads_it(name, where, tmp_path, capsys):
    raw = tmp_path / "raw"
    folder = raw if where == "raw" else raw / "2009-05"
    folder.mkdir(parents=True)
    path = folder / name
    shutil.copyfile(GOOD_CSV, path)
    reads = _scan_reads(raw, name, "BIF", "2009-05")
    assert reads == (name in GOOD), (name, where)
    code, out, _ = _check(capsys, path, "--department", "BIF", "--round", "2009-05")
    name_ok = NOT_READ not in out
    assert name_ok == reads, out
    if "areas" not in name:  # BIF delivers no housing areas: that content is rejected for its own reasons
        assert (code == 0) == reads, out
    if not reads:
        assert code == 1 and "AFVIST" in out and "regel file_name" in out
    assert "\x1b" not in out and "\u202e" not in out


@pytest.mark.parametrize("name, fix", [
    ("BIF 2009-11 endelig.xlsx", "BIF_2009-11_endelig.xlsx"),
    ("BIF_2009-11 (2).xlsx", "BIF_2009-11_2.xlsx"),
    ("BIF_2009-11_rettet version.csv", "BIF_2009-11_rettet_version.csv"),
])
def test_names_a_clerk_writes_get_the_name_to_use(name, fix, tmp_path, capsys):
    path = tmp_path / name
    shutil.copyfile(GOOD_CSV, path)
    code, out, _ = _check(capsys, path, "--department", "BIF", "--round", "2009-11")
    assert code == 1
    assert f"{NOT_READ}: ikke et navn på en indberetning" in out and f"kald den {fix}" in out
    assert "AFVIST" in out and "GODKENDT" not in out


def test_a_good_file_with_a_wrong_name_says_only_the_name_must_change(tmp_path, capsys):
    path = tmp_path / "BIF 2009-05 endelig.csv"
    shutil.copyfile(GOOD_CSV, path)
    code, out, _ = _check(capsys, path, "--department", "BIF", "--round", "2009-05")
    assert code == 1 and "kald den BIF_2009-05_endelig.csv" in out
    assert "Indholdet overholder alle regler (22 rækker): kun navnet skal ændres." in out
    assert "1 problem(er)" in out


def test_department_and_round_come_from_the_name(tmp_path, capsys):
    good = tmp_path / "BIF_2009-05.csv"
    shutil.copyfile(GOOD_CSV, good)
    code, out, _ = _check(capsys, good)
    assert code == 0 and "GODKENDT" in out and "Forvaltning: BIF   Runde: 2009-05" in out
    # a name the run would not read, but whose department and round can be told: the content is
    # checked for them, and the name to use is given
    loose = tmp_path / "BIF 2009-05 endelig.csv"
    shutil.copyfile(GOOD_CSV, loose)
    code, out, _ = _check(capsys, loose)
    assert code == 1 and "kald den BIF_2009-05_endelig.csv" in out and "overholder alle regler" in out
    # nothing to tell them from: said plainly
    anon = tmp_path / "tal.csv"
    shutil.copyfile(GOOD_CSV, anon)
    code, out, _ = _check(capsys, anon)
    assert code == 1 and NOT_READ in out and "Indholdet blev ikke kontrolleret" in out


def test_department_or_round_other_than_the_name_says(tmp_path, capsys):
    path = tmp_path / "BIF_2009-05.csv"
    shutil.copyfile(GOOD_CSV, path)
    code, out, _ = _check(capsys, path, "--department", "SOF")
    assert code == 1 and "navnet siger forvaltning BIF, ikke SOF; kald den SOF_2009-05.csv" in out
    code, out, _ = _check(capsys, path, "--round", "2009-11")
    assert code == 1 and "navnet siger runde 2009-05, ikke 2009-11; kald den BIF_2009-11.csv" in out
    code, out, err = _check(capsys, path, "--round", "2009-06")
    assert code == 2 and "skal være ÅÅÅÅ-05 eller ÅÅÅÅ-11" in err
    unknown = tmp_path / "XYZ_2009-05.csv"
    shutil.copyfile(GOOD_CSV, unknown)
    code, out, _ = _check(capsys, unknown)
    assert code == 1 and "ukendt forvaltning 'XYZ'" in out


def test_a_link_is_refused_by_check_and_by_the_run(tmp_path, capsys):
    raw = tmp_path / "raw"
    (raw / "2009-05").mkdir(parents=True)
    target = tmp_path / "elsewhere.csv"
    shutil.copyfile(GOOD_CSV, target)
    link = raw / "2009-05" / "BIF_2009-05.csv"
    link.symlink_to(target)
    code, out, err = _check(capsys, link, "--department", "BIF", "--round", "2009-05")
    assert code == 1 and out == "" and "symbolic link" in err and "never follow" in err
    assert [e.status for e in scan(raw) if not e.is_folder] == ["refused"]
    d = discover(raw)
    assert d.refused == [f"raw/2009-05/BIF_2009-05.csv: {scan(raw)[-1].reason}"]
    # a missing file or a folder is a usage error, as before
    assert _check(capsys, tmp_path / "nothing.csv")[0] == 2
    assert _check(capsys, raw)[0] == 2


def test_a_hostile_name_is_printed_on_one_line(tmp_path, capsys):
    path = tmp_path / "BIF_2009-05\x1b[31m\nINJECTED LINE.csv"
    shutil.copyfile(GOOD_CSV, path)
    code, out, _ = _check(capsys, path, "--department", "BIF", "--round", "2009-05")
    assert code == 1
    assert "\x1b" not in out and not any(line.startswith("INJECTED LINE") for line in out.splitlines())
    assert "BIF_2009-05\\x1b[31m\\nINJECTED LINE.csv" in out


def test_check_console_script(tmp_path):
    exe = Path(sys.executable).with_name("barometer")
    env = {"BAROMETER_WAREHOUSE_DIR": str(tmp_path / "wh"), "PATH": "/usr/bin:/bin"}
    bad = tmp_path / "BIF 2009-05 endelig.csv"
    shutil.copyfile(GOOD_CSV, bad)
    out = subprocess.run([str(exe), "check", str(bad), "--department", "BIF", "--round", "2009-05"],
                         capture_output=True, text=True, env=env, timeout=180)
    assert out.returncode == 1, out.stderr[-2000:]
    assert NOT_READ in out.stdout and "kald den BIF_2009-05_endelig.csv" in out.stdout
    good = tmp_path / "BIF_2009-05.csv"
    shutil.copyfile(GOOD_CSV, good)
    out = subprocess.run([str(exe), "check", str(good)], capture_output=True, text=True, env=env, timeout=180)
    assert out.returncode == 0 and "GODKENDT" in out.stdout, out.stdout + out.stderr[-2000:]
    link = tmp_path / "link_BIF_2009-05.csv"
    link.symlink_to(good)
    out = subprocess.run([str(exe), "check", str(link)], capture_output=True, text=True, env=env, timeout=180)
    assert out.returncode == 1 and "symbolic link" in out.stderr
    assert not (tmp_path / "wh").exists()


# ----------------------------------------------------------------------------- discover + summary
def _hostile_raw(raw: Path) -> Path:
    (raw / "x\x1b[31m\nINJECTED LINE.csv: not a submission").write_text("x", encoding="utf-8")
    (raw / "2009-05" / "SUF_2009-05_v2.csv").symlink_to(raw / "2009-05" / "SUF_2009-05.csv")
    (raw / "2099-05").mkdir()
    (raw / "misc").mkdir()
    (raw / "BIF_2009-06.csv").write_text("x", encoding="utf-8")
    (raw / "2009-05" / "BIF 2009-05 endelig.csv").write_text("x", encoding="utf-8")
    return raw


def test_discover_lists_what_is_not_read(tmp_path):
    raw = tmp_path / "raw"
    (raw / "2009-05").mkdir(parents=True)
    shutil.copyfile(GOOD_CSV, raw / "2009-05" / "BIF_2009-05.csv")
    shutil.copyfile(GOOD_CSV, raw / "2009-05" / "SUF_2009-05.csv")
    (raw / "2008-11").mkdir()  # an empty round folder is a round: its deliveries are missing
    _hostile_raw(raw)
    d = discover(raw)
    assert d.rounds == ["2008-11", "2009-05"]
    assert "raw/2099-05/: the round has not started yet; nothing in it is read" in d.ignored
    assert "raw/misc/: not a round folder (rounds are YYYY-05 and YYYY-11)" in d.ignored
    assert any(m.startswith("raw/BIF_2009-06.csv: round 2009-06 is not a round") for m in d.ignored)
    assert any(m.startswith("raw/2009-05/BIF 2009-05 endelig.csv: not a submission file name")
               and m.endswith("name it BIF_2009-05_endelig.csv") for m in d.ignored)
    assert [m.split(":")[0] for m in d.refused] == ["raw/2009-05/SUF_2009-05_v2.csv"]
    assert discover_rounds(raw) == (d.rounds, d.ignored + d.refused)
    assert discover(tmp_path / "none").ignored == [f"{tmp_path / 'none'} does not exist"]


def test_run_summary_names_ignored_and_refused_files_escaped(tmp_path, capsys, monkeypatch):
    raw = _hostile_raw(copy_raw(tmp_path / "raw", ["2009-05"]))
    bad = raw / "2009-05" / "OKF_2009-05_v2.csv"  # rejected: a header cell with an escape sequence
    text = (raw / "2009-05" / "OKF_2009-05.csv").read_text(encoding="utf-8")
    bad.write_text(text.replace("note", "\x1b[2Jnote\u202e", 1), encoding="utf-8")
    monkeypatch.setenv("BAROMETER_RAW_DIR", str(raw))
    monkeypatch.setenv("BAROMETER_WAREHOUSE_DIR", str(tmp_path / "wh"))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dh"))
    assert main(["run"]) == 0
    out = capsys.readouterr().out
    assert main(["summary"]) == 0
    again = capsys.readouterr().out
    for text in (out, again):
        assert "\x1b" not in text and "\u202e" not in text
        lines = text.splitlines()
        assert not any(line.startswith("INJECTED LINE") for line in lines)
        assert "  ignored: raw/x\\x1b[31m\\nINJECTED LINE.csv: not a submission: not a submission file name " \
               "(<DEPT>_<YYYY-MM>[_suffix].csv|xlsx)" in lines
        assert "  ignored: raw/2099-05/: the round has not started yet; nothing in it is read" in lines
        at = lines.index("Refused (never read):")
        assert lines[at + 1].startswith("  raw/2009-05/SUF_2009-05_v2.csv: a symbolic link")
        rejected = [line for line in lines if line.startswith("  REJECTED 2009-05/OKF_2009-05_v2.csv")]
        assert rejected and "\\x1b[2J" in rejected[0], rejected
    report = next((tmp_path / "wh" / "reports" / "2009-05").glob("OKF_2009-05_v2.csv.txt"))
    assert "\x1b" not in report.read_text(encoding="utf-8")
    assert os.environ["DAGSTER_HOME"] == str(tmp_path / "dh")
