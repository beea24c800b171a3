"""Every diagnostic code schemadoc emits, in one catalogue: the lint rules (`schemadoc.lint`, each with the
check that finds it) and the codes the reader, the apply step and `check --live` report as they go.

`schemadoc rules` lists them all and `schemadoc rule CODE` explains each; a test fails on a code that is
emitted but not listed here, and on a listed code no fixture shows.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from schemadoc.errors import Severity

E, W, N = Severity.ERROR, Severity.WARNING, Severity.INFO  # N: a note


@dataclass(frozen=True, slots=True)
class Entry:
    code: str
    name: str
    severity: Severity  # the default; a configuration may change it
    family: str  # reader, apply, live, or a lint rule's family
    explanation: str
    fix: str | None = None  # what its fix does and which commands make it (lint/fixes.py), when it has one


# code: (name, default severity, family, explanation)
_READER: dict[str, tuple[str, Severity, str, str]] = {
    "SD001": (
        "no-schema",
        E,
        "reader",
        "Nothing of a database is described in any format schemadoc reads: no table, type, view or function. `check -v` says what each block was read as.",
    ),
    "SD002": (
        "schema-read-as-nothing",
        W,
        "reader",
        "A block looks like schema (CREATE statements, a column table, model code) but nothing in it was read, so none of it is applied.",
    ),
    "SD003": (
        "unclosed-fence",
        W,
        "reader",
        "A code fence is opened and never closed: everything after it is one code block. Close the fence.",
    ),
    "SD005": (
        "section-not-current",
        N,
        "reader",
        "The section says it is not current (deprecated, old, superseded), so its blocks are documentation, not schema.",
    ),
    "SD006": ("block-ignored", N, "reader", "A `<!-- schemadoc: ignore -->` directive turns the next block off."),
    "SD009": (
        "nested-too-deep",
        E,
        "reader",
        "An expression is nested deeper than schemadoc reads (hundreds of levels); the statement is not applied.",
    ),
    "SD010": (
        "statement-not-modelled",
        N,
        "reader",
        "A SQL statement schemadoc reads but does not model (a GRANT on an unknown object, a SET, …) is kept as documentation.",
    ),
    "SD011": (
        "alter-not-modelled",
        W,
        "reader",
        "An ALTER TABLE subcommand schemadoc does not model is left out of the schema.",
    ),
    "SD012": (
        "not-postgresql",
        N,
        "reader",
        "A statement in a SQL block is not valid PostgreSQL and looks like documentation (pseudo-code, a fragment); it is kept and not applied.",
    ),
    "SD013": (
        "dbml-unreadable",
        E,
        "reader",
        "A DBML block pydbml cannot read; the parser's message and position are given.",
    ),
    "SD014": (
        "kept-as-documentation",
        N,
        "reader",
        "A block that is not schema (a query, a shell session, a config file) is kept as documentation.",
    ),
    "SD015": (
        "other-sql-dialect",
        N,
        "reader",
        "SQL written for another database (MySQL, SQLite, SQL Server, Oracle) is translated to PostgreSQL with sqlglot; each construct changed is named.",
    ),
    "SD016": (
        "create-unreadable",
        E,
        "reader",
        "A CREATE statement that neither PostgreSQL's parser nor another dialect reads, with the parser's message at its position (often a missing comma).",
    ),
    "SD017": (
        "foreign-default",
        N,
        "reader",
        "A column default written for another database (NOW() in MySQL form, GETDATE(), SYSDATE, UUID()) is read as its PostgreSQL equivalent.",
    ),
    "SD018": (
        "python-unreadable",
        W,
        "reader",
        "A Python block Python's own parser rejects; its models are not applied.",
    ),
    "SD019": ("model-without-columns", N, "reader", "An ORM model declares no column schemadoc reads."),
    "SD020": (
        "prisma-import",
        N,
        "reader",
        "A Prisma `import` is resolved against the other Prisma blocks of the document.",
    ),
    "SD021": (
        "prisma-unreadable-line",
        W,
        "reader",
        "A line of a Prisma block that schemadoc cannot read is left out.",
    ),
    "SD022": (
        "prisma-unsupported",
        W,
        "reader",
        "A Prisma block kind schemadoc does not support (a view, a type) is left out.",
    ),
    "SD023": (
        "prisma-unknown-native-type",
        W,
        "reader",
        "An `@db.` native type Prisma's PostgreSQL connector does not have.",
    ),
    "SD024": ("prisma-excerpt", N, "reader", "Prisma lines outside any model: an excerpt, not applied."),
    "SD025": (
        "prisma-mysql-native-type",
        N,
        "reader",
        "An `@db.` native type of MySQL's connector, mapped to its PostgreSQL type.",
    ),
    "SD027": (
        "redis-example-not-json",
        W,
        "reader",
        "The example value of a Redis key layout is not valid JSON, so its shape is not checked.",
    ),
    "SD030": (
        "column-table-without-table",
        W,
        "reader",
        "A Markdown table of columns under no heading that names its table is not applied.",
    ),
    "SD031": (
        "unknown-type",
        W,
        "reader",
        "A column type that is neither PostgreSQL's nor one the document defines; the column is created as text.",
    ),
    "SD040": (
        "extension-implied",
        N,
        "reader",
        "The document uses an extension's function or type but never creates the extension; it is created first.",
    ),
    "SD042": (
        "django-implicit-id",
        N,
        "reader",
        "Django gives a model without a primary key an automatic `id bigint GENERATED BY DEFAULT AS IDENTITY`.",
    ),
    "SD043": (
        "many-to-many-without-table",
        N,
        "reader",
        "A many-to-many field has no column and its join table is not described, so it is not created.",
    ),
    "SD044": (
        "primary-key-implied",
        N,
        "reader",
        "A table names no primary key and a reference points at one of its columns: that column is taken as the key.",
    ),
    "SD046": (
        "table-named-only",
        N,
        "reader",
        "A table is named among the tables but none of its columns is described: it is created with its key (id).",
    ),
    "SD047": (
        "platform",
        N,
        "reader",
        "The document is written for a platform (Supabase) whose objects it takes as given; up creates a minimal stand-in where they are missing.",
    ),
    "SD048": (
        "diagram-only-table",
        N,
        "reader",
        "An entity appears only in an ER diagram's relationships: its table is created with its key.",
    ),
    "SD049": ("diagram-join-table", N, "reader", "A many-to-many relationship of an ER diagram becomes a join table."),
    "SD050": (
        "password-in-document",
        W,
        "reader",
        "The document writes a role's password; schemadoc creates the role without it. Set passwords out of band.",
    ),
    "SD101": (
        "prisma-unknown-type",
        E,
        "reader",
        "A Prisma field's type is neither a scalar nor a model or enum of the document.",
    ),
    "SD102": ("alter-unknown-table", E, "reader", "ALTER TABLE of a table the document does not define."),
    "SD103": ("comment-on-unknown", W, "reader", "COMMENT ON an object the document does not define."),
    "SD104": (
        "foreign-key-unknown-table",
        E,
        "reader",
        "A foreign key references a table the document does not define (up --fix leaves the key out).",
    ),
    "SD105": ("foreign-key-unknown-column", E, "reader", "A foreign key references a column its table does not have."),
    "SD106": ("index-unknown-table", E, "reader", "An index is on a table the document does not define."),
    "SD107": ("trigger-unknown-table", E, "reader", "A trigger is on a table the document does not define."),
    "SD108": ("trigger-unknown-function", E, "reader", "A trigger executes a function the document does not define."),
    "SD109": (
        "policy-unknown-table",
        E,
        "reader",
        "A row-level security policy is on a table the document does not define.",
    ),
    "SD110": (
        "partition-of-unknown",
        E,
        "reader",
        "A table is declared a partition of a table the document does not define.",
    ),
    "SD111": (
        "partition-of-plain-table",
        E,
        "reader",
        "A table is declared PARTITION OF a table that is not partitioned; the fix makes the parent PARTITION BY the bound's column.",
    ),
    "SD112": (
        "partition-key-not-in-unique",
        E,
        "reader",
        "A partitioned table's primary key or unique constraint must include the partition key.",
    ),
    "SD113": (
        "foreign-key-types-differ",
        E,
        "reader",
        "A foreign key's columns and the columns it references have types PostgreSQL cannot compare.",
    ),
    "SD120": ("diagram-unknown-table", W, "reader", "An ER diagram relationship names an entity no table defines."),
    "SD121": (
        "diagram-implicit-many-to-many",
        N,
        "reader",
        "No column carries a diagram's relationship; following Prisma, it becomes an implicit many-to-many table.",
    ),
    "SD122": (
        "diagram-relationship-without-key",
        W,
        "reader",
        "An ER diagram relationship is carried by no foreign key of the tables.",
    ),
    "SD123": (
        "described-foreign-key-unknown",
        W,
        "reader",
        "A column is described as a foreign key to a table no description matches; the column gets no key.",
    ),
    "SD124": (
        "foreign-key-by-name",
        N,
        "reader",
        "A column is taken as a foreign key to the table its name names (`user_id` → users).",
    ),
    "SD201": (
        "column-in-one-description",
        W,
        "reader",
        "A table is described twice (SQL and a column table, Prisma and SQL) and a column appears in only one of them.",
    ),
    "SD202": (
        "descriptions-disagree",
        W,
        "reader",
        "Two descriptions of the same column disagree (type, nullability, default); both places are named and the primary one is used.",
    ),
    "SD203": (
        "defined-twice",
        W,
        "reader",
        "An object is defined twice with different definitions; the later one is used.",
    ),
    "SD204": (
        "column-name-case",
        W,
        "reader",
        "A statement names a column that only exists in another spelling (case); it is bound to that column.",
    ),
    "SD205": ("two-primary-keys", E, "reader", "A table declares more than one primary key."),
    "SD206": (
        "foreign-key-actions-differ",
        W,
        "reader",
        "A foreign key is described twice with different ON DELETE/ON UPDATE actions; the first is used.",
    ),
    "SD207": (
        "table-name-case",
        W,
        "reader",
        "A statement names a table that only exists in another spelling (case); it is bound to that table.",
    ),
    "SD362": (
        "enum-values-differ",
        W,
        "reader",
        "An enum lists different values in two descriptions; the other description is used.",
    ),
    "SD080": (
        "rejected-by-postgresql",
        W,
        "apply",
        "With up --fix, a statement PostgreSQL rejects is left out (or a simpler form of it kept) and the rest applied; PostgreSQL's reason is given at the statement's line.",
    ),
    "SD081": (
        "extension-unavailable",
        W,
        "apply",
        "The server cannot create an extension the document needs; with --fix it is left out, its columns' types become text, and what needs it is left out at its line.",
    ),
    "SD082": (
        "uuid-ossp-stood-in",
        W,
        "apply",
        "The server has no uuid-ossp: uuid_generate_v4() and uuid_nil() are provided on gen_random_uuid() (PostgreSQL 13+) instead.",
    ),
    "SD350": (
        "query-fails-live",
        W,
        "live",
        "`check --live`: a documented query (monitoring, maintenance) fails on a real server with the schema applied; PostgreSQL's message is given.",
    ),
    "SD351": (
        "schema-rejected-live",
        E,
        "live",
        "`check --live`: PostgreSQL rejects a statement of the schema itself when applied on a scratch database.",
    ),
}


def entries() -> Iterator[Entry]:
    """Every code, sorted: the reader's, the apply step's, `check --live`'s and the lint rules."""
    from schemadoc.lint import rules
    from schemadoc.lint.fixes import FIXERS

    def fix_of(code: str) -> str | None:
        f = FIXERS.get(code)
        return f"{f.description} ({f.applies_to()}{'' if f.safe else ', with --unsafe-fixes'})" if f else None

    found = {code: Entry(code, *spec, fix_of(code)) for code, spec in _READER.items()}
    for r in rules():
        found[r.code] = Entry(r.code, r.name, r.severity, r.family, r.explanation, fix_of(r.code))
    yield from (found[k] for k in sorted(found))


def entry(code_or_name: str) -> Entry | None:
    wanted = code_or_name.upper()
    return next((e for e in entries() if e.code == wanted or e.name == code_or_name), None)
