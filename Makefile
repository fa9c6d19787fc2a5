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

test: $(STAMP)
	$(PY) -m pytest

lint: $(STAMP)
	$(PY) -m ruff check generator tests
	$(PY) -m ruff format --check generator tests
	$(PY) -m mypy --strict generator
	cd generated && ../$(PY) -m mypy --strict thymia_client

snapshots: $(STAMP)
	$(PY) -m tests.snapshots

check: $(STAMP)
	$(PY) -m generator check

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
