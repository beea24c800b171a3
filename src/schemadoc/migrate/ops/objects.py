"""Operations on what tables are built from and beside: schemas, extensions, collations, roles, types (enums,
composites, domains), sequences, functions and views. `CreateObject` and `DropObject` make and remove any
of them whole; the rest alter one in place."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from schemadoc import model as m
from schemadoc.errors import Span
from schemadoc.migrate.ops.base import ACCESS_EXCLUSIVE, DROP, PREPARE, TYPES, Operation, Typed

Definition = m.Extension | m.Collation | m.Role | m.Enum | m.CompositeType | m.Domain | m.Sequence | m.Function | m.View


def kind_of(obj: Definition) -> str:
    """The word PostgreSQL's CREATE and DROP use for it (lower case): "type", "domain", "materialized view" …"""
    if isinstance(obj, m.Enum | m.CompositeType):
        return "type"
    if isinstance(obj, m.Function):
        return obj.kind
    if isinstance(obj, m.View):
        return "materialized view" if obj.materialized else "view"
    return type(obj).__name__.lower()


def _name(obj: Definition) -> str:
    return obj.name if isinstance(obj, m.Role) else obj.key


@dataclass(frozen=True, slots=True)
class CreateSchema(Typed):
    """CREATE SCHEMA: a new namespace, no lock on anything in use."""

    name: str
    phase: int = PREPARE
    span: Span | None = field(default=None, compare=False)
    table = None
    lock = ""

    @property
    def what(self) -> str:
        return f"create schema {self.name}"

    def reverse(self) -> DropSchema:
        return DropSchema(self.name)


@dataclass(frozen=True, slots=True)
class DropSchema(Typed):
    """DROP SCHEMA (without CASCADE: it fails while anything is left in it)."""

    name: str
    phase: int = DROP
    span: Span | None = field(default=None, compare=False)
    remake: tuple[Operation, ...] = field(default=(), compare=False)  # its comment, made again by the reverse
    table = None
    lock = ""

    @property
    def what(self) -> str:
        return f"drop schema {self.name}"

    def reverse(self) -> tuple[Operation, ...]:
        return (CreateSchema(self.name), *self.remake)


@dataclass(frozen=True, slots=True)
class CreateObject(Typed):
    """CREATE (or, for a function whose signature stays, CREATE OR REPLACE) of a definition: a catalog change,
    no lock on a table in use."""

    obj: Definition
    phase: int = TYPES
    label: str = ""  # what it is for, when more than "create type NAME"
    replaces: bool = False  # a function's body or attributes replaced in place
    span: Span | None = field(default=None, compare=False)
    before: Definition | None = None  # what a function replaced was: its reverse puts it back
    table = None
    lock = ""

    @property
    def what(self) -> str:
        return self.label or f"{'replace' if self.replaces else 'create'} {kind_of(self.obj)} {_name(self.obj)}"

    @property
    def reversible(self) -> bool:  # type: ignore[override]
        return not self.replaces or self.before is not None

    def reverse(self) -> CreateObject | DropObject | None:
        if isinstance(self.obj, m.Role):
            return None  # roles belong to the cluster: never dropped
        if self.replaces and self.before is not None:
            return CreateObject(self.before, self.phase, replaces=True)
        return DropObject(self.obj)


@dataclass(frozen=True, slots=True)
class DropObject(Typed):
    """DROP of a definition (never CASCADE: what still uses it makes it fail rather than vanish with it). A view
    is dropped under ACCESS EXCLUSIVE; an extension takes what it provides with it (`loses`)."""

    obj: Definition
    phase: int = DROP
    label: str = ""
    loses: str | None = None
    if_exists: bool = False
    span: Span | None = field(default=None, compare=False)
    # what goes with it (a view's indexes, triggers and grants; a comment), made again by the reverse
    remake: tuple[Operation, ...] = field(default=(), compare=False)

    @property
    def table(self) -> str | None:
        return self.obj.key if isinstance(self.obj, m.View) else None

    @property
    def lock(self) -> str:
        return ACCESS_EXCLUSIVE if isinstance(self.obj, m.View) else ""

    @property
    def what(self) -> str:
        return self.label or f"drop {kind_of(self.obj)} {_name(self.obj)}"

    def reverse(self) -> tuple[Operation, ...]:
        return (CreateObject(self.obj), *self.remake)


@dataclass(frozen=True, slots=True)
class SetRoleLogin(Typed):
    """ALTER ROLE … LOGIN or NOLOGIN."""

    role: m.Role
    phase: int = PREPARE
    span: Span | None = field(default=None, compare=False)
    table = None
    lock = ""

    @property
    def what(self) -> str:
        return f"alter role {self.role.name}"

    def reverse(self) -> SetRoleLogin:
        return SetRoleLogin(replace(self.role, login=not self.role.login), self.phase)


@dataclass(frozen=True, slots=True)
class UpdateExtension(Typed):
    """ALTER EXTENSION … UPDATE TO: the extension's own script, along a path the server has."""

    extension: m.Extension  # as it becomes
    before: str
    phase: int = PREPARE
    span: Span | None = field(default=None, compare=False)
    back: bool = False  # the server has the update path back to `before`
    table = None
    lock = ""

    @property
    def reversible(self) -> bool:  # type: ignore[override]
        return self.back

    @property
    def what(self) -> str:
        return f"update extension {self.extension.name} from {self.before} to {self.extension.version}"

    def reverse(self) -> UpdateExtension:
        return UpdateExtension(replace(self.extension, version=self.before), self.extension.version or "", back=True)


@dataclass(frozen=True, slots=True)
class RenameType(Typed):
    """ALTER TYPE … RENAME TO (an enum set aside while its successor is made)."""

    type: m.Enum | m.CompositeType
    to: str
    label: str = ""
    phase: int = TYPES
    span: Span | None = field(default=None, compare=False)
    table = None
    lock = ""
    # set aside for a new type of its name, it cannot be undone step by step: the defaults and casts of the
    # columns moved over name the type, which on the way back means the other one (the way back is compared)
    reversible = False

    @property
    def what(self) -> str:
        return self.label or f"rename type {self.type.key} to {self.to}"

    def reverse(self) -> RenameType:
        return RenameType(replace(self.type, name=self.to), self.type.name, phase=self.phase)


@dataclass(frozen=True, slots=True)
class RenameEnumValue(Typed):
    """ALTER TYPE … RENAME VALUE: the rows holding it hold the new label, nothing rewritten."""

    enum: m.Enum
    old: str
    new: str
    phase: int = TYPES
    span: Span | None = field(default=None, compare=False)
    table = None
    lock = ""

    @property
    def what(self) -> str:
        return f"rename value {self.old} of {self.enum.key} to {self.new}"

    def reverse(self) -> RenameEnumValue:
        return RenameEnumValue(self.enum, self.new, self.old, self.phase)


@dataclass(frozen=True, slots=True)
class AddEnumValue(Typed):
    """ALTER TYPE … ADD VALUE, placed BEFORE or AFTER a neighbour. Online it runs outside the plan's
    transaction: a value added in a transaction cannot be used until it commits. PostgreSQL cannot drop a
    value again; only a new type can take it away."""

    enum: m.Enum
    value: str
    after: str | None = None
    before: str | None = None
    outside: bool = True
    phase: int = TYPES
    span: Span | None = field(default=None, compare=False)
    note: str = "a new enum value cannot be used in the transaction that adds it"
    table = None
    lock = ""
    reversible = False  # PostgreSQL cannot drop an enum value: a new type without it must replace the type

    @property
    def what(self) -> str:
        return f"add value {self.value} to {self.enum.key}"

    @property
    def transactional(self) -> bool:
        return not self.outside

    def in_transaction(self) -> AddEnumValue:
        return replace(self, outside=False)

    def reverse(self) -> None:
        return None


@dataclass(frozen=True, slots=True)
class AlterComposite(Typed):
    """ALTER TYPE … ADD, DROP and ALTER ATTRIBUTE, in one statement: from `before` to `after`."""

    before: m.CompositeType
    after: m.CompositeType
    phase: int = TYPES
    span: Span | None = field(default=None, compare=False)
    table = None
    lock = ""

    @property
    def what(self) -> str:
        return f"alter type {self.after.key}"

    def reverse(self) -> AlterComposite:
        return AlterComposite(self.after, self.before, self.phase)


@dataclass(frozen=True, slots=True)
class AlterDomain(Typed):
    """ALTER DOMAIN: its default (`default` set), NOT NULL (`not_null` set: SET scans every column of the
    domain), or one CHECK added NOT VALID, validated (a scan) or dropped."""

    domain: m.Domain  # as it becomes (as it was, for a CHECK dropped)
    label: str
    default: tuple[str | None, str | None] | None = None  # (before, after)
    not_null: bool | None = None
    add_check: m.Check | None = None
    validate: str | None = None
    drop_check: m.Check | None = None
    phase: int = TYPES
    span: Span | None = field(default=None, compare=False)
    table = None
    lock = ""

    @property
    def what(self) -> str:
        return self.label

    @property
    def scans(self) -> bool:  # type: ignore[override]
        return bool(self.not_null) or self.validate is not None

    def reverse(self) -> AlterDomain | None:
        key = self.domain.key
        if self.default is not None:
            return AlterDomain(self.domain, f"alter default of domain {key}", default=self.default[::-1])
        if self.not_null is not None:
            return AlterDomain(self.domain, f"alter nullability of domain {key}", not_null=not self.not_null)
        if self.add_check is not None:
            name = self.add_check.name
            return AlterDomain(self.domain, f"drop check {name} of domain {key}", drop_check=self.add_check)
        if self.drop_check is not None:
            name = self.drop_check.name
            return AlterDomain(self.domain, f"add check {name} to domain {key}", add_check=self.drop_check)
        return None  # a CHECK proved needs no undoing


@dataclass(frozen=True, slots=True)
class AlterSequence(Typed):
    """ALTER SEQUENCE: its options (to `options`), its type, or who owns it (a column, or none: a sequence of
    its own). Its current value is kept."""

    sequence: str  # as SQL: `relation_ref(key)`, or as a `nextval(…)` default names it
    label: str
    options: m.Sequence | None = None
    before: m.Sequence | None = None  # the options it had: its reverse sets them back
    base: str | None = None  # AS type
    owner: tuple[str, str] | None = None  # OWNED BY this (table key, column)
    disown: bool = False  # OWNED BY NONE: a sequence of its own
    phase: int = TYPES
    span: Span | None = field(default=None, compare=False)
    table: str | None = None  # the table whose column owns it, when locked with it
    lock: str = ""
    owned_before: tuple[str, str, str] | None = None  # (table key, column, its type): who owned it, disowned

    @property
    def what(self) -> str:
        return self.label

    @property
    def reversible(self) -> bool:  # type: ignore[override]
        if self.disown:
            return self.owned_before is not None
        return self.before is not None and (self.options is not None or self.owner is not None)

    def reverse(self) -> AlterSequence | None:
        if self.disown and self.owned_before is not None:  # the column's own sequence again
            table, column, base = self.owned_before
            label = f"make {self.sequence} the sequence of {table}.{column} again"
            return AlterSequence(self.sequence, label, base=base, owner=(table, column), phase=self.phase)
        if self.before is None:
            return None
        if self.owner is not None:  # a sequence of its own again, with the options it had
            label = f"make {self.sequence} a sequence of its own again"
            return AlterSequence(self.sequence, label, self.before, disown=True, phase=self.phase)
        return AlterSequence(self.sequence, self.label, self.before, self.options, phase=self.phase)


@dataclass(frozen=True, slots=True)
class Helper(Typed):
    """schemadoc's own support objects (its helper schema and functions, a platform's stand-ins): fixed SQL
    that ships with schemadoc, created when missing, never built from a document."""

    script: str
    label: str
    name: str  # what it makes, for messages: "function schemadoc.cuid", "Supabase stand-in"
    phase: int = PREPARE
    span: Span | None = field(default=None, compare=False)
    schema: str = ""  # the schema it creates, if it creates one
    table = None
    lock = ""

    @property
    def what(self) -> str:
        return self.label

    def reverse(self) -> None:
        return None  # shared by every document on the server: never taken away by one
