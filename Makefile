# Two commands matter: `make lab` opens the course, `make test` passes the tests.
# Both create .venv on first use and install everything into it.

PYTHON ?= python3
VENV   := .venv
BIN    := $(CURDIR)/$(VENV)/bin
PORT   ?= 8888
# nbgrader runs `alembic` as a subprocess: the venv's bin must come first on PATH.
export PATH := $(BIN):$(PATH)

.PHONY: lab release test test-fast lint system-deps install install-test solutions demo clean-work help

help:
	@echo "make lab       build the student release and open it in JupyterLab (port $(PORT))"
	@echo "make test      run the whole test suite (installs the Debian packages it needs, as root)"
	@echo "make test-fast the fast tier (no sandboxed classes, browser or database): after every change"
	@echo "make lint      ruff over the whole tree"
	@echo "make system-deps  check (as root: install) the Debian packages make test needs"
	@echo "make release   build the student release of every assignment into work/release"
	@echo "make solutions regenerate solutions/notebooks from the source notebooks"
	@echo "make demo      release, collect, grade, feedback and export a simulated class (work/demo)"
	@echo "make clean-work delete work/ (nbgrader state: release, submissions, gradebook)"

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: $(VENV)/bin/python requirements.txt pyproject.toml
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed requirements-test.txt
	$(BIN)/pip install -q -r requirements-test.txt
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

release: install
	$(BIN)/python -m autograder release --all

lab: release
	@echo "Serving the student release from work/release (students never see the sources)."
	$(BIN)/jupyter lab --no-browser --ip=127.0.0.1 --port=$(PORT) \
	    --ServerApp.root_dir=$(CURDIR)/work/release --ServerApp.open_browser=False \
	    $(if $(filter 0,$(shell id -u)),--allow-root)

# Debian packages pip cannot install (sandbox, browser, database, fonts): checked in seconds
# with the system Python before anything else; installed when run as root on Debian/Ubuntu,
# otherwise the exact command to run is printed (autograder/system.py).
system-deps:
	$(PYTHON) -m autograder.system test

system-deps-%:
	$(PYTHON) -m autograder.system $*

# One pytest worker per core; --dist loadfile keeps a test module (and its module-scoped
# fixtures, such as a class graded once per assignment) on one worker.
PYTEST_ARGS ?= -n auto --dist loadfile

test: system-deps-test install-test lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Everything but the slow tiers (tests/conftest.py): a couple of minutes, after every change.
test-fast: install-test lint
	$(BIN)/python -m pytest $(PYTEST_ARGS) -m "not slow"

lint: install-test
	$(BIN)/ruff check .

solutions: install
	$(BIN)/python -m autograder solutions

# The instructor pipeline's round trip on a simulated class of 40, in work/demo (rebuilt each run).
demo: system-deps-demo install
	$(BIN)/python -m autograder.demo --root $(CURDIR)/work/demo

clean-work:
	rm -rf work
