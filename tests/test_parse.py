"""The parsers, without a database: what each format means, and where each problem is."""

from __future__ import annotations

import re
import sys
import textwrap
from pathlib import Path

import psycopg
import pytest

import schemadoc
from schemadoc.errors import Severity


def load(md: str) -> schemadoc.LoadedDocument:
    return schemadoc.loads(textwrap.dedent(md), "doc.md")


def codes(doc: schemadoc.LoadedDocument, severity: Severity = Severity.INFO) -> list[tuple[str, int]]:
    return [(d.code, d.span.line if d.span else 0) for d in doc.diagnostics if d.severity >= severity]


def test_sql_constraint_names_follow_postgres() -> None:
    doc = load("""
        ```sql
        CREATE TABLE promo (
          id serial PRIMARY KEY,
          code text UNIQUE,
          amount numeric(8,2) CHECK (amount > 0),
          a int, b int,
          CHECK (b > a),
          CHECK (a >= 0 AND b >= 0),
          UNIQUE (a, b)
        );
        ```
        """)
    t = doc.schema.table("public.promo")
    assert t is not None
    assert t.primary_key is not None and t.primary_key.name == "promo_pkey"
    assert [u.name for u in t.uniques] == ["promo_code_key", "promo_a_b_key"]
    assert [c.name for c in t.checks] == ["promo_amount_check", "promo_check", "promo_check1"]
    assert t.column("id").type == "integer" and t.column("id").default == "nextval('promo_id_seq'::regclass)"  # type: ignore[union-attr]


def test_tables_used_before_defined_and_missing_extension() -> None:
    doc = load("""
        ```sql
        CREATE TABLE orders (id uuid PRIMARY KEY DEFAULT uuid_generate_v4(), user_id uuid REFERENCES users(id));
        CREATE TABLE users (id uuid PRIMARY KEY);
        ```
        """)
    assert not doc.errors
    assert [e.name for e in doc.schema.extensions] == ["uuid-ossp"]
    assert ("SD040", 3) in codes(doc)
    fk = doc.schema.table("public.orders").foreign_keys[0]  # type: ignore[union-attr]
    assert (fk.name, fk.ref_table, fk.ref_columns) == ("orders_user_id_fkey", "users", ("id",))


def test_unknown_reference_is_an_error_at_its_line() -> None:
    doc = load("""
        # Schema

        ```sql
        CREATE TABLE a (id int PRIMARY KEY);
        CREATE TABLE b (id int PRIMARY KEY, a_id int REFERENCES nope(id));
        ```
        """)
    assert ("SD104", 6) in codes(doc, Severity.ERROR)


def test_partition_of_unpartitioned_table_has_a_fix() -> None:
    doc = load("""
        ```sql
        CREATE TABLE logs (id uuid PRIMARY KEY, created_at timestamptz NOT NULL);
        CREATE TABLE logs_2024 PARTITION OF logs FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
        ```
        """)
    err = [d for d in doc.errors if d.code == "SD111"]
    assert len(err) == 1 and err[0].span is not None and err[0].span.line == 4
    assert err[0].fix is not None and dict(err[0].fix.data)["column"] == "created_at"


def test_pseudo_sql_queries_and_config_are_kept_not_applied() -> None:
    doc = load("""
        ```sql
        CREATE TABLE users (...);
        SELECT count(*) FROM pg_stat_activity;
        VACUUM ANALYZE;
        INSERT INTO t VALUES (1);
        shared_buffers = 256MB
        ```
        """)
    assert doc.schema.tables == ()
    kinds = sorted(e.kind for e in doc.extras)
    assert kinds == ["maintenance", "not-sql", "not-sql", "query", "seed"]
    assert [e.code for e in doc.errors] == ["SD001"]  # kept, not applied: and so the doc describes no table


def test_not_current_sections_and_directives() -> None:
    doc = load("""
        ## Row Level Security (Future Enhancement)

        ```sql
        CREATE TABLE later (id int PRIMARY KEY);
        ```

        <!-- schemadoc: include -->
        ```sql
        CREATE TABLE now_please (id int PRIMARY KEY);
        ```

        ## Current

        <!-- schemadoc: ignore -->
        ```sql
        CREATE TABLE skipped (id int PRIMARY KEY);
        ```
        """)
    assert [t.name for t in doc.schema.tables] == ["now_please"]
    assert ("SD005", 5) in codes(doc)
    assert ("SD006", 17) in codes(doc)


def test_prisma_mapping() -> None:
    doc = load("""
        ```prisma
        model User {
          id        Int      @id @default(autoincrement())
          email     String   @unique @db.VarChar(320)
          posts     Post[]
          tags      Tag[]
          balance   Decimal
          createdAt DateTime @default(now()) @map("created_at")
          @@map("users")
        }
        model Post {
          id       String  @id @default(uuid()) @db.Uuid
          author   User?   @relation(fields: [authorId], references: [id])
          authorId Int?
          title    String
          @@index([authorId, title(sort: Desc)])
        }
        model Tag {
          id    Int    @id
          users User[]
        }
        ```
        """)
    s = doc.schema
    users = s.table("public.users")
    assert users is not None
    assert users.column("email").type == "character varying(320)"  # type: ignore[union-attr]
    assert users.column("balance").type == "numeric(65,30)"  # type: ignore[union-attr]
    assert users.column("created_at").type == "timestamp(3) without time zone"  # type: ignore[union-attr]
    assert users.column("id").default == "nextval('users_id_seq'::regclass)"  # type: ignore[union-attr]
    post = s.table("public.Post")
    assert post.column("id").default == "gen_random_uuid()"  # type: ignore[union-attr]
    fk = post.foreign_keys[0]  # type: ignore[union-attr]
    assert (fk.name, fk.on_delete, fk.on_update) == ("Post_authorId_fkey", "SET NULL", "CASCADE")
    idx = {i.name: i for i in s.indexes}
    assert idx["users_email_key"].unique
    assert idx["Post_authorId_title_idx"].keys == ("authorId", "title DESC")
    join = s.table("public._TagToUser")
    assert join is not None and join.primary_key.name == "_TagToUser_AB_pkey"  # type: ignore[union-attr]
    assert {f.ref_table for f in join.foreign_keys} == {"Tag", "users"}
    assert "_TagToUser_B_index" in idx


def test_markdown_tables_in_a_sql_doc() -> None:
    doc = load("""
        ## Tables

        ### customers

        | Field | Data type | Constraints | Notes |
        |---|---|---|---|
        | id | UUID | PK | |
        | email | VARCHAR(255) | unique, not null | login |
        | org_id | uuid | FK → organizations.id | |

        ### organizations

        | Column | Type | Key |
        |---|---|---|
        | id | uuid | primary key |
        """)
    c = doc.schema.table("public.customers")
    assert c is not None and c.primary_key is not None and c.primary_key.columns == ("id",)
    assert c.column("email").type == "character varying(255)" and c.column("email").not_null  # type: ignore[union-attr]
    assert c.column("email").comment == "login"  # type: ignore[union-attr]
    assert [(f.ref_table, f.ref_columns) for f in c.foreign_keys] == [("organizations", ("id",))]
    assert not doc.errors


def test_default_now_in_a_column_table_is_the_time_of_the_insert(fresh_db: str, tmp_path: Path) -> None:
    """ "Default Now" in a column table means the time each row is made (CURRENT_TIMESTAMP), not the literal
    'now', which PostgreSQL would turn into the time the table was created: the doc then plans to itself
    empty, however long after."""
    text = textwrap.dedent("""
        ## visits

        | Field | Type | Notes |
        |---|---|---|
        | id | Int, Primary Key | |
        | seen_at | DateTime, Default Now | when it happened |
        | seen_on | Date, Default today | |
        | source | String, Default now | a word, not a time |
        """)
    doc = load(text)
    t = doc.schema.table("public.visits")
    assert t is not None
    defaults = {c.name: c.default for c in t.columns}
    assert defaults == {"id": None, "seen_at": "CURRENT_TIMESTAMP", "seen_on": "CURRENT_DATE", "source": "'now'"}
    path = tmp_path / "visits.md"
    path.write_text(text)
    schemadoc.up(path, fresh_db)
    from schemadoc.migrate.plan import build

    assert build(path, fresh_db).empty


def test_a_default_cell_that_describes_the_value_is_not_a_value() -> None:
    """ "(auto)" beside a serial and "(required)" in a Default column say something about the value; they
    are no default (and "(required)" is NOT NULL), where `''`, `0` and `'x'` are defaults."""
    doc = load("""
        ## `sections`

        | Column | Type | Default | Notes |
        |---|---|---|---|
        | `id` | `SMALLSERIAL` | (auto) | Primary key. |
        | `owner` | `INTEGER` | (required) | |
        | `name` | `VARCHAR(60)` | `''` | |
        | `ord` | `SMALLINT` | `0` | |
        | `kind` | `TEXT` | `'page'` | |
        | `note` | `TEXT` | none | |
        """)
    t = doc.schema.table("public.sections")
    assert t is not None and not doc.errors
    found = {c.name: (c.default, c.not_null) for c in t.columns}
    assert found["owner"] == (None, True) and found["note"] == (None, False)
    assert found["id"][0] is None and t.column("id").type == "smallserial"  # type: ignore[union-attr]
    assert (found["name"][0], found["ord"][0], found["kind"][0]) == ("''", "0", "'page'")


def test_sqlite_clock_defaults_are_read_as_postgresql_says_them(fresh_db: str, tmp_path: Path) -> None:
    """SQLite's datetime('now') (UTC text) and strftime('%s', 'now') as defaults are said in PostgreSQL for
    the column's type, noted (SD017); before, the table lost every default and CHECK. (`date('now')` is
    PostgreSQL's own cast of 'now' to date, frozen at CREATE: SD326 says so.)"""
    text = textwrap.dedent("""
        ```sql
        CREATE TABLE notes (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          body TEXT NOT NULL CHECK (length(body) > 0),
          created_at TEXT NOT NULL DEFAULT (datetime('now')),
          seen_at TIMESTAMP DEFAULT (datetime('now')),
          epoch INTEGER DEFAULT (strftime('%s', 'now'))
        );
        ```
        """)
    path = tmp_path / "notes.md"
    path.write_text(text)
    doc = schemadoc.load(path)
    assert [d.code for d in doc.diagnostics if d.code == "SD017"] == ["SD017"] * 3
    result = schemadoc.up(path, fresh_db)
    assert not [d for d in result.diagnostics if d.code == "SD080"]
    with psycopg.connect(fresh_db) as conn:
        row = conn.execute("INSERT INTO notes (body) VALUES ('x') RETURNING created_at, seen_at, epoch").fetchone()
        assert row is not None
        created_at, seen_at, epoch = row
        assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", created_at)
        assert seen_at is not None and epoch > 1_700_000_000
        with pytest.raises(psycopg.errors.CheckViolation):
            conn.execute("INSERT INTO notes (body) VALUES ('')")


def test_mermaid_entities_define_tables_nothing_else_defines() -> None:
    doc = load("""
        ```mermaid
        erDiagram
            CUSTOMER ||--o{ ORDER : places
            CUSTOMER ||--o{ INVOICE : receives
            CUSTOMER {
                int id PK
                string name
            }
            ORDER {
                int id PK
                int customer_id FK
            }
            INVOICE {
                int id PK
            }
        ```
        """)
    # all-caps entity names are table names as an unquoted identifier folds them
    assert {t.name for t in doc.schema.tables} == {"customer", "order", "invoice"}
    order = doc.schema.table("public.order")
    assert [(f.columns, f.ref_table) for f in order.foreign_keys] == [(("customer_id",), "customer")]  # type: ignore[union-attr]
    assert codes(doc, Severity.WARNING) == [("SD122", 5)]


def test_snake_case_index_binds_to_camel_case_column_with_warning() -> None:
    doc = load("""
        ```prisma
        model User {
          id      String @id
          clerkId String
          @@map("users")
        }
        ```

        ```sql
        CREATE INDEX idx_users_clerk_id ON users(clerk_id);
        ```
        """)
    assert {i.name: i.keys for i in doc.schema.indexes}["idx_users_clerk_id"] == ("clerkId",)
    assert ("SD204", 11) in codes(doc, Severity.WARNING)


def test_unclosed_fence_is_reported() -> None:
    doc = load("""
        # Doc

        ```sql
        CREATE TABLE a (id int PRIMARY KEY);
        """)
    assert ("SD003", 4) in codes(doc, Severity.WARNING)
    assert [t.name for t in doc.schema.tables] == ["a"]


def test_fast_printing_of_simple_defaults_matches_pglast() -> None:
    from pglast import parse_sql
    from pglast.stream import RawStream

    from schemadoc.parse.nodes import _simple_text

    sql = (
        "SELECT 1, -7, 1.5, 'x', 'it''s', 'back\\slash', true, false, null, now(), CURRENT_TIMESTAMP, "
        "current_date, localtimestamp, gen_random_uuid(), \"Quoted\"(), count(*), lower('A'), CURRENT_TIME(3), "
        'amount >= 0, a <> b, "Mixed" = \'x\', t.x != -1, x > -1, a = (b = c), x < now(), 1 + 2, "order" = 1'
    )
    fast_ones = 0
    for target in parse_sql(sql)[0].stmt.targetList:  # type: ignore[union-attr]
        fast = _simple_text(target.val)
        if fast is not None:
            fast_ones += 1
            assert fast == str(RawStream()(target.val))
    assert fast_ones >= 18


def test_role_password_is_reported_not_kept() -> None:
    doc = load("""
        ```sql
        CREATE USER app WITH PASSWORD 'hunter2';
        ```
        """)
    assert [(d.code, d.span.line, d.span.col) for d in doc.diagnostics if d.code == "SD050"] == [("SD050", 3, 22)]  # type: ignore[union-attr]
    assert doc.schema.roles[0].login is True
    assert "hunter2" not in schemadoc.emit_script(doc.schema)


def test_django_column_tables() -> None:
    doc = load("""
        Our backend is Django on PostgreSQL.

        ### `Author` (table: `blog_author`)

        | Field | Type | Constraints |
        |---|---|---|
        | `name` | CharField(100) | unique |
        | `bio` | TextField | null, blank |
        | `score` | PositiveIntegerField | default 0 |

        ### `Post` (table: `blog_post`)

        | Field | Type | Constraints |
        |---|---|---|
        | `id` | BigAutoField | PK |
        | `author` | ForeignKey(Author) | on delete cascade |
        | `parent_id` | FK → Post (self) | null |
        | `tags` | ManyToManyField(Tag) | |
        | `body` | RichTextField | |
        """)
    author = doc.schema.table("public.blog_author")
    post = doc.schema.table("public.blog_post")
    assert author is not None and post is not None
    assert author.column("id").type == "bigint" and author.column("id").identity == "by default"  # type: ignore[union-attr]
    assert author.column("name").type == "character varying(100)" and author.column("name").not_null  # type: ignore[union-attr]
    assert author.column("bio").not_null is False  # type: ignore[union-attr]
    assert [c.expression for c in author.checks] == ["score >= 0"]
    assert {f.columns: (f.ref_table, f.on_delete) for f in post.foreign_keys} == {
        ("author_id",): ("blog_author", "CASCADE"),
        ("parent_id",): ("blog_post", "NO ACTION"),
    }
    assert post.column("author_id").type == "bigint" and post.column("tags") is None  # type: ignore[union-attr]
    assert post.column("body").type == "text"  # type: ignore[union-attr]
    assert not doc.errors


def test_tables_in_other_languages_and_enum_columns() -> None:
    doc = load("""
        ## 2. Модель Budget

        ### Поля

        |Поле|Тип|Описание|
        |---|---|---|
        |**id**|UUID|Primary key|
        |**monthly_limit**|Decimal(10,2)|Месячный лимит|
        |**kind**|enum|monthly, yearly|
        """)
    t = doc.schema.table("public.budget")
    assert t is not None and t.primary_key is not None and t.primary_key.columns == ("id",)
    assert t.column("monthly_limit").type == "numeric(10,2)"  # type: ignore[union-attr]
    assert t.column("kind").type == "budget_kind"  # type: ignore[union-attr]
    assert [e.values for e in doc.schema.enums] == [("monthly", "yearly")]


def test_prose_column_lists() -> None:
    doc = load("""
        ## 1. Employees Table

        ### Columns:

        - `EmployeeID` (INT): Unique identifier (Primary Key)
        - `Name` (VARCHAR(80)): Full name
        - `ExitDate` (DATE): When they left (nullable)
        - Contacts: `email`, `phone`

        ### Relationships:

        - `EmployeeID` is referenced by Surveys

        ## Indexes

        ### employees
        - Index on `Name`
        """)
    t = doc.schema.table("public.employees")
    assert t is not None and t.primary_key is not None and t.primary_key.columns == ("EmployeeID",)
    assert [(c.name, c.type, c.not_null) for c in t.columns] == [
        ("EmployeeID", "integer", True),
        ("Name", "character varying(80)", False),
        ("ExitDate", "date", False),
        ("email", "text", False),
        ("phone", "text", False),
    ]
    assert [x.name for x in doc.schema.tables] == ["employees"]


def test_mermaid_enums_and_foreign_keys_from_markers() -> None:
    doc = load("""
        ```mermaid
        erDiagram
            profiles {
                uuid id PK
                enum role "ADMIN|AGENT"
            }
            tickets {
                uuid id PK
                uuid customer_id FK
                uuid agent_id FK "Optional"
            }
            comments {
                uuid id PK
                uuid ticket_id FK
            }
            profiles ||--o{ tickets : "creates"
            profiles ||--o{ tickets : "handles"
            tickets ||--o{ comments : "has"
        ```
        """)
    s = doc.schema
    assert [e.values for e in s.enums] == [("ADMIN", "AGENT")]
    assert s.table("public.profiles").column("role").type == "profiles_role"  # type: ignore[union-attr]
    fks = {(t.name, f.columns, f.ref_table) for t in s.tables for f in t.foreign_keys}
    assert fks == {
        ("tickets", ("customer_id",), "profiles"),
        ("tickets", ("agent_id",), "profiles"),
        ("comments", ("ticket_id",), "tickets"),
    }
    assert [d for d in doc.diagnostics if d.severity >= Severity.WARNING] == []


def test_enum_values_that_differ_between_descriptions() -> None:
    doc = load("""
        This app uses Prisma.

        ```prisma
        enum Status {
          DRAFT
          SENT
        }
        model Invoice {
          id     String @id
          status Status
        }
        ```

        ## Enums

        ### Status

        - DRAFT
        - SENT
        - PAID
        """)
    found = [d for d in doc.diagnostics if d.code == "SD362"]
    assert len(found) == 1 and "DRAFT, SENT, PAID" in found[0].message
    assert found[0].related and found[0].related[0].line == 5
    assert [e.values for e in doc.schema.enums] == [("DRAFT", "SENT")]


def test_prisma_excerpts_and_mysql_native_types_are_notes_not_warnings() -> None:
    doc = schemadoc.loads(
        "# Blog (MySQL)\n\n```prisma\nmodel Post {\n  id      Int    @id\n  content String @db.LongText\n"
        "  flags   Int    @db.UnsignedTinyInt\n}\n```\n\nIndexes:\n\n```prisma\n@@index([createdAt])\n"
        "@@index([status])  // by status\n```\n",
        "blog.md",
    )
    codes = [(d.code, str(d.severity), d.span.line if d.span else 0) for d in doc.diagnostics]
    assert ("SD025", "info", 6) in codes and ("SD025", "info", 7) in codes
    assert ("SD024", "info", 14) in codes
    assert not [c for c in codes if c[1] != "info"]
    post = doc.schema.table("public.Post")
    assert post is not None and {c.name: c.type for c in post.columns} == {
        "id": "integer",
        "content": "text",
        "flags": "smallint",
    }


def test_fuzzing_reproducers_are_diagnostics_not_tracebacks() -> None:
    """Found by fuzzing: a Prisma block cut inside `@@index([`, and expressions hundreds of operators deep
    (RecursionError deparsing and reading PostgreSQL's tree)."""
    cut = load("# X\n\n```prisma\nmodel A {\n  id Int @id\n  @@index([\n```\n")
    assert {d.code for d in cut.errors} == {"SD021"} and any("closing bracket" in d.message for d in cut.errors)
    chain = " + ".join(["1"] * 400)
    deep = load(f"# X\n\n```sql\nCREATE TABLE t (a int CHECK (a > {chain}), b int DEFAULT {chain});\n```\n")
    assert not deep.errors
    t = deep.schema.table("public.t")
    assert t is not None and t.column("b").default.count("+") == 399  # type: ignore[union-attr]
    assert len(t.checks) == 1
    deeper = load("# X\n\n```sql\nCREATE TABLE t (a int DEFAULT " + " + ".join(["1"] * 5000) + ");\n```\n")
    assert [d.code for d in deeper.errors] == ["SD009"]


def test_deep_expressions_come_up(fresh_db: str, tmp_path: Path) -> None:
    import psycopg

    import schemadoc

    doc = tmp_path / "deep.md"
    chain = " OR ".join(f"a = {i}" for i in range(200)) + " OR " + " + ".join(["a"] * 200) + " > 0"
    doc.write_text(f"# X\n\n```sql\nCREATE TABLE t (id int PRIMARY KEY, a int CHECK ({chain}));\n```\n")
    schemadoc.up(doc, fresh_db)
    with psycopg.connect(fresh_db) as conn:
        found = conn.execute("SELECT count(*) FROM pg_constraint WHERE contype = 'c' AND conrelid = 't'::regclass")
        assert found.fetchone() == (1,)


def test_functions_over_table_rows_come_after_their_tables(fresh_db: str, tmp_path: Path) -> None:
    """Docs put their functions first; one taking or returning a table's rows is created once the table is."""
    import psycopg

    import schemadoc

    doc = tmp_path / "fn.md"
    doc.write_text(
        "# X\n\n```sql\n"
        "CREATE FUNCTION recent() RETURNS SETOF messages LANGUAGE sql STABLE AS\n"
        "  $$ SELECT * FROM messages ORDER BY id DESC LIMIT 1 $$;\n"
        "CREATE FUNCTION shout(m messages) RETURNS text LANGUAGE sql AS $$ SELECT upper(m.body) $$;\n"
        "CREATE FUNCTION pairs() RETURNS TABLE(a messages, b int) LANGUAGE sql AS $$ SELECT NULL::messages, 1 $$;\n"
        "CREATE FUNCTION plain(x int) RETURNS int LANGUAGE sql AS $$ SELECT x $$;\n"
        "CREATE TABLE messages (id int PRIMARY KEY, body text, n int DEFAULT plain(1));\n"
        "```\n"
    )
    schemadoc.up(doc, fresh_db)
    with psycopg.connect(fresh_db) as conn:
        conn.execute("INSERT INTO messages (id, body) VALUES (1, 'hi'), (2, 'yo')")
        assert conn.execute("SELECT shout(m) FROM recent() m").fetchall() == [("YO",)]
        assert conn.execute("SELECT n FROM messages WHERE id = 1").fetchone() == (1,)


def test_descriptions_of_one_table_are_merged_and_conflicts_name_both_places() -> None:
    doc = load(
        "# Shop\n\n```sql\nCREATE TABLE users (\n  id bigint PRIMARY KEY,\n  email text NOT NULL\n);\n```\n\n"
        "### users\n\n| Column | Type | Notes |\n|---|---|---|\n| id | bigint | PK |\n"
        "| email | varchar(255) | login |\n| nickname | text | |\n"
    )
    conflict = next(d for d in doc.diagnostics if d.code == "SD202")
    assert conflict.span is not None and conflict.span.line == 15
    assert [r.line for r in conflict.related] == [6]
    assert "varchar" not in conflict.message and "text in its SQL definition (line 6)" in conflict.message
    users = doc.schema.table("public.users")
    assert users is not None and [(c.name, c.type) for c in users.columns] == [("id", "bigint"), ("email", "text")]
    assert users.column("email").comment == "login"  # type: ignore[union-attr]
    assert any(d.code == "SD201" and d.span is not None and d.span.line == 16 for d in doc.diagnostics)


def test_sql_standard_bodies_and_domains_come_up_in_dependency_order(fresh_db: str, tmp_path: Path) -> None:
    """A RETURN or BEGIN ATOMIC body is resolved when created: after the tables and functions it names; a
    domain whose CHECK calls a function after that function. A second up finds the database matching."""
    import psycopg

    import schemadoc

    doc = tmp_path / "dep.md"
    doc.write_text(
        "# X\n\n```sql\n"
        "CREATE TYPE contact AS (label text, address email);\n"
        "CREATE DOMAIN email AS text CHECK (is_email(VALUE));\n"
        "CREATE FUNCTION is_email(t text) RETURNS boolean LANGUAGE sql IMMUTABLE RETURN has_at(t);\n"
        "CREATE FUNCTION has_at(t text) RETURNS boolean LANGUAGE sql IMMUTABLE RETURN t LIKE '%@%';\n"
        "CREATE FUNCTION user_count() RETURNS bigint LANGUAGE sql BEGIN ATOMIC SELECT count(*) FROM users; END;\n"
        "CREATE TABLE users (id int PRIMARY KEY, address email);\n"
        "CREATE VIEW counts AS SELECT user_count() AS n;\n"
        "```\n"
    )
    loaded = schemadoc.load(doc)
    assert [f.standard_body for f in loaded.schema.functions] == [True, True, True]
    schemadoc.up(doc, fresh_db)
    with psycopg.connect(fresh_db) as conn:
        conn.execute("INSERT INTO users VALUES (1, 'a@b')")
        assert conn.execute("SELECT n FROM counts").fetchone() == (1,)
        with pytest.raises(psycopg.errors.CheckViolation):
            conn.execute("INSERT INTO users VALUES (2, 'nobody')")
    assert schemadoc.up(doc, fresh_db).applied == 0


def test_key_columns_find_the_table_they_are_named_for() -> None:
    from schemadoc.parse.references import find_table, foreign_key_note, stem_tables

    tables = ["users", "questions_revisions", "dynamic_backend", "environment", "UserAlias", "categories"]
    assert find_table("user", tables) == "users"
    assert find_table("question_revision", tables) == "questions_revisions"  # each word in the plural
    assert stem_tables("backend", tables) == "dynamic_backend"  # the table it ends
    assert stem_tables("env", tables) == "environment"  # the table it abbreviates
    assert stem_tables("alias", tables) == "UserAlias"
    assert stem_tables("alias", tables, own="UserAlias") is None  # never loosely its own table
    assert stem_tables("cat", [*tables, "catalog_items"]) is None  # ambiguous: no key
    assert stem_tables("uploadedBy", tables) == "users"  # who did it: a user (uploadedById)
    assert stem_tables("created_by", ["Account", "invoices"]) == "Account"
    assert stem_tables("created_by", ["invoices", "orders"]) is None  # no table of people: no key
    assert stem_tables("owned_by", ["users", "owned_by"]) == "owned_by"  # a table of that very name first
    note = foreign_key_note("Foreign Key", "Reference to UserAlias")  # the table in the next cell
    assert note is not None and note.table == "UserAlias" and note.strong


def test_collations_unlogged_tables_and_what_is_not_modelled() -> None:
    doc = load("""
        ```sql
        CREATE COLLATION ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
        CREATE COLLATION bytes FROM "C";
        CREATE COLLATION copy FROM "en-x-unknown";
        CREATE AGGREGATE total (int) (sfunc = int4pl, stype = int);
        CREATE UNLOGGED TABLE sessions (
          id int PRIMARY KEY,
          login text COLLATE ci,
          code text COLLATE "C",
          plain text COLLATE "default",
          raw text COLLATE public.bytes
        );
        CREATE TABLE events (id int);
        ALTER TABLE events SET UNLOGGED;
        ```
        """)
    s = doc.schema
    assert [(c.name, c.provider, c.lc_collate, c.deterministic) for c in s.collations] == [
        ("bytes", "libc", "C", True),
        ("ci", "icu", "und-u-ks-level2", False),
    ]
    t = s.table("public.sessions")
    assert t is not None and t.unlogged
    assert [c.collation for c in t.columns] == [None, "public.ci", "C", None, "public.bytes"]
    events = s.table("public.events")
    assert events is not None and events.unlogged
    said = {(d.code, d.span.line if d.span else 0): d.message for d in doc.diagnostics}
    assert "does not define" in said[("SD011", 5)]  # a copy of a collation nobody defined: left out, said
    assert "Define statement" in said[("SD010", 6)]  # an aggregate: not modelled, said as before
    emitted = schemadoc.emit_script(s)
    assert "CREATE COLLATION ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);" in emitted
    assert "CREATE UNLOGGED TABLE sessions" in emitted and "login text COLLATE ci" in emitted
    assert 'code text COLLATE "C"' in emitted and "raw text COLLATE bytes" in emitted


def _free_pthread_keys() -> int:
    """How many more pthread keys this process could make (glibc allows 1,024 in all)."""
    import ctypes

    libc = ctypes.CDLL("libc.so.6")
    made = []
    while True:
        key = ctypes.c_uint()
        if libc.pthread_key_create(ctypes.byref(key), None) != 0:
            break
        made.append(key.value)
    for key in made:
        libc.pthread_key_delete(key)
    return len(made)


@pytest.mark.skipif(sys.platform != "linux", reason="counts glibc's pthread keys")
def test_reading_many_documents_takes_no_pthread_keys() -> None:
    """PostgreSQL's parser takes a pthread key in each thread that parses and never returns it: documents
    are read on one thread for the process's life, so a process can read any number of them (a thread per
    read used up the 1,024 keys after about a thousand, and OpenSSL then failed with "malloc failure")."""
    import ssl

    text = "# X\n\n```sql\nCREATE TABLE t (id int PRIMARY KEY, n int CHECK (n > 0));\n```\n"
    schemadoc.loads(text)  # the reader thread starts (if it had not) and takes its one key
    before = _free_pthread_keys()
    for _ in range(200):
        assert not schemadoc.loads(text).errors
    assert _free_pthread_keys() == before
    ssl.create_default_context()  # what failed once the keys ran out


def test_inherits_gives_the_child_its_parents_columns() -> None:
    doc = load("""
        ```sql
        CREATE TABLE media_kind (kind text NOT NULL);
        CREATE TABLE media (id bigserial, title text DEFAULT 'untitled', seq int GENERATED ALWAYS AS IDENTITY);
        CREATE TABLE films (minutes int, title text NOT NULL, UNIQUE (id)) INHERITS (media, media_kind);
        CREATE TABLE shorts () INHERITS (films);
        CREATE TABLE books (isbn text);
        ALTER TABLE books INHERIT media;
        CREATE TABLE orphans (x int) INHERITS (nowhere);
        ```
        """)
    s = doc.schema
    films = s.table("public.films")
    assert films is not None and films.inherits == ("public.media", "public.media_kind")
    # the parents' columns first, in their order; a column the child declares again merges into its place
    assert [(c.name, c.inherited) for c in films.columns] == [
        ("id", True), ("title", False), ("seq", True), ("kind", True), ("minutes", False)
    ]  # fmt: skip
    title, seq = films.columns[1], films.columns[2]
    assert title.not_null and title.default == "'untitled'"  # the parent's default, the child's NOT NULL
    assert seq.identity is None and seq.not_null  # identity is not inherited; its NOT NULL is
    shorts = s.table("public.shorts")
    assert shorts is not None and [c.name for c in shorts.columns] == ["id", "title", "seq", "kind", "minutes"]
    assert all(c.inherited for c in shorts.columns)
    books = s.table("public.books")
    assert books is not None and books.inherits == ("public.media",)
    assert [c.name for c in books.columns] == ["id", "title", "seq", "isbn"]
    assert [d.code for d in doc.errors] == ["SD102"] and "nowhere" in doc.errors[0].message
    emitted = schemadoc.emit_script(s.with_(tables=[t for t in s.tables if t.name != "orphans"]))
    films_sql = emitted[emitted.index("CREATE TABLE films") :].split(";")[0]
    assert (
        "title text DEFAULT 'untitled' NOT NULL" in films_sql
        and "minutes integer" in films_sql
        and "kind text" not in films_sql
    )
    assert films_sql.endswith("\nINHERITS (media, media_kind)")
    assert "CREATE TABLE shorts ()\nINHERITS (films);" in emitted
    assert emitted.index("CREATE TABLE media ") < emitted.index("CREATE TABLE films")
    assert not [d for d in doc.diagnostics if d.code == "SD011"]


def test_alter_table_drop_column() -> None:
    doc = load("""
        ```sql
        CREATE TABLE a (a1 int, a2 int UNIQUE, a3 int, CHECK (a2 > a3), CHECK (a1 > 0));
        ALTER TABLE a DROP COLUMN a2;
        ALTER TABLE a DROP COLUMN IF EXISTS nothing;
        ALTER TABLE a DROP COLUMN nothing;
        ```
        """)
    a = doc.schema.table("public.a")
    assert a is not None and [c.name for c in a.columns] == ["a1", "a3"]
    assert not a.uniques and [c.expression for c in a.checks] == ["a1 > 0"]  # a2's constraints went with it
    assert [(d.code, d.span.line if d.span else 0) for d in doc.errors] == [("SD102", 6)]


def test_a_doc_of_extensions_only_is_a_schema() -> None:
    doc = load("""
        ```sql
        CREATE EXTENSION citext VERSION '1.5';
        CREATE EXTENSION pg_trgm;
        ```
        """)
    assert not doc.errors  # not SD001: extensions are database objects the doc creates
    assert [(e.name, e.version) for e in doc.schema.extensions] == [("citext", "1.5"), ("pg_trgm", None)]


def test_each_reader_says_where_a_definition_ends() -> None:
    """A table's span carries the line its definition ends on (the statement's `;`, the model's or entity's
    `}`, the class's last line, the call's `)`), so the docs site and the fixers need no scan of their own."""
    doc = schemadoc.loads(
        "# Shop\n"  # 1
        "\n```sql\n"  # 3
        "CREATE TABLE a (\n  id int PRIMARY KEY,\n  note text\n);\n"  # 4-7
        "```\n\n```prisma\n"  # 10
        "model B {\n  id Int @id\n\n  name String\n}\n"  # 11-15
        "```\n\n```mermaid\nerDiagram\n"  # 19
        "  C {\n    int id PK\n  }\n"  # 20-22
        "```\n\n```python\n"  # 25
        "class D(Base):\n    __tablename__ = 'd'\n    id = Column(Integer, primary_key=True)\n"  # 26-28
        "```\n\n```ts\n"  # 31
        "export const e = pgTable('e', {\n  id: serial('id').primaryKey(),\n});\n"  # 32-34
        "```\n\n```sql\n"  # 37
        "CREATE TABLE `f` (`id` INT AUTO_INCREMENT PRIMARY KEY,\n  `n` VARCHAR(10)\n) ENGINE=InnoDB;\n"  # 38-40
        "```\n",
        "ends.md",
    )
    ends = {t.name: (t.span.line, t.span.end_line) for t in doc.schema.tables if t.span}
    assert ends == {
        "a": (4, 7),
        "B": (11, 15),
        "c": (20, 22),
        "d": (26, 28),
        "e": (32, 34),
        "f": (38, 40),
    }, ends
