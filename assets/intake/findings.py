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
from schemas.code_lists import codes, load_code_list
from schemas.kinds import Kind
from schemas.submission import KEY, LABELS_DA

FINDING_COLUMNS = ["file", "row", "column", "rule", "value", "message"]
MAX_LISTED_PER_RULE = 20
CODE_LISTS = {"department": "departments", "district": "districts", "group": "groups", "sex": "sexes"}


def rule_name(check: str, column: str | None) -> str:
    """pandera's check label -> our stable rule name."""
    check = str(check)
    if check.startswith("isin("):
        return f"{column}_in_code_list"
    if check.startswith("str_matches("):
        return f"{column}_format"
    if check.startswith("greater_than_or_equal_to("):
        return "not_negative"
    if check.startswith(("coerce_dtype(", "dtype(")):
        return "is_a_number"
    if check == "not_nullable":
        return "required_value"
    if check == "column_in_dataframe":
        return "required_column"
    if check == "column_in_schema":
        return "unknown_column"
    if check in ("multiple_fields_uniqueness", "field_uniqueness", "duplicates"):
        return "unique_cell"
    return check


RULE_TEXT_EXTRA = {
    "not_negative": "the number cannot be negative",
    "is_a_number": "the cell must be a number",
    "required_value": "the cell cannot be empty",
    "required_column": "a required column is missing",
    "unknown_column": "the column is not part of the template (allowed: see docs/submissions.md)",
    "unique_cell": "the same cell (" + ", ".join(KEY) + ") is given more than once",
    "formula_without_value": "the cell holds a formula saved without its result: save the file in Excel, or type "
                             "the value",
    "row_width": "the row has more cells than the header: a separator inside a text must be quoted; write a "
                 "decimal number with a point (7.5) and a whole number without a thousands separator (1289)",
    "number_format": "a number that could be read two ways, or not written as a plain number (docs/submissions.md, "
                     "Formats)",
}


def _fold(text: str) -> str:
    """Case-, accent- and punctuation-insensitive form of a code or a name (Nørrebro -> norrebro)."""
    t = text.casefold().replace("ø", "o").replace("æ", "ae").replace("ß", "ss")
    t = "".join(c for c in unicodedata.normalize("NFKD", t) if not unicodedata.combining(c))
    return re.sub(r"[^0-9a-z]+", " ", t).strip()


@cache
def _aliases(column: str) -> dict[str, tuple[str, str]]:
    """Folded code, name and name part -> (code, the name shown), for one code-list column; an
    alias two codes share (Amager) is left out."""
    table = load_code_list(CODE_LISTS[column])
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


def suggest(column: str, value) -> str | None:
    """'did you mean NOR (Nørrebro)?' for a value that is not a code of the column's code list."""
    if column not in CODE_LISTS or not isinstance(value, str) or not 0 < len(value) <= 60:
        return None
    aliases = _aliases(column)
    key = _fold(value)
    hit = aliases.get(key)
    if hit is None and key:
        scored = sorted(((difflib.SequenceMatcher(None, key, a).ratio(), a) for a in aliases), reverse=True)
        best = scored[0]
        rival = next((r for r, a in scored[1:] if aliases[a][0] != aliases[best[1]][0]), 0.0)
        # close to one code and clearly closer than to any other (Amager: Øst or Vest? no guess)
        hit = aliases[best[1]] if best[0] >= 0.75 and best[0] - rival > 0.1 else None
    if hit is None or hit[0] == value:
        return None
    return f"did you mean {hit[0]}" + (f" ({hit[1]})" if hit[1] else "") + "?"


def _month_before(round_key: str) -> str:
    y, m = int(round_key[:4]), int(round_key[5:7])
    return f"{y - 1}-12" if m == 1 else f"{y}-{m - 1:02d}"


def explain(rule: str, kind: Kind, column=None, value=None, round_key: str | None = None) -> str:
    if rule.endswith("_in_code_list"):
        col = rule[: -len("_in_code_list")]
        lst = CODE_LISTS.get(col)
        allowed = f": {', '.join(codes(lst))}" if lst else ""
        hint = suggest(col, value)
        return (f"{hint} " if hint else "") + f"'{col}' must be a code from the {lst or col} code list{allowed}"
    if rule == "period_not_after_round" and round_key and isinstance(value, str):
        example = f"give the month of the measurement, e.g. {_month_before(round_key)}"
        if re.fullmatch(r"\d{4}", value):
            return (f"a year ({value}) counts as December {value}, after the round's month {round_key}; {example}")
        return f"{value} is after the round's month {round_key}: a measurement cannot be dated later; {example}"
    if rule in RULE_TEXT_EXTRA:
        return RULE_TEXT_EXTRA[rule]
    if rule.endswith("_format"):
        col = rule[: -len("_format")]
        fmt = {"round": "YYYY-05 or YYYY-11", "reference_period": "YYYY-MM or YYYY",
               "indicator": "a code such as EMP-M"}.get(col, "the template's format")
        return f"'{col}' must have the format {fmt}"
    return kind.rule_text.get(rule) or rule


def _present(v) -> bool:
    return v is not None and not (isinstance(v, float) and pd.isna(v)) and v is not pd.NA


def message(r, kind: Kind, round_key: str | None = None) -> str:
    label = LABELS_DA.get(r["column"]) if kind.name == "indicators" else None
    has_column = _present(r["column"])
    column = f"'{r['column']}'" + (f" ({label})" if label and label != r["column"] else "")
    where = (f"{r['file']}" + (f", row {r['row']}" if _present(r["row"]) else "")
             + (f", column {column}" if has_column else ""))
    val = f": {quoted(r['value'])}" if _present(r["value"]) else ""
    return f"{where}{val} — rule {r['rule']}: {explain(r['rule'], kind, r['column'], r['value'], round_key)}"


def raw_findings(file: str, cases: pd.DataFrame, kind: Kind) -> pd.DataFrame:
    """pandera's failure cases -> findings without messages (file, row, column, rule, value),
    vectorised: a million failing cells cost no Python loop (the rule, the column named and
    whether the value is shown are worked out once per distinct check and column)."""
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
    for c_ctx, c_check, c_col in uniques:
        is_col = c_ctx == "Column"
        rule = rule_name(c_check, c_col if is_col else None)
        if is_col:
            column = c_col
        elif rule in ("required_column", "unknown_column"):
            column = None  # the failure case names the column
        elif rule == "unique_cell":
            column = kind.columns[2]  # the first key column after department and round
        else:
            column = kind.rule_columns.get(rule, c_col)
        rules.append(rule)
        columns.append(column)
        shows.append(is_col)
        from_case.append(not is_col and rule in ("required_column", "unknown_column"))
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
    rows = [{"file": file, "row": None, "column": None, "rule": rule, "value": None,
             "message": f"{file}: … and {n:,} more of rule {rule} (the first {limit} are listed; fix them the same "
                        "way)"} for rule, n in omitted.items()]
    return pd.DataFrame(rows, columns=FINDING_COLUMNS)
