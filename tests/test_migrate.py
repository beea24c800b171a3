"""plan, up on a database with a schema, and versioned migrations (new/apply/rollback/status) against a real
PostgreSQL, through the CLI as a user runs it."""

from __future__ import annotations

import io
import json
import subprocess
from pathlib import Path

import psycopg
import pytest

from schemadoc import cli
from schemadoc.migrate import history
from schemadoc.migrate.ops import undo
from schemadoc.migrate.plan import build
from schemadoc.migrate.run import run_steps, steps_of

from .conftest import SEEDS
from .test_cli import run

CASES = Path(__file__).parent / "migrations"

SHOP_V1 = """# Shop

```sql
CREATE TABLE customers (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL);
CREATE TABLE orders (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  customer_id bigint REFERENCES customers(id),
  note text
);
```
"""

SHOP_V2 = """# Shop

```sql
CREATE TABLE customers (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL UNIQUE);
CREATE TABLE orders (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES customers(id),
  placed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX orders_customer_id_idx ON orders (customer_id);
```
"""


def _sql(url: str, text: str) -> list[tuple[object, ...]]:
    with psycopg.connect(url, autocommit=True) as conn:
        cur = conn.execute(text.encode())
        return cur.fetchall() if cur.description else []


@pytest.fixture
def shop(tmp_path: Path, fresh_db: str) -> tuple[Path, str]:
    """A database at SHOP_V1 holding rows, and the doc path (rewritten to V2 by the tests that want it)."""
    doc = tmp_path / "shop.md"
    doc.write_text(SHOP_V1)
    assert run("up", "--database-url", fresh_db, str(doc)).returncode == 0
    _sql(fresh_db, "INSERT INTO customers (email) VALUES ('a@example.com'), ('b@example.com');")
    _sql(fresh_db, "INSERT INTO orders (customer_id, note) VALUES (1, 'gift'), (2, NULL), (1, 'rush');")
    return doc, fresh_db


def test_plan_refuses_data_loss_with_exit_3_naming_rows(shop: tuple[Path, str]) -> None:
    doc, url = shop
    doc.write_text(SHOP_V2)
    r = run("plan", "--database-url", url, str(doc))
    assert r.returncode == 3, r.stderr
    assert "drop column public.orders.note: loses the values of public.orders.note — 2 row(s)" in r.stderr
    assert "ALTER TABLE orders DROP COLUMN note;" in r.stdout  # the plan is still printed for review
    assert "CREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);" in r.stdout
    assert "SET lock_timeout = '5s';" in r.stdout
    ok = run("plan", "--database-url", url, "--allow-data-loss", str(doc))
    assert ok.returncode == 0, ok.stderr
    # nothing was applied by planning
    assert _sql(url, "SELECT count(*) FROM orders WHERE note IS NOT NULL") == [(2,)]


def test_plan_json_names_locks_rows_and_lines(shop: tuple[Path, str]) -> None:
    doc, url = shop
    doc.write_text(SHOP_V2)
    r = run("plan", "--database-url", url, "--allow-data-loss", "--format", "json", str(doc))
    data = json.loads(r.stdout)
    ops = {op["what"]: op for op in data["up"]}
    drop = ops["drop column public.orders.note"]
    assert drop["lock"] == "ACCESS EXCLUSIVE" and drop["rows_at_stake"] == 2 and drop["loses"]
    index = ops["create index orders_customer_id_idx"]
    assert index["transactional"] is False and index["lock"] == "SHARE UPDATE EXCLUSIVE"
    assert index["line"] == 10
    validate = ops["validate check orders_customer_id_not_null"]
    assert validate["scans"] and validate["lock"] == "SHARE UPDATE EXCLUSIVE"
    assert data["down"], "a down migration is part of every plan"


def test_plan_counts_the_rows_that_block_a_not_null(shop: tuple[Path, str]) -> None:
    doc, url = shop
    _sql(url, "INSERT INTO orders (customer_id) VALUES (NULL)")
    doc.write_text(SHOP_V2)
    plan = build(doc, url)
    blocked = [plan.notices[i].message for i in plan.blocked]
    assert any("orders.customer_id becomes NOT NULL" in m for m in blocked)
    assert "(1 row(s) now)" in plan.script()


def test_plan_from_another_file_and_from_a_git_revision(tmp_path: Path, server_url: str) -> None:
    old, new = tmp_path / "old.md", tmp_path / "new.md"
    old.write_text(SHOP_V1)
    new.write_text(SHOP_V2)
    r = run("plan", "--database-url", server_url, "--from", str(old), "--allow-data-loss", str(new))
    assert r.returncode == 0, r.stderr
    assert f"-- schemadoc migration (up): {old} -> {new}" in r.stdout
    assert "ALTER TABLE orders ADD COLUMN placed_at" in r.stdout

    repo = tmp_path / "repo"
    repo.mkdir()
    doc = repo / "DATABASE.md"
    doc.write_text(SHOP_V1)
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "DATABASE.md"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "v1"], check=True)
    doc.write_text(SHOP_V2)
    r = run("plan", "--database-url", server_url, "--from", "HEAD", "--allow-data-loss", str(doc))
    assert r.returncode == 0, r.stderr
    assert f"{doc}@HEAD -> {doc}" in r.stdout
    assert "ALTER TABLE orders DROP COLUMN note;" in r.stdout
    bad = run("plan", "--database-url", server_url, "--from", "no-such-rev", str(doc))
    assert bad.returncode == 1 and "cannot read" in bad.stderr and "Traceback" not in bad.stderr


def test_up_on_a_database_with_a_schema_plans_and_applies(shop: tuple[Path, str]) -> None:
    doc, url = shop
    doc.write_text(SHOP_V2)
    refused = run("up", "--database-url", url, str(doc))
    assert refused.returncode == 3 and "nothing was done" in refused.stderr
    assert _sql(url, "SELECT count(*) FROM orders WHERE note IS NOT NULL") == [(2,)]
    r = run("up", "--database-url", url, "--allow-data-loss", str(doc))
    assert r.returncode == 0, r.stderr
    assert "applied" in r.stderr
    assert run("drift", "--database-url", url, str(doc)).returncode == 0
    assert _sql(url, "SELECT count(*) FROM orders") == [(3,)]  # rows kept
    again = run("up", "--database-url", url, str(doc))
    assert again.returncode == 0 and "up to date" in again.stderr


def test_up_that_fails_midway_leaves_the_database_as_it_was(shop: tuple[Path, str]) -> None:
    doc, url = shop
    _sql(url, "INSERT INTO customers (email) VALUES ('a@example.com')")  # the new UNIQUE cannot hold
    doc.write_text(
        SHOP_V2.replace("CREATE INDEX", "CREATE INDEX orders_placed_idx ON orders (placed_at);\nCREATE INDEX")
    )
    r = run("up", "--database-url", url, "--allow-data-loss", str(doc))
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "could not create unique index" in r.stderr
    # the plan's operations run as they are, each with its place in the doc: the error names the line
    assert f"{doc}:4:" in r.stderr, r.stderr
    cols = _sql(url, "SELECT column_name FROM information_schema.columns WHERE table_name = 'orders' ORDER BY 1")
    assert cols == [("customer_id",), ("id",), ("note",)]
    assert _sql(url, "SELECT count(*) FROM pg_indexes WHERE indexname LIKE 'orders_%_idx'") == [(0,)]


def test_a_lock_timeout_that_is_not_a_duration_is_a_usage_error(tmp_path: Path) -> None:
    doc = tmp_path / "shop.md"
    doc.write_text(SHOP_V1)
    r = run("plan", "--lock-timeout", "5s'; DROP TABLE orders; --", str(doc))
    assert r.returncode == 64 and "not a duration" in r.stderr and "Traceback" not in r.stderr


def test_a_script_is_split_as_the_reader_splits_sql() -> None:
    """Migration files are split by the reader's statement splitter: each step knows whether it can run in a
    transaction, and SQL PostgreSQL cannot parse names its line."""
    from schemadoc.errors import DatabaseError

    text = (
        "-- add the index\nCREATE INDEX CONCURRENTLY o_idx ON public.orders (id);\n"
        "SET lock_timeout = '5s';\nALTER TABLE orders ADD COLUMN note text DEFAULT 'a;b';\n"
    )
    steps = steps_of(text, "m1")
    assert [(st.sql.split()[0], st.transactional, st.session) for st in steps] == [
        ("CREATE", False, False),
        ("SET", True, True),
        ("ALTER", True, False),
    ]
    assert steps[0].index == ("public", "o_idx") and steps[2].sql.endswith("DEFAULT 'a;b'")
    with pytest.raises(DatabaseError, match=r"m2: line 3: not valid SQL"):
        steps_of("CREATE TABLE a (id int);\n\nCREATE TABLEE b (id int);\n", "m2")


def test_interactive_rename_confirmation(
    tmp_path: Path, fresh_db: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    case = CASES / "77_rename_candidate_reported"
    assert cli.main(["up", "--database-url", fresh_db, str(case / "before.md")]) == 0

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr("sys.stdin", Terminal("y\n"))
    monkeypatch.setattr("sys.stderr", Terminal())
    assert cli.main(["plan", "--database-url", fresh_db, str(case / "after.md")]) == 0
    out = capsys.readouterr().out
    assert "ALTER TABLE items RENAME COLUMN full_name TO display_name;" in out
    assert "DROP COLUMN" not in out


# ---- versioned migrations ---------------------------------------------------------------------


def _migrate(action: str, *args: str, doc: Path, url: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`schemadoc migrate ACTION DOC [NAME|N]`, as every command takes DOC."""
    return run("migrate", action, str(doc), *args, "--database-url", url, "--dir", str(cwd / "migrations"))


def test_migrate_new_apply_status_rollback(tmp_path: Path, fresh_db: str) -> None:
    doc = tmp_path / "shop.md"
    doc.write_text(SHOP_V1)
    first = _migrate("new", "initial", doc=doc, url=fresh_db, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    m1 = Path(first.stdout.strip())
    assert m1.name.endswith("_initial") and (m1 / "up.sql").exists() and (m1 / "down.sql").exists()
    assert "CREATE TABLE customers" in (m1 / "up.sql").read_text()
    nothing = _migrate("new", "again", doc=doc, url=fresh_db, cwd=tmp_path)
    assert nothing.returncode == 0 and "no changes" in nothing.stderr

    earlier = run(
        "migrate", "status", "--doc", str(doc), "--database-url", fresh_db, "--dir", str(tmp_path / "migrations")
    )
    assert earlier.returncode == 0, earlier.stderr  # the earlier spelling, --doc DOC, still works
    missing = run("migrate", "new", "--database-url", fresh_db)
    assert missing.returncode == 64 and "needs the document" in missing.stderr

    doc.write_text(SHOP_V2)
    refused = _migrate("new", "v2", doc=doc, url=fresh_db, cwd=tmp_path)
    assert refused.returncode == 3 and "drop column public.orders.note" in refused.stderr
    second = _migrate("new", "v2", "--allow-data-loss", doc=doc, url=fresh_db, cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    m2 = Path(second.stdout.strip())
    assert m2.name > m1.name

    status = _migrate("status", doc=doc, url=fresh_db, cwd=tmp_path)
    assert status.returncode == 0
    assert [line.split()[0] for line in status.stdout.splitlines()] == ["pending", "pending"]

    applied = _migrate("apply", doc=doc, url=fresh_db, cwd=tmp_path)
    assert applied.returncode == 0, applied.stderr
    assert f"applied {m1.name}" in applied.stderr and f"applied {m2.name}" in applied.stderr
    assert run("drift", "--database-url", fresh_db, str(doc)).returncode == 0
    rows = _sql(
        fresh_db,
        "SELECT id, name, length(checksum), applied_at IS NOT NULL, duration IS NOT NULL, applied_by = current_user "
        "FROM schemadoc.schemadoc_migrations ORDER BY id",
    )
    assert rows == [(m1.name, "initial", 64, True, True, True), (m2.name, "v2", 64, True, True, True)]
    assert "nothing to apply" in _migrate("apply", doc=doc, url=fresh_db, cwd=tmp_path).stderr

    back = _migrate("rollback", doc=doc, url=fresh_db, cwd=tmp_path)
    assert back.returncode == 0 and f"rolled back {m2.name}" in back.stderr
    doc.write_text(SHOP_V1)
    assert run("drift", "--database-url", fresh_db, str(doc)).returncode == 0
    status = _migrate("status", doc=doc, url=fresh_db, cwd=tmp_path)
    assert [line.split()[0] for line in status.stdout.splitlines()] == ["applied", "pending"]

    (m1 / "up.sql").write_text((m1 / "up.sql").read_text() + "\n-- edited\n")
    edited = _migrate("apply", doc=doc, url=fresh_db, cwd=tmp_path)
    assert edited.returncode == 1 and "changed after they were applied" in edited.stderr
    status = _migrate("status", doc=doc, url=fresh_db, cwd=tmp_path)
    assert status.returncode == 1 and status.stdout.startswith("modified")


def test_migration_with_concurrent_index_resumes_after_an_interruption(tmp_path: Path, fresh_db: str) -> None:
    mdir = tmp_path / "migrations" / "20260101T000000_index"
    mdir.mkdir(parents=True)
    (mdir / "up.sql").write_text(
        "CREATE TABLE t (id int PRIMARY KEY, v int);\n"
        "INSERT INTO t SELECT g, g % 7 FROM generate_series(1, 1000) g;\n"
        "CREATE INDEX CONCURRENTLY t_v_idx ON t (v);\n"
        "CREATE TABLE after_index (id int);\n"
    )
    (mdir / "down.sql").write_text("DROP TABLE after_index;\nDROP TABLE t;\n")
    # a previous run got as far as the index build and died before recording it; the build left it INVALID
    _sql(fresh_db, history.HISTORY_SQL)
    _sql(
        fresh_db,
        "CREATE TABLE t (id int PRIMARY KEY, v int); INSERT INTO t SELECT g, g % 7 FROM generate_series(1, 1000) g;",
    )
    _sql(
        fresh_db,
        "CREATE INDEX t_v_idx ON t (v); UPDATE pg_index SET indisvalid = false WHERE indexrelid = 't_v_idx'::regclass;",
    )
    checksum = history.migrations_in(tmp_path / "migrations")[0].checksum
    _sql(
        fresh_db,
        f"INSERT INTO schemadoc.schemadoc_migrations (id, name, checksum, steps_done, steps_total) "
        f"VALUES ('20260101T000000_index', 'index', '{checksum}', 2, 4)",
    )
    status = history.status(tmp_path / "migrations", fresh_db)
    assert status[0].state == "in progress" and status[0].detail == "2 of 4 steps done"
    history.apply(tmp_path / "migrations", fresh_db)
    assert _sql(fresh_db, "SELECT indisvalid FROM pg_index WHERE indexrelid = 't_v_idx'::regclass") == [(True,)]
    assert _sql(fresh_db, "SELECT count(*) FROM t") == [(1000,)]  # the first segment was not run twice
    assert _sql(fresh_db, "SELECT to_regclass('after_index') IS NOT NULL") == [(True,)]
    assert history.status(tmp_path / "migrations", fresh_db)[0].state == "applied"


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_plan_after_up_is_empty_for_every_seed(name: str, fresh_db: str) -> None:
    """Each seed, once up, is exactly what its doc says: plan finds nothing, drift finds nothing."""
    doc = SEEDS[name]
    assert run("up", "--fix", "--database-url", fresh_db, str(doc)).returncode == 0
    plan = build(doc, fresh_db, fix=True)
    assert plan.empty, [op.what for op in plan.up]
    assert run("drift", "--fix", "--database-url", fresh_db, str(doc)).returncode == 0


def test_one_transaction_plan_has_no_concurrent_forms(shop: tuple[Path, str]) -> None:
    doc, url = shop
    doc.write_text(SHOP_V2)
    r = run("plan", "--database-url", url, "--allow-data-loss", "--one-transaction", str(doc))
    assert r.returncode == 0
    assert "CONCURRENTLY" not in r.stdout and "in one transaction" in r.stdout
    assert "CREATE INDEX orders_customer_id_idx ON orders (customer_id);" in r.stdout


def test_extension_added_and_removed(fresh_db: str, tmp_path: Path) -> None:
    available = _sql(fresh_db, "SELECT name FROM pg_available_extensions WHERE name = 'citext'")
    if not available:
        pytest.skip("this PostgreSQL has no contrib extensions (citext)")
    before, after = tmp_path / "before.md", tmp_path / "after.md"
    before.write_text("# S\n\n```sql\nCREATE TABLE users (id int PRIMARY KEY, email text);\n```\n")
    after.write_text(
        "# S\n\n```sql\nCREATE EXTENSION citext;\nCREATE TABLE users (id int PRIMARY KEY, email citext);\n```\n"
    )
    assert run("up", "--database-url", fresh_db, str(before)).returncode == 0
    plan = build(after, fresh_db)
    assert [op.what for op in plan.up][:1] == ["create extension citext"]
    assert plan.down[-1].what == "drop extension citext"
    r = run("up", "--database-url", fresh_db, str(after))
    assert r.returncode == 0, r.stderr
    assert build(after, fresh_db).empty


def test_a_database_holding_only_extensions_is_planned_not_applied_on_top(fresh_db: str, tmp_path: Path) -> None:
    """hstore, installed by hand, is not the doc's: up plans its removal (refused without --allow-data-loss,
    like any step that loses something) instead of applying the doc on top and leaving it behind."""
    if not _sql(fresh_db, "SELECT name FROM pg_available_extensions WHERE name IN ('citext', 'hstore')")[1:]:
        pytest.skip("this PostgreSQL has no contrib extensions (citext, hstore)")
    with psycopg.connect(fresh_db, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION hstore")
    doc = tmp_path / "doc.md"
    doc.write_text(
        "# S\n\n```sql\nCREATE EXTENSION citext;\nCREATE TABLE users (id int PRIMARY KEY, email citext);\n```\n"
    )
    refused = run("up", "--database-url", fresh_db, str(doc))
    assert refused.returncode == 3 and "drop extension hstore" in refused.stderr, refused.stderr
    assert _sql(fresh_db, "SELECT count(*) FROM pg_class WHERE relname = 'users'") == [(0,)]  # nothing done
    r = run("up", "--database-url", fresh_db, "--allow-data-loss", str(doc))
    assert r.returncode == 0, r.stderr
    assert _sql(fresh_db, "SELECT extname FROM pg_extension WHERE extname <> 'plpgsql' ORDER BY 1") == [("citext",)]
    assert build(doc, fresh_db).empty
    # an extension the doc creates anyway does not make the database "not empty"
    with psycopg.connect(fresh_db, autocommit=True) as conn:
        conn.execute("DROP TABLE users; DROP EXTENSION citext; CREATE EXTENSION citext")
    assert run("up", "--database-url", fresh_db, str(doc)).returncode == 0


@pytest.mark.parametrize("before,after", [("shop-api", "venta"), ("photobook", "bakery")])
def test_one_seed_migrated_into_another_converges(
    before: str, after: str, fresh_db: str, server_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whole documents as before/after: every kind of change at once, including column types under
    foreign keys and varchar IN-list CHECKs that PostgreSQL prints differently each time; and again with
    the plan's ties broken backwards (its order rests on dependencies alone)."""
    assert run("up", "--fix", "--database-url", fresh_db, str(SEEDS[before])).returncode == 0
    plan = build(SEEDS[after], fresh_db, fix=True)
    with psycopg.connect(fresh_db, autocommit=True) as conn:
        run_steps(conn, steps_of(plan.script("up"), "up"))
    assert build(SEEDS[after], fresh_db, fix=True).empty
    with psycopg.connect(fresh_db, autocommit=True) as conn:
        run_steps(conn, steps_of(plan.script("down"), "down"))
    assert build(SEEDS[before], fresh_db, fix=True).empty
    from schemadoc.migrate import order

    monkeypatch.setattr(order, "priority", lambda op, i: (-op.phase, -i))
    backwards = build(SEEDS[after], fresh_db, fix=True)
    with psycopg.connect(fresh_db, autocommit=True) as conn:
        run_steps(conn, steps_of(backwards.script("up"), "up, ties broken backwards"))
    assert build(SEEDS[after], fresh_db, fix=True).empty


def test_plan_prints_up_as_sql_and_down_for_review(shop: tuple[Path, str]) -> None:
    doc, url = shop
    doc.write_text(SHOP_V2)
    r = run("plan", "--database-url", url, "--allow-data-loss", str(doc))
    up_part, _, down_part = r.stdout.partition("-- ---- down (schemadoc plan --down prints it as SQL) ----\n")
    assert "ALTER TABLE orders DROP COLUMN note;" in up_part
    assert "-- ALTER TABLE orders ADD COLUMN note text;" in down_part
    assert all(line.startswith("--") for line in down_part.splitlines())
    down = run("plan", "--database-url", url, "--allow-data-loss", "--down", str(doc))
    assert "\nALTER TABLE orders ADD COLUMN note text;" in down.stdout


def test_plan_for_a_database_not_created_yet_creates_everything(server_url: str, tmp_path: Path) -> None:
    doc = tmp_path / "shop.md"
    doc.write_text(SHOP_V1)
    r = run("plan", "--database-url", server_url, "--dbname", "sdt_never_created", str(doc))
    assert r.returncode == 0, r.stderr
    assert "database sdt_never_created (not created yet)" in r.stdout
    assert "CREATE TABLE customers" in r.stdout and "CREATE TABLE orders" in r.stdout
    assert _sql(server_url, "SELECT count(*) FROM pg_database WHERE datname = 'sdt_never_created'") == [(0,)]


EVENTS_PLAIN = """# Events

```sql
CREATE TABLE events (id int GENERATED BY DEFAULT AS IDENTITY, at date NOT NULL, kind text UNIQUE,
  PRIMARY KEY (id, at));
CREATE INDEX events_at_idx ON events (at);
CREATE TABLE notes (n serial, at date NOT NULL, body text, old text);
CREATE TABLE tags (id serial PRIMARY KEY, event_id int, event_at date,
  FOREIGN KEY (event_id, event_at) REFERENCES events (id, at));
CREATE VIEW recent AS SELECT id, at FROM events WHERE at > '2024-01-01';
```
"""

EVENTS_PARTITIONED = """# Events

```sql
CREATE TABLE events (id int GENERATED BY DEFAULT AS IDENTITY, at date NOT NULL, kind text,
  PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE events_rest PARTITION OF events DEFAULT;
CREATE INDEX events_at_idx ON events (at);
CREATE TABLE notes (n serial, at date NOT NULL, body text) PARTITION BY LIST (at);
CREATE TABLE notes_all PARTITION OF notes DEFAULT;
CREATE TABLE tags (id serial PRIMARY KEY, event_id int, event_at date,
  FOREIGN KEY (event_id, event_at) REFERENCES events (id, at));
CREATE VIEW recent AS SELECT id, at FROM events WHERE at > '2024-01-01';
```
"""


def test_a_table_becoming_partitioned_and_back_keeps_its_rows(tmp_path: Path, fresh_db: str) -> None:
    """PostgreSQL cannot partition a table in place: it is set aside, made anew, its rows moved in (through
    the new partitions), its sequences moved past them, the keys into it added back, all in one transaction;
    and back again. A column the rebuild drops is data lost, said and counted."""
    doc = tmp_path / "events.md"
    doc.write_text(EVENTS_PLAIN)
    assert run("up", "--database-url", fresh_db, str(doc)).returncode == 0
    _sql(fresh_db, "INSERT INTO events (at, kind) VALUES ('2024-03-01', 'a'), ('2023-01-01', 'b');")
    _sql(fresh_db, "INSERT INTO notes (at, body, old) VALUES ('2024-01-02', 'x', 'kept?'), ('2024-01-03', 'y', NULL);")
    _sql(fresh_db, "INSERT INTO tags (event_id, event_at) VALUES (1, '2024-03-01');")
    doc.write_text(EVENTS_PARTITIONED)
    plan = build(doc, fresh_db)
    assert not any("looks like" in n.message for n in plan.notices)  # the same table, not a rename
    assert [op.what for op in plan.up if op.loses] == ["drop the set-aside public.notes, its rows moved"]
    refused = run("up", "--database-url", fresh_db, str(doc))
    assert refused.returncode == 3 and "the values of public.notes.old — 1 row(s)" in refused.stderr, refused.stderr
    assert run("up", "--database-url", fresh_db, "--allow-data-loss", str(doc)).returncode == 0
    assert _sql(fresh_db, "SELECT tableoid::regclass::text, id, at::text, kind FROM events ORDER BY id") == [
        ("events_2024", 1, "2024-03-01", "a"),
        ("events_rest", 2, "2023-01-01", "b"),
    ]
    assert _sql(fresh_db, "INSERT INTO events (at) VALUES ('2024-06-01') RETURNING id") == [(3,)]
    assert _sql(fresh_db, "INSERT INTO notes (at) VALUES ('2024-06-01') RETURNING n") == [(3,)]
    assert _sql(fresh_db, "SELECT event_id FROM tags") == [(1,)]
    assert build(doc, fresh_db).empty
    doc.write_text(EVENTS_PLAIN)
    assert run("up", "--database-url", fresh_db, str(doc)).returncode == 0  # nothing lost on the way back
    assert _sql(fresh_db, "SELECT tableoid::regclass::text, count(*) FROM events GROUP BY 1") == [("events", 3)]
    assert _sql(fresh_db, "SELECT body FROM notes ORDER BY n") == [("x",), ("y",), (None,)]
    assert _sql(fresh_db, "SELECT count(*) FROM recent") == [(2,)]
    assert build(doc, fresh_db).empty


def test_rows_no_partition_takes_block_the_rebuild(tmp_path: Path, fresh_db: str) -> None:
    """A table made partitioned with partitions that leave some rows out: the plan counts them before it
    runs, and up refuses to start (it would fail at the INSERT)."""
    doc = tmp_path / "events.md"
    doc.write_text("# E\n\n```sql\nCREATE TABLE events (id int NOT NULL, at date NOT NULL);\n```\n")
    assert run("up", "--database-url", fresh_db, str(doc)).returncode == 0
    _sql(fresh_db, "INSERT INTO events VALUES (1, '2024-03-01'), (2, '2023-01-01'), (3, '2031-01-01')")
    doc.write_text(
        "# E\n\n```sql\nCREATE TABLE events (id int NOT NULL, at date NOT NULL) PARTITION BY RANGE (at);\n"
        "CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');\n"
        "CREATE TABLE events_late PARTITION OF events FOR VALUES FROM ('2030-01-01') TO (MAXVALUE);\n```\n"
    )
    plan = build(doc, fresh_db)
    (i,) = [i for i, n in enumerate(plan.notices) if n.blocker]
    assert plan.blocked[i] == 1  # 2023-01-01 has no partition
    r = run("up", "--database-url", fresh_db, str(doc))
    assert r.returncode != 0 and "no partition takes" in r.stderr, r.stderr
    assert _sql(fresh_db, "SELECT count(*) FROM events") == [(3,)]
    _sql(fresh_db, "DELETE FROM events WHERE id = 2")
    assert build(doc, fresh_db).blocked == {}
    assert run("up", "--database-url", fresh_db, str(doc)).returncode == 0
    assert _sql(fresh_db, "SELECT tableoid::regclass::text, id FROM events ORDER BY id") == [
        ("events_2024", 1),
        ("events_late", 3),
    ]


def test_typed_index_operations_reverse_into_the_down_diff() -> None:
    """Index operations are typed: each renders itself, knows its lock and whether it needs a transaction,
    and reverses; the reversed up plan is the down plan the second diff computes (the oracle), and the
    offline forms are the plain, locking ones, rendered so rather than edited out of SQL text."""
    from schemadoc import model as m
    from schemadoc.migrate.diff import diff
    from schemadoc.migrate.ops import CreateIndex, DropIndex, RenameIndex

    table = m.Table("public", "t", (m.Column("x", "integer"), m.Column("y", "text")))
    before = m.Schema.build(
        tables=[table],
        indexes=[m.Index("public", "t_x_idx", "t", ("x",)), m.Index("public", "t_y_idx", "t", ("y",))],
    )
    after = m.Schema.build(
        tables=[table],
        indexes=[
            m.Index("public", "t_x_idx", "t", ("x", "y")),  # changed: dropped and made again
            m.Index("public", "t_y_key", "t", ("y",)),  # t_y_idx renamed
            m.Index("public", "t_xy_idx", "t", ("x",), where="x > 0"),  # new
        ],
    )
    up, down = diff(before, after).ops, diff(after, before).ops
    assert {type(op) for op in up} == {CreateIndex, DropIndex, RenameIndex}
    reversed_up = undo(up) or []
    assert sorted(op.sql for op in reversed_up) == sorted(op.sql for op in down)
    assert "DROP INDEX CONCURRENTLY t_x_idx;" in [op.sql for op in up]
    assert [(op.sql, op.lock, op.transactional) for op in up if isinstance(op, CreateIndex)][0] == (
        "CREATE INDEX CONCURRENTLY t_x_idx ON t (x, y);",
        "SHARE UPDATE EXCLUSIVE",
        False,
    )
    offline = diff(before, after, online=False).ops
    assert all(op.transactional and "CONCURRENTLY" not in op.sql for op in offline)
    assert {op.what: op.lock for op in offline} == {
        "drop index t_x_idx": "ACCESS EXCLUSIVE",
        "create index t_x_idx": "SHARE",
        "create index t_xy_idx": "SHARE",
        "rename index t_y_idx to t_y_key": "SHARE UPDATE EXCLUSIVE",
    }


def test_typed_constraint_operations_reverse_into_the_down_diff() -> None:
    """CHECKs and foreign keys are typed too: NOT VALID then VALIDATE on a table in use, and the reversed up
    plan names the same steps as the down plan the second diff computes."""
    from schemadoc import model as m
    from schemadoc.migrate.diff import diff
    from schemadoc.migrate.ops import AddConstraint, DropConstraint, ValidateConstraint

    parent = m.Table("public", "p", (m.Column("id", "integer", True),), m.PrimaryKey("p_pkey", ("id",)))
    fk = m.ForeignKey("c_p_fkey", ("p_id",), "public", "p", ("id",))
    child = m.Table("public", "c", (m.Column("p_id", "integer"), m.Column("n", "integer")), foreign_keys=(fk,))
    checked = m.replace(child, foreign_keys=(), checks=(m.Check("c_n_check", "n > 0"),))
    before, after = m.Schema.build(tables=[parent, child]), m.Schema.build(tables=[parent, checked])
    up, down = diff(before, after).ops, diff(after, before).ops
    assert [(type(op), op.sql) for op in up] == [
        (DropConstraint, "ALTER TABLE c DROP CONSTRAINT c_p_fkey;"),
        (AddConstraint, "ALTER TABLE c ADD CONSTRAINT c_n_check CHECK (n > 0) NOT VALID;"),
        (ValidateConstraint, "ALTER TABLE c VALIDATE CONSTRAINT c_n_check;"),
    ]
    assert [op.lock for op in up] == ["ACCESS EXCLUSIVE", "ACCESS EXCLUSIVE", "SHARE UPDATE EXCLUSIVE"]
    reversed_up = undo(up) or []
    assert sorted(op.sql for op in reversed_up) == sorted(op.sql for op in down)  # NOT VALID, then validated
    assert [op.lock for op in down if isinstance(op, AddConstraint)] == ["SHARE ROW EXCLUSIVE"]  # both tables


def test_typed_column_operations_reverse_into_the_down_diff() -> None:
    """Columns added, dropped and given another default are typed: the reversed up plan is the down plan
    the second diff computes, statement for statement; a dropped column's values are counted."""
    from schemadoc import model as m
    from schemadoc.migrate.diff import diff
    from schemadoc.migrate.ops import AddColumn, DropColumn, SetDefault

    before = m.Schema.build(
        tables=[m.Table("public", "t", (m.Column("a", "integer", default="1"), m.Column("c", "text")))]
    )
    after = m.Schema.build(
        tables=[m.Table("public", "t", (m.Column("a", "integer", default="2"), m.Column("b", "date")))]
    )
    up, down = diff(before, after).ops, diff(after, before).ops
    assert sorted((type(op).__name__, op.sql) for op in up) == [
        ("AddColumn", "ALTER TABLE t ADD COLUMN b date;"),
        ("DropColumn", "ALTER TABLE t DROP COLUMN c;"),
        ("SetDefault", "ALTER TABLE t ALTER COLUMN a SET DEFAULT 2;"),
    ]
    assert sorted(op.sql for op in undo(up) or []) == sorted(op.sql for op in down)
    (dropped,) = [op for op in up if isinstance(op, DropColumn)]
    assert dropped.loses == "the values of public.t.c"
    assert dropped.at_stake is not None
    assert dropped.at_stake.as_string(None) == 'SELECT count(*) FROM "public"."t" WHERE "c" IS NOT NULL'
    assert {type(op) for op in down} == {AddColumn, DropColumn, SetDefault}


def test_typed_table_and_not_null_operations_reverse_into_the_down_diff() -> None:
    """Tables created and dropped, and NOT NULL set (proved by a CHECK on a table in use) are typed: the
    reversed up plan holds the down plan's tables and NOT NULLs."""
    from schemadoc import model as m
    from schemadoc.migrate.diff import diff
    from schemadoc.migrate.ops import CreateTable, DropTable, SetNotNull

    old = m.Table("public", "old", (m.Column("id", "integer"),))
    kept = m.Table("public", "kept", (m.Column("n", "integer"),))
    new = m.Table("public", "new", (m.Column("id", "integer", True),))
    before = m.Schema.build(tables=[old, kept])
    after = m.Schema.build(tables=[m.replace(kept, columns=(m.Column("n", "integer", True),)), new])
    up, down = diff(before, after).ops, diff(after, before).ops
    typed = (CreateTable, DropTable, SetNotNull)
    assert [(type(op).__name__, op.what) for op in up if isinstance(op, typed)] == [
        ("CreateTable", "create table public.new"),
        ("SetNotNull", "set not null on public.kept.n (proved by kept_n_not_null)"),
        ("DropTable", "drop table public.old"),
    ]
    dropped = next(op for op in up if isinstance(op, DropTable))
    assert dropped.loses == "every row of public.old"
    assert dropped.at_stake is not None and dropped.at_stake.as_string(None) == 'SELECT count(*) FROM "public"."old"'
    reversed_up = sorted(op.sql for op in undo(up) or [] if isinstance(op, typed))
    assert reversed_up == sorted(op.sql for op in down if isinstance(op, typed))


def test_typed_security_operations_reverse_into_the_down_diff() -> None:
    """Triggers, policies, grants and row level security are typed: each names its lock (a trigger's
    SHARE ROW EXCLUSIVE lets reads go on), and the reversed up plan is the down plan, statement for statement."""
    from schemadoc import model as m
    from schemadoc.migrate.diff import diff
    from schemadoc.migrate.ops import CreateOnTable, DropFromTable, Grant, RowSecurity

    fn = m.Function("public", "touch", (), "trigger", "plpgsql", "BEGIN RETURN NEW; END")
    t = m.Table("public", "t", (m.Column("id", "integer"),))
    trig = m.Trigger("public", "t", "t_touch", "BEFORE", ("UPDATE",), "public.touch", True)
    policy = m.Policy("public", "t", "mine", "SELECT", using="true")
    before = m.Schema.build(tables=[t], functions=[fn], triggers=[trig])
    after = m.Schema.build(
        tables=[m.replace(t, rls_enabled=True)],
        functions=[fn],
        policies=[policy],
        grants=[m.Grant("TABLE", "public.t", "reader", ("SELECT",))],
    )
    up, down = diff(before, after).ops, diff(after, before).ops
    assert {type(op) for op in up} == {CreateOnTable, DropFromTable, Grant, RowSecurity}
    assert {op.what: op.lock for op in up} == {
        "drop trigger t_touch on public.t": "ACCESS EXCLUSIVE",
        "create policy mine on public.t": "ACCESS EXCLUSIVE",
        "grant SELECT to reader": "",
        "enable row level security on public.t": "ACCESS EXCLUSIVE",
    }
    assert sorted(op.sql for op in undo(up) or []) == sorted(op.sql for op in down)
    created = next(op for op in down if isinstance(op, CreateOnTable))
    assert created.lock == "SHARE ROW EXCLUSIVE"


def test_operations_run_after_what_they_need_and_drops_after_the_last_use() -> None:
    """Phases only break ties: a composite waits for the domain its attribute is, a function returning a
    table's rows waits for that table, a SQL-standard body for the function it calls; going back, an enum is
    dropped after the domain over it, though both are types and the enum's drop was planned first."""
    from schemadoc import model as m
    from schemadoc.migrate.diff import diff

    money = m.Domain("public", "money_amount", "numeric(12,2)", checks=(m.Check("positive", "VALUE > 0"),))
    line = m.CompositeType("public", "a_line", (("sku", "text"), ("price", "money_amount")))
    orders = m.Table("public", "orders", (m.Column("id", "bigint"), m.Column("lines", "a_line[]")))
    rows = m.Function("public", "a_rows", (), "SETOF orders", "sql", "SELECT * FROM orders")
    count = m.Function("public", "a_count", (), "bigint", "sql", "RETURN b_one()", standard_body=True)
    one = m.Function("public", "b_one", (), "bigint", "sql", "RETURN 1", standard_body=True)
    status = m.Enum("public", "a_status", ("new", "paid"))
    state = m.Domain("public", "z_state", "a_status")
    before = m.Schema.build(enums=[status], domains=[state])
    after = m.Schema.build(domains=[money], composites=[line], tables=[orders], functions=[rows, count, one])

    up = [op.what for op in diff(before, after).ops]
    assert up.index("create domain public.money_amount") < up.index("create type public.a_line")
    assert up.index("create type public.a_line") < up.index("create table public.orders")
    assert up.index("create table public.orders") < up.index("create function public.a_rows()")
    assert up.index("create function public.b_one()") < up.index("create function public.a_count()")
    assert up.index("drop domain public.z_state") < up.index("drop type public.a_status")
    # what the phases alone gave: each of these the other way round
    assert [op.what for op in sorted(diff(before, after).ops, key=lambda op: op.phase)] != up


def test_typed_schema_object_operations_reverse_into_the_down_diff() -> None:
    """Schemas, enums, domains, sequences and functions made or dropped whole: each operation renders itself
    and reverses into the statement the second diff plans for the way back."""
    from schemadoc import model as m
    from schemadoc.migrate.diff import diff
    from schemadoc.migrate.ops import CreateObject, CreateSchema, DropObject

    enum = m.Enum("shop", "status", ("new", "paid"))
    domain = m.Domain("public", "code", "text", not_null=True)
    sequence = m.Sequence("public", "numbers", start=10)
    function = m.Function("public", "one", (), "integer", "sql", "SELECT 1")
    before = m.Schema.build(domains=[domain])
    after = m.Schema.build(schemas=["shop"], enums=[enum], sequences=[sequence], functions=[function])
    up, down = diff(before, after).ops, diff(after, before).ops
    assert {type(op) for op in up} == {CreateSchema, CreateObject, DropObject}
    reversed_up = undo(up) or []
    assert sorted(op.sql for op in reversed_up) == sorted(op.sql for op in down)
    assert next(op for op in up if isinstance(op, DropObject)).sql == "DROP DOMAIN code;"


def test_the_rows_at_stake_are_counted_by_composed_sql_with_values_as_literals(fresh_db: str) -> None:
    """An enum value removed loses the rows holding it: the query counting them is composed by psycopg.sql
    (the table and column as identifiers, the values as literals), so a value with a quote counts right."""
    import psycopg

    from schemadoc import model as m
    from schemadoc.migrate.diff import diff
    from schemadoc.migrate.ops import AlterColumnType

    mood = m.Enum("public", "mood", ("ok", "it's", 'say "hi"'))
    table = m.Table("public", "Notes", (m.Column("id", "integer"), m.Column("Mood", "mood")))
    before = m.Schema.build(enums=[mood], tables=[table])
    after = m.Schema.build(enums=[m.replace(mood, values=("ok",))], tables=[table])
    (moved,) = [op for op in diff(before, after).ops if isinstance(op, AlterColumnType)]
    assert moved.at_stake is not None and moved.loses
    with psycopg.connect(fresh_db, autocommit=True) as conn:
        conn.execute("CREATE TYPE mood AS ENUM ('ok', 'it''s', 'say \"hi\"')")
        conn.execute('CREATE TABLE "Notes" (id integer, "Mood" mood)')
        conn.execute("""INSERT INTO "Notes" VALUES (1, 'ok'), (2, 'it''s'), (3, 'it''s'), (4, 'say "hi"')""")
        row = conn.execute(moved.at_stake).fetchone()
    assert row == (3,)
    assert "'it''s'" in moved.at_stake.as_string(None)


def test_an_attach_is_undone_by_dropping_what_it_cloned_unless_the_child_has_its_like() -> None:
    """ATTACH clones the parent's indexes into the child (the target's clones say which), and its reverse
    drops them after detaching; a child that keeps an index of a clone's definition would have it adopted
    instead, which the shadow cannot tell, so that attach is left to the plan compared back."""
    from schemadoc import model as m
    from schemadoc.migrate.diff import diff
    from schemadoc.migrate.ops import AttachPartition, DetachPartition, DropIndex

    cols = (m.Column("id", "integer", True), m.Column("at", "date", True), m.Column("kind", "text"))
    parent = m.Table("public", "events", cols, partition_by="RANGE (at)")
    by_kind = m.Index("public", "events_kind_idx", "events", ("kind",))
    plain = m.Table("public", "events_2026", cols)
    child = m.replace(
        plain, partition_of="public.events", partition_bound="FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')"
    )
    clone = m.Index("public", "events_2026_kind_idx", "events_2026", ("kind",))
    clones = m.Schema.build(indexes=[clone])
    before = m.Schema.build(tables=[parent, plain], indexes=[by_kind])

    after = m.Schema.build(tables=[parent, child], indexes=[by_kind])
    (attach,) = [op for op in diff(before, after, target_clones=clones).ops if isinstance(op, AttachPartition)]
    assert attach.reversible
    back = attach.reverse()
    assert [type(op) for op in back] == [DetachPartition, DropIndex]
    assert back[1].sql == "DROP INDEX CONCURRENTLY events_2026_kind_idx;"

    own = m.Index("public", "events_2026_kind", "events_2026", ("kind",))
    after = m.Schema.build(tables=[parent, child], indexes=[by_kind, own])
    (attach,) = [op for op in diff(before, after, target_clones=clones).ops if isinstance(op, AttachPartition)]
    assert not attach.reversible
    (attach,) = [op for op in diff(before, after).ops if isinstance(op, AttachPartition)]
    assert not attach.reversible  # the target's clones unread


LEFT_OUT = """# Notes

```sql
CREATE EXTENSION IF NOT EXISTS schemadoc_no_such_extension;
CREATE TABLE tags (
  id serial PRIMARY KEY DEFAULT 1,
  label text NOT NULL
);
CREATE TABLE notes (
  id int PRIMARY KEY,
  tag_id int REFERENCES tags (id),
  made_at timestamptz DEFAULT schemadoc_no_such_function()
);
```
"""


def test_what_up_fix_left_out_is_left_out_of_every_later_plan(fresh_db: str, tmp_path: Path) -> None:
    """`up --fix` leaves out what the server cannot make (an extension it lacks, a table's defaults it
    rejects); `up --fix` again, `plan --fix`, `drift --fix` and `migrate new --fix` build the document the
    same way, so they find nothing to do, where without --fix they report the rejection at its line."""
    doc = tmp_path / "notes.md"
    doc.write_text(LEFT_OUT)
    first = run("up", "--fix", "--database-url", fresh_db, str(doc))
    assert first.returncode == 0, first.stderr
    assert "schemadoc_no_such_extension" in first.stderr and "without its defaults" in first.stderr
    again = run("up", "--fix", "--database-url", fresh_db, str(doc))
    assert again.returncode == 0 and "up to date" in again.stderr, again.stderr
    planned = run("plan", "--fix", "--database-url", fresh_db, str(doc))
    assert planned.returncode == 0 and "nothing to do" in planned.stdout, planned.stdout + planned.stderr
    drift = run("drift", "--fix", "--database-url", fresh_db, str(doc))
    assert drift.returncode == 0, drift.stdout + drift.stderr
    strict = run("plan", "--database-url", fresh_db, str(doc))
    assert strict.returncode == 1 and "Traceback" not in strict.stderr
    assert "schemadoc_no_such_extension" in strict.stderr and f"{doc}:4:" in strict.stderr, strict.stderr
    migrations = tmp_path / "migrations"
    made = run("migrate", "new", str(doc), "init", "--dir", str(migrations), "--fix", "--database-url", fresh_db)
    assert made.returncode == 0, made.stderr
    (up_sql,) = migrations.glob("*/up.sql")
    assert "schemadoc_no_such_extension" not in up_sql.read_text() and "CREATE TABLE notes" in up_sql.read_text()


def test_a_type_change_postgresql_has_no_cast_for_is_refused_while_rows_hold_values(
    fresh_db: str, tmp_path: Path
) -> None:
    """integer to uuid has no cast: the plan goes through text (valid SQL, which an empty table takes) and
    says that rows holding values would make it fail, so `up` refuses before running anything."""
    before, after = tmp_path / "v1.md", tmp_path / "v2.md"
    before.write_text("# T\n\n```sql\nCREATE TABLE tokens (id integer PRIMARY KEY, label text);\n```\n")
    after.write_text("# T\n\n```sql\nCREATE TABLE tokens (id uuid PRIMARY KEY, label text);\n```\n")
    assert run("up", "--database-url", fresh_db, str(before)).returncode == 0
    plan = build(after, fresh_db)
    assert "USING id::text::uuid" in plan.script("up")
    with psycopg.connect(fresh_db) as conn:
        conn.execute("INSERT INTO tokens VALUES (1, 'a'), (2, 'b')")
    r = run("up", "--allow-data-loss", "--database-url", fresh_db, str(after))
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "cannot change from integer to uuid in place" in r.stderr and "2 row(s) now" in r.stderr, r.stderr
    assert f"{after}:4:" in r.stderr
    with psycopg.connect(fresh_db) as conn:
        assert conn.execute("SELECT count(*) FROM tokens").fetchone() == (2,)
        conn.execute("DELETE FROM tokens")
    assert run("up", "--database-url", fresh_db, str(after)).returncode == 0
    with psycopg.connect(fresh_db) as conn:
        found = conn.execute(
            "SELECT atttypid::regtype::text FROM pg_attribute WHERE attrelid = 'tokens'::regclass AND attname = 'id'"
        )
        assert found.fetchone() == ("uuid",)
