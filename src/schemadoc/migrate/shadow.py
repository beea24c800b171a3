"""Scratch ("shadow") databases: a document applied to an empty database, read back from the catalog.

Planning compares two catalogs written by the same server, so a CHECK the doc spells
`price > 0` and the server prints `(price > (0)::numeric)` are the same text on both sides, and a
changed expression is a real change. The shadow lives on the target's server (or on
`SHADOW_DATABASE_URL`'s), is dropped afterwards, and so are the roles it had to create.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import fields, replace
from typing import Any

import psycopg
from psycopg import sql

from schemadoc import model as m
from schemadoc import platforms
from schemadoc.errors import DatabaseError
from schemadoc.introspect import introspect, partition_clones
from schemadoc.migrate.fresh import build_in
from schemadoc.servers.database import (
    connect,
    with_database,
)


@contextmanager
def shadow_database(url: str, role_names: tuple[str, ...] = ()) -> Iterator[str]:
    """A new empty database on the server at `url` (or SHADOW_DATABASE_URL's), dropped on exit."""
    server = os.environ.get("SHADOW_DATABASE_URL") or url
    name = f"schemadoc_shadow_{os.getpid()}_{secrets.token_hex(4)}"
    with connect(server, autocommit=True, what="PostgreSQL") as admin:
        existing = {
            r[0] for r in admin.execute("SELECT rolname FROM pg_roles WHERE rolname = ANY(%s)", (list(role_names),))
        }
        try:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        except psycopg.Error as e:
            raise DatabaseError(
                f"cannot create a scratch database to plan in: {str(e).strip()}\n"
                "  hint: planning applies the document to a scratch database; grant CREATEDB to this user, "
                "or set SHADOW_DATABASE_URL to a server where schemadoc may create databases",
                sqlstate=e.sqlstate,
            ) from None
        try:
            yield with_database(server, name)
        finally:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            for role in role_names:
                if role not in existing:
                    try:
                        admin.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))
                    except psycopg.Error:
                        pass  # another database came to use it meanwhile: it stays


def materialize(schema: m.Schema, url: str, best_effort: bool = False) -> m.Schema:
    """The schema as the server holds it once created: every expression in the server's spelling;
    `best_effort` (`--fix`): built as `up --fix` builds it (`fresh.build_in`)."""
    return materialize_with_clones(schema, url, best_effort)[0]


def materialize_with_clones(schema: m.Schema, url: str, best_effort: bool = False) -> tuple[m.Schema, m.Schema | None]:
    """The schema as the server holds it once created, and what its partitions hold from their parents
    (`introspect.partition_clones`; None without partitions): a plan that detaches one of them keeps those."""
    roles = tuple(r.name for r in schema.roles)
    hosted = tuple(r for p in platforms.of(schema) for r in p.roles)  # made for the stand-in: dropped after
    with shadow_database(url, roles + hosted) as shadow, connect(shadow) as conn:
        build_in(conn, schema, best_effort)
        built = pinned(graft_spans(introspect(conn, roles), schema), schema)
        clones = partition_clones(conn) if any(t.partition_of for t in built.tables) else None
        return built, clones


def pinned(db: m.Schema, doc: m.Schema) -> m.Schema:
    """`db` with an extension's version only where the doc pins one: an unpinned extension is whatever
    version the server has, never a difference."""
    pins = {e.name: e.version for e in doc.extensions}
    return db.with_(extensions=[replace(e, version=pins.get(e.name)) for e in db.extensions])


def _graft(db_items: tuple[Any, ...], doc_items: tuple[Any, ...]) -> list[Any]:
    doc = {getattr(i, "key", getattr(i, "name", None)): i for i in doc_items}
    out = []
    for item in db_items:
        mine = doc.get(getattr(item, "key", getattr(item, "name", None)))
        if mine is None:
            out.append(item)
            continue
        changes: dict[str, Any] = {"span": mine.span}
        if isinstance(item, m.Table):
            changes["columns"] = tuple(_graft(item.columns, mine.columns))
            changes["uniques"] = tuple(_graft(item.uniques, mine.uniques))
            changes["checks"] = tuple(_graft(item.checks, mine.checks))
            changes["foreign_keys"] = tuple(_graft(item.foreign_keys, mine.foreign_keys))
            changes["exclusions"] = tuple(_graft(item.exclusions, mine.exclusions))
            if item.primary_key and mine.primary_key:
                changes["primary_key"] = replace(item.primary_key, span=mine.primary_key.span)
        out.append(replace(item, **changes))
    return out


def graft_spans(db: m.Schema, doc: m.Schema) -> m.Schema:
    """`db` with each object's position in the document, where the document has the object."""
    kinds = {
        f.name: _graft(getattr(db, f.name), getattr(doc, f.name))
        for f in fields(m.Schema)
        if f.name not in ("schemas", "keyspaces")
    }
    return db.with_(**kinds)
