# Herald: `make run` for the quick start, `make test` for the whole suite.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
export HERALD_ENV ?= development

.PHONY: install install-dev translations run test lint i18n bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.runtime $@

install: $(VENV)/.runtime
install-dev: $(VENV)/.dev

# Compiled catalogs are build output (.mo files are not committed).
translations: $(VENV)/.runtime
	$(BIN)/pybabel --quiet compile -d translations

run: install translations
	$(BIN)/flask --app app db upgrade
	$(BIN)/flask --app app admin ensure
	@echo "Herald is running at http://$(HOST):$(PORT)/admin/login"
	$(BIN)/flask --app app run --host $(HOST) --port $(PORT)

test: install-dev translations
	$(BIN)/pytest

lint: install-dev
	$(BIN)/ruff check .

# Re-extract messages after adding or changing UI text, then translate translations/*/messages.po.
i18n: install-dev
	$(BIN)/pybabel --quiet extract -F babel.cfg -k _l -k lazy_gettext --no-location \
		--ignore-dirs='.venv tests bench node_modules' -o translations/messages.pot .
	$(BIN)/pybabel --quiet update -i translations/messages.pot -d translations --no-fuzzy-matching
	$(BIN)/python tools/fill_en_catalog.py translations/en/LC_MESSAGES/messages.po
	$(BIN)/python tools/translate.py

bench: install-dev
	$(BIN)/python tools/run_benchmarks.py

clean:
	rm -rf $(VENV) instance/cache
