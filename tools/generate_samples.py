#!/usr/bin/env python
"""Deterministic generator of the shipped sample submissions in raw/<round>/.

    python tools/generate_samples.py           # (re)write raw/<round>/<DEPT>_<round>.csv|xlsx
    python tools/generate_samples.py --verify  # re-read raw/, recompute every published city
                                               # figure, compare, exit 1 on any mismatch
    python tools/generate_samples.py --out DIR # the same files into DIR/<round>/ instead of raw/
                                               # (with --verify: re-read DIR/)

The published city figures (tools/published_figures.csv, the 2009 status report) are the
targets; this script synthesizes plausible integer counts per district / group / sex that
reproduce them exactly at published precision when the warehouse sums the counts. There is no
random number generator: every count follows from the constants in tools/samples/ (indicators.py,
indicators_housing.py), so two runs write byte-identical files. See docs/sample_data.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))   # run as a script from anywhere: tools/samples/

from samples import cli  # noqa: E402 - after the sys.path set-up above
from samples.rows import ROWS  # noqa: E402
from samples.submissions import generate  # noqa: E402
from samples.verify import verify  # noqa: E402

__all__ = ["generate", "main", "verify"]


def main(argv=None) -> int:
    return cli.main(argv, doc=__doc__, generate=generate, verify=verify,
                    verify_help="re-read raw/ and check every published figure",
                    summary=lambda written: f"{len(written)} files, {len(ROWS)} rows")


if __name__ == "__main__":
    sys.exit(main())
