"""The order a migration's operations run in, from what each one makes, needs, drops and changes, never from
where it was planned. The rules, all of them dependencies between operations:

- an operation runs after the operations that make the names it needs (a table, type, function, sequence,
  schema, role, column, constraint, the key a foreign key references), and before an operation that drops
  one of them for good;
- a drop runs after the operations that stop using what it drops (`releases`: a view dropped before the
  table it reads, a foreign key before the key it references, a revoke before its role);
- one name dropped and made again: the old one goes first when it existed before the migration, else (a
  table or type set aside under a new name, then dropped) it is made first;
- what is built over a table's columns (an index, constraint, view, trigger, policy, rows moved in) is made
  after the changes to those columns and dropped before them; a partition attached or a parent inherited
  also waits for the table's column drops, NOT NULLs and CHECKs, and what a table held only from its parent
  is dropped once it is detached (`columns.py`);
- a change to a parent's column (INHERITS) goes before the same change to its children's; NOT NULL and
  identity wait for each other as PostgreSQL requires; SET LOGGED and UNLOGGED go in the order of the
  foreign keys between the tables;
- schemas, roles, extensions and schemadoc's helpers come before everything else, and their drops (a
  schema, a role, an extension gone for good) after everything else.

Among the operations free to go, the one of the earliest phase goes first, then the one planned first: the
phases (ops/base.py) group a migration for its reader and decide nothing PostgreSQL would reject. The suite
plans every case again with the phases, and the order planned, reversed, and applies that plan too. A cycle
is a planner's mistake: broken at the earliest operation, and reported on the plan.

Names are read from the definitions each operation carries (sql/depends), the same reading a fresh apply
orders its statements by.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence

from schemadoc import model as m
from schemadoc.graph import topological
from schemadoc.migrate.ops import (
    CreateObject,
    CreateSchema,
    DetachPartition,
    DropConstraint,
    DropFromTable,
    DropIndex,
    DropObject,
    DropSchema,
    Helper,
    Inherit,
    Operation,
    SetRoleLogin,
    UpdateExtension,
)
from schemadoc.migrate.order.columns import changes, column_of, over
from schemadoc.migrate.order.names import (
    dropped_columns,
    names_in,
    schemas_of,
)
from schemadoc.migrate.order.reads import drops, makes, needs, releases

__all__ = ["edges", "names_in", "ordered", "priority"]
from schemadoc.sql import depends

_TAKES_AWAY = (DropIndex, DropConstraint, DropObject, DropFromTable, DetachPartition)


def _takes_away(op: Operation) -> bool:
    """Whether what `op` does over a table's columns is to take something away (so it goes before they change)."""
    return isinstance(op, _TAKES_AWAY) or (isinstance(op, Inherit) and op.no)


def _global(op: Operation) -> bool:
    """A schema, role or extension made or dropped, or schemadoc's helpers: what anything may need."""
    if isinstance(op, CreateObject | DropObject):
        return isinstance(op.obj, m.Role | m.Extension)
    return isinstance(op, CreateSchema | DropSchema | Helper | UpdateExtension | SetRoleLogin)


def priority(op: Operation, index: int) -> tuple[int, int]:
    """The tie-break among operations free to go: the phase, then the order planned."""
    return (op.phase, index)


def ordered(
    ops: Sequence[Operation],
    existed: Callable[[], set[str]] | None = None,
    cycles: list[Operation] | None = None,
    parents: Mapping[str, Collection[str]] | None = None,
) -> list[Operation]:
    """`ops` in an order PostgreSQL accepts (see the module's docstring). `existed` gives the names the
    database holds before (`names_in`), read only when some name is both dropped and made. A cycle of
    needs is a planner's mistake: it is broken at the operation of the earliest priority, which is added
    to `cycles`. `parents`: each table's INHERITS parents, before and after (a change to a parent's column
    reaches its children's, so it goes first)."""
    after = edges(ops, existed, parents)
    ranks = sorted(range(len(ops)), key=lambda i: priority(ops[i], i))
    keys = [""] * len(ops)
    for rank, i in enumerate(ranks):
        keys[i] = f"{rank:08d}"
    deps = {keys[i]: {keys[j] for j in before if j != i} for i, before in enumerate(after)}
    position = {k: i for i, k in enumerate(keys)}

    def breaker(left: set[str]) -> str:
        first = min(left)
        if cycles is not None:
            cycles.append(ops[position[first]])
        return first

    return [ops[position[k]] for k in topological(deps, breaker=breaker)]


def edges(
    ops: Sequence[Operation],
    existed: Callable[[], set[str]] | None = None,
    parents: Mapping[str, Collection[str]] | None = None,
) -> list[set[int]]:
    """For each operation (by index), the operations that must run before it."""
    n = len(ops)
    made, gone, changed = depends.Provided(), depends.Provided(), _Exact()
    making = [makes(op) for op in ops]
    dropping = [drops(op) for op in ops]
    needing = [needs(op) for op in ops]
    schemas = {name for names in (*making, *dropping) for name in names if name.startswith("schema ")}
    if schemas:  # what is made in a schema made (or dropped) here waits for it
        for i in range(n):
            needing[i] |= schemas_of(making[i]) & schemas
    wanted = set().union(*needing, *dropping)  # only a name something needs or drops is worth filing
    for i, op in enumerate(ops):
        for name in making[i]:
            if name in wanted or name.rpartition(".")[2] in wanted:
                made.add(name, i)
        for name in dropping[i]:
            gone.add(name, i)
        for name in changes(op):
            changed.add(name, i)
    after: list[set[int]] = [set() for _ in range(n)]  # after[i]: what runs before i
    made_first = _same_names(making, dropping, gone, after, existed) if any(dropping) else set()
    for i, op in enumerate(ops):
        for name in needing[i] - dropping[i] if dropping[i] else needing[i]:  # (what it drops, it needs as it was)
            makers = made.of((name,))
            if i in makers:
                continue  # it makes that itself (a serial column's sequence)
            after[i] |= makers
            if not makers or name in made_first:  # a need goes before the drop of what it needs
                for j in gone.of((name,)) - {i}:
                    after[j].add(i)
        for j in gone.of(releases(op) | (schemas_of(dropping[i]) if schemas else set())) - {i}:
            after[j].add(i)  # a drop goes after the last use
        tables = over(op)
        if tables:
            away = _takes_away(op) and not (dropping[i] and dropping[i] <= made_first)  # (not a scaffold's drop)
            for table in tables | ({dropped_columns(t) for t in tables} if away else set()):
                for j in changed.of(table) - {i}:
                    (after[j] if away else after[i]).add(i if away else j)
    if parents:
        _parents_first(ops, parents, after)
    globals_ = [i for i, op in enumerate(ops) if _global(op)]
    for_good = {j for j in globals_ if isinstance(ops[j], DropObject | DropSchema) and not made.of(dropping[j])}
    first = set(globals_) - for_good
    rest = set(range(n)) - set(globals_)
    for i in rest if first else ():  # global objects: made before the rest, dropped for good after it
        after[i] |= first
    for j in for_good:
        after[j] |= rest
    return after


def _same_names(
    making: list[set[str]],
    dropping: list[set[str]],
    gone: depends.Provided,
    after: list[set[int]],
    existed: Callable[[], set[str]] | None,
) -> set[str]:
    """One name dropped and made: the old one goes first if it existed before, else (set aside under it) it
    is made first; those names are returned."""
    old: set[str] | None = None
    made_first: set[str] = set()
    for i, names in enumerate(making):
        for name in names:
            for j in gone.exact(name) - {i}:
                if old is None:
                    old = existed() if existed else set()
                if name in old:
                    after[i].add(j)
                else:
                    after[j].add(i)
                    made_first.add(name)
    return made_first


def _parents_first(ops: Sequence[Operation], parents: Mapping[str, Collection[str]], after: list[set[int]]) -> None:
    """A change to a parent's column (INHERITS) reaches its children's: it goes before theirs."""
    by_column: dict[tuple[str, str], set[int]] = {}
    for i, op in enumerate(ops):
        for found in column_of(op):
            by_column.setdefault(found, set()).add(i)
    for (table, name), mine in by_column.items():
        for parent in parents.get(table, ()):
            for i in mine:
                after[i] |= by_column.get((parent, name), set()) - {i}


class _Exact:
    """Which items are filed under each name, matched exactly."""

    def __init__(self) -> None:
        self._by: dict[str, set[int]] = {}

    def add(self, name: str, item: int) -> None:
        self._by.setdefault(name, set()).add(item)

    def of(self, name: str) -> set[int]:
        return self._by.get(name, set())
