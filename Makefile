# inspect_app: `make run` serves the demo, `make test` runs lint and the whole suite.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
FLASK := $(BIN)/flask --app wsgi
PORT ?= 5000
CATALOGS := $(wildcard inspect_app/translations/*/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGS:.po=.mo)

.PHONY: install run test lint translations extract-messages clean

AXE := node_modules/axe-core/axe.min.js

install: $(STAMP) $(COMPILED) $(AXE)
	@:

# axe-core for the browser tests' accessibility check, pinned by package-lock.json.
$(AXE): package.json package-lock.json
	@npm ci --silent --no-audit --no-fund
	@touch $@

# pip's build chatter goes to a log that is shown only when the install fails.
$(STAMP): pyproject.toml
	@echo "inspect_app: installing the Python packages into $(VENV) (about a minute the first time)"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install -q --disable-pip-version-check -e '.[dev]' \
		>$(VENV)/install.log 2>&1 || { cat $(VENV)/install.log; exit 1; }
	@touch $(STAMP)

%.mo: %.po $(STAMP)
	@echo "inspect_app: compiling the $(word 3,$(subst /, ,$<)) translations"
	@$(BIN)/pybabel -q compile -i $< -o $@

translations: $(COMPILED)

DEMO_LOGINS := admin, inspector, inspector2, agency, viewer

# One line per step; a step's own output goes to a log that is shown only when it fails.
run: install
	@echo "inspect_app: migrating the database"
	@$(FLASK) db upgrade >$(VENV)/migrate.log 2>&1 || { cat $(VENV)/migrate.log; exit 1; }
	@echo "inspect_app: loading the demo data when the database is empty"
	@$(FLASK) seed-demo --if-empty >$(VENV)/seed.log 2>&1 || { cat $(VENV)/seed.log; exit 1; }
	@echo "inspect_app: starting the job worker (imports, exports, reminders)"
	@echo "inspect_app: serving http://127.0.0.1:$(PORT)/ (Ctrl+C stops it and the worker)"
	@echo "inspect_app: demo logins $(DEMO_LOGINS); password $${DEMO_PASSWORD:-inspect-demo} (the one set when the demo was loaded)"
	@# The job worker runs beside gunicorn; Ctrl-C (or gunicorn ending) stops both.
	@$(FLASK) worker >$(VENV)/worker.log 2>&1 & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/gunicorn --workers 2 --bind 127.0.0.1:$(PORT) --log-level warning \
		$$($(BIN)/gunicorn --help | grep -q -- --no-control-socket && echo --no-control-socket) wsgi:app

lint: install
	@$(BIN)/ruff check --quiet .

# Two workers (pytest-xdist) by default, one per core of a CI machine; TEST_WORKERS=0 runs
# everything in one process. The tests' databases, uploads and browser profiles live in a
# fresh folder in memory (/dev/shm) when the machine has one, removed afterwards.
TEST_WORKERS ?= 2
TEST_TMPDIR ?= $(shell test -d /dev/shm -a -w /dev/shm && echo /dev/shm || echo $${TMPDIR:-/tmp})

test: lint
	@base=$$(mktemp -d "$(TEST_TMPDIR)/inspect_app-tests.XXXXXX"); \
	trap 'rm -rf "$$base"' EXIT; \
	$(BIN)/pytest -q -p no:cacheprovider -n $(TEST_WORKERS) --durations=15 --basetemp="$$base/pytest"

extract-messages: install
	@$(BIN)/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext --ignore-dirs '.*' --no-location --sort-output -o inspect_app/translations/messages.pot .
	@$(BIN)/pybabel -q update --no-fuzzy-matching -i inspect_app/translations/messages.pot -d inspect_app/translations

clean:
	rm -rf $(VENV) instance .pytest_cache node_modules
