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

from psycopg import sql as pgsql

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

# The phase of an operation: where a reader finds it in a migration. Phases decide nothing PostgreSQL would
# reject (the order is read from what each operation makes, needs and drops: migrate/order); among the
# operations free to go, the earliest phase goes first, then the one planned first.
PREPARE = 0  # schemas, extensions, roles, schemadoc's helpers
RENAME = 1  # tables and columns renamed
DETACH = 2  # what depends on objects that change dropped: views, triggers, policies, FKs, indexes, constraints
TYPES = 3  # enums, composites, domains, sequences, functions
TABLES = 4  # create tables; add, alter and rename columns
MOVE = 5  # the rows of a rebuilt table moved in, its sequences moved past them, the old table dropped
CONSTRAINTS = 6  # primary keys, uniques, checks, exclusions
VALIDATE = 7  # constraints added NOT VALID proved
FOREIGN_KEYS = 8
INDEXES = 9
VIEWS = 10
ATTACH = 11  # triggers, row level security, policies, grants, comments
CONTRACT = 12  # columns dropped; partitions attached and parents inherited once their columns match
DROP = 13  # drop tables, then the types, functions and schemas nothing uses any more


def relation_ref(key: str) -> str:
    """A qualified name ("schema.table") as SQL: quoted where it must be, the public schema left out."""
    schema, _, name = key.partition(".")
    return qualified(schema, name)


def count_rows(table: str, where: pgsql.Composable | None = None) -> pgsql.Composed:
    """SQL counting the rows of `table` (a qualified key), or those `where` holds: composed by psycopg.sql, the
    table and its columns as Identifiers, any value as a Literal, an expression PostgreSQL printed as SQL."""
    schema, _, name = table.partition(".")
    query = pgsql.SQL("SELECT count(*) FROM {}").format(pgsql.Identifier(schema, name))
    return query if where is None else pgsql.SQL("{} WHERE {}").format(query, where)


class Operation(Protocol):
    """What a plan, its printer and its runner read of an operation, typed or not."""

    @property
    def sql(self) -> str: ...
    @property
    def what(self) -> str: ...
    @property
    def phase(self) -> int: ...
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
    def at_stake(self) -> pgsql.Composed | None: ...
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
    at_stake: pgsql.Composed | None = None
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
    blocker: pgsql.Composed | None = None  # SQL counting rows that would make the migration fail (0 = fine)
    rename: tuple[
        str, ...
    ] = ()  # a likely rename a person may confirm: ("table", old, new) / ("column", table, old, new)
