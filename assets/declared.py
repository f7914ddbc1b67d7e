"""Every asset declared by a contract: one per contract with `build:` in assets/<domain>/contracts/,
made by core/declared.py (key = the table, group = its domain folder unless the contract says
otherwise). They are made here, in one place, after every domain's hand-written assets are
imported, so a contract's `deps:` may name (or match with a pattern) any of them."""

import importlib
import importlib.util
import pkgutil

import dagster as dg

from core.declared import contract_assets


def _hand_written_keys() -> list[dg.AssetKey]:
    """The keys of the assets each domain's assets.py defines by hand."""
    package = importlib.import_module(__package__)
    names = [f"{__package__}.{m.name}.assets" for m in pkgutil.iter_modules(package.__path__) if m.ispkg]
    modules = [importlib.import_module(n) for n in names if importlib.util.find_spec(n)]
    return [key for a in dg.load_assets_from_modules(modules) for key in a.keys]


declared_assets = contract_assets(upstream=_hand_written_keys())
