"""The SQL of each typed operation, dispatched on its type: the one place a migration's DDL is written
(through sql/emit's renderers, which a fresh apply uses too, and names' one quoting helper)."""

from __future__ import annotations

from functools import singledispatch

from schemadoc import model as m
from schemadoc.migrate.ops import (
    AddColumn,
    AddConstraint,
    CreateIndex,
    CreateOnTable,
    CreateTable,
    DropColumn,
    DropConstraint,
    DropFromTable,
    DropIndex,
    DropTable,
    Grant,
    RenameIndex,
    RowSecurity,
    SetDefault,
    SetNotNull,
    ValidateConstraint,
    relation_ref,
)
from schemadoc.names import quote_ident
from schemadoc.sql.emit import (
    _q,
    check_sql,
    column_sql,
    foreign_key_sql,
    grant_sql,
    index_sql,
    policy_sql,
    table_sql,
    trigger_sql,
)


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


@ddl.register
def _(op: AddConstraint) -> str:
    c = op.constraint
    body = foreign_key_sql(c) if isinstance(c, m.ForeignKey) else check_sql(c)
    return f"ALTER TABLE {relation_ref(op.table)} ADD {body}{' NOT VALID' if op.not_valid else ''};"


@ddl.register
def _(op: ValidateConstraint) -> str:
    return f"ALTER TABLE {relation_ref(op.table)} VALIDATE CONSTRAINT {quote_ident(op.name)};"


@ddl.register
def _(op: DropConstraint) -> str:
    return f"ALTER TABLE {op.relation or relation_ref(op.table)} DROP CONSTRAINT {quote_ident(op.name)};"


@ddl.register
def _(op: AddColumn) -> str:
    return f"ALTER TABLE {relation_ref(op.table)} ADD COLUMN {column_sql(op.relation, op.column)};"


@ddl.register
def _(op: DropColumn) -> str:
    return (
        f"ALTER TABLE {'ONLY ' if op.only else ''}{relation_ref(op.table)} DROP COLUMN {quote_ident(op.column.name)};"
    )


@ddl.register
def _(op: SetDefault) -> str:
    at = f"ALTER TABLE {'ONLY ' if op.only else ''}{op.relation or relation_ref(op.table)} ALTER COLUMN {quote_ident(op.column)}"
    return f"{at} SET DEFAULT {op.default};" if op.default is not None else f"{at} DROP DEFAULT;"


@ddl.register
def _(op: CreateTable) -> str:
    return table_sql(op.relation, op.inline_fks)


@ddl.register
def _(op: DropTable) -> str:
    return f"DROP TABLE {relation_ref(op.table)};"


@ddl.register
def _(op: SetNotNull) -> str:
    return f"ALTER TABLE {relation_ref(op.table)} ALTER COLUMN {quote_ident(op.column)} {'DROP' if op.drop else 'SET'} NOT NULL;"


@ddl.register
def _(op: CreateOnTable) -> str:
    return trigger_sql(op.obj) if isinstance(op.obj, m.Trigger) else policy_sql(op.obj)


@ddl.register
def _(op: DropFromTable) -> str:
    what = "TRIGGER" if isinstance(op.obj, m.Trigger) else "POLICY"
    return f"DROP {what} {quote_ident(op.obj.name)} ON {relation_ref(op.obj.table_key)};"


@ddl.register
def _(op: Grant) -> str:
    return grant_sql(op.grant, revoke=op.revoke)


@ddl.register
def _(op: RowSecurity) -> str:
    if op.forced:
        return f"ALTER TABLE {relation_ref(op.relation)} {'' if op.on else 'NO '}FORCE ROW LEVEL SECURITY;"
    return f"ALTER TABLE {relation_ref(op.relation)} {'ENABLE' if op.on else 'DISABLE'} ROW LEVEL SECURITY;"
