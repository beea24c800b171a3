"""stats and health against a real server holding data: the figures are checked, not just printed."""

from __future__ import annotations

import json
import time
from pathlib import Path

import psycopg

from .test_cli import run

DOC = """# Shop

```sql
CREATE TABLE customers (id int PRIMARY KEY, email text NOT NULL);
CREATE TABLE orders (id int PRIMARY KEY, customer_id int REFERENCES customers(id), note text);
CREATE INDEX orders_note_idx ON orders (note);
CREATE INDEX orders_note_again ON orders (note);
```
"""


def test_stats_reports_rows_unused_duplicate_and_missing_indexes(tmp_path: Path, fresh_db: str) -> None:
    doc = tmp_path / "shop.md"
    doc.write_text(DOC)
    assert run("up", "--database-url", fresh_db, str(doc)).returncode == 0
    with psycopg.connect(fresh_db, autocommit=True) as conn:
        conn.execute("INSERT INTO customers SELECT g, 'c' || g FROM generate_series(1, 10000) g")
        conn.execute("INSERT INTO orders SELECT g, 1 + g % 10000, 'n' || g FROM generate_series(1, 2000) g")
        conn.execute("ANALYZE")
        conn.execute("SELECT * FROM customers WHERE id = 5")  # the primary key index is scanned
    r = run("stats", "--database-url", fresh_db, "--format", "json", str(doc))
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    rows = {t["name"]: t["rows"] for t in data["tables"]}
    assert 9_500 <= rows["public.customers"] <= 10_500 and 1_900 <= rows["public.orders"] <= 2_100
    unused = {i["name"] for i in data["indexes"] if i["unused"]}
    assert {"public.orders_note_idx", "public.orders_note_again"} <= unused
    assert "public.customers_pkey" not in unused
    assert ["public.orders_note_again", "public.orders_note_idx"] in data["duplicate_indexes"]
    assert data["missing_fk_indexes"] == ["public.orders (customer_id)"]
    assert data["cache_hit_ratio"] is None or 0 <= data["cache_hit_ratio"] <= 1
    assert data["slowest"] or "pg_stat_statements" in data["statements_hint"]
    text = run("stats", "--database-url", fresh_db, str(doc)).stdout
    assert (
        "unused: public.orders_note_idx" in text and "foreign key without an index: public.orders (customer_id)" in text
    )


def test_health_flags_idle_in_transaction_and_drift(tmp_path: Path, fresh_db: str) -> None:
    doc = tmp_path / "shop.md"
    doc.write_text(DOC)
    assert run("up", "--database-url", fresh_db, str(doc)).returncode == 0
    ok = run("health", "--database-url", fresh_db, "--format", "json", str(doc))
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert json.loads(ok.stdout)["ok"] is True
    idle = psycopg.connect(fresh_db)
    idle.execute("SELECT 1")  # opens a transaction and leaves it open
    try:
        time.sleep(1.5)
        r = run("health", "--database-url", fresh_db, "--idle-after", "1", "--format", "json", str(doc))
        assert r.returncode == 1
        report = json.loads(r.stdout)
        assert report["ok"] is False and len(report["idle_in_transaction"]) >= 1
        assert any("idle in a transaction" in p for p in report["problems"])
    finally:
        idle.close()
    with psycopg.connect(fresh_db, autocommit=True) as conn:
        conn.execute("DROP INDEX orders_note_again")
    drifted = run("health", "--database-url", fresh_db, str(doc))
    assert drifted.returncode == 1 and "difference(s) from the document" in drifted.stdout


def test_maintain_runs_the_docs_maintenance_safely(fresh_db: str) -> None:
    from .conftest import SEEDS

    doc = SEEDS["shop-api"]
    assert run("up", "--fix", "--database-url", fresh_db, str(doc)).returncode == 0
    r = run("maintain", "--database-url", fresh_db, "--format", "json", str(doc))
    assert r.returncode == 0, r.stdout + r.stderr
    steps = {s["line"]: s for s in json.loads(r.stdout)["steps"]}
    assert steps[455]["status"] == "done" and steps[455]["ran"] == "ANALYZE users, products, reviews, audit_logs"
    assert steps[458]["ran"] == "REINDEX TABLE CONCURRENTLY products"
    dbname = psycopg.conninfo.conninfo_to_dict(fresh_db)["dbname"]
    assert steps[528]["ran"] == f'REINDEX DATABASE CONCURRENTLY "{dbname}"'
    assert "your_database" in steps[528]["note"]
    assert steps[531]["status"] == "skipped" and "ACCESS EXCLUSIVE" in steps[531]["note"]
    with psycopg.connect(fresh_db) as conn:
        analyzed = conn.execute("SELECT last_analyze IS NOT NULL FROM pg_stat_user_tables WHERE relname = 'users'")
        assert analyzed.fetchone() == (True,)
