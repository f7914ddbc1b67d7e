"""The report's pages, rendered from templates/ with the published figures (data.Published):
front page (lights per area, the reading, what changed, the archive), one page per indicator
(chart, table, light and its reason, district map), the method page. Danish at the root, English
under en/, the same file names in both, each page linking to its translation."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from assets.report import briefings, charts, efforts
from assets.report.data import Published
from assets.report.text import LANGUAGES, Text

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"
LANG_DIR = {"da": "", "en": "en/"}   # Danish first: at the root
LIGHTS = ("green", "yellow", "red")


def environment() -> Environment:
    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["j2", "html"]),
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


@dataclass
class Site:
    """Where the pages go and what they share."""

    data: Published
    out: Path
    env: Environment
    built: str
    pages: int = 0
    build_id: str = ""   # the version folder the pages are written into (a meta tag on every page)

    def write(self, t: Text, path: str, template: str, **context) -> None:
        """Render one page at `<lang dir>/<path>` with the links every page has."""
        depth = path.count("/")
        root = "../" * depth
        here = LANG_DIR[t.lang] + path
        other_lang = next(lang for lang in LANGUAGES if lang != t.lang)
        to_site_root = "../" * here.count("/")
        html = self.env.get_template(template).render(
            t=t, data=self.data, root=root, built=self.built, build_id=self.build_id, css=to_site_root + "report.css",
            other=to_site_root + LANG_DIR[other_lang] + path, other_lang=other_lang, **context)
        target = self.out / here
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")
        self.pages += 1


def area_reading(t: Text, areas: list[dict]) -> str:
    """The round's reading in words, from area_summary ('Fremgang i 3 (beskæftigelse, ...); status quo i 3 (...)')."""
    parts = []
    for reading in ("progress", "standstill", "regress"):
        names = [t.area(a).lower() if t.lang == "da" else t.area(a).lower() for a in areas if a["reading"] == reading]
        if names:
            parts.append(t(f"reading.{reading}", n=len(names), areas=", ".join(names)))
    if not parts:
        return t("reading.none")
    text = "; ".join(parts)
    return text[0].upper() + text[1:]


def _basis(area: dict) -> list[tuple[str, str]]:
    """The indicators an area's light rests on, from area_summary.basis_lights ('HOU-M2=green, HOU-M1=green')."""
    out = []
    for part in (area.get("basis_lights") or "").split(","):
        code, _, light = part.strip().partition("=")
        if code:
            out.append((code, light if light in LIGHTS else None))   # 'none' etc.: no light
    return out


def later_corrected(d: Published, t: Text) -> list[str]:
    """An earlier round's figures corrected since its edition: as published then, and now."""
    dec = {code: i["decimals"] for code, i in d.indicators.items()}
    return [t("correction.item", indicator=v["indicator"], period=t.period(v["reference_period"]),
              published=t.num(v["value_as_published"], dec[v["indicator"]]),
              latest=t.num(v["latest_value"], dec[v["indicator"]]), edition=v["vintage_round"],
              corrected=v["latest_round"]) for v in d.later_corrected if v["indicator"] in dec]


def front_page(site: Site, t: Text, briefed: list[tuple[str, str]], path: str = "index.html",
               latest_round: str | None = None) -> None:
    """The front page of the site's round; `path` elsewhere than index.html: an archived round's
    front page (its figures as its edition published them, linked from the archive list)."""
    d = site.data
    areas = [{**a, "basis": _basis(a), **efforts.area_money(d, t, a["area"])} for a in d.areas]
    by_area = []
    for a in d.areas:
        rows = [{**i, "latest": d.latest(c)} for c, i in d.indicators.items() if i["area"] == a["area"]]
        if rows:
            by_area.append((t.area(a), rows))
    dec = {code: i["decimals"] for code, i in d.indicators.items()}
    corrected = [t("front.corrected_item", indicator=v["indicator"], period=t.period(v["reference_period"]),
                   published=t.num(v["value_as_published"], dec[v["indicator"]]),
                   latest=t.num(v["latest_value"], dec[v["indicator"]]), edition=v["vintage_round"])
                 for v in d.corrected if v["indicator"] in dec]
    carried = [t("front.carried_item", indicator=i["code"], period=t.period(i["reference_period"]))
               for i in d.carried()]
    missing = [t("front.missing_item", department=m["display_code"]) for m in d.missing]
    archive = [(r, d.area_rounds[r]) for r in reversed(d.rounds) if r < d.round and r in d.area_rounds]
    site.write(t, path, "front.html.j2", reading=area_reading(t, d.areas), by_area=by_area,
               new=d.new_in_round(), corrected=corrected, carried=carried, missing=missing, archive=archive,
               areas=areas, briefed=briefed, archived=path != "index.html", latest_round=latest_round,
               later_corrected=later_corrected(d, t))


def department_name(d: Published, t: Text, code: str | None) -> str:
    dept = d.departments.get(code or "")
    if not dept:
        return code or "–"
    return f"{dept['name_' + t.lang]} ({dept['display_code']})"


def row_notes(t: Text, code: str, rows: list[dict], i: int) -> list[tuple[str, str, str]]:
    """A history row's notes in the reader's language: (label, text, its language): the series
    break and the caveat where it starts."""
    r, out = rows[i], []
    if r.get("series_break"):
        out.append((t("indicator.series_break"), *t.note(code, r["series_break"], "series_break")))
    if r.get("caveat") and (i == 0 or rows[i - 1].get("caveat") != r["caveat"]):
        out.append((t("indicator.caveat"), *t.note(code, r["caveat"])))
    return out


def chart_alt(t: Text, ind: dict, rows: list[dict]) -> str:
    dec = ind["decimals"]
    baseline = (t("indicator.chart_alt_baseline", value=t.value(ind["baseline_value"], ind["unit"], dec),
                  period=t.period(ind["baseline_period"])) if ind.get("baseline_value") is not None else "")
    target = (t("indicator.chart_alt_target", value=t.value(ind["target_value"], ind["unit"], dec),
                period=t.period(ind["target_date"])) if ind.get("target_value") is not None else "")
    extra = []
    for r in rows:
        if r.get("series_break"):
            note = t.note(ind["code"], r["series_break"], "series_break")[0]
            extra.append(f"{t('chart.series_break')}: {t.period(r['previous_period'])}–"
                         f"{t.period(r['reference_period'])}: {note}.")
    first, last = rows[0], rows[-1]
    return " ".join([t("indicator.chart_alt", title=t.title(ind), n=len(rows),
                       first=t.value(first["value"], ind["unit"], dec),
                       first_period=t.period(first["reference_period"]),
                       last=t.value(last["value"], ind["unit"], dec), last_period=t.period(last["reference_period"]),
                       baseline=baseline, target=target).strip(), *extra])


def indicator_page(site: Site, t: Text, code: str, drawn: dict[str, str], maps: dict[str, str]) -> None:
    d = site.data
    ind = d.indicators[code]
    rows = d.history.get(code) or []
    latest = rows[-1] if rows else None
    area = next((t.area(a) for a in d.areas if a["area"] == ind["area"]), ind["area"])
    context = dict(ind=ind, rows=rows, latest=latest, area=area,
                   delivered_by=department_name(d, t, ind["delivered_by"]),
                   responsible=department_name(d, t, ind["responsible"]), map=None, chart=None, carried=None,
                   breaks=[r for r in rows if r.get("series_break")], caveats=[r for r in rows if r.get("caveat")],
                   efforts=efforts.indicator_efforts(d, t, code),
                   notes={r["reference_period"]: row_notes(t, code, rows, i) for i, r in enumerate(rows)})
    if latest:
        dec = ind["decimals"]
        context.update(reason=t.reason(latest | {"direction": ind["direction"]}, dec),
                       development=t.development(latest, dec), significance=t.significance(latest),
                       chart=charts.titled(charts.localize(drawn[code], t), f"c-{code}", chart_alt(t, ind, rows)))
        if d.is_latest and ind.get("carried_forward"):
            context["carried"] = t("indicator.carried", period=t.period(ind["reference_period"]))
        assessment = t(f"assessment.{ind.get('assessment') or 'not assessable'}") + "."
        if ind.get("pace_needed") is not None and ind.get("pace_observed") is not None:
            assessment += " " + t("assessment.detail", observed=t.signed(ind["pace_observed"], dec + 1),
                                  needed=t.num(ind["pace_needed"], dec + 1))
        context["assessment"] = assessment
    district_rows = d.district_values.get(code) or []
    if district_rows and code in maps:
        period = district_rows[0]["reference_period"]
        values = "; ".join(
            f"{r['district_name']} {t('table.suppressed') if r['suppressed'] else t.num(r['value'], ind['decimals'])}"
            for r in district_rows if not r["is_city"])
        alt = t("indicator.map_alt", title=t.title(ind), period=t.period(period), values=values)
        context.update(map=charts.titled(charts.localize(maps[code], t), f"m-{code}", alt),
                       map_period=period, district_rows=district_rows,
                       any_withheld=any(r["suppressed"] for r in district_rows))
    site.write(t, f"indicators/{code}.html", "indicator.html.j2", **context)


def district_page(site: Site, t: Text, district: dict) -> None:
    """One bydel: every district-level indicator at its latest period, beside the city."""
    d = site.data
    by_area, withheld = [], False
    for a in d.areas:
        rows = []
        for code, ind in d.indicators.items():
            cell = next((r for r in d.district_values.get(code, []) if r["district"] == district["code"]), None)
            if ind["area"] == a["area"] and cell is not None:
                rows.append((ind, cell))
                withheld = withheld or bool(cell["suppressed"])
        if rows:
            by_area.append((t.area(a), rows))
    site.write(t, f"districts/{district['code']}.html", "district.html.j2", district=district, by_area=by_area,
               any_withheld=withheld)


def briefing_pages(site: Site, t: Text) -> list[tuple[str, str]]:
    """One briefing per committee; returns (file, committee) for the front page's list."""
    listed = []
    for department, committee in briefings.load_committees().items():
        context = briefings.briefing_context(site.data, t, department, committee)
        context["efforts"] = efforts.committee_efforts(site.data, t, department)
        site.write(t, f"briefings/{department}.html", "briefing.html.j2", **context)
        listed.append((f"briefings/{department}.html", context["committee"]))
    return listed


def method_page(site: Site, t: Text, rules: dict) -> None:
    d = site.data
    first = next(iter(d.indicators.values()), {})
    breaks = []
    for code, rows in d.history.items():
        for r in rows:
            if r.get("series_break"):
                breaks.append((code, "series_break", *t.note(code, r["series_break"], "series_break")))
            if r.get("caveat") and (r is rows[0] or rows[rows.index(r) - 1].get("caveat") != r["caveat"]):
                breaks.append((code, "caveat", *t.note(code, r["caveat"])))
    m = dict(catalog_version=first.get("catalog_version"), n_indicators=len(d.indicators),
             n_areas=len({i["area"] for i in d.indicators.values()}), level=first.get("significance_level") or 0.05,
             breaks=breaks, **rules)
    site.write(t, "method.html", "method.html.j2", m=m)


def render_site(data: Published, out: Path, rules: dict, now: dt.datetime | None = None,
                shapes: dict | None = None, notes_da: dict | None = None,
                archives: list[Published] | None = None) -> int:
    """Write every page of both languages into `out` (an empty folder); returns the page count.
    `shapes`: the official district outlines (geo.load_shapes), else the schematic tiles;
    `notes_da`: the catalog's Danish break and caveat texts; `archives`: the earlier rounds."""
    site = Site(data, out, environment(), (now or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%d %H:%M UTC"),
                build_id=out.name)
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.css").write_bytes((STATIC / "report.css").read_bytes())
    drawn = {code: charts.series_chart(ind, data.history[code])
             for code, ind in data.indicators.items() if data.history.get(code)}
    maps = {code: charts.district_map(rows, data.districts, data.indicators[code]["decimals"], shapes=shapes)
            for code, rows in data.district_values.items() if code in data.indicators}
    for lang in LANGUAGES:
        t = Text(lang, notes_da)
        front_page(site, t, briefing_pages(site, t))
        method_page(site, t, rules)
        for code in data.indicators:
            indicator_page(site, t, code, drawn, maps)
        for district in data.districts:
            district_page(site, t, district)
        for a in data.areas:
            area_page(site, t, a)
        for earlier in archives or []:   # the archive: each earlier round's front page as published then
            archived = Site(earlier, out, site.env, site.built, build_id=site.build_id)
            front_page(archived, t, [], path=f"archive/{earlier.round}.html", latest_round=data.round)
            site.pages += archived.pages
    return site.pages


def area_page(site: Site, t: Text, area: dict) -> None:
    """One policy area: its light, its indicators' latest figures, the committees' efforts under
    it, its budget by year and committee, and the project bank's projects."""
    d = site.data
    rows = [{**i, "latest": d.latest(c)} for c, i in d.indicators.items() if i["area"] == area["area"]]
    site.write(t, f"areas/{area['area']}.html", "area.html.j2", area={**area, "basis": _basis(area)}, rows=rows,
               money=efforts.area_money(d, t, area["area"]))
