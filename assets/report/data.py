"""What the report shows, read from the PUBLISHED barometer only (`barometer.duckdb`, opened
read-only): never the internal database, so every figure on a page has passed disclosure control
before the report sees it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from schemas.code_lists import load_code_list


class NothingToReport(ValueError):
    """The published barometer has no round with a reading yet (nothing measured)."""


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[dict]:
    cur = con.execute(sql, params or [])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


@dataclass
class Money:
    """The efforts and their money as published for the round's year (the effort marts):
    each department's latest statement up to that year (an older one is marked carried)."""

    efforts: list[dict]            # efforts: one row per effort of the statements in force
    indicator_efforts: list[dict]  # indicator_efforts of the same statements
    budget: list[dict]             # budget_by_area, every year up to the round's year
    by_committee: list[dict]       # budget_by_committee, every year up to the round's year
    projects: list[dict] = field(default_factory=list)   # projects_by_area, every year up to the round's year

    def of_department(self, department: str) -> list[dict]:
        return [e for e in self.efforts if e["department"] == department]

    def of_indicator(self, code: str) -> list[dict]:
        return [e for e in self.indicator_efforts if e["indicator"] == code]

    def of_area(self, area: str) -> list[dict]:
        return [e for e in self.efforts if area in (e["areas"] or [])]


def read_money(con: duckdb.DuckDBPyConnection, year: int) -> Money:
    """The effort marts for year `year` (published tables only)."""
    in_force = """(SELECT department, max(statement_year) AS y FROM efforts WHERE statement_year <= ?
                   GROUP BY department)"""
    efforts = _rows(con, f"""SELECT e.*, e.statement_year < ? AS carried FROM efforts e
                             JOIN {in_force} f ON f.department = e.department AND f.y = e.statement_year
                             ORDER BY e.department, e.budget_statement_year_dkk DESC NULLS LAST, e.effort_id""",
                    [year, year])
    links = _rows(con, f"""SELECT l.* FROM indicator_efforts l
                           JOIN {in_force} f ON f.department = l.department AND f.y = l.statement_year
                           ORDER BY l.indicator, l.budget_statement_year_dkk DESC NULLS LAST, l.effort_id""", [year])
    budget = _rows(con, "SELECT * FROM budget_by_area WHERE year <= ? ORDER BY year, area", [year])
    by_committee = _rows(con, "SELECT * FROM budget_by_committee WHERE year <= ? ORDER BY year, area, committee",
                         [year])
    projects = _rows(con, "SELECT * FROM projects_by_area WHERE year <= ? ORDER BY year, area", [year])
    return Money(efforts, links, budget, by_committee, projects)


def publication_of(public_db: Path, rounds: list[str]) -> dict:
    """Which publication of barometer.duckdb this is: its edition (the latest round in force) and
    when it was published (the file is written beside and renamed in, so its time is the
    publication's), with the file's identity (size, time in ns) to tell a later one apart."""
    st = public_db.stat()
    published = dt.datetime.fromtimestamp(st.st_mtime, dt.UTC)
    return {"edition": rounds[-1] if rounds else None, "published_at": published.strftime("%Y-%m-%d %H:%M:%S UTC"),
            "size": st.st_size, "mtime_ns": st.st_mtime_ns}


def _as_published(history: dict[str, list[dict]], vintage: dict[tuple, dict]) -> list[dict]:
    """Put each figure back as the edition published it; return those corrected since."""
    corrected = []
    for code, rows in history.items():
        for i, r in enumerate(rows):
            v = vintage.get((code, r["reference_period"]))
            if v is not None and v["revised"] and v["value_as_published"] is not None:
                r["latest_value"], r["value"] = r["value"], v["value_as_published"]
                r["corrected_in"] = v["latest_round"]
                corrected.append(v)
            if i and r.get("previous_period") == rows[i - 1]["reference_period"] and (
                    "latest_value" in r or "latest_value" in rows[i - 1]):   # the step as the edition had it
                r["previous_value"] = rows[i - 1]["value"]
                if r["value"] is not None and r["previous_value"] is not None:
                    r["change_since_previous"] = round(r["value"] - r["previous_value"], 6)
    return corrected


@dataclass
class Published:
    """The published marts as the report needs them, for one round (default: the latest)."""

    round: str
    rounds: list[str]                       # every round with a reading, oldest first
    previous: str | None                    # the round before `round`, if any
    is_latest: bool
    areas: list[dict]                       # area_summary of the round, in the code list's order
    area_rounds: dict[str, list[dict]]      # area_summary of every round
    indicators: dict[str, dict]             # indicators joined with barometer_latest, catalog order
    history: dict[str, list[dict]]          # barometer_history up to the round, by indicator, by date
    districts: list[dict]                   # the 10 districts (not KBH), in their official order
    district_values: dict[str, list[dict]]  # district_values at each indicator's latest period
    corrected: list[dict]                   # barometer_vintages: figures revised by the round's rows
    missing: list[dict]                     # submission_tracker: due in the round, nothing arrived
    departments: dict[str, dict] = field(default_factory=dict)
    built_from: str = ""
    money: Money = field(default_factory=lambda: Money([], [], [], []))
    later_corrected: list[dict] = field(default_factory=list)   # figures of this edition corrected since
    publication: dict = field(default_factory=dict)             # which publication of barometer.duckdb

    def latest(self, code: str) -> dict | None:
        """The indicator's last measurement as of the round (its history row), or None."""
        rows = self.history.get(code) or []
        return rows[-1] if rows else None

    def new_in_round(self) -> list[str]:
        """Indicators with a measurement first published by the round's rows."""
        return [c for c, rows in self.history.items() if rows and rows[-1]["published_round"] == self.round]

    def carried(self) -> list[dict]:
        if not self.is_latest:
            return []
        return [i for i in self.indicators.values() if i.get("carried_forward")]


def read_published(public_db: Path, round_key: str | None = None) -> Published:
    """Read the published barometer for `round_key` (a round of `round_summary`; default the latest)."""
    con = duckdb.connect(str(public_db), read_only=True)
    try:
        rounds = [r["round"] for r in _rows(con, "SELECT round FROM round_summary ORDER BY round")]
        if not rounds:
            raise NothingToReport(f"{public_db}: round_summary is empty; nothing to report yet")
        chosen = round_key or rounds[-1]
        if chosen not in rounds:
            raise ValueError(f"round {chosen} has no reading in round_summary (rounds: {', '.join(rounds)})")
        before = [r for r in rounds if r < chosen]
        area_order = list(load_code_list("areas")["code"])
        area_rounds: dict[str, list[dict]] = {}
        for row in _rows(con, "SELECT * FROM area_summary ORDER BY round"):
            area_rounds.setdefault(row["round"], []).append(row)
        for rows in area_rounds.values():
            rows.sort(key=lambda r: area_order.index(r["area"]) if r["area"] in area_order else 99)
        indicators = {r["code"]: r for r in _rows(con, """
            SELECT i.*, l.* EXCLUDE (indicator, area, title_da, title_en, unit, direction, main_goal, policy_period,
                                     policy_goal, target_value, target_date, target_text, responsible, delivered_by,
                                     catalog_version)
            FROM indicators i LEFT JOIN barometer_latest l ON l.indicator = i.code
            ORDER BY i.area, i.main_goal DESC, i.code""")}
        history: dict[str, list[dict]] = {c: [] for c in indicators}
        # the round's figures: first published by its rows or before, or in force in its edition
        # (a correction sent with a later round is put back as the edition had it, below)
        for row in _rows(con, """SELECT * FROM barometer_history h WHERE published_round <= ? OR EXISTS (
                                     SELECT 1 FROM barometer_vintages v WHERE v.vintage_round = ?
                                     AND v.indicator = h.indicator AND v.reference_period = h.reference_period)
                                 ORDER BY indicator, reference_date""", [chosen, chosen]):
            history.setdefault(row["indicator"], []).append(row)
        district_values: dict[str, list[dict]] = {}
        for row in _rows(con, """
                SELECT d.* FROM district_values d
                JOIN (SELECT indicator, max(reference_date) AS last FROM district_values
                      WHERE published_round <= ? GROUP BY indicator) m
                  ON m.indicator = d.indicator AND m.last = d.reference_date
                LEFT JOIN districts z ON z.code = d.district
                ORDER BY d.indicator, d.is_city, TRY_CAST(z.number AS INTEGER), d.district""", [chosen]):
            district_values.setdefault(row["indicator"], []).append(row)
        corrected = _rows(con, """SELECT * FROM barometer_vintages WHERE revised AND latest_round = ?
                                  ORDER BY indicator, reference_date, vintage_round""", [chosen])
        missing = _rows(con, "SELECT * FROM submission_tracker WHERE round = ? AND status = 'missing' "
                             "ORDER BY department", [chosen])
        districts = [d for d in _rows(con, "SELECT * FROM districts") if d["code"] != "KBH"]
        districts.sort(key=lambda d: int(d["number"]))
        money = read_money(con, int(chosen[:4]))
        later_corrected = []
        if chosen != rounds[-1]:   # an earlier round: its figures as that edition published them
            vintage = {(v["indicator"], v["reference_period"]): v for v in _rows(
                con, "SELECT * FROM barometer_vintages WHERE vintage_round = ?", [chosen])}
            later_corrected = _as_published(history, vintage)
    finally:
        con.close()
    departments = {d["code"]: d for d in load_code_list("departments").to_dict("records")}
    return Published(round=chosen, rounds=rounds, previous=before[-1] if before else None,
                     is_latest=chosen == rounds[-1], areas=area_rounds.get(chosen, []), area_rounds=area_rounds,
                     indicators=indicators, history=history, districts=districts, district_values=district_values,
                     corrected=corrected, missing=missing, departments=departments, built_from=str(public_db),
                     money=money, later_corrected=later_corrected, publication=publication_of(public_db, rounds))
