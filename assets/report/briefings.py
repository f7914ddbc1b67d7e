"""Committee briefings in the form of the city's own ("Til Socialudvalget: Orientering om nye
målinger i Integrationsbarometeret"): for each department's political committee (the mapping is
data: schemas/code_lists/committees.csv), its indicators' new measurements, lights and the
development in sentences generated from the published figures, and districts worth noting."""

from __future__ import annotations

import csv
from functools import cache

from assets.report.text import Text
from schemas.code_lists import CODE_LIST_DIR, department_codes

COMMITTEES = CODE_LIST_DIR / "committees.csv"


class CommitteeError(ValueError):
    """A committee list that does not name exactly one committee for every department."""


@cache
def load_committees() -> dict[str, dict]:
    """department -> {committee_da, committee_en}, from the committees code list (code, display
    code, name_da, name_en, department; shared with the effort statements), each department at
    most once and known to departments.csv. A department not listed (a new one, before its
    committee is added) gets no briefing; tests/test_report.py holds the shipped list complete."""
    with COMMITTEES.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    if rows and not {"department", "name_da", "name_en"} <= set(rows[0]):
        raise CommitteeError(f"{COMMITTEES}: columns must include department, name_da, name_en")
    found = [r["department"] for r in rows]
    problems = sorted({d for d in found if found.count(d) > 1})
    unknown = sorted(set(found) - set(department_codes()))
    empty = [r["department"] for r in rows if not r["name_da"].strip() or not r["name_en"].strip()]
    if problems or unknown or empty:
        raise CommitteeError(f"{COMMITTEES}: a department has at most one committee, with both names "
                             f"(duplicated: {problems}, not in departments.csv: {unknown}, without a name: {empty})")
    return {r["department"]: {**r, "committee_da": r["name_da"], "committee_en": r["name_en"]} for r in rows}


def join(t: Text, items: list[str]) -> str:
    """'bolig og tryghed' / 'housing and safety'."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {t('briefing.and')} " + items[-1]


def districts_worth_noting(t: Text, ind: dict, rows: list[dict]) -> str | None:
    """The best and weakest published district (by the published rank), or None."""
    ranked = sorted((r for r in rows if r.get("rank") is not None and not r["suppressed"]), key=lambda r: r["rank"])
    if len(ranked) < 2:
        return None

    def named(r: dict) -> str:
        return f"{r['district_name']} ({t.value(r['value'], r['unit'], ind['decimals'])})"

    return t("briefing.districts", period=t.period(ranked[0]["reference_period"]), best=named(ranked[0]),
             worst=named(ranked[-1]))


def briefing_context(data, t: Text, department: str, committee: dict) -> dict:
    """What one committee's briefing says, from the published figures of the department's indicators."""
    mine = [i for i in data.indicators.values() if i["responsible"] == department]
    sections, without_new, area_names = [], [], []
    for a in data.areas:
        items = []
        for ind in (i for i in mine if i["area"] == a["area"]):
            latest = data.latest(ind["code"])
            if latest is None or latest["published_round"] != data.round:
                without_new.append(ind["code"])
                continue
            dec = ind["decimals"]
            items.append({"ind": ind, "latest": latest, "sentence": t.development(latest, dec),
                          "reason": t.reason(latest | {"direction": ind["direction"]}, dec),
                          "significance": t.significance(latest),
                          "districts": districts_worth_noting(t, ind, data.district_values.get(ind["code"], []))})
        if items:
            sections.append((t.area(a), items))
            area_names.append(t.area(a).lower())
    dept = data.departments.get(department, {})
    return {"committee": committee[f"committee_{t.lang}"], "sections": sections, "areas": join(t, area_names),
            "department": dept.get(f"name_{t.lang}", department), "without_new": ", ".join(without_new)}
