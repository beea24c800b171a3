"""Typed migration operations: each statement knows its lock, whether it rewrites or scans a table,
whether it destroys data (and how to count the rows at stake), and whether it can run in a transaction.

Locks are the ones PostgreSQL documents for each command ("Explicit Locking", and the ALTER TABLE
reference for the subcommands): ACCESS EXCLUSIVE blocks reads and writes, SHARE blocks writes,
SHARE ROW EXCLUSIVE blocks writes and other SHARE ROW EXCLUSIVE, SHARE UPDATE EXCLUSIVE blocks
neither reads nor writes (only other schema changes and VACUUM).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from schemadoc.errors import Span

ACCESS_EXCLUSIVE = "ACCESS EXCLUSIVE"
SHARE = "SHARE"
SHARE_ROW_EXCLUSIVE = "SHARE ROW EXCLUSIVE"
SHARE_UPDATE_EXCLUSIVE = "SHARE UPDATE EXCLUSIVE"

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


@dataclass(frozen=True, slots=True)
class Op:
    sql: str
    what: str  # "add column orders.note", for messages and the printed plan
    phase: float
    table: str | None = None  # the qualified table (or view) the lock is taken on
    lock: str = ""  # the strongest lock taken on `table`; "" when none worth naming
    rewrites: bool = False  # rewrites the whole table (and its indexes) while holding the lock
    scans: bool = False  # reads the whole table while holding the lock (validation, index build)
    loses: str | None = None  # the data this destroys, e.g. "every row of orders"; None when none
    at_stake: str | None = None  # SQL counting the rows whose data is lost (one bigint)
    transactional: bool = True  # False: cannot run inside a transaction block
    span: Span | None = field(default=None, compare=False)
    note: str = ""  # advice printed with the statement


@dataclass(frozen=True, slots=True)
class Notice:
    """Something the plan wants a person to know that is not a statement: a likely rename, a blocker."""

    message: str
    span: Span | None = None
    blocker: str | None = None  # SQL counting rows that would make the migration fail (0 = fine)
    rename: tuple[
        str, ...
    ] = ()  # a likely rename a person may confirm: ("table", old, new) / ("column", table, old, new)
