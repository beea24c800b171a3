"""Check the doc's own queries against a real server: monitoring SQL rots as PostgreSQL moves on.

The schema is applied to a scratch database on the target server; every documented query is then
prepared (parse analysis against the live catalog, nothing executed) and maintenance statements
have their targets resolved. `tablename` in pg_stat_user_indexes, `mean_time` in
pg_stat_statements (renamed in PostgreSQL 13) and `REINDEX DATABASE your_database` show up here.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

import psycopg
from pglast import ast
from psycopg import sql

from schemadoc.errors import Diagnostic, SchemadocError, Severity, Span
from schemadoc.migrate.fresh import statements
from schemadoc.parse import LoadedDocument
from schemadoc.parse.statements import Extra
from schemadoc.servers.database import apply_statements, connect, ensure_database, prepare, with_database

CODE = "SD350"
_PLACEHOLDER = re.compile(r"^(your|my|example|sample)_|^(db_?name|database_?name|dbname|database|mydb|yourdb)$", re.I)
_ANALYZABLE = (ast.SelectStmt, ast.InsertStmt, ast.UpdateStmt, ast.DeleteStmt)


def validate_queries(doc: LoadedDocument, server_url: str) -> list[Diagnostic]:
    """A diagnostic for every documented query or maintenance statement the server would reject."""
    scratch = f"schemadoc_check_{uuid.uuid4().hex[:10]}"
    ensure_database(server_url, scratch)
    url = with_database(server_url, scratch)
    try:
        with connect(url) as conn:
            version = conn.execute("SHOW server_version").fetchone()[0]  # type: ignore[index]
            conn.commit()
            rejected = _apply_schema(conn, doc)
            _try(conn, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
            return rejected + [d for extra in doc.extras if (d := _check(conn, extra, doc, version)) is not None]
    finally:
        with connect(with_database(server_url, "postgres"), autocommit=True, what="PostgreSQL") as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(scratch)))


def _apply_schema(conn: psycopg.Connection[Any], doc: LoadedDocument) -> list[Diagnostic]:
    """The whole schema, applied as `up --fix` would: what PostgreSQL rejects is an error at its line
    (SD351: `CHECK (m > 0)` on a column that does not exist, a default the column's type refuses), and
    the rest is there for the documented queries to be checked against."""
    try:
        schema, _, _ = prepare(doc, fix=True)
        _, rejected = apply_statements(conn, statements(schema, best_effort=True), best_effort=True)
    except SchemadocError:
        conn.rollback()  # the doc's own errors, which check reports; queries meet the catalog as it is
        return []
    return [
        Diagnostic(
            "SD351",
            Severity.ERROR,
            "PostgreSQL rejects this: " + d.message.split(": PostgreSQL rejected it: ", 1)[-1],
            d.span,
            help="correct it in the document (`up` would fail here; `up --fix` leaves it out)",
        )
        for d in rejected
    ]


def _try(conn: psycopg.Connection[Any], statement: str) -> bool:
    try:
        conn.execute(statement)
        conn.commit()
        return True
    except psycopg.Error:
        conn.rollback()
        return False


def _check(conn: psycopg.Connection[Any], extra: Extra, doc: LoadedDocument, version: str) -> Diagnostic | None:
    st = extra.statement
    node = st.node
    where = Span(doc.path, st.line, st.col)
    probe: str | None = None
    if isinstance(node, _ANALYZABLE):
        probe = f"PREPARE schemadoc_probe AS {st.text.rstrip(';')}"
    elif isinstance(node, ast.PrepareStmt):
        probe = re.sub(r"^\s*PREPARE\s+\w+", "PREPARE schemadoc_probe", st.text.rstrip(";"), count=1, flags=re.I)
    elif isinstance(node, ast.ExplainStmt) and isinstance(node.query, _ANALYZABLE):
        inner = re.sub(r"^\s*EXPLAIN\s*(\([^)]*\)|(ANALY[SZ]E|VERBOSE|\s)+)*", "", st.text.rstrip(";"), flags=re.I)
        probe = f"PREPARE schemadoc_probe AS {inner}"
    elif isinstance(node, ast.VacuumStmt):
        for rel in node.rels or ():
            rv = rel.relation
            if rv is not None and not _exists(conn, rv.schemaname, rv.relname):
                return _diag(
                    where,
                    f'{"ANALYZE" if not node.is_vacuumcmd else "VACUUM"} names table "{rv.relname}", '
                    "which does not exist",
                    version,
                )
        return None
    elif isinstance(node, ast.ReindexStmt):
        if node.name and node.kind is not None and int(node.kind) in (3, 4):  # REINDEX SYSTEM / DATABASE <name>
            if _PLACEHOLDER.search(node.name):
                return _diag(
                    where,
                    f'REINDEX names database "{node.name}", a placeholder; PostgreSQL only reindexes '
                    "the current database",
                    version,
                    help="write REINDEX DATABASE without a name (PostgreSQL 15+), or the real name",
                )
            return None
        rv = node.relation
        if rv is not None and not _exists(conn, rv.schemaname, rv.relname):
            return _diag(where, f'REINDEX names "{rv.relname}", which does not exist', version)
        return None
    if probe is None:
        return None
    try:
        conn.execute(probe)
        conn.execute("DEALLOCATE schemadoc_probe")
        conn.rollback()
        return None
    except psycopg.Error as e:
        conn.rollback()
        message = (e.diag.message_primary or str(e)).strip()
        hint = e.diag.message_hint
        if "pg_stat_statements" in st.text and "does not exist" in message and "column" in message:
            hint = hint or "pg_stat_statements renamed total_time/mean_time to total_exec_time/mean_exec_time in 13"
        if re.search(r'column "tablename" does not exist', message) and "pg_stat_user" in st.text:
            hint = hint or "pg_stat_user_tables and pg_stat_user_indexes call it relname (tablename is pg_tables')"
        return _diag(where, f"documented query fails: {message}", version, help=hint)


def _exists(conn: psycopg.Connection[Any], schema: str | None, name: str | None) -> bool:
    target = f"{schema}.{name}" if schema else name
    row = conn.execute("SELECT to_regclass(%s)", (target,)).fetchone()
    conn.rollback()
    return row is not None and row[0] is not None


def _diag(where: Span, message: str, version: str, help: str | None = None) -> Diagnostic:
    return Diagnostic(CODE, Severity.WARNING, f"{message} (PostgreSQL {version.split()[0]})", where, help=help)
