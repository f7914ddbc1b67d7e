"""The floor plan holds (README, "How it fits together"): four layers, each importing only from
itself and the layers below it, one folder per domain under assets/ with its Dagster wiring in
`assets.py` alone, and no module longer than the project's limit."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# lowest first: a module may import its own layer and those before it, never one after it
LAYERS = ["schemas", "core", "assets", "pipelines"]
MAX_LINES = 400
SOURCE_DIRS = [*LAYERS, "tools", "tests"]


def _modules(*folders: str) -> list[Path]:
    return sorted(p for f in folders for p in (ROOT / f).rglob("*.py") if "__pycache__" not in p.parts)


def _imported_packages(path: Path) -> set[str]:
    """The top-level package of every absolute import in the module (functions' imports too)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("layer", LAYERS)
def test_no_import_runs_upward(layer: str) -> None:
    above = set(LAYERS[LAYERS.index(layer) + 1:])
    offending = {str(p.relative_to(ROOT)): sorted(_imported_packages(p) & above) for p in _modules(layer)}
    offending = {k: v for k, v in offending.items() if v}
    assert not offending, f"{layer}/ imports from a layer above it ({', '.join(sorted(above))}): {offending}"


def test_the_layer_rule_sees_an_upward_import(tmp_path: Path) -> None:
    """The rule above can fail: an import of pipelines/ inside a function is found."""
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from pipelines.cli import main\n    import core.settings\n")
    assert _imported_packages(module) == {"pipelines", "core"}


def test_no_module_over_the_limit() -> None:
    long = {str(p.relative_to(ROOT)): n for p in _modules(*SOURCE_DIRS)
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, f"modules over {MAX_LINES} lines (split them by concern): {long}"


def _domains() -> list[Path]:
    return sorted(p for p in (ROOT / "assets").iterdir() if p.is_dir() and p.name != "__pycache__")


@pytest.mark.parametrize("domain", [p.name for p in _domains()])
def test_each_domain_has_its_wiring_in_assets_py(domain: str) -> None:
    """A domain's assets are written by hand in its assets.py or declared by its contracts
    (contracts/<table>.yml with build:), never wired anywhere else."""
    folder = ROOT / "assets" / domain
    assert (folder / "__init__.py").is_file()
    assert (folder / "assets.py").is_file() or any((folder / "contracts").glob("*.yml")), \
        f"assets/{domain}: neither assets.py nor contracts/"
    wired_elsewhere = [p.name for p in folder.glob("*.py") if p.name != "assets.py"
                       and any(isinstance(n, ast.Attribute) and n.attr in {"asset", "multi_asset", "asset_check"}
                               and isinstance(n.value, ast.Name) and n.value.id == "dg"
                               for n in ast.walk(ast.parse(p.read_text(encoding="utf-8"))))]
    assert not wired_elsewhere, f"assets/{domain}: Dagster assets defined outside assets.py: {wired_elsewhere}"


def test_every_asset_comes_from_a_domain_folder() -> None:
    """Definitions are assembled by loading the assets package: each asset's function lives in an
    assets/<domain>/ module, or the asset is declared by a contract in assets/<domain>/contracts/
    (made by core/declared.py); none is listed by hand in pipelines/."""
    from core.contracts import load_contracts
    from pipelines.definitions import defs

    declared = {c.name for c in load_contracts().values() if c.build}
    graph = defs.resolve_asset_graph()
    outside = []
    for key in graph.get_all_asset_keys():
        fn = graph.get(key).assets_def.op.compute_fn.decorated_fn
        if not fn.__module__.startswith("assets.") and key.to_user_string() not in declared:
            outside.append(f"{key.to_user_string()} ({fn.__module__})")
    assert not outside, f"assets defined outside assets/<domain>/: {outside}"
