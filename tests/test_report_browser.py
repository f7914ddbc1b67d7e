"""The report in a real browser (headless Chromium, tools/report_browser.py): every page of both
languages loads with no console error, no failed request and no request outside the report, fits
375 px without horizontal scrolling, has no broken link; the vendored accessibility checker finds
no serious violation; the screenshots `make screenshots` writes. Skipped, and said so plainly at the
end of `make test`, where no Chromium is installed (CI installs it: .ci/run)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from core.settings import PROJECT_ROOT

_spec = importlib.util.spec_from_file_location("_report_browser", PROJECT_ROOT / "tools" / "report_browser.py")
report_browser = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(report_browser)

WHY = report_browser.missing()
pytestmark = [pytest.mark.browser, pytest.mark.skipif(WHY is not None, reason=f"browser tests skipped: {WHY}")]
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
AXE_PAGES = ["index.html", "method.html", "indicators/EMP-M.html", "indicators/CUL-1.html", "indicators/SAF-2.html",
             "indicators/HOU-3.html", "districts/NOR.html", "briefings/SOF.html", "areas/employment.html",
             "archive/2008-11.html"]


@pytest.fixture(scope="module")
def report(sample_run) -> Path:
    return (sample_run.warehouse / "report").resolve()


@pytest.fixture(scope="module")
def browser():
    with report_browser.browser() as b:
        yield b


def _pages(report: Path) -> list[Path]:
    return sorted(report.rglob("*.html"))


def test_every_page_loads_cleanly_and_fits_a_phone(report, browser):
    page = browser.new_page(viewport={"width": 375, "height": 800})
    problems: list[str] = []
    current = {"path": ""}
    page.on("console", lambda m: problems.append(f"{current['path']}: console {m.type}: {m.text}")
            if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(f"{current['path']}: page error {e}"))
    page.on("requestfailed", lambda r: problems.append(f"{current['path']}: failed request {r.url}"))
    page.on("request", lambda r: problems.append(f"{current['path']}: request outside the report {r.url}")
            if not r.url.startswith(report.as_uri() + "/") else None)
    pages = _pages(report)
    assert len(pages) > 50
    for p in pages:
        current["path"] = str(p.relative_to(report))
        page.goto(p.as_uri())
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 375:
            problems.append(f"{current['path']}: {width} px wide at a 375 px viewport")
        for href in page.evaluate("[...document.querySelectorAll('a[href]')].map(a => a.href)"):
            target = href.split("#")[0]
            if not target.startswith(report.as_uri() + "/"):
                problems.append(f"{current['path']}: a link out of the report: {href}")
            elif not Path(target.removeprefix("file://")).is_file():
                problems.append(f"{current['path']}: broken link {href}")
    page.close()
    assert not problems, "\n".join(problems[:40])


@pytest.mark.parametrize("lang_dir", ["", "en/"])
def test_no_serious_accessibility_violation(report, browser, lang_dir):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    found = []
    for path in AXE_PAGES:
        page.goto((report / lang_dir / path).as_uri())
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("async () => await axe.run(document, {runOnly: {type: 'tag', values: "
                               "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})")
        for v in result["violations"]:
            if v["impact"] in ("serious", "critical"):
                found.append(f"{lang_dir}{path}: {v['id']} ({v['impact']}): {v['help']}; "
                             f"{[n['target'] for n in v['nodes']][:3]}")
    page.close()
    assert not found, "\n".join(found)


def test_print_layout_has_no_navigation(report, browser):
    page = browser.new_page()
    page.goto((report / "briefings" / "SOF.html").as_uri())
    page.emulate_media(media="print")
    assert page.evaluate("getComputedStyle(document.querySelector('header.site nav')).display") == "none"
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
    page.close()


def test_screenshots_are_written_at_both_widths(report, browser, tmp_path):
    written = report_browser.screenshots(report, tmp_path, browser)
    names = sorted(p.name for p in written)
    assert names == sorted(f"{n}-{w}.png" for n in report_browser.SHOTS for w in report_browser.WIDTHS)
    assert all(p.stat().st_size > 1000 for p in written)


def test_the_front_page_and_the_briefings_print_to_pdf(report, browser, tmp_path):
    written = report_browser.pdfs(report, tmp_path, browser)
    briefings = sorted(p.stem for p in (report / "briefings").glob("*.html"))
    assert sorted(p.name for p in written) == sorted(
        [f"front-{lang}.pdf" for lang in ("da", "en")]
        + [f"briefing-{b}-{lang}.pdf" for b in briefings for lang in ("da", "en")])
    for p in written:
        data = p.read_bytes()
        assert data.startswith(b"%PDF") and b"%%EOF" in data[-1024:] and len(data) > 5000, p.name
