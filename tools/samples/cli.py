"""The command line both generators share: write the files (into raw/ or `--out DIR`) and list
them, or `--verify` what is there."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from .common import RAW, shown


def main(argv, *, doc: str, generate: Callable[[Path], list[Path]], verify: Callable[[Path], int],
         verify_help: str, summary: Callable[[list[Path]], str] | None = None) -> int:
    """Run one generator: `doc` is its script's docstring (the first line describes it in --help),
    `summary` an optional last line after the list of written files."""
    ap = argparse.ArgumentParser(description=doc.splitlines()[0])
    ap.add_argument("--verify", action="store_true", help=verify_help)
    ap.add_argument("--out", type=Path, default=RAW, metavar="DIR",
                    help="folder to write the rounds into (and to re-read with --verify); default raw/")
    args = ap.parse_args(argv)
    if args.verify:
        return verify(args.out)
    written = generate(args.out)
    for path in written:
        print(shown(path))
    if summary is not None:
        print(summary(written))
    return 0
