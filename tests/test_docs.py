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
    for cmd in ("run", "check", "summary", "report", "validate", "dev"):
        assert f"barometer {cmd}" in readme


def _rule_rows() -> dict[str, str]:
    """The rule tables of docs/submissions.md: each rule named in a row -> the row's column cell."""
    doc = (PROJECT / "docs" / "submissions.md").read_text(encoding="utf-8")
    section = doc.split("## Rules a file is checked against", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("| `") and len(cells) >= 2:  # a rule in several tables: its columns in each
            for name in re.findall(r"`(\w+)`", cells[0]):
                rows[name] = rows.get(name, "") + " " + cells[1]
    return rows


def test_submission_contract_names_every_rule_with_its_column():
    from schemas.kinds import KINDS

    rows = _rule_rows()
    for kind in ("indicators", "efforts", "projects"):  # housing kinds: docs/housing.md
        for rule in KINDS[kind].rules:  # the records: schemas/rules/submission_rules.yaml
            assert rule.name in rows, f"docs/submissions.md does not name rule {rule.name}"
            missing = [c for c in rule.columns if f"`{c}`" not in rows[rule.name]]
            assert not missing, f"docs/submissions.md, rule {rule.name} ({kind}): column(s) {missing} not named"


def test_every_rule_the_contract_names_exists():
    """A rule in the doc is a record, or one the reader, the drop folder or the command raises."""
    from schemas.kinds import KINDS

    code = " ".join(p.read_text(encoding="utf-8") for folder in ("assets/intake", "pipelines")
                    for p in (PROJECT / folder).glob("*.py"))
    unknown = [rule for rule in _rule_rows() if all(k.rules.get(rule) is None for k in KINDS.values())
               and f'"{rule}"' not in code]
    assert not unknown, f"docs/submissions.md names rules nothing checks: {unknown}"
