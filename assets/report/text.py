"""The report's words and numbers in the reader's language: the message catalog
(assets/report/messages/<lang>.yml, validated: the same keys in every language), Danish and
English number formats (62,3 %; 1.289 / 62.3%; 1,289), periods (feb. 2009 / Feb 2009) and the
sentences generated from the published figures ("Andelen ... er steget 2,4 procentpoint")."""

from __future__ import annotations

import math
import re
from functools import cache
from pathlib import Path

from core import i18n
from core.i18n import LANGUAGES, MessageError

__all__ = ["LANGUAGES", "MessageError", "Text", "messages", "missing_keys"]

BREAK = re.compile(r"^(?P<kind>\w+) change from (?P<period>\S+): (?P<text>.*)$")   # as lights.series_breaks writes it
MESSAGES = Path(__file__).parent / "messages"


@cache
def messages(lang: str) -> dict[str, str]:
    """The flat catalog `key.sub -> text` of one language, loaded and checked as every catalog
    is (core/i18n.py)."""
    return i18n.load(MESSAGES / f"{lang}.yml")


def missing_keys() -> dict[str, list[str]]:
    """Per language, the keys another language has and it lacks (empty when they agree)."""
    every = set().union(*(messages(lang) for lang in LANGUAGES))
    return {lang: sorted(every - set(messages(lang))) for lang in LANGUAGES}


class Text:
    """One language's messages and formats, handed to the templates as `t`."""

    def __init__(self, lang: str, notes_da: dict[tuple[str, str], str] | None = None):
        if lang not in LANGUAGES:
            raise MessageError(f"no messages for language {lang!r} (have {', '.join(LANGUAGES)})")
        self.lang = lang
        self.m = messages(lang)
        self.decimal, self.thousands = (",", ".") if lang == "da" else (".", ",")
        self.notes_da = notes_da or {}   # the catalog's Danish break and caveat texts (Catalog.notes_da)

    def money(self, dkk: float | None) -> str:
        """A budget in millions: '6,0 mio. kr.' (da) / 'DKK 6.0m' (en)."""
        if dkk is None or (isinstance(dkk, float) and math.isnan(dkk)):
            return "–"
        return self("money.mdkk", n=self.num(dkk / 1e6, 1))

    def note(self, code: str, raw: str | None, kind: str = "caveat") -> tuple[str, str]:
        """A published series break ('method change from 2008: <reason>') or caveat in the
        reader's language, with the language it is in: the catalog's Danish text on Danish
        pages; the English text (marked so) only where the catalog has none."""
        if not raw:
            return "", self.lang
        if kind == "series_break":
            m = BREAK.match(raw)
            if m is None:
                return raw, "en"
            reason = m.group("text")
            if self.lang == "en":
                return raw, "en"
            if (code, reason) not in self.notes_da:
                return raw, "en"
            return self(f"break_kind.{m.group('kind')}", period=m.group("period")) + ": " + \
                self.notes_da[(code, reason)], "da"
        if self.lang == "en":
            return raw, "en"
        return (self.notes_da[(code, raw)], "da") if (code, raw) in self.notes_da else (raw, "en")

    def __call__(self, key: str, **values) -> str:
        try:
            text = self.m[key]
        except KeyError:
            raise MessageError(f"message {key!r} missing in {self.lang}.yml") from None
        return text.format(**values) if values else text

    def num(self, value: float | None, decimals: int = 1) -> str:
        """62.3 -> '62,3' (da) / '62.3' (en); 1289 -> '1.289' / '1,289'; None -> '–'."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "–"
        text = f"{abs(value):,.{max(decimals, 0)}f}"
        text = text.replace(",", "\x00").replace(".", self.decimal).replace("\x00", self.thousands)
        return ("-" if value < 0 and any(c in "123456789" for c in text) else "") + text

    def signed(self, value: float | None, decimals: int = 1) -> str:
        if value is None:
            return "–"
        return ("+" if value > 0 else "") + self.num(value, decimals)

    def value(self, value: float | None, unit: str, decimals: int = 1) -> str:
        """A figure with its unit: '62,3 %' (da), '62.3%' (en), '2,2 procentpoint', '1.289'."""
        if value is None:
            return "–"
        return self("unit_format." + unit, n=self.num(value, decimals))

    def change(self, value: float | None, unit: str, decimals: int = 1) -> str:
        """A change: in percentage points for a percent indicator."""
        unit = "percentage_points" if unit == "percent" else unit
        return self.value(abs(value) if value is not None else None, unit, decimals)

    def period(self, period: str | None) -> str:
        """'2009-02' -> 'feb. 2009' / 'Feb 2009'; '2008' -> '2008'."""
        if not period:
            return "–"
        if len(period) == 7:
            return self(f"month.{int(period[5:])}") + " " + period[:4]
        return period

    def date(self, d) -> str:
        """A target date (the month's last day) as its month."""
        return self.period(f"{d.year:04d}-{d.month:02d}") if d is not None else "–"

    def light(self, light: str | None) -> str:
        return self(f"light.{light if light in ('green', 'yellow', 'red') else 'none'}")

    def area(self, row: dict) -> str:
        return row["area_label_da"] if self.lang == "da" else row["area_label"]

    def title(self, row: dict) -> str:
        return row["title_da"] if self.lang == "da" else row["title_en"]

    def subject(self, row: dict) -> str:
        """The indicator's title as a sentence's subject ('Andelen ...' for 'Andel ...')."""
        title = self.title(row)
        first, _, rest = title.partition(" ")
        rules = dict(pair.split("=", 1) for pair in self("subject_rules").split(";"))
        return rules.get(first, first) + (" " + rest if rest else "")

    def development(self, row: dict, decimals: int) -> str:
        """The step from the previous measurement in a sentence, from the published figures."""
        if row.get("previous_value") is None or row.get("value") is None:
            return self("sentence.first", subject=self.subject(row),
                        value=self.value(row["value"], row["unit"], decimals),
                        period=self.period(row["reference_period"]))
        change = row["change_since_previous"] or 0
        verb = "unchanged" if change == 0 else ("rose" if change > 0 else "fell")
        return self(f"sentence.{verb}", subject=self.subject(row), amount=self.change(change, row["unit"], decimals),
                    previous=self.value(row["previous_value"], row["unit"], decimals),
                    previous_period=self.period(row["previous_period"]),
                    value=self.value(row["value"], row["unit"], decimals), period=self.period(row["reference_period"]))

    def reason(self, row: dict, decimals: int) -> str:
        """The light's reason in words, built from the published columns (not the English text)."""
        light = row.get("light")
        values = {"previous": self.num(row.get("previous_value"), decimals),
                  "value": self.num(row.get("value"), decimals),
                  "direction": self(f"direction.{row.get('direction') or 'none'}")}
        if row.get("value") is None:
            return self("reason.no_measurement")
        if light is None:
            return self("reason.first" if row.get("previous_value") is None else "reason.no_direction", **values)
        if row.get("series_break"):
            return self("reason.break", **values)
        if row.get("significance") == "not significant":
            return self("reason.not_significant", **values)
        if light == "yellow":
            return self("reason.unchanged", **values)
        return self(f"reason.{'improved' if light == 'green' else 'worsened'}", **values)

    def significance(self, row: dict) -> str:
        """The significance test in plain language."""
        sig = row.get("significance")
        if sig is None:
            return self("significance.none")
        if sig == "not tested" or row.get("p_value") is None:
            return self("significance.not_tested")
        p = row["p_value"]
        p_text = self("significance.p_small") if p < 0.001 else "= " + self.num(p, 3 if p < 0.01 else 2)
        test = self(f"test.{TEST_KEYS.get(row.get('test'), 'other')}")
        return self(f"significance.{'significant' if sig == 'significant' else 'not_significant'}", p=p_text, test=test)


TEST_KEYS = {"two-proportion z-test": "two_proportion",
             "z-test on the change in the gap of proportions": "gap_proportions",
             "z-test on the change in the gap of means": "gap_means",
             "z-test on the change in the mean": "mean"}
