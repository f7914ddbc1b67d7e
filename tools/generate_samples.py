#!/usr/bin/env python
"""Deterministic generator of the shipped sample submissions in raw/<round>/.

    python tools/generate_samples.py           # (re)write raw/<round>/<DEPT>_<round>.csv|xlsx
    python tools/generate_samples.py --verify  # re-read raw/, recompute every published city
                                               # figure, compare, exit 1 on any mismatch
    python tools/generate_samples.py --out DIR # the same files into DIR/<round>/ instead of raw/
                                               # (with --verify: re-read DIR/)

The published city figures (tools/published_figures.csv, the 2009 status report) are the
targets; this script synthesizes plausible integer counts per district / group / sex that
reproduce them exactly at published precision when the warehouse sums the counts. There is no
random number generator: every count follows from the constants below, so two runs write
byte-identical files. See docs/sample_data.md.
"""

from __future__ import annotations

import argparse
import calendar
import csv
import io
import math
import re
import sys
import zipfile
from collections import defaultdict
from datetime import date
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "raw"
PUBLISHED = ROOT / "tools" / "published_figures.csv"
CATALOG_PATH = ROOT / "catalog" / "indicators.yaml"

COLUMNS = ["department", "round", "indicator", "reference_period", "district", "subunit", "group",
           "sex", "numerator", "denominator", "value", "sd", "note"]
DISTRICTS = ["IND", "OST", "NOR", "VES", "VAL", "VAN", "BRH", "BIS", "AMO", "AMV"]
CITY = "KBH"
XLSX_DEPARTMENTS = {"BUF", "TMF", "KFF"}
SHEET = "Indberetning"
FIXED_ZIP_TIME = (2009, 1, 1, 0, 0, 0)
FIXED_CORE_TIME = "2009-01-01T00:00:00Z"

CATALOG = yaml.safe_load(CATALOG_PATH.read_text(encoding="utf-8"))
IND = {i["code"]: i for i in CATALOG["indicators"]}


def source_of(code: str) -> str:
    return IND[code].get("source", code)


def department_of(series: str) -> str:
    return IND[series]["delivered_by"]


def load_published() -> list[tuple[str, str, float]]:
    with PUBLISHED.open(encoding="utf-8") as fh:
        return [(r["indicator"], r["reference_period"], float(r["value"])) for r in csv.DictReader(fh)]


PUB = {(i, p): v for i, p, v in load_published()}


def periods(code: str) -> list[str]:
    return sorted((p for (i, p) in PUB if i == code), key=period_end)


# --------------------------------------------------------------------------- round rule
def period_end(p: str) -> date:
    y = int(p[:4])
    m = int(p[5:7]) if len(p) == 7 else 12
    return date(y, m, calendar.monthrange(y, m)[1])


def round_of(p: str) -> str:
    """First round (YYYY-05 / YYYY-11) whose month-end is on or after the period's end; rounds
    before 2006-11 are folded into 2006-11."""
    end, y, m = period_end(p), 2006, 11
    while date(y, m, calendar.monthrange(y, m)[1]) < end:
        y, m = (y, 11) if m == 5 else (y + 1, 5)
    return f"{y}-{m:02d}"


# --------------------------------------------------------------------------- number helpers
def hits(num: float, den: float, target: float, dec: int = 1, scale: float = 100.0,
         margin: float = 1e-6) -> bool:
    """round(scale*num/den, dec) == target, with a margin away from the rounding boundary."""
    if den <= 0:
        return False
    return abs(scale * num / den - target) < 0.5 * 10 ** -dec - margin


def fit_num(target: float, den: int, dec: int = 1, margin: float = 1e-6) -> int | None:
    base = round(target * den / 100)
    for n in (base, base - 1, base + 1):
        if 0 <= n <= den and hits(n, den, target, dec, margin=margin):
            return n
    return None


def fit_rate(target: float, size: int, dec: int = 1, margin: float = 1e-6) -> tuple[int, int]:
    """Integer (numerator, denominator) with the denominator as near `size` as possible whose
    rate rounds to `target`."""
    for k in range(0, 10 * size + 10):
        for den in (size + k, size - k) if k else (size,):
            if den > 0:
                n = fit_num(target, den, dec, margin)
                if n is not None:
                    return n, den
    raise ValueError(f"no fraction for {target} near {size}")


def lr(total: int, weights: list[float]) -> list[int]:
    """Largest-remainder allocation of an integer total in proportion to weights."""
    s = sum(weights)
    if total == 0 or s == 0:
        return [0] * len(weights)
    raw = [total * w / s for w in weights]
    out = [math.floor(x) for x in raw]
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - out[i]), i))
    for i in order[: total - sum(out)]:
        out[i] += 1
    return out


def alloc_nums(total: int, dens: list[int], rates: list[float], fixed: dict[int, int] | None = None,
               caps: list[int] | None = None) -> list[int]:
    """Integer numerators per unit, summing exactly to `total`: anchored units keep their fixed
    numerator, the others follow `rates` (percent) scaled by one common factor."""
    fixed = fixed or {}
    caps = caps if caps is not None else list(dens)
    free = [i for i in range(len(dens)) if i not in fixed]
    rest = total - sum(fixed.values())
    raw = {i: rates[i] * dens[i] / 100 for i in free}
    s = sum(raw.values())
    x = {i: (raw[i] * rest / s if s else 0.0) for i in free}
    out = {i: min(caps[i], max(0, math.floor(x[i]))) for i in free}
    gap = rest - sum(out.values())
    order = sorted(free, key=lambda i: (-(x[i] - math.floor(x[i])), i))
    guard = 0
    while gap != 0:
        guard += 1
        if guard > 100000:
            raise ValueError("cannot allocate numerators")
        step = 1 if gap > 0 else -1
        moved = False
        for i in order:
            if gap == 0:
                break
            if (step > 0 and out[i] < caps[i]) or (step < 0 and out[i] > 0):
                out[i] += step
                gap -= step
                moved = True
        if not moved:
            raise ValueError("cannot allocate numerators within caps")
    res = [0] * len(dens)
    for i, v in fixed.items():
        res[i] = v
    for i, v in out.items():
        res[i] = v
    return res


def rate(n: float, d: float) -> float:
    return 100.0 * n / d if d else float("nan")


# --------------------------------------------------------------------------- row builder
ROWS: list[dict] = []


def add(indicator: str, period: str, group: str, *, district: str = CITY, sex: str = "T",
        num=None, den=None, value=None, sd=None, note: str | None = None, subunit: str | None = None):
    ROWS.append({"department": department_of(indicator), "round": round_of(period),
                 "indicator": indicator, "reference_period": period, "district": district,
                 "subunit": subunit, "group": group, "sex": sex, "numerator": num,
                 "denominator": den, "value": value, "sd": sd, "note": note})


def add_districts(indicator, period, group, nums, dens, sd=None, count=False):
    for i, d in enumerate(DISTRICTS):
        add(indicator, period, group, district=d, num=nums[i],
            den=None if count else dens[i], sd=None if sd is None else sd[i])


# --------------------------------------------------------------------------- employment
# Immigrants 16-64 per district (share of the city's), and district rates (percent) at Feb 2008
# and Feb 2009 (the latter from the district graph: Nørrebro lowest 59.5, Amager Øst highest 67.8,
# Brønshøj-Husum the only decline, 61.0 -> 60.8).
EMP_W = dict(IND=.06, OST=.08, NOR=.18, VES=.11, VAL=.09, VAN=.04, BRH=.11, BIS=.13, AMO=.07, AMV=.13)
EMP_R09 = dict(IND=64.5, OST=66.7, NOR=59.5, VES=61.0, VAL=63.5, VAN=64.0, BRH=60.8, BIS=60.5,
               AMO=67.8, AMV=62.4)
EMP_R08 = dict(IND=61.9, OST=63.2, NOR=56.2, VES=58.1, VAL=60.5, VAN=61.0, BRH=61.0, BIS=57.4,
               AMO=63.9, AMV=59.6)
EMP_ANCHORS = {"2009-02": dict(NOR=59.5, AMO=67.8, BRH=60.8), "2008-02": dict(BRH=61.0)}
EMP_NOR_WOMEN_0902 = 55.7
EMP_FOFF = dict(IND=-.02, OST=.0, NOR=.01, VES=-.01, VAL=.0, VAN=.01, BRH=.01, BIS=.0, AMO=-.01, AMV=.01)
EMP_TOTAL = {"2006-11": 61200, "2007-06": 61500, "2008-02": 61900, "2008-08": 62300, "2009-02": 62600}


def emp_city(p: str):
    """(NF, DF, NM, DM) with women, men and pooled rates all reproducing."""
    t, f, m = PUB[("EMP-M", p)], PUB[("EMP-1", p)], PUB[("EMP-2", p)]
    D = EMP_TOTAL[p]
    w = (m - t) / (m - f)
    base = round(w * D)
    for k in range(0, 400):
        for DF in (base + k, base - k):
            DM = D - DF
            NF, NM = fit_num(f, DF, margin=0.01), fit_num(m, DM, margin=0.01)
            if NF is not None and NM is not None and hits(NF + NM, D, t, margin=0.01):
                return NF, DF, NM, DM
    raise ValueError(p)


def gen_emp():
    for p in periods("EMP-M"):
        NF, DF, NM, DM = emp_city(p)
        t = PUB[("EMP-M", p)]
        if p == "2009-02":
            rates = [EMP_R09[d] for d in DISTRICTS]
        elif p == "2008-02":
            rates = [EMP_R08[d] for d in DISTRICTS]
        else:   # the Feb 2008 pattern around the city level
            rates = [EMP_R08[d] - PUB[("EMP-M", "2008-02")] + t for d in DISTRICTS]
        dens = lr(DF + DM, [EMP_W[d] for d in DISTRICTS])
        fixed = {}
        for d, r in EMP_ANCHORS.get(p, {}).items():
            i = DISTRICTS.index(d)
            fixed[i] = fit_num(r, dens[i], margin=0.01)
        nums = alloc_nums(NF + NM, dens, rates, fixed)
        # split by sex: women's share of each district's population near the city's
        w = DF / (DF + DM)
        densF = lr(DF, [dens[i] * (w + EMP_FOFF[d]) for i, d in enumerate(DISTRICTS)])
        gap = PUB[("EMP-2", p)] - PUB[("EMP-1", p)]
        ratesF = [rate(nums[i], dens[i]) - (1 - densF[i] / dens[i]) * gap for i in range(len(DISTRICTS))]
        fixedF = {}
        if p == "2009-02":
            i = DISTRICTS.index("NOR")
            fixedF[i] = fit_num(EMP_NOR_WOMEN_0902, densF[i], margin=0.01)
        capsF = [min(densF[i], nums[i]) for i in range(len(DISTRICTS))]
        numsF = alloc_nums(NF, densF, ratesF, fixedF, capsF)
        for i, d in enumerate(DISTRICTS):
            nM, dM = nums[i] - numsF[i], dens[i] - densF[i]
            assert 0 <= nM <= dM, (p, d)
            add("EMP-M", p, "IMM", district=d, sex="F", num=numsF[i], den=densF[i])
            add("EMP-M", p, "IMM", district=d, sex="M", num=nM, den=dM)
    for p, size in zip(periods("EMP-3"), (24100, 25300, 26600)):
        n, d = fit_rate(PUB[("EMP-3", p)], size)
        add("EMP-3", p, "IMM", num=n, den=d)
    for p, size in zip(periods("EMP-4"), (44200, 44700, 45300)):
        n, d = fit_rate(PUB[("EMP-4", p)], size)
        add("EMP-4", p, "ALL", num=n, den=d)


# --------------------------------------------------------------------------- education
# Pupils / children per district (share of the city's) and district rate patterns (percent).
W_BIL = EMP_W
W_ALL = dict(IND=.06, OST=.15, NOR=.12, VES=.11, VAL=.11, VAN=.07, BRH=.09, BIS=.10, AMO=.09, AMV=.10)
EDU_PATTERNS = {
    # indicator: (group, weights, district rates, city sizes per period)
    "EDU-A": ("BIL", W_BIL, dict(IND=80, OST=79, NOR=66, VES=71, VAL=73, VAN=78, BRH=70, BIS=68,
                                 AMO=76, AMV=74), (1850, 1880, 1910)),
    "EDU-B": ("ALL", W_ALL, dict(IND=0, OST=2, NOR=40, VES=18, VAL=12, VAN=3, BRH=30, BIS=30, AMO=5,
                                 AMV=20), (190, 192, 195)),
    "EDU-D": ("ALL", W_ALL, dict(IND=55, OST=50, NOR=30, VES=38, VAL=42, VAN=52, BRH=35, BIS=34,
                                 AMO=45, AMV=40), (420, 424, 430)),
    "EDU-E": ("IMM", W_BIL, dict(IND=88, OST=87, NOR=81, VES=83, VAL=85, VAN=87, BRH=84, BIS=82,
                                 AMO=86, AMV=84), (1640, 1660, 1690)),
}
# EDU-M: (pupils, mean, sd) per year for monolingual and bilingual pupils. 2006 and 2007 are
# averages converted from the 13-scale; 2008 are 12-scale (report: 6.36 vs 5.78).
EDU_M = {
    "2006": {"MON": (2580, 6.41, 2.55), "BIL": (880, 5.94, 2.61)},
    "2007": {"MON": (2610, 6.45, 2.58), "BIL": (905, 5.82, 2.66)},
    "2008": {"MON": (2640, 6.36, 2.62), "BIL": (930, 5.78, 2.70)},
}


def gen_edu():
    for code, (group, weights, drates, sizes) in EDU_PATTERNS.items():
        for p, size in zip(periods(code), sizes):
            n, d = fit_rate(PUB[(code, p)], size)
            dens = lr(d, [weights[x] for x in DISTRICTS])
            nums = alloc_nums(n, dens, [drates[x] for x in DISTRICTS])
            add_districts(code, p, group, nums, dens)
    for p in periods("EDU-M"):
        for g in ("MON", "BIL"):
            n, mean, sd = EDU_M[p][g]
            add("EDU-M", p, g, num=round(mean * n, 2), den=n, sd=sd)
    for p in periods("EDU-C"):
        n, d = fit_rate(PUB[("EDU-C", p)], 75)
        add("EDU-C", p, "ALL", num=n, den=d)
    for p in periods("EDU-C2"):
        add("EDU-C2", p, "BIL", num=int(PUB[("EDU-C2", p)]))
    for p, size in zip(periods("EDU-F"), (2380, 2450)):
        n, d = fit_rate(PUB[("EDU-F", p)], size)
        add("EDU-F", p, "BIL", num=n, den=d)
    for p in periods("EDU-G"):
        add("EDU-G", p, "IMM", value=int(PUB[("EDU-G", p)]))


# --------------------------------------------------------------------------- housing
HOU_DISTRICTS = [d for d in DISTRICTS if d != "IND"]      # Indre By has no such areas
VULN = ["NOR", "BRH", "VAL"]                              # districts with vulnerable areas (2006 list)
VULN_BASE = dict(NOR=.72, BRH=.80, VAL=.55)               # vulnerable part of the district's 18-64s in scope
# District tables of the 2009 report (chapter 11), pooled vulnerable + high-risk areas.
HOU_SHARE08 = dict(AMV=12.9, AMO=4.7, BIS=10.3, BRH=19.0, VAN=0.5, VAL=9.1, VES=7.1, NOR=34.8, OST=1.6)
HOU_DECLINE = dict(AMV=6.4, AMO=6.1, BIS=8.1, BRH=7.1, VAN=9.3, VAL=8.2, VES=8.2, NOR=7.2, OST=7.3)
HOU_CITY_DECLINE = 7.1
# Synthesized: pooled share Dec 2008 per district and the ratio of residents in scope Jun07/Dec08.
HOU_P08 = dict(AMV=34.0, AMO=33.0, BIS=45.0, BRH=38.0, VAN=33.0, VAL=45.0, VES=45.0, NOR=40.5, OST=36.0)
HOU_GROWTH = dict(AMV=1.07, AMO=1.07, BIS=0.97, BRH=1.05, VAN=1.02, VAL=0.97, VES=0.97, NOR=1.01, OST=1.05)
HOU_P08_TOTAL = 7160
HOU_M1 = {"2007-03": dict(BRH=2410, NOR=1590, VAL=793), "2008-03": dict(BRH=2380, NOR=1019, VAL=652),
          "2009-03": dict(BRH=2360, NOR=559)}
HOU2 = dict(NOR=(-1.2, 18.9), BRH=(0.4, 19.6), VAL=(1.6, 20.3))   # offset from city mean, sd (weeks)
HOU3_W = dict(NOR=.33, BRH=.20, AMV=.13, BIS=.11, VAL=.09, VES=.08, AMO=.04, OST=.015, VAN=.005)
HOU4_W = dict(NOR=.50, BRH=.35, VAL=.15)


def hou_dec08():
    P = dict(zip(HOU_DISTRICTS, lr(HOU_P08_TOTAL, [HOU_SHARE08[d] for d in HOU_DISTRICTS])))
    Q = {}
    for d in HOU_DISTRICTS:
        q0 = round(P[d] * 100 / HOU_P08[d])
        # a denominator whose rate sits near the middle of its one-decimal bin
        Q[d] = min(range(q0 - 40, q0 + 41),
                   key=lambda q: (abs(rate(P[d], q) * 10 - round(rate(P[d], q) * 10)), abs(q - q0)))
    return P, Q


def hou_jun07(P08, Q08):
    P, Q = {}, {}
    for d in HOU_DISTRICTS:
        p08 = rate(P08[d], Q08[d])
        q0 = round(Q08[d] * HOU_GROWTH[d])
        best = None
        for q in range(q0 - 30, q0 + 31):
            n0 = round((p08 + HOU_DECLINE[d]) * q / 100)
            for n in (n0 - 1, n0, n0 + 1):
                diff = rate(n, q) - p08
                ok = round(round(rate(n, q), 1) - round(p08, 1), 1) == HOU_DECLINE[d]
                key = (not ok, abs(diff - HOU_DECLINE[d]), abs(q - q0))
                if best is None or key < best[0]:
                    best = (key, n, q)
        P[d], Q[d] = best[1], best[2]
    return P, Q


def city_split(P: int, Q: int, r_m2: float, r_h1: float):
    """Vulnerable (V, nM2) and high-risk (H, n1) city totals summing to the pooled P/Q."""
    f = (rate(P, Q) - r_h1) / (r_m2 - r_h1)
    v0 = round(f * Q)
    for k in range(0, Q):
        for V in (v0 + k, v0 - k):
            if 0 < V < Q:
                nM2 = fit_num(r_m2, V, margin=0.005)
                if nM2 is not None and hits(P - nM2, Q - V, r_h1, margin=0.005):
                    return V, nM2, Q - V, P - nM2
    raise ValueError("no city split")


def hou_split(p, P, Q, V, nM2):
    """District rows of HOU-M2 and HOU-1 from pooled district counts and the city split."""
    vden = dict(zip(VULN, lr(V, [Q[d] * VULN_BASE[d] for d in VULN])))
    g = PUB[("HOU-M2", p)] - PUB[("HOU-1", p)]
    rates_v = [rate(P[d], Q[d]) + (1 - vden[d] / Q[d]) * g for d in VULN]
    caps = [min(vden[d], P[d]) for d in VULN]
    vnum = dict(zip(VULN, alloc_nums(nM2, [vden[d] for d in VULN], rates_v, caps=caps)))
    m2, h1 = {}, {}
    for d in DISTRICTS:
        if d == "IND":
            m2[d] = h1[d] = (0, 0)
            continue
        a, b = vnum.get(d, 0), vden.get(d, 0)
        m2[d] = (a, b)
        h1[d] = (P[d] - a, Q[d] - b)
        assert 0 <= h1[d][0] <= h1[d][1], (p, d, h1[d])
    return m2, h1


HOU_STATE: dict = {}


def gen_hou():
    P08, Q08 = hou_dec08()
    P07, Q07 = hou_jun07(P08, Q08)
    pooled = {"2007-06": (P07, Q07), "2008-12": (P08, Q08)}
    p07c = rate(sum(P07.values()), sum(Q07.values()))
    p08c = rate(sum(P08.values()), sum(Q08.values()))
    f07 = (p07c - PUB[("HOU-1", "2007-06")]) / (PUB[("HOU-M2", "2007-06")] - PUB[("HOU-1", "2007-06")])
    f08 = (p08c - PUB[("HOU-1", "2008-12")]) / (PUB[("HOU-M2", "2008-12")] - PUB[("HOU-1", "2008-12")])
    # the other dates: residents and the vulnerable part interpolated, district shares follow
    # the Jun 2007 -> Dec 2008 path of each district
    lam = {"2006-12": -0.1, "2007-12": 0.45, "2008-06": 0.85}
    for p, w in lam.items():
        Q = {d: round(Q07[d] + (Q08[d] - Q07[d]) * w) for d in HOU_DISTRICTS}
        f = f07 + (f08 - f07) * w
        pc = f * PUB[("HOU-M2", p)] + (1 - f) * PUB[("HOU-1", p)]
        Qt = sum(Q.values())
        Pt = round(pc * Qt / 100)
        drates = [rate(P07[d], Q07[d]) + (rate(P08[d], Q08[d]) - rate(P07[d], Q07[d])) * w
                  for d in HOU_DISTRICTS]
        P = dict(zip(HOU_DISTRICTS, alloc_nums(Pt, [Q[d] for d in HOU_DISTRICTS], drates)))
        pooled[p] = (P, Q)
    m2_dens = {}
    for p in periods("HOU-M2"):
        P, Q = pooled[p]
        V, nM2, H, n1 = city_split(sum(P.values()), sum(Q.values()), PUB[("HOU-M2", p)], PUB[("HOU-1", p)])
        m2, h1 = hou_split(p, P, Q, V, nM2)
        add_districts("HOU-M2", p, "ALL", [m2[d][0] for d in DISTRICTS], [m2[d][1] for d in DISTRICTS])
        add_districts("HOU-1", p, "ALL", [h1[d][0] for d in DISTRICTS], [h1[d][1] for d in DISTRICTS])
        m2_dens[p] = {d: m2[d][1] for d in DISTRICTS}
    HOU_STATE.update(pooled=pooled)
    # HOU-2: sum of self-supporting weeks over the residents of vulnerable areas
    for p in periods("HOU-2"):
        t, dens = PUB[("HOU-2", p)], m2_dens[p]
        V = sum(dens.values())
        sums = {d: round((t + HOU2[d][0]) * dens[d], 2) for d in VULN[1:]}
        sums[VULN[0]] = round(t * V - sum(sums.values()), 2)
        for d in DISTRICTS:
            if d in VULN:
                add("HOU-2", p, "ALL", district=d, num=sums[d], den=dens[d], sd=HOU2[d][1])
            else:
                add("HOU-2", p, "ALL", district=d, num=0, den=0)
    for p in periods("HOU-M1"):
        add_districts("HOU-M1", p, "ALL", [HOU_M1[p].get(d, 0) for d in DISTRICTS], None, count=True)
    for code, weights in (("HOU-3", HOU3_W), ("HOU-4", HOU4_W)):
        prev = 0
        for p in periods(code):
            cum = int(PUB[(code, p)])
            nums = lr(cum - prev, [weights.get(d, 0) for d in DISTRICTS])
            add_districts(code, p, "ALL", nums, None, count=True)
            prev = cum


# --------------------------------------------------------------------------- safety, culture, health
SURVEY_N = {"IMM": 800, "DAN": 1500, "ALL": 600}
# Comparison-group figures (ethnic Danes) that the report gives or implies; *: synthesized.
DAN_RATES = {
    "SAF-3": {"2007-03": 11, "2008-03": 10, "2009-03": 9},
    "HEA-1": {"2007-03": 29, "2008-03": 27, "2009-03": 25},
    "HEA-2": {"2007-03": 92, "2008-03": 92, "2009-03": 92},
    "HEA-3": {"2007-03": 4, "2008-03": 4, "2009-03": 4},
    "CUL-3": {"2007-03": 52, "2008-03": 51, "2009-03": 50},      # * gap 11, 7, 5
    "CUL-4": {"2007-03": 68, "2008-03": 66, "2009-03": 67},      # * gap 19, 11, 13
}
# Register figures: (persons, rate) per year. SAF-M Danes 2004/05 synthesized; 2006 5.2, 2007 4.6.
SAF_M = {"IMM": {"2004": 4900, "2005": 5000, "2006": 5150, "2007": 5250},
         "DAN": {"2004": (11600, 4.1), "2005": (11700, 4.5), "2006": (11800, 5.2), "2007": (11900, 4.6)}}
SAF_1 = {"IMM": {"2006": 14200, "2007": 14500, "2008": 14800},
         "DAN": {"2006": (38500, 1.0), "2007": (38900, 1.0), "2008": (39300, 0.9)}}
SAF_4 = {"2008-03": {"DAN": (57.0, 14.8), "IMM": (51.0, 16.9)},      # (mean, sd) of the index
         "2009-03": {"DAN": (56.0, 15.1), "IMM": (50.0, 17.2)}}
CUL_PUPILS = {"CUL-1": {"2003": 1420, "2007": 1460, "2008": 1710},
              "CUL-2": {"2003": 1280, "2007": 1350, "2008": 1590}}


def survey(code, p, group, pct):
    n = SURVEY_N[group]
    num = fit_num(pct, n, margin=0.01)
    add(code, p, group, num=num, den=n)


def gen_saf_cul_hea():
    for code, sizes in (("SAF-M", SAF_M), ("SAF-1", SAF_1)):  # immigrants fitted, Danes as given
        for p in periods(code):
            n, d = fit_rate(PUB[(code, p)], sizes["IMM"][p])
            add(code, p, "IMM", num=n, den=d)
            size, r = sizes["DAN"][p]
            n, d = fit_rate(r, size)
            add(code, p, "DAN", num=n, den=d)
    for p in periods("SAF-2"):
        survey("SAF-2", p, "ALL", PUB[("SAF-2", p)])
    for code in ("SAF-3", "HEA-1", "HEA-2", "HEA-3"):
        for p in periods(code):
            survey(code, p, "IMM", PUB[(code, p)])
            survey(code, p, "DAN", DAN_RATES[code][p])
    for code in ("CUL-3", "CUL-4"):
        for p in periods(code):
            dan = DAN_RATES[code][p]
            survey(code, p, "IMM", dan - PUB[(code, p)])
            survey(code, p, "DAN", dan)
    for p in periods("SAF-4"):
        for g in ("IMM", "DAN"):
            mean, sd = SAF_4[p][g]
            n = SURVEY_N[g]
            add("SAF-4", p, g, num=round(mean * n + 3.25, 2), den=n, sd=sd)
    for code in ("CUL-1", "CUL-2"):
        for p in periods(code):
            n, d = fit_rate(PUB[(code, p)], CUL_PUPILS[code][p])
            add(code, p, "IMM", num=n, den=d)


# --------------------------------------------------------------------------- writing
def cell(v):
    if v is None:
        return None
    if isinstance(v, float):
        if v.is_integer():
            return int(v)
        return round(v, 2)
    return v


def text(v) -> str:
    v = cell(v)
    return "" if v is None else str(v)


DIST_ORDER = {d: i for i, d in enumerate(DISTRICTS + [CITY])}
CODE_ORDER = {c: i for i, c in enumerate(IND)}


def sort_key(r):
    return (CODE_ORDER[r["indicator"]], period_end(r["reference_period"]), r["group"] != IND[r["indicator"]]["group"],
            r["group"], DIST_ORDER[r["district"]], r["sex"])


def shown(path: Path) -> Path:
    """A written file's path for printing: relative to the project when it lies inside it."""
    try:
        return path.resolve().relative_to(ROOT)
    except ValueError:
        return path


def write_csv(path: Path, rows):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(COLUMNS)
    for r in rows:
        w.writerow([text(r[c]) for c in COLUMNS])
    path.write_text(buf.getvalue(), encoding="utf-8")


def write_xlsx(path: Path, rows, dept, rnd):
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.cell(row=1, column=1, value=f"Integrationsbarometer - {dept} - runde {rnd}").font = Font(bold=True)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(COLUMNS))
    for j, c in enumerate(COLUMNS, 1):
        ws.cell(row=3, column=j, value=c).font = Font(bold=True)
        ws.column_dimensions[get_column_letter(j)].width = 16
    for i, r in enumerate(rows, 4):
        for j, c in enumerate(COLUMNS, 1):
            ws.cell(row=i, column=j, value=cell(r[c]))
    tmp = io.BytesIO()
    wb.save(tmp)
    # make the bytes reproducible: fixed zip timestamps and document properties
    out = io.BytesIO()
    with zipfile.ZipFile(tmp) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)",
                              lambda m: m.group(1) + FIXED_CORE_TIME.encode() + m.group(3), data)
            zi = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zout.writestr(zi, data)
    path.write_bytes(out.getvalue())


# --------------------------------------------------------------------------- control totals
# BIF and TMF add, to each district-level series, a KBH row per period x group x sex with the sum
# of their 10 district rows (a department's control total, docs/submissions.md). The warehouse
# never uses it as data; its check district_counts_sum_to_city compares it with the districts.
CONTROL_DEPARTMENTS = {"BIF", "TMF"}
CONTROL_NOTE = "control total (sum of the districts)"


def is_control(indicator: str, district: str) -> bool:
    return district == CITY and bool(IND.get(indicator, {}).get("districts"))


def _total(values):
    vals = [v for v in values if v is not None]
    if not vals:
        return None
    if all(float(v).is_integer() for v in vals):
        return int(sum(vals))
    t = round(sum(vals), 2)
    # the warehouse sums the district rows as doubles in any order: the sum must be exact
    assert sum(sorted(vals)) == t == sum(sorted(vals, reverse=True)), vals
    return t


def add_controls():
    cells = defaultdict(list)
    for r in ROWS:
        if r["department"] in CONTROL_DEPARTMENTS and IND[r["indicator"]].get("districts") \
                and r["district"] != CITY:
            cells[(r["indicator"], r["reference_period"], r["group"], r["sex"])].append(r)
    for (code, p, group, sex), rows in cells.items():
        assert sorted(r["district"] for r in rows) == sorted(DISTRICTS), (code, p, group, sex)
        add(code, p, group, district=CITY, sex=sex, num=_total(r["numerator"] for r in rows),
            den=_total(r["denominator"] for r in rows), note=CONTROL_NOTE)


def generate(out: Path | None = None) -> list[Path]:
    """Write the sample submissions into `out` (default raw/) and return their paths."""
    out = Path(out) if out is not None else RAW
    ROWS.clear()
    gen_emp()
    gen_edu()
    gen_hou()
    gen_saf_cul_hea()
    add_controls()
    files = defaultdict(list)
    for r in ROWS:
        files[(r["round"], r["department"])].append(r)
    written = []
    own = re.compile(r"^(BIF|BUF|SOF|TMF|KFF|SUF|OKF)_\d{4}-(05|11)\.(csv|xlsx)$")
    for rnd in sorted({k[0] for k in files}):   # remove only our own earlier files of a round
        folder = out / rnd
        folder.mkdir(parents=True, exist_ok=True)
        for f in folder.iterdir():
            if own.match(f.name) and (rnd, f.name.split("_")[0]) not in files:
                f.unlink()
    for (rnd, dept), rows in sorted(files.items()):
        rows.sort(key=sort_key)
        ext = "xlsx" if dept in XLSX_DEPARTMENTS else "csv"
        path = out / rnd / f"{dept}_{rnd}.{ext}"
        if ext == "csv":
            write_csv(path, rows)
        else:
            write_xlsx(path, rows, dept, rnd)
        written.append(path)
    return written


# --------------------------------------------------------------------------- verification
def read_raw(raw: Path | None = None):
    import pandas as pd
    from openpyxl import load_workbook

    frames = []
    name_re = re.compile(r"^([A-Z]{3})_(\d{4}-\d{2})(_[^.]*)?\.(csv|xlsx)$")
    for path in sorted((Path(raw) if raw is not None else RAW).glob("*/*")):
        m = name_re.match(path.name)
        if not m or re.match(r"_(areas|dwellings)(\b|-|_)", m.group(3) or ""):
            continue        # not an ordinary submission (housing-area files, docs/housing.md)
        dept, rnd = m.group(1), m.group(2)
        if path.suffix == ".csv":
            df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
        else:
            wb = load_workbook(path, data_only=True, read_only=True)
            ws = next(s for s in wb.worksheets if s.sheet_state == "visible")
            values = [["" if v is None else str(v) for v in row] for row in ws.iter_rows(values_only=True)]
            h = next(i for i, row in enumerate(values[:20]) if "indicator" in row and "department" in row)
            header = [c for c in values[h] if c]
            df = pd.DataFrame([row[: len(header)] for row in values[h + 1:]], columns=header)
            wb.close()
        assert list(df.columns) == COLUMNS, (path, list(df.columns))
        assert (df["department"] == dept).all() and (df["round"] == rnd).all(), path
        df["file"] = path.name
        frames.append(df)
    df = pd.concat(frames, ignore_index=True)
    for c in ("numerator", "denominator", "value", "sd"):
        df[c] = pd.to_numeric(df[c].replace("", None), errors="raise")
    # corrections: for each indicator and period the rows of the latest round win
    latest = df.groupby(["indicator", "reference_period"])["round"].transform("max")
    return df[df["round"] == latest].copy()


def split_controls(df):
    """(data rows, control-total rows): KBH rows of district-level series are control totals,
    never data; the city is the sum of the districts."""
    ctrl = [is_control(i, d) for i, d in zip(df["indicator"], df["district"])]
    ctrl = df.index.isin(df.index[ctrl])
    return df[~ctrl].copy(), df[ctrl].copy()


def check_controls(data, controls) -> int:
    """Each control total equals the sum of its district rows; returns the number that differ."""
    key = ["indicator", "reference_period", "group", "sex"]
    sums = data[data["district"] != CITY].groupby(key)[["numerator", "denominator"]].sum(min_count=1)
    bad = 0
    for _, c in controls.iterrows():
        s = sums.loc[tuple(c[k] for k in key)]
        for col in ("numerator", "denominator"):
            a, b = c[col], s[col]
            if not ((a != a and b != b) or abs(a - b) < 1e-9):
                bad += 1
                print(f"  control total differs: {c['indicator']} {c['reference_period']} {c['group']} "
                      f"{c['sex']} {col}: {a} vs districts {b}")
    return bad


def compute(df, code: str, p: str) -> float:
    meta = IND[code]
    src, comp = source_of(code), meta["computation"]
    rows = df[df["indicator"] == src]
    if meta.get("sex"):
        rows = rows[rows["sex"] == meta["sex"]]

    def sel(group, per=p):
        return rows[(rows["reference_period"] == per) & (rows["group"] == group)]

    def r(group):
        s = sel(group)
        return 100.0 * s["numerator"].sum() / s["denominator"].sum()

    def mean(group):
        s = sel(group)
        return s["numerator"].sum() / s["denominator"].sum()

    g, ref = meta["group"], meta.get("reference_group")
    if comp == "rate":
        return r(g)
    if comp == "mean":
        return mean(g)
    if comp == "gap_rate":
        return r(ref) - r(g)
    if comp == "gap_mean":
        return mean(ref) - mean(g)
    if comp == "count":
        return float(sel(g)["numerator"].sum())
    if comp == "cumulative_count":
        pers = [x for x in rows["reference_period"].unique() if period_end(x) <= period_end(p)]
        return float(sum(sel(g, x)["numerator"].sum() for x in pers))
    if comp == "reported":
        return float(sel(g)["value"].iloc[0])
    raise ValueError(comp)


def anchors(df) -> list[tuple[str, str, str, bool]]:
    """The district anchors of the brief: (anchor, wanted, got, holds)."""
    out = []

    def drate(code, p, sex=None):
        s = df[(df["indicator"] == code) & (df["reference_period"] == p) & (df["district"] != CITY)]
        if sex:
            s = s[s["sex"] == sex]
        g = s.groupby("district")[["numerator", "denominator"]].sum()
        return {d: rate(g.loc[d, "numerator"], g.loc[d, "denominator"]) for d in g.index}

    r08, r09 = drate("EMP-M", "2008-02"), drate("EMP-M", "2009-02")
    lo, hi = min(r09, key=r09.get), max(r09, key=r09.get)
    out.append(("EMP-M Feb09 lowest district", "NOR 59.5", f"{lo} {r09[lo]:.1f}",
                lo == "NOR" and round(r09[lo], 1) == 59.5))
    out.append(("EMP-M Feb09 highest district", "AMO 67.8", f"{hi} {r09[hi]:.1f}",
                hi == "AMO" and round(r09[hi], 1) == 67.8))
    ch = {d: round(round(r09[d], 1) - round(r08[d], 1), 1) for d in DISTRICTS}
    dec = [d for d in DISTRICTS if ch[d] < 0]
    out.append(("EMP-M Feb08->Feb09 only decline", "BRH -0.2", " ".join(f"{d} {ch[d]:+.1f}" for d in dec),
                dec == ["BRH"] and ch["BRH"] == -0.2))
    nf = drate("EMP-M", "2009-02", "F")["NOR"]
    out.append(("EMP-M Feb09 women Nørrebro", "55.7", f"{nf:.1f}", round(nf, 1) == 55.7))

    def pooled(p):
        s = df[df["indicator"].isin(["HOU-M2", "HOU-1"]) & (df["reference_period"] == p)]
        return s.groupby("district")[["numerator", "denominator"]].sum()

    a, b = pooled("2007-06"), pooled("2008-12")
    tot = b["numerator"].sum()
    for d in HOU_DISTRICTS:
        sh = 100.0 * b.loc[d, "numerator"] / tot
        out.append((f"HOU share Dec08 {d}", f"{HOU_SHARE08[d]:.1f}", f"{sh:.1f}", round(sh, 1) == HOU_SHARE08[d]))
    for d in HOU_DISTRICTS:
        r7 = rate(a.loc[d, "numerator"], a.loc[d, "denominator"])
        r8 = rate(b.loc[d, "numerator"], b.loc[d, "denominator"])
        got = round(round(r7, 1) - round(r8, 1), 1)
        out.append((f"HOU decline Jun07-Dec08 {d}", f"{HOU_DECLINE[d]:.1f}", f"{got:.1f} ({r7:.2f}->{r8:.2f})",
                    got == HOU_DECLINE[d] and round(r7 - r8, 1) == HOU_DECLINE[d]))
    r7, r8 = rate(a["numerator"].sum(), a["denominator"].sum()), rate(tot, b["denominator"].sum())
    got = round(round(r7, 1) - round(r8, 1), 1)
    out.append(("HOU decline Jun07-Dec08 city", f"{HOU_CITY_DECLINE:.1f}", f"{got:.1f} ({r7:.2f}->{r8:.2f})",
                got == HOU_CITY_DECLINE and round(r7 - r8, 1) == HOU_CITY_DECLINE))
    return out


def verify(raw: Path | None = None) -> int:
    df, controls = split_controls(read_raw(raw))
    bad = 0
    print(f"{'indicator':<8} {'period':<8} {'published':>10} {'computed':>14} {'rounded':>10}  ok")
    for code, p, pub in load_published():
        dec = IND[code]["decimals"]
        x = compute(df, code, p)
        ok = round(x, dec) == round(pub, dec)
        bad += not ok
        print(f"{code:<8} {p:<8} {pub:>10g} {x:>14.6f} {round(x, dec):>10g}  {'OK' if ok else 'MISMATCH'}")
    print(f"\n{len(load_published()) - bad} of {len(load_published())} published city figures reproduce; "
          f"{bad} mismatch(es).")
    print("\nDistrict anchors (best effort, informative):")
    an = anchors(df)
    for name, want, got, ok in an:
        print(f"  {'OK ' if ok else 'off'} {name:<34} want {want:<9} got {got}")
    print(f"{sum(ok for *_, ok in an)} of {len(an)} anchors hold exactly.")
    cbad = check_controls(df, controls)
    print(f"\nControl totals (KBH rows of district-level series, ignored as data): {len(controls)} rows in "
          f"{', '.join(sorted(controls['file'].unique()))}; {cbad} differ from their districts' sum.")
    print(f"raw/: {len(df['file'].unique())} files, {len(df) + len(controls)} rows")
    return 1 if bad or cbad else 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--verify", action="store_true", help="re-read raw/ and check every published figure")
    ap.add_argument("--out", type=Path, default=RAW, metavar="DIR",
                    help="folder to write the rounds into (and to re-read with --verify); default raw/")
    args = ap.parse_args(argv)
    if args.verify:
        return verify(args.out)
    written = generate(args.out)
    for path in written:
        print(shown(path))
    print(f"{len(written)} files, {len(ROWS)} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
