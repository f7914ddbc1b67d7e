"""Assets declared by their contracts: every contract with a `build:` (assets/<domain>/contracts/
<table>.yml, core/contracts.py) becomes one Dagster asset that writes its table and nothing else.

The asset's key is the table's name; its description, owner, `dagster/column_schema` and spec
link come from the contract; its group is the contract's `group:` (default: the domain's folder),
its kinds `kinds:` (default: duckdb and sql, or duckdb and python), its upstream assets `deps:`
(asset keys; a pattern with `*` or `?` stands for every key it matches, e.g. `*_indicators`).
The build is the contract's SQL file or pure function (see core.contracts.Build); afterwards the
asset reports the table's row count (`dagster/row_count`, `rows`) and whatever metadata the
function returned (a DataFrame is shown as a table), and runs the contract's `checks:`.

assets/declared.py calls `contract_assets` once for every contract of the project, with the keys
of the hand-written assets for `deps:` to match; pipelines/definitions.py loads them with the
rest of the package."""

import fnmatch
import functools
import importlib
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import dagster as dg
import duckdb
import pandas as pd

from core.contracts import Check, Contract, ContractError, load_contracts, table_schema
from core.settings import WAREHOUSE_POOL
from core.warehouse import Warehouse, execute_script, row_count, table_rows
from schemas.catalog import DisclosureRules
from schemas.housing_rules import HousingRules

BuildFn = Callable[[duckdb.DuckDBPyConnection, "BuildContext"], dict | None]
QUERY_START = re.compile(r"^\s*(SELECT|WITH|FROM|VALUES)\b", re.I)
CHECK_EXAMPLES = 10   # failing rows shown in a check's metadata


@dataclass
class BuildContext:
    """What a build may need besides the connection: the run's id, the rules kept beside the
    catalog (read once, when first asked for) and a logger."""

    run_id: str
    warehouse: Warehouse
    log: Any = logging.getLogger("barometer")

    @functools.cached_property
    def disclosure(self) -> DisclosureRules:
        return self.warehouse.disclosure_rules()

    @functools.cached_property
    def housing_rules(self) -> HousingRules:
        return self.warehouse.housing_rules()

    def params(self, sql: str) -> dict:
        """The named parameters a SQL build may use ($run_id, $min_count, $min_denominator),
        those it uses only."""
        found = set(re.findall(r"\$([a-z_]+)\b", sql))
        if not found:
            return {}
        values = {"run_id": lambda: self.run_id, "min_count": lambda: self.disclosure.min_count,
                  "min_denominator": lambda: self.disclosure.min_denominator}
        if unknown := sorted(found - set(values)):
            raise ContractError(f"SQL parameters {unknown} are not given to builds (only {sorted(values)})")
        return {k: values[k]() for k in sorted(found)}


def _only_code(sql: str) -> str:
    return "\n".join(line for line in sql.splitlines() if not line.strip().startswith("--"))


def sql_build(c: Contract) -> BuildFn:
    """The build of `build: {sql: <file>}`: a query is made the table; a script is run as it is.
    The file is read when the asset runs (as every SQL file of the pipeline is)."""

    def build(con: duckdb.DuckDBPyConnection, ctx: BuildContext) -> None:
        text = c.sql_path.read_text(encoding="utf-8")
        code = _only_code(text).strip().rstrip(";").strip()
        if QUERY_START.match(code) and ";" not in code:
            params = ctx.params(code)
            stmt = f"CREATE OR REPLACE TABLE {c.source} AS\n{code}"
            con.execute(stmt, params) if params else con.execute(stmt)
        else:
            execute_script(con, text, ctx.params(text))

    return build


def python_build(c: Contract) -> BuildFn:
    """The function `build: {python: package.module:function}` names, imported now, so a typo fails
    when the definitions load."""
    module, _, name = c.build.python.partition(":")
    try:
        fn = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as e:
        raise ContractError(f"{c.name}.yml: build.python: cannot import {c.build.python}: {e}") from None
    if not callable(fn):
        raise ContractError(f"{c.name}.yml: build.python: {c.build.python} is not a function")
    return fn


def resolve_deps(c: Contract, known: set[str]) -> list[dg.AssetKey]:
    """The contract's deps as asset keys; each must name a known asset, each pattern match one."""
    keys: set[str] = set()
    for dep in c.deps:
        hits = fnmatch.filter(sorted(known - {c.name}), dep) if any(ch in dep for ch in "*?[") else \
            [dep] if dep in known else []
        if not hits:
            raise ContractError(f"{c.name}.yml: deps: {dep!r} names no asset of the definitions")
        keys.update(hits)
    return [dg.AssetKey(k) for k in sorted(keys)]


def _metadata_value(value: Any) -> Any:
    if isinstance(value, pd.DataFrame):
        return dg.MetadataValue.md(value.to_markdown(index=False) if len(value) else "none")
    return value


def run_check(con: duckdb.DuckDBPyConnection, table: str, check: Check, log) -> dg.AssetCheckResult:
    """Run a check's query: it passes when no row comes back; a few failing rows are shown."""
    rel = con.execute(check.sql)
    columns = [d[0] for d in rel.description]
    rows = rel.fetchall()
    severity = dg.AssetCheckSeverity.WARN if check.severity == "warn" else dg.AssetCheckSeverity.ERROR
    examples = [", ".join(f"{col}={val}" for col, val in zip(columns, row)) for row in rows[:CHECK_EXAMPLES]]
    if rows:
        log.warning(f"{table}: check {check.name} fails on {len(rows)} row(s): " + "; ".join(examples))
    return dg.AssetCheckResult(check_name=check.name, passed=not rows, severity=severity,
                               metadata={"failing_rows": dg.MetadataValue.int(len(rows)),
                                         "examples": dg.MetadataValue.json(examples)})


def contract_asset(c: Contract, deps: list[dg.AssetKey]) -> dg.AssetsDefinition:
    """The asset that builds the table of one contract with `build:`."""
    build = sql_build(c) if c.build.sql else python_build(c)
    kinds = set(c.kinds) or {"duckdb", "sql" if c.build.sql else "python"}
    metadata = {"spec": c.spec_link, "dagster/column_schema": table_schema(c)}
    if c.path:
        metadata["contract"] = f"assets/{c.domain}/contracts/{c.path.name}"

    @dg.asset(
        pool=WAREHOUSE_POOL,  # writes the internal DuckDB: one writer at a time (docs/deployment.md)
        name=c.name, group_name=c.group or c.domain, owners=[c.owner], kinds=kinds, deps=deps,
        description=c.description, metadata=metadata,
        check_specs=[dg.AssetCheckSpec(k.name, asset=c.name, description=k.description) for k in c.checks],
    )
    def _declared(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
        ctx = BuildContext(run_id=context.run_id, warehouse=warehouse, log=context.log)
        with warehouse.connect() as con:
            extra = build(con, ctx) or {}
            n = table_rows(con, c.source)
            checks = [run_check(con, c.name, k, context.log) for k in c.checks]
        return dg.MaterializeResult(metadata={**row_count(n), **{k: _metadata_value(v) for k, v in extra.items()}},
                                    check_results=checks)

    return _declared


def contract_assets(upstream: Iterable[dg.AssetKey] = (), contracts: Iterable[Contract] | None = None
                    ) -> list[dg.AssetsDefinition]:
    """One asset per contract with `build:` (by default every contract of the project), its deps
    matched against `upstream` (the other assets' keys) and the tables declared beside it."""
    declared = [c for c in (load_contracts().values() if contracts is None else contracts) if c.build]
    known = {k.to_user_string() for k in upstream} | {c.name for c in declared}
    return [contract_asset(c, resolve_deps(c, known)) for c in declared]
