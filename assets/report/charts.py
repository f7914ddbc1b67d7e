"""The report's charts as inline SVG, drawn by matplotlib (offline, no fonts fetched: the text
stays text in the SVG and the browser shows it in a local sans-serif font). Each SVG gets a
unique id prefix (several sit on one page), `role="img"` and a <title> with its text
alternative; the same figures are always tabled beside it on the page."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import matplotlib

matplotlib.use("svg")
from matplotlib import patches  # noqa: E402
from matplotlib.dates import DateFormatter, YearLocator  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402

from assets.report.text import Text  # noqa: E402

matplotlib.rcParams.update({
    "svg.fonttype": "none",          # text as <text>, no embedded glyph paths, no font files
    "svg.hashsalt": "barometer",     # stable output for the same figures
    "font.family": "sans-serif",
    "font.size": 12,
    "axes.spines.top": False,
    "axes.spines.right": False,
})

INK, MUTED, LINE = "#1f2933", "#52606d", "#1d4f91"
TARGET, BASELINE, BREAK = "#8a2c0d", "#52606d", "#6b3fa0"
SUPPRESSED = "#d9dde2"
TILES = Path(__file__).parent / "district_tiles.csv"
DRAWN_IN = Text("en")     # charts are drawn once, in English formats, then localized
CHART_WORDS = ("series_break", "caveat")


def _date(d) -> dt.date:
    return d if isinstance(d, dt.date) else dt.date.fromisoformat(str(d))


def _month_end(period: str) -> dt.date:
    year, month = int(period[:4]), int(period[5:7] or 12)
    return dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)


def to_svg(fig: Figure) -> str:
    """The figure as an <svg> element: no XML header, sized by its viewBox (the page's CSS sets
    its width). Ids are prefixed per page by `titled`."""
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    svg = buf.getvalue()
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r'<svg ([^>]*?)width="[^"]*" height="[^"]*"', r'<svg \1', svg, count=1)
    return re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.S)


def localize(svg: str, t: Text) -> str:
    """The chart's text in the reader's language: charts are drawn once with English number
    formats, and the Danish page swaps the separators (62.3 -> 62,3; 1,289 -> 1.289) in its text."""
    if t.lang == DRAWN_IN.lang:
        return svg
    swap = str.maketrans({".": t.decimal, ",": t.thousands})
    words = {DRAWN_IN(f"chart.{k}"): t(f"chart.{k}") for k in CHART_WORDS}

    def one(m: re.Match) -> str:
        text = m.group(2)
        return m.group(1) + (words[text] if text in words else text.translate(swap)) + m.group(3)

    return re.sub(r"(<text[^>]*>)([^<]*)(</text>)", one, svg)


def titled(svg: str, prefix: str, title: str) -> str:
    """An inline chart for one page: its ids prefixed (several charts share a page), `role="img"`
    and a <title> with the text alternative."""
    svg = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{prefix}-{m.group(1)}"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{prefix}-{m.group(1)})", svg)
    svg = re.sub(r'xlink:href="#([^"]+)"', lambda m: f'xlink:href="#{prefix}-{m.group(1)}"', svg)
    safe = title.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    svg = svg.replace("<svg ", f'<svg role="img" aria-labelledby="{prefix}-title" class="chart" ', 1)
    return re.sub(r"(<svg[^>]*>)", rf'\1<title id="{prefix}-title">{safe}</title>', svg, count=1)


def series_chart(indicator: dict, rows: list[dict], t: Text = DRAWN_IN) -> str:
    """Every city measurement of one indicator: the series (split at a series break), the
    baseline, the target as a point at its date, breaks and caveats marked."""
    decimals = indicator["decimals"]
    fig = Figure(figsize=(6.4, 3.6))
    ax = fig.add_subplot()
    dates = [_date(r["reference_date"]) for r in rows]
    span_years = (max(dates[-1], _month_end(indicator["target_date"]) if indicator.get("target_date") else dates[-1])
                  - dates[0]).days / 365.25
    values = [r["value"] for r in rows]
    segments, start = [], 0
    for i, r in enumerate(rows):
        if i and r.get("series_break"):
            segments.append((start, i))
            start = i
    segments.append((start, len(rows)))
    for a, b in segments:
        ax.plot(dates[a:b], values[a:b], color=LINE, marker="o", linewidth=2, markersize=5)
    for i, r in enumerate(rows):
        if i and r.get("series_break"):
            mid = dates[i - 1] + (dates[i] - dates[i - 1]) / 2
            ax.axvline(mid, color=BREAK, linestyle=(0, (4, 3)), linewidth=1.3)
            ax.annotate(t("chart.series_break"), (mid, 1), xycoords=("data", "axes fraction"), ha="center",
                        va="bottom", color=BREAK, fontsize=11)
    caveats = [i for i, r in enumerate(rows)
               if r.get("caveat") and (i == 0 or rows[i - 1].get("caveat") != r["caveat"])]
    for i in caveats:
        ax.plot([dates[i]], [values[i]], linestyle="none", marker="*", markersize=12, color=BREAK, zorder=4)
        ax.annotate(t("chart.caveat"), (dates[i], values[i]), textcoords="offset points", xytext=(0, -16),
                    ha="center", color=BREAK, fontsize=11)
    base = indicator.get("baseline_value")
    if base is not None:
        ax.axhline(base, color=BASELINE, linestyle=":", linewidth=1.2)
    target, when = indicator.get("target_value"), indicator.get("target_date")
    if target is not None and when:
        tdate = _month_end(when)
        ax.plot([tdate], [target], linestyle="none", marker="D", markersize=8, color=TARGET, zorder=4)
        ax.annotate(t.num(target, decimals), (tdate, target), textcoords="offset points", xytext=(0, 8),
                    ha="center", color=TARGET, fontsize=11)
    for i in {0, len(rows) - 1}:
        ax.annotate(t.num(values[i], decimals), (dates[i], values[i]), textcoords="offset points", xytext=(0, 8),
                    ha="center", color=INK, fontsize=11)
    ax.yaxis.set_major_formatter(FuncFormatter(
        lambda v, _: t.num(v, max(decimals - 1, 0) if abs(v) >= 10 else decimals)))
    ax.xaxis.set_major_locator(YearLocator(base=max(1, round(span_years / 6))))   # cheap, fixed ticks
    ax.yaxis.set_major_locator(MaxNLocator(nbins=5))
    ax.xaxis.set_major_formatter(DateFormatter("%Y"))
    ax.margins(x=0.06, y=0.18)
    ax.tick_params(colors=MUTED, labelcolor=INK)
    ax.grid(axis="y", color="#e4e7eb", linewidth=0.8)
    fig.subplots_adjust(left=0.1, right=0.97, top=0.88, bottom=0.1)
    return to_svg(fig)


def load_tiles(path: Path = TILES) -> dict[str, tuple[float, float]]:
    """The schematic map: each district's tile (column, row; row 0 at the top), as the city lies."""
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines()[1:]:
        if line.strip() and not line.startswith("#"):
            code, col, row = line.split(",")[:3]
            out[code] = (float(col), float(row))
    return out


def _fill(value: float | None, low: float, high: float) -> tuple[str, str]:
    """A sequential blue for the value and a text colour readable on it."""
    share = 0.5 if high == low else (value - low) / (high - low)
    light, dark = (0.85, 0.91, 0.97), (0.05, 0.25, 0.55)
    rgb = tuple(a + (b - a) * share for a, b in zip(light, dark, strict=True))
    lum = 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]
    return matplotlib.colors.to_hex(rgb), ("#ffffff" if lum < 0.45 else INK)


def district_map(rows: list[dict], districts: list[dict], decimals: int, t: Text = DRAWN_IN,
                 shapes: dict[str, list] | None = None) -> str:
    """A choropleth of the districts: the schematic tiles (or, given `shapes`, the official
    outlines), each labelled with its name and value; a withheld cell hatched with '–'."""
    by_code = {r["district"]: r for r in rows if not r["is_city"]}
    shown = [r["value"] for r in by_code.values() if r["value"] is not None]
    low, high = (min(shown), max(shown)) if shown else (0, 1)
    fig = Figure(figsize=(5.2, 3.9) if shapes is None else (5.2, 5.2))
    ax = fig.add_subplot()
    ax.set_axis_off()
    tiles = load_tiles()
    names = {d["code"]: d["name"] for d in districts}
    for code, (col, row) in tiles.items():
        r = by_code.get(code, {})
        value = r.get("value")
        if value is None:
            face, ink, hatch = SUPPRESSED, INK, "///" if r.get("suppressed") else None
        else:
            (face, ink), hatch = _fill(value, low, high), None
        label = t("suppression.mark") if r.get("suppressed") else t.num(value, decimals)
        if shapes is not None and code in shapes:
            for ring in shapes[code]:
                ax.add_patch(patches.Polygon(ring, closed=True, facecolor=face, edgecolor="white", hatch=hatch))
            xs = [x for ring in shapes[code] for x, _ in ring]
            ys = [y for ring in shapes[code] for _, y in ring]
            cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
        else:
            ax.add_patch(patches.FancyBboxPatch((col + 0.04, -row + 0.04), 0.92, 0.92,
                                                boxstyle="round,pad=0,rounding_size=0.06", facecolor=face,
                                                edgecolor="white", linewidth=2, hatch=hatch))
            cx, cy = col + 0.5, -row + 0.5
        small = shapes is not None
        name = names.get(code, code).replace("/", "/\n")
        if not small:   # the tiles: a long name on two lines, so it can be drawn larger (readable at 375 px)
            name = name.replace("-", "-\n") if "\n" not in name and len(name) > 10 else name
        ax.annotate(name, (cx, cy), textcoords="offset points", xytext=(0, 7), ha="center", va="bottom",
                    fontsize=8 if small else 11, color=ink, linespacing=1.0)
        ax.annotate(label, (cx, cy), textcoords="offset points", xytext=(0, -4), ha="center", va="top",
                    fontsize=11 if small else 15, fontweight="bold", color=ink)
    if shapes is None:
        cols = [c for c, _ in tiles.values()]
        rws = [r for _, r in tiles.values()]
        ax.set_xlim(min(cols), max(cols) + 1)
        ax.set_ylim(-max(rws), -min(rws) + 1)
    else:
        ax.autoscale_view()
    ax.set_aspect("equal")
    fig.subplots_adjust(left=0.01, right=0.99, top=0.99, bottom=0.01)
    return to_svg(fig)
