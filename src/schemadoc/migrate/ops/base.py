"""What every migration operation is: the locks and phases it is ordered and described by, the `Operation`
protocol a plan, its printer and its runner read, the base every operation class shares, and `Notice`.

Locks are the ones PostgreSQL documents for each command ("Explicit Locking", and the ALTER TABLE
reference for the subcommands): ACCESS EXCLUSIVE blocks reads and writes, SHARE blocks writes,
SHARE ROW EXCLUSIVE blocks writes and other SHARE ROW EXCLUSIVE, SHARE UPDATE EXCLUSIVE blocks
neither reads nor writes (only other schema changes and VACUUM).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from schemadoc.errors import Span
from schemadoc.names import qualified

ACCESS_EXCLUSIVE = "ACCESS EXCLUSIVE"
SHARE = "SHARE"
SHARE_ROW_EXCLUSIVE = "SHARE ROW EXCLUSIVE"
SHARE_UPDATE_EXCLUSIVE = "SHARE UPDATE EXCLUSIVE"

REWRITE_ADVICE = (
    "on a big table prefer expand/contract: add a new column, backfill it in batches, "
    "then switch over in one short transaction"
)

# Ordering of a migration: each operation goes in one phase; within a phase, in the order made.
PREPARE = 0  # schemas, extensions, roles, schemadoc's helpers
DETACH = 1  # drop what depends on objects that change: views, triggers, policies, FKs, indexes, constraints
TYPES = 2  # enums, composites, domains, sequences, functions
TABLES = 3  # create tables; add, alter and rename columns
CONSTRAINTS = 4  # primary keys, uniques, checks, exclusions
FOREIGN_KEYS = 5
INDEXES = 6
VIEWS = 7
ATTACH = 8  # triggers, row level security, policies, grants, comments
DROP = 9  # drop columns, tables, then the types, functions and schemas nothing uses any more


def relation_ref(key: str) -> str:
    """A qualified name ("schema.table") as SQL: quoted where it must be, the public schema left out."""
    schema, _, name = key.partition(".")
    return qualified(schema, name)


class Operation(Protocol):
    """What a plan, its printer and its runner read of an operation, typed or not."""

    @property
    def sql(self) -> str: ...
    @property
    def what(self) -> str: ...
    @property
    def phase(self) -> float: ...
    @property
    def table(self) -> str | None: ...
    @property
    def lock(self) -> str: ...
    @property
    def rewrites(self) -> bool: ...
    @property
    def scans(self) -> bool: ...
    @property
    def loses(self) -> str | None: ...
    @property
    def at_stake(self) -> str | None: ...
    @property
    def transactional(self) -> bool: ...
    @property
    def span(self) -> Span | None: ...
    @property
    def note(self) -> str: ...
    @property
    def index_name(self) -> tuple[str | None, str] | None: ...  # a CONCURRENTLY build's: found on resume

    def in_transaction(self) -> Operation:
        """The form that runs inside the plan's one transaction (offline: plain, locking builds)."""
        ...

    @property
    def reversible(self) -> bool: ...  # False: `reverse()` alone cannot undo it

    def reverse(self) -> Undo:
        """What undoes this operation: one operation, several (a table dropped comes back with its indexes,
        triggers, policies, grants and comments), or None when nothing is left to undo (a CHECK proved)."""
        ...


Undo = Operation | tuple[Operation, ...] | None


def undo(ops: Sequence[Operation]) -> list[Operation] | None:
    """The operations that undo `ops`, last first; None when one of them cannot be undone on its own (an
    enum value added, rows moved into a rebuilt table), so the way back must be planned by comparing."""
    out: list[Operation] = []
    for op in reversed(ops):
        if not op.reversible:
            return None
        back = op.reverse()
        out.extend(back if isinstance(back, tuple) else () if back is None else (back,))
    return out


class Typed:
    """What every operation class shares: their SQL, from migrate/ddl.py; by default they lose no data, rewrite and
    scan nothing, run in a transaction as they are, and are no CONCURRENTLY build to find again on resume."""

    __slots__ = ()
    note = ""
    rewrites = False
    scans = False
    loses: str | None = None
    at_stake: str | None = None
    reversible = True

    @property
    def sql(self) -> str:
        from schemadoc.migrate.ddl import ddl

        return ddl(self)

    @property
    def transactional(self) -> bool:
        return True

    @property
    def index_name(self) -> tuple[str | None, str] | None:
        return None

    def in_transaction(self) -> Operation:
        return self  # type: ignore[return-value]


@dataclass(frozen=True, slots=True)
class Notice:
    """Something the plan wants a person to know that is not a statement: a likely rename, a blocker."""

    message: str
    span: Span | None = None
    blocker: str | None = None  # SQL counting rows that would make the migration fail (0 = fine)
    rename: tuple[
        str, ...
    ] = ()  # a likely rename a person may confirm: ("table", old, new) / ("column", table, old, new)
