"""--verify for the housing-area files: re-read them, check their shape, classify every area at
every date under the rule in force (the ministry's list), check the dwelling file against the
area files and recompute seed 003's decomposition 2006-12 -> 2008-12 by area type."""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from pathlib import Path

from .common import DISTRICTS, RAW, round_of
from .housing_areas import (
    AREA_COLUMNS,
    DWELLING_COLUMNS,
    GROUP_LABEL,
    GROUPS,
    NEW_RULE_FROM,
    PERIODS,
    REQUIRED_LISTS,
    SEED003,
    SEED003_ALL_SHARES,
    T0,
    T1,
    TING_GROUP,
)
from .numbers import pct

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
