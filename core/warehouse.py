"""Resources: where raw files are read and the warehouse is written, and the internal DuckDB
connection. Paths come from the environment (BAROMETER_RAW_DIR, BAROMETER_WAREHOUSE_DIR) when
the run starts, never at import."""

from __future__ import annotations

import functools
import hashlib
import logging
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd

from core import disclosure, rounding, settings
from core.settings import private_dir
from schemas.catalog import Catalog, DisclosureRules, load_catalog
from schemas.housing_rules import HousingRules, load_housing_rules

CORE_SQL_DIR = Path(__file__).resolve().parent / "sql"   # the warehouse's own tables
ASSETS_DIR = settings.PROJECT_ROOT / "assets"              # each domain's SQL: assets/<domain>/sql/
log = logging.getLogger(__name__)
CHECKPOINT_THRESHOLD = "1GB"  # the write-ahead log a step may grow before DuckDB checkpoints on its own


@functools.cache
def sql_files() -> dict[str, Path]:
    """Every SQL file by name: core/sql/*.sql and assets/<domain>/sql/*.sql. Names are unique
    across the domains (a second file of the same name is an error), so `sql("latest.sql")`
    names one file wherever its domain keeps it."""
    found: dict[str, Path] = {}
    for path in [*sorted(CORE_SQL_DIR.glob("*.sql")), *sorted(ASSETS_DIR.glob("*/sql/*.sql"))]:
        if path.name in found:
            raise RuntimeError(f"two SQL files named {path.name}: {found[path.name]} and {path}")
        found[path.name] = path
    return found


def sql(name: str) -> str:
    """The text of the SQL file `name` (core/sql/ or a domain's sql/ folder)."""
    try:
        return sql_files()[name].read_text(encoding="utf-8")
    except KeyError:
        raise FileNotFoundError(f"no SQL file {name} in core/sql/ or assets/*/sql/") from None


class Warehouse(dg.ConfigurableResource):
    """The barometer's storage: raw/ (read only), the internal DuckDB file (the pipeline's single
    writer) and the published outputs. Empty settings fall back to the environment, then to the
    project-local folders."""

    raw_dir: str = ""
    warehouse_dir: str = ""
    catalog_file: str = ""

    @property
    def raw(self) -> Path:
        return Path(self.raw_dir).resolve() if self.raw_dir else settings.raw_dir()

    @property
    def root(self) -> Path:
        return Path(self.warehouse_dir).resolve() if self.warehouse_dir else settings.warehouse_dir()

    @property
    def internal_db(self) -> Path:
        return self.root / settings.INTERNAL_DB_RELPATH

    @property
    def public_db(self) -> Path:
        return self.root / settings.PUBLIC_DB_NAME

    @property
    def marts_dir(self) -> Path:
        return self.root / "marts"

    @property
    def reports_dir(self) -> Path:
        return self.root / "reports"

    @property
    def archive_dir(self) -> Path:
        """The durable part of the warehouse: every file received and the publication history."""
        return self.root / settings.ARCHIVE_DIRNAME

    @property
    def history_db(self) -> Path:
        return self.archive_dir / settings.HISTORY_DB_NAME

    @property
    def catalog_path(self) -> Path:
        return Path(self.catalog_file).resolve() if self.catalog_file else settings.catalog_path()

    def catalog(self) -> Catalog:
        return load_catalog(self.catalog_path)

    def housing_rules(self) -> HousingRules:
        """The housing-area rule sets kept beside the catalog (housing_rules.yaml)."""
        return load_housing_rules(self.catalog_path.parent / "housing_rules.yaml")

    def disclosure_rules(self) -> DisclosureRules:
        """The disclosure rules kept beside the catalog (core/disclosure finds and loads them)."""
        return disclosure.load_rules(self.catalog_path)

    @contextmanager
    def connect(self, wait_seconds: float = 300) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection to the internal database, its tables created if missing. DuckDB allows one
        writing process: if another run holds the file (a UI run beside `barometer run`), wait for
        it rather than fail; each step is one transaction, so steps of two runs never interleave
        inside a step."""
        self.internal_db.parent.mkdir(parents=True, exist_ok=True)
        private_dir(self.archive_dir)
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                con = duckdb.connect(str(self.internal_db))
                break
            except duckdb.IOException as e:
                if "lock" not in str(e).lower() or time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        try:
            # a DataFrame is read only once registered by name (execute_with, write_table), never
            # picked up from a Python variable of the same name by DuckDB's replacement scan
            con.execute("SET python_enable_replacements = false")
            # one checkpoint when the step is done, not one whenever a commit takes the log past
            # DuckDB's default 16 MB (a step that commits many times, as intake once did per
            # department and round, would checkpoint a growing table again and again).
            # docs/performance.md
            con.execute(f"SET checkpoint_threshold = '{CHECKPOINT_THRESHOLD}'")
            _ensure_schema(con)
            con.execute(rounding.SQL_MACRO)  # the one rounding rule, for every SQL mart
            _attach_history(con, self.history_db)
            yield con
            _checkpoint(con)
        finally:
            con.close()


def _checkpoint(con: duckdb.DuckDBPyConnection) -> None:
    """Write what the step committed into the database files, the internal one and the attached
    history (closing the last connection would too). Should DuckDB refuse, the committed work
    stays in the write-ahead log until the file is next closed, which loses nothing: say so and
    go on."""
    # the connection's own database (named after its file, so unnamed here), then the history
    for statement, what in (("CHECKPOINT", "the internal database"), ("CHECKPOINT history", "history")):
        try:
            con.execute(statement)
        except duckdb.Error as e:
            log.warning("checkpoint of %s deferred: %s", what, e)


def for_env() -> dict[str, dg.ConfigurableResource]:
    return {"warehouse": Warehouse()}


def _attach_history(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Attach the durable history as `history` and create its tables if missing (never dropped)."""
    new = not path.exists()
    con.execute(f"ATTACH IF NOT EXISTS '{path}' AS history")
    if new:
        path.chmod(0o600)
    con.execute(sql("history.sql"))


def _ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the internal tables; if they were made by another version of schema.sql, drop and
    recreate them: they are derived, and the next run re-derives them from the archive (the
    durable history, a separate file, is never dropped)."""
    ddl = sql("schema.sql")
    version = hashlib.sha256(ddl.encode()).hexdigest()[:12]
    con.execute("CREATE TABLE IF NOT EXISTS warehouse_meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
    found = con.execute("SELECT value FROM warehouse_meta WHERE key = 'schema_version'").fetchone()
    if found and found[0] == version:
        return
    if found:
        for name, kind in con.execute(
                "SELECT table_name, table_type FROM information_schema.tables WHERE table_schema = 'main' "
                "AND table_name <> 'warehouse_meta'").fetchall():
            con.execute(f'DROP {"VIEW" if kind == "VIEW" else "TABLE"} IF EXISTS "{name}" CASCADE')
    con.execute(ddl)
    con.execute("INSERT OR REPLACE INTO warehouse_meta VALUES ('schema_version', ?)", [version])


def execute_script(con: duckdb.DuckDBPyConnection, script: str, params: dict | None = None) -> None:
    """Run a multi-statement SQL file in one transaction, giving each statement the named
    parameters ($name) it uses (DuckDB binds parameters to one statement at a time)."""
    statements = [s.strip() for s in re.split(r";\s*\n", script) if s.strip() and not _only_comments(s)]
    con.execute("BEGIN TRANSACTION")
    try:
        for stmt in statements:
            used = {k: v for k, v in (params or {}).items() if re.search(rf"\${k}\b", stmt)}
            con.execute(stmt, used) if used else con.execute(stmt)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


def execute_with(con: duckdb.DuckDBPyConnection, statement: str, params: dict | None = None,
                 **frames: pd.DataFrame) -> None:
    """Run one statement that reads DataFrames by the names given (`FROM decisions`): each is
    registered on the connection for this statement only, then unregistered."""
    for name, frame in frames.items():
        con.register(name, frame)
    try:
        con.execute(statement, params) if params else con.execute(statement)
    finally:
        for name in frames:
            con.unregister(name)


def write_table(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame, casts: dict[str, str] | None = None,
                order_by: str = "") -> None:
    """CREATE OR REPLACE TABLE `table` from a DataFrame, its columns as they are but those in
    `casts` ({column: DuckDB type}), ordered by `order_by` if given."""
    replace = ", ".join(f'CAST("{col}" AS {typ}) AS "{col}"' for col, typ in (casts or {}).items())
    select = f"SELECT * REPLACE ({replace})" if replace else "SELECT *"
    order = f" ORDER BY {order_by}" if order_by else ""
    execute_with(con, f"CREATE OR REPLACE TABLE {table} AS {select} FROM {table}_frame{order}",
                 **{f"{table}_frame": frame})


def _only_comments(stmt: str) -> bool:
    return all(not line.strip() or line.strip().startswith("--") for line in stmt.splitlines())


def table_rows(con: duckdb.DuckDBPyConnection, table: str) -> int:
    return int(con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def row_count(n: int) -> dict:
    """The row count Dagster shows beside the asset (and "rows", which tools/bench.py reads)."""
    return {"rows": dg.MetadataValue.int(n), "dagster/row_count": dg.MetadataValue.int(n)}
