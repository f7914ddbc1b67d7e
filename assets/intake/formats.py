"""Parsing numbers and periods exactly as departments write them in Excel and CSV, and refusing
what is ambiguous rather than guessing (docs/submissions.md, "Formats").

- A CSV separated by ';' (Danish Excel) uses decimal commas: `7,5` and `1.289` (= 1289).
- A CSV separated by ',' uses decimal points: `7.5`; a comma inside a number is refused.
- Text cells in an XLSX (numbers stored as text) follow no file-wide convention: `7,5` and `7.5`
  are clear, but `1.289` or `1,289` (one separator followed by exactly three digits) could be a
  thousand or a decimal, and is refused.
- Periods: `2009-03`, `2009`, a date (`2009-03-01`, an Excel date cell) or a Danish month name
  with the year (`marts 2009`, `mar. 2009`)."""

from __future__ import annotations

import re

MONTHS_DA = {
    "januar": 1, "jan": 1, "februar": 2, "feb": 2, "marts": 3, "mar": 3, "april": 4, "apr": 4, "maj": 5,
    "juni": 6, "jun": 6, "juli": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9,
    "oktober": 10, "okt": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}

INT = re.compile(r"-?\d+")
POINT_DECIMAL = re.compile(r"-?\d+\.\d+")
COMMA_DECIMAL = re.compile(r"-?\d+,\d+")
# Thousands groups: the first group never starts with 0 (0.176 is no thousand).
DOT_GROUPED = re.compile(r"-?[1-9]\d{0,2}(\.\d{3})+(,\d+)?")      # 1.289 / 1.289,5 (Danish)
COMMA_GROUPED = re.compile(r"-?[1-9]\d{0,2}(,\d{3})+(\.\d+)?")    # 1,289 / 1,289.5 (English)
SPACE_GROUPED = re.compile(r"-?[1-9]\d{0,2}( \d{3})+([,.]\d+)?")  # 1 289


class Ambiguous(ValueError):
    """A number or period that could be read in more than one way."""


def parse_number(text: str, convention: str) -> str:
    """Canonical text ('1289.5') for a number written under a convention: 'comma' (';'-separated
    CSV), 'point' (','-separated CSV) or 'unknown' (XLSX text cells). Text that is not a number is
    returned unchanged, for the schema to report; an ambiguous number raises Ambiguous."""
    t = text.strip().replace("\u00a0", " ")
    if not t.isascii():  # other digits (e.g. Arabic-Indic) that Python would read as a number
        return _refuse_if_numeric(t)
    if INT.fullmatch(t):
        return t
    if SPACE_GROUPED.fullmatch(t):
        return t.replace(" ", "").replace(",", ".")
    if convention == "comma":
        if DOT_GROUPED.fullmatch(t):
            return t.replace(".", "").replace(",", ".")
        if COMMA_DECIMAL.fullmatch(t):
            return t.replace(",", ".")
        if POINT_DECIMAL.fullmatch(t):
            raise Ambiguous(f"{t!r} has a decimal point, but this ';'-separated file writes decimals with a comma "
                            "(7,5) and uses '.' for thousands (1.289)")
    elif convention == "point":
        if POINT_DECIMAL.fullmatch(t):
            return t
        if "," in t and (COMMA_DECIMAL.fullmatch(t) or COMMA_GROUPED.fullmatch(t)):
            raise Ambiguous(f"{t!r} has a comma, but this ','-separated file writes decimals with a point (7.5); "
                            "write whole numbers without thousands separators")
    else:
        for pattern, sep in ((POINT_DECIMAL, "."), (COMMA_DECIMAL, ",")):
            if pattern.fullmatch(t):
                if len(t.split(sep)[1]) == 3:
                    raise Ambiguous(f"{t!r} could be a thousand or a decimal number; store the cell as a number "
                                    "or write it without separators")
                return t.replace(",", ".")
        if DOT_GROUPED.fullmatch(t) and "," in t:
            return t.replace(".", "").replace(",", ".")
        if COMMA_GROUPED.fullmatch(t) and "." in t:
            return t.replace(",", "")
    return _refuse_if_numeric(t)


def _refuse_if_numeric(t: str) -> str:
    """Text no rule above reads: if Python or pandas would still read it as a number (1e3, inf,
    NaN, 1_000, other digits), refuse it; anything else goes on unchanged for the schema to report
    (e.g. 'mange': is_a_number)."""
    try:
        float(t)
    except ValueError:
        return t
    raise Ambiguous(f"{t!r} is not written as a plain number: scientific notation, infinity, NaN, underscores "
                    "and other digits are not accepted; write the number in full, or leave the cell empty")




DATE_PREFIX = re.compile(r"(\d{4})-(\d{2})-\d{2}([ T]\d{2}:\d{2}(:\d{2})?)?")
MONTH_NAME = re.compile(r"([a-zæøå]+)\.?\s+(\d{4})", re.IGNORECASE)
YEAR_MONTH_SHORT = re.compile(r"(\d{4})-(\d)")


def parse_period(text: str) -> str:
    """'YYYY-MM' or 'YYYY' from the forms in the module docstring; anything else unchanged."""
    t = text.strip()
    if m := DATE_PREFIX.fullmatch(t):
        return f"{m[1]}-{m[2]}"
    if m := MONTH_NAME.fullmatch(t):
        month = MONTHS_DA.get(m[1].lower())
        if month is None:
            return t
        return f"{m[2]}-{month:02d}"
    if m := YEAR_MONTH_SHORT.fullmatch(t):
        return f"{m[1]}-0{m[2]}"
    return t
