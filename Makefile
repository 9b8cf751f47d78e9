# Two entry points for a fresh machine: `make demo` and `make test`.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
NPM ?= npm
# npm ci writes this file; it is newer than the lock file once node_modules/ matches it.
NODE_STAMP := node_modules/.package-lock.json

.PHONY: install assets system-deps demo test bench lint

$(BIN)/reintegrate: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(BIN)/reintegrate

# Browser assets, exactly as package-lock.json pins them: govuk-frontend (the web app's styles and
# scripts), bpmn-js (the case diagram, and the browser tests), axe-core (the accessibility tests),
# bpmn-js-properties-panel + camunda-bpmn-moddle (the modeller: prebuilt dist files, no bundler step).
$(NODE_STAMP): package.json package-lock.json | system-deps
	$(NPM) ci --no-audit --no-fund
	touch $@

assets: $(NODE_STAMP)

# chromium, nodejs, npm and postgresql from Debian, when missing (uses sudo unless root).
system-deps:
	./scripts/system-deps

demo: install assets
	REINTEGRATE_ENV=dev $(BIN)/reintegrate demo

test: system-deps install assets
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -rsx
	$(BIN)/python -m pytest -rsx --db=postgresql --ignore=tests/browser

bench: system-deps install
	$(BIN)/python -m bench.run

lint: install
	$(BIN)/ruff check .
