"""The published tables' contracts: one YAML file per table, `<table>.yml`, in the `contracts/`
folder of the domain that builds it (`assets/<domain>/contracts/`), in the manner of a dbt model
file. A contract is the single declaration from which the pipeline takes

- the list of tables `published_warehouse` publishes, and where each comes from (`source_table`);
- the tables' and columns' comments in the published DuckDB file (assets/publish/swap.py);
- the column check at publication: a column missing on either side or of another type fails it;
- the `dagster/column_schema` of the assets in the UI (`table_schema`);
- the column tables of docs/warehouse.md (tools/contract_docs.py);
- the data tests run on the published file (tests/test_contracts.py).

Loading validates strictly (unknown keys, empty descriptions, duplicate or unknown columns are
errors naming the file and the key): a typo in a contract must fail loudly, never drop a check."""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

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


class Contract(_Strict):
    name: str = Field(pattern=_NAME.pattern)
    description: str = Field(min_length=1)
    grain: str = Field(min_length=1)
    owner: str = Field(pattern=r"^team:[a-z]+$")
    public: bool
    # mart: also written as warehouse/marts/<name>.parquet; reference: the DuckDB file only
    kind: Literal["mart", "reference"] = "mart"
    source_table: str = ""   # the internal table it is copied from; empty: the same name
    asset: str = ""          # the asset that writes source_table; empty: the table's name
    columns: list[Column] = Field(min_length=1)
    tests: Tests = Field(default_factory=Tests)

    @model_validator(mode="after")
    def _consistent(self) -> Contract:
        names = [c.name for c in self.columns]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"duplicate columns {dupes}")
        unknown = [f"{test}: {col}" for test, col in self.tests.columns() if col not in names]
        if unknown:
            raise ValueError(f"tests name columns the contract does not have: {unknown}")
        return self

    @property
    def source(self) -> str:
        return self.source_table or self.name

    @property
    def writer(self) -> str:
        """The key of the asset that writes the table (published_warehouse depends on it)."""
        return self.asset or self.name

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


def table_schema(table: str):
    """The contract as a Dagster table schema (`dagster/column_schema`): types, descriptions,
    NOT NULL and single-column unique constraints, the key as a table constraint."""
    import dagster as dg  # here, not at the top: tools/contract_docs.py loads contracts without Dagster

    c = contract(table)
    return dg.TableSchema(
        columns=[dg.TableColumn(col.name, col.type, description=col.description,
                                constraints=dg.TableColumnConstraints(
                                    nullable=col.name not in c.tests.not_null,
                                    unique=c.tests.unique == [col.name]))
                 for col in c.columns],
        constraints=dg.TableConstraints(other=[f"unique ({', '.join(c.tests.unique)})"] if c.tests.unique else []),
    )


def asset_metadata(table: str) -> dict:
    """Definition metadata of the asset that writes `table`: its column schema in the UI."""
    return {"dagster/column_schema": table_schema(table)}
