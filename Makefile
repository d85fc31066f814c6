# Two commands do all set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# Test-only JavaScript (axe-core for the accessibility checks in tests/e2e, Azure's JavaScript client for tests/js),
# from package-lock.json; never served.
NODE_STAMP := node_modules/.package-lock.json

.PHONY: install install-test install-scale run test test-all test-scale bench lint format migrate

install: $(STAMP)

install-test: install $(NODE_STAMP)

# torch first (the CPU build that pip takes from this machine's disk or index), so no dependency pulls CUDA.
$(STAMP): pyproject.toml Makefile
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[dev]'
	# Azure's authoring client for tests/modeling/test_authoring_sdk.py. It declares azure-ai-textanalytics>=6.0.0b1,
	# which would replace the 5.x runtime client the other SDK tests drive, but imports nothing of it: so it goes in
	# without dependencies (its own, azure-core>=1.35 and isodate, come with the dev extra).
	$(PY) -m pip install -q --no-deps azure-ai-textanalytics-authoring==1.0.0b1
	touch $(STAMP)

# PostgreSQL's and Redis's Python clients (the `scale` extra), for `make test-scale`.
SCALE_STAMP := $(VENV)/.installed-scale
install-scale: install $(SCALE_STAMP)

$(SCALE_STAMP): pyproject.toml
	$(PY) -m pip install -q -e '.[dev,scale]'
	touch $(SCALE_STAMP)

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

# The fast suite and the scale-out end-to-end tests on a throwaway PostgreSQL and Redis (README, "Scaling out").
test-scale: install-test install-scale
	.ci/scale

bench: install
	$(PY) bench/import_export.py

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .
