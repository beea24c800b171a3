"""`schemadoc seed` against a real PostgreSQL: every seed document filled with rows that its constraints
accept (PostgreSQL enforces them on every row), the doc's own rows first, deterministic, atomic."""

from __future__ import annotations

import json
import re
from pathlib import Path

import psycopg
import pytest

from schemadoc.parse import load
from schemadoc.seed.generate import parse_rows, seed
from schemadoc.servers.database import with_database

from .conftest import CORPUS, SEEDS, shared
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
    # exactly the rows asked for in every table (one-to-one keys and CHECKs included), none short
    assert rows and all(n == N for n in rows.values()) and report["short"] == [], (rows, report["short"])
    for table, n in rows.items():
        schema, _, rel = table.partition(".")
        assert _count(fresh_db, f'"{schema}"."{rel}"') >= n
    assert report["skipped"] == []  # the doc's own rows all applied
    # a second run, with a new random seed, adds as many again: unique values do not collide with the first's
    again = run("seed", "--database-url", fresh_db, "--default-rows", str(N), "--format", "json", str(doc))
    second = json.loads(again.stdout)
    assert all(n == N for n in second["rows"].values()) and second["short"] == [], (second["rows"], second["short"])
    assert second["seed"] != report["seed"] and f"--seed {second['seed']}" in again.stderr


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
    assert results[0] == results[1] and len(results[0]) == 30 + 1  # and the seed script's vendor


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


def test_the_docs_prisma_seed_script_goes_in_first(fresh_db: str) -> None:
    """Seed 002's seed.ts: a user, then a vendor whose userId is the id the first call returned."""
    doc = SEEDS["venta"]
    assert run("up", "--database-url", fresh_db, str(doc)).returncode == 0
    with psycopg.connect(fresh_db) as conn:
        report = seed(conn, load(doc), default_rows=10)
    assert report.doc_rows == 2 and report.skipped == []
    with psycopg.connect(fresh_db) as conn:
        rows = conn.execute(
            'SELECT v.name, v.lat, v.long, u."clerkId", u."firstName" FROM vendors v JOIN users u ON u.id = v."userId" '
            "WHERE v.name = 'Test Vendor'"
        ).fetchall()
        assert rows == [("Test Vendor", 40.7128, -74.006, "clerk_test_user", "Test")]
        assert conn.execute("SELECT count(*) FROM users").fetchone() == (11,)


PRISMA_SCRIPT_DOC = """# Blog

```prisma
enum Role {
  ADMIN @map("admin")
  READER @map("reader")
}

model Author {
  id        Int      @id @default(autoincrement())
  email     String   @unique
  role      Role     @default(READER)
  joinedAt  DateTime @default(now()) @map("joined_at")
  posts     Post[]
  @@map("authors")
}

model Post {
  id       Int     @id @default(autoincrement())
  title    String
  meta     Json?
  authorId Int     @map("author_id")
  author   Author  @relation(fields: [authorId], references: [id])
  @@map("posts")
}
```

## Seed script

```ts
const ada = await prisma.author.create({ data: { email: 'ada@example.com', role: Role.ADMIN,
  joinedAt: new Date('2024-03-01T00:00:00Z') } })
await prisma.author.createMany({
  data: [{ email: "bob@example.com" }, { email: `cy@example.com`, role: 'ADMIN' }],
})
await prisma.author.upsert({ where: { email: 'ada@example.com' }, update: {}, create: { email: 'ada@example.com' } })
await prisma.post.create({
  data: { title: 'It\\'s live', meta: { tags: ['a', 'b'], draft: false }, author: { connect: { id: ada.id } } },
})
await prisma.post.create({ data: { title: faker.lorem.words(3), authorId: ada.id } })
await prisma.post.create({ data: { title: 'orphan', authorId: nobody.id } })
```
"""


def test_prisma_seed_calls_connect_enums_dates_and_what_is_skipped(fresh_db: str, tmp_path: Path) -> None:
    doc = tmp_path / "blog.md"
    doc.write_text(PRISMA_SCRIPT_DOC)
    assert run("up", "--database-url", fresh_db, str(doc)).returncode == 0
    with psycopg.connect(fresh_db) as conn:
        report = seed(conn, load(doc), default_rows=0)
    assert report.doc_rows == 4  # create, createMany, upsert (already there), the post with connect
    assert len(report.skipped) == 2
    assert "blog.md:40:1" in report.skipped[0] and "a call of faker.lorem.words()" in report.skipped[0]
    assert "blog.md:41:1" in report.skipped[1] and "nobody.id is not a record" in report.skipped[1]
    with psycopg.connect(fresh_db) as conn:
        authors = conn.execute("SELECT email, role::text, joined_at::date::text FROM authors ORDER BY id").fetchall()
        assert [a[:2] for a in authors] == [
            ("ada@example.com", "admin"),
            ("bob@example.com", "reader"),
            ("cy@example.com", "admin"),
        ]
        assert authors[0][2] == "2024-03-01"
        post = conn.execute(
            "SELECT p.title, p.meta, a.email FROM posts p JOIN authors a ON a.id = p.author_id"
        ).fetchall()
        assert post == [("It's live", {"tags": ["a", "b"], "draft": False}, "ada@example.com")]


SHAPES_DOC = """# Shop

## Products

```sql
CREATE TABLE products (
  id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  dimensions jsonb NOT NULL DEFAULT '{"length": null, "width": null, "height": null}',
  roles text[] NOT NULL DEFAULT ARRAY['user'],
  design jsonb,
  permissions jsonb,
  attributes jsonb
);
COMMENT ON COLUMN products.design IS 'Design data (pages, elements, etc.)';
```

**Permissions format:**

```json
["products.view", "products.edit", "orders.view"]
```

```sql
INSERT INTO products (dimensions, attributes) VALUES ('{}', '{"color": "red", "sizes": [{"label": "S", "stock": 3}]}');
```
"""


def test_json_and_array_values_follow_the_docs_examples(fresh_db: str, tmp_path: Path) -> None:
    doc = tmp_path / "shop.md"
    doc.write_text(SHAPES_DOC)
    assert run("up", "--database-url", fresh_db, str(doc)).returncode == 0
    with psycopg.connect(fresh_db) as conn:
        seed(conn, load(doc), default_rows=40)
    with psycopg.connect(fresh_db) as conn:
        rows = conn.execute(
            "SELECT dimensions, roles, design, permissions, attributes FROM products OFFSET 1"
        ).fetchall()
    assert len(rows) == 40
    assert sum(r[2] is None for r in rows) < 20  # nullable columns: mostly filled
    for dimensions, roles, design, permissions, attributes in rows:
        design, permissions, attributes = design or {}, permissions or ["orders.view"], attributes or {}
        assert set(dimensions) == {"length", "width", "height"}  # the default's keys…
        assert all(isinstance(v, float) for v in dimensions.values())  # …with numbers for measures
        assert roles and set(roles) <= {"user"}  # the default's vocabulary
        assert set(design) <= {"pages", "elements"}  # the description's "(pages, elements, etc.)"
        assert permissions and set(permissions) <= {"products.view", "products.edit", "orders.view"}  # the json block
        assert set(attributes) <= {"color", "sizes"}  # the doc's own row
        assert all(set(s) == {"label", "stock"} and isinstance(s["stock"], int) for s in attributes.get("sizes", []))
    assert sum(bool(r[2]) for r in rows) > 20 and sum(bool(r[4]) for r in rows) > 20
    assert len({tuple(p or ()) for *_, p, _ in rows}) > 2  # not one value repeated


def test_shapes_read_from_defaults_descriptions_and_json_blocks() -> None:
    from schemadoc.seed.shapes import default_example, description_example, examples

    assert default_example('\'{"a": null, "b": [1]}\'::jsonb') == {"a": None, "b": [1]}
    assert default_example("ARRAY['user'::text, 'it''s'::text]") == ["user", "it's"]
    assert default_example("CAST(ARRAY[] AS text[])") == []
    assert default_example("'{a,b}'::text[]") == ["a", "b"]
    assert default_example("now()") is None
    assert description_example("Design data (pages, elements, etc.)") == {"pages": None, "elements": None}
    assert description_example("Array of permission strings") == [""]
    assert description_example("Array of source objects") == [{}]
    assert description_example("Additional attributes as JSON") is None
    # corpus 033: "**Permissions Format:**" and a ```json block under the Role table
    found = examples(load(shared(CORPUS / "033.md")))
    assert found[("public.Role", "permissions")] == ["users.view", "users.create", "posts.view", "posts.edit"]


def test_progress_is_shown_on_a_terminal_only(fresh_db: str) -> None:
    import os
    import pty
    import subprocess
    import sys

    doc = SEEDS["bakery"]
    assert run("up", "--database-url", fresh_db, str(doc)).returncode == 0
    args = ["seed", "--database-url", fresh_db, "--rows", "orders=25000", "--default-rows", "20", str(doc)]
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "schemadoc.cli", *args], stdout=subprocess.DEVNULL, stderr=slave)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    assert proc.wait(timeout=300) == 0
    text = b"".join(chunks).decode()
    assert "\r\x1b[K  orders: generating 10,000 / 25,000" in text
    assert "rows/s" in text and re.search(r"orders: 25,000 rows in [\d.]+ s", text)
    piped = run(*args)  # not a terminal: only the summary
    assert piped.returncode == 0 and "generating" not in piped.stderr and "seeded" in piped.stderr


def test_domains_and_pattern_checks(fresh_db: str) -> None:
    """Domain columns get values of their base type inside the domain's CHECKs (two unnamed CHECKs on one
    domain come up as PostgreSQL names them); `~` CHECKs get strings that match, unique where asked."""
    doc = Path(__file__).parent / "fixtures" / "domains_and_patterns.md"
    up = run("up", "--database-url", fresh_db, str(doc))
    assert up.returncode == 0, up.stderr
    with psycopg.connect(fresh_db) as conn:
        report = seed(conn, load(doc), default_rows=300)
    assert report.rows == {"public.items": 300}
    with psycopg.connect(fresh_db) as conn:
        names = [
            r[0]
            for r in conn.execute(
                "SELECT conname FROM pg_constraint WHERE contypid <> 0 AND connamespace = 'public'::regnamespace ORDER BY 1"
            )
        ]
        assert names == ["email_address_check", "positive_qty_check", "positive_qty_check1", "sku_code_check"]
        rows = conn.execute("SELECT contact, qty, sku, postcode FROM items").fetchall()
    assert len({r[2] for r in rows}) == 300
    for contact, qty, sku, postcode in rows:
        assert re.fullmatch(r"[\w.+-]+@[\w.-]+\.[a-z]{2,}", contact), contact  # the column's emails, not noise
        assert 1 <= qty <= 500
        assert re.fullmatch(r"[A-Z]{3}-[0-9]{4}", sku) and re.fullmatch(r"[0-9]{5}", postcode)


def test_a_table_that_cannot_take_the_rows_asked_says_so(fresh_db: str, tmp_path: Path) -> None:
    doc = tmp_path / "flags.md"
    doc.write_text(
        "# Flags\n\n```sql\nCREATE TABLE flags (id serial PRIMARY KEY, enabled boolean NOT NULL UNIQUE);\n"
        "CREATE TABLE items (id serial PRIMARY KEY, name text);\n```\n"
    )
    assert run("up", "--database-url", fresh_db, str(doc)).returncode == 0
    r = run("seed", "--database-url", fresh_db, "--rows", "10", "--format", "json", str(doc))
    assert r.returncode == 1, r.stderr  # fewer rows than asked: reported, and the exit says so
    report = json.loads(r.stdout)
    assert report["rows"] == {"public.flags": 2, "public.items": 10}
    assert report["short"] == [
        {
            "table": "public.flags",
            "asked": 10,
            "made": 2,
            "why": "the generated rows its CHECKs and unique keys accept ran out (unique or listed: enabled)",
        }
    ]
    assert "warning: fewer rows than asked: public.flags: 2 of 10 rows" in r.stderr


def test_values_fit_what_the_doc_says_a_column_holds(fresh_db: str, server_url: str) -> None:
    """Names by what the table holds, values the doc lists in a comment, times of day as text."""
    from schemadoc.seed.values import _QUALITIES

    venta = SEEDS["venta"]
    assert run("up", "--database-url", fresh_db, str(venta)).returncode == 0
    assert run("seed", "--database-url", fresh_db, "--default-rows", "60", str(venta)).returncode == 0
    with psycopg.connect(fresh_db) as conn:
        # `status String // "active", "cancelled", "expired"` in the Prisma model; the SQL says only TEXT
        statuses = {r[0] for r in conn.execute("SELECT DISTINCT status FROM subscriptions")}
        assert statuses == {"active", "cancelled", "expired"}
        providers = {r[0] for r in conn.execute("SELECT DISTINCT provider FROM subscriptions")}
        assert providers <= {"revenuecat", "stripe"}
    bakery = SEEDS["bakery"]
    name = "sdt_seed_meaning"
    assert run("up", "--database-url", server_url, "--dbname", name, str(bakery)).returncode == 0
    try:
        assert (
            run("seed", "--database-url", server_url, "--dbname", name, "--default-rows", "60", str(bakery)).returncode
            == 0
        )
        with psycopg.connect(with_database(server_url, name)) as conn:
            products = [r[0] for r in conn.execute("SELECT name FROM products WHERE description IS DISTINCT FROM 'x'")]
            generated = [p for p in products if p.split()[0] in _QUALITIES]
            assert len(generated) >= 60  # "Organic Lemon", not "Norma Fisher" (the doc's three are its own)
            slots = [r[0] for r in conn.execute("SELECT delivery_time FROM delivery_schedules")]
            assert slots and all(re.fullmatch(r"\d\d:\d\d(-\d\d:\d\d)?", s) for s in slots), slots[:5]
    finally:
        with psycopg.connect(with_database(server_url, "postgres"), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_inherits_children_are_filled_within_their_parents_checks(fresh_db: str, tmp_path: Path) -> None:
    """A child's rows answer to the CHECKs its parents pass down (`kind = 'user'` from the middle table)."""
    doc = tmp_path / "links.md"
    doc.write_text(
        "# Links\n\n```sql\n"
        "CREATE TABLE links (id bigserial, kind text NOT NULL, target bigint NOT NULL);\n"
        "CREATE TABLE user_links (note text, CHECK (kind = 'user')) INHERITS (links);\n"
        "CREATE TABLE vip_links (tier int NOT NULL DEFAULT 1) INHERITS (user_links);\n"
        "```\n"
    )
    assert run("up", "--database-url", fresh_db, str(doc)).returncode == 0
    r = run("seed", "--database-url", fresh_db, "--default-rows", "15", str(doc))
    assert r.returncode == 0, r.stderr
    with psycopg.connect(fresh_db) as conn:
        counts = conn.execute(
            "SELECT (SELECT count(*) FROM ONLY links), (SELECT count(*) FROM ONLY user_links), "
            "(SELECT count(*) FROM ONLY vip_links), (SELECT count(DISTINCT kind) FROM user_links)"
        ).fetchone()
    assert counts == (15, 15, 15, 1)


def test_composites_arrays_and_postgresqls_own_types_get_values_it_accepts(fresh_db: str) -> None:
    """Every column of every type the fixture lists gets values PostgreSQL's input functions read: composites
    from their attributes' values (arrays and timestamps inside them quoted as record_in reads them), arrays
    of enums, uuids, dates, composites and intervals, geometric, network, bit-string, text-search, range and
    XML values; a column of pg_catalog's `point` gets points even where the doc has an enum named point."""
    doc = Path(__file__).parent / "fixtures" / "typed_values.md"
    up = run("up", "--database-url", fresh_db, str(doc))
    assert up.returncode == 0, up.stderr
    r = run("seed", "--database-url", fresh_db, "--default-rows", "200", str(doc))
    assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr[-2000:]
    with psycopg.connect(fresh_db) as conn:
        assert _count(fresh_db, "shapes") == 200
        types = dict(
            conn.execute(
                "SELECT attname, atttypid::regtype::text FROM pg_attribute"
                " WHERE attrelid = 'shapes'::regclass AND attnum > 0 AND NOT attisdropped"
            ).fetchall()
        )
        assert (types["kind"], types["pkg"], types["at"], types["frame"]) == (
            "public.point",
            "public.box",
            "point",
            "box",
        )
        filled = conn.execute(
            "SELECT count(*) FILTER (WHERE (pkg).label IS NOT NULL), count(*) FILTER (WHERE (size).made_at IS NOT NULL),"
            " count(*) FILTER (WHERE cardinality(sizes) > 0), count(*) FILTER (WHERE area IS NOT NULL),"
            " count(*) FILTER (WHERE length(flags) = 4), count(*) FILTER (WHERE upper(span) > lower(span)),"
            " count(DISTINCT kind) FROM shapes"
        ).fetchone()
    assert filled is not None and all(n > 50 for n in filled[:6]) and filled[6] == 3, filled


def test_hstore_ltree_and_citext_columns_get_values(fresh_db: str, tmp_path: Path) -> None:
    with psycopg.connect(fresh_db) as conn:
        available = {r[0] for r in conn.execute("SELECT name FROM pg_available_extensions")}
    if not {"hstore", "ltree", "citext"} <= available:
        pytest.skip("this PostgreSQL lacks hstore, ltree or citext")
    doc = tmp_path / "doc.md"
    doc.write_text(
        "# Catalog\n\n```sql\nCREATE EXTENSION hstore;\nCREATE EXTENSION ltree;\nCREATE EXTENSION citext;\n"
        "CREATE TABLE nodes (id serial PRIMARY KEY, attrs hstore NOT NULL, path ltree NOT NULL,"
        " handle citext NOT NULL, paths ltree[]);\n```\n"
    )
    assert run("up", "--database-url", fresh_db, str(doc)).returncode == 0
    r = run("seed", "--database-url", fresh_db, "--default-rows", "50", str(doc))
    assert r.returncode == 0, r.stderr[-2000:]
    with psycopg.connect(fresh_db) as conn:
        row = conn.execute(
            "SELECT count(*), min(nlevel(path)), count(*) FILTER (WHERE attrs <> ''::hstore) FROM nodes"
        ).fetchone()
    assert row == (50, 1, 50)


def test_a_json_example_in_a_columns_notes_shapes_its_values(fresh_db: str, tmp_path: Path) -> None:
    """A column table's notes that show a JSON value give a JSON column its shape (the words in it are keys,
    not values to pick from), and the values a note lists for an array column are its elements."""
    doc = tmp_path / "doc.md"
    doc.write_text(
        "# Agents\n\n### `agents`\n"
        "| Column | Type | Constraints | Notes |\n|---|---|---|---|\n"
        "| `id` | TEXT | PRIMARY KEY | |\n"
        '| `capabilities` | JSONB | NOT NULL DEFAULT \'{}\' | `{"tools": [], "skills": []}` |\n'
        "| `roles` | TEXT[] | NOT NULL DEFAULT '{}' | 'reader', 'writer', 'admin' |\n"
    )
    up = run("up", "--database-url", fresh_db, str(doc))
    assert up.returncode == 0, up.stderr
    r = run("seed", "--database-url", fresh_db, "--default-rows", "40", str(doc))
    assert r.returncode == 0, r.stderr[-2000:]
    with psycopg.connect(fresh_db) as conn:
        rows = conn.execute("SELECT capabilities, roles FROM agents").fetchall()
    assert len(rows) == 40
    assert all(set(caps) == {"tools", "skills"} for caps, _ in rows), rows[:3]
    assert all(set(roles) <= {"reader", "writer", "admin"} for _, roles in rows) and any(r for _, r in rows)
