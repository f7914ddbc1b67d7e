"""--verify of tools/generate_effort_samples.py: re-read the effort and project files and compare
the seeds' figures (budget by area 2009, SOF's 2008 overview, active projects by area)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .efforts import ACTIVE, M

BUDGET_2009 = {"education": 202.7, "employment": 187.4, "safety": 44.2, "housing": 18.5, "culture_leisure": 18.3,
               "health_care": 5.7}
SOF_2008 = {2008: 26.79, 2009: 18.29, 2010: 18.29, 2011: 18.29}


def verify(raw: Path) -> int:
    efforts = pd.concat([pd.read_csv(p) for p in sorted(raw.glob("*/*_efforts.csv"))], ignore_index=True)
    rows = efforts[efforts.row_type == "effort"]
    problems = []
    y2009 = rows[(rows.statement_year == 2009) & (rows.budget_year == 2009)].groupby("area").budget_dkk.sum() / M
    for area, want in BUDGET_2009.items():
        if round(y2009.get(area, 0), 2) != want:
            problems.append(f"budget 2009 {area}: {y2009.get(area, 0):.2f} M, want {want}")
    if round(y2009.sum(), 1) != 476.8:
        problems.append(f"budget 2009 total {y2009.sum():.2f} M, want 476.8")
    sof = rows[(rows.department == "SOF") & (rows.statement_year == 2008)].groupby("budget_year").budget_dkk.sum() / M
    for year, want in SOF_2008.items():
        if round(sof.get(year, 0), 2) != want:
            problems.append(f"SOF 2008 statement, {year}: {sof.get(year, 0):.2f} M, want {want}")
    projects = {p.parent.name[:4]: pd.read_csv(p) for p in sorted(raw.glob("*/*_projects.csv"))}
    for year, by_area in ACTIVE.items():
        df = projects.get(str(year))
        if df is None:
            problems.append(f"no project bank for {year}")
            continue
        active = df[df.status == "active"].drop_duplicates("project_id")
        first = active.priority_areas.str.split(";").str[0].str.strip().value_counts()
        for area, want in by_area.items():
            if first.get(area, 0) != want:
                problems.append(f"active projects {year} {area}: {first.get(area, 0)}, want {want}")
    for p in problems:
        print(p)
    print("all effort and project figures reproduce" if not problems else f"{len(problems)} figure(s) off")
    return 1 if problems else 0
