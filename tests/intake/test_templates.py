"""The XLSX template a department fills in: filled with plausible numbers it is accepted by the
same validation the pipeline runs; unfilled it is rejected; it survives a LibreOffice round trip;
`barometer template` writes it."""

from __future__ import annotations

import random
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from assets.intake.templates import CODES_SHEET, FIRST_DATA_ROW, HEADER_ROW, SHEET, make_template
from assets.intake.validation import validate_file
from core.settings import catalog_path
from pipelines.cli import main as barometer
from schemas.catalog import MEAN_COMPUTATIONS, load_catalog
from schemas.code_lists import department_codes
from schemas.submission import COLUMNS, LABELS_DA

ROUND = "2009-05"
CATALOG = load_catalog(catalog_path())
DEPARTMENTS = [d for d in department_codes() if CATALOG.series_of(d)]


def fill(path: Path, seed: int = 0) -> None:
    """Fill every empty count (or value, for reported series) with plausible numbers."""
    rng = random.Random(seed)
    kinds = {}
    for source, members in CATALOG.series_of(path.name[:3]).items():
        comps = {m.computation for m in members}
        kinds[source] = "reported" if comps == {"reported"} else ("mean" if comps & MEAN_COMPUTATIONS else "count")
    wb = openpyxl.load_workbook(path)
    ws = wb[SHEET]
    c = {name: i + 1 for i, name in enumerate(COLUMNS)}
    for r in range(FIRST_DATA_ROW, ws.max_row + 1):
        indicator = ws.cell(r, c["indicator"]).value
        if indicator is None:
            continue
        kind = kinds[indicator]
        if kind == "reported":
            ws.cell(r, c["value"], rng.randint(1, 98))
            continue
        denominator = rng.randint(0, 5000)
        numerator = rng.randint(0, denominator) if kind == "count" else round(denominator * rng.uniform(2, 10))
        ws.cell(r, c["denominator"], denominator)
        ws.cell(r, c["numerator"], numerator)
        if kind == "mean":
            ws.cell(r, c["sd"], round(rng.uniform(0.5, 3), 2))
    wb.save(path)


@pytest.mark.parametrize("department", DEPARTMENTS)
def test_filled_template_is_accepted(department, tmp_path):
    path = make_template(CATALOG, department, ROUND, tmp_path / f"{department}_{ROUND}.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == [SHEET, CODES_SHEET]
    ws = wb[SHEET]
    assert [ws.cell(HEADER_ROW, i + 1).value for i in range(len(COLUMNS))] == COLUMNS
    assert [ws.cell(HEADER_ROW - 1, i + 1).value for i in range(len(COLUMNS))] == [LABELS_DA[c] for c in COLUMNS]
    assert department in ws.cell(1, 1).value and ROUND in ws.cell(1, 1).value
    assert all(ws.cell(HEADER_ROW, i + 1).comment for i in range(len(COLUMNS)))
    lists = {str(dv.sqref).split(":")[0][0] for dv in ws.data_validations.dataValidation if dv.type == "list"}
    assert {"C", "E", "G", "H"} <= lists  # indicator, district, group, sex
    fill(path)
    result = validate_file(path, CATALOG, department, ROUND)
    assert result.accepted, result.report_text()
    # One row per expected cell: every series is there.
    assert set(result.rows["indicator"]) == set(CATALOG.series_of(department))


def test_template_cells():
    """BIF: EMP-M by district x F/M (EMP-1, EMP-2 are cut by sex), EMP-3 city-level, SAF-3 two groups."""
    from assets.intake.templates import expected_rows

    rows = expected_rows(CATALOG, "BIF", ROUND)
    emp_m = [r for r in rows if r["indicator"] == "EMP-M"]
    assert len(emp_m) == 10 * 2 and {r["sex"] for r in emp_m} == {"F", "M"}
    assert "KBH" not in {r["district"] for r in emp_m}
    assert {(r["district"], r["sex"]) for r in rows if r["indicator"] == "EMP-3"} == {("KBH", "T")}
    assert {r["group"] for r in rows if r["indicator"] == "SAF-3"} == {"IMM", "DAN"}
    assert {r["reference_period"] for r in rows} == {ROUND}


def test_unfilled_template_is_rejected(tmp_path):
    path = make_template(CATALOG, "SOF", ROUND, tmp_path / f"SOF_{ROUND}.xlsx")
    result = validate_file(path, CATALOG, "SOF", ROUND)
    assert not result.accepted
    f = result.findings
    assert {"numerator_present", "denominator_present"} <= set(f.rule), f.to_string()
    rows = f[f.rule.isin(["numerator_present", "denominator_present"])].row.dropna().astype(int)
    assert len(rows) and rows.min() >= FIRST_DATA_ROW


def test_libreoffice_round_trip(tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        pytest.skip("LibreOffice (soffice) is not installed")
    src = tmp_path / "src"
    path = make_template(CATALOG, "BIF", ROUND, src / f"BIF_{ROUND}.xlsx")
    fill(path)
    out = tmp_path / "out"
    out.mkdir()
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless",
                    "--convert-to", "xlsx", "--outdir", str(out), str(path)],
                   check=True, capture_output=True, timeout=180)
    converted = out / path.name
    assert converted.is_file()
    result = validate_file(converted, CATALOG, "BIF", ROUND)
    assert result.accepted, result.report_text()


def test_cli_template(tmp_path, capsys):
    assert barometer(["template", "--department", "SOF", "--round", ROUND, "--out", str(tmp_path)]) == 0
    path = tmp_path / f"SOF_{ROUND}.xlsx"
    assert path.is_file()
    assert str(path) in capsys.readouterr().out
    assert barometer(["template", "--department", "XYZ", "--round", ROUND, "--out", str(tmp_path)]) == 2
    assert barometer(["template", "--department", "SOF", "--round", "2009-06", "--out", str(tmp_path)]) == 2
    assert not (tmp_path / f"XYZ_{ROUND}.xlsx").exists()
