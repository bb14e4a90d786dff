# Herald: `make run` for the quick start (web server and worker), `make test` for the whole suite.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
CHROMIUM ?= /usr/bin/chromium
export HERALD_ENV ?= development

.PHONY: install install-dev translations run test lint i18n bench clean lock browser

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Installs come from the hashed locks (the whole tree); requirements*.txt are their input.
$(VENV)/.runtime: requirements.lock | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	touch $@

$(VENV)/.dev: requirements.lock requirements-dev.lock | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements-dev.lock
	touch $(VENV)/.runtime $@

install: $(VENV)/.runtime
install-dev: $(VENV)/.dev

# After changing requirements*.txt: recompile the locks with pip-tools. Existing pins are
# kept; `make lock LOCK_ARGS=--upgrade` moves every package to the newest allowed version.
PIP_COMPILE = CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile --quiet --generate-hashes \
	--allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links $(LOCK_ARGS)
lock: install-dev
	$(PIP_COMPILE) --output-file=requirements.lock requirements.txt
	$(PIP_COMPILE) --output-file=requirements-dev.lock requirements-dev.txt

# Browser tests drive Debian's Chromium (Playwright's own browser download needs the internet):
# installed when missing and this user may (root or passwordless sudo), else make stops at
# once with the command that installs it (tools/ensure_browser.sh).
browser:
	@CHROMIUM=$(CHROMIUM) bash tools/ensure_browser.sh

# Compiled catalogs are build output (.mo files are not committed).
translations: $(VENV)/.runtime
	$(BIN)/pybabel --quiet compile -d translations

# The web server and the delivery worker together; Ctrl-C stops both (tools/run_web_and_worker.py).
# The launcher prints "Herald is running at …" once the web server answers.
run: install translations
	$(BIN)/flask --app app db upgrade
	$(BIN)/flask --app app admin ensure
	$(BIN)/python tools/run_web_and_worker.py $(HOST) $(PORT)

# The browser first: a machine that cannot get one stops before minutes of installing.
test: browser install-dev translations
	$(BIN)/pytest

lint: install-dev
	$(BIN)/ruff check .

# Re-extract messages after adding or changing text (UI, error catalog, default templates),
# then translate the new entries in translations/*/LC_MESSAGES/messages.po (en fills itself).
# N_ / NP_ (core/translation.py) mark text translated later in a chosen language.
i18n: install-dev
	$(BIN)/pybabel --quiet extract -F babel.cfg -k _l -k lazy_gettext -k NP_:1c,2 --no-location \
		--ignore-dirs='.venv tests bench node_modules' -o translations/messages.pot .
	$(BIN)/pybabel --quiet update -i translations/messages.pot -d translations --no-fuzzy-matching \
		--width 100
	$(BIN)/python tools/fill_en_catalog.py translations/en/LC_MESSAGES/messages.po

bench: install-dev
	$(BIN)/python tools/run_benchmarks.py

clean:
	rm -rf $(VENV) instance/cache
