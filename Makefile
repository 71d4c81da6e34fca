# cypp: run `make` (or `make help`) to list the targets.
# Everything installs from PyPI into .venv (render + test pins) with uv, bytecode compiled
# (this machine sets PYTHONDONTWRITEBYTECODE=1, so uncompiled venvs re-compile on every import).

PYTHON_BOOT ?= python3
UV_VERSION  := 0.13.9
VENV        := .venv
LABVENV     := .venv-lab
PY          := $(VENV)/bin/python
UV          := $(VENV)/bin/uv
STAMP       := $(VENV)/.cypp-installed
RAW         ?= data/raw
OUT         ?= outputs
REAL_RAW    ?= ../shared/data/public
A11Y        := tests/a11y
A11Y_STAMP  := $(A11Y)/node_modules/.cypp-installed

.DEFAULT_GOAL := help
.PHONY: help venv papers demo-data validate test test-fast bench lab lint format lock hooks real-papers clean clean-all a11y-deps a11y screenshots

help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z0-9_-]+:.*## / {printf "  \033[1m%-12s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): requirements/test.lock.txt pyproject.toml
	@test -x $(PY) || $(PYTHON_BOOT) -m venv $(VENV)
	@test -x $(UV) || $(PY) -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(UV) pip install --quiet --python $(PY) --compile-bytecode -r requirements/test.lock.txt
	$(UV) pip install --quiet --python $(PY) --no-deps -e .
	@touch $(STAMP)

venv: $(STAMP) ## create .venv from the pinned lock (only when missing or the lock changed)

papers: $(STAMP) ## build all papers from the embedded demo data into outputs/ (creates the env and data if missing)
	@if test -f $(RAW)/.cypp-demo || test -z "$$(ls -A $(RAW) 2>/dev/null | grep -v README)"; then \
		$(VENV)/bin/cypp demo-data --raw $(RAW); fi  # generates, or refreshes demo data from an earlier cypp
	$(VENV)/bin/cypp build --raw $(RAW) --out $(OUT)

demo-data: $(STAMP) ## (re)generate the synthetic demonstration data in data/raw/
	$(VENV)/bin/cypp demo-data --raw $(RAW) --force

validate: $(STAMP) ## validate the raw data with Great Expectations (RAW=dir to choose)
	$(VENV)/bin/cypp validate --raw $(RAW) --out $(OUT)

real-papers: $(STAMP) ## build the papers from the real files in ../shared/data/public into outputs/real/ (processed: data/processed/real/)
	$(VENV)/bin/cypp build --raw $(REAL_RAW) --out $(OUT)/real --processed data/processed/real

test: $(STAMP) a11y-deps ## run the whole test suite (lint first)
	$(VENV)/bin/ruff check cypp_lib tests
	$(PY) -m pytest -q

test-fast: $(STAMP) a11y-deps ## run the tests that do not execute notebooks
	$(PY) -m pytest -q -m "not slow"

# axe-core + playwright-core from the npm lock; playwright drives Debian's /usr/bin/chromium and must
# never download a browser of its own. Without node the accessibility tests skip (CI installs node).
$(A11Y_STAMP): $(A11Y)/package-lock.json
	@if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then \
	  cd $(A11Y) && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --ignore-scripts --no-audit --no-fund --loglevel=error \
	  && touch node_modules/.cypp-installed; \
	else \
	  echo "note: node/npm not found, so the accessibility tests will be skipped (apt-get install nodejs npm chromium)"; \
	fi

a11y-deps: $(A11Y_STAMP) ## install the accessibility-test tools (npm ci in tests/a11y; skipped with a note without node)

a11y: $(STAMP) a11y-deps ## audit the built papers in OUT (default outputs/) with axe-core; prints a readable report, exit 1 on violations
	$(PY) $(A11Y)/report.py $(OUT)

screenshots: $(STAMP) a11y-deps ## full-page screenshots (1200 px wide) of the built papers into OUT/screenshots/
	$(PY) $(A11Y)/report.py $(OUT) --screenshots $(OUT)/screenshots

bench: $(STAMP) ## benchmarks (statistics, validation, build times; several minutes); writes docs/benchmarks.md
	$(PY) bench/run.py

$(LABVENV)/.cypp-installed: requirements/lab.lock.txt $(STAMP)
	@test -x $(LABVENV)/bin/python || $(PYTHON_BOOT) -m venv $(LABVENV)
	$(UV) pip install --quiet --python $(LABVENV)/bin/python --compile-bytecode -r requirements/lab.lock.txt
	$(PY) -m ipykernel install --sys-prefix --name cypp --display-name "Python (cypp)" >/dev/null
	@touch $@

lab: $(LABVENV)/.cypp-installed ## open the notebooks in JupyterLab with the registered "Python (cypp)" kernel
	JUPYTER_PATH=$(abspath $(VENV))/share/jupyter $(LABVENV)/bin/jupyter lab notebooks/

lint: $(STAMP) ## ruff lint and notebook-output check (the notebooks keep their fixed cell ids)
	$(VENV)/bin/ruff check cypp_lib tests
	$(VENV)/bin/nbstripout --keep-id --verify notebooks/*.ipynb

format: $(STAMP) ## apply ruff's safe lint fixes (imports, upgrades) and strip notebook outputs
	$(VENV)/bin/ruff check --fix cypp_lib tests
	$(VENV)/bin/nbstripout --keep-id notebooks/*.ipynb

hooks: $(STAMP) ## install the git pre-commit hooks (strip notebook outputs, ruff)
	$(VENV)/bin/pre-commit install

lock: ## re-resolve the pinned lock files from pyproject.toml (needs network to PyPI)
	$(UV) pip compile pyproject.toml -p 3.11 -o requirements/render.lock.txt --no-header --quiet
	$(UV) pip compile pyproject.toml -p 3.11 --extra test -o requirements/test.lock.txt --no-header --quiet
	$(UV) pip compile requirements/lab.in -p 3.11 -o requirements/lab.lock.txt --no-header --quiet

clean: ## remove processed data and outputs (rebuilt by `make papers`); keeps their READMEs
	find data/processed $(OUT) -mindepth 1 -maxdepth 1 ! -name README.md ! -name .gitkeep -exec rm -rf {} +

clean-all: clean ## also remove the virtual environments and generated demo data
	rm -rf $(VENV) $(LABVENV)
	find data/raw -mindepth 1 -maxdepth 1 ! -name README.md -exec rm -rf {} +
