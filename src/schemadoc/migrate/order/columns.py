"""The rules about a table's columns: which operations change them (or its NOT NULLs, CHECKs, column drops),
which make or drop something over them, and the column a column's own change is to."""

from __future__ import annotations

from functools import singledispatch

from schemadoc import model as m
from schemadoc.migrate.ops import (
    AddColumn,
    AddConstraint,
    AlterColumnType,
    AlterIdentity,
    AttachPartition,
    CreateIndex,
    CreateObject,
    CreateOnTable,
    CreateTable,
    DetachPartition,
    DropColumn,
    DropConstraint,
    DropFromTable,
    DropIndex,
    DropObject,
    Inherit,
    MoveRows,
    RenameColumn,
    SetDefault,
    SetNotNull,
    ValidateConstraint,
)
from schemadoc.migrate.order.names import (
    attachable,
    checks,
    dropped_columns,
    nulls,
)


@singledispatch
def changes(op: object) -> set[str]:
    """The tables whose columns an operation changes (adds, drops, renames or retypes one), and the groups of
    a table's other changes something waits on: its NOT NULLs, CHECKs and column drops (an attach or inherit
    waits for them), its own keys and indexes dropped (an attach would adopt them)."""
    return set()


@changes.register
def _(op: AddColumn) -> set[str]:
    return {op.relation.key}


@changes.register
def _(op: DropColumn) -> set[str]:
    return {dropped_columns(op.relation.key)}


@changes.register
def _(op: AlterColumnType | RenameColumn) -> set[str]:
    return {op.table}


@changes.register
def _(op: SetNotNull) -> set[str]:
    return {nulls(op.table)}


@changes.register
def _(op: AddConstraint) -> set[str]:
    return {checks(op.table)} if isinstance(op.constraint, m.Check) else set()


@changes.register
def _(op: DropConstraint) -> set[str]:
    return {attachable(op.table)} | ({checks(op.table)} if isinstance(op.constraint, m.Check) else set())


@changes.register
def _(op: DropIndex) -> set[str]:
    return {attachable(op.index.table_key)}


@singledispatch
def over(op: object) -> set[str]:
    """What an operation makes or drops over the columns of tables: those tables (and, for partitions and
    inheritance, their NOT NULLs)."""
    return set()


@over.register
def _(op: CreateIndex | DropIndex) -> set[str]:
    return {op.index.table_key}


@over.register
def _(op: AddConstraint | DropConstraint) -> set[str]:
    c = op.constraint
    out = {op.table} | ({c.ref_key} if isinstance(c, m.ForeignKey) else set())
    return out | ({nulls(op.table)} if isinstance(c, m.PrimaryKey) else set())


@over.register
def _(op: ValidateConstraint | MoveRows) -> set[str]:
    return {op.table}


@over.register
def _(op: CreateObject | DropObject) -> set[str]:
    return set(op.obj.depends_on) if isinstance(op.obj, m.View) else set()


@over.register
def _(op: CreateOnTable | DropFromTable) -> set[str]:
    return {op.obj.table_key}


@over.register
def _(op: AttachPartition | DetachPartition) -> set[str]:
    both = {t for table in (op.parent, op.child) for t in (table, nulls(table), checks(table), dropped_columns(table))}
    return both | ({attachable(op.child)} if isinstance(op, AttachPartition) else set())


@over.register
def _(op: Inherit) -> set[str]:
    return {t for table in (op.table, op.parent) for t in (table, nulls(table), checks(table), dropped_columns(table))}


@over.register
def _(op: CreateTable) -> set[str]:
    parents = {*op.relation.inherits, *([op.relation.partition_of] if op.relation.partition_of else [])}
    return parents | {nulls(p) for p in parents}


@singledispatch
def column_of(op: object) -> set[tuple[str, str]]:
    """The (table, column) a column's own change is to."""
    return set()


@column_of.register
def _(op: AddColumn | DropColumn) -> set[tuple[str, str]]:
    return {(op.relation.key, op.column.name)}


@column_of.register
def _(op: AlterColumnType | SetDefault | SetNotNull | AlterIdentity) -> set[tuple[str, str]]:
    return {(op.table, op.column)}


@column_of.register
def _(op: RenameColumn) -> set[tuple[str, str]]:
    return {(op.table, op.old), (op.table, op.new)}
