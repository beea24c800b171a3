"""Running migration scripts: in one transaction when PostgreSQL allows, else in recorded, resumable steps.

Statements that cannot run in a transaction block (CREATE/DROP INDEX CONCURRENTLY, ALTER TYPE … ADD
VALUE whose value is used later, VACUUM, …) split a script into segments: each run of ordinary
statements is one transaction, each such statement is its own step. Progress is written after every
segment (in the same transaction when there is one), so a run that dies can be resumed; a step that
had finished but was not recorded is recognised on the re-run and not done twice.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import psycopg
from pglast import ast
from psycopg import sql

from schemadoc.errors import DatabaseError, Span
from schemadoc.parse.statements import split_statements
from schemadoc.sql.emit import SESSION_SETUP

if TYPE_CHECKING:
    from schemadoc.migrate.ops import Operation


@dataclass(frozen=True, slots=True)
class Step:
    sql: str
    transactional: bool
    session: bool  # a SET: replayed when resuming, so the session is configured as the script says
    index: Any = None  # for CREATE INDEX CONCURRENTLY: (schema or None, index name)
    span: Span | None = field(default=None, compare=False)  # the doc line the statement comes from


def steps_from(ops: Sequence[Operation], lock_timeout: str | None = None) -> list[Step]:
    """A plan's operations as steps, run as they are (no script text in between), each with its doc line;
    `lock_timeout` and the session's settings first, as the rendered script sets them."""
    out = [Step(f"SET lock_timeout = '{lock_timeout}'", True, True)] if lock_timeout else []
    out.append(Step(SESSION_SETUP, True, True))
    for op in ops:  # a CONCURRENTLY build is recognised on resume by its index's name
        out.append(Step(op.sql, op.transactional, False, op.index_name, op.span))
    return out


def steps_of(text: str, name: str = "script") -> list[Step]:
    """The statements of a script (split as the reader splits SQL), each knowing whether it can run inside
    a transaction."""
    out = []
    for st in split_statements(text, 1):
        node = st.node
        if node is None:
            raise DatabaseError(f"{name}: line {st.line}: not valid SQL: {st.error}")
        transactional = True
        index = None
        if isinstance(node, ast.IndexStmt) and node.concurrent:
            transactional = False
            index = (node.relation.schemaname if node.relation else None, node.idxname)
        elif isinstance(node, ast.DropStmt) and node.concurrent:
            transactional = False
        elif isinstance(node, ast.AlterEnumStmt) and node.newVal and not node.oldVal:
            transactional = False
        elif isinstance(node, (ast.VacuumStmt, ast.CreatedbStmt, ast.DropdbStmt)):
            transactional = False
        elif isinstance(node, ast.ReindexStmt) and any(
            getattr(p, "defname", "") == "concurrently" for p in (node.params or ())
        ):
            transactional = False
        out.append(Step(st.text, transactional, isinstance(node, ast.VariableSetStmt), index))
    return out


def segments(steps: list[Step]) -> list[tuple[int, int]]:
    """[start, end) ranges: runs of transactional statements, and each other statement alone."""
    out: list[tuple[int, int]] = []
    start = 0
    for i, st in enumerate(steps):
        if not st.transactional:
            if start < i:
                out.append((start, i))
            out.append((i, i + 1))
            start = i + 1
    if start < len(steps):
        out.append((start, len(steps)))
    return out


def _fail(name: str, st: Step, e: psycopg.Error) -> DatabaseError:
    diag = e.diag
    message = (diag.message_primary or str(e)).strip()
    detail = f" ({diag.message_detail})" if diag.message_detail else ""
    first = st.sql.splitlines()[0][:120]
    where = st.span or name  # the doc line of a plan's operation, else the script's name
    return DatabaseError(f"{where}: PostgreSQL rejected `{first}`: {message}{detail}", sqlstate=e.sqlstate)


_ALREADY_DONE = {"42P07", "42710", "42704", "42P06"}  # duplicate table/object, undefined object, duplicate schema


def run_steps(
    conn: psycopg.Connection[Any],
    steps: list[Step],
    *,
    name: str = "migration",
    done: int = 0,
    record: Callable[[psycopg.Connection[Any], int], None] | None = None,
    resume: bool = False,
) -> None:
    """Run steps[done:], recording progress with `record(conn, steps_done)` after each segment.

    `conn` must be in autocommit mode. A transactional segment and its record commit together.
    `resume`: an earlier run was interrupted after `done` steps, so the next step may have finished
    (or half-finished) without being recorded.
    """
    for st in steps[:done]:
        if st.session:
            conn.execute(st.sql.encode())
    for start, end in segments(steps):
        if end <= done:
            continue
        first = max(start, done)
        chunk = steps[first:end]
        if chunk[0].transactional:
            with conn.transaction():
                for st in chunk:
                    try:
                        conn.execute(st.sql.encode())
                    except psycopg.Error as e:
                        raise _fail(name, st, e) from None
                if record:
                    record(conn, end)
            continue
        st = chunk[0]
        resuming = resume and first == done
        if st.index and resuming and _index_state(conn, st.index) is not None:
            if _index_state(conn, st.index):
                if record:
                    record(conn, end)
                continue  # built before the interruption: done
            schema, idx = st.index
            target = sql.Identifier(schema, idx) if schema else sql.Identifier(idx)
            conn.execute(sql.SQL("DROP INDEX CONCURRENTLY IF EXISTS {}").format(target))  # half-built: INVALID
        try:
            conn.execute(st.sql.encode())
        except psycopg.Error as e:
            if not (resuming and e.sqlstate in _ALREADY_DONE):
                raise _fail(name, st, e) from None
        if record:
            with conn.transaction():
                record(conn, end)


def _index_state(conn: psycopg.Connection[Any], index: tuple[str | None, str]) -> bool | None:
    """True: a valid index of that name exists; False: an invalid one (an interrupted build); None: none."""
    schema, name = index
    row = conn.execute(
        "SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relname = %s AND (n.nspname = %s OR (%s::text IS NULL AND n.nspname = ANY(current_schemas(false))))",
        (name, schema, schema),
    ).fetchone()
    return None if row is None else bool(row[0])
