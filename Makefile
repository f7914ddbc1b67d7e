# Two commands: `make run` (set up + run the main job on raw/) and `make test` (set up + tests).
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The project-local Dagster home: run history and event logs (SQLite) live here, never in git.
export DAGSTER_HOME ?= $(CURDIR)/.dagster_home

.PHONY: setup instance run test lint update-snapshot dev daemon webserver bench validate templates screenshots pdf clean distclean

# The deployment profile (docs/deployment.md): local (SQLite in the Dagster home) or production
# (Postgres, queued runs, automation on by default; needs BAROMETER_POSTGRES_URL).
export BAROMETER_PROFILE ?= local
INSTANCE_YAML := $(if $(filter production,$(BAROMETER_PROFILE)),deploy/dagster.production.yaml,dagster.yaml)

setup: $(STAMP) instance

# The Dagster home must exist before any `dagster` command (the UI, `dagster definitions validate`),
# holding the instance file of the profile in force.
instance:
	@mkdir -p $(DAGSTER_HOME)
	@cmp -s $(INSTANCE_YAML) $(DAGSTER_HOME)/dagster.yaml || cp $(INSTANCE_YAML) $(DAGSTER_HOME)/dagster.yaml

# Re-install whenever the dependency pins change; constraints.txt pins every package exactly.
$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test]' 2>&1 \
		| { grep -v "is ignored: it is neither a file nor a directory" || true; }
	@touch $(STAMP)

run: setup
	$(BIN)/barometer run

test: setup
	$(BIN)/python -m pytest -q

# ruff, configured in pyproject.toml ([tool.ruff]); the version is pinned in constraints.txt.
lint: setup
	$(BIN)/ruff check .

# Rewrite tests/snapshots/asset_graph.txt after an intended change to the asset graph; review the diff.
update-snapshot: setup
	UPDATE_SNAPSHOT=1 $(BIN)/python -m pytest -q tests/test_graph_snapshot.py

dev: setup
	$(BIN)/barometer dev

# The two services of a deployment, in the foreground (deploy/*.service run the same commands).
daemon: setup
	$(BIN)/barometer daemon

webserver: setup
	$(BIN)/barometer webserver

validate: setup
	$(BIN)/barometer validate

# 1280 px and 375 px screenshots of the report (front page, EMP-M, its map, the SOF briefing) in
# warehouse/report-screenshots/ (git-ignored); needs a headless Chromium (apt-get install chromium).
screenshots: setup
	$(BIN)/python tools/report_browser.py

# The front page and every committee briefing (both languages) as A4 PDF in warehouse/report-pdf/
# (git-ignored), printed by the same headless Chromium.
pdf: setup
	$(BIN)/python tools/report_browser.py --pdf

# The job stage by stage against DuckDB's floors (tools/bench.py), then a round launched by the
# daemon on the production profile against the same round run by hand (tools/bench_daemon.py).
bench: setup
	$(BIN)/python tools/bench.py
	$(BIN)/python tools/bench_daemon.py

# Derived outputs only. warehouse/archive/ (every file received, the publication history) is
# durable: no target removes it (docs/operations.md, "Durable and derived").
clean:
	rm -rf warehouse/barometer.duckdb warehouse/.barometer.duckdb.* warehouse/.marts.*.link warehouse/marts warehouse/marts_versions warehouse/internal warehouse/reports warehouse/report warehouse/report_versions warehouse/.report.*.link warehouse/report-screenshots warehouse/report-pdf .dagster_home

distclean: clean
	rm -rf $(VENV) *.egg-info
