"""Code lists (districts, departments, groups, sexes, areas): one CSV each, shared by the
schemas, the SQL (loaded into DuckDB) and the reports."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd

CODE_LIST_DIR = Path(__file__).resolve().parent / "code_lists"


@cache
def load_code_list(name: str) -> pd.DataFrame:
    """The code list `name` as a DataFrame of strings; refuses empty or duplicated codes."""
    path = CODE_LIST_DIR / f"{name}.csv"
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    if "code" not in df.columns:
        raise ValueError(f"code list {path} has no 'code' column")
    bad = df["code"].eq("") | df["code"].duplicated()
    if bad.any():
        raise ValueError(f"code list {path}: empty or duplicated codes {df.loc[bad, 'code'].tolist()}")
    return df


def codes(name: str) -> list[str]:
    return load_code_list(name)["code"].tolist()


CITY = "KBH"


def district_codes(include_city: bool = True) -> list[str]:
    return [c for c in codes("districts") if include_city or c != CITY]


def department_codes() -> list[str]:
    return codes("departments")
