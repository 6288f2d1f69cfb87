# Two commands do everything (see README.md):
#   make book   -> set up the environment, resolve the data, run the chapters, build the HTML
#   make test   -> set up the environment (plus test tools and headless Chromium), run the tests
# Options: make book ICB=QHL IMD=2025 JOBS=2
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
PY := $(VENV)/bin/python
ICB ?= QGH
IMD ?= 2019
JOBS ?= 2
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml constraints.txt | sha256sum | cut -c1-12)

.PHONY: book test setup setup-test browser bench check all-books clean lab preview

book: $(STAMP)
	$(PY) -m analysis build --icb $(ICB) --imd-version $(IMD) --jobs $(JOBS)

test: $(STAMP).test browser
	bash tools/run_tests.sh

setup: $(STAMP)

$(STAMP):
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required, found " + sys.version.split()[0]' 
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip>=24"
	$(PY) -m pip install --quiet -c constraints.txt -e .
	@# The kernel's display name is the one the committed notebooks carry, so that running a
	@# notebook in Jupyter does not change its metadata (see tools/notebook_filter.sh).
	$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3" >/dev/null
	@bash tools/notebook_filter.sh
	@rm -f $(VENV)/.installed-*; touch $@

$(STAMP).test: $(STAMP)
	$(PY) -m pip install --quiet -c constraints.txt -e ".[test]"
	@# the checks of .pre-commit-config.yaml before each commit (in a git checkout)
	@if [ -d .git ] || [ -f .git ]; then $(VENV)/bin/pre-commit install >/dev/null; fi
	@touch $@

# Headless Chromium (Debian's) and axe-core (pinned, from npm, into tools/node/) for
# tests/book/test_browser.py. Idempotent: installs only what is missing.
browser:
	@command -v chromium >/dev/null 2>&1 || { echo "Installing headless Chromium from Debian (for the browser tests) ..."; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }
	@chromium --version 2>/dev/null | head -n1
	@bash tools/install_axe.sh

# Serve the book on http://127.0.0.1:$(PORT)/ and rebuild it when a notebook or module is saved.
# make preview [ICB=QHL] [CHAPTER=waiting_lists] [PORT=8000]
PORT ?= 8000
preview: $(STAMP)
	$(PY) -m analysis preview --icb $(ICB) --imd-version $(IMD) --port $(PORT) $(if $(CHAPTER),--chapter $(CHAPTER))

# JupyterLab for editing the chapter notebooks (installed on first use). Each notebook is paired
# with its text twin by jupytext.toml: saving one updates the other.
lab: $(STAMP)
	$(PY) -m pip install --quiet -c constraints.txt -e ".[lab]"
	$(VENV)/bin/jupyter lab --ip 127.0.0.1 --notebook-dir notebooks $$( [ "$$(id -u)" = 0 ] && echo --allow-root )

bench: $(STAMP)
	$(PY) -m analysis bench --icb $(ICB)

check: $(STAMP)
	$(PY) -m analysis check

all-books: $(STAMP)
	$(PY) -m analysis build --all --jobs $(JOBS)

clean:
	rm -rf _build data/cache
