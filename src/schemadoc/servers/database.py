"""The database layer below the commands: which server and database a doc goes to, connecting, creating
databases, and applying statements with their doc positions (on failure, the doc line and nothing left).
`apply` (up, drift) and `migrate` (plan, migrate) both stand on it; it imports neither."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from schemadoc import model as m
from schemadoc.config import find_config
from schemadoc.errors import DatabaseError, Diagnostic, SchemaHasErrors, Severity
from schemadoc.lint.fixes import errors, repair
from schemadoc.parse import LoadedDocument
from schemadoc.servers import postgres as server
from schemadoc.servers.urls import connection_variables, from_variables
from schemadoc.servers.urls import normalize as normalize_url
from schemadoc.sql.emit import Statement


def database_name_for(doc: LoadedDocument) -> str:
    """The database the doc names (docker-compose, connection string), else one named after the file."""
    if doc.database_name:
        return doc.database_name
    stem = Path(doc.path).stem.lower()
    name = re.sub(r"[^a-z0-9_]+", "_", stem).strip("_") or "schemadoc"
    return name[:63]


def server_url(
    database_url: str | None = None, home: str | Path | None = None, pg_version: int | None = None
) -> tuple[str, bool]:
    """(URL of the server to use, whether it is the embedded one). `pg_version`: the embedded server's
    major when nothing else asks for one (--pg-version and $SCHEMADOC_PG_VERSION come first)."""
    url = database_url or os.environ.get("DATABASE_URL")
    if url:
        return normalize_url(url).conninfo, False  # Prisma's ?schema=, ?connection_limit= … as libpq reads them
    major = None if os.environ.get("SCHEMADOC_PG_VERSION") else pg_version
    return server.start(home if home is not None else server.project_home(), major).url(), True


class DatabaseMissing(DatabaseError):
    """The server is there; the database is not (yet)."""


def connect(url: str, *, autocommit: bool = False, what: str | None = None) -> psycopg.Connection[Any]:
    """A connection to `url`, or the one error every command reports for a server or database it cannot
    reach: "cannot connect to NAME: why" (DatabaseMissing when only the database is missing)."""
    try:
        return psycopg.connect(url, autocommit=autocommit, connect_timeout=10)
    except psycopg.OperationalError as e:
        raise unreachable(e, url, what) from None


def unreachable(e: psycopg.OperationalError, url: str, what: str | None = None) -> DatabaseError:
    """A connection error as schemadoc says it: one line naming the database."""
    reason = str(e).strip()
    name = what or conn_name(url)
    if re.search(r'database "[^"]*" does not exist', reason):
        return DatabaseMissing(f"cannot connect to {name}: {reason}")
    return DatabaseError(f"cannot connect to {name}: {reason}")


def with_database(url: str, dbname: str) -> str:
    params = conninfo_to_dict(url)
    params["dbname"] = dbname
    return make_conninfo("", **params)


def ensure_database(url: str, dbname: str) -> bool:
    """Create `dbname` on the server at `url` if missing; True when this call created it (a concurrent
    creator's database is simply there)."""
    with connect(with_database(url, "postgres"), autocommit=True, what="PostgreSQL") as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (dbname,)).fetchone()
        if exists:
            return False
        try:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))
        except (psycopg.errors.DuplicateDatabase, psycopg.errors.UniqueViolation):
            return False  # another run created it between our look and our CREATE
        return True


_HOLDS_NOTHING = """
SELECT NOT EXISTS (SELECT FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE {user})
   AND NOT EXISTS (SELECT FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE {user})
   AND NOT EXISTS (SELECT FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE {user})
""".format(user="n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%%'")


def drop_created_database(url: str, dbname: str) -> str | None:
    """Drop a database a failed `up` created, if it still holds nothing (another run may have applied a
    schema there meanwhile: then it stays); a note when it could not be dropped."""
    try:
        with psycopg.connect(with_database(url, dbname), autocommit=True, connect_timeout=10) as conn:
            row = conn.execute(_HOLDS_NOTHING).fetchone()
        if not (row and row[0]):
            return None  # someone else's schema is in it now
        with psycopg.connect(with_database(url, "postgres"), autocommit=True, connect_timeout=10) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(dbname)))
        return None
    except psycopg.Error as e:
        return f"the database {dbname} this run created was left in place: {str(e).strip()}"


def is_empty(db: m.Schema, doc: m.Schema) -> bool:
    """Nothing of a schema's in `db`: no relations, functions or types, and no extension but those the doc
    creates (at the version it pins, if it pins one). A database holding other extensions is planned against,
    so they are dropped or updated as the doc says, not left behind by a fresh apply on top."""
    if db.tables or db.views or db.functions or db.enums or db.domains or db.composites or db.sequences:
        return False
    wanted = {e.name: e.version for e in doc.extensions}
    extras = [e for e in db.extensions if e.name not in wanted or wanted[e.name] not in (None, e.version)]
    return not (extras or db.collations)


def unavailable_extensions(conn: psycopg.Connection[Any], schema: m.Schema) -> list[m.Extension]:
    """The extensions the doc needs that this server cannot create."""
    wanted = list(schema.extensions)
    if not wanted:
        return []
    rows = conn.execute(
        "SELECT name FROM pg_available_extensions WHERE name = ANY(%s)", ([e.name for e in wanted],)
    ).fetchall()
    conn.rollback()
    available = {r[0] for r in rows}
    return [e for e in wanted if e.name not in available]


def check_extensions(conn: psycopg.Connection[Any], schema: m.Schema) -> None:
    """Every extension the doc needs must be installable on this server; say which are not, and where."""
    missing = unavailable_extensions(conn, schema)
    if missing:
        lines = "\n".join(f"  {e.span or '(implied)'}: {e.name}" for e in missing)
        raise DatabaseError(
            f"this PostgreSQL server cannot create {len(missing)} extension(s) the document needs; "
            f"nothing was applied:\n{lines}\n  hint: install PostgreSQL's contrib extensions on the server "
            "(`schemadoc --version` lists the PostgreSQL installations found; with npm on the machine, "
            "`schemadoc --pg-version N up` runs one with every contrib extension), or point DATABASE_URL at "
            "a server that has them (up --fix leaves them out and applies the rest)"
        )


def apply_statements(
    conn: psycopg.Connection[Any], statements: list[Statement], best_effort: bool = False
) -> tuple[int, list[Diagnostic]]:
    """Run every statement in one transaction; on failure nothing is left behind and the error names the
    doc line. `best_effort` (`up --fix`): a statement PostgreSQL rejects is left out (or a simpler form
    of it kept) and the transaction goes on; the warnings say what was left out, at its line, and why."""
    with conn.transaction():
        conn.execute("SET LOCAL check_function_bodies = off")
        if not best_effort:
            for st in statements:
                try:
                    conn.execute(st.sql)
                except psycopg.Error as e:
                    raise _rejected(st, e) from None
            return len(statements), []
        try:  # all at once first (a savepoint per statement costs two round trips each); one by one if it fails
            with conn.transaction():
                for st in statements:
                    conn.execute(st.sql)
            return len(statements), []
        except psycopg.Error:
            pass
        return _one_by_one(conn, statements)


def _one_by_one(conn: psycopg.Connection[Any], statements: list[Statement]) -> tuple[int, list[Diagnostic]]:
    """Each statement in a savepoint: one PostgreSQL rejects is left out, or a simpler form of it kept."""
    left_out: list[Diagnostic] = []
    gone: set[str] = set()  # tables left out
    ran = 0
    for st in statements:
        first = _try(conn, st.sql)
        if first is None:
            ran += 1
            continue
        if first.sqlstate == "42P01" and any(f" {t}" in f" {st.what}".replace(".", " ") for t in gone):
            continue  # on a table already left out, which its own warning says
        for sql_text, without in st.fallbacks:
            if _try(conn, sql_text) is None:
                left_out.append(_left_out(st, first, f"{st.what or 'a statement'} was created without {without}"))
                ran += 1
                break
        else:
            left_out.append(_left_out(st, first, f"{st.what or 'a statement'} was left out"))
            if st.what.startswith("table "):
                gone.add(st.what.removeprefix("table "))
    return ran, left_out


def _try(conn: psycopg.Connection[Any], sql_text: str) -> psycopg.Error | None:
    """Run one statement in a savepoint; the error when PostgreSQL rejects it (and nothing of it is kept)."""
    try:
        with conn.transaction():
            conn.execute(sql_text.encode())
        return None
    except psycopg.Error as e:
        return e


def _reason(e: psycopg.Error) -> str:
    diag = e.diag
    return (diag.message_primary or str(e)).strip() + (f" ({diag.message_detail})" if diag.message_detail else "")


def _rejected(st: Statement, e: psycopg.Error) -> DatabaseError:
    diag = e.diag
    where = f"{st.span}: " if st.span else ""
    return DatabaseError(
        f"{where}PostgreSQL rejected {st.what or 'a statement'}: {_reason(e)}"
        + (f"\n  hint: {diag.message_hint}" if diag.message_hint else ""),
        sqlstate=e.sqlstate,
        span=st.span,
    )


def _left_out(st: Statement, e: psycopg.Error, what: str) -> Diagnostic:
    return Diagnostic(
        "SD080",
        Severity.WARNING,
        f"{what}: PostgreSQL rejected it: {_reason(e)}",
        st.span,
        help="correct it in the document; `up --fix` applies what it can and leaves this out",
    )


def prepare(doc: LoadedDocument, fix: bool) -> tuple[m.Schema, list[Diagnostic], list[Diagnostic]]:
    """The schema to apply (with safe fixes when asked), the diagnostics left, the ones fixed."""
    schema, remaining = doc.schema, list(doc.diagnostics)
    fixed: list[Diagnostic] = []
    if fix:
        schema, remaining, fixed = repair(schema, remaining)
    if errors(remaining):
        raise SchemaHasErrors(
            f"{doc.path}: the schema has {len(errors(remaining))} error(s); nothing was applied"
            + (
                ""
                if fix or not any(d.fix for d in errors(remaining))
                else " (schemadoc up --fix applies the safe fixes)"
            ),
            tuple(remaining),
        )
    return schema, remaining, fixed


def target_database(
    doc: LoadedDocument, database_url: str | None, dbname: str | None, home: str | Path | None
) -> tuple[str, str, bool]:
    """(server URL, database name, embedded?): the URL's database, else the one the doc names."""
    if not database_url and not os.environ.get("DATABASE_URL"):
        # the server the doc's configuration names by variable (`host: ${DB_HOST}` …), when they are set
        named = from_variables(connection_variables(doc.text), os.environ)
        database_url = named.conninfo if named else None
    url, embedded = server_url(
        database_url,
        home if home is not None else server.project_home(doc.path),
        find_config(doc.path).pg_version,
    )
    name = dbname or (conninfo_to_dict(url).get("dbname") if database_url or os.environ.get("DATABASE_URL") else None)
    if not name or name == "postgres" and embedded:
        name = database_name_for(doc)
    return url, str(name), embedded


def conn_name(conninfo: str) -> str:
    return str(conninfo_to_dict(conninfo).get("dbname") or "postgres")


API_CHANNEL = "pgrst"  # PostgREST's channel: `schemadoc serve` and PostgREST both listen on it


def reload_api_schema(conn: psycopg.Connection[Any]) -> None:
    """Tell REST servers on this database (`schemadoc serve`, PostgREST) that the schema changed."""
    conn.execute(sql.SQL("NOTIFY {}, 'reload schema'").format(sql.Identifier(API_CHANNEL)))
