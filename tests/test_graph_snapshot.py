"""The asset graph as text, compared with tests/snapshots/asset_graph.txt.

Any change to the graph (an asset, its group, owners, kinds, partitioning or upstream assets, an
asset check, a job, a schedule or a sensor) shows up as a diff here, so it is reviewed on
purpose. After an intended change: `make update-snapshot` (UPDATE_SNAPSHOT=1) rewrites the file;
commit it with the change."""

import difflib
import os

import pytest

from core.settings import PROJECT_ROOT
from pipelines.definitions import defs

SNAPSHOT = PROJECT_ROOT / "tests" / "snapshots" / "asset_graph.txt"


def _enum(value) -> str:
    return getattr(value, "value", str(value))


def render_graph() -> str:
    """A stable, sorted text of the definitions: the same graph always renders the same bytes."""
    graph = defs.resolve_asset_graph()
    repo = defs.get_repository_def()
    lines = ["# The barometer's asset graph. Rewrite with `make update-snapshot` after an intended change.", ""]

    keys = sorted(graph.get_all_asset_keys(), key=lambda k: k.to_user_string())
    lines.append(f"assets ({len(keys)})")
    for key in keys:
        node = graph.get(key)
        lines.append(f"  {key.to_user_string()}")
        lines.append(f"    group: {node.group_name}")
        lines.append(f"    owners: {', '.join(sorted(node.owners)) or '-'}")
        lines.append(f"    kinds: {', '.join(sorted(node.kinds)) or '-'}")
        lines.append(f"    partitioned: {'yes' if node.is_partitioned else 'no'}")
        deps = sorted(k.to_user_string() for k in node.parent_keys)
        lines.append(f"    deps: {', '.join(deps) or '-'}")

    checks = sorted((c.asset_key.to_user_string(), c.name) for c in graph.asset_check_keys)
    lines += ["", f"asset checks ({len(checks)})"]
    lines += [f"  {asset}: {name}" for asset, name in checks]

    # __ASSET_JOB is the implicit job Dagster builds for every definitions object.
    jobs = sorted(j.name for j in repo.get_all_jobs() if not j.name.startswith("__"))
    lines += ["", f"jobs ({len(jobs)})"]
    lines += [f"  {name}" for name in jobs]

    schedules = sorted(repo.schedule_defs, key=lambda s: s.name)
    lines += ["", f"schedules ({len(schedules)})"]
    lines += [f"  {s.name}: cron '{s.cron_schedule}', timezone {s.execution_timezone}, "
              f"default {_enum(s.default_status)}, job {s.job_name}" for s in schedules]

    sensors = sorted(repo.sensor_defs, key=lambda s: s.name)
    lines += ["", f"sensors ({len(sensors)})"]
    lines += [f"  {s.name}: default {_enum(s.default_status)}" for s in sensors]
    return "\n".join(lines) + "\n"


def test_asset_graph_matches_snapshot():
    current = render_graph()
    if os.environ.get("UPDATE_SNAPSHOT") == "1":
        SNAPSHOT.parent.mkdir(parents=True, exist_ok=True)
        SNAPSHOT.write_text(current, encoding="utf-8")
        return
    if not SNAPSHOT.exists():
        pytest.fail(f"{SNAPSHOT.relative_to(PROJECT_ROOT)} is missing: run `make update-snapshot` and commit it")
    recorded = SNAPSHOT.read_text(encoding="utf-8")
    if current != recorded:
        diff = "".join(difflib.unified_diff(recorded.splitlines(keepends=True), current.splitlines(keepends=True),
                                            fromfile="tests/snapshots/asset_graph.txt (recorded)",
                                            tofile="asset graph (current definitions)"))
        pytest.fail("The asset graph differs from its snapshot. If the change is intended, run "
                    "`make update-snapshot` and commit the file.\n" + diff, pytrace=False)


def test_rendering_is_stable():
    assert render_graph() == render_graph()
