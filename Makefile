# Two entry points for a fresh machine: `make demo` and `make test`.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
NPM ?= npm
# npm ci writes this file; it is newer than the lock file once node_modules/ matches it.
NODE_STAMP := node_modules/.package-lock.json

# scripts.vendor_assets writes this file once it has copied the served assets into web/static/vendor/.
VENDOR_STAMP := node_modules/.vendored

.PHONY: install assets system-deps demo test test-sqlite test-postgresql bench bench-check lint wheel wheel-check

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

# The files the web app serves, copied into the web package (web/static/vendor/) so that the wheel carries them.
$(VENDOR_STAMP): $(NODE_STAMP) scripts/vendor_assets.py web/assets.py | install
	$(BIN)/python -m scripts.vendor_assets
	touch $@

assets: $(VENDOR_STAMP)

# chromium, nodejs, npm and postgresql from Debian, when missing (uses sudo unless root).
system-deps:
	./scripts/system-deps

demo: install assets
	REINTEGRATE_ENV=dev $(BIN)/reintegrate demo

# The suite on SQLite and on PostgreSQL, the two passes side by side (each is one Python process
# that waits on its database, Chromium or subprocesses much of the time, so two share two cores
# well). Each pass prints a line per test file as it finishes it, with the count of tests run so far,
# every line prefixed with its pass ([sqlite] or [postgresql]) so that the two can be told apart and
# grepped; a failure in either fails `make test` (pipefail). Tests that run the same on either
# database run once: the browser tests in the SQLite pass, the tests that use no database in the
# PostgreSQL pass (so that the two passes take about as long). The benchmarks' own tests (marker
# `bench`: they start gunicorn, PostgreSQL and the scheduler) run in `make bench-check`, not here.
test: system-deps install assets
	$(BIN)/ruff check .
	$(MAKE) --no-print-directory -j2 test-sqlite test-postgresql

# pytest's -q (pyproject.toml) cancelled by -v: one line per test file; unbuffered, so each line shows as it ends;
# the 15 slowest tests listed at the end, to see what to balance between the passes.
PYTEST_PASS := PYTHONUNBUFFERED=1 $(BIN)/python -m pytest -v -o console_output_style=count -rsx --durations=15 -m "not bench" \
  -p no:cacheprovider --browser-tests-in=sqlite --database-free-tests-in=postgresql
test-sqlite test-postgresql: SHELL := /bin/bash
test-sqlite test-postgresql: .SHELLFLAGS := -o pipefail -c

test-sqlite: install assets
	@echo "[sqlite] == the suite on SQLite =="
	$(PYTEST_PASS) 2>&1 | sed -u 's/^/[sqlite] /'

test-postgresql: install assets
	@echo "[postgresql] == the suite on PostgreSQL =="
	$(PYTEST_PASS) --db=postgresql 2>&1 | sed -u 's/^/[postgresql] /'

# The HTTP-load and memory benchmarks at tiny sizes, as tests: their tools and reports still work.
bench-check: system-deps install assets
	$(BIN)/python -m pytest -rsx -m bench

# The installable package: dist/reintegrate-*.whl, with migrations, processes and browser assets inside.
wheel: install assets
	rm -rf build dist
	$(BIN)/pip wheel --quiet --no-deps -w dist .
	rm -rf build

# The wheel installed in a fresh virtual environment outside the source tree and run as the README's
# production section says, on SQLite and on a throwaway PostgreSQL cluster.
wheel-check: system-deps install assets
	$(BIN)/python -m scripts.wheel_check

bench: system-deps install
	$(BIN)/python -m bench.run

lint: install
	$(BIN)/ruff check .
