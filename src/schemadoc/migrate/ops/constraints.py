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
    VALIDATE,
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
    phase: int = CONSTRAINTS
    span: Span | None = field(default=None, compare=False)
    scans: bool = False
    label: str = ""  # what it is for, when more than "add check NAME"
    scaffold: bool = False  # a CHECK made only to prove NOT NULL and dropped again: nothing left to undo

    @property
    def what(self) -> str:
        return self.label or f"add {constraint_kind(self.constraint)} {self.constraint.name}"

    @property
    def lock(self) -> str:  # a foreign key also locks the table it references against writes
        return SHARE_ROW_EXCLUSIVE if isinstance(self.constraint, m.ForeignKey) else ACCESS_EXCLUSIVE

    def reverse(self) -> DropConstraint | None:
        if self.scaffold:
            return None
        kind = constraint_kind(self.constraint)
        return DropConstraint(self.table, self.constraint.name, f"drop {kind} {self.constraint.name}",
                              DETACH, constraint=self.constraint)  # fmt: skip


@dataclass(frozen=True, slots=True)
class ValidateConstraint(Typed):
    """ALTER TABLE … VALIDATE CONSTRAINT: reads every row under SHARE UPDATE EXCLUSIVE (reads and writes go on)."""

    table: str
    name: str
    label: str  # "validate check orders_total_check"
    phase: int = VALIDATE
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
    phase: int = DETACH
    span: Span | None = field(default=None, compare=False)
    constraint: Constraint | None = None  # what it was, when known: its reverse adds it back
    relation: str | None = None  # the table's name when it is not `table` (a table set aside under another)
    scaffold: bool = False  # the CHECK that proved NOT NULL, dropped once it has: nothing left to undo
    online: bool = False  # its reverse adds it NOT VALID, then validates it under a weak lock
    lock = ACCESS_EXCLUSIVE

    @property
    def what(self) -> str:
        return self.label

    @property
    def reversible(self) -> bool:  # type: ignore[override]
        return self.constraint is not None or self.scaffold

    def reverse(self) -> AddConstraint | tuple[AddConstraint, ValidateConstraint] | None:
        c = self.constraint
        if c is None or self.scaffold:
            return None
        if self.online and isinstance(c, m.Check | m.ForeignKey):
            label = f"validate {constraint_kind(c)} {c.name}"
            return AddConstraint(self.table, c, not_valid=True), ValidateConstraint(self.table, c.name, label)
        return AddConstraint(self.table, c, scans=True)
