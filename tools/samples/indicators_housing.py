"""The HOU-* district series of the indicator submissions (HOU-M2, HOU-1, HOU-2, HOU-M1, HOU-3,
HOU-4), with the district anchors of the 2009 report's housing tables."""

from __future__ import annotations

from .common import DISTRICTS, PUB, periods
from .numbers import alloc_nums, fit_num, hits, lr, rate
from .rows import add, add_districts

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
