#!/usr/bin/env python
"""Synthetic, schema-valid submissions at scale, for `tools/bench.py`.

    python tools/bench_synthetic.py OUT_DIR [--rounds 40] [--rows-per-file 20000] [--seed 1]

Writes OUT_DIR/<round>/<DEPT>_<round>.csv for the first N rounds from 2006-11 on (every
department, every round). Each file holds about --rows-per-file rows that pass the real pandera
validation (schemas/submission.py, docs/submissions.md): the catalog (catalog/indicators.yaml)
says which series a department delivers, with their groups, sexes, district level and
computation; rows are multiplied with the optional `subunit` column (U0001, U0002, ... inside
each district, or inside KBH for city-level series). Counts are whole numbers, numerator <=
denominator for rate series, `value` only for `reported` series (one row each), `sd` for
mean-type series; the reference period is the round's month minus 2, so no round corrects
another and every staged row is current.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from schemas.code_lists import computations_with

ROOT = Path(__file__).resolve().parents[1]
CATALOG_PATH = ROOT / "catalog" / "indicators.yaml"
COLUMNS = ["department", "round", "indicator", "reference_period", "district", "subunit", "group",
           "sex", "numerator", "denominator", "value", "sd", "note"]
DISTRICTS = ["IND", "OST", "NOR", "VES", "VAL", "VAN", "BRH", "BIS", "AMO", "AMV"]
CITY = "KBH"
# What a computation needs of a row: the code list schemas/code_lists/computations.csv
SHARE = computations_with("is_percentage")  # whole numbers, numerator <= denominator
MEAN = computations_with("is_mean")         # numerator = a sum of values, with the cell's sd
REPORTED = computations_with("needs_value")  # a `value` instead of counts


def round_keys(n: int, first: str = "2006-11") -> list[str]:
    y, m = int(first[:4]), int(first[5:])
    out = []
    for _ in range(n):
        out.append(f"{y}-{m:02d}")
        y, m = (y, 11) if m == 5 else (y + 1, 5)
    return out


def series_by_department(catalog: dict) -> dict[str, list[dict]]:
    """Per department, the series it submits rows under, as the schema's context rules see them."""
    members: dict[tuple[str, str], list[dict]] = {}
    for ind in catalog["indicators"]:
        members.setdefault((ind["delivered_by"], ind.get("source", ind["code"])), []).append(ind)
    out: dict[str, list[dict]] = {}
    for (dept, source), inds in members.items():
        comps = {i["computation"] for i in inds}
        groups = sorted({g for i in inds for g in (i["group"], i.get("reference_group")) if g})
        out.setdefault(dept, []).append({
            "indicator": source,
            "share": bool(comps & SHARE),
            "mean": bool(comps & MEAN),
            "reported": bool(comps & REPORTED),
            "groups": groups,
            # a series cut by sex (EMP-M -> EMP-1/EMP-2) is delivered as F + M, the others as T
            "sexes": ["F", "M"] if any(i.get("sex") for i in inds) else ["T"],
            "districts": DISTRICTS if inds[0]["districts"] else [CITY],
        })
    return out


def department_frame(dept: str, series: list[dict], round_key: str, rows_per_file: int,
                     rng: np.random.Generator) -> pd.DataFrame:
    y, m = int(round_key[:4]), int(round_key[5:])
    period = f"{y}-{m - 2:02d}"  # the round's month minus 2 (03 or 09): never after the round
    fanned = [s for s in series if not s["reported"]]
    slots = sum(len(s["districts"]) * len(s["groups"]) * len(s["sexes"]) for s in fanned)
    n_reported = len(series) - len(fanned)
    n_sub = max(1, round((rows_per_file - n_reported) / slots)) if slots else 0
    subunits = np.array([f"U{i:04d}" for i in range(1, n_sub + 1)], dtype=object)
    parts = []
    for s in series:
        if s["reported"]:  # a rank: one city row with `value`, no counts, no subunit
            parts.append(pd.DataFrame({
                "indicator": [s["indicator"]], "district": [CITY], "subunit": [None],
                "group": [s["groups"][0]], "sex": ["T"], "numerator": [np.nan], "denominator": [np.nan],
                "value": [float(rng.integers(1, 99))], "sd": [np.nan],
            }))
            continue
        d, g, x, u = np.meshgrid(np.array(s["districts"], dtype=object), np.array(s["groups"], dtype=object),
                                 np.array(s["sexes"], dtype=object), subunits, indexing="ij")
        n = d.size
        den = rng.integers(20, 400, n)
        if s["mean"]:  # numerator = sum of the values (e.g. grades), with the cell's sd
            mean = rng.uniform(3.0, 9.0, n)
            num = np.round(mean * den, 2)
            sd = np.round(rng.uniform(0.5, 3.0, n), 2)
        elif s["share"]:  # whole numbers, numerator <= denominator
            num = rng.binomial(den, rng.uniform(0.05, 0.95, n)).astype(float)
            sd = np.full(n, np.nan)
        else:  # count / cumulative_count: a whole-number numerator only
            num, den, sd = rng.integers(0, 50, n).astype(float), np.full(n, np.nan), np.full(n, np.nan)
        parts.append(pd.DataFrame({
            "indicator": s["indicator"], "district": d.ravel(), "subunit": u.ravel(), "group": g.ravel(),
            "sex": x.ravel(), "numerator": num, "denominator": den.astype(float),
            "value": np.full(n, np.nan), "sd": sd,
        }))
    df = pd.concat(parts, ignore_index=True)
    df.insert(0, "department", dept)
    df.insert(1, "round", round_key)
    df.insert(3, "reference_period", period)
    df["note"] = None
    return df[COLUMNS]


def generate(out: Path, rounds: int, rows_per_file: int, seed: int = 1) -> dict[str, int]:
    """Write the synthetic raw/ tree; returns {"files": n, "rows": n, "rounds": n}."""
    catalog = yaml.safe_load(CATALOG_PATH.read_text(encoding="utf-8"))
    by_dept = series_by_department(catalog)
    rng = np.random.default_rng(seed)
    n_files = n_rows = 0
    keys = round_keys(rounds)
    for rk in keys:
        folder = out / rk
        folder.mkdir(parents=True, exist_ok=True)
        for dept in sorted(by_dept):
            df = department_frame(dept, by_dept[dept], rk, rows_per_file, rng)
            # integers without ".0" (as a department's spreadsheet would export them)
            df.to_csv(folder / f"{dept}_{rk}.csv", index=False, float_format="%.15g")
            n_files += 1
            n_rows += len(df)
    return {"files": n_files, "rows": n_rows, "rounds": len(keys), "first": keys[0], "last": keys[-1]}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--rounds", type=int, default=40)
    ap.add_argument("--rows-per-file", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    t = time.perf_counter()
    info = generate(args.out, args.rounds, args.rows_per_file, args.seed)
    print(f"{info['files']} files, {info['rows']} rows, rounds {info['first']}..{info['last']} "
          f"in {time.perf_counter() - t:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
