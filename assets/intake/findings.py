"""Findings a department can act on: pandera's failure cases turned into (file, row, column, rule,
value, message), in plain words that lead with the cause and say what is accepted, with "did you
mean" suggestions for code-list values, and capped per rule so a file with a million bad rows
gets a report of a few pages, never a million lines."""

from __future__ import annotations

import difflib
import re
import unicodedata
from functools import cache

import numpy as np
import pandas as pd

from assets.intake.reader_base import quoted
from core import i18n
from core.i18n import current_language
from schemas.code_lists import load_code_list
from schemas.kinds import KINDS, Kind
from schemas.rule_set import IsIn, Rule, RuleSet
from schemas.submission import LABELS_DA

FINDING_COLUMNS = ["file", "row", "column", "rule", "value", "message"]
MAX_LISTED_PER_RULE = 20


def _fold(text: str) -> str:
    """Case-, accent- and punctuation-insensitive form of a code or a name (Nørrebro -> norrebro)."""
    t = text.casefold().replace("ø", "o").replace("æ", "ae").replace("ß", "ss")
    t = "".join(c for c in unicodedata.normalize("NFKD", t) if not unicodedata.combining(c))
    return re.sub(r"[^0-9a-z]+", " ", t).strip()


@cache
def _aliases(code_list: str) -> dict[str, tuple[str, str]]:
    """Folded code, name and name part -> (code, the name shown), for one code list; an alias two
    codes share (Amager) is left out."""
    table = load_code_list(code_list)
    names = [c for c in table.columns if c not in ("code", "number", "owner", "main_department")]
    found: dict[str, set[tuple[str, str]]] = {}
    for row in table.itertuples(index=False):
        d = row._asdict()
        shown = next((d[c] for c in names if d[c] and d[c] != d["code"]), "")
        texts = {d["code"]} | {d[c] for c in names if d[c]}
        texts |= {part for t in list(texts) for part in re.split(r"[/-]| og | and ", t)}
        for t in texts:
            if _fold(t):
                found.setdefault(_fold(t), set()).add((d["code"], shown))
    return {k: next(iter(v)) for k, v in found.items() if len(v) == 1}


def _closest(code_list: str, value) -> tuple[str, str] | None:
    """(code, its name) of the code list that `value` clearly means, if any."""
    if not isinstance(value, str) or not 0 < len(value) <= 60:
        return None
    aliases = _aliases(code_list)
    key = _fold(value)
    hit = aliases.get(key)
    if hit is None and key:
        scored = sorted(((difflib.SequenceMatcher(None, key, a).ratio(), a) for a in aliases), reverse=True)
        best = scored[0]
        rival = next((r for r, a in scored[1:] if aliases[a][0] != aliases[best[1]][0]), 0.0)
        # close to one code and clearly closer than to any other (Amager: Øst or Vest? no guess)
        hit = aliases[best[1]] if best[0] >= 0.75 and best[0] - rival > 0.1 else None
    return None if hit is None or hit[0] == value else hit


def _code_list(rule: Rule | None) -> str | None:
    return rule.check.code_list if rule is not None and isinstance(rule.check, IsIn) else None


def _did_you_mean(code_list: str | None, value, lang: str) -> str | None:
    hit = _closest(code_list, value) if code_list else None
    return i18n.t(lang, "check.did_you_mean", code=hit[0], name=f" ({hit[1]})" if hit[1] else "") if hit else None


def suggest(column: str, value, rules: RuleSet = KINDS["indicators"].rules, lang: str | None = None) -> str | None:
    """'mente du NOR (Nørrebro)?' / 'did you mean NOR (Nørrebro)?' for a value that is not a code
    of the column's code list (the code list of the column's isin rule); in `lang` (default: the
    current language, core/i18n.py)."""
    lang = lang or current_language()
    code_list = next((_code_list(r) for r in rules if column in r.columns and _code_list(r)), None)
    return _did_you_mean(code_list, value, lang)


def _month_before(round_key: str) -> str:
    y, m = int(round_key[:4]), int(round_key[5:7])
    return f"{y - 1}-12" if m == 1 else f"{y}-{m - 1:02d}"


def explain(rule: str, kind: Kind, column=None, value=None, round_key: str | None = None) -> tuple[str, str] | None:
    """The rule's message in Danish and English, from its record: the variant for the offending
    value (a month or a year after the round) where the record has one, and for a code-list
    value a "did you mean" in front. None for a rule without a record (a reader's rule whose
    finding carries its own message)."""
    record = kind.rules.get(rule)
    if record is None:
        return None
    variant, fields = None, {}
    if round_key and isinstance(value, str) and re.fullmatch(r"\d{4}(-\d{2})?", value):
        variant = "year" if len(value) == 4 else "month"
        fields = {"value": value, "round": round_key, "month_before": _month_before(round_key)}
    hints = [_did_you_mean(_code_list(record), value, lang) for lang in ("da", "en")]
    da, en = (f"{hint} {text}" if hint else text for hint, text in zip(hints, record.texts(variant, **fields)))
    return da, en


def _present(v) -> bool:
    return v is not None and not (isinstance(v, float) and pd.isna(v)) and v is not pd.NA


def where(file, row=None, column=None, lang: str | None = None, label: str | None = None) -> str:
    """'fil.csv, række 12, kolonne 'district' (bydel)' in `lang`: the place a finding is about."""
    lang = lang or current_language()
    named = f"'{column}'" + (f" ({label})" if label and label != column else "") if _present(column) else None
    return (f"{file}" + (i18n.t(lang, "check.row", row=row) if _present(row) else "")
            + (i18n.t(lang, "check.column", column=named) if named else ""))


def message(r, kind: Kind, round_key: str | None = None, lang: str | None = None, text: str | None = None) -> str:
    """One finding in one language (default: the current one, Danish unless chosen otherwise):
    "fil.csv, række 12, kolonne 'district' (bydel): 'Norrebro' — regel district_in_code_list:
    mente du NOR (Nørrebro)? <the rule's text>". `text` stands in for the rule's record (a
    reader's rule that has none)."""
    lang = lang or current_language()
    label = LABELS_DA.get(r["column"]) if kind.name == "indicators" and lang == "da" else None
    val = f": {quoted(r['value'])}" if _present(r["value"]) else ""
    texts = explain(r["rule"], kind, r["column"], r["value"], round_key)
    text = texts[0 if lang == "da" else 1] if texts else text
    rule = i18n.t(lang, "check.rule", rule=r["rule"])
    return f"{where(r['file'], r['row'], r['column'], lang, label)}{val} — {rule}" + (f": {text}" if text else "")


def raw_findings(file: str, cases: pd.DataFrame, kind: Kind) -> pd.DataFrame:
    """pandera's failure cases, each labelled with its rule's name (the check's name, or for a
    failure pandera finds itself the rule of its reason code: assets/intake/validation.py), ->
    findings without messages (file, row, column, rule, value), vectorised: a million failing
    cells cost no Python loop (the rule, the column named and whether the value is shown are
    worked out once per distinct check and column)."""
    if cases.empty:
        return pd.DataFrame(columns=FINDING_COLUMNS[:-1])
    ctx = cases["schema_context"].astype(str).to_numpy()
    labels = pd.DataFrame({"ctx": ctx, "check": cases["check"].astype(str).to_numpy(),
                           "col": cases["column"].astype(object).where(cases["column"].notna(), None).to_numpy()})
    parts = [pd.factorize(labels[c], use_na_sentinel=False) for c in labels.columns]
    combined = np.zeros(len(labels), dtype=np.int64)
    for part_codes, part_uniques in parts:
        combined = combined * (len(part_uniques) + 1) + part_codes
    first, codes = np.unique(combined, return_index=True, return_inverse=True)[1:]
    uniques = labels.iloc[first].itertuples(index=False)
    rules, columns, shows, from_case = [], [], [], []
    for c_ctx, rule, c_col in uniques:  # every check is labelled with its rule's name
        is_col = c_ctx == "Column"
        record = kind.rules.get(rule)
        named_in_case = not is_col and record is not None and record.column_in_failure_case
        if is_col:
            column = c_col
        elif named_in_case:
            column = None  # the failure case names the column
        else:
            column = record.column if record is not None and record.column else c_col
        rules.append(rule)
        columns.append(column)
        shows.append(is_col)
        from_case.append(named_in_case)
    rule = np.asarray(rules, dtype=object)[codes]
    column = np.asarray(columns, dtype=object)[codes]
    failure = cases["failure_case"].to_numpy(dtype=object)
    named_by_case = np.asarray(from_case, dtype=bool)[codes]
    column[named_by_case] = failure[named_by_case]
    value = np.where(np.asarray(shows, dtype=bool)[codes], failure, None)
    row = pd.to_numeric(cases["index"], errors="coerce").astype("Int64").to_numpy()
    out = pd.DataFrame({"file": file, "row": row, "column": column, "rule": rule, "value": value})
    return out.drop_duplicates(subset=["row", "column", "rule"])


def fill_values(found: pd.DataFrame, data: pd.DataFrame) -> pd.DataFrame:
    """A dataframe-level rule names its row and column: show that cell's value (listed rows only)."""
    for i, r in found.iterrows():
        if not _present(r["value"]) and _present(r["row"]) and r["column"] in data.columns and r["row"] in data.index:
            found.at[i, "value"] = data.at[r["row"], r["column"]]
    return found


def cap(found: pd.DataFrame, limit: int = MAX_LISTED_PER_RULE) -> tuple[pd.DataFrame, dict[str, int]]:
    """The first `limit` findings of each rule (in the order given), and how many more each has."""
    if found.empty:
        return found, {}
    n = found.groupby("rule", sort=False).cumcount()
    omitted = found.loc[n >= limit, "rule"].value_counts().to_dict()
    return found[n < limit], {k: int(v) for k, v in omitted.items()}


def more_lines(file: str, omitted: dict[str, int], limit: int = MAX_LISTED_PER_RULE) -> pd.DataFrame:
    lang = current_language()
    rows = [{"file": file, "row": None, "column": None, "rule": rule, "value": None,
             "message": i18n.t(lang, "check.more", file=file, n=i18n.count(n, lang), rule=rule, limit=limit)}
            for rule, n in omitted.items()]
    return pd.DataFrame(rows, columns=FINDING_COLUMNS)


def reader_message(file: str, rule: str, english: str, kind: Kind, row=None, column=None, value=None,
                   lang: str | None = None) -> str:
    """A reader's finding in one language. In English the reader's own words (`english`, which
    may name a detail: the byte, the duplicated column); in Danish the place, the rule and the
    rule's record (or the catalog's text for a reader's rule without a record)."""
    lang = lang or current_language()
    if lang == "en":
        return english if english.endswith(f"— rule {rule}") else f"{english} — {i18n.t(lang, 'check.rule', rule=rule)}"
    generic = i18n.t(lang, f"check.reader.{rule}") if i18n.has(f"check.reader.{rule}", lang) else None
    if kind.rules.get(rule) is None and generic is None:
        return f"{english} — {i18n.t(lang, 'check.rule', rule=rule)}"  # no words of ours: the reader's stand
    return message({"file": file, "row": row, "column": column, "rule": rule, "value": value}, kind, lang=lang,
                   text=generic)
