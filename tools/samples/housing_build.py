"""The housing-area files: counts per area (and section) and period, SOF's move-ins, the dwelling
split 2006-12 -> 2008-12, and generate(), which writes TMF's and SOF's area files and TMF's
dwelling file."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from .common import RAW, round_of
from .housing_areas import (
    AREA_BY_ID,
    AREA_COLUMNS,
    AREAS,
    DWELLING_COLUMNS,
    EMPTIED,
    GROUP_TOTALS,
    GROUPS,
    MONTHS,
    PERIODS,
    REQUIRED_LISTS,
    SEED003,
    SPECIAL,
    T0,
    T1,
)
from .numbers import alloc_nums, lr, pct
from .writer import write_csv


def build():
    """Counts per area (and section) and period, the dwelling split, and SOF's move-ins."""
    for g in GROUPS:
        areas = [a for a in AREAS if a.group == g]
        R0g, T0g, R1g, T1g = GROUP_TOTALS[g]
        r0s = lr(R0g, [a.weight for a in areas])
        t0s = alloc_nums(T0g, r0s, [a.r06 for a in areas])
        r1s = lr(R1g, [r * a.growth for r, a in zip(r0s, areas)])
        t1s = alloc_nums(T1g, r1s, [a.r08 for a in areas])
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
            Ts = alloc_nums(a.T[p], Rs, [s_area + s[2] for s in a.sections])
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
        Te1 = alloc_nums(sum(Te0) + net, Re1, [pct(t, r) for t, r in zip(Te0, Re0)], caps=caps)
        for a, d, re0, te0, re1, te1 in zip(areas, dw_e, Re0, Te0, Re1, Te1):
            out.append(dict(area_id=a.id, status="emptied", dwellings=d, tf=te0, tt=te1, rf=re0, rt=re1))
            out.append(dict(area_id=a.id, status="kept", dwellings=a.dwellings - d, tf=a.T[T0] - te0,
                            tt=a.T[T1] - te1, rf=a.R[T0] - re0, rt=a.R[T1] - re1))
    return out


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
