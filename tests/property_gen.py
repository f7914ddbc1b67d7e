"""The random rounds of tests/test_property_rounds.py: seeded department files over four rounds,
with corrections in later rounds (some changing the sex split, T -> F + M and F + M -> T),
late resubmissions within a round, control totals and one rejected file; and write_files(),
which puts one run's deliveries into a raw folder as CSV."""

from __future__ import annotations

import csv
from pathlib import Path

import recompute as rc
from property_spec import FIRST_RUN_ROUNDS, FLIPPED, HEADER, MONTHS, ROUNDS, SERIES
from property_tables import Tables


class Gen(Tables):
    """Seeded rounds of department files: the tables of property_tables.Tables, delivered as the
    departments would, and corrections that change the sex split in both directions."""

    def __init__(self, seed: int):
        super().__init__(seed)
        self.delivered: dict[str, list[str]] = {s: [] for s in SERIES}

    def control_totals(self, rows: list[rc.Row]) -> list[rc.Row]:
        """Sometimes a KBH control total per period and group, as one T cell, or F + M for a series
        cut by sex (sometimes wrong): never used as data."""
        out = []
        keys = {(x.series, x.period, x.group) for x in rows if x.district != rc.CITY}
        for s, p, g in sorted(keys):
            if not SERIES[s].districts or self.rng.random() > 0.25:
                continue
            for sex in ("FM" if SERIES[s].split == "FM" else "T"):  # a series cut by sex: F + M
                part = [x for x in rows if (x.series, x.period, x.group) == (s, p, g) and sex in ("T", x.sex)]
                n = sum(x.num for x in part) + self.rng.choice([0, 0, 3])
                d = None if SERIES[s].kind == "count" else sum(x.den for x in part) + self.rng.choice([0, 0, 7])
                out.append(rc.Row(s, p, rc.CITY, "", g, sex, n, d))
        return out

    def department_file(self, rnd: str, dept: str, first_round: bool, forced: dict, redo: bool = False) -> list[rc.Row]:
        """One department's file for a round: the new periods of its series, and corrections of
        earlier ones (sometimes with the other sex split, sometimes a part of the cells only)."""
        r = self.rng
        rows: list[rc.Row] = []
        for series, spec in SERIES.items():
            if spec.department != dept:
                continue
            if redo and r.random() < 0.2:
                continue  # a resubmission that leaves a series out: the round's version in force lacks it
            new = [p for p in spec.periods[rnd]]
            if not first_round and r.random() < 0.1 and not any(x == series for x, _ in forced):
                new = []  # the series is late this round
            earlier = [p for p in self.delivered[series] if p not in new]
            corrections = [p for p in earlier if (series, p) in forced or r.random() < 0.35]
            for p in new + corrections:
                f = forced.get((series, p))
                only = None
                if p in corrections and f is None:
                    if spec.subunits and r.random() < 0.4:
                        # a correction of some housing sections only; the rest stay as they were
                        only = {(d, s) for d in rc.DISTRICTS for s in (["A1"] if d in self.sectioned else [""])}
                    if series == "HEA-1" and r.random() < 0.3:
                        # a correction of one group only: the other group's cells stay as they were
                        rows += [x for x in self.table(series, p) if x.group == "IMM"]
                        continue
                rows += self.table(series, p, f or "mixed", only)
            if not redo:
                self.delivered[series] += [p for p in new if p not in self.delivered[series]]
        rows += self.control_totals(rows)
        return rows

    def rounds(self) -> list[rc.Delivery]:
        r = self.rng
        deliveries: list[rc.Delivery] = []
        arrival = 0
        departments = sorted({s.department for s in SERIES.values()})
        late: list[tuple[str, str]] = []
        for i, rnd in enumerate(ROUNDS):
            # corrections that change the sex split, both ways: round 1 sends one period as T and
            # one as F + M, round 2 corrects both the other way; the last round flips again
            forced = {}
            if i == 0:
                forced = {(s, p): m for s in FLIPPED for p, m in zip(MONTHS[rnd], ("T", "FM"))}
            elif i == 1:
                forced = {(s, p): "flip" for s in FLIPPED for p in MONTHS["2008-05"]}
            elif i == 3:
                forced = {(s, "2008-08"): "flip" for s in FLIPPED}
            run = 1 if rnd in FIRST_RUN_ROUNDS else 2
            for dept in departments:
                if i > 0 and r.random() < 0.1 and not any(SERIES[x].department == dept for x, _ in forced):
                    continue  # nothing from this department this round
                rows = self.department_file(rnd, dept, i == 0, forced)
                if not rows:
                    continue
                arrival += 1
                deliveries.append(rc.Delivery(rnd, dept, arrival, f"{dept}_{rnd}.csv", rows, True, run))
                if run == 1 and r.random() < 0.35:
                    late.append((rnd, dept))
        # late resubmissions of earlier rounds (a new version) and a broken file, seen by run 2
        for rnd, dept in late:
            rows = self._redo(rnd, dept, deliveries)
            if rows:
                arrival += 1
                deliveries.append(rc.Delivery(rnd, dept, arrival, f"{dept}_{rnd}_v2.csv", rows, True, 2))
        rnd, dept = r.choice([(d.round, d.department) for d in deliveries if d.run == 1])
        good = next(d for d in deliveries if (d.round, d.department) == (rnd, dept))
        arrival += 1
        broken = good.rows[:-1] + [rc.Row(good.rows[-1].series, good.rows[-1].period, "ZZZ", "", good.rows[-1].group,
                                          good.rows[-1].sex, good.rows[-1].num, good.rows[-1].den, good.rows[-1].sd)]
        deliveries.append(rc.Delivery(rnd, dept, arrival, f"{dept}_{rnd}_v9.csv", broken, False, 2))
        return deliveries

    def _redo(self, rnd: str, dept: str, deliveries: list[rc.Delivery]) -> list[rc.Row]:
        """A second version of a round's file: the same periods, counts drawn again, other splits."""
        first = next(d for d in deliveries if (d.round, d.department) == (rnd, dept))
        out: list[rc.Row] = []
        for series in sorted({x.series for x in first.rows}):
            if self.rng.random() < 0.2:
                continue
            for p in sorted({x.period for x in first.rows if x.series == series}):
                out += self.table(series, p)
        return out + self.control_totals(out)


def write_files(raw: Path, deliveries: list[rc.Delivery], run: int) -> None:
    for d in deliveries:
        if d.run != run:
            continue
        folder = raw / d.round
        folder.mkdir(parents=True, exist_ok=True)
        with open(folder / d.name, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(HEADER)
            for x in d.rows:
                w.writerow([d.department, d.round, x.series, x.period, x.district, x.subunit, x.group, x.sex,
                            "" if x.num is None else x.num, "" if x.den is None else x.den, "",
                            "" if x.sd is None else x.sd, ""])

