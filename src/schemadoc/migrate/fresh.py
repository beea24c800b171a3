"""The DDL that builds a schema in an empty database: the migration from nothing to it, rendered. A fresh
`up`, the shadow database every plan compares against, `schemadoc sql` and the docs site take these
statements, so a fresh apply and a migration share every line of DDL and its order.

`best_effort` (`up --fix`): each foreign key by ALTER TABLE after the tables, and each table with simpler
forms to fall back to when PostgreSQL rejects it (without its collations, its defaults and checks, its keys).
"""

from __future__ import annotations

from functools import singledispatch
from typing import Any

import psycopg

from schemadoc import model as m
from schemadoc import platforms
from schemadoc.errors import Diagnostic
from schemadoc.migrate.diff import diff
from schemadoc.migrate.ops import (
    AddConstraint,
    CreateIndex,
    CreateObject,
    CreateOnTable,
    CreateSchema,
    CreateTable,
    Grant,
    Helper,
    Operation,
    RowSecurity,
    SetComment,
)
from schemadoc.servers.database import apply_statements, check_extensions, unavailable_extensions
from schemadoc.sql.degrade import stand_in_for, without_extensions
from schemadoc.sql.emit import SESSION_SETUP, Statement, needs_support, table_sql
from schemadoc.sql.support import CUID_FUNCTION_SQL, SUPPORT_SCHEMA, TOUCH_FUNCTION_SQL


def support_ops(conn: psycopg.Connection[Any] | None, schema: m.Schema) -> list[Operation]:
    """schemadoc's helpers the schema uses and a platform's stand-ins, where `conn`'s database lacks them
    (all of them, with no database)."""
    cuid, touch = needs_support(schema)
    ops: list[Operation] = []
    for platform in platforms.of(schema):  # a database that is not (yet) the platform gets its stand-in
        present = conn is not None and conn.execute("SELECT to_regclass(%s)", (platform.sentinel,)).fetchone()
        if not (present and present[0]):
            ops.append(Helper(platform.standin_sql(), f"create {platform.title}'s stand-in objects",
                              f"{platform.title} stand-in"))  # fmt: skip
    if not (cuid or touch):
        return ops

    def missing(signature: str) -> bool:
        if conn is None:
            return True
        row = conn.execute("SELECT to_regprocedure(%s) IS NULL", (signature,)).fetchone()
        return bool(row and row[0])

    wanted = [
        (cuid, "schemadoc.cuid()", CUID_FUNCTION_SQL),
        (touch, "schemadoc.touch_updated_at()", TOUCH_FUNCTION_SQL),
    ]
    todo = [(sig, text) for want, sig, text in wanted if want and missing(sig)]
    if todo:
        ops.append(Helper(f"CREATE SCHEMA IF NOT EXISTS {SUPPORT_SCHEMA};", "create schemadoc's helper schema",
                          "schemadoc support schema", schema=SUPPORT_SCHEMA))  # fmt: skip
        ops.extend(Helper(text, f"create helper {sig}", f"function {sig.removesuffix('()')}") for sig, text in todo)
    return ops


@singledispatch
def label(op: object) -> str:
    """What a statement makes, for messages and the docs site: "table users", "index users_email_idx"."""
    return str(getattr(op, "what", ""))


@label.register
def _(op: CreateSchema) -> str:
    return f"schema {op.name}"


@label.register
def _(op: CreateObject) -> str:
    obj = op.obj
    kind = {m.Enum: "type", m.CompositeType: "type"}.get(type(obj), type(obj).__name__.lower())
    return f"{kind} {obj.name}"


@label.register
def _(op: CreateTable) -> str:
    return f"table {op.relation.name}"


@label.register
def _(op: AddConstraint) -> str:
    return f"foreign key {op.constraint.name}" if isinstance(op.constraint, m.ForeignKey) else op.what


@label.register
def _(op: CreateIndex) -> str:
    return f"index {op.index.name}"


@label.register
def _(op: CreateOnTable) -> str:
    return f"{'trigger' if isinstance(op.obj, m.Trigger) else 'policy'} {op.obj.name}"


@label.register
def _(op: RowSecurity) -> str:
    return f"row level security on {op.relation.partition('.')[2]}"


@label.register
def _(op: Grant) -> str:
    return f"grant to {op.grant.grantee}"


@label.register
def _(op: SetComment) -> str:
    c = op.comment
    if c.object_kind == "TABLE":
        return f"comment on {c.object_name.partition('.')[2]}"
    if op.column is not None:
        return f"comment on {c.object_name.partition('.')[2]}.{op.column}"
    return f"comment on {c.object_kind.lower()} {c.object_name}"


@label.register
def _(op: Helper) -> str:
    return op.name


def _table_fallbacks(t: m.Table) -> tuple[tuple[str, str], ...]:
    """Simpler forms of a table for a best-effort apply: without its collations (a locale the server lacks),
    then without its defaults and checks, then with its columns and types alone."""
    if t.partition_of is not None:
        return ()
    uncollated = m.replace(t, columns=tuple(m.replace(c, collation=None) for c in t.columns))
    plain = tuple(m.replace(c, default=None, identity=None, generated=None) for c in uncollated.columns)
    no_checks = m.replace(t, columns=plain, checks=(), exclusions=())
    bare = m.replace(no_checks, primary_key=None, uniques=(), partition_by=None)
    out = []
    if uncollated != t:
        out.append((table_sql(uncollated, ()), "its collations"))
    if no_checks != t:
        out.append((table_sql(no_checks, ()), "its defaults and checks"))
    if bare != no_checks:
        out.append((table_sql(bare, ()), "its defaults, checks and keys"))
    return tuple(out)


def operations(schema: m.Schema, best_effort: bool = False) -> list[Operation]:
    """The operations that build `schema` in an empty database, in order."""
    ops = diff(m.Schema(), schema, support=lambda: support_ops(None, schema), online=False).ops
    if not best_effort:
        return ops
    out: list[Operation] = []
    keys: list[Operation] = []
    last_table = max((i for i, op in enumerate(ops) if isinstance(op, CreateTable)), default=-1)
    for i, op in enumerate(ops):
        if isinstance(op, CreateTable) and op.inline_fks:
            keys += [AddConstraint(op.relation.key, fk, span=fk.span) for fk in op.inline_fks]
            op = m.replace(op, inline_fks=())
        out.append(op)
        if i == last_table:
            out += keys
    return out


def statements(schema: m.Schema, best_effort: bool = False) -> list[Statement]:
    """The DDL that creates `schema` in an empty database, one statement per operation (see the module)."""
    out = []
    for op in operations(schema, best_effort):
        fallbacks = _table_fallbacks(op.relation) if best_effort and isinstance(op, CreateTable) else ()
        out.append(Statement(op.sql, op.span, label(op), fallbacks))
    return out


def script(schema: m.Schema) -> str:
    """The whole DDL as one script, as `schemadoc sql` prints it."""
    body = "\n\n".join(s.sql for s in statements(schema))
    return f"-- generated by schemadoc\n{SESSION_SETUP};\n\n{body}\n"


def build_in(
    conn: psycopg.Connection[Any], schema: m.Schema, best_effort: bool = False
) -> tuple[int, list[Diagnostic]]:
    """Build `schema` in `conn`'s empty database in one transaction: (statements run, what was left out and
    why). Extensions the server lacks get their stand-ins where schemadoc has one; any other is an error
    naming it, or, with `best_effort` (`up --fix`), left out with what needs it, as is each statement
    PostgreSQL rejects. `up` on an empty database and the shadow database a plan compares against are both
    this, so a plan made with `--fix` finds the database `up --fix` built already there."""
    missing = unavailable_extensions(conn, schema)
    schema, missing, left_out = stand_in_for(schema, missing)
    if missing and best_effort:
        schema, dropped = without_extensions(schema, missing)
        left_out += dropped
    elif missing:
        check_extensions(conn, schema)
    applied, rejected = apply_statements(conn, statements(schema, best_effort=best_effort), best_effort=best_effort)
    return applied, [*left_out, *rejected]
