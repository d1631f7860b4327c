# opexflow — the single entry point. `make demo` and `make test` work on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev
DATA ?= opexflow-data
DEMO_EVENTS ?= 20000

.PHONY: install check test bench bench-web demo demo-data clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

LINTED := src tests $(wildcard benchmarks)

check: $(STAMP)
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)
	$(BIN)/mypy

test: check
	$(BIN)/pytest -q

demo: $(STAMP)
	$(BIN)/opexflow demo --events $(DEMO_EVENTS) --data-dir $(DATA)

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

bench-web: $(STAMP)
	$(BIN)/python benchmarks/web_latency.py
	$(BIN)/python benchmarks/web_latency.py --database postgresql://postgres@127.0.0.1:5432/test

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
