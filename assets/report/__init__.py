"""The published report (group `publication`): the barometer as people read it, built from the
published marts only. `data` reads barometer.duckdb, `text` the message catalogs and number
formats, `charts` the inline SVG charts and district maps, `pages` the templates, `build` the
atomic swap; `assets.py` the Dagster wiring."""
