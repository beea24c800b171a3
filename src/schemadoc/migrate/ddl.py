"""The SQL of each typed operation, dispatched on its type: the one place a migration's DDL is written
(through sql/emit's renderers, which a fresh apply uses too, and names' one quoting helper)."""

from __future__ import annotations

from functools import singledispatch

from schemadoc.migrate.ops import CreateIndex, DropIndex, RenameIndex
from schemadoc.names import quote_ident
from schemadoc.sql.emit import _q, index_sql


@singledispatch
def ddl(op: object) -> str:
    raise TypeError(f"no DDL for {type(op).__name__}")


@ddl.register
def _(op: CreateIndex) -> str:
    return index_sql(op.index, concurrently=op.concurrently)


@ddl.register
def _(op: DropIndex) -> str:
    return f"DROP INDEX {'CONCURRENTLY ' if op.concurrently else ''}{_q(op.index.schema, op.index.name)};"


@ddl.register
def _(op: RenameIndex) -> str:
    return f"ALTER INDEX {_q(op.index.schema, op.index.name)} RENAME TO {quote_ident(op.to)};"
