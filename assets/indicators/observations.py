"""Which submission rows observations.sql computes from: the temp view observation_rows, set on
the caller's connection (temp views are per connection, so steps never see each other's).

- as of one round (`as_of`): the rows in force then, edition_key = the round; the area assets use
  '9999-99', everything delivered.
- by change (`by_change`): the rows in force at every round that changed a series' period
  (core/sql/schema.sql, rows_by_change), edition_key = that round; the vintages' back catalogue
  spreads those figures over the editions between two changes (assets/marts/sql/reconstructed.sql).
"""

import re

from core.warehouse import sql

EVERYTHING = "9999-99"  # a round key later than every round: everything delivered
_ROUND_KEY = re.compile(r"\d{4}-\d{2}")


def _key(round_key: str) -> str:
    if not isinstance(round_key, str) or not _ROUND_KEY.fullmatch(round_key):
        raise ValueError(f"not a round key (YYYY-MM): {round_key!r}")
    return round_key


def as_of(con, round_key: str = EVERYTHING) -> None:
    """observation_rows = the rows in force as of `round_key`."""
    key = _key(round_key)
    con.execute(f"CREATE OR REPLACE TEMP VIEW observation_rows AS "
                f"SELECT CAST('{key}' AS VARCHAR) AS edition_key, * FROM rows_as_of('{key}')")


def by_change(con, upto: str) -> None:
    """observation_rows = the rows in force at each round up to `upto` that changed their period."""
    con.execute(f"CREATE OR REPLACE TEMP VIEW observation_rows AS SELECT * FROM rows_by_change('{_key(upto)}')")


def query() -> str:
    """observations.sql: every column; $area (a policy area, or NULL for all)."""
    return sql("observations.sql")


STORED = "SELECT * EXCLUDE (edition_key, period_value, is_cumulative) FROM ({query})"


def stored_query() -> str:
    """observations.sql with the columns indicator_observations stores, in its order."""
    return STORED.format(query=query())
