"""Squawk, a linter for PostgreSQL migrations that other people wrote, judges schemadoc's plans.

On tables that already hold rows, the online plan for the risky changes (a column made NOT NULL, a unique
key, a CHECK, a foreign key, indexes, a required column with a default) must raise none of Squawk's lock
and scan hazards: schemadoc's safe forms (NOT VALID then VALIDATE, CONCURRENTLY, UNIQUE USING INDEX, NOT
NULL through a validated CHECK) are the forms Squawk asks for. The same plan in one transaction (plain
index builds) must raise them, so the check can fail. What Squawk still says of the online plan is its
style advice (IF NOT EXISTS, statement_timeout) and the drop of schemadoc's own NOT NULL scaffolding.
"""

from __future__ import annotations

import collections
import json
import shutil
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from schemadoc.migrate.plan import build
from schemadoc.migrate.up import up

BEFORE = """# Shop

```sql
CREATE TABLE customers (id bigint PRIMARY KEY, email text, name text);
CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint, total numeric(10,2), note text, placed_at timestamptz);
```
"""

AFTER = """# Shop

```sql
CREATE TABLE customers (id bigint PRIMARY KEY, email text NOT NULL UNIQUE, name text);
CREATE TABLE orders (
  id bigint PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES customers (id),
  total numeric(10,2) CHECK (total >= 0),
  note text,
  placed_at timestamptz NOT NULL,
  status text NOT NULL DEFAULT 'new'
);
CREATE INDEX orders_placed_at_idx ON orders (placed_at);
CREATE UNIQUE INDEX orders_note_key ON orders (customer_id, note);
```
"""

# Squawk's rules for what blocks reads or writes for as long as a table scan or rewrite takes
HAZARDS = {
    "adding-field-with-default",
    "adding-foreign-key-constraint",
    "adding-not-nullable-field",
    "adding-required-field",
    "adding-serial-primary-key-field",
    "changing-column-type",
    "constraint-missing-not-valid",
    "disallowed-unique-constraint",
    "require-concurrent-index-creation",
    "require-concurrent-index-deletion",
}


def _squawk(script: str, tmp_path: Path) -> collections.Counter[str]:
    squawk = shutil.which("squawk", path=str(Path(sys.executable).parent)) or shutil.which("squawk")
    assert squawk, "squawk is part of the test extra (pip install squawk-cli)"
    path = tmp_path / "up.sql"
    path.write_text(script)
    r = subprocess.run([squawk, "--reporter", "json", str(path)], capture_output=True, text=True, timeout=60)
    assert r.returncode in (0, 1), r.stderr
    return collections.Counter(finding["rule_name"] for finding in json.loads(r.stdout or "[]"))


@pytest.fixture()
def shop(fresh_db: str, tmp_path: Path) -> tuple[Path, str]:
    (tmp_path / "before.md").write_text(BEFORE)
    after = tmp_path / "after.md"
    after.write_text(AFTER)
    up(tmp_path / "before.md", fresh_db)
    with psycopg.connect(fresh_db) as conn:
        conn.execute("INSERT INTO customers SELECT i, 'c' || i || '@example.com', 'C' FROM generate_series(1, 50) i")
        conn.execute("INSERT INTO orders SELECT i, i, i, 'n' || i, now() FROM generate_series(1, 50) i")
    return after, fresh_db


def test_squawk_finds_no_lock_hazard_in_an_online_plan(shop: tuple[Path, str], tmp_path: Path) -> None:
    after, db = shop
    found = _squawk(build(after, db).script("up"), tmp_path)
    assert not HAZARDS & set(found), found
    assert set(found) <= {"prefer-robust-stmts", "require-statement-timeout", "ban-drop-constraint"}, found
    assert found["ban-drop-constraint"] == 3  # the NOT NULL scaffolding CHECKs, dropped once SET NOT NULL holds


def test_squawk_finds_the_hazards_of_the_plan_in_one_transaction(shop: tuple[Path, str], tmp_path: Path) -> None:
    after, db = shop
    found = _squawk(build(after, db, online=False).script("up"), tmp_path)
    assert found["require-concurrent-index-creation"] == 3, found  # two indexes and the unique key's
