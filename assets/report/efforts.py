"""The other half of each round in the report: the committees' efforts and their money, from the
published effort marts (`efforts`, `indicator_efforts`, `budget_by_area`, `budget_by_committee`,
`projects_by_area`; data.read_money), in the committee briefings (the seed-000 form), on each
indicator page and on each policy area's page. Budgets are published figures (no persons are
counted in them); the report shows nothing the marts do not publish."""

from __future__ import annotations

from assets.report.briefings import load_committees
from assets.report.text import Text


def _assessment(t: Text, code: str | None) -> str:
    key = f"assessment_code.{code}"
    return t(key) if code and key in t.m else (code or t("assessment_code.none"))


def effort_rows(t: Text, efforts: list[dict], known: set[str]) -> list[dict]:
    """One display row per effort: name, goals, the indicators it names (linked when the report
    has a page for them), the statement year's budget and the overall assessment."""
    return [{"id": e["effort_id"], "name": e["effort_name"], "goals": e.get("policy_goals") or "",
             "indicators": [(c, c in known) for c in (e.get("indicators") or [])],
             "budget": t.money(e.get("budget_statement_year_dkk")), "year": e["statement_year"],
             "target_group": e.get("target_group"), "year_goal": e.get("year_goal"),
             "assessment": _assessment(t, e.get("assessment")), "carried": bool(e.get("carried"))}
            for e in efforts]


def committee_efforts(data, t: Text, department: str) -> dict:
    """The committee's efforts for the briefing: its statement in force for the round's year."""
    mine = data.money.of_department(department)
    year = max((e["statement_year"] for e in mine), default=None)
    total = sum(e["budget_statement_year_dkk"] or 0 for e in mine)
    return {"rows": effort_rows(t, mine, set(data.indicators)), "year": year, "total": t.money(total) if mine else "",
            "carried": bool(mine) and any(e["carried"] for e in mine)}


def indicator_efforts(data, t: Text, code: str) -> list[dict]:
    """The efforts aimed at one indicator, with their committee and budget."""
    names = load_committees()
    out = []
    for link in data.money.of_indicator(code):
        committee = names.get(link["department"], {}).get(f"committee_{t.lang}", link["committee"])
        out.append({"name": link["effort_name"], "id": link["effort_id"], "committee": committee,
                    "year": link["statement_year"], "budget": t.money(link["budget_statement_year_dkk"])})
    return out


def area_money(data, t: Text, area: str) -> dict:
    """An area's budget by year (with each committee's part) and its projects by year."""
    year = int(data.round[:4])
    years = []
    for b in (r for r in data.money.budget if r["area"] == area):
        parts = [f"{c['committee_display_code']} {t.num(c['budget_mdkk'], 1)}"
                 + (f" ({t('area_page.carried')})" if c.get("carried_forward") else "")
                 for c in data.money.by_committee if c["area"] == area and c["year"] == b["year"]]
        years.append({"year": b["year"], "money": t.money(b["budget_dkk"]), "committees": ", ".join(parts),
                      "note": b.get("carry_forward_note")})
    projects = [{"year": p["year"], "first": t.num(p["active_projects_first_priority"], 0),
                 "any": t.num(p["active_projects_any_priority"], 0),
                 "cofinancing": t.money(p["cofinancing_first_priority_dkk"])}
                for p in data.money.projects if p["area"] == area]
    this_year = next((y for y in years if y["year"] == year), None)
    active = next((p for p in projects if p["year"] == year), None)
    return {"years": years, "projects": projects, "year": year,
            "budget_line": t("area_page.budget_line", year=year, money=this_year["money"]) if this_year else None,
            "projects_line": t("area_page.projects_line", n=active["first"]) if active and active["first"] != "0"
            else None,
            "efforts": effort_rows(t, data.money.of_area(area), set(data.indicators))}
