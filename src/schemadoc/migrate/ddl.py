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
from schemadoc.migrate.ops.objects import Definition, kind_of
from schemadoc.names import quote_ident, quote_literal
from schemadoc.sql.emit import (
    _q,
    check_sql,
    collation_sql,
    column_sql,
    composite_sql,
    domain_sql,
    enum_sql,
    extension_sql,
    foreign_key_sql,
    function_sql,
    grant_sql,
    index_sql,
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


@ddl.register
def _(op: CreateSchema) -> str:
    return f"CREATE SCHEMA {quote_ident(op.name)};"


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
    parts = [f"ALTER SEQUENCE {relation_ref(op.key)}"]
    if op.base is not None:
        parts.append(f"AS {op.base}")
    if op.options is not None:
        parts.append(sequence_options(op.options))
    if op.owner is not None:
        parts.append(f"OWNED BY {op.owner}")
    return " ".join(parts) + ";"


@ddl.register
def _(op: AlterColumnType) -> str:
    using = f" USING {op.using}" if op.using else ""
    return (
        f"ALTER TABLE {relation_ref(op.table)} ALTER COLUMN {quote_ident(op.column)} TYPE {op.type}{op.collate}{using};"
    )
