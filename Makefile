# madoguchi: `make run` serves the demo city, `make test` runs every check. Both set themselves up.
SHELL := /bin/bash
PYTHON ?= python3
HOST ?= 127.0.0.1
PORT ?= 8000

# uv from PATH, else installed once into .tools/ with pip (only Python is needed on a fresh machine).
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
VENV := .venv
BIN := $(VENV)/bin
MADOGUCHI := $(BIN)/madoguchi

.PHONY: run test lint typecheck pytest setup messages vendor clean help

help:
	@echo "make run    - set up, migrate, load the demo city and serve on http://$(HOST):$(PORT)/"
	@echo "make test   - set up, then ruff, mypy and the whole pytest suite"

.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet uv

$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --python $(PYTHON)
	@touch $@

setup: $(VENV)/.synced

run: setup
	$(MADOGUCHI) migrate --noinput
	$(MADOGUCHI) demo --history 3
	MADOGUCHI_LOG_FORMAT=$${MADOGUCHI_LOG_FORMAT:-text} $(MADOGUCHI) serve --host $(HOST) --port $(PORT)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: setup
	$(BIN)/mypy madoguchi

pytest: setup
	$(BIN)/python -m tests.run_suites

test: lint typecheck pytest

# Development only (needs GNU gettext): extract and compile the translation catalogues; commit both.
messages: setup
	cd madoguchi && ../$(MADOGUCHI) makemessages --locale en --no-obsolete --no-location
	cd madoguchi && ../$(MADOGUCHI) makemessages --locale ja_Easy --no-obsolete
	cd madoguchi && ../$(MADOGUCHI) compilemessages --locale en --locale ja_Easy

# Development only (needs npm): refresh the vendored front-end assets; see madoguchi/ui/static/madoguchi/vendor/README.md
vendor:
	bash scripts/vendor-assets.sh

clean:
	rm -rf $(VENV) .tools .pytest_cache .mypy_cache .ruff_cache
