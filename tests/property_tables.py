"""One series and period of a random round as rows (tests/test_property_rounds.py): cell sizes
drawn so that small cells are frequent (disclosure control fires), totals and gaps nudged onto
exact rounding ties, and each cell's sex split (T, or F + M) decided per cell."""

from __future__ import annotations

import dataclasses
import random
from fractions import Fraction

import recompute as rc
from property_spec import CATALOG, RULES, SERIES


def _is_tie(x: Fraction, decimals: int) -> bool:
    h = x * 10 ** decimals * 2
    return h.denominator == 1 and h.numerator % 2 == 1


class Tables:
    """Seeded tables of department rows. Small cells are frequent (so disclosure control fires),
    exact rounding ties are frequent (denominators 20, 80, 400, 2000 ... and numerators nudged onto
    x.x5), and a cell can be sent with the other sex split than the last time (split_of, "flip")."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        r = self.rng
        # districts whose HOU-2 rows come in two housing sections (stable across rounds)
        self.sectioned = set(r.sample(rc.DISTRICTS, 3))
        self.last_split: dict[tuple, str] = {}  # cell -> the split it was last sent with

    # -- cells
    def _den(self) -> int:
        r = self.rng
        u = r.random()
        if u < 0.06:
            return 0
        if u < 0.3:
            return r.randint(1, RULES["min_denominator"] - 1)  # too few: suppressed
        if u < 0.6:
            return r.choice([20, 40, 80, 120, 240, 400])  # rounding ties
        return r.randint(RULES["min_denominator"], 260)

    def _num(self, d: int) -> int:
        r = self.rng
        if d == 0:
            return 0
        u = r.random()
        if u < 0.15:
            return 0
        if u < 0.35:
            return r.randint(1, min(RULES["min_count"] - 1, d))  # a small count
        if u < 0.5:
            return d - r.randint(0, min(RULES["min_count"] - 1, d))  # a small complement
        return r.randint(0, d)

    def _tie_totals(self, cells: list[list[int]], value, decimals: int, mean: bool = False) -> None:
        """Move the totals of a table onto an exact tie at `decimals` (in place): the denominator
        to a round number, then the numerator to the nearest total giving x.x5."""
        r = self.rng
        total_d = sum(c[1] for c in cells)
        target = next((t for t in (80, 200, 400, 800, 1000, 2000, 4000, 8000) if t >= total_d), None)
        if target is None or total_d == 0:
            return
        i = r.choice([k for k, c in enumerate(cells) if c[1] > 0])
        grow = target - total_d
        cells[i][1] += grow
        if mean:
            cells[i][0] += grow * r.randint(15, 35)
        n = sum(c[0] for c in cells)
        up = 10**9 if mean else sum(c[1] - c[0] for c in cells)  # a share's numerator stays <= its denominator
        down = n
        delta = next((x for x in sorted(range(-300, 301), key=abs)
                      if -down <= x <= up and _is_tie(value(n + x, target), decimals)), None)
        if delta is None:
            return
        for c in r.sample(cells, len(cells)):  # spread the move over cells that have room
            step = max(-c[0], delta) if delta < 0 else min(delta if mean else c[1] - c[0], delta)
            c[0] += step
            delta -= step
            if delta == 0:
                return

    def _split(self, n: int, d: int, mean: bool) -> list[tuple[int, int]]:
        """F and M parts of a cell (each part valid on its own)."""
        r = self.rng
        if mean:
            if d < 2:
                return [(n, d), (0, 0)] if d else [(0, 0), (0, 0)]
            df = r.randint(1, d - 1)
            nf = min(n, round(n * df / d) + r.randint(-3, 3))
            nf = max(0, nf)
            return [(nf, df), (n - nf, d - df)]
        if d == 0:  # a count: only the numerator is split
            nf = r.randint(0, n)
            return [(nf, 0), (n - nf, 0)]
        df = r.randint(0, d)
        nf = r.randint(max(0, n - (d - df)), min(n, df))
        return [(nf, df), (n - nf, d - df)]

    def _sd(self, kind: str) -> str:
        return f"{self.rng.uniform(1.5, 3.5):.2f}" if kind == "grades" else f"{self.rng.uniform(2, 15):.1f}"

    def table(self, series: str, period: str, mode: str = "mixed", only_units=None) -> list[rc.Row]:
        """All rows of one series and period (every district, or KBH). The sex split is decided per
        cell (docs/submissions.md): `mode` T, FM, mixed (each cell at random) or flip (each cell
        the other way than it was last sent)."""
        spec, r = SERIES[series], self.rng
        rows: list[rc.Row] = []
        for grp in spec.groups:
            if spec.districts:
                units = []
                for dist in rc.DISTRICTS:
                    subs = ["A1", "B2"] if spec.subunits and dist in self.sectioned else [""]
                    if only_units is not None:
                        subs = [s for s in subs if (dist, s) in only_units]
                    units += [(dist, s) for s in subs]
            else:
                units = [(rc.CITY, "")]
            cells: list[list[int]] = []
            for _ in units:
                if spec.kind == "count":
                    u = r.random()
                    mc = RULES["min_count"]
                    cells.append([0 if u < 0.3 else r.randint(1, mc - 1) if u < 0.55 else r.randint(mc, 40), 0])
                elif spec.kind == "rate":
                    d = self._den() if spec.districts else r.choice([80, 400, 800, 2000, r.randint(150, 2500)])
                    cells.append([self._num(d) if spec.districts else r.randint(d // 10, d - d // 10), d])
                else:  # mean
                    if series == "EDU-M":
                        d = r.choice([200, 400, 800, r.randint(150, 1500)])
                        m = r.uniform(4.8, 6.6) if grp == "BIL" else r.uniform(6.2, 7.6)
                    else:
                        u = r.random()
                        md = RULES["min_denominator"]
                        d = (r.randint(2, md - 1) if u < 0.25 else r.choice([20, 40, 60]) if u < 0.55
                             else r.randint(md, 150))
                        m = r.uniform(5, 45)
                    cells.append([round(m * d), d])
            c = CATALOG["indicators"][series]
            if spec.kind != "count" and r.random() < 0.6:
                if spec.kind == "rate":
                    self._tie_totals(cells, lambda n, d: Fraction(100 * n, d), c["decimals"])
                elif series != "EDU-M":
                    self._tie_totals(cells, lambda n, d: Fraction(n, d), c["decimals"], mean=True)
            for (dist, sub), (n, d) in zip(units, cells):
                split = self.split_of((series, period, dist, sub, grp), mode)
                parts = [("T", n, d)] if split == "T" else [
                    (s, pn, pden) for s, (pn, pden) in zip("FM", self._split(n, d, spec.kind == "mean"))]
                for sex, pn, pden in parts:
                    if spec.kind == "count":
                        rows.append(rc.Row(series, period, dist, sub, grp, sex, pn, None))
                    elif spec.kind == "rate":
                        rows.append(rc.Row(series, period, dist, sub, grp, sex, pn, pden))
                    else:
                        if pden == 0:  # a section nobody lives in is left out rather than sent as 0 / 0
                            continue
                        rows.append(rc.Row(series, period, dist, sub, grp, sex, pn, pden,
                                           self._sd("grades" if series == "EDU-M" else "weeks")))
        if series == "EDU-M":
            rows = self._tie_gap(rows, "BIL", "MON", scale=1, decimals=2, span=400, share=False)
        if series == "CUL-3":
            rows = self._tie_gap(rows, "IMM", "DAN", scale=100, decimals=1, span=200, share=True)
        return rows

    def _tie_gap(self, rows: list[rc.Row], group: str, ref: str, scale: int, decimals: int, span: int,
                 share: bool) -> list[rc.Row]:
        """Nudge one `group` row's numerator so the gap (ref - group, x scale) is an exact tie at
        `decimals`: gaps of means (EDU-M, 2 decimals) and of rates (CUL-3, 1 decimal, numerator
        at most the denominator)."""
        if self.rng.random() < 0.3:
            return rows
        tot = lambda g, k: sum(getattr(x, k) for x in rows if x.group == g)
        n, d, rn, rd = tot(group, "num"), tot(group, "den"), tot(ref, "num"), tot(ref, "den")
        fits = lambda num, den: num >= 0 and (not share or num <= den)
        for delta in sorted(range(-span, span + 1), key=abs):
            if fits(n + delta, d) and _is_tie(Fraction(scale * rn, rd) - Fraction(scale * (n + delta), d), decimals):
                for i, x in enumerate(rows):
                    if x.group == group and fits(x.num + delta, x.den):
                        rows[i] = dataclasses.replace(x, num=x.num + delta)
                        return rows
        return rows

    def split_of(self, cell: tuple, mode: str) -> str:
        spec = SERIES[cell[0]]
        if spec.split != "random":
            split = spec.split
        elif mode == "flip" and cell in self.last_split:
            split = "FM" if self.last_split[cell] == "T" else "T"
        elif mode in ("T", "FM"):
            split = mode
        else:
            split = "FM" if self.rng.random() < 0.4 else "T"
        self.last_split[cell] = split
        return split

