"""Index operations: CREATE INDEX (CONCURRENTLY on a table in use), DROP INDEX, ALTER INDEX … RENAME."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from schemadoc import model as m
from schemadoc.errors import Span
from schemadoc.migrate.ops.base import (
    ACCESS_EXCLUSIVE,
    DETACH,
    INDEXES,
    SHARE,
    SHARE_UPDATE_EXCLUSIVE,
    Operation,
    Typed,
)


@dataclass(frozen=True, slots=True)
class CreateIndex(Typed):
    """CREATE INDEX: CONCURRENTLY on a table in use (SHARE UPDATE EXCLUSIVE, outside a transaction), else
    under SHARE, which blocks writes while it builds."""

    index: m.Index
    concurrently: bool = False
    scans: bool = False  # the table has rows to read (not one this plan creates)
    phase: int = INDEXES
    note: str = ""
    span: Span | None = field(default=None, compare=False)
    purpose: str = ""  # what it is for, when not an index of its own: "build the index of primary key …"

    @property
    def what(self) -> str:
        return self.purpose or f"create index {self.index.name}"

    @property
    def table(self) -> str:
        return self.index.table_key

    @property
    def lock(self) -> str:
        return SHARE_UPDATE_EXCLUSIVE if self.concurrently else SHARE

    @property
    def transactional(self) -> bool:
        return not self.concurrently

    @property
    def index_name(self) -> tuple[str | None, str] | None:
        return (self.index.schema, self.index.name) if self.concurrently else None

    def in_transaction(self) -> CreateIndex:
        return replace(self, concurrently=False)

    def reverse(self) -> DropIndex | None:
        if self.purpose:
            return None  # the index of a key: the key's DROP CONSTRAINT takes it
        return DropIndex(self.index, self.concurrently, DETACH)


@dataclass(frozen=True, slots=True)
class DropIndex(Typed):
    """DROP INDEX: CONCURRENTLY where the table is in use (outside a transaction), else under ACCESS EXCLUSIVE."""

    index: m.Index
    concurrently: bool = False
    phase: int = DETACH
    span: Span | None = field(default=None, compare=False)
    label: str = ""
    remake: tuple[Operation, ...] = field(default=(), compare=False)  # its comment, made again by the reverse

    @property
    def what(self) -> str:
        return self.label or f"drop index {self.index.name}"

    @property
    def table(self) -> str:
        return self.index.table_key

    @property
    def lock(self) -> str:
        return SHARE_UPDATE_EXCLUSIVE if self.concurrently else ACCESS_EXCLUSIVE

    @property
    def transactional(self) -> bool:
        return not self.concurrently

    def in_transaction(self) -> DropIndex:
        return replace(self, concurrently=False)

    def reverse(self) -> tuple[Operation, ...]:
        return (CreateIndex(self.index, self.concurrently, scans=True), *self.remake)


@dataclass(frozen=True, slots=True)
class RenameIndex(Typed):
    """ALTER INDEX … RENAME TO: a catalog change under SHARE UPDATE EXCLUSIVE."""

    index: m.Index  # as it is before
    to: str
    phase: int = INDEXES
    span: Span | None = field(default=None, compare=False)
    lock = SHARE_UPDATE_EXCLUSIVE

    @property
    def what(self) -> str:
        return f"rename index {self.index.name} to {self.to}"

    @property
    def table(self) -> str:
        return self.index.table_key

    def reverse(self) -> RenameIndex:
        return RenameIndex(replace(self.index, name=self.to), self.index.name, self.phase)
