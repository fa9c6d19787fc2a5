# Every target installs what it needs into .venv first; nothing is expected on the machine but python3.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
GENERATED := generated/.thymia_client.manifest.json
INPUTS := $(shell find spec templates generator -type f -not -name '*.pyc' 2>/dev/null) pyproject.toml

.PHONY: all generate test lint snapshots check watch corpus corpus-all bench clean

all: generate

$(STAMP): requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	touch $@

# The manifest stands for the whole generated tree: an unchanged spec, template or generator does nothing.
$(GENERATED): $(STAMP) $(INPUTS)
	$(PY) -m generator generate
	touch $@

generate: $(GENERATED)

# Two workers, one per core. The largest corpus specs and the exhaustive slow cases run in `make corpus`.
test: $(STAMP)
	$(PY) -m pytest -m "not slow" -n 2

lint: $(STAMP)
	$(PY) -m ruff check generator tests
	$(PY) -m ruff format --check generator tests
	$(PY) -m black --check --quiet --line-length 100 --target-version py310 generator/runtime
	$(PY) -m mypy --strict generator
	cd generated && ../$(PY) -m mypy --strict thymia_client

snapshots: $(STAMP)
	$(PY) -m tests.snapshots

# Every corpus spec generated into a temporary folder, compiled, imported, its examples round-tripped and
# `mypy --strict` run on it; a table at the end. Then the tests marked slow (big pages, big specs).
corpus: $(STAMP)
	$(PY) -m tests.corpus
	$(PY) -m pytest -m slow -n 2 || test $$? -eq 5  # 5: nothing to run, as without ../shared/corpus

corpus-all: $(STAMP)
	$(PY) -m tests.corpus --all

check: $(STAMP)
	$(PY) -m generator check

# Regenerates generated/ on every change to spec/, templates/ or pyproject.toml; Ctrl-C stops it.
watch: $(STAMP)
	$(PY) -m generator watch

# The peers live in their own venv, pinned in bench/requirements-peers.txt, so they cannot move this project's pins.
# BENCH_ARGS passes options through, e.g. `make bench BENCH_ARGS=--quick` or `BENCH_ARGS="--repeat 5"`.
PEERS_VENV := bench/.venv-peers
PEERS_STAMP := $(PEERS_VENV)/.installed

$(PEERS_STAMP): bench/requirements-peers.txt
	$(PYTHON) -m venv $(PEERS_VENV)
	$(PEERS_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r bench/requirements-peers.txt
	touch $@

bench: $(STAMP) $(PEERS_STAMP)
	$(PY) bench/run.py $(BENCH_ARGS)
	$(PY) bench/recovery.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
