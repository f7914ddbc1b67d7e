"""The report's other half and its languages, on the real run over the sample rounds: each
committee's efforts and their money in its briefing (the seed-000 form), the efforts aimed at each
indicator on its page, each policy area's budget and projects; the series-break and caveat texts
in Danish on the Danish pages (the catalog's reason_da/text_da, required when it loads)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from assets.report.text import Text
from tests.test_report import page, svg_of, text_of


@pytest.fixture(scope="module")
def report(sample_run) -> Path:
    return sample_run.warehouse / "report"


def _rows(sample_run, sql: str, params=None) -> list[dict]:
    with sample_run.public() as con:
        cur = con.execute(sql, params or [])
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def test_money_in_the_readers_format():
    assert Text("da").money(6_000_000) == "6,0 mio. kr."
    assert Text("da").money(187_400_000) == "187,4 mio. kr."
    assert Text("en").money(6_000_000) == "DKK 6.0m"
    assert Text("da").money(None) == "–"


def test_socialudvalget_briefing_lists_its_efforts_with_their_budget(report, sample_run):
    efforts = _rows(sample_run, "SELECT * FROM efforts WHERE department = 'SOF' AND statement_year = 2009")
    assert len(efforts) >= 3
    for path, t in (("briefings/SOF.html", Text("da")), ("en/briefings/SOF.html", Text("en"))):
        doc = page(report, path)
        part = text_of(doc[doc.index('id="efforts"'):])
        for e in efforts:
            section = text_of(re.search(rf'<section class="effort" aria-labelledby="e-{e["effort_id"]}">.*?</section>',
                                        doc, re.S).group(0))
            assert e["effort_name"] in section and t.money(e["budget_statement_year_dkk"]) in section
            for code in e["indicators"]:
                assert code in section
        total = sum(e["budget_statement_year_dkk"] for e in efforts)
        assert f"{t('efforts.total')}: {t.money(total)}" in part
    da = text_of(page(report, "briefings/SOF.html"))
    assert "19,4 mio. kr." in da and "6,0 mio. kr." in da and "delvist tilfredsstillende" in da


def test_each_indicator_page_lists_the_efforts_aimed_at_it(report, sample_run):
    links = _rows(sample_run, "SELECT * FROM indicator_efforts WHERE statement_year = 2009 ORDER BY indicator")
    assert {r["indicator"] for r in links} >= {"EMP-M", "SAF-2", "HOU-M1"}
    t = Text("da")
    for code in {r["indicator"] for r in links}:
        doc = page(report, f"indicators/{code}.html")
        table = text_of(doc[doc.index('id="efforts"'):doc.index("</table>", doc.index('id="efforts"'))])
        for r in (r for r in links if r["indicator"] == code):
            assert r["effort_name"] in table and t.money(r["budget_statement_year_dkk"]) in table
    emp = text_of(page(report, "indicators/EMP-M.html"))
    assert "Jobcentrets integrationsindsats" in emp and "150,0 mio. kr." in emp
    # an indicator no effort names says so
    assert "Ingen indsats i de offentliggjorte redegørelser har indikatoren som mål." in text_of(
        page(report, "indicators/EDU-G.html"))


def test_each_area_shows_its_budget_and_projects(report):
    front = page(report, "index.html")
    card = text_of(re.search(r'<h3>Beskæftigelse</h3>.*?<li class="area">', front, re.S).group(0))
    assert "Budget 2009: 187,4 mio. kr." in card and "7 aktive projekter" in card
    assert 'href="areas/employment.html"' in front
    area = text_of(page(report, "areas/employment.html"))
    assert "187,4 mio. kr." in area and "BIU 173,5" in area and "ØU 13,9" in area
    assert re.search(r"2008 12 12 7,3 mio\. kr\. 2009 7 7 6,2 mio\. kr\.", area)
    housing = text_of(page(report, "areas/housing.html"))
    assert "TMU 2,4 (fremført)" in housing   # the technical committee's 2007 figures carried into 2008
    en = text_of(page(report, "en/areas/safety.html"))
    assert "DKK 44.2m" in en and "BIU 12.2" in en and "SOU 31.7" in en


def test_series_breaks_and_caveats_are_in_danish_on_danish_pages(report):
    da = page(report, "indicators/CUL-1.html")
    said = text_of(da)
    assert "metodeændring fra 2008: ny datakilde fra 2008, der dækker alle folkeskoleelever" in said
    assert "new data source" not in said
    assert 'lang="en"' not in da.split("<main", 1)[1].split("</main>")[0]
    en = text_of(page(report, "en/indicators/CUL-1.html"))
    assert "method change from 2008: new data source from 2008 covering all public-school pupils" in en
    assert "omregnet" in text_of(page(report, "indicators/EDU-M.html"))   # the grading-scale caveat
    method = page(report, "method.html")
    assert "Tallene for 2004-05 er korrigeret for social baggrund" in text_of(method)
    assert 'lang="en"' not in method.split("<main", 1)[1].split("</main>")[0]
    # the break is drawn on CUL-1's chart and named in its text alternative, in both languages
    for path, word, reason in (("indicators/CUL-1.html", "Databrud", "ny datakilde"),
                               ("en/indicators/CUL-1.html", "Series break", "new data source")):
        chart = svg_of(page(report, path), "c-CUL-1")
        assert word in re.findall(r"<text[^>]*>([^<]*)</text>", chart)
        alt = re.search(r"<title[^>]*>(.*?)</title>", chart, re.S).group(1)
        assert word in alt and reason in alt


@pytest.mark.parametrize(("field", "kind"), [("reason_da", "breaks"), ("text_da", "caveats")])
def test_a_break_or_caveat_without_its_danish_text_is_refused(tmp_path, field, kind):
    from schemas.catalog import CatalogError, load_catalog

    src = Path(__file__).resolve().parents[1] / "catalog" / "indicators.yaml"
    tree = yaml.safe_load(src.read_text(encoding="utf-8"))
    entry = next(i for i in tree["indicators"] if i.get(kind))
    del entry[kind][0][field]
    bad = tmp_path / "indicators.yaml"
    bad.write_text(yaml.safe_dump(tree, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CatalogError, match=field):
        load_catalog(bad)
