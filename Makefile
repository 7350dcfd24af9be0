# creatorbot — the two quick-start commands are `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
# The exact versions (with their hashes) every install uses: requirements.lock is the image's
# (creatorbot[all]), requirements-dev.lock adds the tests' and linters'. `make lock` refreshes
# both from pyproject.toml's ranges with pip-tools, kept in a venv of its own.
LOCK     := requirements.lock
DEV_LOCK := requirements-dev.lock
LOCK_VENV := .venv-lock
PIP_TOOLS := pip-tools>=7.4,<8
COMPILE  := $(LOCK_VENV)/bin/pip-compile --quiet --generate-hashes --strip-extras \
            --unsafe-package creatorbot --no-emit-index-url
# pip-compile notes that creatorbot itself (the extras' self-reference) is unpinned: it is
# installed from the working tree after the lock, so the note is dropped.
UNPINNED_NOTE := /^\# WARNING: The following packages were not pinned/,$$d

.PHONY: demo test lint bench eval mutate shell clean i18n docs-check lock lock-check

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml $(LOCK) | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

$(DEV_STAMP): pyproject.toml $(DEV_LOCK) | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r $(DEV_LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
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
	$(BIN)/python -m bench.startup
	$(BIN)/python -m bench.slack_ack
	$(BIN)/python -m bench.commands
	$(BIN)/python -m bench.sync
	$(BIN)/python -m bench.anomalies
	$(BIN)/python -m bench.recap
	$(BIN)/python -m bench.imports
	$(BIN)/python -m bench.load
	$(BIN)/python -m bench.hostile
	$(BIN)/python -m bench.form_links

eval: $(DEV_STAMP)  ## anomaly detection quality (precision, recall, beside the naive rule) and speed
	$(BIN)/python -m bench.anomalies

mutate: $(DEV_STAMP)  ## mutation testing of the security and money modules (slow: before a release)
	$(BIN)/mutmut run
	$(BIN)/python -m mutation.report

docs-check: $(STAMP)  ## broken links, anchors and unknown commands in README.md and docs/
	$(BIN)/python -m doccheck

shell: $(STAMP)  ## the interactive console bot
	$(BIN)/creatorbot shell

lock:  ## pin every dependency (with hashes) within pyproject.toml's ranges, for Python 3.11 on Linux
	test -x $(LOCK_VENV)/bin/pip-compile || \
	  { $(PYTHON) -m venv $(LOCK_VENV) && $(LOCK_VENV)/bin/pip install --quiet '$(PIP_TOOLS)'; }
	$(COMPILE) --upgrade --extra all -o $(LOCK) pyproject.toml
	$(COMPILE) --upgrade --extra dev -o $(DEV_LOCK) pyproject.toml
	sed -i '$(UNPINNED_NOTE)' $(LOCK) $(DEV_LOCK)

lock-check:  ## a fresh clone installs from the lock offline, from a wheel cache downloaded once
	.ci/lock-check

clean:
	rm -rf $(VENV) $(LOCK_VENV) data mutants .pytest_cache .mypy_cache .ruff_cache

i18n: $(DEV_STAMP)  ## extract catalog messages and merge them into the it/ms catalogs
	$(BIN)/pybabel extract --no-location --sort-output -k N_ -k n_:1,2 -k _ \
	  -o creatorbot/commands/locales/creatorbot.pot creatorbot 2>/dev/null
	for lang in it ms; do \
	  test -f creatorbot/commands/locales/$$lang/LC_MESSAGES/creatorbot.po || \
	    $(BIN)/pybabel init -D creatorbot -l $$lang -i creatorbot/commands/locales/creatorbot.pot -d creatorbot/commands/locales; \
	  $(BIN)/pybabel update -D creatorbot --no-fuzzy-matching --ignore-obsolete -i creatorbot/commands/locales/creatorbot.pot -d creatorbot/commands/locales -l $$lang; \
	done
