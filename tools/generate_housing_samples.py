#!/usr/bin/env python
"""Deterministic generator of the sample housing-area files (docs/housing.md).

    python tools/generate_housing_samples.py           # (re)write raw/<round>/{TMF,SOF}_<round>_areas.csv
                                                       # and raw/2009-05/TMF_2009-05_dwellings.csv
    python tools/generate_housing_samples.py --verify  # re-read those files, classify every area at
                                                       # every date and decompose 2006-12 -> 2008-12;
                                                       # exit 1 when an outcome is off
    python tools/generate_housing_samples.py --out DIR # the same files into DIR/<round>/ instead of
                                                       # raw/ (with --verify: re-read DIR/)

The files reproduce the housing facts of the domain brief: the ministry's list of vulnerable
areas (5 in 2006, 4 in 2008, 2 in 2009 and at the end of 2009 under the old rule, 6 on 1 January
2010 under the new rule, the 4 added ones moved by the rule change alone) and seed 003's
decomposition of the 2006-2008 change in persons 18-64 on transfer income by area type. There is
no random number generator: every count follows from the constants below. See
docs/sample_data.md ("Housing areas").
"""

from __future__ import annotations

import argparse
import csv
import io
import math
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "raw"

AREA_COLUMNS = ["department", "round", "area_id", "area_name", "area_group", "district", "section",
                "reference_period", "residents", "residents_18_64", "outside_labour_market",
                "family_dwellings", "movein_flexible", "movein_combined"]
DWELLING_COLUMNS = ["department", "round", "area_id", "period_from", "period_to", "dwelling_status",
                    "dwellings", "transfer_from", "transfer_to", "residents_18_64_from",
                    "residents_18_64_to"]
DISTRICTS = ["IND", "OST", "NOR", "VES", "VAL", "VAN", "BRH", "BIS", "AMO", "AMV"]
PERIODS = ["2006-12", "2008-03", "2008-12", "2009-03", "2009-12", "2010-01"]
T0, T1 = "2006-12", "2008-12"                     # the decomposition's dates (seed 003)
NEW_RULE_FROM = "2010-01"                          # the ministry's rule changed on 1 January 2010
# Months since the previous measurement (SOF's move-in counts cover that span); 2006-12 counts
# the year 2006, before the barometer's cumulative count starts in January 2007.
MONTHS = {"2006-12": 12, "2008-03": 15, "2008-12": 9, "2009-03": 3, "2009-12": 9, "2010-01": 1}

TING_GROUP = "Tingbjerg m.fl."
GROUPS = ["TING", "OVUL", "HR", "RISK", "NEU"]     # decomposition groups (type at 2006-12)
GROUP_LABEL = {"TING": "Tingbjerg m.fl.", "OVUL": "other vulnerable", "HR": "high-risk",
               "RISK": "risk", "NEU": "neutral"}

# Seed 003: change 2006-12 -> 2008-12 in persons 18-64 on transfer income.
#   group: (net moving, dwellings not emptied, total, share change in pp)
SEED003 = {"TING": (-69, -155, -224, -5.9), "OVUL": (-40, -301, -341, -8.3),
           "HR": (-283, -751, -1034, -7.2), "RISK": (166, -1005, -839, -2.8),
           "NEU": (290, -630, -340, -2.0), "ALL": (64, -2842, -2778, -3.9)}
SEED003_ALL_SHARES = (33.2, 29.3)

# Group totals (residents 18-64 R and of those outside the labour market T, at 2006-12 and
# 2008-12), found once by an integer search so that every seed-003 figure rounds right with a
# margin, and so that the 2006-12 pooled shares match the barometer's HOU-M2 (vulnerable, 49.6)
# and HOU-1 (high-risk, 45.3 -> 38.2 at 2008-12).
#   group: (R0, T0, R1, T1)
GROUP_TOTALS = {"TING": (3790, 1782, 3786, 1558), "OVUL": (4060, 2111, 4050, 1770),
                "HR": (14550, 6596, 14573, 5562), "RISK": (29500, 10384, 29491, 9545),
                "NEU": (28020, 5660, 29175, 5320)}
# Share of an area's dwellings emptied 2006-12 -> 2008-12 (every resident moved out), per group.
EMPTIED = {"TING": 0.20, "OVUL": 0.21, "HR": 0.19, "RISK": 0.17, "NEU": 0.16}


class Area:
    def __init__(self, area_id, name, district, group, weight, r06, r08, *, growth=1.0, ratio=0.66,
                 sections=None, override=None, family=None):
        self.id, self.name, self.district, self.group = area_id, name, district, group
        self.weight, self.r06, self.r08, self.growth, self.ratio = weight, r06, r08, growth, ratio
        # sections: [(name, weight of residents 18-64, share offset in pp)]; offsets pool to ~0
        self.sections = sections
        self.override = override or {}      # period -> pooled share (%) for the named areas
        self.family = family                 # period -> family dwellings (listed areas: HOU-M1)
        self.area_group = TING_GROUP if group == "TING" else ""


# ---------------------------------------------------------------------------------- the areas
# Vulnerable areas of the brief. Family dwellings of the listed areas follow the main samples'
# HOU-M1 (Mar 2007: BRH 2410, NOR 1590, VAL 793; Mar 2008: 2380, 1019, 652; Mar 2009: 2360, 559).
VULNERABLE = [
    Area("TINGBJERG", "Tingbjerg/Utterslevhuse", "BRH", "TING", 3790, 47.0, 41.15, ratio=0.655,
         sections=[("Tingbjerg I", .36, 11.0), ("Tingbjerg II", .34, -1.5), ("Utterslevhuse", .30, -11.5)],
         family={"2006-12": 2410, "2008-03": 2380, "2008-12": 2370, "2009-03": 2360, "2009-12": 2360,
                 "2010-01": 2360}),
    Area("MJOLNERPARKEN", "Mjølnerparken", "NOR", "OVUL", 1000, 57.0, 52.0, ratio=0.60,
         family={p: 559 for p in PERIODS}),
    Area("AKACIEPARKEN", "Akacieparken", "VAL", "OVUL", 1250, 51.3, 41.5, ratio=0.63,
         override={"2008-03": 50.9, "2009-12": 43.0},
         family={"2006-12": 793, **{p: 652 for p in PERIODS[1:]}}),
    Area("LUNDTOFTEGADE", "Lundtoftegade", "NOR", "OVUL", 800, 51.5, 42.5, ratio=0.62,
         override={"2008-03": 50.8, "2009-12": 44.0}, family={p: 460 for p in PERIODS}),
    Area("ALDERSROGADE", "Aldersrogade/Vognvænget", "NOR", "OVUL", 1010, 48.0, 39.5, ratio=0.66,
         sections=[("Aldersrogade", .55, 5.5), ("Vognvænget", .45, -6.72)],
         override={"2009-12": 42.0}, family={p: 571 for p in PERIODS}),
]
# High-risk at 2006-12 (40-50 %; Stengade above 50 % but under 1,200 residents, so not listed).
HIGH_RISK = [
    Area("BISPEPARKEN", "Bispeparken", "BIS", "HR", 1250, 46.5, 43.0, ratio=0.64, override={"2009-12": 42.5}),
    Area("URBANPLANEN", "Urbanplanen", "AMV", "HR", 2300, 44.0, 36.5, ratio=0.64,
         sections=[("Urbanplanen Nord", .5, 2.0), ("Urbanplanen Syd", .5, -2.0)]),
    Area("BLAAGAARDEN", "Blågården", "NOR", "HR", 1100, 47.0, 39.0),
    Area("NORREBROPARKEN", "Nørrebroparken", "NOR", "HR", 950, 45.5, 38.0),
    Area("RAADMANDSGADE", "Rådmandsgade", "NOR", "HR", 700, 43.5, 37.5),
    Area("STENGADE", "Stengade", "NOR", "HR", 560, 51.0, 44.0, ratio=0.64),
    Area("REMISEVEJ", "Remisevej", "AMV", "HR", 800, 44.5, 37.0),
    Area("GYLDENRISPARKEN", "Gyldenrisparken", "AMV", "HR", 900, 42.5, 35.5),
    Area("TAGENSBO", "Tagensbo", "BIS", "HR", 850, 45.0, 37.5),
    Area("FOLEHAVEN", "Folehaven", "VAL", "HR", 1500, 44.0, 36.5),
    Area("SJAELOER_BOULEVARD", "Sjælør Boulevard", "VES", "HR", 900, 46.0, 38.0),
    Area("MOZARTSVEJ", "Mozartsvej", "VES", "HR", 650, 44.0, 36.0),
    Area("HOERGAARDEN", "Hørgården", "AMO", "HR", 1200, 45.0, 38.0),
    Area("RYPARKEN", "Ryparken", "OST", "HR", 450, 41.5, 35.0),
    Area("GROENDALSVAENGE", "Grøndalsvænge", "VAN", "HR", 280, 41.0, 36.0, ratio=0.64),
]
RISK = [
    Area("GADELANDET", "Gadelandet", "BRH", "RISK", 2200, 35.0, 32.5),
    Area("HUSUMGAARD", "Husumgård", "BRH", "RISK", 1700, 33.5, 31.0),
    Area("VOLDPARKEN", "Voldparken", "BRH", "RISK", 2400, 36.0, 33.0),
    Area("LYKKEBO", "Lykkebo", "VAL", "RISK", 1500, 34.0, 31.5),
    Area("EMDRUP_VAENGE", "Emdrup Vænge", "BIS", "RISK", 1900, 36.5, 33.5),
    Area("BISPEBJERG_BAKKE", "Bispebjerg Bakke", "BIS", "RISK", 2300, 37.0, 34.0,
         sections=[("Bispebjerg Bakke Øst", .6, 1.5), ("Bispebjerg Bakke Vest", .4, -2.25)]),
    Area("SUNDHOLMSVEJ", "Sundholmsvej", "AMV", "RISK", 1800, 35.5, 33.0),
    Area("SUNDBY_VAENGE", "Sundby Vænge", "AMV", "RISK", 2000, 34.5, 31.8),
    Area("LERGRAVSPARKEN", "Lergravsparken", "AMO", "RISK", 2100, 33.0, 30.5),
    Area("KASTRUPVEJ", "Kastrupvej", "AMO", "RISK", 1600, 32.0, 29.6),
    Area("ENGHAVEVEJ", "Enghavevej", "VES", "RISK", 2300, 37.5, 34.5),
    Area("HANSSTED", "Hanssted", "VES", "RISK", 1900, 36.0, 33.2),
    Area("STEFANSGADE", "Stefansgade", "NOR", "RISK", 1800, 38.0, 35.0),
    Area("TITANGADE", "Titangade", "OST", "RISK", 1600, 31.5, 29.0),
    Area("JYLLINGEVEJ", "Jyllingevej", "VAN", "RISK", 2400, 32.5, 30.0),
]
NEUTRAL = [
    Area("VOLDBOLIGERNE", "Voldboligerne", "IND", "NEU", 700, 14.0, 12.4, growth=1.03),
    Area("SANKT_ANNAE", "Sankt Annæ Gård", "IND", "NEU", 500, 12.5, 11.0, growth=1.02),
    Area("STRANDVEJSPARKEN", "Strandvejsparken", "OST", "NEU", 1500, 16.0, 14.3, growth=1.05),
    Area("KILDEVAELD", "Kildevæld", "OST", "NEU", 1400, 18.0, 16.0, growth=1.04),
    Area("VIBENSHUS", "Vibenshus", "OST", "NEU", 1300, 15.5, 13.8, growth=1.03),
    Area("MIMERSGADE", "Mimersgade", "NOR", "NEU", 1200, 26.0, 23.5, growth=1.04),
    Area("ISTEDGAARDEN", "Istedgården", "VES", "NEU", 1600, 24.5, 22.3, growth=1.05),
    Area("SKYDEBANEN", "Skydebanen", "VES", "NEU", 1100, 22.0, 20.0, growth=1.04),
    Area("VALBY_VAENGE", "Valby Vænge", "VAL", "NEU", 1700, 21.0, 19.0, growth=1.06),
    Area("TOFTEGAARD", "Toftegård", "VAL", "NEU", 1300, 23.0, 21.0, growth=1.04),
    Area("GROENDALSLUND", "Grøndalslund", "VAN", "NEU", 1400, 17.5, 15.8, growth=1.03),
    Area("VANLOESE_HAVE", "Vanløse Have", "VAN", "NEU", 1100, 16.5, 14.8, growth=1.03),
    Area("BELLAHOEJ", "Bellahøj", "BRH", "NEU", 2300, 27.0, 24.8, growth=1.04,
         sections=[("Bellahøj Nord", .5, 1.0), ("Bellahøj Syd", .5, -1.0)]),
    Area("DEGNEGAARDEN", "Degnegården", "BRH", "NEU", 1500, 25.0, 22.8, growth=1.04),
    Area("FUGLEKVARTERET", "Fuglekvarteret", "BIS", "NEU", 1600, 24.0, 22.0, growth=1.05),
    Area("RENTEMESTERVEJ", "Rentemestervej", "BIS", "NEU", 1200, 22.5, 20.5, growth=1.04),
    Area("SUNDBYOESTER", "Sundbyøster", "AMO", "NEU", 1500, 19.0, 17.2, growth=1.05),
    Area("HOLMBLADSGADE", "Holmbladsgade", "AMO", "NEU", 1300, 20.5, 18.5, growth=1.04),
    Area("SUNDBYVESTER", "Sundbyvester", "AMV", "NEU", 1600, 21.5, 19.5, growth=1.04),
    Area("KONGELUNDSVEJ", "Kongelundsvej", "AMV", "NEU", 1400, 20.0, 18.0, growth=1.03),
]
AREAS = VULNERABLE + HIGH_RISK + RISK + NEUTRAL
SPECIAL = {a.id for a in VULNERABLE} | {"BISPEPARKEN"}

# Required listings (the ministry's list at each date, under the rule in force).
LISTED_2006 = {"MJOLNERPARKEN", "TINGBJERG", "AKACIEPARKEN", "LUNDTOFTEGADE", "ALDERSROGADE"}
REQUIRED_LISTS = {
    "2006-12": LISTED_2006,
    "2008-03": {"MJOLNERPARKEN", "TINGBJERG", "AKACIEPARKEN", "LUNDTOFTEGADE"},
    "2009-03": {"MJOLNERPARKEN", "TINGBJERG"},
    "2009-12": {"MJOLNERPARKEN", "TINGBJERG"},
    "2010-01": {"MJOLNERPARKEN", "TINGBJERG", "AKACIEPARKEN", "LUNDTOFTEGADE", "ALDERSROGADE", "BISPEPARKEN"},
}


# ---------------------------------------------------------------------------------- helpers
# The round rule and the integer allocation are the main generator's (one place for each).
sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate_samples import lr, round_of  # noqa: E402 - after the sys.path set-up above


def alloc(total: int, dens: list[int], rates: list[float], caps: list[int] | None = None) -> list[int]:
    """Integer numerators summing exactly to `total`, following `rates` (percent of `dens`) scaled
    by one common factor, each within [0, cap]."""
    caps = caps if caps is not None else list(dens)
    raw = [r * d / 100 for r, d in zip(rates, dens)]
    s = sum(raw)
    x = [v * total / s if s else 0.0 for v in raw]
    out = [min(c, max(0, math.floor(v))) for v, c in zip(x, caps)]
    gap = total - sum(out)
    order = sorted(range(len(x)), key=lambda i: (-(x[i] - math.floor(x[i])), i))
    while gap:
        step = 1 if gap > 0 else -1
        moved = False
        for i in order:
            if gap and ((step > 0 and out[i] < caps[i]) or (step < 0 and out[i] > 0)):
                out[i] += step
                gap -= step
                moved = True
        if not moved:
            raise ValueError("cannot allocate within caps")
    return out


def pct(n: float, d: float) -> float:
    return 100.0 * n / d if d else 0.0


# ---------------------------------------------------------------------------------- building
def build():
    """Counts per area (and section) and period, the dwelling split, and SOF's move-ins."""
    for g in GROUPS:
        areas = [a for a in AREAS if a.group == g]
        R0g, T0g, R1g, T1g = GROUP_TOTALS[g]
        r0s = lr(R0g, [a.weight for a in areas])
        t0s = alloc(T0g, r0s, [a.r06 for a in areas])
        r1s = lr(R1g, [r * a.growth for r, a in zip(r0s, areas)])
        t1s = alloc(T1g, r1s, [a.r08 for a in areas])
        for a, r0, t0, r1, t1 in zip(areas, r0s, t0s, r1s, t1s):
            a.R = {T0: r0, T1: r1}
            a.T = {T0: t0, T1: t1}
    for a in AREAS:
        r0, r1 = a.R[T0], a.R[T1]
        s0, s1 = pct(a.T[T0], r0), pct(a.T[T1], r1)
        a.R["2008-03"] = round(r0 + 0.625 * (r1 - r0))
        a.R["2009-03"] = r1 + round(0.125 * (r1 - r0))
        a.R["2009-12"] = r1 + round(0.5 * (r1 - r0))
        a.R["2010-01"] = a.R["2009-12"] + (1 if sum(map(ord, a.id)) % 3 == 0 else 0)
        share = {"2008-03": s0 + 0.625 * (s1 - s0), "2009-03": s1 - 0.3, "2009-12": s1 - 0.8}
        max_off = max([o for _, _, o in a.sections or []] + [0.0])
        if a.id not in SPECIAL and round(a.R["2009-12"] / a.ratio) >= 1000:
            # not on the new list: no section above 40 % once the rule changes
            share["2009-12"] = min(share["2009-12"], 39.0 - max_off)
        share.update(a.override)
        share["2010-01"] = share["2009-12"]
        for p, s in share.items():
            a.T[p] = round(s * a.R[p] / 100)
        a.residents = {p: round(a.R[p] / a.ratio) for p in PERIODS}
        dw = round(a.residents[T0] / 2.2)
        if a.family:
            a.dwellings = max(dw, round(max(a.family.values()) * 1.05))
        else:
            a.dwellings = dw
            a.family = {p: round(dw * 0.9) for p in PERIODS}
        for p in PERIODS:
            assert 0 <= a.T[p] <= a.R[p] <= a.residents[p], (a.id, p)
    # rows per area / section and period
    rows = {}
    for a in AREAS:
        for p in PERIODS:
            if not a.sections:
                rows[(a.id, "", p)] = dict(residents=a.residents[p], R=a.R[p], T=a.T[p], family=a.family[p],
                                           dw=a.dwellings)
                continue
            w = [s[1] for s in a.sections]
            Rs = lr(a.R[p], w)
            s_area = pct(a.T[p], a.R[p])
            Ts = alloc(a.T[p], Rs, [s_area + s[2] for s in a.sections])
            res = lr(a.residents[p], Rs)
            fam = lr(a.family[p], Rs)
            dws = lr(a.dwellings, w)
            for s, r, t, n, f, d in zip(a.sections, Rs, Ts, res, fam, dws):
                rows[(a.id, s[0], p)] = dict(residents=n, R=r, T=t, family=f, dw=d)
    # SOF move-ins: vulnerable and high-risk areas (type at 2006-12), at TMF's grain
    listed_at = {p: REQUIRED_LISTS.get(p, set()) for p in PERIODS}
    listed_at["2008-12"] = REQUIRED_LISTS["2009-03"]
    for (aid, _sec, p), r in rows.items():
        a = AREA_BY_ID[aid]
        if a.group in ("TING", "OVUL", "HR"):
            # move-ins per dwelling and month (2006: before the schemes were widened in 2007)
            flex, comb = (0.001, 0.0004) if p == "2006-12" else (0.0025, 0.0015)
            r["flex"] = round(r["dw"] * flex * MONTHS[p])
            r["comb"] = round(r["dw"] * comb * MONTHS[p]) if aid in listed_at[p] else 0
    return rows


AREA_BY_ID = {a.id: a for a in AREAS}


def build_dwellings():
    """Per area: emptied / kept dwellings 2006-12 -> 2008-12 with transfer and residents 18-64 at
    both dates; group sums give seed 003's net moving and not-emptied figures exactly."""
    out = []
    for g in GROUPS:
        areas = [a for a in AREAS if a.group == g]
        f = EMPTIED[g]
        dw_e = [round(a.dwellings * f) for a in areas]
        Re0 = [round(a.R[T0] * f * 0.92) for a in areas]
        Te0 = [round(a.T[T0] * f * 0.95) for a in areas]
        Re1 = [round(a.R[T1] * f * 0.96) for a in areas]
        net = SEED003[g][0]
        caps = [min(r, a.T[T1]) for r, a in zip(Re1, areas)]
        Te1 = alloc(sum(Te0) + net, Re1, [pct(t, r) for t, r in zip(Te0, Re0)], caps)
        for a, d, re0, te0, re1, te1 in zip(areas, dw_e, Re0, Te0, Re1, Te1):
            out.append(dict(area_id=a.id, status="emptied", dwellings=d, tf=te0, tt=te1, rf=re0, rt=re1))
            out.append(dict(area_id=a.id, status="kept", dwellings=a.dwellings - d, tf=a.T[T0] - te0,
                            tt=a.T[T1] - te1, rf=a.R[T0] - re0, rt=a.R[T1] - re1))
    return out


# ---------------------------------------------------------------------------------- writing
def text(v) -> str:
    return "" if v is None else str(v)


def write_csv(path: Path, columns, rows):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(columns)
    for r in rows:
        w.writerow([text(r.get(c)) for c in columns])
    path.write_text(buf.getvalue(), encoding="utf-8")


def generate(out: Path | None = None) -> list[Path]:
    """Write the housing-area and dwelling files into `out` (default raw/); return their paths."""
    out = Path(out) if out is not None else RAW
    rows = build()
    order = {a.id: i for i, a in enumerate(AREAS)}
    files = defaultdict(list)
    for (aid, sec, p), r in sorted(rows.items(), key=lambda kv: (kv[0][2], order[kv[0][0]])):
        a = AREA_BY_ID[aid]
        rnd = round_of(p)
        base = dict(round=rnd, area_id=aid, area_name=a.name, area_group=a.area_group, district=a.district,
                    section=sec, reference_period=p)
        files[(rnd, "TMF")].append(dict(base, department="TMF", residents=r["residents"], residents_18_64=r["R"],
                                        outside_labour_market=r["T"], family_dwellings=r["family"]))
        if "flex" in r:
            files[(rnd, "SOF")].append(dict(base, department="SOF", movein_flexible=r["flex"],
                                            movein_combined=r["comb"]))
    written = []
    for (rnd, dept), rs in sorted(files.items()):
        folder = out / rnd
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{dept}_{rnd}_areas.csv"
        write_csv(path, AREA_COLUMNS, rs)
        written.append(path)
    rnd = round_of(T1)
    drows = [dict(department="TMF", round=rnd, area_id=d["area_id"], period_from=T0, period_to=T1,
                  dwelling_status=d["status"], dwellings=d["dwellings"], transfer_from=d["tf"],
                  transfer_to=d["tt"], residents_18_64_from=d["rf"], residents_18_64_to=d["rt"])
             for d in build_dwellings()]
    path = out / rnd / f"TMF_{rnd}_dwellings.csv"
    write_csv(path, DWELLING_COLUMNS, drows)
    written.append(path)
    return written


# ---------------------------------------------------------------------------------- verification
INT_RE = re.compile(r"^\d+$")


def read_files(kind: str, raw: Path | None = None) -> list[tuple[Path, list[dict]]]:
    out = []
    for path in sorted((Path(raw) if raw is not None else RAW).glob(f"*/*_*_{kind}.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            rd = csv.DictReader(fh)
            out.append((path, rd.fieldnames, list(rd)))
    return out


def listed(areas_at: dict, aid: str, rule: str) -> bool:
    """The ministry's list: residents (area total) and the share over 50 % (old) / 40 % (new)
    in the area (pooled) or in at least one section."""
    secs = areas_at[aid]
    res = sum(s["residents"] for s in secs)
    min_res, thr = (1200, 50.0) if rule == "old" else (1000, 40.0)
    pooled = pct(sum(s["T"] for s in secs), sum(s["R"] for s in secs))
    return res >= min_res and (pooled > thr or any(pct(s["T"], s["R"]) > thr for s in secs))


def area_type(areas_at: dict, aid: str, rule: str) -> str:
    if listed(areas_at, aid, rule):
        return "vulnerable"
    secs = areas_at[aid]
    s = pct(sum(x["T"] for x in secs), sum(x["R"] for x in secs))
    return "high-risk" if s >= 40 else "risk" if s >= 30 else "neutral"


def verify(raw: Path | None = None) -> int:
    problems: list[str] = []

    def check(ok: bool, what: str):
        if not ok:
            problems.append(what)
        return ok

    # --- area files
    tmf, sof = {}, {}
    meta = {}
    for path, cols, rows in read_files("areas", raw):
        dept, rnd = path.name.split("_")[0], path.parent.name
        check(cols == AREA_COLUMNS, f"{path.name}: columns {cols}")
        owned = ["residents", "residents_18_64", "outside_labour_market", "family_dwellings"] if dept == "TMF" \
            else ["movein_flexible", "movein_combined"]
        keys = set()
        for i, r in enumerate(rows, 2):
            where = f"{path.name} row {i}"
            check(r["department"] == dept and r["round"] == rnd, f"{where}: department/round")
            check(r["district"] in DISTRICTS, f"{where}: district {r['district']}")
            check(re.fullmatch(r"[A-Z0-9_-]+", r["area_id"]) is not None, f"{where}: area_id")
            check(round_of(r["reference_period"]) == rnd, f"{where}: period {r['reference_period']} in round {rnd}")
            for c in AREA_COLUMNS[8:]:
                check((c in owned) == (r[c] != ""), f"{where}: column {c} filled by the wrong department")
                check(r[c] == "" or INT_RE.match(r[c]) is not None, f"{where}: {c}={r[c]!r} not a whole number")
            k = (r["area_id"], r["section"], r["reference_period"])
            check(k not in keys, f"{where}: duplicate {k}")
            keys.add(k)
            meta.setdefault(r["area_id"], (r["area_name"], r["area_group"], r["district"]))
            if dept == "TMF":
                x = dict(section=r["section"], residents=int(r["residents"]), R=int(r["residents_18_64"]),
                         T=int(r["outside_labour_market"]), family=int(r["family_dwellings"]))
                check(x["T"] <= x["R"] <= x["residents"], f"{where}: counts not nested")
                tmf.setdefault(r["reference_period"], {}).setdefault(r["area_id"], []).append(x)
            else:
                sof.setdefault(r["reference_period"], {}).setdefault(r["area_id"], []).append(
                    dict(section=r["section"], flex=int(r["movein_flexible"]), comb=int(r["movein_combined"])))
    check(sorted(tmf) == PERIODS, f"TMF periods {sorted(tmf)}")
    for p, at in tmf.items():
        for aid, secs in at.items():
            names = [s["section"] for s in secs]
            check(not ("" in names and len(names) > 1), f"{aid} {p}: whole area and sections in one period")
            res = sum(s["residents"] for s in secs)
            check(300 <= res <= 6000, f"{aid} {p}: residents {res}")
    print(f"area files: {len(set(tmf[T0]))} areas, {sum(len(v) for v in tmf.values())} TMF area-period "
          f"entries, periods {', '.join(sorted(tmf))}")

    # --- listings
    print("\nThe ministry's list (rule in force):")
    for p in PERIODS:
        rule = "new" if p >= NEW_RULE_FROM else "old"
        got = {aid for aid in tmf[p] if listed(tmf[p], aid, rule)}
        want = REQUIRED_LISTS.get(p)
        ok = want is None or got == want
        if want is not None:
            check(ok, f"{p}: listed {sorted(got)}, want {sorted(want)}")
        print(f"  {'OK ' if ok else 'BAD'} {p} ({rule} rule): {len(got)} listed: {', '.join(sorted(got))}"
              + ("" if want is not None else "  (not a required outcome)"))
    prev, cur = tmf["2009-12"], tmf["2010-01"]
    newly = {aid for aid in cur if listed(cur, aid, "new") and not listed(prev, aid, "old")}
    for aid in sorted(newly):
        secs_p, secs_c = prev[aid], cur[aid]
        sp = pct(sum(s["T"] for s in secs_p), sum(s["R"] for s in secs_p))
        sc = pct(sum(s["T"] for s in secs_c), sum(s["R"] for s in secs_c))
        rule_change = listed(prev, aid, "new")
        check(rule_change, f"{aid}: listed 2010-01 because its residents changed")
        check(40 < sp <= 50 and 40 < sc <= 50, f"{aid}: share {sp:.1f}/{sc:.1f} not in (40, 50]")
        check(sum(s["residents"] for s in secs_p) >= 1000, f"{aid}: under 1,000 residents")
        print(f"  {'OK ' if rule_change else 'BAD'} {aid:<14} 2009-12 {sp:.1f} % -> 2010-01 {sc:.1f} %: "
              f"{'rule change' if rule_change else 'residents'}")
    check(len(newly) == 4, f"{len(newly)} areas added on 2010-01, want 4")

    # --- area types at 2006-12 and the dwelling file
    types0 = {aid: area_type(tmf[T0], aid, "old") for aid in tmf[T0]}
    cnt = defaultdict(int)
    for t in types0.values():
        cnt[t] += 1
    print(f"\nArea types at {T0}: "
          + ", ".join(f"{k} {cnt[k]}" for k in ("vulnerable", "high-risk", "risk", "neutral")))

    def group_of(aid):
        t = types0[aid]
        if t == "vulnerable":
            return "TING" if meta[aid][1] == TING_GROUP else "OVUL"
        return {"high-risk": "HR", "risk": "RISK", "neutral": "NEU"}[t]

    dfiles = read_files("dwellings", raw)
    check(len(dfiles) == 1, f"{len(dfiles)} dwelling files")
    path, cols, drows = dfiles[0]
    check(cols == DWELLING_COLUMNS, f"{path.name}: columns {cols}")
    per_area = defaultdict(dict)
    for i, r in enumerate(drows, 2):
        where = f"{path.name} row {i}"
        for c in DWELLING_COLUMNS[6:]:
            check(INT_RE.match(r[c]) is not None, f"{where}: {c}={r[c]!r}")
        v = {c: int(r[c]) for c in DWELLING_COLUMNS[6:]}
        check(r["period_from"] == T0 and r["period_to"] == T1, f"{where}: periods")
        check(v["transfer_from"] <= v["residents_18_64_from"] and v["transfer_to"] <= v["residents_18_64_to"],
              f"{where}: transfer above residents")
        check(v["dwellings"] > 0, f"{where}: no dwellings")
        if r["dwelling_status"] == "emptied":
            check(v["residents_18_64_from"] <= 3 * v["dwellings"] and v["residents_18_64_to"] <= 3 * v["dwellings"],
                  f"{where}: more than 3 residents 18-64 per emptied dwelling")
        check(r["dwelling_status"] not in per_area[r["area_id"]], f"{where}: duplicate status")
        per_area[r["area_id"]][r["dwelling_status"]] = v
    check(set(per_area) == set(tmf[T0]), "dwelling file areas differ from the area files'")
    for aid, st in per_area.items():
        check(set(st) == {"emptied", "kept"}, f"{aid}: statuses {sorted(st)}")
        for t, suf in ((T0, "from"), (T1, "to")):
            T = sum(s["T"] for s in tmf[t][aid])
            R = sum(s["R"] for s in tmf[t][aid])
            check(sum(x[f"transfer_{suf}"] for x in st.values()) == T, f"{aid}: transfer_{suf} != area file {t}")
            check(sum(x[f"residents_18_64_{suf}"] for x in st.values()) == R,
                  f"{aid}: residents_18_64_{suf} != area file {t}")

    # --- decomposition
    print(f"\nDecomposition {T0} -> {T1} (seed 003):")
    print(f"  {'group':<17} {'net moving':>10} {'not emptied':>11} {'total':>7} {'pp':>6}   published")
    agg = {g: defaultdict(int) for g in GROUPS + ["ALL"]}
    for aid, st in per_area.items():
        for g in (group_of(aid), "ALL"):
            for s, v in st.items():
                for c in ("transfer_from", "transfer_to", "residents_18_64_from", "residents_18_64_to"):
                    agg[g][(s, c)] += v[c]
    for g in GROUPS + ["ALL"]:
        a = agg[g]
        net = a[("emptied", "transfer_to")] - a[("emptied", "transfer_from")]
        kept = a[("kept", "transfer_to")] - a[("kept", "transfer_from")]
        Tf = a[("emptied", "transfer_from")] + a[("kept", "transfer_from")]
        Tt = a[("emptied", "transfer_to")] + a[("kept", "transfer_to")]
        Rf = a[("emptied", "residents_18_64_from")] + a[("kept", "residents_18_64_from")]
        Rt = a[("emptied", "residents_18_64_to")] + a[("kept", "residents_18_64_to")]
        s0, s1 = pct(Tf, Rf), pct(Tt, Rt)
        pp = round(s1 - s0, 1)
        want = SEED003[g]
        ok = (net, kept, Tt - Tf, pp) == want
        if g == "ALL":
            ok = ok and (round(s0, 1), round(s1, 1)) == SEED003_ALL_SHARES
        check(ok, f"decomposition {g}: {(net, kept, Tt - Tf, pp)} want {want}")
        label = GROUP_LABEL.get(g, "all")
        extra = f"   shares {s0:.2f} -> {s1:.2f}"
        print(f"  {'OK ' if ok else 'BAD'}{label:<14} {net:>+10,} {kept:>+11,} {Tt - Tf:>+7,} {pp:>+6.1f}   "
              f"{want[0]:+,} {want[1]:+,} {want[2]:+,} {want[3]:+.1f}{extra}")

    # --- SOF move-ins: vulnerable and high-risk areas at 2006-12, at TMF's grain
    vh = {aid for aid, t in types0.items() if t in ("vulnerable", "high-risk")}
    for p in PERIODS:
        check(set(sof.get(p, {})) == vh, f"SOF {p}: areas differ from the vulnerable + high-risk ones")
        for aid, secs in sof.get(p, {}).items():
            check(sorted(s["section"] for s in secs) == sorted(s["section"] for s in tmf[p][aid]),
                  f"SOF {p} {aid}: sections differ from TMF's")
    tot = {p: (sum(s["flex"] for v in sof[p].values() for s in v), sum(s["comb"] for v in sof[p].values() for s in v))
           for p in sof}
    print(f"\nSOF move-ins ({len(vh)} areas), flexible / combined per period: "
          + ", ".join(f"{p} {f}/{c}" for p, (f, c) in sorted(tot.items())))

    print(f"\n{len(problems)} problem(s).")
    for x in problems[:50]:
        print("  -", x)
    return 1 if problems else 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--verify", action="store_true", help="re-read the housing files and check every outcome")
    ap.add_argument("--out", type=Path, default=RAW, metavar="DIR",
                    help="folder to write the rounds into (and to re-read with --verify); default raw/")
    args = ap.parse_args(argv)
    if args.verify:
        return verify(args.out)
    for path in generate(args.out):
        try:
            print(path.resolve().relative_to(ROOT))
        except ValueError:
            print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
