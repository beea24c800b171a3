"""The SQL of each typed operation, dispatched on its type: the one place a migration's DDL is written
(through sql/emit's renderers, which a fresh apply uses too, and names' one quoting helper)."""

from __future__ import annotations

from functools import singledispatch

from schemadoc import model as m
from schemadoc.migrate.ops import (
    AddColumn,
    AddConstraint,
    AddEnumValue,
    AlterColumnType,
    AlterComposite,
    AlterDomain,
    AlterSequence,
    CreateIndex,
    CreateObject,
    CreateOnTable,
    CreateSchema,
    CreateTable,
    DropColumn,
    DropConstraint,
    DropFromTable,
    DropIndex,
    DropObject,
    DropSchema,
    DropTable,
    Grant,
    RenameEnumValue,
    RenameIndex,
    RenameType,
    RowSecurity,
    SetDefault,
    SetNotNull,
    SetRoleLogin,
    UpdateExtension,
    ValidateConstraint,
    relation_ref,
)
from schemadoc.migrate.ops.data import CreateOwnedSequence, DropOwnedSequence, DropSetAside, MoveRows, StartSequencePast
from schemadoc.migrate.ops.objects import Definition, Helper, kind_of
from schemadoc.migrate.ops.security import SetComment
from schemadoc.migrate.ops.tables import (
    AlterIdentity,
    AttachPartition,
    DetachPartition,
    Inherit,
    RenameColumn,
    RenameConstraint,
    RenameTable,
    SetLogged,
)
from schemadoc.names import quote_ident, quote_literal
from schemadoc.sql.emit import (
    _q,
    check_sql,
    collation_sql,
    column_sql,
    comment_sql,
    composite_sql,
    domain_sql,
    enum_sql,
    extension_sql,
    foreign_key_sql,
    function_sql,
    grant_sql,
    index_sql,
    key_sql,
    policy_sql,
    role_sql,
    sequence_sql,
    table_sql,
    trigger_sql,
    view_sql,
)


def sequence_options(s: m.Sequence) -> str:
    """Every option of a sequence, spelled out (ALTER SEQUENCE sets them all, so none is left as it was)."""
    parts = [f"AS {s.type}", f"INCREMENT BY {s.increment}"]
    parts.append(f"MINVALUE {s.min_value}" if s.min_value is not None else "NO MINVALUE")
    parts.append(f"MAXVALUE {s.max_value}" if s.max_value is not None else "NO MAXVALUE")
    parts.append(f"START WITH {s.start}")
    parts.append(f"CACHE {s.cache}")
    parts.append("CYCLE" if s.cycle else "NO CYCLE")
    return " ".join(parts)


def function_ref(f: m.Function) -> str:
    """A function or procedure by its signature, as DROP and ALTER name it."""
    return f"{_q(f.schema, f.name)}({f.identity_arguments})"


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
    if isinstance(c, m.ForeignKey):
        body = foreign_key_sql(c)
    elif isinstance(c, m.Check):
        body = check_sql(c)
    else:
        body = key_sql(c, op.using_index)
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


@ddl.register
def _(op: CreateSchema) -> str:  # an empty schema left behind is no reason to fail
    return f"CREATE SCHEMA IF NOT EXISTS {quote_ident(op.name)};"


@ddl.register
def _(op: DropSchema) -> str:
    return f"DROP SCHEMA {quote_ident(op.name)};"


@singledispatch
def create_sql(obj: object) -> str:
    raise TypeError(f"no CREATE for {type(obj).__name__}")


create_sql.register(m.Extension, extension_sql)
create_sql.register(m.Collation, collation_sql)
create_sql.register(m.Role, role_sql)
create_sql.register(m.Enum, enum_sql)
create_sql.register(m.CompositeType, composite_sql)
create_sql.register(m.Domain, domain_sql)
create_sql.register(m.Sequence, sequence_sql)
create_sql.register(m.Function, function_sql)
create_sql.register(m.View, view_sql)


@ddl.register
def _(op: CreateObject) -> str:
    return create_sql(op.obj)


def _object_ref(obj: Definition) -> str:
    if isinstance(obj, m.Function):
        return function_ref(obj)
    if isinstance(obj, m.Extension | m.Role):
        return quote_ident(obj.name)
    return _q(obj.schema, obj.name)


@ddl.register
def _(op: DropObject) -> str:
    return f"DROP {kind_of(op.obj).upper()} {'IF EXISTS ' if op.if_exists else ''}{_object_ref(op.obj)};"


@ddl.register
def _(op: SetRoleLogin) -> str:
    return f"ALTER ROLE {quote_ident(op.role.name)} {'LOGIN' if op.role.login else 'NOLOGIN'};"


@ddl.register
def _(op: UpdateExtension) -> str:
    return f"ALTER EXTENSION {quote_ident(op.extension.name)} UPDATE TO {quote_literal(op.extension.version or '')};"


@ddl.register
def _(op: RenameType) -> str:
    return f"ALTER TYPE {_q(op.type.schema, op.type.name)} RENAME TO {quote_ident(op.to)};"


@ddl.register
def _(op: RenameEnumValue) -> str:
    return f"ALTER TYPE {_q(op.enum.schema, op.enum.name)} RENAME VALUE {quote_literal(op.old)} TO {quote_literal(op.new)};"


@ddl.register
def _(op: AddEnumValue) -> str:
    where = (
        f" AFTER {quote_literal(op.after)}"
        if op.after is not None
        else f" BEFORE {quote_literal(op.before)}"
        if op.before is not None
        else ""
    )
    return f"ALTER TYPE {_q(op.enum.schema, op.enum.name)} ADD VALUE {quote_literal(op.value)}{where};"


@ddl.register
def _(op: AlterComposite) -> str:
    o, n = dict(op.before.attributes), dict(op.after.attributes)
    actions = [f"DROP ATTRIBUTE {quote_ident(a)}" for a in o if a not in n]
    actions += [f"ADD ATTRIBUTE {quote_ident(a)} {t}" for a, t in n.items() if a not in o]
    actions += [f"ALTER ATTRIBUTE {quote_ident(a)} TYPE {t}" for a, t in n.items() if a in o and o[a] != t]
    return f"ALTER TYPE {_q(op.after.schema, op.after.name)} {', '.join(actions)};"


@ddl.register
def _(op: AlterDomain) -> str:
    at = f"ALTER DOMAIN {_q(op.domain.schema, op.domain.name)}"
    if op.default is not None:
        after = op.default[1]
        return f"{at} {'DROP DEFAULT' if after is None else 'SET DEFAULT ' + after};"
    if op.not_null is not None:
        return f"{at} {'SET' if op.not_null else 'DROP'} NOT NULL;"
    if op.add_check is not None:
        return f"{at} ADD {check_sql(op.add_check)} NOT VALID;"
    if op.validate is not None:
        return f"{at} VALIDATE CONSTRAINT {quote_ident(op.validate)};"
    assert op.drop_check is not None
    return f"{at} DROP CONSTRAINT {quote_ident(op.drop_check.name)};"


@ddl.register
def _(op: AlterSequence) -> str:
    parts = [f"ALTER SEQUENCE {op.sequence}"]
    if op.base is not None:
        parts.append(f"AS {op.base}")
    if op.options is not None:
        parts.append(sequence_options(op.options))
    if op.owner is not None:
        parts.append(f"OWNED BY {relation_ref(op.owner[0])}.{quote_ident(op.owner[1])}")
    elif op.disown:
        parts.append("OWNED BY NONE")
    return " ".join(parts) + ";"


@ddl.register
def _(op: AlterColumnType) -> str:
    using = f" USING {op.using}" if op.using else ""
    return (
        f"ALTER TABLE {relation_ref(op.table)} ALTER COLUMN {quote_ident(op.column)} TYPE {op.type}{op.collate}{using};"
    )


def _column(table: str, column: str, relation: str | None = None) -> str:
    return f"ALTER TABLE {relation or relation_ref(table)} ALTER COLUMN {quote_ident(column)}"


@ddl.register
def _(op: AlterIdentity) -> str:
    at = _column(op.table, op.column, op.relation)
    if op.generated is None:
        return f"{at} DROP IDENTITY;"
    if op.before is None:
        return f"{at} ADD GENERATED {op.generated.upper()} AS IDENTITY;"
    return f"{at} SET GENERATED {op.generated.upper()};"


@ddl.register
def _(op: RenameTable) -> str:
    return f"ALTER TABLE {relation_ref(op.key)} RENAME TO {quote_ident(op.to)};"


@ddl.register
def _(op: RenameColumn) -> str:
    return f"ALTER TABLE {relation_ref(op.table)} RENAME COLUMN {quote_ident(op.old)} TO {quote_ident(op.new)};"


@ddl.register
def _(op: RenameConstraint) -> str:
    return f"ALTER TABLE {relation_ref(op.table)} RENAME CONSTRAINT {quote_ident(op.old)} TO {quote_ident(op.new)};"


@ddl.register
def _(op: SetLogged) -> str:
    return f"ALTER TABLE {relation_ref(op.table)} SET {'LOGGED' if op.logged else 'UNLOGGED'};"


@ddl.register
def _(op: AttachPartition) -> str:
    return f"ALTER TABLE {relation_ref(op.parent)} ATTACH PARTITION {relation_ref(op.child)} {op.bound};"


@ddl.register
def _(op: DetachPartition) -> str:
    return f"ALTER TABLE {relation_ref(op.parent)} DETACH PARTITION {relation_ref(op.child)};"


@ddl.register
def _(op: Inherit) -> str:
    return f"ALTER TABLE {relation_ref(op.table)} {'NO ' if op.no else ''}INHERIT {relation_ref(op.parent)};"


@ddl.register
def _(op: SetComment) -> str:
    return comment_sql(op.comment, op.column)


@ddl.register
def _(op: Helper) -> str:
    return op.script


@ddl.register
def _(op: CreateOwnedSequence) -> str:
    owner = f"{relation_ref(op.table)}.{quote_ident(op.column)}"
    return f"CREATE SEQUENCE IF NOT EXISTS {op.sequence} AS {op.base} OWNED BY {owner};"


@ddl.register
def _(op: DropOwnedSequence) -> str:
    return f"DROP SEQUENCE {'IF EXISTS ' if op.if_exists else ''}{op.sequence};"


@ddl.register
def _(op: StartSequencePast) -> str:
    table, column = relation_ref(op.table), quote_ident(op.column)
    sequence = (
        quote_literal(op.sequence)
        if op.sequence is not None
        else f"pg_get_serial_sequence({quote_literal(table)}, {quote_literal(op.column)})"
    )
    return f"SELECT setval({sequence}, coalesce(max({column}), 0) + 1, false) FROM {table};"


@ddl.register
def _(op: MoveRows) -> str:
    columns = ", ".join(quote_ident(c) for c in op.columns)
    overriding = " OVERRIDING SYSTEM VALUE" if op.overriding else ""
    source = _q(op.source.schema, op.source.name)
    return f"INSERT INTO {relation_ref(op.table)} ({columns}){overriding} SELECT {columns} FROM {source};"


@ddl.register
def _(op: DropSetAside) -> str:
    return f"DROP TABLE {_q(op.aside.schema, op.aside.name)};"
