"""Adding a department with its own indicator touches data only: a row of the departments code
list and an entry of the catalog. In a copy of the project with just those two edits, the new
department gets its intake asset (and check) and its tracker row, its file is validated and
staged, the indicator is computed in its policy area's asset and published in the marts, with no
code changed (README, "How it fits together"; the closing note of the domain-layout issue)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import duckdb
from conftest import PROJECT, copy_raw

CODE = ["assets", "core", "schemas", "pipelines", "catalog"]

DEPARTMENT = "SEK,SEK,Borgerrepræsentationens Sekretariat,City Council Secretariat,team:sek\n"
INDICATOR = """
  - code: CIT-9
    area: citizenship
    title_da: Antal borgere med etnisk minoritetsbaggrund i lokaludvalg
    title_en: Ethnic-minority citizens on local district committees
    definition_en: "Members of the local district committees with an ethnic-minority background (register)."
    definition_da: "Medlemmer af lokaludvalgene med etnisk minoritetsbaggrund (register)."
    unit: count
    decimals: 0
    computation: count
    group: IMM
    direction: must_rise
    baseline: "2008-03"
    targets: [{value: 40, date: "2010-12"}]
    responsible: SEK
    delivered_by: SEK
    source_kind: register
    due_in: [spring]
    districts: false
"""
HEADER = "department,round,indicator,reference_period,district,subunit,group,sex,numerator,denominator,value,sd,note\n"

SCRIPT = """
import json
import dagster as dg
from pipelines.definitions import defs
graph = defs.resolve_asset_graph()
node = graph.get(dg.AssetKey("sek_submissions"))
area = graph.get(dg.AssetKey("citizenship_indicators"))
print(json.dumps({"keys": sorted(k.to_user_string() for k in graph.get_all_asset_keys()),
                  "owners": list(node.owners), "group": node.group_name,
                  "checks": sorted(k.name for k in node.check_keys),
                  "area_deps": sorted(k.to_user_string() for k in area.parent_keys)}))
"""


def test_a_new_department_and_indicator_need_only_the_code_list_and_the_catalog(tmp_path):
    project = tmp_path / "project"
    for folder in CODE:
        shutil.copytree(PROJECT / folder, project / folder, ignore=shutil.ignore_patterns("__pycache__"))
    departments = project / "schemas" / "code_lists" / "departments.csv"
    departments.write_text(departments.read_text(encoding="utf-8") + DEPARTMENT, encoding="utf-8")
    catalog = project / "catalog" / "indicators.yaml"
    catalog.write_text(catalog.read_text(encoding="utf-8").rstrip("\n") + "\n" + INDICATOR, encoding="utf-8")

    raw = copy_raw(tmp_path / "raw", rounds=["2008-05", "2009-05"])
    for rnd, period, n in (("2008-05", "2008-03", 21), ("2009-05", "2009-03", 27)):
        (raw / rnd / f"SEK_{rnd}.csv").write_text(
            HEADER + f"SEK,{rnd},CIT-9,{period},KBH,,IMM,T,{n},,,,\n", encoding="utf-8")
    warehouse = tmp_path / "warehouse"
    env = {**os.environ, "PYTHONPATH": str(project), "BAROMETER_RAW_DIR": str(raw),
           "BAROMETER_WAREHOUSE_DIR": str(warehouse), "DAGSTER_HOME": str(tmp_path / "dagster_home")}
    env.pop("BAROMETER_CATALOG", None)

    def run(*args: str) -> str:
        out = subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=project, env=env,
                             timeout=900)
        assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-3000:]
        return out.stdout

    graph = json.loads(run("-c", SCRIPT).strip().splitlines()[-1])
    assert "sek_submissions" in graph["keys"]
    assert (graph["owners"], graph["group"], graph["checks"]) == (["team:sek"], "intake", ["all_files_accepted"])
    assert "sek_submissions" in graph["area_deps"]

    run("-m", "pipelines.cli", "run")
    with duckdb.connect(str(warehouse / "barometer.duckdb"), read_only=True) as pub:
        history = pub.execute("SELECT reference_period, value FROM barometer_history WHERE indicator = 'CIT-9' "
                              "ORDER BY reference_date").fetchall()
        latest = pub.execute("SELECT value, baseline_value, target_value FROM barometer_latest "
                             "WHERE indicator = 'CIT-9'").fetchone()
        tracker = pub.execute("SELECT round, status FROM submission_tracker WHERE department = 'SEK' "
                              "ORDER BY round").fetchall()
        listed = pub.execute("SELECT responsible, delivered_by FROM indicators WHERE code = 'CIT-9'").fetchone()
    assert history == [("2008-03", 21.0), ("2009-03", 27.0)]
    assert latest == (27.0, 21.0, 40.0)
    assert tracker == [("2008-05", "accepted"), ("2008-11", "not due"), ("2009-05", "accepted")]
    assert listed == ("SEK", "SEK")
