# Two commands do all set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# Test-only JavaScript (axe-core for the accessibility checks in tests/e2e), from package-lock.json; never served.
NODE_STAMP := node_modules/.package-lock.json

.PHONY: install install-test run test test-all bench lint format migrate

install: $(STAMP)

install-test: install $(NODE_STAMP)

# torch first (the CPU build that pip takes from this machine's disk or index), so no dependency pulls CUDA.
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $(NODE_STAMP)

migrate: install
	$(PY) manage.py migrate --noinput

run: migrate
	$(PY) manage.py ensureadmin
	$(PY) manage.py runstudio

test: install-test
	$(PY) -m pytest -m "not slow" -q

test-all: install-test
	$(PY) -m pytest -q

bench: install
	$(PY) bench/import_export.py

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .
