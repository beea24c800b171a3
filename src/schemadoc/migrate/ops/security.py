"""What hangs on a table or is granted on it: triggers and policies, GRANT and REVOKE, row level security."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from schemadoc import model as m
from schemadoc.errors import Span
from schemadoc.migrate.ops.base import (
    ACCESS_EXCLUSIVE,
    ATTACH,
    DETACH,
    SHARE_ROW_EXCLUSIVE,
    Typed,
)

Attached = m.Trigger | m.Policy


def _kind(obj: Attached) -> str:
    return "trigger" if isinstance(obj, m.Trigger) else "policy"


@dataclass(frozen=True, slots=True)
class CreateOnTable(Typed):
    """CREATE TRIGGER (under SHARE ROW EXCLUSIVE: writes wait) or CREATE POLICY (ACCESS EXCLUSIVE) on a table."""

    obj: Attached
    phase: int = ATTACH
    span: Span | None = field(default=None, compare=False)

    @property
    def table(self) -> str:
        return self.obj.table_key

    @property
    def lock(self) -> str:
        return SHARE_ROW_EXCLUSIVE if isinstance(self.obj, m.Trigger) else ACCESS_EXCLUSIVE

    @property
    def what(self) -> str:
        return f"create {_kind(self.obj)} {self.obj.name} on {self.obj.table_key}"

    def reverse(self) -> DropFromTable:
        return DropFromTable(self.obj)


@dataclass(frozen=True, slots=True)
class DropFromTable(Typed):
    """DROP TRIGGER or DROP POLICY: a catalog change under ACCESS EXCLUSIVE."""

    obj: Attached
    phase: int = DETACH
    span: Span | None = field(default=None, compare=False)
    lock = ACCESS_EXCLUSIVE

    @property
    def table(self) -> str:
        return self.obj.table_key

    @property
    def what(self) -> str:
        return f"drop {_kind(self.obj)} {self.obj.name} on {self.obj.table_key}"

    def reverse(self) -> CreateOnTable:
        return CreateOnTable(self.obj)


@dataclass(frozen=True, slots=True)
class Grant(Typed):
    """GRANT (or REVOKE) privileges: a catalog change, no lock worth naming."""

    grant: m.Grant
    revoke: bool = False
    phase: int = ATTACH
    span: Span | None = field(default=None, compare=False)
    table = None
    lock = ""

    @property
    def what(self) -> str:
        privileges = ", ".join(self.grant.privileges)
        return (
            f"revoke {privileges} from {self.grant.grantee}"
            if self.revoke
            else f"grant {privileges} to {self.grant.grantee}"
        )

    def reverse(self) -> Grant:
        return Grant(self.grant, not self.revoke)


@dataclass(frozen=True, slots=True)
class RowSecurity(Typed):
    """ALTER TABLE … ENABLE/DISABLE ROW LEVEL SECURITY, or (`forced`) FORCE/NO FORCE it: a catalog change
    under ACCESS EXCLUSIVE (none worth naming on a table this plan creates)."""

    relation: str
    on: bool
    forced: bool = False  # the FORCE setting (the owner too is held to the policies), not ENABLE
    fresh: bool = False
    phase: int = ATTACH
    span: Span | None = field(default=None, compare=False)

    @property
    def table(self) -> str | None:
        return None if self.fresh else self.relation

    @property
    def lock(self) -> str:
        return "" if self.fresh else ACCESS_EXCLUSIVE

    @property
    def what(self) -> str:
        verb = ("force" if self.on else "unforce") if self.forced else ("enable" if self.on else "disable")
        return f"{verb} row level security on {self.relation}"

    def reverse(self) -> RowSecurity:
        return RowSecurity(self.relation, not self.on, self.forced)


@dataclass(frozen=True, slots=True)
class SetComment(Typed):
    """COMMENT ON … IS (NULL removes it): a catalog change. A column's: `comment.object_name` is its table's
    key and `column` its name."""

    comment: m.Comment  # what it is on, and the text it gets (None: none)
    label: str
    before: str | None = None
    column: str | None = None
    phase: int = ATTACH
    span: Span | None = field(default=None, compare=False)
    table = None
    lock = ""

    @property
    def what(self) -> str:
        return self.label

    def reverse(self) -> SetComment:
        return SetComment(replace(self.comment, text=self.before), self.label, self.comment.text, self.column)
