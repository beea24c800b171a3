# Set-up and everyday commands. `make up DOC=…` and `make test` work on a fresh machine with Python 3.11+.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DOC ?= examples/bakery.md

.PHONY: install up down check sql test lint clean

$(BIN)/schemadoc: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,embedded]'
	@# Graphviz lays out `schemadoc diagram --format svg|png`; installed where this set-up may (root + apt)
	@command -v dot >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
		apt-get install -y -q graphviz >/dev/null 2>&1; } || \
		echo "note: Graphviz (dot) is not installed; schemadoc diagram --format svg|png needs it"
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
