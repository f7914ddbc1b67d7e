#!/usr/bin/env python
"""Deterministic generator of the sample effort statements and project-bank files (docs/sample_data.md).

    python tools/generate_effort_samples.py           # (re)write raw/<round>/<DEPT>_<round>_efforts.csv
                                                      # and raw/<round>/BIF_<round>_projects.csv
    python tools/generate_effort_samples.py --verify  # re-read those files and check the seeds' figures;
                                                      # exit 1 when one is off
    python tools/generate_effort_samples.py --out DIR # the same files into DIR/<round>/ instead of raw/

The files reproduce seed 001's economic overview for the social committee (its stated grand total
73.19 M DKK against rows adding to 81.66 M included), seed 002's budget by area for 2009 (476.8 M
DKK) with its split by committee, and its active projects by area in 2008 and 2009 (114 and 83).
There is no random number generator: every figure follows from the constants in
tools/samples/efforts.py.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))   # run as a script from anywhere: tools/samples/

from samples import cli  # noqa: E402 - after the sys.path set-up above
from samples.efforts import generate  # noqa: E402
from samples.efforts_verify import verify  # noqa: E402

__all__ = ["generate", "main", "verify"]


def main(argv=None) -> int:
    return cli.main(argv, doc=__doc__, generate=generate, verify=verify,
                    verify_help="re-read the effort and project files and check the seeds' figures")


if __name__ == "__main__":
    sys.exit(main())
