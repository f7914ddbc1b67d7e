"""The words people read, in their language: one message catalog per language
(core/messages/<lang>.yml), Danish by default and English with `--lang en` or BAROMETER_LANG=en.

A catalog is a YAML tree of texts, namespaced by who reads it (`check.*` for a department's
validation report, `template.*` for the templates' instructions, `tracker.*`, `cli.*`); it is
validated when loaded: every key is text, every value is text, and every language has the same
keys with the same `{placeholders}` (tests/test_messages.py). Look a text up with
`t(lang, "check.row", row=12)`, a whole namespace with `namespace(lang, "tracker.status")`. The
report's texts (assets/report/messages/, read by assets/report/text.py with the same checks) are
meant to move here under `report.`: its `Text` then reads `namespace(lang, "report")`.

The rules' own texts stay in schemas/rules/submission_rules.yaml (message_da / message_en): that
is the rule's record; this catalog holds everything around them."""

from __future__ import annotations

import contextvars
import os
import string
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import yaml

LANGUAGES = ("da", "en")  # Danish first: the default, and the language the departments write in
DEFAULT = "da"
ENV = "BAROMETER_LANG"
MESSAGES = Path(__file__).parent / "messages"

_chosen: contextvars.ContextVar[str | None] = contextvars.ContextVar("barometer_lang", default=None)


class MessageError(ValueError):
    """A message catalog that does not validate, a key no catalog has, or a language there is none of."""


def check_language(lang: str) -> str:
    """`lang` if it is one of LANGUAGES, else a MessageError naming the allowed ones."""
    if lang not in LANGUAGES:
        raise MessageError(f"unknown language {lang!r}: choose one of {', '.join(LANGUAGES)}")
    return lang


def current_language() -> str:
    """The language in force: the one a command chose (`use_language`), else BAROMETER_LANG, else
    Danish. An unknown BAROMETER_LANG is an error naming the allowed values, never a silent default."""
    chosen = _chosen.get()
    if chosen is not None:
        return chosen
    env = os.environ.get(ENV, "").strip().lower()
    if not env:
        return DEFAULT
    if env not in LANGUAGES:
        raise MessageError(f"{ENV}={env!r} is not a language of the barometer: choose one of {', '.join(LANGUAGES)}")
    return env


@contextmanager
def use_language(lang: str | None) -> Iterator[str]:
    """Within the block, current_language() is `lang` (None: leave it as it is)."""
    if lang is None:
        yield current_language()
        return
    token = _chosen.set(check_language(lang))
    try:
        yield lang
    finally:
        _chosen.reset(token)


def flatten(tree: dict, prefix: str = "") -> dict[str, str]:
    """A nested mapping of texts -> {'a.b.c': text}; a key or value that is not text is refused."""
    out: dict[str, str] = {}
    for key, value in tree.items():
        if not isinstance(key, str):  # YAML reads a bare yes/no/on/off/1 as a boolean or number
            raise MessageError(f"{prefix}{key}: a message key must be text (quote it)")
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out |= flatten(value, f"{name}.")
        elif isinstance(value, str):
            out[name] = value
        else:
            raise MessageError(f"{name}: a message must be text, not {type(value).__name__}")
    return out


def load(path: Path) -> dict[str, str]:
    """One catalog file, flattened; every text's placeholders must parse."""
    tree = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    if not isinstance(tree, dict):
        raise MessageError(f"{path}: not a mapping of messages")
    flat = flatten(tree)
    for key, text in flat.items():
        try:
            placeholders(text)
        except ValueError as e:
            raise MessageError(f"{path.name}: {key}: {e}") from None
    return flat


def placeholders(text: str) -> set[str]:
    """The `{name}` fields of a text ({{ and }} are literal braces)."""
    return {field.split(".")[0].split("[")[0] for _, field, _, _ in string.Formatter().parse(text) if field}


@cache
def messages(lang: str, folder: Path = MESSAGES) -> dict[str, str]:
    """The flat catalog `namespace.key -> text` of one language."""
    return load(folder / f"{check_language(lang)}.yml")


def missing_keys(folder: Path = MESSAGES) -> dict[str, list[str]]:
    """Per language, the keys another language has and it lacks (empty lists when they agree)."""
    every = set().union(*(messages(lang, folder) for lang in LANGUAGES))
    return {lang: sorted(every - set(messages(lang, folder))) for lang in LANGUAGES}


def placeholder_mismatches(folder: Path = MESSAGES) -> dict[str, dict[str, set[str]]]:
    """Per key both languages have: the placeholders of each language, where they differ."""
    cats = {lang: messages(lang, folder) for lang in LANGUAGES}
    shared = set.intersection(*(set(c) for c in cats.values()))
    out = {}
    for key in sorted(shared):
        fields = {lang: placeholders(cats[lang][key]) for lang in LANGUAGES}
        if len({frozenset(f) for f in fields.values()}) > 1:
            out[key] = fields
    return out


def validate(folder: Path = MESSAGES) -> None:
    """MessageError unless every language has the same keys with the same placeholders."""
    gaps = {lang: keys for lang, keys in missing_keys(folder).items() if keys}
    if gaps:
        raise MessageError("message catalogs disagree: " + "; ".join(
            f"{lang}.yml lacks {', '.join(keys)}" for lang, keys in gaps.items()))
    differ = placeholder_mismatches(folder)
    if differ:
        raise MessageError("placeholders differ: " + "; ".join(
            f"{k} ({', '.join(f'{lang}: {sorted(f)}' for lang, f in v.items())})" for k, v in differ.items()))


def namespace(lang: str, prefix: str, folder: Path = MESSAGES) -> dict[str, str]:
    """The texts under `prefix.` with the prefix taken off (e.g. the report's `report.*`)."""
    cut = prefix.rstrip(".") + "."
    return {k[len(cut):]: v for k, v in messages(lang, folder).items() if k.startswith(cut)}


def t(lang: str | None, key: str, **fields) -> str:
    """The text of `key` in `lang` (None: the current language), its placeholders filled in."""
    lang = current_language() if lang is None else lang
    try:
        text = messages(lang)[key]
    except KeyError:
        raise MessageError(f"message {key!r} missing in {lang}.yml") from None
    return text.format(**fields) if fields else text


def has(key: str, lang: str | None = None) -> bool:
    return key in messages(current_language() if lang is None else lang)


def count(n: int, lang: str | None = None) -> str:
    """A whole number as the language writes it: 1.289 (da), 1,289 (en)."""
    text = f"{n:,}"
    return text.replace(",", ".") if (lang or current_language()) == "da" else text
