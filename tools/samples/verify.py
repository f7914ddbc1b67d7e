"""--verify for the indicator submissions: re-read the files (CSV with pandas, XLSX with
openpyxl, the latest round wins per indicator and period), recompute every published city figure
as the warehouse does, check the district anchors and the control totals."""

from __future__ import annotations

import re
from pathlib import Path

from .common import CITY, COLUMNS, DISTRICTS, IND, RAW, load_published, period_end, source_of
from .indicators_housing import HOU_CITY_DECLINE, HOU_DECLINE, HOU_DISTRICTS, HOU_SHARE08
from .numbers import rate
from .rows import is_control


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
