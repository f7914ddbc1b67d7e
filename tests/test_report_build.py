"""The report's message catalogs, number formats, the `barometer report` command and the atomic swap."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import threading
import time
from pathlib import Path

import pytest
import yaml

from assets.report import build, text
from assets.report.text import LANGUAGES, MessageError, Text
from core import settings

FIXTURES = Path(__file__).parent / "fixtures" / "report"


def test_no_message_is_missing_in_either_language():
    assert text.missing_keys() == {lang: [] for lang in LANGUAGES}


def test_a_message_key_yaml_reads_as_a_boolean_is_refused(tmp_path, monkeypatch):
    (tmp_path / "da.yml").write_text("significance:\n  yes: Ja\n", encoding="utf-8")
    monkeypatch.setattr(text, "MESSAGES", tmp_path)
    text.messages.cache_clear()
    try:
        with pytest.raises(MessageError, match="must be text"):
            text.messages("da")
    finally:
        text.messages.cache_clear()


def test_every_message_catalog_is_a_mapping_of_texts():
    for lang in LANGUAGES:
        tree = yaml.safe_load((text.MESSAGES / f"{lang}.yml").read_text(encoding="utf-8"))
        assert isinstance(tree, dict) and text.messages(lang)


@pytest.mark.parametrize(("lang", "value", "unit", "decimals", "expected"), [
    ("da", 62.3, "percent", 1, "62,3 %"), ("en", 62.3, "percent", 1, "62.3%"),
    ("da", 1289, "count", 0, "1.289"), ("en", 1289, "count", 0, "1,289"),
    ("da", 2.2, "percentage_points", 1, "2,2 procentpoint"), ("da", -0.04, "percent", 1, "0,0 %"),
    ("da", -1132, "count", 0, "-1.132"), ("da", None, "percent", 1, "–"),
])
def test_numbers_in_the_readers_format(lang, value, unit, decimals, expected):
    assert Text(lang).value(value, unit, decimals) == expected


def test_sentences_are_generated_from_the_figures():
    t = Text("da")
    row = {"title_da": "Andel modtagere af overførselsindkomst i udsatte områder", "unit": "percent", "value": 41.8,
           "previous_value": 50.4, "change_since_previous": -8.6, "reference_period": "2009-01",
           "previous_period": "2008-01"}
    assert t.development(row, 1) == ("Andelen modtagere af overførselsindkomst i udsatte områder er faldet "
                                     "8,6 procentpoint fra 50,4 % (jan. 2008) til 41,8 % (jan. 2009).")


def test_barometer_report_builds_a_chosen_round_by_hand(sample_run, tmp_path, monkeypatch, capsys):
    from pipelines.cli import main

    monkeypatch.setenv(settings.ENV_WAREHOUSE_DIR, str(sample_run.warehouse))
    out = tmp_path / "by-hand"
    assert main(["report", "--round", "2008-11", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Report of round 2008-11" in printed and str(out / "en" / "index.html") in printed
    assert "måling 2008-11" in (out / "index.html").read_text(encoding="utf-8")
    assert main(["report", "--round", "2001-05", "--out", str(out)]) == 2


def test_a_failed_build_leaves_the_published_report_as_it_was(sample_run, tmp_path, monkeypatch):
    out = tmp_path / "report"
    first = build.build_report(sample_run.public_db, out)
    before = (out / "index.html").read_bytes()

    def broken(*args, **kwargs):
        raise RuntimeError("a template failed")

    monkeypatch.setattr(build, "render_site", broken)
    with pytest.raises(RuntimeError):
        build.build_report(sample_run.public_db, out)
    assert out.resolve() == first.version.resolve() and (out / "index.html").read_bytes() == before
    assert sorted(p.name for p in (tmp_path / "report_versions").iterdir()) == [first.version.name]


def test_a_new_build_is_swapped_in_and_old_versions_pruned(sample_run, tmp_path):
    out = tmp_path / "report"
    versions = [build.build_report(sample_run.public_db, out).version for _ in range(3)]
    assert out.is_symlink() and out.resolve() == versions[-1].resolve()
    assert sorted(p.name for p in (tmp_path / "report_versions").iterdir()) == sorted(v.name for v in versions[1:])


def test_a_real_folder_in_the_way_is_replaced(sample_run, tmp_path):
    out = tmp_path / "report"
    out.mkdir()
    (out / "old.html").write_text("old")
    build.build_report(sample_run.public_db, out)
    assert out.is_symlink() and (out / "index.html").is_file() and not (out / "old.html").exists()


def test_the_summary_says_where_the_report_is(sample_run):
    from pipelines.summary import render

    wh = sample_run.warehouse
    out = render(sample_run.internal_db, sample_run.public_db, wh / "marts", wh / "reports", ["2009-05"], [])
    assert f"{wh / 'report'}/index.html" in out and "en/index.html" in out


def test_sample_report_builds_in_under_five_seconds(sample_run, tmp_path):
    built = build.build_report(sample_run.public_db, tmp_path / "report")
    assert built.pages > 50
    assert built.seconds < 5 * 2, f"{built.seconds:.1f} s"   # 5 s on a developer machine; CI headroom




def _catalog_with_map(tmp_path: Path, config: str | None) -> Path:
    folder = tmp_path / "catalog"
    folder.mkdir()
    shutil.copyfile(FIXTURES / "bydele.geojson", folder / "bydele.geojson")
    if config is not None:
        (folder / "district_map.yaml").write_text(config, encoding="utf-8")
    return folder


def test_the_official_boundaries_are_drawn_when_placed(sample_run, tmp_path):
    from assets.report import charts, geo
    from assets.report.data import read_published

    data = read_published(sample_run.public_db)
    folder = _catalog_with_map(tmp_path, "geojson: bydele.geojson\nproperty: bydel_nr\nmatch: number\n")
    shapes = geo.load_shapes(folder, data.districts)
    assert sorted(shapes) == sorted(d["code"] for d in data.districts) and len(shapes["AMO"]) == 2
    svg = charts.district_map(data.district_values["EMP-M"], data.districts, 1, shapes=shapes)
    drawn = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    assert "Nørrebro" in drawn and svg.count("<path") > 10
    shipped = geo.load_shapes(settings.catalog_path().parent, data.districts)
    assert shipped is None   # no official file in the repository: the schematic tiles


@pytest.mark.parametrize(("config", "message"), [
    ("geojson: bydele.geojson\nproperty: navn\nmatch: name\n", "names no district"),
    ("geojson: bydele.geojson\nproperty: kode\nmatch: number\n", "has no property 'kode'"),
    ("geojson: bydele.geojson\nproperty: bydel_nr\nmatch: shape\n", "match must be one of"),
])
def test_a_geojson_that_does_not_fit_is_refused_plainly(sample_run, tmp_path, config, message):
    from assets.report import geo
    from assets.report.data import read_published

    folder = _catalog_with_map(tmp_path, config)
    with pytest.raises(geo.MapError, match=message):
        geo.load_shapes(folder, read_published(sample_run.public_db).districts)


def test_nothing_measured_yet_builds_no_report_and_fails_nothing(tmp_path):
    import duckdb

    from assets.report.data import NothingToReport

    db = tmp_path / "barometer.duckdb"
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE round_summary (round VARCHAR)")
    con.close()
    with pytest.raises(NothingToReport):
        build.build_report(db, tmp_path / "report")
    assert not (tmp_path / "report").exists()


def test_the_swap_is_one_rename_of_a_link(sample_run, tmp_path, monkeypatch):
    out = tmp_path / "report"
    build.build_report(sample_run.public_db, out)
    renames = []
    real_replace = os.replace

    def recording(src, dst):
        renames.append((Path(src), Path(dst), Path(src).is_symlink()))
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", recording)
    built = build.build_report(sample_run.public_db, out)
    onto = [(src, is_link) for src, dst, is_link in renames if dst == out]
    assert len(onto) == 1 and onto[0][1], renames   # one rename, of a link, onto the report's path
    assert out.resolve() == built.version.resolve()


def test_a_concurrent_reader_sees_only_whole_reports(sample_run, tmp_path):
    out = tmp_path / "report"
    build.build_report(sample_run.public_db, out)
    stop, seen, problems = threading.Event(), [], []
    stamp = re.compile(r'<meta name="report-build" content="([^"]*)">')

    def reader():
        while not stop.is_set():
            try:
                version = out.resolve()   # a reader follows the link once, then reads the pages
                pages = [(version / p).read_text(encoding="utf-8")
                         for p in ("index.html", "en/index.html", "briefings/SOF.html", "indicators/EMP-M.html")]
            except FileNotFoundError:
                continue   # the version two builds back was pruned while this reader was on it: it reopens
            if not all(p.rstrip().endswith("</html>") for p in pages):
                problems.append("a half-written page")
            if {stamp.search(p).group(1) for p in pages} != {version.name}:
                problems.append(f"pages of another build in {version.name}")
            seen.append(version)

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        for _ in range(4):
            build.build_report(sample_run.public_db, out)
    finally:
        stop.set()
        thread.join()
    assert not problems, problems[:3]
    assert len(seen) > 10 and len(set(seen)) >= 2   # it read while the report was swapped


def test_the_report_names_its_publication_and_a_stale_one_is_reported(sample_run, tmp_path):
    from pipelines.summary import render

    public = tmp_path / "barometer.duckdb"
    shutil.copyfile(sample_run.public_db, public)
    build.build_report(public, tmp_path / "report")
    front = (tmp_path / "report" / "index.html").read_text(encoding="utf-8")
    published = dt.datetime.fromtimestamp(public.stat().st_mtime, dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    assert f"Udgave 2009-05 af barometer.duckdb, offentliggjort {published}." in front
    assert build.staleness(tmp_path / "report", public) is None
    wh = sample_run.warehouse
    summary = lambda: render(sample_run.internal_db, public, wh / "marts", wh / "reports", ["2009-05"], [])  # noqa: E731
    assert "stale" not in summary()
    time.sleep(0.01)
    shutil.copyfile(sample_run.public_db, tmp_path / ".next")   # a later publication, renamed in
    os.replace(tmp_path / ".next", public)
    assert "published again" in build.staleness(tmp_path / "report", public)
    assert "warning: the report is stale" in summary()
