"""Migrations under abuse: a deploy killed with SIGKILL at random points, and two deploys at once."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from schemadoc import model as m
from schemadoc.introspect import introspect
from schemadoc.migrate import history
from schemadoc.migrate.normalize import column_order_free
from schemadoc.migrate.run import run_steps, steps_of
from schemadoc.servers.database import with_database

TRIALS = 50

MIGRATIONS = {
    "20260101T000001_customers": (
        "SET lock_timeout = '5s';\n"
        "CREATE TABLE customers (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL);\n"
        "INSERT INTO customers (email) SELECT 'c' || g || '@example.com' FROM generate_series(1, 20000) g;\n"
        "CREATE UNIQUE INDEX customers_email_key ON customers (email);\n"
        "CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
        "customer_id bigint NOT NULL REFERENCES customers (id), total numeric(10,2));\n"
        "INSERT INTO orders (customer_id, total) SELECT 1 + g % 20000, g % 100 FROM generate_series(1, 40000) g;\n",
        "DROP TABLE orders;\nDROP TABLE customers;\n",
    ),
    "20260101T000002_totals": (
        "ALTER TABLE orders ADD COLUMN placed_at timestamptz NOT NULL DEFAULT now();\n"
        "ALTER TABLE orders ALTER COLUMN total TYPE numeric(12,2);\n"
        "ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0) NOT VALID;\n"
        "ALTER TABLE orders VALIDATE CONSTRAINT orders_total_check;\n"
        "CREATE VIEW customer_totals AS SELECT customer_id, sum(total) AS total FROM orders GROUP BY customer_id;\n",
        "DROP VIEW customer_totals;\nALTER TABLE orders DROP CONSTRAINT orders_total_check;\n"
        "ALTER TABLE orders ALTER COLUMN total TYPE numeric(10,2);\nALTER TABLE orders DROP COLUMN placed_at;\n",
    ),
    "20260101T000003_indexes": (
        "CREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);\n"
        "CREATE INDEX CONCURRENTLY orders_placed_at_idx ON orders (placed_at);\n"
        "COMMENT ON TABLE orders IS 'one row per order';\n",
        "COMMENT ON TABLE orders IS NULL;\nDROP INDEX CONCURRENTLY orders_placed_at_idx;\n"
        "DROP INDEX CONCURRENTLY orders_customer_id_idx;\n",
    ),
}
TRANSACTIONAL = ["20260101T000001_customers", "20260101T000002_totals"]

CHILD = """
import sys
from schemadoc.migrate import history
print("ready", flush=True)
history.apply(sys.argv[1], sys.argv[2], lock_wait=120)
print("done", flush=True)
"""


@pytest.fixture(scope="module")
def migrations_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("reliability") / "migrations"
    for mid, (up_sql, down_sql) in MIGRATIONS.items():
        (root / mid).mkdir(parents=True)
        (root / mid / "up.sql").write_text(up_sql)
        (root / mid / "down.sql").write_text(down_sql)
    return root


def _schema(url: str) -> m.Schema:
    with psycopg.connect(url, autocommit=True) as conn:
        return column_order_free(introspect(conn))


@pytest.fixture(scope="module")
def snapshots(server_url: str) -> Iterator[list[m.Schema]]:
    """The schema after 0, 1, 2, 3 migrations, built step by step on a scratch database."""
    name = f"sdt_snap_{uuid.uuid4().hex[:8]}"
    admin = with_database(server_url, "postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = with_database(server_url, name)
    out = [_schema(url)]
    with psycopg.connect(url, autocommit=True) as conn:
        for mid, (up_sql, _) in MIGRATIONS.items():
            run_steps(conn, steps_of(up_sql, mid))
            out.append(_schema(url))
    yield out
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def _child(migrations: Path, url: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent / "src")}
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, str(migrations), url],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def _backends_gone(admin: str, dbname: str, seconds: float = 30) -> None:
    """Wait until the killed client's server session has ended (it may still finish what it was sent)."""
    deadline = time.monotonic() + seconds
    with psycopg.connect(admin, autocommit=True) as conn:
        while True:
            row = conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s", (dbname,)).fetchone()
            if row is not None and row[0] == 0:
                return
            assert time.monotonic() < deadline, f"the killed client's session on {dbname} did not end"
            time.sleep(0.05)


def _history(url: str) -> list[tuple[str, bool]]:
    with psycopg.connect(url, autocommit=True) as conn:
        exists = conn.execute("SELECT to_regclass('schemadoc.schemadoc_migrations') IS NOT NULL").fetchone()
        if not exists or not exists[0]:
            return []
        rows = conn.execute("SELECT id, applied_at IS NOT NULL FROM schemadoc.schemadoc_migrations ORDER BY id")
        return [(r[0], r[1]) for r in rows.fetchall()]


def test_sigkill_at_random_points_leaves_a_consistent_database(
    server_url: str, migrations_dir: Path, snapshots: list[m.Schema]
) -> None:
    rng = random.Random(20261123)
    admin = with_database(server_url, "postgres")
    # how long a whole apply takes here, so the kills land across all of it
    probe = f"sdt_probe_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{probe}"')
    child = _child(migrations_dir, with_database(server_url, probe))
    assert child.stdout is not None
    child.stdout.readline()
    began = time.monotonic()
    _, err = child.communicate(timeout=120)
    assert child.returncode == 0, err
    span = time.monotonic() - began
    kinds: dict[str, int] = {}
    try:
        for trial in range(TRIALS):
            name = f"sdt_kill_{trial}_{uuid.uuid4().hex[:6]}"
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{name}"')
            url = with_database(server_url, name)
            try:
                child = _child(migrations_dir, url)
                assert child.stdout is not None
                child.stdout.readline()  # imports done: from here on, the kill lands inside apply
                time.sleep(rng.uniform(0, span * 1.1))
                child.send_signal(signal.SIGKILL)
                child.communicate(timeout=30)  # reaps it and closes its pipes
                _backends_gone(admin, name)  # a COMMIT sent just before the kill may still be running
                applied = _history(url)
                ids = [mid for mid, _ in applied]
                assert ids == sorted(MIGRATIONS)[: len(ids)], f"trial {trial}: history is not a prefix: {ids}"
                finished = [mid for mid, done in applied if done]
                unfinished = [mid for mid, done in applied if not done]
                assert not (set(unfinished) & set(TRANSACTIONAL)), (
                    f"trial {trial}: a one-transaction migration half done"
                )
                if not unfinished:
                    # exactly the schema after the migrations the history lists
                    assert _schema(url) == snapshots[len(finished)], f"trial {trial}: schema between migrations"
                key = f"{len(finished)} done" + (", 1 in progress" if unfinished else "")
                kinds[key] = kinds.get(key, 0) + 1
                history.apply(migrations_dir, url, lock_wait=30)  # the re-run completes
                assert _schema(url) == snapshots[-1]
                assert all(done for _, done in _history(url)) and len(_history(url)) == len(MIGRATIONS)
                with psycopg.connect(url, autocommit=True) as conn:
                    counts = conn.execute("SELECT (SELECT count(*) FROM customers), (SELECT count(*) FROM orders)")
                    assert counts.fetchone() == (20000, 40000), f"trial {trial}: rows applied twice or lost"
            finally:
                with psycopg.connect(admin, autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{probe}" WITH (FORCE)')
    # the kills landed at different stages, not all before or after the work
    assert len(kinds) >= 3, kinds


def test_two_applies_at_once_apply_each_migration_once(
    fresh_db: str, migrations_dir: Path, snapshots: list[m.Schema]
) -> None:
    a, b = _child(migrations_dir, fresh_db), _child(migrations_dir, fresh_db)
    outs = []
    for child in (a, b):
        out, err = child.communicate(timeout=180)
        assert child.returncode == 0, err
        outs.append(out)
    assert all("done" in out for out in outs)
    with psycopg.connect(fresh_db, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT id, count(*) FROM schemadoc.schemadoc_migrations GROUP BY id ORDER BY id"
        ).fetchall()
        assert rows == [(mid, 1) for mid in sorted(MIGRATIONS)]
        assert conn.execute("SELECT count(*) FROM orders").fetchone() == (40000,)
    assert _schema(fresh_db) == snapshots[-1]


def test_a_second_deploy_that_cannot_wait_exits_cleanly(fresh_db: str, migrations_dir: Path) -> None:
    with psycopg.connect(fresh_db, autocommit=True) as holder:
        holder.execute("SELECT pg_advisory_lock(%s)", (history.LOCK_KEY,))
        with pytest.raises(history.SchemadocError, match="holds the lock"):
            history.apply(migrations_dir, fresh_db, lock_wait=0.5)
    assert _history(fresh_db) == []
