"""docs/warehouse.md's column tables (and its grain-and-keys table), generated from the contracts in
assets/<domain>/contracts/*.yml so the BI contract in the docs can never drift from what is published.

The generated parts sit between markers in the doc; everything else (the prose) is written by hand:

    <!-- contract:grain -->            ... the grain and key of every published table ...  <!-- /contract -->
    <!-- contract:columns:<table> -->  ... that table's columns ...                        <!-- /contract -->

A published table with no column table yet (a new contract) gets a section of its own, written by
`--write` above the line `<!-- contract-docs: new tables above -->`: its `## <table>` heading, its
description and its marked column table; edit the prose as you like, the table stays generated.

    python tools/contract_docs.py --check   # exit 1 and say what differs (tests/test_contracts.py)
    python tools/contract_docs.py --write   # rewrite the generated parts in place, add missing sections
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))   # run as a script from anywhere: the project's packages come first

from core.contracts import Contract, published  # noqa: E402 - after the sys.path set-up above

DOC = PROJECT / "docs" / "warehouse.md"
BLOCK = re.compile(r"(<!-- contract:(?P<what>[a-z_:]+) -->\n)(?P<body>.*?)(<!-- /contract -->)", re.S)
NEW_TABLES = "<!-- contract-docs: new tables above -->"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def columns_table(c: Contract) -> str:
    rows = [f"| `{col.name}` | {col.type} | {_cell(col.description)} |" for col in c.columns]
    return "\n".join(["| column | type | meaning |", "|---|---|---|", *rows]) + "\n"


def grain_table(contracts: list[Contract]) -> str:
    rows = [f"| `{c.name}` | {_cell(c.grain)} | {', '.join(f'`{k}`' for k in c.tests.unique) or '(none)'} |"
            for c in contracts]
    return "\n".join(["| table | one row per | key |", "|---|---|---|", *rows]) + "\n"


def section(c: Contract) -> str:
    """A new table's section: heading, description, and the marker pair its columns go between."""
    return f"## {c.name}\n\n{c.description}\n\n<!-- contract:columns:{c.name} -->\n<!-- /contract -->\n\n"


def render(doc: str, contracts: list[Contract]) -> tuple[str, list[str]]:
    """The doc with every generated part rewritten and a section added for every published table
    without one, and the problems no rewrite can fix: a marker naming no published table, or a
    table without a section in a doc that has no place for new ones."""
    marked = {m["what"].split(":", 1)[1] for m in BLOCK.finditer(doc) if m["what"].startswith("columns:")}
    missing = [c for c in contracts if c.name not in marked]
    if missing and NEW_TABLES in doc:
        doc = doc.replace(NEW_TABLES, "".join(section(c) for c in missing) + NEW_TABLES)
    by_name = {c.name: c for c in contracts}
    seen: list[str] = []
    problems: list[str] = []

    def body(m: re.Match) -> str:
        what = m["what"]
        if what == "grain":
            text = grain_table(contracts)
        elif what.startswith("columns:") and what.split(":", 1)[1] in by_name:
            seen.append(what.split(":", 1)[1])
            text = columns_table(by_name[what.split(":", 1)[1]])
        else:
            problems.append(f"marker <!-- contract:{what} --> names no published table's contract")
            return m.group(0)
        return m.group(1) + text + m.group(4)

    new = BLOCK.sub(body, doc)
    problems += [f"no <!-- contract:columns:{name} --> block for the published table {name} (and no "
                 f"{NEW_TABLES} line to add one above)" for name in by_name if name not in seen]
    problems += [f"<!-- contract:columns:{name} --> appears {seen.count(name)} times"
                 for name in sorted(set(seen)) if seen.count(name) > 1]
    return new, problems


def differences(old: str, new: str) -> list[str]:
    """Which generated blocks differ, by marker (a whole-file diff would bury the point)."""
    old_blocks = {m["what"]: m["body"] for m in BLOCK.finditer(old)}
    return [f"{what}: no section in {DOC.relative_to(PROJECT)} yet" if what not in old_blocks else
            f"{what}: the table in {DOC.relative_to(PROJECT)} differs from the contract"
            for what, body in ((m["what"], m["body"]) for m in BLOCK.finditer(new)) if old_blocks.get(what) != body]


def check(doc_path: Path = DOC) -> list[str]:
    """Everything that keeps the doc from matching the contracts; empty when it does."""
    old = doc_path.read_text(encoding="utf-8")
    new, problems = render(old, published())
    return problems + differences(old, new)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--check", action="store_true", help="exit 1 when the doc differs from the contracts")
    mode.add_argument("--write", action="store_true", help="rewrite the generated tables in the doc")
    args = parser.parse_args(argv)
    if args.check:
        problems = check()
        for p in problems:
            print(p, file=sys.stderr)
        if problems:
            print("run: python tools/contract_docs.py --write", file=sys.stderr)
        return 1 if problems else 0
    old = DOC.read_text(encoding="utf-8")
    new, problems = render(old, published())
    for p in problems:
        print(p, file=sys.stderr)
    if new != old:
        DOC.write_text(new, encoding="utf-8")
        print(f"rewrote {len(differences(old, new))} generated tables in {DOC.relative_to(PROJECT)}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
