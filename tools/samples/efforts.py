"""The sample effort statements and project-bank deliveries (docs/sample_data.md, "Efforts,
projects and budgets"): what the seeds give, and the rest synthesized from fixed constants.

- SOF's 2008 statement is seed 001's economic overview: new letting models 6.0 M DKK in each of
  2008-2011, social-housing projects 12.29 M each year, § 18 funds 1.0 M (2008), resource centre
  + partnership 7.5 M (2008); its own control totals 26.79 / 18.29 / 18.29 / 18.29 M and the
  grand total 73.19 M as the statement states it (its rows add to 81.66 M: the pipeline warns).
- The 2009 statements reproduce seed 002's budget by area for 2009 (476.8 M DKK) and its split by
  committee; SOF's 2009 housing 6.0 M is the letting models, its safety 31.7 M the social-housing
  projects (12.29 M) and a synthesized youth effort (19.41 M). TMF sends no 2009 statement (the
  split has no TMF figure), so the tracker shows it missing.
- TMF's 2007 statement (2.4 M DKK, housing) is synthesized for the carry-forward declared in
  catalog/effort_carry_forward.csv (TMF sent no 2008 statement; the 2009 report used its 2007
  figures).
- The project bank (BIF, November): 2008 and 2009 active projects by first priority area as seed
  002 ch. 9 table 1 gives them (114 and 83); closed projects, names, periods, budgets and second
  and third priorities (from the 2009 delivery on) are synthesized; the municipal co-financing is
  about 48.3 M DKK in 2008 and 41.3 M in 2009, housing about half of it."""

from __future__ import annotations

from pathlib import Path

from .writer import write_csv

M = 1_000_000

EFFORT_COLUMNS = ["department", "round", "statement_year", "row_type", "effort_id", "effort_name", "committee",
                  "policy_goals", "indicators", "target_group", "activities", "year_goal", "contribution",
                  "evaluated", "evaluation", "statistical_follow_up", "activities_done", "activities_outstanding",
                  "goal_fulfilment", "participants", "assessment", "budget_year", "area", "budget_dkk", "note"]
PROJECT_COLUMNS = ["department", "round", "project_id", "project_name", "owner_department", "priority_areas",
                   "start_month", "end_month", "total_budget_dkk", "status", "year", "cofinancing_dkk", "note"]

COMMITTEE = {"BIF": "BIU", "BUF": "BUU", "SOF": "SOU", "TMF": "TMU", "KFF": "KFU", "SUF": "SUU", "OKF": "OKU"}

# Seed 001's status forms, shortened (Danish, with line breaks, as a clerk pastes them).
LETTING = dict(
    effort_name="Aftalen med de almene boligorganisationer om nye udlejningsmodeller",
    policy_goals="Ingen nye udsatte områder; andelen uden tilknytning til arbejdsmarkedet reduceres med 10 % i 2010",
    indicators="HOU-M1; HOU-M2; HOU-3; HOU-4",
    target_group="Nuværende og kommende beboere i almene boliger",
    activities="Kombineret udlejning\nFleksibel udlejning (fortrinsret for personer i arbejde, studerende, "
               "alderspensionister)\nFlyttetilskud på 15.000 kr.\nOprettelse af særboliger\nAnsættelse af 10 "
               "boligrådgivere",
    year_goal="Der er ikke fastsat konkrete mål for året.",
    contribution="Skal hindre indflytning af personer på kontanthjælp, starthjælp eller introduktionsydelse i "
                 "områderne og tiltrække ressourcestærke beboere.",
    evaluated="ja", evaluation="intern", statistical_follow_up="ja",
    activities_done="Alle de nævnte aktiviteter er løbende indsatser, som er igangsat i 2007.",
    activities_outstanding="Ingen",
    goal_fulfilment="Kan først vurderes, når datagrundlaget er tilgængeligt.",
    participants="Kan ikke afgøres.", assessment="tilfredsstillende")
SOCIAL_HOUSING = dict(
    effort_name="Boligsociale projekter",
    policy_goals="Tryghed i de udsatte boligområder",
    indicators="SAF-2; SAF-3",
    target_group="Indvandrere og efterkommere i de 13 almene boligområder med boligsociale projekter",
    activities="Aktiviteter med udgangspunkt i fælles interesser:\nlektiehjælp, musik, idræt og "
               "familieaktiviteter",
    year_goal="De konkrete mål varierer fra projekt til projekt.",
    contribution="Bidrager til det langsigtede kriminalitetsforebyggende arbejde i de almene boligområder.",
    evaluated="ja", evaluation="ekstern", statistical_follow_up="nej",
    activities_done="De boligsociale projekter har eksisteret siden 2004 (nogle siden 1998).",
    activities_outstanding="Projektperioden udløber ved udgangen af 2008; størstedelen er søgt forlænget som "
                           "boligsociale helhedsplaner fra 2009.",
    assessment="delvist tilfredsstillende")


def _effort(dept, rnd, year, effort_id, budget: dict, text: dict | None = None) -> list[dict]:
    """One row per (budget year, area) of `budget`; the effort's text on its first row only."""
    rows = []
    for i, ((budget_year, area), dkk) in enumerate(budget.items()):
        row = {"department": dept, "round": rnd, "statement_year": year, "row_type": "effort", "effort_id": effort_id,
               "budget_year": budget_year, "area": area, "budget_dkk": round(dkk)}
        if i == 0:
            row.update({"committee": COMMITTEE[dept], **(text or {})})
        rows.append(row)
    return rows


def _totals(dept, rnd, year, per_year: dict, grand: float | None) -> list[dict]:
    rows = [{"department": dept, "round": rnd, "statement_year": year, "row_type": "total", "budget_year": y,
             "budget_dkk": round(v), "note": "udvalgets egen total"} for y, v in per_year.items()]
    if grand is not None:
        rows.append({"department": dept, "round": rnd, "statement_year": year, "row_type": "total",
                     "budget_dkk": round(grand), "note": "udvalgets egen total, i alt"})
    return rows


def _named(name: str, indicators: str = "", goal: str = "", assessment: str | None = None) -> dict:
    return {"effort_name": name, "indicators": indicators or None, "policy_goals": goal or None,
            "assessment": assessment}


def statements() -> dict[Path, list[dict]]:
    """The effort statements, by file (relative to the raw folder)."""
    out: dict[Path, list[dict]] = {}
    # TMF 2007 (synthesized; carried forward into 2008 by catalog/effort_carry_forward.csv)
    r = "2007-05"
    out[Path(r, f"TMF_{r}_efforts.csv")] = _effort("TMF", r, 2007, "TMF-BYRUM", {(2007, "housing"): 2.4 * M},
                                                  _named("Områdeløft og tryghed i byrummet", "HOU-M1",
                                                         "Ingen nye udsatte områder", "tilfredsstillende"))
    # SOF 2008: seed 001's economic overview
    r = "2008-05"
    sof = (_effort("SOF", r, 2008, "SOF-UDLEJ", {(y, "housing"): 6.0 * M for y in range(2008, 2012)}, LETTING)
           + _effort("SOF", r, 2008, "SOF-BOLIG", {(y, "safety"): 12.29 * M for y in range(2008, 2012)},
                     SOCIAL_HOUSING)
           + _effort("SOF", r, 2008, "SOF-P18", {(2008, "citizenship"): 1.0 * M},
                     _named("§ 18-midler til integrationsformål", "", "Foreninger med målrettet integrationsarbejde"))
           + _effort("SOF", r, 2008, "SOF-RESS", {(2008, "employment"): 7.5 * M},
                     _named("Ressourcecenter på Ydre Nørrebro og partnerskabsaftale med frivillig forening",
                            "EMP-M", "Unge mellem 14 og 19 år i Nordvest"))
           + _totals("SOF", r, 2008, {2008: 26.79 * M, 2009: 18.29 * M, 2010: 18.29 * M, 2011: 18.29 * M},
                     73.19 * M))
    out[Path(r, f"SOF_{r}_efforts.csv")] = sof
    # The 2009 statements: seed 002's budget by area and committee
    r = "2009-05"
    plan = {
        "BIF": [("BIF-JOB", "Jobcentrets integrationsindsats", "EMP-M; EMP-1; EMP-2", {"employment": 150.0}),
                ("BIF-BRO", "Brobygning til uddannelse og job", "EMP-M", {"employment": 23.5}),
                ("BIF-TRYG", "Tryghedsskabende beskæftigelsesindsats", "SAF-2", {"safety": 12.2})],
        "BUF": [("BUF-SPROG", "Sprogstimulering og modersmålsundervisning", "EDU-A; EDU-B", {"education": 120.0}),
                ("BUF-SKOLE", "Skoleindsats for tosprogede elever", "EDU-M; EDU-C", {"education": 82.7})],
        "SOF": [("SOF-UDLEJ", None, None, {"housing": 6.0}),
                ("SOF-BOLIG", None, None, {"safety": 12.29}),
                ("SOF-UNG", "Forebyggende indsats for udsatte unge", "SAF-M; SAF-1", {"safety": 19.41})],
        "KFF": [("KFF-FRI", "Foreningsliv og fritidsjob for unge", "CUL-1; CUL-2", {"culture_leisure": 18.3})],
        "SUF": [("SUF-SUND", "Sundhedsformidling til etniske minoriteter", "HEA-1; HEA-2", {"health_care": 5.7})],
        "OKF": [("OKF-OMR", "Områdefornyelse og kvarterløft", "HOU-M1; HOU-2", {"housing": 12.5}),
                ("OKF-REK", "Mangfoldighedsrekruttering i kommunen", "EMP-M", {"employment": 13.9}),
                ("OKF-TRYG", "Tryghedsvandringer", "SAF-2", {"safety": 0.3})],
    }
    for dept, efforts in plan.items():
        rows = []
        for effort_id, name, indicators, areas in efforts:
            text = {"SOF-UDLEJ": LETTING, "SOF-BOLIG": SOCIAL_HOUSING}.get(effort_id) or _named(
                name, indicators, "", "tilfredsstillende")
            budget = {(2009, a): v * M for a, v in areas.items()}
            if effort_id in ("SOF-UDLEJ", "SOF-BOLIG"):  # as in the 2008 statement: 2010 and 2011 too
                budget |= {(y, a): v * M for y in (2010, 2011) for a, v in areas.items()}
            rows += _effort(dept, r, 2009, effort_id, budget, text)
        if dept == "SOF":  # SOF states its totals again; this time they agree with its rows
            rows += _totals(dept, r, 2009, {2009: 37.7 * M, 2010: 18.29 * M, 2011: 18.29 * M}, 74.28 * M)
        out[Path(r, f"{dept}_{r}_efforts.csv")] = rows
    return out


# Seed 002 ch. 9, table 1: active projects by (first) priority area
ACTIVE = {2008: {"education": 11, "housing": 43, "safety": 6, "culture_leisure": 36, "health_care": 6,
                 "employment": 12},
          2009: {"education": 6, "housing": 38, "safety": 5, "culture_leisure": 19, "health_care": 8,
                 "employment": 7}}
# Municipal co-financing of the active projects by first priority area, M DKK (synthesized to the
# chapter's shares: housing about half, then employment, culture & leisure, health & care, ...)
COFINANCING = {2008: {"housing": 25.5, "employment": 7.3, "culture_leisure": 5.4, "health_care": 3.9,
                      "education": 3.4, "safety": 2.8},
               2009: {"housing": 21.9, "employment": 6.2, "culture_leisure": 4.5, "health_care": 3.3,
                      "education": 2.9, "safety": 2.5}}
OWNER = {"education": "BUF", "housing": "SOF", "safety": "SOF", "culture_leisure": "KFF", "health_care": "SUF",
         "employment": "BIF"}
NAMES = {"education": "Lektiecafé", "housing": "Boligsocialt projekt", "safety": "Tryghedsprojekt",
         "culture_leisure": "Fritidsprojekt", "health_care": "Sundhedsprojekt", "employment": "Jobprojekt"}
AREAS = list(OWNER)
CLOSED_2008 = 40   # projects closed before the 2008 delivery (synthesized)


def _split(total: float, n: int) -> list[int]:
    """`total` DKK over n projects in whole DKK, summing exactly."""
    base = [int(total // n)] * n
    base[-1] += int(round(total)) - sum(base)
    return base


def _project(rnd, pid, area, priorities, start, end, total, status, cofin: dict[int, int]) -> list[dict]:
    return [{"department": "BIF", "round": rnd, "project_id": pid, "project_name": f"{NAMES[area]} {pid[-3:]}",
             "owner_department": OWNER[area], "priority_areas": "; ".join(priorities), "start_month": start,
             "end_month": end, "total_budget_dkk": total, "status": status, "year": y, "cofinancing_dkk": v}
            for y, v in sorted(cofin.items())]


def project_banks() -> dict[Path, list[dict]]:
    """The project bank as BIF delivers it each November: every project registered, active or closed."""
    # 2008: the active projects, per area numbered; the first `keep` of each area continue in 2009
    projects = {}  # id -> dict(area, start, end, cofin {year: dkk})
    n = 0
    for area, count in ACTIVE[2008].items():
        amounts = _split(COFINANCING[2008][area] * M, count)
        keep = min(count, ACTIVE[2009][area] - 2 if ACTIVE[2009][area] > 2 else ACTIVE[2009][area])
        for i in range(count):
            n += 1
            continues = i < keep
            projects[f"PB-{n:03d}"] = {"area": area, "start": f"{2006 + i % 3}-{1 + i % 12:02d}",
                                       "end": "2010-12" if continues else "2008-12", "cofin": {2008: amounts[i]},
                                       "continues": continues}
    closed = {}
    for i in range(CLOSED_2008):
        n += 1
        area = AREAS[i % len(AREAS)]
        closed[f"PB-{n:03d}"] = {"area": area, "start": "2005-01", "end": "2007-12",
                                 "cofin": {2007: 120_000 + i * 1000}}
    # 2009: the continuing projects and new ones, co-financing by area split over them
    new = {}
    for area, count in ACTIVE[2009].items():
        cont = [p for p in projects.values() if p["area"] == area and p["continues"]]
        for _ in range(count - len(cont)):
            n += 1
            new[f"PB-{n:03d}"] = {"area": area, "start": "2009-03", "end": "2011-06", "cofin": {}}
        members = [pid for pid, p in {**projects, **new}.items() if p["area"] == area and p["end"] >= "2009-12"]
        for pid, amount in zip(members, _split(COFINANCING[2009][area] * M, len(members)), strict=True):
            ({**projects, **new}[pid])["cofin"][2009] = amount

    def rows(rnd: str, year: int) -> list[dict]:
        out = []
        for pid, p in sorted({**closed, **projects, **(new if year == 2009 else {})}.items()):
            cofin = {y: v for y, v in p["cofin"].items() if y <= year}
            if not cofin:
                continue
            active = p["end"] >= f"{year}-12"
            priorities = [p["area"]]
            if year == 2009 and active and int(pid[3:]) % 4 == 0:   # from autumn 2009: up to three areas
                priorities += [a for a in AREAS if a != p["area"]][: 1 + int(pid[3:]) % 8 // 4]
            total = max(50_000, sum(p["cofin"].values()) * 2)
            out += _project(rnd, pid, p["area"], priorities, p["start"], p["end"], total,
                            "active" if active else "closed", cofin)
        return out

    return {Path("2008-11", "BIF_2008-11_projects.csv"): rows("2008-11", 2008),
            Path("2009-11", "BIF_2009-11_projects.csv"): rows("2009-11", 2009)}


def generate(out: Path) -> list[Path]:
    """Write every sample effort statement and project-bank file into `out`; the paths written."""
    written = []
    for rel, rows in statements().items():
        (out / rel.parent).mkdir(parents=True, exist_ok=True)
        write_csv(out / rel, EFFORT_COLUMNS, rows)
        written.append(out / rel)
    for rel, rows in project_banks().items():
        (out / rel.parent).mkdir(parents=True, exist_ok=True)
        write_csv(out / rel, PROJECT_COLUMNS, rows)
        written.append(out / rel)
    return written
