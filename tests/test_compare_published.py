"""tools/compare_published.py, with which the domain layout was shown not to change what is
published: it finds two dumps of one warehouse identical, and finds a changed value, a lost row
and a changed column type."""

from __future__ import annotations

import importlib.util
import json
import shutil

import duckdb
import pytest
from conftest import PROJECT


@pytest.fixture(scope="module")
def tool():
    spec = importlib.util.spec_from_file_location("compare_published", PROJECT / "tools" / "compare_published.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _rewrite(path, select: str) -> None:
    tmp = path.with_suffix(".tmp.parquet")
    with duckdb.connect() as con:
        con.execute(f"COPY ({select.format(t=f'read_parquet({str(path)!r})')}) TO '{tmp}' (FORMAT parquet)")
    tmp.replace(path)


def test_identical_dumps_and_each_kind_of_difference(tool, sample_run, tmp_path, capsys):
    a, b = tmp_path / "a", tmp_path / "b"
    assert tool.main(["dump", str(sample_run.warehouse), str(a)]) == 0
    assert tool.main(["dump", str(sample_run.warehouse), str(b)]) == 0
    assert tool.main(["compare", str(a), str(b)]) == 0
    assert "identical" in capsys.readouterr().out

    table = b / "duckdb.barometer_latest.parquet"
    _rewrite(table, "SELECT * REPLACE (CASE WHEN indicator = 'EMP-M' THEN value + 0.1 ELSE value END AS value) "
                    "FROM {t}")
    assert tool.main(["compare", str(a), str(b)]) == 1
    assert "duckdb.barometer_latest: rows A" in capsys.readouterr().out

    shutil.copy(a / "duckdb.barometer_latest.parquet", table)
    _rewrite(b / "duckdb.district_values.parquet", "SELECT * FROM {t} LIMIT (SELECT count(*) - 1 FROM {t})")
    assert tool.main(["compare", str(a), str(b)]) == 1
    assert "duckdb.district_values: rows A" in capsys.readouterr().out

    manifest = json.loads((b / "manifest.json").read_text(encoding="utf-8"))
    manifest["duckdb.district_values"] = [[c, "BIGINT" if c == "rank" else t]
                                          for c, t in manifest["duckdb.district_values"]]
    (b / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert tool.main(["compare", str(a), str(b)]) == 1
    assert "columns differ" in capsys.readouterr().out
