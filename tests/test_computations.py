"""What each catalog computation implies is one code list (schemas/code_lists/computations.csv),
validated when loaded and read everywhere: no module or query lists computations itself, only
the formulas in observations.sql name them."""

from __future__ import annotations

import importlib
import re
import shutil
import typing

import pytest
from conftest import PROJECT

from schemas import code_lists
from schemas.catalog import Computation
from schemas.code_lists import ComputationRow, codes, computation, computations_with

CODES = codes("computations")
OBSERVATIONS = next((PROJECT / "assets").rglob("observations.sql"))


def test_the_catalog_allows_exactly_the_code_list(catalog):
    assert list(typing.get_args(Computation)) == CODES
    assert {i.computation for i in catalog.indicators} <= set(CODES)


def test_the_sets_are_read_from_the_code_list():
    assert computations_with("is_percentage") == {"rate", "gap_rate"}
    assert computations_with("publishes_share_of_city") == {"rate", "count", "cumulative_count"}
    assert computations_with("needs_denominator") == {"rate", "gap_rate", "mean", "gap_mean"}
    assert computation("mean").test == "difference_of_means" and computation("mean").test_for == "all"
    with pytest.raises(KeyError, match="no true/false property 'test'"):
        computations_with("test")


def test_every_computation_has_its_formula_and_its_test():
    lights = next((PROJECT / "assets").rglob("lights.py")).relative_to(PROJECT).with_suffix("")
    known = importlib.import_module(".".join(lights.parts)).TESTS  # assets/**/lights.py, wherever it lives
    formulas = set(re.findall(r"WHEN '(\w+)'\s+THEN", OBSERVATIONS.read_text(encoding="utf-8")))
    assert formulas == set(CODES)
    assert {computation(c).test for c in CODES} - {"none"} <= set(known)


def test_no_module_or_query_lists_computations_itself():
    """A set of computation codes, or a comparison of `computation` with one, is the code list's job."""
    code = "|".join(CODES)
    listed = re.compile(rf"""computation\W[^\n]*['"]({code})['"]|['"]({code})['"],\s*['"]({code})['"]""")
    sources = [p for folder in ("assets", "schemas", "pipelines") for ext in ("*.py", "*.sql")
               for p in (PROJECT / folder).rglob(ext)] + [PROJECT / "tools" / "bench_synthetic.py"]
    found = []
    for path in sources:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if listed.search(line) and not (path == OBSERVATIONS and re.match(r"\s*WHEN '\w+'\s+THEN", line)):
                found.append(f"{path.relative_to(PROJECT)}:{n}: {line.strip()}")
    assert not found, "computations listed outside schemas/code_lists/computations.csv:\n" + "\n".join(found)
    assert listed.search("""SHARE_COMPUTATIONS = {"rate", "gap_rate"}""")  # what it would find
    assert listed.search("""c.computation IN ('rate', 'gap_rate') AS is_share""")


@pytest.mark.parametrize("edit, error", [
    (lambda t: t.replace("rate,Andel,Rate (share),true", "rate,Andel,Rate (share),yes"),
     r"code rate, column is_percentage: Value error, 'yes' is neither true nor false"),
    (lambda t: t.replace(",two_proportion,", ",t_test,"), r"code rate, column test: Input should be"),
    (lambda t: t.replace(",publishes_share_of_city,", ",share,"),
     r"column publishes_share_of_city: Field required"),
    (lambda t: t.replace("none,none,none\ncumulative", "none,survey,none\ncumulative"),
     r"code count, column \(row\): Value error, test, test_for and test_expected_for are all none"),
])
def test_a_broken_code_list_is_refused_naming_the_code_and_the_column(tmp_path, monkeypatch, edit, error):
    shutil.copytree(code_lists.CODE_LIST_DIR, tmp_path, dirs_exist_ok=True)
    path = tmp_path / "computations.csv"
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    monkeypatch.setattr(code_lists, "CODE_LIST_DIR", tmp_path)
    with pytest.raises(ValueError, match=error) as e:
        code_lists.load_code_list.__wrapped__("computations")
    assert str(path) in str(e.value)


def test_the_code_list_is_loaded_into_the_warehouse_with_its_types(sample_run):
    with sample_run.internal() as con:
        types = dict(con.execute("SELECT column_name, data_type FROM information_schema.columns "
                                 "WHERE table_name = 'code_computations'").fetchall())
        rows = con.execute("SELECT code FROM code_computations WHERE publishes_share_of_city ORDER BY 1").fetchall()
    assert set(types) == set(ComputationRow.model_fields)
    assert types["is_percentage"] == "BOOLEAN" and types["test"] == "VARCHAR"
    assert [r[0] for r in rows] == ["count", "cumulative_count", "rate"]
