# Two commands matter: `make lab` opens the course, `make test` passes the tests.
# Both create .venv on first use and install everything into it.

PYTHON ?= python3
VENV   := .venv
BIN    := $(CURDIR)/$(VENV)/bin
PORT   ?= 8888

# The course's language: `make lab LANG=ko` (or a Korean locale, LANG=ko_KR.UTF-8) serves the
# Korean release, anything else the English one. LANG is also the locale variable, so the
# programs started here get a real locale: the given one if this machine has it (locale -a),
# otherwise C.UTF-8 (never LANG=ko, which is no locale).
COURSE_LANG := $(if $(filter ko ko_% ko-% ko.%,$(LANG)),ko,en)
RUN_LOCALE  := $(or $(and $(LANG),$(shell locale -a 2>/dev/null | \
                   grep -qix -e '$(LANG)' -e '$(subst UTF-8,utf8,$(LANG))' && echo $(LANG))),C.UTF-8)
RELEASE_DIR := $(if $(filter en,$(COURSE_LANG)),release,release_$(COURSE_LANG))
# nbgrader runs `alembic` as a subprocess: the venv's bin must come first on PATH.
export PATH := $(BIN):$(PATH)

# The JupyterHub classroom's environment (make install-hub; docs/classroom.md): built from
# Debian's Python, not PYTHON, so that every user of the server can run it (a pyenv Python under
# /root cannot be), with this project installed into it (not linked to the checkout, which may
# stay private), and the proxy from npm.
HUB_PYTHON  ?= /usr/bin/python3
HUB_VENV    ?= $(CURDIR)/.venv-hub
CHP_VERSION := 5.3.0
# axe-core, the accessibility engine tests/test_browser_a11y.py runs in the page (from npm, into
# the venv: nothing is fetched while the tests run).
AXE_VERSION := 4.14.1

.PHONY: lab release test test-fast lint system-deps install install-test install-hub solutions demo clean-work help

help:
	@echo "make lab       build the student release and open it in JupyterLab (port $(PORT));"
	@echo "               make lab LANG=ko: the Korean edition (한국어판)"
	@echo "make test      run the whole test suite (installs the Debian packages it needs, as root)"
	@echo "make test-fast the fast tier (no sandboxed classes, browser or database): after every change"
	@echo "make lint      ruff over the whole tree"
	@echo "make system-deps  check (as root: install) the Debian packages make test needs"
	@echo "make install-hub  the JupyterHub classroom's environment (HUB_VENV=$(HUB_VENV))"
	@echo "make release   build the student release of every assignment into work/release"
	@echo "make solutions regenerate solutions/notebooks and the Korean notebooks (translations/ko)"
	@echo "make demo      release, collect, grade, feedback and export simulated classes (work/demo)"
	@echo "make clean-work delete work/ (nbgrader state: release, submissions, gradebook)"

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: $(VENV)/bin/python requirements.txt pyproject.toml
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed requirements-test.txt Makefile
	$(BIN)/pip install -q -r requirements-test.txt
	npm install --prefix $(VENV)/axe --no-audit --no-fund --loglevel=error axe-core@$(AXE_VERSION)
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test
install-hub: system-deps-hub $(HUB_VENV)/.installed

HUB_SOURCES := $(shell find course autograder -name '*.py' -not -path '*/__pycache__/*')

$(HUB_VENV)/.installed: requirements.txt requirements-hub.txt pyproject.toml $(HUB_SOURCES)
	$(HUB_PYTHON) -m venv $(HUB_VENV)
	$(HUB_VENV)/bin/python -m pip install -q --upgrade pip
	grep -v '^-e ' requirements.txt > $(HUB_VENV)/requirements.txt
	$(HUB_VENV)/bin/pip install -q -r $(HUB_VENV)/requirements.txt -r requirements-hub.txt
	$(HUB_VENV)/bin/pip install -q --no-deps --force-reinstall .
	npm install --global --prefix $(HUB_VENV) --no-audit --no-fund --loglevel=error \
	    configurable-http-proxy@$(CHP_VERSION)
	touch $@

release: install
	LANG=$(RUN_LOCALE) $(BIN)/python -m autograder release --all --lang $(COURSE_LANG)

# BACKPROP_LANG: every kernel of the server inherits it (course.i18n), so messages, hints and
# widget labels speak the release's language.
lab: release
	@echo "Serving the student release from work/$(RELEASE_DIR) (students never see the sources)."
	LANG=$(RUN_LOCALE) BACKPROP_LANG=$(COURSE_LANG) \
	    $(BIN)/jupyter lab --no-browser --ip=127.0.0.1 --port=$(PORT) \
	    --ServerApp.root_dir=$(CURDIR)/work/$(RELEASE_DIR) --ServerApp.open_browser=False \
	    $(if $(filter 0,$(shell id -u)),--allow-root)

# Debian packages pip cannot install (sandbox, browser, database, fonts): checked in seconds
# with the system Python before anything else; installed when run as root on Debian/Ubuntu,
# otherwise the exact command to run is printed (autograder/system.py).
system-deps:
	$(PYTHON) -m autograder.system test

system-deps-%:
	$(PYTHON) -m autograder.system $*

# One pytest worker per core; --dist loadgroup keeps a group (tests/conftest.py: a module, or one
# assignment of the per-assignment tiers) and its module-scoped fixtures on one worker.
PYTEST_ARGS ?= -n auto --dist loadgroup

test: system-deps-test install-test install-hub lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Everything but the slow tiers (tests/conftest.py): a couple of minutes, after every change.
test-fast: install-test lint
	$(BIN)/python -m pytest $(PYTEST_ARGS) -m "not slow"

lint: install-test
	$(BIN)/ruff check .

solutions: install
	$(BIN)/python -m autograder solutions
	$(BIN)/python -m autograder translate

# The instructor pipeline's round trip on simulated classes of 40 (02, 07, 08), in work/demo.
demo: system-deps-demo install
	$(BIN)/python -m autograder.demo --root $(CURDIR)/work/demo

clean-work:
	rm -rf work
