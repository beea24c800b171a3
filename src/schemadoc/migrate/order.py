"""The order a migration's operations run in: each after the operations that make what it needs, and each
drop after the operations that take away the last use of what it drops; among the operations free to go,
the one of the earliest phase first (then the one made first). Phases only break ties: a function that
returns a table's rows waits for that table, a composite for the domain its attribute is, a type's drop
for the drop of the column of that type.

What an operation needs and makes is read from the definitions it carries, by name (sql/depends), the
same reading a fresh apply orders its statements by.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import singledispatch

from schemadoc import model as m
from schemadoc.graph import topological
from schemadoc.migrate.ops import (
    AddColumn,
    AddConstraint,
    AlterColumnType,
    AttachPartition,
    CreateIndex,
    CreateObject,
    CreateOnTable,
    CreateOwnedSequence,
    CreateTable,
    DropColumn,
    DropConstraint,
    DropFromTable,
    DropIndex,
    DropObject,
    DropTable,
    Inherit,
    Operation,
    RenameTable,
    RenameType,
    SetDefault,
)
from schemadoc.sql import depends


@singledispatch
def makes(op: object) -> set[str]:
    """The names an operation brings into being."""
    return set()


@makes.register
def _(op: CreateObject) -> set[str]:
    return depends.provides(op.obj)


@makes.register
def _(op: CreateTable) -> set[str]:
    return {op.relation.key}


@makes.register
def _(op: CreateIndex) -> set[str]:
    return {op.index.key}


@makes.register
def _(op: RenameTable) -> set[str]:
    return {f"{op.key.partition('.')[0]}.{op.to}"}


@makes.register
def _(op: RenameType) -> set[str]:
    return {m.qualify(op.type.schema, op.to)}


@singledispatch
def needs(op: object) -> set[str]:
    """The names that must exist when an operation runs."""
    return set()


@needs.register
def _(op: CreateObject) -> set[str]:
    return depends.needs(op.obj)


@needs.register
def _(op: CreateTable) -> set[str]:
    return depends.needs(op.relation) | {fk.ref_key for fk in op.inline_fks} - {op.relation.key}


@needs.register
def _(op: AddColumn) -> set[str]:
    return depends.needs(op.column)


@needs.register
def _(op: AlterColumnType) -> set[str]:
    return depends.types([op.type])


@needs.register
def _(op: SetDefault) -> set[str]:
    return depends.calls([op.default]) | depends.sequences([op.default])


@needs.register
def _(op: AddConstraint) -> set[str]:
    c = op.constraint
    if op.using_index:
        return {m.qualify(op.table.partition(".")[0], c.name)}
    return depends.needs(c) - {op.table}


@needs.register
def _(op: CreateIndex) -> set[str]:
    return depends.needs(op.index)


@needs.register
def _(op: CreateOnTable) -> set[str]:
    return depends.needs(op.obj)


@needs.register
def _(op: AttachPartition) -> set[str]:
    return {op.parent, op.child}


@needs.register
def _(op: Inherit) -> set[str]:
    return set() if op.no else {op.parent}


@needs.register
def _(op: CreateOwnedSequence) -> set[str]:
    return {op.table}


@singledispatch
def drops(op: object) -> set[str]:
    """The names an operation takes away."""
    return set()


@drops.register
def _(op: DropObject) -> set[str]:
    return depends.provides(op.obj)


@drops.register
def _(op: DropTable) -> set[str]:
    return {op.relation.key}


@drops.register
def _(op: DropIndex) -> set[str]:
    return {op.index.key}


@singledispatch
def releases(op: object) -> set[str]:
    """The names an operation stops using: what the definition it drops or changes needed."""
    return set()


@releases.register
def _(op: DropObject) -> set[str]:
    return depends.needs(op.obj)


@releases.register
def _(op: DropTable) -> set[str]:
    return depends.needs(op.relation) | {fk.ref_key for fk in op.relation.foreign_keys} - {op.relation.key}


@releases.register
def _(op: DropColumn) -> set[str]:
    return depends.needs(op.column)


@releases.register
def _(op: AlterColumnType) -> set[str]:
    return depends.types([op.before]) if op.before else set()


@releases.register
def _(op: SetDefault) -> set[str]:
    return depends.calls([op.before]) | depends.sequences([op.before])


@releases.register
def _(op: DropConstraint) -> set[str]:
    return depends.needs(op.constraint) - {op.table} if op.constraint is not None else set()


@releases.register
def _(op: DropIndex) -> set[str]:
    return depends.needs(op.index)


@releases.register
def _(op: DropFromTable) -> set[str]:
    return depends.needs(op.obj)


def ordered(ops: Sequence[Operation]) -> list[Operation]:
    """`ops` in an order PostgreSQL accepts (see the module's docstring); a cycle of needs is broken by the
    earliest phase, which is the order phases alone give."""
    made, dropped = depends.Provided(), depends.Provided()
    making = [makes(op) for op in ops]
    for i, op in enumerate(ops):
        for name in making[i]:
            made.add(name, i)
        for name in drops(op):
            dropped.add(name, i)
    keys = [f"{op.phase:012.4f} {i:08d}" for i, op in enumerate(ops)]
    after: dict[int, set[int]] = {i: set() for i in range(len(ops))}
    for i, op in enumerate(ops):
        after[i] |= made.of(needs(op))
        for j in dropped.of(making[i]):  # one name made and dropped: as the phases have it (the old one
            first, then = (j, i) if keys[j] < keys[i] else (i, j)  # dropped, then made; or made, then dropped)
            after[then].add(first)
        for j in dropped.of(releases(op)):
            after[j].add(i)  # a drop after the last use goes
    deps = {keys[i]: {keys[j] for j in before if j != i} for i, before in after.items()}
    position = {k: i for i, k in enumerate(keys)}
    return [ops[position[k]] for k in topological(deps, breaker=min)]
