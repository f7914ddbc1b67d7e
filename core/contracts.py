"""The tables' contracts: one YAML file per table, `<table>.yml`, in the `contracts/` folder of the
domain that builds it (`assets/<domain>/contracts/`), in the manner of a dbt model file. A table
is declared once, by its contract and the SQL file or pure function its `build:` names; from the
contract the pipeline takes

- the table's asset, one per table (core/declared.py; made for every contract in
  assets/declared.py): key = the table, description, owner, group (`group:`, default the domain
  folder), kinds (`kinds:`), upstream assets (`deps:`, patterns such as `*_indicators` allowed),
  asset checks (`checks:`, queries returning the failing rows), the spec link (`spec:`), the
  `dagster/column_schema` (`table_schema`) and, after each build, the row count;
- the list of tables `published_warehouse` publishes (`public: true`), where each comes from
  (`source_table`) and the assets it depends on (`writer`);
- the tables' and columns' comments in the published DuckDB file (assets/publish/swap.py);
- the column check at publication: a column missing on either side or of another type fails it;
- the column tables of docs/warehouse.md (tools/contract_docs.py);
- the data tests run on the published file (tests/test_contracts.py).

`build:` is `{sql: <file>.sql}` (a file in the domain's sql/ folder: a query made the table, or a
script that writes it) or `{python: <module>:<function>}` (a pure function of the DuckDB
connection and a core.declared.BuildContext). A contract without `build:` describes a table
written by a hand-written asset (`asset:`, default the table's name); none is left today.

Loading validates strictly (unknown keys, empty descriptions, duplicate or unknown columns, a
missing SQL file are errors naming the file and the key): a typo in a contract must fail loudly,
never drop a check. An unknown dep or function fails when the definitions load."""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

from schemas.yaml_model import load_yaml_model

ASSETS_DIR = Path(__file__).resolve().parents[1] / "assets"
CONTRACT_GLOB = "*/contracts/*.yml"   # assets/<domain>/contracts/<table>.yml

# The DuckDB types a published column may have, spelled as DESCRIBE spells them; the contract's
# type is compared with the published one verbatim, so a misspelling would always fail.
SCALAR_TYPES = {"VARCHAR", "BOOLEAN", "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "FLOAT", "DOUBLE",
                "DATE", "TIMESTAMP", "TIMESTAMP WITH TIME ZONE", "TIME", "INTERVAL", "UUID", "BLOB"}
_TYPE = re.compile(r"^(?P<base>[A-Z ]+|DECIMAL\(\d+,\d+\))(?P<list>(\[\])*)$")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class ContractError(ValueError):
    """A contract file is invalid, or a published table does not match its contract."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Column(_Strict):
    name: str = Field(pattern=_NAME.pattern)
    type: str
    description: str = Field(min_length=1)

    @field_validator("type")
    @classmethod
    def _known_type(cls, value: str) -> str:
        m = _TYPE.match(value)
        if not m or not (m["base"] in SCALAR_TYPES or m["base"].startswith("DECIMAL(")):
            raise ValueError(f"unknown DuckDB type {value!r} (spell it as DESCRIBE does, e.g. VARCHAR, BIGINT, "
                             "VARCHAR[])")
        return value


class Tests(_Strict):
    unique: list[str] = Field(default_factory=list)    # the columns that together identify a row
    not_null: list[str] = Field(default_factory=list)
    accepted_values: dict[str, list[str | int | None]] = Field(default_factory=dict)  # null: NULL allowed

    def columns(self) -> list[tuple[str, str]]:
        """(test, column) for every column a test names, for the check that they exist."""
        return ([("unique", c) for c in self.unique] + [("not_null", c) for c in self.not_null]
                + [("accepted_values", c) for c in self.accepted_values])


class Build(_Strict):
    """How the table is built: exactly one of
    - `sql`: a file in the domain's sql/ folder. A query (its first word SELECT, WITH, FROM or
      VALUES) becomes `CREATE OR REPLACE TABLE <source> AS <query>`; anything else is a script
      of statements run in one transaction (core.warehouse.execute_script) that writes the table;
    - `python`: `package.module:function`, a pure function `(con, ctx) -> dict | None` given the
      internal DuckDB connection and a core.declared.BuildContext (run id, disclosure and housing
      rules, log); it writes the table and may return metadata to show beside the row count."""

    sql: str = Field(default="", pattern=r"^([A-Za-z0-9_]+\.sql)?$")
    python: str = Field(default="", pattern=r"^([A-Za-z_][A-Za-z0-9_.]*:[A-Za-z_][A-Za-z0-9_]*)?$")

    @model_validator(mode="after")
    def _one(self) -> Build:
        if bool(self.sql) == bool(self.python):
            raise ValueError("give exactly one of sql: <file>.sql or python: <module>:<function>")
        return self


class Check(_Strict):
    """An asset check run after each build, in the manner of a dbt singular test: a query that
    returns the failing rows; the check passes when it returns none."""

    name: str = Field(pattern=_NAME.pattern)
    description: str = Field(min_length=1)
    sql: str = Field(min_length=1)
    severity: Literal["warn", "error"] = "error"


class Contract(_Strict):
    name: str = Field(pattern=_NAME.pattern)
    description: str = Field(min_length=1)
    grain: str = Field(min_length=1)
    owner: str = Field(pattern=r"^team:[a-z]+$")
    public: bool
    # mart: also written as warehouse/marts/<name>.parquet; reference: the DuckDB file only
    kind: Literal["mart", "reference"] = "mart"
    source_table: str = ""   # the internal table it is copied from; empty: the same name
    asset: str = ""          # a hand-written asset that writes source_table (no build:); empty: the table's name
    spec: str = ""           # where the table is explained; empty: docs/warehouse.md#<name>
    # the asset declared by the contract (core/declared.py): how the table is built, what it reads
    build: Build | None = None
    deps: list[str] = Field(default_factory=list)    # upstream asset keys; `*` and `?` match several
    group: str = Field(default="", pattern=r"^([a-z][a-z0-9_]*)?$")   # empty: the domain's folder name
    kinds: list[str] = Field(default_factory=list)   # empty: duckdb and sql (or python)
    checks: list[Check] = Field(default_factory=list)
    columns: list[Column] = Field(min_length=1)
    tests: Tests = Field(default_factory=Tests)

    _path: Path | None = PrivateAttr(default=None)   # the contract file, set by load_contract

    @model_validator(mode="after")
    def _consistent(self) -> Contract:
        names = [c.name for c in self.columns]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"duplicate columns {dupes}")
        unknown = [f"{test}: {col}" for test, col in self.tests.columns() if col not in names]
        if unknown:
            raise ValueError(f"tests name columns the contract does not have: {unknown}")
        if self.build and self.asset:
            raise ValueError("asset: names a hand-written asset; a contract with build: declares its own")
        if not self.build and (extra := [k for k in ("deps", "group", "kinds", "checks") if getattr(self, k)]):
            raise ValueError(f"{', '.join(extra)} describe the asset build: declares; this contract has no build:")
        checks = [c.name for c in self.checks]
        if dupes := sorted({n for n in checks if checks.count(n) > 1}):
            raise ValueError(f"duplicate checks {dupes}")
        return self

    @property
    def source(self) -> str:
        return self.source_table or self.name

    @property
    def writer(self) -> str:
        """The key of the asset that writes the table (published_warehouse depends on it)."""
        return self.asset or self.name

    @property
    def path(self) -> Path | None:
        """The contract file (None for a contract made in code)."""
        return self._path

    @property
    def domain(self) -> str:
        """The domain folder the contract lies in (assets/<domain>/contracts/<name>.yml)."""
        return self._path.parent.parent.name if self._path else ""

    @property
    def sql_path(self) -> Path | None:
        """The SQL file build: sql: names, in the domain's sql/ folder."""
        if not (self.build and self.build.sql and self._path):
            return None
        return self._path.parent.parent / "sql" / self.build.sql

    @property
    def spec_link(self) -> str:
        return self.spec or f"docs/warehouse.md#{self.name}"

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)


def _where(loc: tuple, data: dict) -> str:
    """A pydantic error location as a reader finds it in the file: `columns[rank].description`
    rather than `columns.12.description`."""
    parts: list[str] = []
    node = data
    for key in loc:
        if isinstance(key, int) and isinstance(node, list):
            item = node[key] if key < len(node) else None
            label = item.get("name") if isinstance(item, dict) else None
            parts[-1] += f"[{label or key}]"
            node = item
        else:
            parts.append(str(key))
            node = node.get(key) if isinstance(node, dict) else None
    return ".".join(parts) or "(file)"


def load_contract(path: Path) -> Contract:
    contract, _ = load_yaml_model(path, Contract, ContractError, "contract", shown=path.name, where=_where)
    if contract.name != path.stem:
        raise ContractError(f"{path.name}: name: {contract.name!r} differs from the file name {path.stem!r}")
    contract._path = Path(path).resolve()
    if contract.sql_path and not contract.sql_path.is_file():
        raise ContractError(f"{path.name}: build.sql: no file {contract.build.sql} in assets/{contract.domain}/sql/")
    return contract


def load_contracts(paths: list[Path] | None = None) -> dict[str, Contract]:
    """Every contract (by default each domain's, assets/*/contracts/*.yml), by table name: the
    marts first, then the reference tables, each alphabetically (the order in which the warehouse
    is published and listed). Two contracts for one table are an error."""
    paths = sorted(ASSETS_DIR.glob(CONTRACT_GLOB)) if paths is None else paths
    contracts = [load_contract(p) for p in paths]
    if not contracts:
        raise ContractError(f"no contract files (assets/{CONTRACT_GLOB})")
    names = [c.name for c in contracts]
    if dupes := sorted({n for n in names if names.count(n) > 1}):
        raise ContractError(f"more than one contract for {dupes}")
    contracts.sort(key=lambda c: (c.kind != "mart", c.name))
    return {c.name: c for c in contracts}


@functools.cache
def _cached() -> dict[str, Contract]:
    return load_contracts()


def contract(table: str) -> Contract:
    """The contract of one table (from this folder, loaded once per process)."""
    try:
        return _cached()[table]
    except KeyError:
        raise ContractError(f"no contract for table {table!r} in assets/{CONTRACT_GLOB}") from None


def published() -> list[Contract]:
    """The contracts of the tables published in the warehouse."""
    return [c for c in _cached().values() if c.public]


def public_marts() -> list[str]:
    """Names of the published marts (also written as parquet)."""
    return [c.name for c in published() if c.kind == "mart"]


def comment_sql(text: str) -> str:
    """A description as a SQL string literal for COMMENT ON, quotes doubled. The backticks stay:
    they mark codes and values (`accepted, later file rejected` is one status, not two)."""
    return "'" + text.replace("'", "''") + "'"


def table_schema(table: str | Contract):
    """The contract (or the contract of the table named) as a Dagster table schema
    (`dagster/column_schema`): types, descriptions, NOT NULL and single-column unique
    constraints, the key as a table constraint."""
    import dagster as dg  # here, not at the top: tools/contract_docs.py loads contracts without Dagster

    c = contract(table) if isinstance(table, str) else table
    return dg.TableSchema(
        columns=[dg.TableColumn(col.name, col.type, description=col.description,
                                constraints=dg.TableColumnConstraints(
                                    nullable=col.name not in c.tests.not_null,
                                    unique=c.tests.unique == [col.name]))
                 for col in c.columns],
        constraints=dg.TableConstraints(other=[f"unique ({', '.join(c.tests.unique)})"] if c.tests.unique else []),
    )

