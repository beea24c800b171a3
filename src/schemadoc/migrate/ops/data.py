"""Operations on the values a table holds rather than its shape: a column's own sequence made, moved past
the values already there, or dropped; and a rebuilt table's rows moved from the old table set aside into
the new one, then the old one dropped.

A sequence is named here as a `nextval(…)` default names it: PostgreSQL's own `regclass` spelling, quoted
where it must be and qualified where the search path needs it, so it is written into the SQL as it is."""

from __future__ import annotations

from dataclasses import dataclass, field

from psycopg import sql as pgsql

from schemadoc import model as m
from schemadoc.errors import Span
from schemadoc.migrate.ops.base import ACCESS_EXCLUSIVE, MOVE, TABLES, Typed, count_rows

ROW_COPY_NOTE = "every row is written again: on a big table this takes as long as copying it"


@dataclass(frozen=True, slots=True)
class CreateOwnedSequence(Typed):
    """CREATE SEQUENCE IF NOT EXISTS … OWNED BY a column (integer → serial: made before the default uses it)."""

    sequence: str  # as SQL: as the catalog's `nextval('…'::regclass)` spells it, quoted where needed
    base: str  # smallint | integer | bigint
    table: str
    column: str
    phase: int = TABLES
    span: Span | None = field(default=None, compare=False)
    lock = ACCESS_EXCLUSIVE

    @property
    def what(self) -> str:
        return f"create sequence {self.sequence} for {self.table}.{self.column}"

    def reverse(self) -> DropOwnedSequence:
        return DropOwnedSequence(self.sequence, self.table, if_exists=True)


@dataclass(frozen=True, slots=True)
class DropOwnedSequence(Typed):
    """DROP SEQUENCE of a column's own sequence, once nothing draws from it (its values need no keeping)."""

    sequence: str  # as SQL, as in CreateOwnedSequence
    table: str  # the table whose column owned it
    label: str = ""
    if_exists: bool = False
    phase: int = TABLES
    span: Span | None = field(default=None, compare=False)
    owner: tuple[str, str] | None = None  # (column, its sequence's type): its reverse makes it again for it
    relation: str | None = None  # the table's name when it is not `table` (a table set aside under another)
    lock = ACCESS_EXCLUSIVE

    @property
    def reversible(self) -> bool:  # type: ignore[override]
        return self.owner is not None

    @property
    def what(self) -> str:
        return self.label or f"drop sequence {self.sequence}"

    def reverse(self) -> tuple[CreateOwnedSequence, StartSequencePast] | None:
        if self.owner is None:
            return None
        column, base = self.owner
        label = f"start {self.sequence} past the existing values of {self.table}.{column}"
        return (CreateOwnedSequence(self.sequence, base, self.table, column, self.phase),
                StartSequencePast(self.table, column, self.sequence, label, self.phase))  # fmt: skip


@dataclass(frozen=True, slots=True)
class StartSequencePast(Typed):
    """setval of a column's sequence (`sequence`, or its identity's or serial's when None) to follow the largest
    value the column holds: reads the column, so the next row does not collide with the rows already there."""

    table: str
    column: str
    sequence: str | None
    label: str
    phase: int = TABLES
    span: Span | None = field(default=None, compare=False)
    scans = True
    lock = ""

    @property
    def what(self) -> str:
        return self.label

    def reverse(self) -> None:
        return None  # a sequence moved on is never moved back: its values may be in use


@dataclass(frozen=True, slots=True)
class MoveRows(Typed):
    """INSERT INTO the rebuilt table SELECT the columns both have FROM the old table set aside (OVERRIDING
    SYSTEM VALUE where an identity is GENERATED ALWAYS): every row written again, under ACCESS EXCLUSIVE."""

    table: str
    source: m.Table  # the old table, under its set-aside name
    columns: tuple[str, ...]
    overriding: bool = False
    phase: int = MOVE
    span: Span | None = field(default=None, compare=False)
    note: str = ROW_COPY_NOTE
    scans = True
    lock = ACCESS_EXCLUSIVE
    reversible = False  # rows moved into a rebuilt table go back by rebuilding it again

    @property
    def what(self) -> str:
        return f"move the rows of {self.table} into its rebuilt table"

    def reverse(self) -> None:
        return None


@dataclass(frozen=True, slots=True)
class DropSetAside(Typed):
    """DROP TABLE of the old table set aside, once its rows are moved: only the values of the columns the new
    table has not (`lost`) are lost, counted on the table before it is set aside."""

    table: str  # the table rebuilt (its key before and after)
    aside: m.Table  # the old table, under its set-aside name
    lost: tuple[str, ...] = ()
    phase: int = MOVE
    span: Span | None = field(default=None, compare=False)
    lock = ACCESS_EXCLUSIVE
    reversible = False

    @property
    def what(self) -> str:
        return f"drop the set-aside {self.table}, its rows moved"

    @property
    def loses(self) -> str | None:  # type: ignore[override]
        return f"the values of {', '.join(f'{self.table}.{c}' for c in self.lost)}" if self.lost else None

    @property
    def at_stake(self) -> pgsql.Composed | None:  # type: ignore[override]
        if not self.lost:
            return None
        present = pgsql.SQL(" OR ").join(pgsql.SQL("{} IS NOT NULL").format(pgsql.Identifier(c)) for c in self.lost)
        return count_rows(self.table, present)

    def reverse(self) -> None:
        return None
