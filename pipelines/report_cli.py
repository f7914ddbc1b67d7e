"""`barometer report`: build the published report by hand from the published barometer
(docs/report.md), as the `report` asset does after a run; for an earlier round, the figures as
its edition published them, with the corrections since listed."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from assets.intake.neutral import terminal


def cmd_report(args: argparse.Namespace) -> int:
    """Build the report from the published barometer (as the `report` asset does after a run)."""
    from assets.report.build import build_report
    from core.warehouse import Warehouse

    wh = Warehouse()
    if not wh.public_db.exists():
        print("barometer report: nothing published yet; run `make run` first", file=sys.stderr)
        return 2
    out = Path(args.out).resolve() if args.out else wh.root / "report"
    try:
        built = build_report(wh.public_db, out, round_key=args.round, catalog_path=wh.catalog_path)
    except ValueError as e:
        print(f"barometer report: {terminal(e)}", file=sys.stderr)
        return 2
    print(f"Report of round {built.round}: {built.pages} pages in {built.seconds:.1f} s")
    if built.corrected:   # an earlier round: shown as its edition published them, corrections marked
        print(f"  Figures of edition {built.round} corrected since ({len(built.corrected)}; marked in the report):")
        for v in built.corrected:
            now = "–" if v["latest_value"] is None else f"{v['latest_value']:g}"
            print(f"    {v['indicator']} {v['reference_period']}: {v['value_as_published']:g} as published, "
                  f"{now} now (round {v['latest_round']})")
    print(f"  Dansk:   {terminal(built.path / 'index.html')}")
    print(f"  English: {terminal(built.path / 'en' / 'index.html')}")
    return 0


def add_commands(sub) -> None:
    """`barometer report [--round R] [--out DIR]`."""
    p = sub.add_parser("report", help="build the published report from the published barometer")
    p.add_argument("--round", help="the round the front page shows, e.g. 2009-05 (default: the latest)")
    p.add_argument("--out", help="folder to write it to (default: warehouse/report)")
    p.set_defaults(fn=cmd_report)
