"""The contracts in assets/<domain>/contracts/ hold for what is published: their tests (unique key, not
null, accepted values) pass on the sample run's barometer.duckdb, every table and column carries
its contract's text as a comment, docs/warehouse.md shows the same columns, and a table that
strays from its contract is never published."""

from __future__ import annotations

import importlib.util
import os

import dagster as dg
import duckdb
import pytest
from conftest import PROJECT

from assets.publish.swap import publish
from core.contracts import ContractError, comment_sql, load_contract, load_contracts, published

CONTRACTS = published()
NAMES = [c.name for c in CONTRACTS]
BY_NAME = {c.name: c for c in CONTRACTS}


def _plain(text: str) -> str:
    """A description as the comment reads (comment_sql's literal without its quotes)."""
    return comment_sql(text)[1:-1].replace("''", "'")


def _ident(name: str) -> str:
    return f'"{name}"'


# -- the contracts' tests, on the published file --------------------------------------------------

@pytest.mark.parametrize("c", [c for c in CONTRACTS if c.tests.unique], ids=lambda c: c.name)
def test_unique_key(sample_run, c):
    key = ", ".join(map(_ident, c.tests.unique))
    with sample_run.public() as con:
        dupes = con.execute(f"SELECT {key}, count(*) AS n FROM {c.name} GROUP BY ALL HAVING n > 1 LIMIT 5").fetchall()
    assert not dupes, f"{c.name}: ({key}) is not unique, e.g. {dupes}"


@pytest.mark.parametrize("c", [c for c in CONTRACTS if c.tests.not_null], ids=lambda c: c.name)
def test_not_null(sample_run, c):
    counts = ", ".join(f"count(*) FILTER (WHERE {_ident(col)} IS NULL)" for col in c.tests.not_null)
    with sample_run.public() as con:
        nulls = con.execute(f"SELECT {counts} FROM {c.name}").fetchone()
        assert con.execute(f"SELECT count(*) FROM {c.name}").fetchone()[0] > 0, f"{c.name} is empty"
    found = {col: n for col, n in zip(c.tests.not_null, nulls) if n}
    assert not found, f"{c.name}: NULLs in columns declared not_null: {found}"


@pytest.mark.parametrize("c", [c for c in CONTRACTS if c.tests.accepted_values], ids=lambda c: c.name)
def test_accepted_values(sample_run, c):
    wrong = {}
    with sample_run.public() as con:
        for col, values in c.tests.accepted_values.items():
            seen = {r[0] for r in con.execute(f"SELECT DISTINCT {_ident(col)} FROM {c.name}").fetchall()}
            if extra := seen - set(values):
                wrong[col] = sorted(extra, key=str)
    assert not wrong, f"{c.name}: values outside accepted_values: {wrong}"


# -- the published file is what the contracts declare ----------------------------------------------

def test_published_tables_are_the_contracts(sample_run):
    with sample_run.public() as con:
        tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    assert tables == set(NAMES)
    marts = {p.stem for p in (sample_run.warehouse / "marts").glob("*.parquet")}
    assert marts == {c.name for c in CONTRACTS if c.kind == "mart"}


@pytest.mark.parametrize("c", CONTRACTS, ids=lambda c: c.name)
def test_columns_types_and_comments_are_the_contracts(sample_run, c):
    with sample_run.public() as con:
        table_comment = con.execute("SELECT comment FROM duckdb_tables() WHERE table_name = ?", [c.name]).fetchone()[0]
        columns = con.execute("SELECT column_name, data_type, comment FROM duckdb_columns() WHERE table_name = ? "
                              "ORDER BY column_index", [c.name]).fetchall()
    assert table_comment and table_comment == _plain(c.description)
    assert [(n, t) for n, t, _ in columns] == [(col.name, col.type) for col in c.columns]
    uncommented = [n for n, _, comment in columns if not (comment or "").strip()]
    assert not uncommented, f"{c.name}: columns without a comment: {uncommented}"
    assert {n: comment for n, _, comment in columns} == {col.name: _plain(col.description) for col in c.columns}


def test_docs_column_tables_match_the_contracts():
    spec = importlib.util.spec_from_file_location("_contract_docs", PROJECT / "tools" / "contract_docs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    problems = module.check()
    assert not problems, "docs/warehouse.md differs from the contracts (run python tools/contract_docs.py " \
                         "--write):\n" + "\n".join(problems)


def test_dagster_shows_the_column_schema_and_row_count(sample_run):
    from pipelines.definitions import defs

    graph = defs.resolve_asset_graph()
    for table in ("barometer_history", "district_values", "submission_tracker", "housing_areas", "round_summary",
                  "housing_summary", "indicators"):
        schema = graph.get(dg.AssetKey(table)).metadata["dagster/column_schema"]
        assert [col.name for col in schema.columns] == [col.name for col in BY_NAME[table].columns]
        mats = sample_run.result.asset_materializations_for_node(table)
        assert mats and mats[-1].metadata["dagster/row_count"].value > 0
    with sample_run.public() as con:
        n = con.execute("SELECT count(*) FROM barometer_history").fetchone()[0]
    assert sample_run.result.asset_materializations_for_node("barometer_history")[-1].metadata[
        "dagster/row_count"].value == n
    # every table's columns also on the publication
    published_meta = sample_run.result.asset_materializations_for_node("published_warehouse")[-1].metadata
    assert {f"columns_{name}" for name in NAMES} <= set(published_meta)
    assert [col.name for col in published_meta["columns_round_summary"].schema.columns] == \
        [col.name for col in BY_NAME["round_summary"].columns]


# -- contract files are validated ---------------------------------------------------------------------

GOOD = """name: t
description: A table.
grain: row
owner: team:bif
public: true
columns:
  - {name: a, type: VARCHAR, description: the key}
  - {name: b, type: BIGINT, description: a count}
tests:
  unique: [a]
"""


@pytest.mark.parametrize("change, message", [
    (("public: true", "public: true\npublc: false"), "t.yml: publc: Extra inputs are not permitted"),
    (("description: a count", "description: ''"), "t.yml: columns[b].description"),
    (("{name: b, type: BIGINT", "{name: a, type: BIGINT"), "duplicate columns ['a']"),
    (("type: BIGINT", "type: BIGINTEGER"), "t.yml: columns[b].type: Value error, unknown DuckDB type"),
    (("type: BIGINT, description: a count", "type: BIGINT, descripton: a count"), "columns[b].descripton"),
    (("unique: [a]", "unique: [a, c]"), "tests name columns the contract does not have: ['unique: c']"),
    (("name: t\n", "name: other\n"), "t.yml: name: 'other' differs from the file name 't'"),
])
def test_invalid_contracts_name_file_and_key(tmp_path, change, message):
    (tmp_path / "t.yml").write_text(GOOD.replace(*change), encoding="utf-8")
    with pytest.raises(ContractError) as err:
        load_contract(tmp_path / "t.yml")
    assert message in str(err.value)


def test_every_contract_in_the_project_loads():
    contracts = load_contracts()
    assert {"indicators", "districts"} <= set(contracts)
    assert contracts["indicators"].kind == "reference" and contracts["indicators"].build.sql == "indicators.sql"


# -- publication checks the tables against the contracts, before the swap ----------------------------

def _setup(tmp_path, columns_sql: str):
    (tmp_path / "t.yml").write_text(GOOD, encoding="utf-8")
    contracts = [load_contract(tmp_path / "t.yml")]
    con = duckdb.connect()
    con.execute(f"CREATE TABLE t AS SELECT {columns_sql}")
    wh = tmp_path / "warehouse"
    wh.mkdir()
    return con, contracts, wh / "barometer.duckdb", wh / "marts"


def test_publish_comments_and_types_an_all_null_column_by_the_contract(tmp_path):
    con, contracts, public_db, marts = _setup(tmp_path, "'x' AS a, NULL AS b")
    assert publish(con, public_db, marts, "run1", contracts) == {"t": 1}
    with duckdb.connect(str(public_db), read_only=True) as pub:
        assert pub.execute("SELECT data_type, comment FROM duckdb_columns() WHERE column_name = 'b'"
                           ).fetchone() == ("BIGINT", "a count")
        assert pub.execute("SELECT comment FROM duckdb_tables()").fetchone()[0] == "A table."
    assert (marts / "t.parquet").exists()


@pytest.mark.parametrize("columns_sql, problem", [
    ("'x' AS a, 1::BIGINT AS b, 2 AS c", "t: columns not in its contract t.yml: c"),
    ("'x' AS a", "t: contract columns the table does not have: b"),
    ("'x' AS a, 1.5 AS b", "t.b: type DECIMAL(2,1), contract says BIGINT"),
])
def test_publish_refuses_a_table_that_strays_from_its_contract(tmp_path, columns_sql, problem):
    con, contracts, public_db, marts = _setup(tmp_path, columns_sql)
    public_db.write_bytes(b"the published warehouse")   # stands for the file BI tools read
    with pytest.raises(ContractError) as err:
        publish(con, public_db, marts, "run2", contracts)
    assert problem in str(err.value) and "nothing was published" in str(err.value)
    assert public_db.read_bytes() == b"the published warehouse"
    assert sorted(os.listdir(public_db.parent)) == ["barometer.duckdb"]   # no half-built copy left
