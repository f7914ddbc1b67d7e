#!/usr/bin/env python
"""Deterministic generator of the sample housing-area files (docs/housing.md).

    python tools/generate_housing_samples.py           # (re)write raw/<round>/{TMF,SOF}_<round>_areas.csv
                                                       # and raw/2009-05/TMF_2009-05_dwellings.csv
    python tools/generate_housing_samples.py --verify  # re-read those files, classify every area at
                                                       # every date and decompose 2006-12 -> 2008-12;
                                                       # exit 1 when an outcome is off
    python tools/generate_housing_samples.py --out DIR # the same files into DIR/<round>/ instead of
                                                       # raw/ (with --verify: re-read DIR/)

The files reproduce the housing facts of the domain brief: the ministry's list of vulnerable
areas (5 in 2006, 4 in 2008, 2 in 2009 and at the end of 2009 under the old rule, 6 on 1 January
2010 under the new rule, the 4 added ones moved by the rule change alone) and seed 003's
decomposition of the 2006-2008 change in persons 18-64 on transfer income by area type. There is
no random number generator: every count follows from the constants in tools/samples/
(housing_areas.py). See docs/sample_data.md ("Housing areas").
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))   # run as a script from anywhere: tools/samples/

from samples import cli  # noqa: E402 - after the sys.path set-up above
from samples.housing_build import generate  # noqa: E402
from samples.housing_verify import verify  # noqa: E402

__all__ = ["generate", "main", "verify"]


def main(argv=None) -> int:
    return cli.main(argv, doc=__doc__, generate=generate, verify=verify,
                    verify_help="re-read the housing files and check every outcome")


if __name__ == "__main__":
    sys.exit(main())
