# creatorbot — the two quick-start commands are `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: demo test lint bench eval shell clean i18n

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

bench: $(DEV_STAMP)  ## benchmarks and load scripts (loopback only); they print their figures
	$(BIN)/python -m bench.slack_ack
	$(BIN)/python -m bench.commands
	$(BIN)/python -m bench.sync
	$(BIN)/python -m bench.anomalies
	$(BIN)/python -m bench.recap
	$(BIN)/python -m bench.imports
	$(BIN)/python -m bench.load
	$(BIN)/python -m bench.hostile

eval: $(DEV_STAMP)  ## anomaly detection quality (precision, recall, beside the naive rule) and speed
	$(BIN)/python -m bench.anomalies

shell: $(STAMP)  ## the interactive console bot
	$(BIN)/creatorbot shell

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache

i18n: $(DEV_STAMP)  ## extract catalog messages and merge them into the it/ms catalogs
	$(BIN)/pybabel extract --no-location --sort-output -k N_ -k n_:1,2 -k _ \
	  -o creatorbot/commands/locales/creatorbot.pot creatorbot 2>/dev/null
	for lang in it ms; do \
	  test -f creatorbot/commands/locales/$$lang/LC_MESSAGES/creatorbot.po || \
	    $(BIN)/pybabel init -D creatorbot -l $$lang -i creatorbot/commands/locales/creatorbot.pot -d creatorbot/commands/locales; \
	  $(BIN)/pybabel update -D creatorbot --no-fuzzy-matching --ignore-obsolete -i creatorbot/commands/locales/creatorbot.pot -d creatorbot/commands/locales -l $$lang; \
	done
