"""Docs stay true to the code: every published table and column is in the data dictionary, every
CLI command in the README, every rule in the submission contract."""

import re

import pytest
from conftest import PROJECT

from core.contracts import published


def _section(table: str) -> str:
    doc = (PROJECT / "docs" / "warehouse.md").read_text(encoding="utf-8")
    m = re.search(rf"^##+ `?{re.escape(table)}`?\s*$(.*?)(?=^##+ |\Z)", doc, flags=re.M | re.S)
    assert m, f"docs/warehouse.md has no section for {table}"
    return m.group(1)


@pytest.mark.parametrize("table", [c.name for c in published()])
def test_every_published_column_is_documented(sample_run, table):
    with sample_run.public() as con:
        columns = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]
    section = _section(table)
    missing = [c for c in columns if f"`{c}`" not in section]
    assert not missing, f"docs/warehouse.md, section {table}: undocumented columns {missing}"


def test_readme_shows_the_two_commands_and_every_cli_command():
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    assert "make run" in readme and "make test" in readme
    for cmd in ("run", "check", "summary", "validate", "dev"):
        assert f"barometer {cmd}" in readme


def test_submission_contract_names_every_rule():
    from schemas.submission import RULE_COLUMN

    doc = (PROJECT / "docs" / "submissions.md").read_text(encoding="utf-8")
    missing = [rule for rule in RULE_COLUMN if f"`{rule}`" not in doc]
    assert not missing, f"docs/submissions.md does not name rules {missing}"
