#!/usr/bin/env python
"""The published report in a real browser: the system's headless Chromium (Debian's `chromium`),
driven by playwright (never its own browser downloads). Used by `make screenshots` and by
tests/test_report_browser.py.

    python tools/report_browser.py [--report warehouse/report] [--out warehouse/report-screenshots]
    python tools/report_browser.py --pdf [--report warehouse/report] [--out warehouse/report-pdf]

writes 1280 px and 375 px screenshots of the front page, an indicator page (EMP-M), its district
map, a committee briefing (SOF) and an area page; with --pdf (`make pdf`), the front page and every
committee briefing in both languages printed to A4 PDF with the report's print layout."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENV_CHROMIUM = "BAROMETER_CHROMIUM"
WIDTHS = (1280, 375)
SHOTS = {  # name -> (page, element to capture or None for the whole page)
    "front": ("index.html", None),
    "indicator-EMP-M": ("indicators/EMP-M.html", None),
    "map-EMP-M": ("indicators/EMP-M.html", "figure.map"),
    "briefing-SOF": ("briefings/SOF.html", None),
    "area-employment": ("areas/employment.html", None),
}
LANG_DIRS = {"da": "", "en": "en/"}


def chromium() -> str | None:
    """The Chromium to use: $BAROMETER_CHROMIUM, else `chromium` or `chromium-browser` on the PATH."""
    if os.environ.get(ENV_CHROMIUM):
        named = os.environ[ENV_CHROMIUM]
        return named if Path(named).is_file() else None
    return shutil.which("chromium") or shutil.which("chromium-browser")


def missing() -> str | None:
    """Why the browser cannot run here (None when it can)."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (make setup installs it)"
    if chromium() is None:
        return "no Chromium found (apt-get install chromium, or set BAROMETER_CHROMIUM)"
    return None


@contextmanager
def browser():
    """A headless Chromium; no network beyond file:// is ever needed by the report."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium(), args=["--no-sandbox", "--disable-gpu"])
        try:
            yield b
        finally:
            b.close()


def screenshots(report: Path, out: Path, running=None) -> list[Path]:
    """Write every screenshot of SHOTS at every width of WIDTHS into `out` (with the `running`
    browser, or a new one: playwright's synchronous API does not nest)."""
    out.mkdir(parents=True, exist_ok=True)
    if running is None:
        with browser() as b:
            return screenshots(report, out, b)
    written = []
    for width in WIDTHS:
        page = running.new_page(viewport={"width": width, "height": 900})
        for name, (path, element) in SHOTS.items():
            page.goto((report / path).resolve().as_uri())
            target = out / f"{name}-{width}.png"
            if element:
                page.locator(element).screenshot(path=str(target))
            else:
                page.screenshot(path=str(target), full_page=True)
            written.append(target)
        page.close()
    return written


def pdfs(report: Path, out: Path, running=None) -> list[Path]:
    """Print the front page and every committee briefing of both languages to A4 PDF in `out`
    (front-da.pdf, briefing-SOF-da.pdf, ...), with the report's print layout (@media print)."""
    out.mkdir(parents=True, exist_ok=True)
    if running is None:
        with browser() as b:
            return pdfs(report, out, b)
    written = []
    page = running.new_page()
    page.emulate_media(media="print")
    for lang, folder in LANG_DIRS.items():
        pages = [("front", report / folder / "index.html")]
        pages += [(f"briefing-{b.stem}", b) for b in sorted((report / folder / "briefings").glob("*.html"))]
        for name, path in pages:
            page.goto(path.resolve().as_uri())
            target = out / f"{name}-{lang}.pdf"
            page.pdf(path=str(target), format="A4", print_background=True)
            written.append(target)
    page.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--report", default=str(ROOT / "warehouse" / "report"))
    parser.add_argument("--out", help="default: warehouse/report-screenshots, or warehouse/report-pdf with --pdf")
    parser.add_argument("--pdf", action="store_true", help="print the front page and the briefings to PDF")
    args = parser.parse_args(argv)
    report = Path(args.report)
    if not (report / "index.html").is_file():
        print(f"no report at {report}: run `make run` first", file=sys.stderr)
        return 2
    if why := missing():
        print(f"{'PDFs' if args.pdf else 'screenshots'} need a browser: {why}", file=sys.stderr)
        return 2
    if args.pdf:
        for p in pdfs(report, Path(args.out or ROOT / "warehouse" / "report-pdf")):
            print(p)
        return 0
    for p in screenshots(report, Path(args.out or ROOT / "warehouse" / "report-screenshots")):
        print(p)
    return 0


if __name__ == "__main__":
    sys.exit(main())
