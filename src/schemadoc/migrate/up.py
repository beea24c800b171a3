"""`up`: from a document to a live database — create the database, apply the schema in one transaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from psycopg.conninfo import conninfo_to_dict

from schemadoc import model as m
from schemadoc.errors import Diagnostic, SchemadocError
from schemadoc.introspect import introspect
from schemadoc.migrate.compare import Difference, compare
from schemadoc.migrate.fresh import build_in
from schemadoc.migrate.normalize import comparable
from schemadoc.parse import LoadedDocument, document
from schemadoc.platforms import leave_to_platforms
from schemadoc.servers.database import (
    connect,
    drop_created_database,
    ensure_database,
    is_empty,
    prepare,
    reload_api_schema,
    target_database,
    unreachable,
    with_database,
)


@dataclass(slots=True)
class UpResult:
    url: str
    database: str
    created_database: bool
    applied: int  # statements run; 0 when the database already matched
    diagnostics: list[Diagnostic]
    fixed: list[Diagnostic] = field(default_factory=list)
    embedded: bool = False


def drift(
    doc: str | Path | LoadedDocument,
    database_url: str | None = None,
    *,
    fix: bool = False,
    dbname: str | None = None,
    home: str | Path | None = None,
) -> tuple[str, list[Difference]]:
    """(database name, every difference between the document and that live database)."""
    doc = document(doc)
    schema, _, _ = prepare(doc, fix)
    url, name, _ = target_database(doc, database_url, dbname, home)
    return name, drift_of(schema, url, name, fix)


def drift_of(schema: m.Schema, server: str, name: str, best_effort: bool = False) -> list[Difference]:
    """Every difference between `schema` (a document's, prepared) and database `name` on `server`
    (`best_effort`: the document as `up --fix` builds it)."""
    from schemadoc.migrate.shadow import materialize

    with connect(with_database(server, name)) as conn:
        current = introspect(conn, tuple(r.name for r in schema.roles))
    current, target = comparable(current, materialize(schema, server, best_effort), schema, column_order=False)
    return compare(target, current)


def up(
    doc: str | Path | LoadedDocument,
    database_url: str | None = None,
    *,
    fix: bool = False,
    dbname: str | None = None,
    home: str | Path | None = None,
    allow_data_loss: bool = False,
    lock_wait: float = 300.0,
) -> UpResult:
    """Bring the database the document describes up: create it, apply the schema, report the URL."""
    doc = document(doc)
    schema, remaining, fixed = prepare(doc, fix)
    url, name, embedded = target_database(doc, database_url, dbname, home)
    return up_to(
        doc,
        schema,
        url,
        name,
        embedded=embedded,
        remaining=remaining,
        fixed=fixed,
        allow_data_loss=allow_data_loss,
        lock_wait=lock_wait,
        best_effort=fix,
    )


def up_to(
    doc: LoadedDocument,
    schema: m.Schema,
    server: str,
    name: str,
    *,
    embedded: bool = False,
    remaining: list[Diagnostic] | None = None,
    fixed: list[Diagnostic] | None = None,
    allow_data_loss: bool = False,
    lock_wait: float = 300.0,
    best_effort: bool = False,
) -> UpResult:
    """Database `name` on `server` created when missing and brought to `schema` (the document's, prepared
    with `fixed` made and the diagnostics `remaining`). The result's diagnostics are those and what had to be
    left out; `best_effort` leaves out what the server rejects."""
    created = ensure_database(server, name)
    target = with_database(server, name)
    try:
        applied, left_out = _up_locked(target, doc, schema, server, allow_data_loss, lock_wait, best_effort)
    except BaseException as e:
        if created:  # a database this run made for nothing is not left behind
            note = drop_created_database(server, name)
            if note and isinstance(e, SchemadocError):
                e.args = (f"{e.args[0]}\n  note: {note}", *e.args[1:])
        raise
    return UpResult(
        _public_url(target), str(name), created, applied, [*(remaining or ()), *left_out], fixed or [], embedded
    )


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
    from schemadoc.migrate.history import release_lock, take_lock

    roles = tuple(r.name for r in schema.roles)
    left_out: list[Diagnostic] = []
    try:
        with connect(target) as conn:
            take_lock(conn, lock_wait)
            conn.commit()
            try:
                current = introspect(conn, roles)
                conn.commit()
                if is_empty(leave_to_platforms(current, schema), schema):
                    applied, left_out = build_in(conn, schema, best_effort)
                else:
                    applied = _migrate_in_place(conn, doc, schema, current, url, allow_data_loss, best_effort)
                if applied:
                    reload_api_schema(conn)
                    conn.commit()
            finally:
                if not conn.closed:
                    conn.rollback()
                    release_lock(conn)
                    conn.commit()
    except psycopg.OperationalError as e:  # the server went away mid-run
        raise unreachable(e, target) from None
    return applied, left_out


def _migrate_in_place(
    conn: psycopg.Connection[Any],
    doc: LoadedDocument,
    schema: m.Schema,
    current: m.Schema,
    url: str,
    allow_data_loss: bool,
    best_effort: bool = False,
) -> int:
    """A database that already has a schema: plan from it to the document (built as `up` would build it,
    `best_effort` as with `--fix`) and apply in one transaction."""
    from schemadoc.migrate.plan import plan_between
    from schemadoc.migrate.run import run_steps, steps_from
    from schemadoc.migrate.shadow import materialize

    conn.commit()
    target = materialize(schema, url, best_effort)
    conn.autocommit = True
    plan = plan_between(current, target, doc, conn, source=f"database {conn.info.dbname}", online=False)
    if plan.empty:
        return 0
    if not allow_data_loss:
        plan.refuse_data_loss()
    plan.refuse_blocked()
    with conn.transaction():
        run_steps(conn, steps_from(plan.up, plan.lock_timeout), name=f"{doc.path} (plan)")
    return len(plan.up)


def _public_url(conninfo: str) -> str:
    p = conninfo_to_dict(conninfo)
    user = p.get("user", "")
    auth = f"{user}@" if user else ""
    host = p.get("host", "localhost")
    port = f":{p['port']}" if p.get("port") else ""
    return f"postgresql://{auth}{host}{port}/{p.get('dbname', '')}"
