"""The round rule, in one place: a round is the spring (May) or the November update of the
barometer, keyed "2009-05" or "2009-11". ASCII digits only and matched whole: no other digits or
letters that case-fold to ASCII (a long s, the Kelvin sign), no trailing newline."""

from __future__ import annotations

import re

ROUND_PATTERN = r"\d{4}-(05|11)"
ROUND_RE = rf"(?a)^{ROUND_PATTERN}\Z"          # as a pattern string (pandera's str_matches, re.match)
ROUND_KEY = re.compile(ROUND_PATTERN, re.ASCII)  # use .fullmatch


def is_round(text: str | None) -> bool:
    """Whether `text` is a round key such as "2009-05"."""
    return bool(text) and ROUND_KEY.fullmatch(text) is not None
