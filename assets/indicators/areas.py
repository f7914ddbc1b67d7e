"""Each policy area's light per round and a one-line reading of the round, as the report's
"progress in 3 main goals, standstill in 3".

Rule: an area's light is the most frequent light among its main goals' latest lights (as of the
round); an area without a main goal uses all its indicators. A tie is yellow (standstill): the
report calls movement only where it is unambiguous. An area whose basis indicators have no light
(each at its first measurement) has no light yet ('no comparison yet'), nor has an area with no
measurement yet."""

from __future__ import annotations

from collections import Counter

import pandas as pd

READING = {"green": "progress", "yellow": "standstill", "red": "regress", None: "no measurement yet"}
NO_COMPARISON = "no comparison yet"
COLUMNS = ["round", "area", "area_label", "area_label_da", "light", "reading", "rule", "basis_lights",
           "indicators", "green", "yellow", "red"]


def area_light(lights: list[str]) -> str | None:
    counts = Counter(light for light in lights if light)
    if not counts:
        return None  # only first measurements: nothing has been compared yet
    (top, n), *rest = counts.most_common()
    if rest and rest[0][1] == n:
        return "yellow"
    return top


def area_summary(history: pd.DataFrame, catalog: pd.DataFrame, areas: pd.DataFrame) -> pd.DataFrame:
    """One row per round x area. `history`: barometer_history; `catalog`: indicator_catalog;
    `areas`: the areas code list (code, label_en, label_da)."""
    rounds = sorted(history["published_round"].dropna().unique())
    main = dict(zip(catalog["code"], catalog["main_goal"]))
    rows = []
    for rnd in rounds:
        known = history[history["published_round"] <= rnd].sort_values("reference_date")
        latest = known.groupby("indicator").tail(1)
        for a in areas.itertuples():
            ind = latest[latest["area"] == a.code]
            mains = ind[ind["indicator"].map(main).fillna(False).astype(bool)]
            basis = mains if len(mains) else ind
            light = area_light(basis["light"].tolist()) if len(ind) else None
            counts = Counter(ind["light"].dropna())
            rows.append({
                "round": rnd, "area": a.code, "area_label": a.label_en, "area_label_da": a.label_da,
                "light": light, "reading": READING[light] if light or not len(ind) else NO_COMPARISON,
                "rule": ("main goal" + ("s " if len(mains) > 1 else " ") + ", ".join(mains["indicator"]))
                        if len(mains) else f"most frequent light of {len(ind)} indicators",
                "basis_lights": ", ".join(f"{i}={lt}" for i, lt in zip(basis["indicator"], basis["light"])),
                "indicators": len(ind), "green": counts.get("green", 0), "yellow": counts.get("yellow", 0),
                "red": counts.get("red", 0),
            })
    return pd.DataFrame(rows, columns=COLUMNS)


def round_reading(summary: pd.DataFrame) -> pd.DataFrame:
    """One row per round: the sentence a report opens with."""
    out = []
    for rnd, g in summary.groupby("round", sort=True):
        parts = []
        for light in ("green", "yellow", "red"):  # areas with no light yet are left out
            areas = g[g["light"] == light]["area_label"].tolist()
            if areas:
                parts.append(f"{READING[light]} in {len(areas)} ({', '.join(a.lower() for a in areas)})")
        text = "; ".join(parts) or NO_COMPARISON
        out.append({"round": rnd, "reading": text[:1].upper() + text[1:],
                    "areas_green": int((g["light"] == "green").sum()),
                    "areas_yellow": int((g["light"] == "yellow").sum()),
                    "areas_red": int((g["light"] == "red").sum())})
    return pd.DataFrame(out, columns=["round", "reading", "areas_green", "areas_yellow", "areas_red"])
