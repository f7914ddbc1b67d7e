"""The published report (assets/report/), built by the real run over the sample rounds: the
done-when figures of issue 11 on the pages themselves, in Danish and English."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from assets.report.text import Text

PAGE_AREAS_DA = {"Beskæftigelse": "green", "Bolig": "green", "Tryghed": "green", "Uddannelse": "yellow",
                 "Kultur og fritid": "yellow", "Sundhed og omsorg": "yellow"}
PAGE_AREAS_EN = {"Employment": "green", "Housing": "green", "Safety": "green", "Education": "yellow",
                 "Culture & leisure": "yellow", "Health & care": "yellow"}


@pytest.fixture(scope="module")
def report(sample_run) -> Path:
    return sample_run.warehouse / "report"


def page(report: Path, path: str) -> str:
    return (report / path).read_text(encoding="utf-8")


def text_of(fragment: str) -> str:
    """The visible text of an HTML fragment, whitespace collapsed."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", fragment))).strip()


def area_lights(front: str) -> dict[str, str]:
    """Each area card's heading and the light class of its icon."""
    cards = re.findall(r'<li class="area">\s*<h3>([^<]+)</h3>\s*<p class="area-light"><span class="light light-(\w+)"',
                       front)
    return {html.unescape(name): light for name, light in cards}


def test_the_report_is_built_by_the_run_and_swapped_in(sample_run, report):
    assert report.is_symlink() and (report / "index.html").is_file() and (report / "en" / "index.html").is_file()
    assert report.resolve().parent == sample_run.warehouse / "report_versions"
    events = [e for e in sample_run.result.get_asset_materialization_events()
              if e.asset_key.to_user_string() == "report"]
    assert events, "the run did not materialize the report asset"


@pytest.mark.parametrize(("path", "lang", "expected", "words"), [
    ("index.html", "da", PAGE_AREAS_DA, {"green": "Grøn", "yellow": "Gul"}),
    ("en/index.html", "en", PAGE_AREAS_EN, {"green": "Green", "yellow": "Yellow"}),
])
def test_front_page_shows_round_2009_05_with_its_area_lights(report, path, lang, expected, words):
    front = page(report, path)
    assert f'<html lang="{lang}">' in front
    assert "2009-05" in text_of(re.search(r"<h1>.*?</h1>", front, re.S).group(0))
    lights = area_lights(front)
    assert {k: lights.get(k) for k in expected} == expected
    # the icon's word says it too (never colour alone)
    for name, light in expected.items():
        card = re.search(rf"<h3>{re.escape(html.escape(name))}</h3>(.*?)</li>", front, re.S).group(1)
        assert words[light] in text_of(card)


def test_front_page_reading_in_both_languages(report):
    da = text_of(page(report, "index.html"))
    en = text_of(page(report, "en/index.html"))
    assert ("Fremgang i 3 (beskæftigelse, bolig, tryghed); status quo i 3 (uddannelse, kultur og fritid, "
            "sundhed og omsorg)") in da
    assert ("Progress in 3 (employment, housing, safety); standstill in 3 (education, culture & leisure, "
            "health & care)") in en


def test_front_page_says_what_changed(report, sample_run):
    front = text_of(page(report, "index.html"))
    with sample_run.public() as con:
        carried = [c for (c,) in con.execute("SELECT indicator FROM barometer_latest WHERE carried_forward "
                                            "ORDER BY 1").fetchall()]
    assert carried and all(f"{c}: seneste tal er fra" in front for c in carried)
    assert "Nye målinger" in front and "Rettede tal" in front and "Manglende leverancer" in front


def svg_of(doc: str, prefix: str) -> str:
    return re.search(rf'<svg role="img" aria-labelledby="{prefix}-title".*?</svg>', doc, re.S).group(0)


def test_emp_m_chart_and_table_show_every_measurement_and_the_target(report, sample_run):
    doc = page(report, "indicators/EMP-M.html")
    chart = svg_of(doc, "c-EMP-M")
    alt = html.unescape(re.search(r"<title[^>]*>(.*?)</title>", chart, re.S).group(1))
    assert "54,8 % (nov. 2006)" in alt and "62,3 % (feb. 2009)" in alt and "Mål 64,8 % i dec. 2010" in alt
    drawn = [html.unescape(x) for x in re.findall(r"<text[^>]*>([^<]*)</text>", chart)]
    assert {"54,8", "62,3", "64,8"} <= set(drawn)
    with sample_run.public() as con:
        figures = con.execute("SELECT reference_period, value FROM barometer_history WHERE indicator = 'EMP-M' "
                              "ORDER BY reference_date").fetchall()
    table = re.search(r"<table class=\"figures\">\s*<caption>Målingerne.*?</table>", doc, re.S).group(0)
    rows = re.findall(r"<tr><th scope=\"row\">([^<]+)</th><td class=\"num\">([^<]+)</td>", table)
    t = Text("da")
    assert rows == [(t.period(p), t.value(v, "percent", 1)) for p, v in figures]
    assert rows[0] == ("nov. 2006", "54,8 %") and rows[-1] == ("feb. 2009", "62,3 %")


def test_saf_2_is_red_with_its_reason(report):
    da = text_of(page(report, "indicators/SAF-2.html"))
    en = text_of(page(report, "en/indicators/SAF-2.html"))
    assert "Seneste lys Rød Forværret: 79,0 → 67,0; skal stige." in da
    assert "Ændringen er statistisk signifikant (test af forskellen mellem to andele, p < 0,001)" in da
    assert "Latest light Red Worsened: 79.0 → 67.0; must rise." in en
    assert "The change is statistically significant" in en


def test_cul_1_series_break_is_marked_on_its_chart(report):
    for path, word in (("indicators/CUL-1.html", "Databrud"), ("en/indicators/CUL-1.html", "Series break")):
        chart = svg_of(page(report, path), "c-CUL-1")
        drawn = [html.unescape(x) for x in re.findall(r"<text[^>]*>([^<]*)</text>", chart)]
        assert word in drawn
        assert word in re.search(r"<title[^>]*>(.*?)</title>", chart, re.S).group(1)


def test_emp_m_has_a_map_of_all_ten_districts(report, sample_run):
    doc = page(report, "indicators/EMP-M.html")
    drawn = " ".join(html.unescape(x) for x in re.findall(r"<text[^>]*>([^<]*)</text>", svg_of(doc, "m-EMP-M")))
    drawn = drawn.replace("- ", "-")   # a long hyphenated name is drawn on two lines, broken at its hyphen
    with sample_run.public() as con:
        names = [n for (n,) in con.execute("SELECT name FROM districts WHERE code <> 'KBH'").fetchall()]
    assert len(names) == 10
    for name in names:
        assert all(part in drawn for part in name.split("/")), name


def test_every_page_links_to_its_translation_and_no_link_is_broken(report):
    pages = sorted(p for p in report.rglob("*.html"))
    assert len(pages) > 50
    for p in pages:
        doc = p.read_text(encoding="utf-8")
        rel = p.relative_to(report)
        twin = rel.relative_to("en") if rel.parts[0] == "en" else Path("en") / rel
        assert (report / twin).is_file(), f"{rel} has no translation"
        hrefs = re.findall(r'(?:href|src)="([^"#]+)(?:#[^"]*)?"', doc)
        assert any((p.parent / h).resolve() == (report / twin).resolve() for h in hrefs), f"{rel}: no link to {twin}"
        for h in hrefs:
            assert not re.match(r"^[a-z]+:", h), f"{rel}: a link out of the report: {h}"
            assert (p.parent / h).resolve().exists(), f"{rel}: broken link {h}"


def test_no_page_needs_a_script_or_the_network(report):
    for p in report.rglob("*.html"):
        doc = p.read_text(encoding="utf-8")
        assert "<script" not in doc and "@import" not in doc and "@font-face" not in doc
        # the only URLs are SVG's namespace names, which are never fetched
        assert set(re.findall(r"https?://[^\s\"')<]+", doc)) <= {"http://www.w3.org/2000/svg",
                                                                  "http://www.w3.org/1999/xlink"}
    css = (report / "report.css").read_text(encoding="utf-8")
    assert "url(" not in css and "@import" not in css


def test_method_page_states_the_rules_from_where_they_are_kept(report):
    from core.disclosure import load_rules

    rules = load_rules()
    doc = text_of(page(report, "method.html"))
    assert f"et antal mellem 1 og {rules.min_count - 1} tilbageholdes" in doc
    assert f"færre end {rules.min_denominator} personer" in doc
    assert "signifikansniveau 5 %" in doc
    assert "CUL-1" in doc   # the series breaks, listed from the published history


def test_socialudvalget_briefing_names_its_housing_and_safety_indicators_in_danish(report, sample_run):
    doc = page(report, "briefings/SOF.html")
    assert '<html lang="da">' in doc
    said = text_of(doc)
    assert "Til Socialudvalget" in said
    assert "Orientering om nye målinger i Integrationsbarometeret" in said
    assert "Nye data fra Integrationsbarometeret på områderne bolig og tryghed" in said
    t = Text("da")
    with sample_run.public() as con:
        rows = con.execute("""SELECT h.*, i.decimals FROM barometer_history h JOIN indicators i ON i.code = h.indicator
                              WHERE i.responsible = 'SOF' AND h.published_round = '2009-05'
                              QUALIFY row_number() OVER (PARTITION BY h.indicator ORDER BY h.reference_date DESC) = 1
                              ORDER BY h.indicator""").fetchall()
        names = [d[0] for d in con.description]
    rows = [dict(zip(names, r, strict=True)) for r in rows]
    assert {r["area"] for r in rows} == {"housing", "safety"}
    for r in rows:
        section = text_of(re.search(rf'<section class="briefing-indicator" aria-labelledby="b-{r["indicator"]}">.*?'
                                    r"</section>", doc, re.S).group(0))
        assert r["title_da"] in section and t.light(r["light"]) in section
        assert t.value(r["value"], r["unit"], r["decimals"]) in section
        assert t.development(r, r["decimals"]) in section   # "Andelen ... er steget 0,3 procentpoint fra ..."


def test_every_department_has_one_committee():
    from assets.report.briefings import load_committees
    from schemas.code_lists import department_codes

    committees = load_committees()
    assert sorted(committees) == sorted(department_codes())
    assert committees["SOF"]["committee_da"] == "Socialudvalget"
    assert committees["OKF"]["committee_da"] == "Økonomiudvalget"
