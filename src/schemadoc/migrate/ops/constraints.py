"""Constraint operations: ADD CONSTRAINT (a CHECK or a foreign key, NOT VALID on a table in use), VALIDATE
CONSTRAINT, DROP CONSTRAINT.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from schemadoc import model as m
from schemadoc.errors import Span
from schemadoc.migrate.ops.base import (
    ACCESS_EXCLUSIVE,
    CONSTRAINTS,
    DETACH,
    SHARE_ROW_EXCLUSIVE,
    SHARE_UPDATE_EXCLUSIVE,
    Typed,
)

Constraint = m.Check | m.ForeignKey | m.PrimaryKey | m.Unique | m.Exclusion


def constraint_kind(c: Constraint) -> str:
    return {m.Check: "check", m.ForeignKey: "foreign key", m.PrimaryKey: "primary key", m.Unique: "unique",
            m.Exclusion: "exclusion"}[type(c)]  # fmt: skip


@dataclass(frozen=True, slots=True)
class AddConstraint(Typed):
    """ALTER TABLE … ADD CONSTRAINT. A CHECK or a foreign key: NOT VALID on a table in use (a short lock, no
    scan; VALIDATE reads the rows later under a weak lock), else checked as it is added. A primary key or
    unique: USING INDEX of its own name (built CONCURRENTLY before: a catalog change), else built under the
    table's lock; an exclusion is always built so."""

    table: str  # qualified
    constraint: Constraint
    not_valid: bool = False
    using_index: bool = False
    phase: float = CONSTRAINTS
    span: Span | None = field(default=None, compare=False)
    scans: bool = False
    label: str = ""  # what it is for, when more than "add check NAME"

    @property
    def what(self) -> str:
        return self.label or f"add {constraint_kind(self.constraint)} {self.constraint.name}"

    @property
    def lock(self) -> str:  # a foreign key also locks the table it references against writes
        return SHARE_ROW_EXCLUSIVE if isinstance(self.constraint, m.ForeignKey) else ACCESS_EXCLUSIVE

    def reverse(self) -> DropConstraint:
        kind = constraint_kind(self.constraint)
        return DropConstraint(self.table, self.constraint.name, f"drop {kind} {self.constraint.name}",
                              DETACH, constraint=self.constraint)  # fmt: skip


@dataclass(frozen=True, slots=True)
class ValidateConstraint(Typed):
    """ALTER TABLE … VALIDATE CONSTRAINT: reads every row under SHARE UPDATE EXCLUSIVE (reads and writes go on)."""

    table: str
    name: str
    label: str  # "validate check orders_total_check"
    phase: float = CONSTRAINTS + 0.5
    span: Span | None = field(default=None, compare=False)
    scans = True
    lock = SHARE_UPDATE_EXCLUSIVE

    @property
    def what(self) -> str:
        return self.label

    def reverse(self) -> None:
        return None  # a constraint once proved needs no undoing: dropping it is its ADD's reverse


@dataclass(frozen=True, slots=True)
class DropConstraint(Typed):
    """ALTER TABLE … DROP CONSTRAINT: a catalog change under ACCESS EXCLUSIVE (the index of a key goes too)."""

    table: str
    name: str
    label: str  # "drop foreign key orders_customer_id_fkey"
    phase: float = DETACH
    span: Span | None = field(default=None, compare=False)
    constraint: Constraint | None = None  # what it was, when known: its reverse adds it back
    relation: str | None = None  # the table's name when it is not `table` (a table set aside under another)
    lock = ACCESS_EXCLUSIVE

    @property
    def what(self) -> str:
        return self.label

    def reverse(self) -> AddConstraint | None:
        return AddConstraint(self.table, self.constraint) if self.constraint is not None else None
