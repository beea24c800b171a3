"""stats and health against a real server holding data: the figures are checked, not just printed."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
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


def _wait(predicate: Callable[[], bool], what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


def test_health_sees_a_streaming_replica_its_lag_and_a_paused_standby(tmp_path: Path) -> None:
    """A real primary and a real standby (pg_basebackup -R, streaming replication) on this machine."""
    from schemadoc.admin.stats import health
    from schemadoc.servers import pgbin
    from schemadoc.servers import postgres as server

    tmp = Path(tempfile.mkdtemp(prefix="schemadoc-repl-"))  # outside pytest's basetemp, see conftest
    primary = server.start(tmp / "primary")
    user = server._run_as()
    standby_home = tmp / "standby"
    server._prepare_home(standby_home, user)
    datadir = standby_home / "pgdata"
    bindir = primary.bindir
    primary_version = server.status(tmp / "primary").version or "0"  # the npm packages have no pg_basebackup
    port = server._stable_port(standby_home)
    try:
        server._run(
            [str(pgbin.client("pg_basebackup", int(primary_version.split(".")[0]))), "-D", str(datadir), "-R", "-X", "stream", "-h", "127.0.0.1",
             "-p", str(primary.port), "-U", server.SUPERUSER, "--no-sync"],
            user,
            "pg_basebackup",
        )  # fmt: skip
        (standby_home / "run").mkdir()
        if user:
            shutil.chown(standby_home / "run", user, user)
        server._run(
            [str(bindir / "pg_ctl"), "start", "-w", "-D", str(datadir), "-l", str(standby_home / "server.log"), "-o",
             f"-c port={port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={standby_home / 'run'} "
             "-c max_locks_per_transaction=512"],
            user,
            "starting the standby",
        )  # fmt: skip
        standby_url = f"postgresql://{server.SUPERUSER}@127.0.0.1:{port}/postgres"
        with psycopg.connect(primary.url(), autocommit=True) as p, psycopg.connect(standby_url, autocommit=True) as s:
            _wait(lambda: [r["state"] for r in health(p).replicas] == ["streaming"], "the replica to stream")
            h = health(p)
            assert h.ok and h.role == "primary" and h.replicas[0]["address"] == "127.0.0.1"
            on_standby = health(s)
            assert on_standby.role == "standby" and on_standby.replicas == []
            assert on_standby.standby is not None and on_standby.standby["receiver"] == "streaming"
            assert on_standby.ok, on_standby.problems
            # replay paused on the standby while the primary writes: lag in bytes on both sides
            p.execute("CREATE TABLE warm (x int)")  # a replayed transaction: the standby's lag has a start
            _wait(lambda: s.execute("SELECT to_regclass('warm')").fetchone() != (None,), "the standby to replay")
            s.execute("SELECT pg_wal_replay_pause()")
            p.execute("CREATE TABLE lagging AS SELECT g FROM generate_series(1, 50000) g")
            _wait(lambda: (health(p).replicas[0]["lag_bytes"] or 0) > 0, "the replica to fall behind")
            _wait(lambda: (health(s).standby or {}).get("lag_bytes", 0) > 0, "the standby to receive unreplayed WAL")
            paused = health(s)
            assert not paused.ok and any("replay is paused" in x for x in paused.problems)
            time.sleep(1.2)
            behind = health(s, max_lag=1)
            assert any("s behind" in x for x in behind.problems), behind.problems
            s.execute("SELECT pg_wal_replay_resume()")
            _wait(lambda: health(s).ok and health(p).replicas[0]["lag_bytes"] == 0, "the standby to catch up")
            assert s.execute("SELECT count(*) FROM lagging").fetchone() == (50000,)
        (tmp_path / "x.md").write_text("# x\n")
        r = run("health", "--no-drift", "--database-url", standby_url, "--format", "json", str(tmp_path / "x.md"))
        assert r.returncode == 0, r.stderr
        assert json.loads(r.stdout)["role"] == "standby"
        text = run("health", "--no-drift", "--database-url", primary.url(), str(tmp_path / "x.md")).stdout
        assert "replica walreceiver (127.0.0.1): streaming, 0 bytes behind" in text
    finally:
        subprocess.run(
            [str(bindir / "pg_ctl"), "stop", "-m", "immediate", "-D", str(datadir)], user=user, capture_output=True
        )
        server.stop(tmp / "primary")
        shutil.rmtree(tmp, ignore_errors=True)
