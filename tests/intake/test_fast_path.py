"""The clean file's path (assets/intake/validation_fast.py) never accepts a file the careful path
rejects, and what it accepts are the careful path's rows exactly: on every corpus file, on the
sample rounds, and on randomly mutated files (seeded, so a failure is reproducible)."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pytest
from conftest import FIXTURES, sample_raw_dir

from assets.intake.dropfolder import parse_file_name
from assets.intake.validation import validate_bytes
from tools.bench_synthetic import CATALOG_PATH, department_frame, series_by_department

BAD_DIRS = ("bad", "bad_efforts", "good")


def judged_both_ways(name: str, data: bytes, catalog, department: str, round_key: str, kind: str | None = None):
    fast = validate_bytes(name, data, catalog, department=department, round_key=round_key, kind=kind)
    careful = validate_bytes(name, data, catalog, department=department, round_key=round_key, kind=kind, fast=False)
    assert careful.table is None
    if fast.table is not None:  # taken by the clean file's path: the careful path accepts the same rows
        assert careful.accepted, (name, careful.findings.head(3).to_dict("records"))
        assert fast.accepted and fast.rows.equals(careful.rows)
        assert list(fast.rows.columns) == list(careful.rows.columns)
        assert (fast.rows.dtypes == careful.rows.dtypes).all()
        assert list(fast.rows.index) == list(careful.rows.index) and fast.rows.index.name == "row"
        staged = fast.table.to_pandas().set_index("source_row").rename_axis("row")
        assert staged.equals(careful.rows)
    else:  # the careful path judged it: the same findings, the same counts
        pd.testing.assert_frame_equal(fast.findings, careful.findings)
        assert (fast.accepted, fast.n_rows, fast.omitted) == (careful.accepted, careful.n_rows, careful.omitted)
        if careful.accepted:
            assert fast.rows.equals(careful.rows)
    return fast, careful


def corpus_files():
    for folder in BAD_DIRS:
        for path in sorted((FIXTURES / folder).iterdir()):
            if path.suffix in (".csv", ".xlsx") and path.name != "expected.csv":
                yield path


@pytest.mark.parametrize("path", list(corpus_files()), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_corpus_files_judged_the_same_by_both_paths(path, catalog):
    parsed = parse_file_name(path.name)
    department, round_key = (parsed.department, parsed.round) if parsed else ("BIF", "2009-05")
    judged_both_ways(path.name, path.read_bytes(), catalog, department, round_key,
                     kind=parsed.kind if parsed else ("efforts" if path.parent.name == "bad_efforts" else None))


def test_sample_rounds_take_the_clean_path_with_the_same_rows(catalog):
    fast_taken = 0
    for path in sorted(sample_raw_dir().rglob("*.csv")):
        parsed = parse_file_name(path.name)
        fast, careful = judged_both_ways(path.name, path.read_bytes(), catalog, parsed.department,
                                         path.parent.name, parsed.kind)
        assert careful.accepted
        fast_taken += fast.table is not None
    assert fast_taken >= 10  # the plain indicator files of the samples


# ------------------------------------------------------------------------------ mutated files
TOKENS = ["", " ", "XYZ", "KBH", "IND", "nor", "NOR", "T", "F", "M", "X", "1.289", "1,289", "7,5", "7.5", "07", "-1",
          "-0", "0", "1e3", "inf", "NaN", "1 289", "12345678901234567", "123456789012345", "0.5", "2.25", "2009-03",
          "2009", "2009-3", "marts 2009", "2009-03-01", "2010-12", "2009-13", "EMP-M", "emp-m", "IMM", "DAN", "ALL",
          " 12 ", "\u00a012", "\u0661\u0662", '"12"', '"a,b"', "12;", "BIF", "SOF", "2009-05", "2009-11", "U0001",
          "\t3", "3\r", "1000000", "x\u2003", "Nørrebro", "SAF-2", "SAF-3", "EDU-F", "999999999"]


def _cells(line: str, sep: str) -> list[str]:
    return line.split(sep)


def mutate(text: str, rng: random.Random) -> str:
    """One to three random edits of a valid CSV text (cells, rows, header, line ends, separators)."""
    for _ in range(rng.randint(1, 3)):
        lines = text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        sep = ";" if lines[0].count(";") > lines[0].count(",") else ","
        header = _cells(lines[0], sep)
        op = rng.choice(["cell", "cell", "cell", "cell", "copy_cell", "number", "drop_row", "dup_row", "blank",
                         "crlf", "bom", "space", "semicolon", "swap_cols", "drop_col", "add_col", "short_row",
                         "long_row", "sex", "district"])
        body = lines[1:]
        if not body:
            break
        i = rng.randrange(len(body))
        row = _cells(body[i], sep)
        j = rng.randrange(len(header))
        if op == "cell" and len(row) > j:
            row[j] = rng.choice(TOKENS)
        elif op == "copy_cell" and len(row) > j:
            other = _cells(rng.choice(body), sep)
            row[j] = other[j] if len(other) > j else ""
        elif op == "number" and len(row) > j:
            row[j] = rng.choice([str(rng.randint(0, 3000)), f"{rng.uniform(0, 3000):.{rng.randint(1, 4)}f}",
                                 row[j] + "0", "-" + row[j], row[j] + ".0"])
        elif op == "drop_row":
            body.pop(i)
        elif op == "dup_row":
            body.insert(i, body[i])
        elif op == "blank":
            body.insert(i, rng.choice(["", " ", sep * (len(header) - 1)]))
        elif op == "crlf":
            return "\r\n".join([lines[0]] + body) + "\r\n"
        elif op == "bom":
            text = "\ufeff" + text
            continue
        elif op == "space" and len(row) > j:
            row[j] = rng.choice([" ", "  ", "\t"]) + row[j] + rng.choice(["", " "])
        elif op == "semicolon" and sep == ",":
            lines = [ln.replace(",", ";") for ln in [lines[0]] + body]
            text = "\n".join(ln.replace(".", ",") if rng.random() < 0.5 else ln for ln in lines) + "\n"
            continue
        elif op == "swap_cols":
            k = rng.randrange(len(header))
            table = [header] + [_cells(b, sep) for b in body]
            for r in table:
                if len(r) > max(j, k):
                    r[j], r[k] = r[k], r[j]
            return "\n".join(sep.join(r) for r in table) + "\n"
        elif op == "drop_col":
            table = [header] + [_cells(b, sep) for b in body]
            return "\n".join(sep.join(r[:j] + r[j + 1:]) for r in table) + "\n"
        elif op == "add_col":
            table = [header + [rng.choice(["extra", "note", "value"])]] + [_cells(b, sep) + [""] for b in body]
            return "\n".join(sep.join(r) for r in table) + "\n"
        elif op == "short_row":
            row = row[:-1]
        elif op == "long_row":
            row = row + [rng.choice(["", "5"])]
        elif op == "sex" and "sex" in header and len(row) > header.index("sex"):
            row[header.index("sex")] = rng.choice(["T", "F", "M"])
        elif op == "district" and "district" in header and len(row) > header.index("district"):
            row[header.index("district")] = rng.choice(["IND", "OST", "NOR", "VES", "VAL", "KBH"])
        if op not in ("drop_row", "dup_row", "blank"):
            body[i] = sep.join(row)
        text = "\n".join([lines[0]] + body) + "\n"
    return text


def _synthetic(department: str, round_key: str, rows: int, seed: int) -> str:
    import yaml

    series = series_by_department(yaml.safe_load(CATALOG_PATH.read_text(encoding="utf-8")))[department]
    frame = department_frame(department, series, round_key, rows, np.random.default_rng(seed))
    return frame.to_csv(index=False, float_format="%.15g")


BASES = {
    "good": ("BIF", "2009-05", lambda: (FIXTURES / "good" / "BIF_2009-05.csv").read_text(encoding="utf-8")),
    "control": ("BIF", "2009-05", lambda: (FIXTURES / "good" / "BIF_2009-05_control.csv").read_text(encoding="utf-8")),
    "sof": ("SOF", "2009-05", lambda: _synthetic("SOF", "2009-05", 150, 7)),
    "tmf": ("TMF", "2009-05", lambda: _synthetic("TMF", "2009-05", 150, 8)),
    "buf": ("BUF", "2009-05", lambda: _synthetic("BUF", "2009-05", 150, 9)),
}


@pytest.mark.parametrize("base", list(BASES))
def test_mutated_files_never_accepted_by_the_clean_path_alone(base, catalog):
    department, round_key, make = BASES[base]
    text = make()
    name = f"{department}_{round_key}.csv"
    fast, careful = judged_both_ways(name, text.encode("utf-8"), catalog, department, round_key)
    assert careful.accepted and fast.table is not None  # the unmutated file takes the clean path
    rng = random.Random(f"fast-path-{base}")
    outcomes = {"clean path": 0, "careful, accepted": 0, "careful, rejected": 0}
    for _ in range(40):
        data = mutate(text, rng).encode("utf-8")
        fast, careful = judged_both_ways(name, data, catalog, department, round_key)
        outcomes["clean path" if fast.table is not None else
                 "careful, accepted" if careful.accepted else "careful, rejected"] += 1
    # the mutations reach all three outcomes: the test exercises both paths
    assert all(outcomes.values()), outcomes


GOOD_TEXT = (FIXTURES / "good" / "BIF_2009-05.csv").read_text(encoding="utf-8")
PLAIN_VARIANTS = {
    "crlf": GOOD_TEXT.replace("\n", "\r\n"),
    "bom": "\ufeff" + GOOD_TEXT,
    "semicolons": GOOD_TEXT.replace(",", ";"),
    "spaces around cells": GOOD_TEXT.replace(",IMM,", ", IMM ,"),
    "no final line end": GOOD_TEXT.rstrip("\n"),
    "a Danish note": GOOD_TEXT.replace(",,,\n", ",,,Nørrebro 2. sal\n", 1),
    "columns in another order": "\n".join(",".join(cells[3:] + cells[:3]) for cells in
                                          (line.split(",") for line in GOOD_TEXT.split("\n")) if cells != [""]),
}


@pytest.mark.parametrize("variant", list(PLAIN_VARIANTS))
def test_plain_variants_take_the_clean_path_with_the_careful_rows(variant, catalog):
    fast, careful = judged_both_ways("BIF_2009-05.csv", PLAIN_VARIANTS[variant].encode("utf-8"), catalog, "BIF",
                                     "2009-05")
    assert fast.table is not None and careful.accepted


@pytest.mark.parametrize("variant, text", [
    ("a quoted cell", GOOD_TEXT.replace(",IMM,", ',"IMM",', 1)),
    ("a thousands point (1.000 in a ';' file)", GOOD_TEXT.replace(",1000,", ",1.000,", 1).replace(",", ";")),
    ("a blank line", GOOD_TEXT.replace("\n", "\n\n", 2)),
    ("Windows-1252", GOOD_TEXT.replace(",,,\n", ",,,N\u00f8rrebro\n", 1)),
])
def test_files_that_are_not_plain_take_the_careful_path(variant, text, catalog):
    data = text.encode("cp1252" if variant == "Windows-1252" else "utf-8")
    fast, careful = judged_both_ways("BIF_2009-05.csv", data, catalog, "BIF", "2009-05")
    assert fast.table is None
