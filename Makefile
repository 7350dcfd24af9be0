# creatorbot — the two quick-start commands are `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: demo test lint bench shell clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP) $@

demo: $(STAMP)  ## build the demo database and show what the bot would post this morning
	$(BIN)/creatorbot demo

test: $(DEV_STAMP)  ## run every test (storage tests on SQLite and PostgreSQL)
	$(BIN)/python -m pytest

lint: $(DEV_STAMP)  ## ruff and mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

shell: $(STAMP)  ## the interactive console bot
	$(BIN)/creatorbot shell

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
