"""Official district boundaries for the maps, when the data team has placed them
(catalog/district_map.yaml names the GeoJSON file and the property that names each district);
without the file the maps use the schematic tiles."""

from __future__ import annotations

import json
import math
from pathlib import Path

import yaml

CONFIG = "district_map.yaml"
MATCHES = ("number", "code", "name")


class MapError(ValueError):
    """A district GeoJSON or its configuration the report cannot use."""


def load_config(catalog_dir: Path) -> dict:
    path = catalog_dir / CONFIG
    if not path.is_file():
        return {}
    config = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if config.get("match", "number") not in MATCHES:
        raise MapError(f"{path}: match must be one of {', '.join(MATCHES)}, not {config.get('match')!r}")
    return config


def _rings(geometry: dict) -> list[list[list[float]]]:
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"][0]]
    if geometry["type"] == "MultiPolygon":
        return [polygon[0] for polygon in geometry["coordinates"]]
    raise MapError(f"a district's geometry must be a Polygon or MultiPolygon, not {geometry['type']}")


def load_shapes(catalog_dir: Path, districts: list[dict]) -> dict[str, list[list[tuple[float, float]]]] | None:
    """district code -> outer rings in a flat projection (longitude scaled by cos(latitude)), or
    None when no GeoJSON is placed. Every district must be found exactly once."""
    config = load_config(catalog_dir)
    if not config.get("geojson"):
        return None
    path = catalog_dir / config["geojson"]
    if not path.is_file():
        return None
    prop, match = config.get("property", "bydel_nr"), config.get("match", "number")
    key = {"number": "number", "code": "code", "name": "name"}[match]
    by_key = {str(d[key]).strip().casefold(): d["code"] for d in districts}
    features = json.loads(path.read_text(encoding="utf-8")).get("features", [])
    shapes: dict[str, list] = {}
    lats = [pt[1] for f in features for ring in _rings(f["geometry"]) for pt in ring]
    if not lats:
        raise MapError(f"{path}: no district features")
    scale = math.cos(math.radians(sum(lats) / len(lats)))
    for f in features:
        value = (f.get("properties") or {}).get(prop)
        if value is None:
            raise MapError(f"{path}: a feature has no property {prop!r} (catalog/{CONFIG}: property)")
        code = by_key.get(str(value).strip().casefold())
        if code is None:
            raise MapError(f"{path}: {prop} = {value!r} names no district (match: {match})")
        shapes.setdefault(code, []).extend([[(x * scale, y) for x, y, *_ in ring] for ring in _rings(f["geometry"])])
    if missing := sorted(set(by_key.values()) - set(shapes)):
        raise MapError(f"{path}: no feature for the districts {', '.join(missing)}")
    return shapes
