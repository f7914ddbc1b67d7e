"""No number disclosure control withholds appears in any page of the report: random rounds with
many small cells (tests/test_disclosure_attack.py's generator: EMP-M by sex and HOU-M2/HOU-1 by
district) go through the real job, report included, and every withheld cell is looked up where
it would stand: the indicator page's district table and map, the district page's table."""

from __future__ import annotations

import html
import re

import pytest
from conftest import run_barometer
from test_disclosure_attack import DISTRICTS, generate, write_round

from assets.report.text import Text

SEEDS = [3, 17]
MARK = "–"


def _cells(row_html: str) -> list[str]:
    return [re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", c))).strip()
            for c in re.findall(r"<td[^>]*>(.*?)</td>", row_html, re.S)]


def _true_rates(truth, code: str, district: str) -> set[str]:
    yes, no = truth[code][district]
    if yes + no == 0:
        return set()
    rate = 100 * yes / (yes + no)
    return {Text(lang).num(round(rate + 1e-9, 1), 1) for lang in ("da", "en")} | {str(yes), str(yes + no)}


@pytest.mark.parametrize("seed", SEEDS)
def test_no_withheld_number_appears_in_any_page(seed, tmp_path):
    truth = generate(seed)
    raw = tmp_path / "raw"
    write_round(raw, truth)
    run = run_barometer(raw, tmp_path / "warehouse")
    report = run.warehouse / "report"
    with run.public() as con:
        withheld = con.execute("SELECT indicator, district, district_name FROM district_values WHERE suppressed "
                               "ORDER BY 1, 2").fetchall()
        shown = {(i, v) for i, v in con.execute("SELECT indicator, value FROM district_values "
                                                "WHERE value IS NOT NULL").fetchall()}
    assert withheld, "the random round withheld nothing: the test would prove nothing"
    checked = 0
    for code, district, name in withheld:
        assert district in DISTRICTS
        secrets = _true_rates(truth, code, district) if code in truth else set()
        published_here = {Text(lang).num(v, 1) for i, v in shown if i == code for lang in ("da", "en")}
        for lang_dir in ("", "en/"):
            page = (report / f"{lang_dir}indicators/{code}.html").read_text(encoding="utf-8")
            row = re.search(rf'<tr><th scope="row"><a href="\.\./districts/{district}\.html">.*?</tr>', page, re.S)
            assert row, f"{code} {district}: no row in the district table"
            value, deviation = _cells(row.group(0))
            assert value.startswith(MARK) and not re.search(r"\d", value.replace("*", "")), (code, district, value)
            assert deviation == "", (code, district, deviation)
            svg = re.search(rf'<svg role="img" aria-labelledby="m-{code}-title".*?</svg>', page, re.S).group(0)
            drawn = {html.unescape(x).strip() for x in re.findall(r"<text[^>]*>([^<]*)</text>", svg)}
            assert not (secrets - published_here) & drawn, (code, district)
            alt = html.unescape(re.search(r"<title[^>]*>(.*?)</title>", svg, re.S).group(1))
            entry = re.search(rf"{re.escape(name)} ([^;]*)", alt).group(1)
            assert not re.search(r"\d", entry), (code, district, entry)
            dpage = (report / f"{lang_dir}districts/{district}.html").read_text(encoding="utf-8")
            drow = re.search(rf'<tr><th scope="row"><a href="\.\./indicators/{re.escape(code)}\.html#map">.*?</tr>',
                             dpage, re.S)
            assert drow, f"{district}: no row for {code}"
            _period, dvalue, _city, ddeviation = _cells(drow.group(0))
            assert dvalue.startswith(MARK) and not re.search(r"\d", dvalue.replace("*", "")), (code, district)
            assert ddeviation == ""
            assert "withheld-note" in page and "withheld-note" in dpage   # the footnote says why
            checked += 1
    assert checked == 2 * len(withheld)
