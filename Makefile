# Two commands on a fresh machine with Python 3.11+, git and make:  make demo  ·  make test
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_DB ?= infoscope.db
export INFOSCOPE_DB ?= $(DEMO_DB)

.PHONY: demo test lint bench clean venv chromium

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall when the package's requirements change.
$(VENV)/.stamp-run: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.stamp-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@ $(VENV)/.stamp-run

venv: $(VENV)/.stamp-run

demo: $(VENV)/.stamp-run
	$(BIN)/infoscope db upgrade
	$(BIN)/infoscope ingest examples/demo/articles examples/demo/html examples/demo/feed.xml \
		--sources examples/demo/sources.toml
	$(BIN)/infoscope analyze
	$(BIN)/infoscope import-events examples/demo/events.csv
	$(BIN)/infoscope link
	$(BIN)/infoscope report --html report
	$(BIN)/infoscope stats

# The browser tests drive Debian's chromium (Playwright's own browser download cannot work here).
# Installed when missing and running as root; otherwise they skip with the reason (CI: fail).
chromium:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } \
		|| echo "chromium not installed: the browser tests will skip"; }

test: $(VENV)/.stamp-test chromium
	$(BIN)/python -m pytest -q

lint: $(VENV)/.stamp-test
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

bench: $(VENV)/.stamp-test
	$(BIN)/python bench/ingest.py

clean:
	rm -rf $(VENV) report build *.egg-info src/*.egg-info
