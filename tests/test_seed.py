"""`schemadoc seed` against a real PostgreSQL: every seed document filled with rows that its constraints
accept (PostgreSQL enforces them on every row), the doc's own rows first, deterministic, atomic."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest

from schemadoc.apply import with_database
from schemadoc.parse import load
from schemadoc.seed import parse_rows, seed

from .conftest import SEEDS
from .test_cli import run

N = 60


def _count(url: str, table: str) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute(f"SELECT count(*) FROM {table}").fetchone()
        return int(row[0]) if row else 0


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_every_seed_document_is_filled(name: str, fresh_db: str) -> None:
    doc = SEEDS[name]
    assert run("up", "--fix", "--database-url", fresh_db, str(doc)).returncode == 0
    r = run("seed", "--database-url", fresh_db, "--default-rows", str(N), "--format", "json", str(doc))
    assert r.returncode == 0, r.stderr[-2000:]
    report = json.loads(r.stdout)
    rows = report["rows"]
    assert rows and all(n > 0 for n in rows.values()), rows
    full = [t for t, n in rows.items() if n >= N]
    assert len(full) >= 0.75 * len(rows), rows  # the rest are capped by one-to-one keys or partitions
    for table, n in rows.items():
        schema, _, rel = table.partition(".")
        assert _count(fresh_db, f'"{schema}"."{rel}"') >= n
    assert report["skipped"] == []  # the doc's own rows all applied


def test_doc_rows_go_in_first_and_generated_rows_respect_them(fresh_db: str) -> None:
    doc = SEEDS["bakery"]
    assert run("up", "--database-url", fresh_db, str(doc)).returncode == 0
    with psycopg.connect(fresh_db) as conn:
        report = seed(conn, load(doc), default_rows=40, seed_value=3)
    assert report.doc_rows == 3 and report.skipped == []
    with psycopg.connect(fresh_db) as conn:
        names = conn.execute("SELECT name FROM users WHERE email = 'john@example.com'").fetchall()
        assert names == [("John Doe",)]
        assert conn.execute("SELECT count(*) FROM users").fetchone() == (43,)
        # generated orders reference users and products that exist, some of them the doc's own
        assert conn.execute(
            "SELECT count(*) FROM orders o LEFT JOIN users u ON u.id = o.user_id WHERE u.id IS NULL"
        ).fetchone() == (0,)
        ratings = conn.execute("SELECT min(rating), max(rating) FROM reviews").fetchone()
        assert ratings is not None and 1 <= ratings[0] <= ratings[1] <= 5
        roles = {r[0] for r in conn.execute("SELECT DISTINCT role FROM users")}
        assert roles <= {"customer", "rider", "staff", "admin"}


def test_same_seed_same_data(server_url: str, fresh_db: str, tmp_path: Path) -> None:
    doc = SEEDS["venta"]
    results = []
    for i in range(2):
        name = f"sdt_seed_same_{i}_{tmp_path.name[-6:]}".lower().replace("-", "_")
        assert run("up", "--database-url", server_url, "--dbname", name, str(doc)).returncode == 0
        try:
            r = run(
                "seed", "--database-url", server_url, "--dbname", name, "--seed", "7", "--default-rows", "30", str(doc)
            )
            assert r.returncode == 0, r.stderr
            with psycopg.connect(with_database(server_url, name)) as conn:
                results.append(conn.execute("SELECT name, description, email FROM vendors ORDER BY 1, 2, 3").fetchall())
        finally:
            with psycopg.connect(with_database(server_url, "postgres"), autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    assert results[0] == results[1] and len(results[0]) == 30


def test_rows_per_table_and_ratios(fresh_db: str) -> None:
    doc = SEEDS["bakery"]
    assert run("up", "--database-url", fresh_db, str(doc)).returncode == 0
    r = run(
        "seed",
        "--database-url",
        fresh_db,
        "--rows",
        "products=10,users=20,orders=2/users",
        "--default-rows",
        "5",
        str(doc),
    )
    assert r.returncode == 0, r.stderr
    assert _count(fresh_db, "users") == 20 + 3  # and the doc's three
    assert _count(fresh_db, "orders") == 40
    assert _count(fresh_db, "products") == 10 + 3
    assert _count(fresh_db, "promo_codes") == 5 + 2
    bad = run("seed", "--database-url", fresh_db, "--rows", "nosuch=3", str(doc))
    assert bad.returncode == 1 and "no table 'nosuch'" in bad.stderr


def test_parse_rows() -> None:
    tables = ["public.users", "public.orders"]
    assert parse_rows("5", 100, tables) == {"public.users": 5, "public.orders": 5}
    assert parse_rows("users=7,orders=3/users", 100, tables) == {
        "public.users": 7,
        "public.orders": (3.0, "public.users"),
    }


def test_a_failed_seed_leaves_nothing(fresh_db: str, tmp_path: Path) -> None:
    doc = tmp_path / "doc.md"
    doc.write_text(
        "# Shop\n\n```sql\nCREATE TABLE items (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL);\n"
        "CREATE TABLE notes (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, body text NOT NULL);\n"
        "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'no notes'; END $$;\n"
        "CREATE TRIGGER refuse BEFORE INSERT ON notes FOR EACH ROW EXECUTE FUNCTION refuse();\n"
        "INSERT INTO items (name) VALUES ('from the doc');\n```\n"
    )
    assert run("up", "--database-url", fresh_db, str(doc)).returncode == 0
    r = run("seed", "--database-url", fresh_db, str(doc))
    assert r.returncode == 1 and "no notes" in r.stderr and "Traceback" not in r.stderr
    assert _count(fresh_db, "items") == 0  # neither generated rows nor the doc's own stayed
