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

install: $(STAMP) $(COMPILED)
	@:

# pip's build chatter goes to a log that is shown only when the install fails.
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install -q --disable-pip-version-check -e '.[dev]' \
		>$(VENV)/install.log 2>&1 || { cat $(VENV)/install.log; exit 1; }
	@touch $(STAMP)

%.mo: %.po $(STAMP)
	@$(BIN)/pybabel -q compile -i $< -o $@

translations: $(COMPILED)

run: install
	@$(FLASK) db upgrade 2>&1 | grep -v '^INFO' || true
	@$(FLASK) seed-demo --if-empty
	@echo "inspect_app: http://127.0.0.1:$(PORT)/"
	@# The job worker runs beside gunicorn; Ctrl-C (or gunicorn ending) stops both.
	@$(FLASK) worker & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/gunicorn --workers 2 --bind 127.0.0.1:$(PORT) --access-logfile - wsgi:app

lint: install
	@$(BIN)/ruff check --quiet .

test: lint
	@$(BIN)/pytest -q -p no:cacheprovider

extract-messages: install
	@$(BIN)/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext --ignore-dirs '.*' --no-location --sort-output -o inspect_app/translations/messages.pot .
	@$(BIN)/pybabel -q update --no-fuzzy-matching -i inspect_app/translations/messages.pot -d inspect_app/translations

clean:
	rm -rf $(VENV) instance .pytest_cache
