"""The one rounding rule of every published figure: half away from zero at the catalog's
`decimals`, applied once, to the unrounded value (docs/warehouse.md, "Rounding").

The rule lives here twice over, in the same formula: as a DuckDB macro (`publish_round`, created
on every connection to the internal warehouse) for the SQL marts, and as a vectorised function for
the marts built in pandas. tests/test_rounding.py holds the two against each other and against
exact decimal arithmetic.

Values are doubles computed from whole counts (100 * 77 / 400 = 19.25), so a value that is exactly
half-way in decimal arithmetic may be stored a hair below it (32.249999999999996). The tolerance
(`EPSILON`, relative to the scaled value) lifts those back to the tie; it is far smaller than the
distance between a tie and any other value a count can produce (at least 1 / (2 x denominator))."""

from __future__ import annotations

import numpy as np

EPSILON = 1e-10

SQL_MACRO = f"""
CREATE OR REPLACE TEMP MACRO publish_round(x, d) AS
    CASE WHEN x IS NULL OR isnan(x) THEN NULL
         ELSE sign(x) * floor(abs(x) * pow(10, d) * (1 + {EPSILON}) + 0.5) / pow(10, d) END
"""


def half_away(x, decimals):
    """Round half away from zero (scalars or arrays; NaN and None stay missing)."""
    x = np.asarray(x, dtype="float64")
    scale = np.power(10.0, np.asarray(decimals, dtype="float64"))
    out = np.sign(x) * np.floor(np.abs(x) * scale * (1 + EPSILON) + 0.5) / scale
    return out if out.ndim else float(out)
