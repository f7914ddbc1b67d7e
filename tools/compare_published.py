#!/usr/bin/env python
"""Compare what two builds published: every table of `barometer.duckdb` and every parquet mart.

    python tools/compare_published.py dump WAREHOUSE_DIR OUT_DIR
    python tools/compare_published.py compare OUT_DIR_A OUT_DIR_B [--digits N]

`dump` copies each published table (the DuckDB file's tables and `marts/*.parquet`) into
OUT_DIR as parquet, with its column names and types, so a build can be compared after the
code that made it has changed. `compare` checks, table by table, that the two dumps hold the
same tables, the same columns with the same types in the same order, and the same rows as a
multiset (DuckDB `EXCEPT ALL` both ways, so order and duplicates count; doubles compared
exactly). Columns that record wall-clock time (`TIMESTAMP` columns such as `frozen_at`,
`last_received_at`) differ between any two runs and are compared by type and NULL pattern only.
Exit status 0 when everything is identical, 1 otherwise, with one line per difference.

`--digits N` compares DOUBLE columns to N significant digits instead of exactly. DuckDB sums
doubles in parallel, so the order of the additions (and the last bits of an unrounded double
such as a p-value) can differ between two runs of the same code on large inputs; figures
published rounded are compared exactly either way. The output says which comparison was made.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import duckdb

CLOCK_TYPES = {"TIMESTAMP", "TIMESTAMP WITH TIME ZONE", "TIMESTAMP_NS", "TIMESTAMP_MS", "DATE_TIME"}


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def dump(warehouse: Path, out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    manifest: dict[str, list[list[str]]] = {}
    con = duckdb.connect()
    con.execute(f"ATTACH '{warehouse / 'barometer.duckdb'}' AS pub (READ_ONLY)")
    tables = [r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = 'pub' ORDER BY 1").fetchall()]
    sources = {f"duckdb.{t}": f"pub.main.{_q(t)}" for t in tables}
    for p in sorted((warehouse / "marts").glob("*.parquet")):
        sources[f"parquet.{p.stem}"] = f"read_parquet('{p}')"
    for name, source in sources.items():
        cols = con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()
        manifest[name] = [[c[0], c[1]] for c in cols]
        con.execute(f"COPY (SELECT * FROM {source}) TO '{out / (name + '.parquet')}' (FORMAT parquet)")
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    print(f"dumped {len(manifest)} tables from {warehouse} to {out}")
    return 0


def _column(name: str, typ: str, digits: int | None) -> str:
    if typ.upper() in CLOCK_TYPES:
        return f"({_q(name)} IS NULL) AS {_q(name)}"
    if digits and typ.upper() == "DOUBLE":
        return f"printf('%.{digits - 1}e', {_q(name)}) AS {_q(name)}"
    return _q(name)


def compare(a: Path, b: Path, digits: int | None = None) -> int:
    ma = json.loads((a / "manifest.json").read_text(encoding="utf-8"))
    mb = json.loads((b / "manifest.json").read_text(encoding="utf-8"))
    problems: list[str] = []
    for name in sorted(set(ma) ^ set(mb)):
        problems.append(f"{name}: only in {'A' if name in ma else 'B'}")
    con = duckdb.connect()
    checked = 0
    for name in sorted(set(ma) & set(mb)):
        if ma[name] != mb[name]:
            problems.append(f"{name}: columns differ\n  A {ma[name]}\n  B {mb[name]}")
            continue
        cols = ", ".join(_column(c, t, digits) for c, t in ma[name])
        pa_, pb = f"read_parquet('{a / (name + '.parquet')}')", f"read_parquet('{b / (name + '.parquet')}')"
        n_a = con.execute(f"SELECT count(*) FROM {pa_}").fetchone()[0]
        n_b = con.execute(f"SELECT count(*) FROM {pb}").fetchone()[0]
        diff = "SELECT count(*) FROM (SELECT {c} FROM {x} EXCEPT ALL SELECT {c} FROM {y})"
        only_a, only_b = (con.execute(diff.format(c=cols, x=x, y=y))
                          .fetchone()[0] for x, y in ((pa_, pb), (pb, pa_)))
        checked += 1
        if n_a != n_b or only_a or only_b:
            problems.append(f"{name}: rows A {n_a}, B {n_b}; {only_a} only in A, {only_b} only in B")
    for p in problems:
        print(p)
    how = f"doubles to {digits} significant digits" if digits else "exactly"
    print(f"compared {checked} tables ({how}): {'identical' if not problems else f'{len(problems)} difference(s)'}")
    return 1 if problems else 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("dump", help="copy every published table of a warehouse folder to parquet")
    d.add_argument("warehouse", type=Path)
    d.add_argument("out", type=Path)
    c = sub.add_parser("compare", help="compare two dumps")
    c.add_argument("a", type=Path)
    c.add_argument("b", type=Path)
    c.add_argument("--digits", type=int, default=None, help="compare DOUBLE columns to N significant digits")
    args = ap.parse_args(argv)
    if args.cmd == "dump":
        return dump(args.warehouse, args.out)
    return compare(args.a, args.b, args.digits)


if __name__ == "__main__":
    sys.exit(main())
