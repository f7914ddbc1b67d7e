"""The definitions load, and the graph reads as the data team expects in the UI."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import dagster as dg

from core.settings import PROJECT_ROOT
from pipelines.definitions import defs
from schemas.code_lists import department_codes

AREAS = ["employment", "education", "housing", "safety", "culture_leisure", "health_care"]


def _graph():
    return defs.resolve_asset_graph()


def test_definitions_validate_loadable():
    dg.Definitions.validate_loadable(defs)


def test_dagster_cli_validates_definitions(tmp_path):
    # A Dagster home of its own, as on a clean clone where no run has created .dagster_home yet.
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(PROJECT_ROOT / "dagster.yaml", home / "dagster.yaml")
    exe = Path(sys.executable).with_name("dagster")
    out = subprocess.run([str(exe), "definitions", "validate", "-m", "pipelines.definitions"],
                         capture_output=True, text=True, timeout=300, cwd=PROJECT_ROOT,
                         env={**os.environ, "DAGSTER_HOME": str(home)})
    assert out.returncode == 0, out.stderr[-2000:]
    assert "Validation successful" in out.stderr + out.stdout


def test_every_department_has_an_intake_asset_owned_by_it():
    graph = _graph()
    for dept in department_codes():
        node = graph.get(dg.AssetKey(f"{dept.lower()}_submissions"))
        assert node.group_name == "intake"
        assert node.owners == [f"team:{dept.lower()}"]
        assert node.partitions_def is not None
        assert node.description and dept in node.description
        assert {"pandera", "duckdb"} <= set(node.kinds)


def test_area_assets_grouped_by_policy_area_with_owners_and_descriptions():
    graph = _graph()
    for area in AREAS:
        node = graph.get(dg.AssetKey(f"{area}_indicators"))
        assert node.group_name == area
        assert node.owners and all(o.startswith("team:") for o in node.owners)
        assert node.description
        assert "duckdb" in node.kinds


def test_lineage_runs_from_department_file_to_published_mart():
    graph = _graph()
    upstream = graph.get(dg.AssetKey("published_warehouse")).parent_keys
    assert {dg.AssetKey(k) for k in ("barometer_history", "barometer_latest", "district_values")} <= upstream
    emp = graph.get(dg.AssetKey("employment_indicators")).parent_keys
    assert dg.AssetKey("bif_submissions") in emp and dg.AssetKey("okf_submissions") in emp
    housing = graph.get(dg.AssetKey("housing_indicators")).parent_keys
    assert {dg.AssetKey("tmf_submissions"), dg.AssetKey("sof_submissions")} <= housing


def test_job_schedules_and_sensor():
    repo = defs.get_repository_def()
    assert repo.has_job("barometer_job")
    crons = {s.name: s.cron_schedule for s in repo.schedule_defs}
    assert crons == {"spring_round": "0 6 20 5 *", "november_round": "0 6 20 11 *"}
    # the sensor on raw/, and the two that notify (pipelines/notify.py)
    assert sorted(s.name for s in repo.sensor_defs) == ["new_file_in_raw", "notify_on_overdue_delivery",
                                                        "notify_on_run_failure"]
    # on a laptop (the local profile) nothing runs by itself; production: docs/deployment.md
    assert {s.default_status for s in repo.schedule_defs} == {dg.DefaultScheduleStatus.STOPPED}
    assert {s.default_status for s in repo.sensor_defs} == {dg.DefaultSensorStatus.STOPPED}


def test_schedules_request_the_round_of_their_month():
    import datetime as dt

    from pipelines.schedules import november_round, spring_round

    for sched, when, key in [(spring_round, dt.datetime(2009, 5, 20, 6), "2009-05"),
                             (november_round, dt.datetime(2010, 11, 20, 6), "2010-11")]:
        ctx = dg.build_schedule_context(scheduled_execution_time=when)
        req = sched(ctx)
        assert req.partition_key == key


def test_rounds_are_may_and_november_partitions():
    from core.partitions import rounds

    keys = rounds.get_partition_keys()
    assert keys[:3] == ["2006-11", "2007-05", "2007-11"]
    assert all(k[-2:] in ("05", "11") for k in keys)


def test_importing_definitions_reads_no_raw_files(tmp_path, monkeypatch):
    """Import builds the graph from the catalog only: an empty raw dir changes nothing."""
    monkeypatch.setenv("BAROMETER_RAW_DIR", str(tmp_path / "nowhere"))
    import importlib

    import pipelines.definitions as d

    importlib.reload(d)
    assert len(list(d.defs.resolve_asset_graph().get_all_asset_keys())) == len(
        list(_graph().get_all_asset_keys()))
