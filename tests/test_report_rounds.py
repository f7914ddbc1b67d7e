"""Earlier rounds in the report: the archive's pages (each earlier round's front page, its figures as
its edition published them, from the published vintages) and `barometer report --round R`, which
marks the figures of R's edition corrected since (published value in that edition beside the
latest). The correction is real: a corrected file sent after the edition was published."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from conftest import copy_raw, run_barometer

from assets.report.text import Text
from core import settings
from tests.test_report import page, text_of


@pytest.fixture(scope="module")
def report(sample_run) -> Path:
    return sample_run.warehouse / "report"


def test_every_earlier_round_has_a_front_page_linked_from_the_archive(report, sample_run):
    with sample_run.public() as con:
        rounds = [r for (r,) in con.execute("SELECT round FROM round_summary ORDER BY round").fetchall()]
    earlier = rounds[:-1]
    assert len(earlier) >= 5
    for lang_dir in ("", "en/"):
        front = page(report, f"{lang_dir}index.html")
        for r in earlier:
            assert f'href="archive/{r}.html"' in front, r
            assert (report / f"{lang_dir}archive/{r}.html").is_file()
    doc = page(report, "archive/2008-11.html")
    assert "Forsiden ved målingen 2008-11" in text_of(re.search(r"<h1>.*?</h1>", doc, re.S).group(0))
    assert 'href="../index.html"' in doc   # back to the latest round


def test_an_archived_front_page_shows_the_figures_as_its_edition_published_them(report, sample_run):
    with sample_run.public() as con:
        published = dict(con.execute("""
            SELECT indicator, value_as_published FROM barometer_vintages WHERE vintage_round = '2008-11'
            QUALIFY row_number() OVER (PARTITION BY indicator ORDER BY reference_date DESC) = 1""").fetchall())
        decimals = dict(con.execute("SELECT code, decimals FROM indicators").fetchall())
        units = dict(con.execute("SELECT code, unit FROM indicators").fetchall())
    doc = page(report, "archive/2008-11.html")
    t = Text("da")
    rows = dict(re.findall(r'<tr><th scope="row"><a href="\.\./indicators/([^"]+)\.html">.*?</th>\s*'
                           r'<td[^>]*>[^<]*</td><td class="num">([^<]+)', doc, re.S))
    assert rows["EMP-M"] == "59,9 %"   # Aug 2008, the latest figure in November 2008's edition
    for code, value in published.items():
        assert rows[code].strip() == t.value(value, units[code], decimals[code]), code


@pytest.fixture(scope="module")
def corrected(tmp_path_factory):
    """Rounds 2008-11 and 2009-05 published, then BIF corrects its November 2008 file (EMP-M,
    Aug 2008: more women in work) and the job runs again."""
    base = tmp_path_factory.mktemp("corrected")
    raw = copy_raw(base / "raw", ["2008-11", "2009-05"])
    wh = base / "wh"
    run_barometer(raw, wh)
    src = raw / "2008-11" / "BIF_2008-11.csv"
    df = pd.read_csv(src, dtype=str, keep_default_na=False)
    rows = (df.indicator == "EMP-M") & (df.reference_period == "2008-08") & (df.sex == "F")
    df.loc[rows, "numerator"] = (df.loc[rows, "numerator"].astype(int) + 120).astype(str)
    df.to_csv(raw / "2008-11" / "BIF_2008-11_v2.csv", index=False)
    return run_barometer(raw, wh)


def test_barometer_report_round_marks_the_figures_corrected_since(corrected, tmp_path, monkeypatch, capsys):
    from pipelines.cli import main

    with corrected.public() as con:
        (before, after), = con.execute("""SELECT value_as_published, latest_value FROM barometer_vintages
            WHERE vintage_round = '2008-11' AND indicator = 'EMP-M' AND reference_period = '2008-08'""").fetchall()
    assert before == 59.9 and after > before
    monkeypatch.setenv(settings.ENV_WAREHOUSE_DIR, str(corrected.warehouse))
    out = tmp_path / "r"
    assert main(["report", "--round", "2008-11", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert f"EMP-M 2008-08: 59.9 as published, {after:g} now" in printed
    t = Text("da")
    front = text_of(page(out, "index.html"))
    assert "Rettet siden denne udgave" in front
    assert (f"EMP-M aug. 2008: offentliggjort som 59,9 i udgaven 2008-11; rettet til {t.num(after, 1)}"
            in front)
    assert f"59,9 % (rettet senere til {t.value(after, 'percent', 1)})" in front
    ind = text_of(page(out, "indicators/EMP-M.html"))
    assert re.search(rf"aug\. 2008 59,9 % .*?rettet senere til {re.escape(t.value(after, 'percent', 1))}", ind)
    assert "corrected to" in text_of(page(out, "en/index.html"))
    # the latest report's archive page of that round says the same; its own figures are the latest
    latest = corrected.warehouse / "report"
    assert f"rettet senere til {t.value(after, 'percent', 1)}" in text_of(page(latest, "archive/2008-11.html"))
    assert t.value(after, "percent", 1) in text_of(page(latest, "indicators/EMP-M.html"))
