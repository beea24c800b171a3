"""`up`: from a document to a live database — create the database, apply the schema in one transaction."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from schemadoc import model as m
from schemadoc import server
from schemadoc.compare import Difference, compare
from schemadoc.config import find_config
from schemadoc.degrade import stand_in_for, without_extensions
from schemadoc.errors import DatabaseError, Diagnostic, SchemadocError, SchemaHasErrors, Severity
from schemadoc.fixes import apply_fixes, errors
from schemadoc.introspect import introspect
from schemadoc.parse import LoadedDocument, load
from schemadoc.platforms import leave_to_platforms
from schemadoc.sql.emit import Statement, emit
from schemadoc.urls import connection_variables, from_variables
from schemadoc.urls import normalize as normalize_url


@dataclass(slots=True)
class UpResult:
    url: str
    database: str
    created_database: bool
    applied: int  # statements run; 0 when the database already matched
    diagnostics: list[Diagnostic]
    fixed: list[Diagnostic] = field(default_factory=list)
    embedded: bool = False


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


def with_database(url: str, dbname: str) -> str:
    params = conninfo_to_dict(url)
    params["dbname"] = dbname
    return make_conninfo("", **params)


def ensure_database(url: str, dbname: str) -> bool:
    """Create `dbname` on the server at `url` if missing; True when this call created it (a concurrent
    creator's database is simply there)."""
    admin = with_database(url, "postgres")
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=10) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (dbname,)).fetchone()
            if exists:
                return False
            try:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))
            except (psycopg.errors.DuplicateDatabase, psycopg.errors.UniqueViolation):
                return False  # another run created it between our look and our CREATE
            return True
    except psycopg.OperationalError as e:
        raise DatabaseError(f"cannot connect to PostgreSQL: {str(e).strip()}") from None


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


def is_empty(db: m.Schema) -> bool:
    return not (db.tables or db.views or db.functions or db.enums or db.domains or db.composites or db.sequences)


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
        schema, remaining, fixed = apply_fixes(schema, remaining)
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


def drift(
    path: str | Path,
    database_url: str | None = None,
    *,
    fix: bool = False,
    dbname: str | None = None,
    home: str | Path | None = None,
) -> tuple[str, list[Difference]]:
    """(database name, every difference between the document and that live database)."""
    doc = load(path)
    schema, _, _ = prepare(doc, fix)
    url, name, _ = target_database(doc, database_url, dbname, home)
    from schemadoc.migrate.align import align
    from schemadoc.migrate.shadow import materialize

    try:
        with psycopg.connect(with_database(url, name), connect_timeout=10) as conn:
            current = introspect(conn, tuple(r.name for r in schema.roles))
    except psycopg.OperationalError as e:
        raise DatabaseError(f"cannot connect to {name}: {str(e).strip()}") from None
    target = normalized(leave_to_platforms(materialize(schema, url), schema))
    return name, compare(target, align(normalized(leave_to_platforms(current, schema)), target))


def up(
    path: str | Path,
    database_url: str | None = None,
    *,
    fix: bool = False,
    dbname: str | None = None,
    home: str | Path | None = None,
    allow_data_loss: bool = False,
    lock_wait: float = 300.0,
) -> UpResult:
    """Bring the database the document describes up: create it, apply the schema, report the URL."""
    doc = load(path)
    schema, remaining, fixed = prepare(doc, fix)
    url, name, embedded = target_database(doc, database_url, dbname, home)
    created = ensure_database(url, name)
    target = with_database(url, name)
    try:
        applied, left_out = _up_locked(target, doc, schema, url, allow_data_loss, lock_wait, best_effort=fix)
    except BaseException as e:
        if created:  # a database this run made for nothing is not left behind
            note = drop_created_database(url, name)
            if note and isinstance(e, SchemadocError):
                e.args = (f"{e.args[0]}\n  note: {note}", *e.args[1:])
        raise
    return UpResult(_public_url(target), str(name), created, applied, remaining + left_out, fixed, embedded)


def _up_locked(
    target: str,
    doc: LoadedDocument,
    schema: m.Schema,
    url: str,
    allow_data_loss: bool,
    lock_wait: float,
    best_effort: bool = False,
) -> tuple[int, list[Diagnostic]]:
    """Under schemadoc's advisory lock on the database (a session lock: it outlives the transactions that
    follow): concurrent runs go one after the other, each planning against what the one before applied."""
    from schemadoc.migrate.history import release_lock, reload_api_schema, take_lock

    roles = tuple(r.name for r in schema.roles)
    left_out: list[Diagnostic] = []
    try:
        with psycopg.connect(target, connect_timeout=10) as conn:
            take_lock(conn, lock_wait)
            conn.commit()
            try:
                current = introspect(conn, roles)
                conn.commit()
                if is_empty(current):
                    missing = unavailable_extensions(conn, schema)
                    schema, missing, left_out = stand_in_for(schema, missing)
                    if missing and best_effort:
                        schema, dropped = without_extensions(schema, missing)
                        left_out += dropped
                    elif missing:
                        check_extensions(conn, schema)
                    statements = emit(schema, best_effort=best_effort)
                    applied, rejected = apply_statements(conn, statements, best_effort=best_effort)
                    left_out += rejected
                else:
                    applied = _migrate_in_place(conn, doc, schema, current, url, allow_data_loss)
                if applied:
                    reload_api_schema(conn)
                    conn.commit()
            finally:
                if not conn.closed:
                    conn.rollback()
                    release_lock(conn)
                    conn.commit()
    except psycopg.OperationalError as e:
        raise DatabaseError(f"cannot connect to {conn_name(target)}: {str(e).strip()}") from None
    return applied, left_out


def conn_name(conninfo: str) -> str:
    return str(conninfo_to_dict(conninfo).get("dbname") or "postgres")


def _migrate_in_place(
    conn: psycopg.Connection[Any],
    doc: LoadedDocument,
    schema: m.Schema,
    current: m.Schema,
    url: str,
    allow_data_loss: bool,
) -> int:
    """A database that already has a schema: plan from it to the document and apply in one transaction."""
    from schemadoc.migrate.plan import plan_between
    from schemadoc.migrate.run import run_steps, steps_of
    from schemadoc.migrate.shadow import materialize

    conn.commit()
    target = materialize(schema, url)
    conn.autocommit = True
    plan = plan_between(current, target, doc, conn, source=f"database {conn.info.dbname}", online=False)
    if plan.empty:
        return 0
    if not allow_data_loss:
        plan.refuse_data_loss()
    with conn.transaction():
        run_steps(conn, steps_of(plan.script("up"), "plan"), name=f"{doc.path} (plan)")
    return len(plan.up)


def normalized(schema: m.Schema) -> m.Schema:
    """Column order left out: a column added later sits at the end of the table, and that is no drift."""
    return schema.with_(
        tables=[m.replace(t, columns=tuple(sorted(t.columns, key=lambda c: c.name))) for t in schema.tables]
    )


def _public_url(conninfo: str) -> str:
    p = conninfo_to_dict(conninfo)
    user = p.get("user", "")
    auth = f"{user}@" if user else ""
    host = p.get("host", "localhost")
    port = f":{p['port']}" if p.get("port") else ""
    return f"postgresql://{auth}{host}{port}/{p.get('dbname', '')}"
