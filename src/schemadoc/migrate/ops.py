"""Migration operations: each knows its lock, whether it rewrites or scans a table, whether it destroys
data (and how to count the rows at stake), and whether it can run in a transaction. Typed operations
(`CreateTable`, `DropTable`, `CreateIndex`, `DropIndex`, `RenameIndex`, `AddConstraint`,
`ValidateConstraint`, `DropConstraint`, `AddColumn`, `DropColumn`, `SetDefault`, `SetNotNull`,
`CreateOnTable`, `DropFromTable`, `Grant`, `RowSecurity`) also render their SQL through `migrate/ddl.py`
and give their offline form and their reverse; `Op` carries SQL text for the kinds not typed yet.

Locks are the ones PostgreSQL documents for each command ("Explicit Locking", and the ALTER TABLE
reference for the subcommands): ACCESS EXCLUSIVE blocks reads and writes, SHARE blocks writes,
SHARE ROW EXCLUSIVE blocks writes and other SHARE ROW EXCLUSIVE, SHARE UPDATE EXCLUSIVE blocks
neither reads nor writes (only other schema changes and VACUUM).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Protocol

from schemadoc import model as m
from schemadoc.errors import Span
from schemadoc.names import qualified, quote_ident

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


@dataclass(frozen=True, slots=True)
class Op:
    """An operation the diff still writes as SQL text (the typed operations below replace these kind by kind)."""

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
    index_name: tuple[str | None, str] | None = None

    def in_transaction(self) -> Operation:
        if self.transactional:
            return self
        return replace(self, transactional=True, lock=ACCESS_EXCLUSIVE if self.table else self.lock)


# ---- typed operations: each knows its lock, its scan, whether it runs in a transaction and its reverse ----


class _Typed:
    """What typed operations share: their SQL, from migrate/ddl.py; by default they lose no data, rewrite and
    scan nothing, run in a transaction as they are, and are no CONCURRENTLY build to find again on resume."""

    __slots__ = ()
    note = ""
    rewrites = False
    scans = False
    loses = None
    at_stake = None

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
class CreateIndex(_Typed):
    """CREATE INDEX: CONCURRENTLY on a table in use (SHARE UPDATE EXCLUSIVE, outside a transaction), else
    under SHARE, which blocks writes while it builds."""

    index: m.Index
    concurrently: bool = False
    scans: bool = False  # the table has rows to read (not one this plan creates)
    phase: float = INDEXES
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

    def reverse(self) -> DropIndex:
        return DropIndex(self.index, self.concurrently, DETACH)


@dataclass(frozen=True, slots=True)
class DropIndex(_Typed):
    """DROP INDEX: CONCURRENTLY where the table is in use (outside a transaction), else under ACCESS EXCLUSIVE."""

    index: m.Index
    concurrently: bool = False
    phase: float = DETACH
    span: Span | None = field(default=None, compare=False)

    @property
    def what(self) -> str:
        return f"drop index {self.index.name}"

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

    def reverse(self) -> CreateIndex:
        return CreateIndex(self.index, self.concurrently, scans=True)


@dataclass(frozen=True, slots=True)
class RenameIndex(_Typed):
    """ALTER INDEX … RENAME TO: a catalog change under SHARE UPDATE EXCLUSIVE."""

    index: m.Index  # as it is before
    to: str
    phase: float = INDEXES
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


@dataclass(frozen=True, slots=True)
class Notice:
    """Something the plan wants a person to know that is not a statement: a likely rename, a blocker."""

    message: str
    span: Span | None = None
    blocker: str | None = None  # SQL counting rows that would make the migration fail (0 = fine)
    rename: tuple[
        str, ...
    ] = ()  # a likely rename a person may confirm: ("table", old, new) / ("column", table, old, new)


Constraint = m.Check | m.ForeignKey


@dataclass(frozen=True, slots=True)
class AddConstraint(_Typed):
    """ALTER TABLE … ADD CONSTRAINT for a CHECK or a foreign key: NOT VALID on a table in use (a short lock,
    no scan; VALIDATE reads the rows later under a weak lock), else checked as it is added."""

    table: str  # qualified
    constraint: Constraint
    not_valid: bool = False
    phase: float = CONSTRAINTS
    span: Span | None = field(default=None, compare=False)
    scans: bool = False
    label: str = ""  # what it is for, when more than "add check NAME"

    @property
    def what(self) -> str:
        kind = "foreign key" if isinstance(self.constraint, m.ForeignKey) else "check"
        return self.label or f"add {kind} {self.constraint.name}"

    @property
    def lock(self) -> str:  # a foreign key also locks the table it references against writes
        return SHARE_ROW_EXCLUSIVE if isinstance(self.constraint, m.ForeignKey) else ACCESS_EXCLUSIVE

    def reverse(self) -> DropConstraint:
        kind = "foreign key" if isinstance(self.constraint, m.ForeignKey) else "check"
        return DropConstraint(self.table, self.constraint.name, f"drop {kind} {self.constraint.name}",
                              DETACH, constraint=self.constraint)  # fmt: skip


@dataclass(frozen=True, slots=True)
class ValidateConstraint(_Typed):
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
class DropConstraint(_Typed):
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


@dataclass(frozen=True, slots=True)
class AddColumn(_Typed):
    """ALTER TABLE … ADD COLUMN: a catalog change, unless its value must be computed for every row (an
    identity, a generated column, a volatile default), which rewrites the table."""

    relation: m.Table  # the table it is added to (a serial column's sequence is named after it)
    column: m.Column
    rewrites: bool = False
    phase: float = TABLES
    span: Span | None = field(default=None, compare=False)
    note: str = ""  # REWRITE_ADVICE where a big table makes the rewrite hurt
    lock = ACCESS_EXCLUSIVE

    @property
    def table(self) -> str:
        return self.relation.key

    @property
    def what(self) -> str:
        return f"add column {self.table}.{self.column.name}"

    def reverse(self) -> DropColumn:
        return DropColumn(self.relation, self.column)


@dataclass(frozen=True, slots=True)
class DropColumn(_Typed):
    """ALTER TABLE … DROP COLUMN: a catalog change under ACCESS EXCLUSIVE; its values are lost (counted
    first) unless they are computed (a generated column)."""

    relation: m.Table
    column: m.Column
    only: bool = False  # ONLY: the INHERITS children keep their column, now their own
    phase: float = DROP - 0.5
    label: str = ""
    lossless: bool = False  # a column dropped to be made again from an expression
    span: Span | None = field(default=None, compare=False)
    lock = ACCESS_EXCLUSIVE

    @property
    def table(self) -> str:
        return self.relation.key

    @property
    def what(self) -> str:
        return self.label or f"drop column {self.table}.{self.column.name}"

    @property
    def loses(self) -> str | None:  # type: ignore[override]
        return None if self.lossless else f"the values of {self.table}.{self.column.name}"

    @property
    def at_stake(self) -> str | None:  # type: ignore[override]
        if self.lossless:
            return None
        return f"SELECT count(*) FROM {relation_ref(self.table)} WHERE {quote_ident(self.column.name)} IS NOT NULL"

    def reverse(self) -> AddColumn:
        return AddColumn(self.relation, self.column)


@dataclass(frozen=True, slots=True)
class SetDefault(_Typed):
    """ALTER TABLE … ALTER COLUMN … SET DEFAULT (or DROP DEFAULT when `default` is None): a catalog change."""

    table: str
    column: str
    default: str | None
    before: str | None = None  # the default it replaces: its reverse sets it back
    label: str = ""
    only: bool = False  # ONLY: this table's own default, not its INHERITS children's
    phase: float = TABLES
    span: Span | None = field(default=None, compare=False)
    relation: str | None = None  # the table's name when it is not `table` (a table set aside under another)
    lock = ACCESS_EXCLUSIVE

    @property
    def what(self) -> str:
        verb = "set" if self.default is not None else "drop"
        return self.label or f"{verb} default of {self.table}.{self.column}"

    def reverse(self) -> SetDefault:
        return SetDefault(self.table, self.column, self.before, self.default, only=self.only)


@dataclass(frozen=True, slots=True)
class CreateTable(_Typed):
    """CREATE TABLE (with the foreign keys to tables made in the same plan written inline): a new relation,
    no lock on anything that has rows."""

    relation: m.Table
    inline_fks: tuple[m.ForeignKey, ...] = ()
    phase: float = TABLES
    span: Span | None = field(default=None, compare=False)
    table = None
    lock = ""

    @property
    def what(self) -> str:
        return f"create table {self.relation.key}"

    def reverse(self) -> DropTable:
        return DropTable(self.relation)


@dataclass(frozen=True, slots=True)
class DropTable(_Typed):
    """DROP TABLE: every row is lost (counted first), under ACCESS EXCLUSIVE."""

    relation: m.Table
    phase: float = DROP
    label: str = ""
    span: Span | None = field(default=None, compare=False)
    lock = ACCESS_EXCLUSIVE

    @property
    def table(self) -> str:
        return self.relation.key

    @property
    def what(self) -> str:
        return self.label or f"drop table {self.table}"

    @property
    def loses(self) -> str:  # type: ignore[override]
        return f"every row of {self.table}"

    @property
    def at_stake(self) -> str:  # type: ignore[override]
        return f"SELECT count(*) FROM {relation_ref(self.table)}"

    def reverse(self) -> CreateTable:
        return CreateTable(self.relation, self.relation.foreign_keys)


@dataclass(frozen=True, slots=True)
class SetNotNull(_Typed):
    """ALTER COLUMN … SET NOT NULL (or DROP NOT NULL): SET scans the table under ACCESS EXCLUSIVE unless a
    validated CHECK (`proved_by`) already shows no NULL is there."""

    table: str
    column: str
    drop: bool = False
    proved_by: str | None = None
    phase: float = CONSTRAINTS
    span: Span | None = field(default=None, compare=False)
    lock = ACCESS_EXCLUSIVE

    @property
    def what(self) -> str:
        if self.drop:
            return f"drop not null of {self.table}.{self.column}"
        proof = f" (proved by {self.proved_by})" if self.proved_by else ""
        return f"set not null on {self.table}.{self.column}{proof}"

    def reverse(self) -> SetNotNull:
        return SetNotNull(self.table, self.column, drop=not self.drop)


Attached = m.Trigger | m.Policy


def _kind(obj: Attached) -> str:
    return "trigger" if isinstance(obj, m.Trigger) else "policy"


@dataclass(frozen=True, slots=True)
class CreateOnTable(_Typed):
    """CREATE TRIGGER (under SHARE ROW EXCLUSIVE: writes wait) or CREATE POLICY (ACCESS EXCLUSIVE) on a table."""

    obj: Attached
    phase: float = ATTACH
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
class DropFromTable(_Typed):
    """DROP TRIGGER or DROP POLICY: a catalog change under ACCESS EXCLUSIVE."""

    obj: Attached
    phase: float = DETACH
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
class Grant(_Typed):
    """GRANT (or REVOKE) privileges: a catalog change, no lock worth naming."""

    grant: m.Grant
    revoke: bool = False
    phase: float = ATTACH
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
class RowSecurity(_Typed):
    """ALTER TABLE … ENABLE/DISABLE ROW LEVEL SECURITY, or (`forced`) FORCE/NO FORCE it: a catalog change
    under ACCESS EXCLUSIVE (none worth naming on a table this plan creates)."""

    relation: str
    on: bool
    forced: bool = False  # the FORCE setting (the owner too is held to the policies), not ENABLE
    fresh: bool = False
    phase: float = ATTACH
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
