"""Efforts, projects and budgets, the other half of each round, through real runs of the job on
the shipped sample (tools/generate_effort_samples.py): the seeds' figures come out of the
published marts, a statement that disagrees with itself is a warning naming its rows, a broken
file is rejected while the rest of the round goes on, and a corrected statement replaces the
earlier one while both stay queryable."""

import dagster as dg
import pandas as pd
import pytest
from conftest import copy_raw, run_barometer

M = 1_000_000
BUDGET_2009 = {"education": 202.7, "employment": 187.4, "safety": 44.2, "housing": 18.5, "culture_leisure": 18.3,
               "health_care": 5.7}
BY_COMMITTEE_2009 = {("employment", "BIU"): 173.5, ("employment", "OKU"): 13.9, ("safety", "SOU"): 31.7,
                     ("safety", "BIU"): 12.2, ("safety", "OKU"): 0.3, ("housing", "SOU"): 6.0,
                     ("housing", "OKU"): 12.5, ("education", "BUU"): 202.7, ("culture_leisure", "KFU"): 18.3,
                     ("health_care", "SUU"): 5.7}
ACTIVE = {2008: {"education": 11, "housing": 43, "safety": 6, "culture_leisure": 36, "health_care": 6,
                 "employment": 12},
          2009: {"education": 6, "housing": 38, "safety": 5, "culture_leisure": 19, "health_care": 8,
                 "employment": 7}}


def _q(run, sql, params=None, db="public"):
    with (run.public() if db == "public" else run.internal()) as con:
        return con.execute(sql, params or []).fetchall()


def _check(run, asset: str, name: str):
    found = [c for c in run.result.get_asset_check_evaluations()
             if c.asset_key == dg.AssetKey(asset) and c.check_name == name]
    assert len(found) == 1, f"no evaluation of {asset}.{name}"
    return found[0]


def test_budget_by_area_2009_is_the_report_s_476_8_million(sample_run):
    rows = dict(_q(sample_run, "SELECT area, budget_dkk FROM budget_by_area WHERE year = 2009"))
    assert {a: round(v / M, 2) for a, v in rows.items()} == BUDGET_2009
    assert round(sum(rows.values()) / M, 1) == 476.8
    shown = dict(_q(sample_run, "SELECT area, budget_mdkk FROM budget_by_area WHERE year = 2009"))
    assert shown == BUDGET_2009
    by_committee = {(a, c): v for a, c, v in _q(
        sample_run, "SELECT area, committee, budget_mdkk FROM budget_by_committee WHERE year = 2009")}
    assert by_committee == BY_COMMITTEE_2009


def test_projects_by_area_114_active_in_2008_and_83_in_2009(sample_run):
    for year, by_area in ACTIVE.items():
        got = dict(_q(sample_run, "SELECT area, active_projects_first_priority FROM projects_by_area "
                                  "WHERE year = ? AND active_projects_first_priority > 0", [year]))
        assert got == by_area
        assert sum(got.values()) == {2008: 114, 2009: 83}[year]
    # from autumn 2009 a project may be under up to three areas: by any priority counts more
    anyp = _q(sample_run, "SELECT sum(active_projects_any_priority) FROM projects_by_area WHERE year = 2009")[0][0]
    assert anyp > 83
    assert _q(sample_run, "SELECT max(len(priority_areas)) FROM projects WHERE year = 2009") == [(3,)]
    cofin = dict(_q(sample_run, "SELECT year, sum(cofinancing_first_priority_dkk) FROM projects_by_area GROUP BY 1"))
    assert round(cofin[2009] / M, 1) == 41.3 and round(cofin[2008] / M, 1) == 48.3


def test_social_committee_statement_year_totals_and_the_stated_total_warning(sample_run):
    totals = dict(_q(sample_run, "SELECT budget_year, sum(budget_dkk) FROM effort_budget WHERE department = 'SOF' "
                                 "AND statement_year = 2008 GROUP BY 1"))
    assert {y: round(v / M, 2) for y, v in totals.items()} == {2008: 26.79, 2009: 18.29, 2010: 18.29, 2011: 18.29}
    assert round(sum(totals.values()) / M, 2) == 81.66
    grand = _q(sample_run, "SELECT stated_dkk, summed_dkk, agrees, file_name, total_row, len(rows_summed) "
                           "FROM effort_control_totals WHERE department = 'SOF' AND statement_year = 2008 "
                           "AND budget_year IS NULL")
    assert grand == [(73.19 * M, 81.66 * M, False, "SOF_2008-05_efforts.csv", 21, 10)]
    # the year totals it states agree with its rows; SOF's 2009 statement agrees throughout
    assert _q(sample_run, "SELECT count(*) FROM effort_control_totals WHERE NOT agrees") == [(1,)]
    check = _check(sample_run, "effort_control_totals", "stated_totals_match_rows")
    assert not check.passed and check.severity == dg.AssetCheckSeverity.WARN
    examples = " ".join(check.metadata["examples"].value)
    assert "SOF_2008-05_efforts.csv" in examples and "total_row=21" in examples and "all years" in examples
    # the stated figure is never used: the published budget is the rows'
    assert _q(sample_run, "SELECT sum(budget_dkk) FROM budget_by_committee WHERE year = 2008 AND committee = 'SOU'"
              ) == [(26.79 * M,)]


def test_the_run_summary_names_the_budget_the_projects_and_the_statement_that_disagrees(sample_run):
    from pipelines.summary import _other_half

    lines = _other_half(sample_run.public_db)
    assert lines == [
        "  Budget for integration efforts 2009 (budget_by_area): 476.8 M DKK in 6 areas",
        "  Project bank 2009 (projects_by_area): 83 active projects, municipal co-financing 41.3 M DKK",
        "  Statements whose own totals differ from their rows (warned; the rows are used): SOF 2008 row 21"]


def test_carry_forward_is_declared_and_flagged_and_missing_is_missing(sample_run):
    tmf = _q(sample_run, "SELECT year, statement_year, carried_forward, carry_forward_note, budget_dkk "
                         "FROM budget_by_committee WHERE committee = 'TMU' ORDER BY year")
    assert [(y, s, c) for y, s, c, _, _ in tmf] == [(2007, 2007, False), (2008, 2007, True)]
    assert tmf[1][3].startswith("Teknik- og Miljøudvalget har ikke indsendt")  # Danish first
    assert _q(sample_run, "SELECT includes_carried_forward FROM budget_by_area WHERE year = 2008 AND area = 'housing'"
              ) == [(True,)]
    status = {(r, d): s for r, d, s in _q(sample_run, "SELECT round, department, efforts_status "
                                                      "FROM submission_tracker")}
    assert _check(sample_run, "budget_by_committee", "carry_forward_only_for_missing_statements").passed
    assert status[("2008-05", "TMF")] == "carried forward"
    assert status[("2009-05", "TMF")] == "missing"       # no declaration for 2009: nothing implicit
    assert status[("2009-05", "SOF")] == "accepted" and status[("2009-05", "BIF")] == "accepted"
    assert status[("2008-05", "BIF")] == "not due"       # BIF's first statement is 2009's
    projects = {(r, d): s for r, d, s in _q(sample_run, "SELECT round, department, projects_status "
                                                        "FROM submission_tracker")}
    assert projects[("2008-11", "BIF")] == "accepted" and projects[("2009-11", "BIF")] == "accepted"
    assert projects[("2009-05", "BIF")] == "not due"


def test_every_figure_names_its_file_and_row_and_efforts_link_to_indicators(sample_run):
    rows = _q(sample_run, "SELECT file_name, source_row FROM effort_budget WHERE effort_id = 'SOF-UDLEJ' "
                          "AND statement_year = 2008 ORDER BY budget_year")
    assert [r[0] for r in rows] == ["SOF_2008-05_efforts.csv"] * 4 and all(r[1] > 1 for r in rows)
    assert _q(sample_run, "SELECT count(*) FROM effort_budget WHERE file_name IS NULL OR source_row IS NULL") == [(0,)]
    linked = _q(sample_run, "SELECT effort_id, budget_statement_year_dkk FROM indicator_efforts "
                            "WHERE indicator = 'HOU-M2' AND statement_year = 2009 ORDER BY effort_id")
    assert linked == [("SOF-UDLEJ", 6.0 * M)]
    text = _q(sample_run, "SELECT activities, assessment, evaluated FROM efforts WHERE effort_id = 'SOF-UDLEJ' "
                          "AND statement_year = 2008")[0]
    assert "\n" in text[0] and text[1] == "tilfredsstillende" and text[2] is True  # line breaks kept as text


def _set_cell(path, record: int, column: str, value: str) -> None:
    """Change one cell of a CSV (record = row number in a spreadsheet, header = 1)."""
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df.loc[record - 2, column] = value
    df.to_csv(path, index=False)


def test_broken_statement_and_project_bank_are_rejected_and_the_round_goes_on(tmp_path):
    raw = copy_raw(tmp_path / "raw", ["2009-05", "2009-11"])
    _set_cell(raw / "2009-05" / "KFF_2009-05_efforts.csv", 2, "indicators", "CUL-1; XYZ-9")
    bank = raw / "2009-11" / "BIF_2009-11_projects.csv"
    df = pd.read_csv(bank, dtype=str, keep_default_na=False)
    pid = df.project_id[df.status == "active"].iloc[0]
    df.loc[df.project_id == pid, "priority_areas"] = "housing; employment; safety; education"
    df.to_csv(bank, index=False)
    run = run_barometer(raw, tmp_path / "wh")
    files = {f: (s, p) for f, s, p in _q(run, "SELECT file_name, status, first_problem FROM submission_files "
                                              "WHERE kind IN ('efforts', 'projects')", db="internal")}
    status, problem = files["KFF_2009-05_efforts.csv"]
    assert status == "rejected"
    assert "række 2" in problem and "'indicators'" in problem and "indicators_in_catalog" in problem
    status, problem = files["BIF_2009-11_projects.csv"]
    assert status == "rejected" and "'priority_areas'" in problem and "priority_areas_at_most_three" in problem
    assert all(s == "accepted" for f, (s, _) in files.items() if f not in ("KFF_2009-05_efforts.csv",
                                                                             "BIF_2009-11_projects.csv"))
    # the rest of the round: every other committee's budget is there, KFF's is not
    areas = dict(_q(run, "SELECT area, budget_mdkk FROM budget_by_area WHERE year = 2009"))
    assert "culture_leisure" not in areas and areas["education"] == 202.7
    assert _q(run, "SELECT count(*) FROM projects WHERE year = 2009") == [(0,)]
    check = _check(run, "effort_submissions", "all_files_accepted")
    assert not check.passed and check.severity == dg.AssetCheckSeverity.WARN
    tracker = dict(_q(run, "SELECT department, efforts_status FROM submission_tracker WHERE round = '2009-05'"))
    assert tracker["KFF"] == "rejected" and tracker["BUF"] == "accepted"


def test_a_corrected_statement_replaces_the_earlier_and_both_stay_queryable(tmp_path):
    raw = copy_raw(tmp_path / "raw", ["2008-05"])
    wh = tmp_path / "wh"
    first = run_barometer(raw, wh)
    assert _q(first, "SELECT agrees FROM effort_control_totals WHERE budget_year IS NULL") == [(False,)]
    # SOF corrects its grand total (81.66 M) and the § 18 funds (1.2 M) in a second version
    src = raw / "2008-05" / "SOF_2008-05_efforts.csv"
    fixed = raw / "2008-05" / "SOF_2008-05_efforts_v2.csv"
    df = pd.read_csv(src, dtype=str, keep_default_na=False)
    df.loc[(df.row_type == "total") & (df.budget_year == ""), "budget_dkk"] = str(round(81.86 * M))
    df.loc[(df.row_type == "total") & (df.budget_year == "2008"), "budget_dkk"] = str(round(26.99 * M))
    df.loc[df.effort_id == "SOF-P18", "budget_dkk"] = str(round(1.2 * M))
    df.to_csv(fixed, index=False)
    second = run_barometer(raw, wh)
    assert _q(second, "SELECT budget_dkk, version, file_name FROM effort_budget WHERE effort_id = 'SOF-P18'") == [
        (1.2 * M, 2, "SOF_2008-05_efforts_v2.csv")]
    assert _q(second, "SELECT count(*) FROM effort_control_totals WHERE NOT agrees") == [(0,)]
    assert _check(second, "effort_control_totals", "stated_totals_match_rows").passed
    # both versions stay queryable: the register of versions and every version's rows
    versions = _q(second, "SELECT version, outcome, file_name FROM submission_archive WHERE department = 'SOF' "
                          "AND round = '2008-05' AND kind = 'efforts' ORDER BY version", db="internal")
    assert versions == [(1, "accepted", "SOF_2008-05_efforts.csv"), (2, "accepted", "SOF_2008-05_efforts_v2.csv")]
    kept = _q(second, "SELECT version, budget_dkk FROM effort_rows WHERE effort_id = 'SOF-P18' ORDER BY version",
              db="internal")
    assert kept == [(1, 1.0 * M), (2, 1.2 * M)]
    assert _q(second, "SELECT status FROM submission_files WHERE file_name = 'SOF_2008-05_efforts.csv'",
              db="internal") == [("superseded",)]


@pytest.mark.parametrize("kind", ["efforts", "projects"])
def test_the_template_filled_as_its_example_is_accepted(kind, tmp_path, catalog):
    import openpyxl

    from assets.intake.templates_efforts import EXAMPLE_SHEET, FIRST_DATA_ROW, SHEET, make_template
    from assets.intake.validation import validate_file

    department, round_key = ("SOF", "2009-05") if kind == "efforts" else ("BIF", "2009-11")
    path = make_template(kind, department, round_key, tmp_path / f"{department}_{round_key}_{kind}.xlsx")
    empty = validate_file(path, catalog)
    assert not empty.accepted  # unfilled: no data rows
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == [SHEET, EXAMPLE_SHEET, "Koder"]
    for i, row in enumerate(wb[EXAMPLE_SHEET].iter_rows(min_row=FIRST_DATA_ROW, values_only=True)):
        for j, v in enumerate(row, start=1):
            wb[SHEET].cell(FIRST_DATA_ROW + i, j, v)
    wb.save(path)
    result = validate_file(path, catalog)
    assert result.accepted, result.report_text()


def test_a_declaration_for_a_committee_that_delivered_is_not_used_and_warns(tmp_path, monkeypatch):
    import shutil

    from conftest import PROJECT

    from core.settings import ENV_CATALOG

    catalog = shutil.copytree(PROJECT / "catalog", tmp_path / "catalog")
    with open(catalog / "effort_carry_forward.csv", "a", encoding="utf-8") as f:
        f.write('SOF,2009,2008,"SOF sendte ingen redegørelse","SOF sent no statement"\n')
    monkeypatch.setenv(ENV_CATALOG, str(catalog / "indicators.yaml"))
    run = run_barometer(copy_raw(tmp_path / "raw", ["2008-05", "2009-05"]), tmp_path / "wh")
    check = _check(run, "budget_by_committee", "carry_forward_only_for_missing_statements")
    assert not check.passed and check.severity == dg.AssetCheckSeverity.WARN
    assert "department=SOF" in " ".join(check.metadata["examples"].value)
    assert _q(run, "SELECT bool_or(carried_forward) FROM budget_by_committee WHERE year = 2009") == [(False,)]
    assert dict(_q(run, "SELECT area, budget_mdkk FROM budget_by_area WHERE year = 2009"))["housing"] == 18.5


@pytest.mark.parametrize("line, problem", [
    ("XXX,2008,2007,a,b", "unknown department"),
    ("TMF,2008,2008,a,b", "from_year must be before year"),
    ("TMF,2008,2007,,b", "note_da"),
    ("TMF,2008,2006,a,b", "declared more than once"),
])
def test_an_invalid_carry_forward_declaration_is_refused_naming_it(line, problem, tmp_path):
    from conftest import PROJECT

    from schemas.efforts import load_carry_forward

    path = tmp_path / "effort_carry_forward.csv"
    path.write_text((PROJECT / "catalog" / "effort_carry_forward.csv").read_text(encoding="utf-8") + line + "\n",
                    encoding="utf-8")
    with pytest.raises(ValueError, match=problem) as e:
        load_carry_forward(path)
    assert str(path) in str(e.value)
