"""The housing areas of the sample (docs/housing.md): the file columns, the measurement dates,
the 55 areas with their groups, shares and sections, and the outcomes the brief requires (the
ministry's list at each date, seed 003's decomposition)."""

from __future__ import annotations

AREA_COLUMNS = ["department", "round", "area_id", "area_name", "area_group", "district", "section",
                "reference_period", "residents", "residents_18_64", "outside_labour_market",
                "family_dwellings", "movein_flexible", "movein_combined"]
DWELLING_COLUMNS = ["department", "round", "area_id", "period_from", "period_to", "dwelling_status",
                    "dwellings", "transfer_from", "transfer_to", "residents_18_64_from",
                    "residents_18_64_to"]
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
AREA_BY_ID = {a.id: a for a in AREAS}
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
