"""The employment, education, safety, culture and health series of the indicator submissions:
per series the constants (sizes, comparison groups, district patterns) and the rows that make
every published city figure come out (docs/sample_data.md, "How the counts are made")."""

from __future__ import annotations

from .common import DISTRICTS, PUB, periods
from .numbers import alloc_nums, fit_num, fit_rate, hits, lr, rate
from .rows import add, add_districts

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
