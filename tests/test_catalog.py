"""The catalog is data: validated at load, and editing it changes what is published."""

import shutil

import pytest
import yaml
from conftest import PROJECT, copy_raw, run_barometer

from schemas.catalog import CatalogError, load_catalog

CATALOG = PROJECT / "catalog"


def _edit(tmp_path, fn):
    folder = tmp_path / "catalog"
    shutil.copytree(CATALOG, folder)
    data = yaml.safe_load((folder / "indicators.yaml").read_text(encoding="utf-8"))
    fn(data)
    (folder / "indicators.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return folder / "indicators.yaml"


def _entry(data, code):
    return next(i for i in data["indicators"] if i["code"] == code)


def test_every_brief_indicator_is_in_the_catalog(catalog):
    codes = {i.code for i in catalog.indicators}
    brief = {"EMP-M", "EMP-1", "EMP-2", "EMP-3", "EMP-4", "EDU-M", "EDU-A", "EDU-B", "EDU-C", "EDU-C2", "EDU-D",
             "EDU-E", "EDU-F", "EDU-G", "HOU-M1", "HOU-M2", "HOU-1", "HOU-2", "HOU-3", "HOU-4", "SAF-M", "SAF-1",
             "SAF-2", "SAF-3", "SAF-4", "CUL-1", "CUL-2", "CUL-3", "CUL-4", "HEA-1", "HEA-2", "HEA-3"}
    assert brief <= codes


def test_unknown_unit_is_refused_naming_the_entry(tmp_path):
    path = _edit(tmp_path, lambda d: _entry(d, "HEA-2").update(unit="percnt"))
    with pytest.raises(CatalogError, match=r"\(HEA-2\), field unit"):
        load_catalog(path)


def test_missing_direction_is_refused_naming_the_entry(tmp_path):
    path = _edit(tmp_path, lambda d: _entry(d, "EMP-3").pop("direction"))
    with pytest.raises(CatalogError, match=r"\(EMP-3\), field direction: Field required"):
        load_catalog(path)


def test_the_command_refuses_a_broken_catalog_with_its_message_not_a_traceback(tmp_path, monkeypatch, capsys):
    import subprocess
    import sys

    path = _edit(tmp_path, lambda d: _entry(d, "EMP-3").pop("direction"))
    exe = __import__("pathlib").Path(sys.executable).with_name("barometer")
    for command in ("validate", "run"):
        out = subprocess.run([str(exe), command], capture_output=True, text=True, timeout=300,
                             env={**__import__("os").environ, "BAROMETER_CATALOG": str(path),
                                  "BAROMETER_WAREHOUSE_DIR": str(tmp_path / "wh"),
                                  "DAGSTER_HOME": str(tmp_path / "dh")})
        assert out.returncode == 1
        assert "(EMP-3), field direction" in out.stderr and "Traceback" not in out.stderr
    assert not (tmp_path / "wh" / "barometer.duckdb").exists()


def test_gap_without_reference_group_and_duplicate_codes_are_refused(tmp_path):
    with pytest.raises(CatalogError, match=r"CUL-3.*reference_group"):
        load_catalog(_edit(tmp_path / "a", lambda d: _entry(d, "CUL-3").pop("reference_group")))
    with pytest.raises(CatalogError, match="EMP-M is defined twice"):
        load_catalog(_edit(tmp_path / "b", lambda d: d["indicators"].append(dict(_entry(d, "EMP-M")))))


def test_changing_a_target_or_direction_changes_the_published_assessment(tmp_path, monkeypatch):
    raw = copy_raw(tmp_path / "raw")
    base = run_barometer(raw, tmp_path / "wh0")
    with base.public() as con:
        before = dict(con.execute("SELECT indicator, assessment FROM barometer_latest").fetchall())
    assert before["EMP-M"] == "on track" and before["SAF-2"] == "off track"

    def edit(d):
        _entry(d, "EMP-M")["targets"] = [{"value": 80.0, "date": "2010-12"}]   # out of reach now
        _entry(d, "SAF-2")["direction"] = "must_fall"                             # 67 is below 90: met
    monkeypatch.setenv("BAROMETER_CATALOG", str(_edit(tmp_path, edit)))
    after_run = run_barometer(raw, tmp_path / "wh1")
    with after_run.public() as con:
        after = dict(con.execute("SELECT indicator, assessment FROM barometer_latest").fetchall())
        light = con.execute("SELECT light FROM barometer_latest WHERE indicator = 'SAF-2'").fetchone()[0]
    assert after["EMP-M"] == "off track"
    assert after["SAF-2"] == "target met" and light == "green"
