"""Data kept as YAML (the catalog, the disclosure and housing rules, the mart contracts), read and
validated in one way: a YAML mapping checked against a pydantic model, every problem raised as
one error that names the file and the field, never a traceback."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)


def dotted(loc: tuple, data: dict) -> str:
    """A pydantic error location as a dotted field name (`indicators.3.target`)."""
    return "field " + ".".join(str(p) for p in loc)


def load_yaml_model(path: Path, model: type[M], error: type[Exception], what: str, shown: str | None = None,
                    where: Callable[[tuple, dict], str] = dotted) -> tuple[M, dict]:
    """The file validated as `model`, and the raw mapping. `what` names the data in messages
    ('indicator catalog'); `shown` is how the file is named in them (default: its path); `where`
    turns an error location into words a reader finds in the file."""
    shown = str(path) if shown is None else shown
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        raise error(f"{shown}: not valid YAML: {e}") from None
    if not isinstance(data, dict):
        raise error(f"{shown}: expected a mapping ({what})")
    try:
        return model.model_validate(data), data
    except ValidationError as e:
        lines = [f"{shown}: {where(err['loc'], data)}: {err['msg']}" for err in e.errors()]
        raise error(f"invalid {what}:\n  " + "\n  ".join(lines)) from None
