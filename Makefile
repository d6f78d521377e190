# Every target installs what it needs into .venv first, so a fresh machine
# with only Python 3.11 and pip is enough.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
OUT ?= demo_output

.PHONY: demo test lint docs test-install test-all test-r test-browser bench fixtures-r r-deps chromium clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# The editable install imports src/ itself; its modules are byte-compiled once
# here, because with PYTHONDONTWRITEBYTECODE set (common in containers and CI)
# Python would otherwise compile them again on every command (~0.5 s per report).
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test,dev,docs]'
	$(BIN)/python -m compileall -q src
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/sarcostat demo -o $(OUT)
	@echo "sarcostat is in $(BIN); to type just 'sarcostat': source $(BIN)/activate (fish: activate.fish)"

test: $(STAMP)
	$(BIN)/python -m pytest -q

# Lint, format check, layer contracts and types (the same pinned tools pre-commit
# runs; configured in pyproject.toml).
lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/lint-imports
	$(BIN)/mypy

# Documentation site into site/ (mkdocs, material theme; offline, --strict),
# then check the built pages load nothing from the network.
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict
	SARCOSTAT_DOCS_BUILT=1 $(BIN)/python -m pytest -q -m slow tests/docs/test_docs_site.py

# Build the sdist and wheel (twine check), install the wheel into a fresh
# virtual environment and run the demo and the tutorial from outside the tree.
test-install: $(STAMP)
	$(BIN)/python -m pytest -q -m slow tests/docs/test_install.py

# Everything, including slow and optional suites (skips what the machine lacks).
test-all: $(STAMP)
	$(BIN)/python -m pytest -q -m ''

# With R (`make r-deps`): rerun every R reference script and fail when a
# committed fixture drifted (test-r), or also overwrite the drifted fixtures
# with the regenerated ones, to review and commit (fixtures-r).
test-r: $(STAMP)
	$(BIN)/python -m pytest -q -m rcheck

fixtures-r: $(STAMP)
	SARCOSTAT_UPDATE_R_FIXTURES=1 $(BIN)/python -m pytest -q -m rcheck tests/test_r_fixtures.py

r-deps:
	apt-get update && apt-get install -y r-base-core r-cran-emmeans r-cran-car r-cran-haven r-cran-multcomp r-cran-jsonlite r-cran-vcd r-cran-proc r-cran-rms r-cran-mice

# Debian's Chromium and its WebDriver (the browser tests: report, web app).
chromium:
	apt-get update && apt-get install -y chromium chromium-driver

test-browser: $(STAMP)
	$(BIN)/python -m pytest -q -m chromium

# Large benchmarks: results tables go into benchmarks/README.md.
bench: $(STAMP)
	$(BIN)/python -m compileall -q src
	$(BIN)/python -m pytest -q -m bench
	$(BIN)/python benchmarks/screen.py --blas-threads 1 --dask --loop-p 60 --readme benchmarks/README.md
	$(BIN)/python benchmarks/analyze.py
	$(BIN)/python benchmarks/startup.py --readme benchmarks/README.md
	$(BIN)/python benchmarks/pipeline.py --readme benchmarks/README.md

clean:
	rm -rf $(OUT) build dist site src/*.egg-info .pytest_cache
