# Set-up and everyday commands. `make up DOC=…` and `make test` work on a fresh machine with Python 3.11+.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DOC ?= examples/bakery.md
# apt-get install as root, refreshing the package lists once if the first try fails
APT = { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	{ apt-get install -y -q $(1) >/dev/null 2>&1 || { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q $(1) >/dev/null 2>&1; }; }; }

.PHONY: install up down check sql test lint clean

$(BIN)/schemadoc: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,embedded]'
	@# Graphviz lays out `schemadoc diagram --format svg|png` and the docs site's diagram; Chromium runs the
	@# docs site's browser test. Installed where this set-up may (root + apt); elsewhere, a note.
	@command -v dot >/dev/null 2>&1 || $(call APT,graphviz) || \
		echo "note: Graphviz (dot) is not installed; schemadoc diagram --format svg|png needs it"
	@command -v chromium >/dev/null 2>&1 || $(call APT,chromium) || \
		echo "note: Chromium is not installed; the docs site's browser test will be skipped"
	touch $@

install: $(BIN)/schemadoc

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

lint: install
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/mypy

clean:
	rm -rf $(VENV) .schemadoc build dist src/*.egg-info
