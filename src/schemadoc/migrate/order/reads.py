"""What each kind of operation makes, needs, drops and stops using, by name (order/names): read from the
definitions it carries."""

from __future__ import annotations

from collections.abc import Iterable
from functools import singledispatch

from schemadoc import model as m
from schemadoc.migrate.ops import (
    AddColumn,
    AddConstraint,
    AlterColumnType,
    AlterComposite,
    AlterDomain,
    AlterIdentity,
    AlterSequence,
    AttachPartition,
    CreateIndex,
    CreateObject,
    CreateOnTable,
    CreateOwnedSequence,
    CreateSchema,
    CreateTable,
    DetachPartition,
    DropColumn,
    DropConstraint,
    DropFromTable,
    DropIndex,
    DropObject,
    DropOwnedSequence,
    DropSchema,
    DropSetAside,
    DropTable,
    Grant,
    Helper,
    Inherit,
    MoveRows,
    Operation,
    RenameColumn,
    RenameConstraint,
    RenameEnumValue,
    RenameIndex,
    RenameTable,
    RenameType,
    RowSecurity,
    SetComment,
    SetDefault,
    SetLogged,
    SetNotNull,
    SetRoleLogin,
    StartSequencePast,
    ValidateConstraint,
)
from schemadoc.migrate.order.names import (
    column,
    column_names,
    constraint,
    detached,
    identity,
    identity_sequence,
    index_key,
    key,
    not_null,
    object_names,
    persistence,
    role_name,
    schema_name,
    schemas_of,
    sequence,
    table_names,
    validated,
)
from schemadoc.sql import depends


@singledispatch
def makes(op: object) -> set[str]:
    """The names an operation brings into being (or, for a change of a column, makes anew)."""
    return set()


@makes.register
def _(op: CreateObject) -> set[str]:
    return object_names(op.obj)


@makes.register
def _(op: CreateSchema) -> set[str]:
    return {schema_name(op.name)}


@makes.register
def _(op: CreateTable) -> set[str]:
    return table_names(op.relation, op.inline_fks)


@makes.register
def _(op: AddColumn) -> set[str]:
    return column_names(op.relation, op.column)


@makes.register
def _(op: AlterColumnType | RenameColumn) -> set[str]:
    return {column(op.table, op.column if isinstance(op, AlterColumnType) else op.new)}


@makes.register
def _(op: SetNotNull) -> set[str]:
    return {not_null(op.table, op.column)}


@makes.register
def _(op: AlterIdentity) -> set[str]:
    t = op.relation or op.table
    return {identity(t, op.column)} | ({identity_sequence(t, op.column)} if op.generated else set())


@makes.register
def _(op: AddConstraint) -> set[str]:
    c = op.constraint
    out = {constraint(op.table, c.name)}
    if isinstance(c, m.PrimaryKey | m.Unique):
        out.add(key(op.table, c.columns))
    if isinstance(c, m.PrimaryKey | m.Unique | m.Exclusion) and not op.using_index:
        out.add(m.qualify(op.table.partition(".")[0], c.name))  # the index it builds
    return out if op.not_valid else out | {validated(op.table, c.name)}


@makes.register
def _(op: ValidateConstraint) -> set[str]:
    return {validated(op.table, op.name)}


@makes.register
def _(op: RenameConstraint) -> set[str]:
    return {constraint(op.table, op.new)}


@makes.register
def _(op: CreateIndex) -> set[str]:
    found = index_key(op.index)
    return {op.index.key} | ({found} if found else set())


@makes.register
def _(op: RenameIndex) -> set[str]:
    return {m.qualify(op.index.schema, op.to)}


@makes.register
def _(op: RenameTable) -> set[str]:
    return {f"{op.key.partition('.')[0]}.{op.to}"}


@makes.register
def _(op: RenameType) -> set[str]:
    return {m.qualify(op.type.schema, op.to)}


@makes.register
def _(op: CreateOwnedSequence) -> set[str]:
    return {sequence(op.sequence)}


@makes.register
def _(op: CreateOnTable) -> set[str]:
    return depends.provides(op.obj)


@makes.register
def _(op: AlterDomain) -> set[str]:
    return {constraint(op.domain.key, op.add_check.name)} if op.add_check else set()


@makes.register
def _(op: DetachPartition | Inherit) -> set[str]:
    if isinstance(op, Inherit):
        return {detached(op.table)} if op.no else set()
    return {detached(op.child)}


@singledispatch
def needs(op: object) -> set[str]:
    """The names that must exist when an operation runs."""
    return set()


@needs.register
def _(op: CreateObject) -> set[str]:
    out = depends.needs(op.obj)
    if isinstance(op.obj, m.Extension) and op.obj.schema:
        out.add(schema_name(op.obj.schema))
    return out


@needs.register
def _(op: CreateTable) -> set[str]:
    # (what it makes itself, a serial column's sequence, is left out where the edges are drawn)
    fks = {fk.ref_key for fk in op.inline_fks} | {key(fk.ref_key, fk.ref_columns) for fk in op.inline_fks}
    return (depends.needs(op.relation) | fks) - {op.relation.key}


@needs.register
def _(op: AddColumn) -> set[str]:
    return depends.needs(op.column) | {op.relation.key}


@needs.register
def _(op: AlterColumnType) -> set[str]:
    collation = depends.names([op.collate.strip().removeprefix("COLLATE")]) if op.collate else set()
    gone = {identity(op.table, op.column)} if op.unidentified else set()  # (after DROP IDENTITY)
    return depends.types([op.type]) | depends.calls([op.using]) | {op.table} | collation | gone


@needs.register
def _(op: RenameColumn) -> set[str]:
    return {op.table, column(op.table, op.old)}


@needs.register
def _(op: SetDefault) -> set[str]:
    t = op.relation or op.table
    if op.default is None:  # a default dropped goes before the column changes (a type it cannot be cast to)
        return {t}
    return depends.calls([op.default]) | depends.sequences([op.default]) | {t, column(t, op.column)}


@needs.register
def _(op: SetNotNull) -> set[str]:
    out = {op.table, column(op.table, op.column)}
    if op.proved_by:
        out.add(validated(op.table, op.proved_by))
    if op.drop:  # an identity column cannot lose NOT NULL: its identity goes first
        out.add(identity(op.table, op.column))
    return out


@needs.register
def _(op: AlterIdentity) -> set[str]:
    t = op.relation or op.table
    if op.generated is None:  # an identity dropped goes before the column changes (to a type it cannot have)
        return {t}
    return {t, column(t, op.column), not_null(t, op.column)}


@needs.register
def _(op: AddConstraint) -> set[str]:
    c = op.constraint
    out = {op.table}
    if op.using_index:
        out.add(m.qualify(op.table.partition(".")[0], c.name))
    else:
        out |= depends.needs(c) - {op.table}
    if isinstance(c, m.ForeignKey):
        out |= {c.ref_key, key(c.ref_key, c.ref_columns)}
    return out


@needs.register
def _(op: ValidateConstraint) -> set[str]:
    return {op.table, constraint(op.table, op.name)}


@needs.register
def _(op: DropConstraint) -> set[str]:
    return {op.relation or op.table, detached(op.table)}


@needs.register
def _(op: DropColumn) -> set[str]:
    return {op.relation.key, detached(op.relation.key)}


@needs.register
def _(op: DropIndex) -> set[str]:
    return {detached(op.index.table_key)}


@needs.register
def _(op: RenameConstraint) -> set[str]:
    return {op.table, constraint(op.table, op.old)}


@needs.register
def _(op: CreateIndex) -> set[str]:
    return depends.needs(op.index)


@needs.register
def _(op: RenameIndex) -> set[str]:
    return {op.index.key}


@needs.register
def _(op: CreateOnTable) -> set[str]:
    out = depends.needs(op.obj)
    if isinstance(op.obj, m.Policy):
        out |= {role_name(r) for r in op.obj.roles if r != "public"}
    return out


@needs.register
def _(op: AttachPartition) -> set[str]:
    return {op.parent, op.child}


@needs.register
def _(op: DetachPartition) -> set[str]:
    return {op.parent, op.child}


@needs.register
def _(op: Inherit) -> set[str]:
    return {op.table} if op.no else {op.table, op.parent}


@needs.register
def _(op: RenameTable | RowSecurity) -> set[str]:
    return {op.key if isinstance(op, RenameTable) else op.relation}


@needs.register
def _(op: RenameType | RenameEnumValue | AlterComposite | AlterDomain) -> set[str]:
    if isinstance(op, RenameType):
        return {op.type.key}
    if isinstance(op, RenameEnumValue):
        return {op.enum.key}
    if isinstance(op, AlterComposite):
        return {op.after.key} | depends.needs(op.after)
    return {op.domain.key} | depends.needs(op.domain)


@needs.register
def _(op: CreateOwnedSequence | StartSequencePast) -> set[str]:
    seq = {sequence(op.sequence)} if isinstance(op, StartSequencePast) and op.sequence else set()
    return {column(op.table, op.column)} | seq


@needs.register
def _(op: AlterSequence) -> set[str]:
    return {column(*op.owner)} if op.owner else set()


@needs.register
def _(op: MoveRows) -> set[str]:
    return {op.table, op.source.key} | {column(op.table, c) for c in op.columns}


@needs.register
def _(op: Grant) -> set[str]:
    g = op.grant
    out = {role_name(g.grantee)} if g.grantee.lower() != "public" else set()
    if g.object_kind == "SCHEMA":
        return out | {schema_name(g.object_name)}
    if g.object_kind in ("TABLE", "SEQUENCE", "FUNCTION") and g.object_name:
        out.add(g.object_name.split("(", 1)[0])
    return out


@needs.register
def _(op: SetComment) -> set[str]:
    c = op.comment
    if op.column:
        return {c.object_name, column(c.object_name, op.column)}
    if c.object_kind.upper() == "SCHEMA":
        return {schema_name(c.object_name)}
    return {c.object_name.split("(", 1)[0]}


@makes.register
def _(op: Helper) -> set[str]:
    return {schema_name(op.schema)} if op.schema else set()


@needs.register
def _(op: Helper) -> set[str]:
    return schemas_of(op.name.split()[-1:]) - makes(op)


@makes.register
def _(op: SetLogged) -> set[str]:
    return {persistence(op.table)}


@needs.register
def _(op: SetLogged) -> set[str]:
    """A permanent table references only permanent ones: a table goes LOGGED after those it references,
    UNLOGGED after those that reference it."""
    return {op.table} | {persistence(t) for t in (op.references if op.logged else op.referenced_by)}


@needs.register
def _(op: SetRoleLogin) -> set[str]:
    return {role_name(op.role.name)}


@singledispatch
def drops(op: object) -> set[str]:
    """The names an operation takes away (or, for a change of a column, takes away to make anew)."""
    return set()


@drops.register
def _(op: DropObject) -> set[str]:
    return object_names(op.obj)


@drops.register
def _(op: DropSchema) -> set[str]:
    return {schema_name(op.name)}


@drops.register
def _(op: DropTable) -> set[str]:
    return {op.relation.key}


@drops.register
def _(op: DropSetAside) -> set[str]:
    return {op.aside.key}


@drops.register
def _(op: DropColumn) -> set[str]:
    return {column(op.relation.key, op.column.name)}


@drops.register
def _(op: AlterColumnType) -> set[str]:
    return {column(op.table, op.column)}


@drops.register
def _(op: RenameColumn) -> set[str]:
    return {column(op.table, op.old)}


@drops.register
def _(op: DropConstraint) -> set[str]:
    t, c = op.relation or op.table, op.constraint
    out = {constraint(t, op.name), validated(t, op.name)}
    if isinstance(c, m.PrimaryKey | m.Unique | m.Exclusion):  # and its index
        out.add(m.qualify(op.table.partition(".")[0], c.name))
    return out | ({key(t, c.columns)} if isinstance(c, m.PrimaryKey | m.Unique) else set())


@drops.register
def _(op: RenameConstraint) -> set[str]:
    return {constraint(op.table, op.old)}


@drops.register
def _(op: DropIndex) -> set[str]:
    found = index_key(op.index)
    return {op.index.key} | ({found} if found else set())


@drops.register
def _(op: RenameIndex) -> set[str]:
    return {op.index.key}


@drops.register
def _(op: RenameTable) -> set[str]:
    return {op.key}


@drops.register
def _(op: RenameType) -> set[str]:
    return {op.type.key}


@drops.register
def _(op: DropOwnedSequence) -> set[str]:
    return {sequence(op.sequence)}


@drops.register
def _(op: DropFromTable) -> set[str]:
    return depends.provides(op.obj)


@drops.register
def _(op: AlterDomain) -> set[str]:
    return {constraint(op.domain.key, op.drop_check.name)} if op.drop_check else set()


@drops.register
def _(op: AlterIdentity) -> set[str]:
    return {identity_sequence(op.relation or op.table, op.column)} if op.generated is None else set()


@singledispatch
def releases(op: object) -> set[str]:
    """The names an operation stops using: what the definition it drops or changes needed."""
    return set()


@releases.register
def _(op: DropObject) -> set[str]:
    return depends.needs(op.obj) | _taken_along(op.remake)


def _taken_along(remake: Iterable[Operation]) -> set[str]:
    """What goes with a table or view dropped (its triggers, policies, indexes: what its reverse makes
    again) stops using what that needed: a trigger's function is dropped after the table it was on."""
    return set().union(*(needs(r) for r in remake))


@releases.register
def _(op: DropTable) -> set[str]:
    refs = {fk.ref_key for fk in op.relation.foreign_keys} | {
        key(fk.ref_key, fk.ref_columns) for fk in op.relation.foreign_keys
    }
    return (depends.needs(op.relation) | refs | _taken_along(op.remake)) - table_names(op.relation)


@releases.register
def _(op: DropSetAside) -> set[str]:
    # (the sequences its columns drew on are no longer its own: dropped, or handed to the rebuilt table)
    drawn = depends.sequences(c.default for c in op.aside.columns)
    return depends.needs(op.aside) - table_names(op.aside) - drawn


@releases.register
def _(op: DropColumn) -> set[str]:
    return depends.needs(op.column)


@releases.register
def _(op: AlterColumnType) -> set[str]:
    return depends.types([op.before]) if op.before else set()


@releases.register
def _(op: SetDefault) -> set[str]:
    dropped = {column(op.relation or op.table, op.column)} if op.default is None else set()
    return depends.calls([op.before]) | depends.sequences([op.before]) | dropped


@releases.register
def _(op: DropConstraint) -> set[str]:
    c = op.constraint
    if c is None:
        return set()
    out = depends.needs(c) - {op.table}
    return out | ({key(c.ref_key, c.ref_columns)} if isinstance(c, m.ForeignKey) else set())


@releases.register
def _(op: DropIndex) -> set[str]:
    return depends.needs(op.index)


@releases.register
def _(op: DropFromTable) -> set[str]:
    out = depends.needs(op.obj)
    if isinstance(op.obj, m.Policy):
        out |= {role_name(r) for r in op.obj.roles if r != "public"}
    return out


@releases.register
def _(op: DropOwnedSequence) -> set[str]:  # (dropping its table or column would take it along)
    return {op.relation or op.table} | ({column(op.table, op.owner[0])} if op.owner else set())


@releases.register
def _(op: Grant) -> set[str]:
    return {role_name(op.grant.grantee)} if op.revoke else set()
