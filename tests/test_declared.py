"""Tables are declared by their contracts (core/declared.py): one asset per published table, made
from the contract's build:, deps: and checks:; a new public mart is one SQL file and one contract,
and nothing else is edited."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections import Counter

import dagster as dg
import duckdb
import pytest
from conftest import PROJECT

from core.contracts import ContractError, load_contract, load_contracts, published
from core.declared import contract_assets
from core.warehouse import Warehouse
from pipelines.definitions import defs


def _keys(graph) -> set[str]:
    return {k.to_user_string() for k in graph.get_all_asset_keys()}


# -- every published table has one asset of its own ---------------------------------------------------

def test_every_public_table_is_written_by_exactly_one_asset():
    graph = defs.resolve_asset_graph()
    writers = Counter(c.writer for c in published())
    assert set(writers) <= _keys(graph), f"tables whose asset is not defined: {set(writers) - _keys(graph)}"
    assert [w for w, n in writers.items() if n > 1] == [], "an asset writes more than one published table"
    parents = {k.to_user_string() for k in graph.get(dg.AssetKey("published_warehouse")).parent_keys}
    assert parents == set(writers)


def test_every_contract_with_a_build_is_its_asset():
    graph = defs.resolve_asset_graph()
    declared = [c for c in load_contracts().values() if c.build]
    assert {c.name for c in published()} <= {c.name for c in declared}   # every published table, today
    for c in declared:
        node = graph.get(dg.AssetKey(c.name))
        assert node.description == c.description
        assert node.owners == [c.owner]
        assert node.group_name == (c.group or c.domain)
        assert node.metadata["spec"] == c.spec_link
        schema = node.metadata["dagster/column_schema"]
        assert [(col.name, col.type) for col in schema.columns] == [(col.name, col.type) for col in c.columns]
        assert {k.to_user_string() for k in node.parent_keys} >= {d for d in c.deps if "*" not in d}
    # the patterns: every policy area feeds the history and the districts, every intake the tracker
    areas = {k for k in _keys(graph) if k.endswith("_indicators")}
    for table in ("barometer_history", "district_values"):
        assert {k.to_user_string() for k in graph.get(dg.AssetKey(table)).parent_keys} == areas


def test_each_asset_reports_the_rows_of_the_table_it_publishes(sample_run):
    with sample_run.public() as con:
        for c in published():
            n = con.execute(f"SELECT count(*) FROM {c.name}").fetchone()[0]
            mats = sample_run.result.asset_materializations_for_node(c.writer)
            assert mats and mats[-1].metadata["dagster/row_count"].value == n, c.name


# -- a new mart: one SQL file and one contract ----------------------------------------------------------

NEW_SQL = """-- measurements per indicator (a mart added by the test)
SELECT indicator, count(*) AS measurements
FROM barometer_history GROUP BY indicator ORDER BY indicator
"""

NEW_CONTRACT = """name: measurements_per_indicator
description: How many measurements each indicator has at city level.
grain: indicator
owner: team:bif
public: true
build: {sql: measurements_per_indicator.sql}
deps: [barometer_history]
columns:
- {name: indicator, type: VARCHAR, description: indicator code}
- {name: measurements, type: BIGINT, description: its measurements in barometer_history}
tests:
  unique: [indicator]
  not_null: [indicator, measurements]
"""

# Run in the copy of the project: its definitions, then the new asset and the publication on a
# copy of the sample run's warehouse.
SCRIPT = """
import json, sys
import dagster as dg
from pipelines.definitions import defs
graph = defs.resolve_asset_graph()
new = dg.AssetKey("measurements_per_indicator")
node = graph.get(new)
out = {"keys": sorted(k.to_user_string() for k in graph.get_all_asset_keys()),
       "published_deps": sorted(k.to_user_string() for k in graph.get(dg.AssetKey("published_warehouse")).parent_keys),
       "group": node.group_name, "owners": list(node.owners), "kinds": sorted(node.kinds),
       "deps": sorted(k.to_user_string() for k in node.parent_keys)}
result = defs.resolve_implicit_global_asset_job_def().execute_in_process(
    asset_selection=[new, dg.AssetKey("published_warehouse")], instance=dg.DagsterInstance.ephemeral())
out["rows"] = result.asset_materializations_for_node("measurements_per_indicator")[-1].metadata[
    "dagster/row_count"].value
print(json.dumps(out))
"""

CODE = ["assets", "core", "schemas", "pipelines", "catalog", "tools", "docs"]


def test_a_contract_and_a_sql_file_add_one_published_mart(tmp_path, sample_run):
    project = tmp_path / "project"
    for folder in CODE:
        shutil.copytree(PROJECT / folder, project / folder, ignore=shutil.ignore_patterns("__pycache__"))
    (project / "assets" / "marts" / "sql" / "measurements_per_indicator.sql").write_text(NEW_SQL, encoding="utf-8")
    (project / "assets" / "marts" / "contracts" / "measurements_per_indicator.yml").write_text(
        NEW_CONTRACT, encoding="utf-8")
    warehouse = tmp_path / "warehouse"
    shutil.copytree(sample_run.warehouse, warehouse, symlinks=True)
    env = {**os.environ, "PYTHONPATH": str(project), "BAROMETER_WAREHOUSE_DIR": str(warehouse),
           "BAROMETER_RAW_DIR": str(sample_run.raw)}
    env.pop("BAROMETER_CATALOG", None)

    def run(*args):
        out = subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=project, env=env,
                             timeout=600)
        assert out.returncode == 0, out.stderr[-3000:]
        return out.stdout

    found = json.loads(run("-c", SCRIPT).strip().splitlines()[-1])

    before = _keys(defs.resolve_asset_graph())
    assert set(found["keys"]) == before | {"measurements_per_indicator"}   # exactly one asset more
    assert "measurements_per_indicator" in found["published_deps"]
    assert (found["group"], found["owners"], found["kinds"], found["deps"]) == (
        "marts", ["team:bif"], ["duckdb", "sql"], ["barometer_history"])

    c = load_contract(project / "assets" / "marts" / "contracts" / "measurements_per_indicator.yml")
    with duckdb.connect(str(warehouse / "barometer.duckdb"), read_only=True) as pub:
        assert pub.execute("SELECT comment FROM duckdb_tables() WHERE table_name = ?", [c.name]).fetchone() == (
            c.description,)
        assert pub.execute("SELECT column_name, data_type, comment FROM duckdb_columns() WHERE table_name = ? "
                           "ORDER BY column_index", [c.name]).fetchall() == [
            (col.name, col.type, col.description) for col in c.columns]
        rows = pub.execute("SELECT count(*), sum(measurements) FROM measurements_per_indicator").fetchone()
        history = pub.execute("SELECT count(DISTINCT indicator), count(*) FROM barometer_history").fetchone()
    assert rows == history and found["rows"] == rows[0]
    assert (warehouse / "marts" / "measurements_per_indicator.parquet").exists()

    # the docs: one command adds the table's section, and then they match the contracts
    run("tools/contract_docs.py", "--write")
    run("tools/contract_docs.py", "--check")
    doc = (project / "docs" / "warehouse.md").read_text(encoding="utf-8")
    assert "## measurements_per_indicator\n" in doc and "| `measurements` | BIGINT |" in doc


# -- the factory on its own -----------------------------------------------------------------------------

def _contract(tmp_path, body: str, sql: dict[str, str] | None = None):
    domain = tmp_path / "assets" / "demo"
    (domain / "contracts").mkdir(parents=True, exist_ok=True)
    (domain / "sql").mkdir(exist_ok=True)
    for name, text in (sql or {}).items():
        (domain / "sql" / name).write_text(text, encoding="utf-8")
    path = domain / "contracts" / "t.yml"
    path.write_text(body, encoding="utf-8")
    return load_contract(path)


BASE = """name: t
description: A table.
grain: row
owner: team:bif
public: false
columns:
  - {name: a, type: BIGINT, description: a number}
"""


def test_a_declared_asset_builds_reports_and_checks(tmp_path):
    c = _contract(tmp_path, BASE + """build: {sql: t.sql}
checks:
  - {name: no_twos, description: no row is 2, severity: warn, sql: 'SELECT a FROM t WHERE a = 2'}
""", {"t.sql": "-- three rows\nSELECT CAST(range AS BIGINT) AS a FROM range(3);\n"})
    [asset] = contract_assets(contracts=[c])
    assert asset.key == dg.AssetKey("t") and asset.group_names_by_key[asset.key] == "demo"
    assert asset.specs_by_key[asset.key].kinds == {"duckdb", "sql"}
    result = dg.materialize([asset], resources={"warehouse": Warehouse(warehouse_dir=str(tmp_path / "wh"))},
                            instance=dg.DagsterInstance.ephemeral())
    assert result.asset_materializations_for_node("t")[-1].metadata["dagster/row_count"].value == 3
    [check] = result.get_asset_check_evaluations()
    assert not check.passed and check.severity == dg.AssetCheckSeverity.WARN
    assert check.metadata["failing_rows"].value == 1


def test_a_sql_script_and_a_python_build(tmp_path):
    c = _contract(tmp_path, BASE + "build: {sql: t.sql}\n", {"t.sql": (
        "CREATE OR REPLACE TABLE t AS SELECT 1::BIGINT AS a;\nINSERT INTO t VALUES ($min_count);\n")})
    [asset] = contract_assets(contracts=[c])
    result = dg.materialize([asset], resources={"warehouse": Warehouse(warehouse_dir=str(tmp_path / "wh"))},
                            instance=dg.DagsterInstance.ephemeral())
    assert result.asset_materializations_for_node("t")[-1].metadata["rows"].value == 2

    c = _contract(tmp_path, BASE + "build: {python: test_declared:_build_t}\n")
    [asset] = contract_assets(contracts=[c])
    result = dg.materialize([asset], resources={"warehouse": Warehouse(warehouse_dir=str(tmp_path / "wh2"))},
                            instance=dg.DagsterInstance.ephemeral())
    meta = result.asset_materializations_for_node("t")[-1].metadata
    assert meta["rows"].value == 4 and meta["run"].value == result.run_id
    assert meta["frame"].value.startswith("|")   # a DataFrame is shown as a markdown table


def _build_t(con, ctx) -> dict:
    import pandas as pd

    from core.warehouse import write_table

    frame = pd.DataFrame({"a": [1, 2, 3, 4]})
    write_table(con, "t", frame)
    return {"run": ctx.run_id, "frame": frame}


@pytest.mark.parametrize("extra, message", [
    ("build: {sql: t.sql, python: 'a.b:c'}\n", "give exactly one of sql"),
    ("build: {sql: missing.sql}\n", "t.yml: build.sql: no file missing.sql in assets/demo/sql/"),
    ("deps: [x]\n", "deps describe the asset build: declares; this contract has no build:"),
    ("build: {sql: t.sql}\nasset: other\n", "asset: names a hand-written asset"),
    ("build: {python: not a path}\n", "build.python"),
])
def test_invalid_declarations_name_the_key(tmp_path, extra, message):
    with pytest.raises(ContractError) as err:
        _contract(tmp_path, BASE + extra, {"t.sql": "SELECT 1::BIGINT AS a\n"})
    assert message in str(err.value)


@pytest.mark.parametrize("extra, message", [
    ("build: {sql: t.sql}\ndeps: [no_such_asset]\n", "t.yml: deps: 'no_such_asset' names no asset"),
    ("build: {sql: t.sql}\ndeps: ['*_nothing']\n", "t.yml: deps: '*_nothing' names no asset"),
    ("build: {python: 'test_declared:no_such_function'}\n", "t.yml: build.python: cannot import"),
])
def test_unknown_deps_and_functions_fail_when_the_definitions_load(tmp_path, extra, message):
    c = _contract(tmp_path, BASE + extra, {"t.sql": "SELECT 1::BIGINT AS a\n"})
    with pytest.raises(ContractError) as err:
        contract_assets(upstream=[dg.AssetKey("barometer_history")], contracts=[c])
    assert message in str(err.value)
