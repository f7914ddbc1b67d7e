"""Neutralising text that came from outside (a department's file name, cell or note) where the
project writes it out: into a spreadsheet (CSV, XLSX) or onto a terminal or a log.

Stored data is never altered: these functions are applied at the output boundary only, to the
copy that is written or printed.

- `csv_cell(value)`: a cell a spreadsheet application will not run as a formula (OWASP's CSV
  injection guidance): a text whose first non-blank character is a formula trigger (`=`, `+`,
  `-`, `@`, their full-width forms) or which starts with a control character (tab, carriage
  return, line feed, NUL) gets a single quote `'` in front. A number stays a number, and so does
  a text that is a plain decimal number (`-5`, `-1.5`, `+3`, `-0,5`).
- `terminal(text)`: a text that prints as one visible piece: control characters (C0 and C1,
  DEL), Unicode line/paragraph separators and bidirectional overrides, isolates and marks are
  shown escaped (`\\x1b`, `\\n`, `\\u202e`), so a file name cannot change the terminal's colours,
  forge a line of output or reverse what is shown.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
import re

# The characters a spreadsheet reads as the start of a formula, and the full-width forms some
# applications normalise to them.
FORMULA_TRIGGERS = frozenset("=+-@\uff1d\uff0b\uff0d\uff20")
# Control characters that make a spreadsheet (or an import dialog) shift or re-read a cell.
LEADING_CONTROLS = frozenset("\t\r\n\0")
# A plain decimal number: written as it is (a spreadsheet reads it as that number, never a formula).
PLAIN_NUMBER = re.compile(r"^[+-]?(?:\d+(?:[.,]\d+)?|[.,]\d+)$")
# Blanks a spreadsheet may skip before it looks for a formula trigger.
_BLANKS = " \u00a0\u3000\u2007\u202f"


def csv_cell(value):
    """The value as it may be written into a CSV or XLSX cell.

    None and NaN stay empty (None); numbers (int, float, Decimal, numpy numbers) and booleans,
    dates and times stay as they are; any other value is written as text, and a text that a
    spreadsheet would run as a formula is prefixed with `'`. A text that is a plain decimal
    number (`-5`, `+3`, `-1.5`, `-0,5`) is left as it is: it is read as that number."""
    if value is None:
        return None
    if isinstance(value, (bool, dt.date, dt.time, dt.timedelta)):
        return value
    if isinstance(value, numbers.Number):
        if isinstance(value, numbers.Real) and math.isnan(float(value)):
            return None
        return value
    if _is_missing(value):
        return None
    text = value if isinstance(value, str) else str(value)
    return "'" + text if needs_quote(text) else text


def needs_quote(text: str) -> bool:
    """Whether a spreadsheet could take this text for a formula (or re-read it as one)."""
    if not text:
        return False
    if text[0] in LEADING_CONTROLS:
        return True
    stripped = text.lstrip(_BLANKS)
    if not stripped:
        return False
    if stripped[0] in LEADING_CONTROLS:
        return True
    if stripped[0] not in FORMULA_TRIGGERS:
        return False
    return not (len(stripped) == len(text) and PLAIN_NUMBER.match(text))


def _is_missing(value) -> bool:
    try:
        import pandas as pd

        return value is pd.NA or value is pd.NaT
    except ImportError:  # pragma: no cover - pandas is a dependency
        return False


# Shown escaped on a terminal: C0 controls, DEL, C1 controls, the Unicode line and paragraph
# separators, and the bidirectional embeddings, overrides, isolates and marks (a file name with
# U+202E shows its end reversed: "BIF_2009-05\u202evsc.xlsx").
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_BIDI = {0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)}
_OTHER = "\x7f-\x9f\u2028\u2029" + "".join(chr(c) for c in sorted(_BIDI))
_UNSAFE = re.compile(f"[\x00-\x1f{_OTHER}]")
_UNSAFE_KEEP_NEWLINES = re.compile(f"[\x00-\x09\x0b-\x1f{_OTHER}]")


def _escape(m: re.Match) -> str:
    ch = m.group(0)
    if ch in _NAMED:
        return _NAMED[ch]
    code = ord(ch)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def terminal(text, keep_newlines: bool = False) -> str:
    """The text as it may be printed on a terminal or written to a log: every control character,
    line separator and bidirectional control shown escaped (ESC as `\\x1b`, a line feed as `\\n`,
    U+202E as `\\u202e`); everything else, accents and all, as it is. None prints as ''.

    `keep_newlines=True` leaves line feeds alone, for a multi-line text the project composed
    itself (an error message); anything a department supplied (a file name, a cell, a note) is
    printed with the default, so it is always one line."""
    if text is None:
        return ""
    text = text if isinstance(text, str) else str(text)
    return (_UNSAFE_KEEP_NEWLINES if keep_newlines else _UNSAFE).sub(_escape, text)
