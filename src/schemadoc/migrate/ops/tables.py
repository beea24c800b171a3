"""Table and column operations: CREATE, DROP and RENAME a table; ADD, DROP, RENAME and alter a column (its
type, default, NOT NULL, identity); rename a constraint; persistence; partitions and INHERITS parents."""

from __future__ import annotations

from dataclasses import dataclass, field

from psycopg import sql as pgsql

from schemadoc import model as m
from schemadoc.errors import Span
from schemadoc.migrate.ops.base import (
    ACCESS_EXCLUSIVE,
    CONSTRAINTS,
    CONTRACT,
    DETACH,
    DROP,
    RENAME,
    TABLES,
    Operation,
    Typed,
    count_rows,
)


@dataclass(frozen=True, slots=True)
class AddColumn(Typed):
    """ALTER TABLE … ADD COLUMN: a catalog change, unless its value must be computed for every row (an
    identity, a generated column, a volatile default), which rewrites the table."""

    relation: m.Table  # the table it is added to (a serial column's sequence is named after it)
    column: m.Column
    rewrites: bool = False
    phase: int = TABLES
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
class DropColumn(Typed):
    """ALTER TABLE … DROP COLUMN: a catalog change under ACCESS EXCLUSIVE; its values are lost (counted
    first) unless they are computed (a generated column)."""

    relation: m.Table
    column: m.Column
    only: bool = False  # ONLY: the INHERITS children keep their column, now their own
    phase: int = CONTRACT
    label: str = ""
    lossless: bool = False  # a column dropped to be made again from an expression
    span: Span | None = field(default=None, compare=False)
    remake: tuple[Operation, ...] = field(default=(), compare=False)  # its comment, made again by the reverse
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
    def at_stake(self) -> pgsql.Composed | None:  # type: ignore[override]
        if self.lossless:
            return None
        return count_rows(self.table, pgsql.SQL("{} IS NOT NULL").format(pgsql.Identifier(self.column.name)))

    def reverse(self) -> tuple[Operation, ...]:
        return (AddColumn(self.relation, self.column), *self.remake)


@dataclass(frozen=True, slots=True)
class SetDefault(Typed):
    """ALTER TABLE … ALTER COLUMN … SET DEFAULT (or DROP DEFAULT when `default` is None): a catalog change."""

    table: str
    column: str
    default: str | None
    before: str | None = None  # the default it replaces: its reverse sets it back
    label: str = ""
    only: bool = False  # ONLY: this table's own default, not its INHERITS children's
    phase: int = TABLES
    span: Span | None = field(default=None, compare=False)
    relation: str | None = None  # the table's name when it is not `table` (a table set aside under another)
    # the INHERITS descendants the change reaches (without ONLY it recurses), each with the default it had:
    # its reverse sets those back (ONLY) where they differ from the parent's
    children: tuple[tuple[str, str | None], ...] = ()
    lock = ACCESS_EXCLUSIVE

    @property
    def what(self) -> str:
        verb = "set" if self.default is not None else "drop"
        return self.label or f"{verb} default of {self.table}.{self.column}"

    def reverse(self) -> SetDefault | tuple[SetDefault, ...]:
        back = SetDefault(self.table, self.column, self.before, self.default, only=self.only)
        if self.only or not self.children:
            return back
        own = tuple(
            SetDefault(child, self.column, had, self.before, f"set {child}.{self.column}'s own default back", only=True)
            for child, had in self.children
            if had != self.before
        )
        return (back, *own)


@dataclass(frozen=True, slots=True)
class CreateTable(Typed):
    """CREATE TABLE (with the foreign keys to tables made in the same plan written inline): a new relation,
    no lock on anything that has rows."""

    relation: m.Table
    inline_fks: tuple[m.ForeignKey, ...] = ()
    phase: int = TABLES
    span: Span | None = field(default=None, compare=False)
    table = None
    lock = ""

    @property
    def what(self) -> str:
        return f"create table {self.relation.key}"

    def reverse(self) -> DropTable:
        return DropTable(self.relation)


@dataclass(frozen=True, slots=True)
class DropTable(Typed):
    """DROP TABLE: every row is lost (counted first), under ACCESS EXCLUSIVE."""

    relation: m.Table
    phase: int = DROP
    label: str = ""
    span: Span | None = field(default=None, compare=False)
    # what goes with it: its partitions, indexes, triggers, policies, row level security, grants and comments
    # (its foreign keys are dropped first, by operations of their own), made again by the reverse
    remake: tuple[Operation, ...] = field(default=(), compare=False)
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
    def at_stake(self) -> pgsql.Composed:  # type: ignore[override]
        return count_rows(self.table)

    def reverse(self) -> tuple[Operation, ...]:
        return (CreateTable(self.relation), *self.remake)


@dataclass(frozen=True, slots=True)
class SetNotNull(Typed):
    """ALTER COLUMN … SET NOT NULL (or DROP NOT NULL): SET scans the table under ACCESS EXCLUSIVE unless a
    validated CHECK (`proved_by`) already shows no NULL is there."""

    table: str
    column: str
    drop: bool = False
    proved_by: str | None = None
    phase: int = CONSTRAINTS
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


@dataclass(frozen=True, slots=True)
class AlterColumnType(Typed):
    """ALTER COLUMN … TYPE (with USING where no cast is implicit, COLLATE where the collation is said): under
    ACCESS EXCLUSIVE, rewriting the table unless the new type is binary-compatible; values the new type cannot
    hold are lost (`loses`, counted by `at_stake`)."""

    table: str
    column: str
    type: str  # as PostgreSQL spells it
    label: str
    using: str | None = None
    before: str | None = None  # the type it had
    collate: str = ""  # " COLLATE …", as SQL
    collate_before: str = ""  # the collation it had, as SQL: its reverse goes back to it
    rewrites: bool = False
    scans: bool = False
    loses: str | None = None
    at_stake: pgsql.Composed | None = None
    note: str = ""
    phase: int = TABLES
    span: Span | None = field(default=None, compare=False)
    unidentified: bool = False  # its identity is dropped first (the new type is one no identity can have)
    lock = ACCESS_EXCLUSIVE

    @property
    def what(self) -> str:
        return self.label

    @property
    def reversible(self) -> bool:  # type: ignore[override]
        return self.before is not None

    def reverse(self) -> AlterColumnType | None:
        if self.before is None:
            return None
        from schemadoc.migrate.diff.typechange import back

        return back(self)


@dataclass(frozen=True, slots=True)
class AlterIdentity(Typed):
    """ALTER COLUMN … ADD GENERATED … AS IDENTITY (on a NOT NULL column), SET GENERATED, or DROP IDENTITY (its
    sequence goes with it; the column keeps its values and its NOT NULL): a catalog change under ACCESS
    EXCLUSIVE."""

    table: str
    column: str
    generated: str | None  # "always" | "by default"; None: no identity
    before: str | None = None
    label: str = ""
    phase: int = TABLES
    span: Span | None = field(default=None, compare=False)
    relation: str | None = None  # the table's name when it is not `table` (a table set aside under another)
    lock = ACCESS_EXCLUSIVE

    @property
    def what(self) -> str:
        at = f"{self.table}.{self.column}"
        if self.label:
            return self.label
        if self.generated is None:
            return f"drop identity of {at}"
        return f"make {at} an identity" if self.before is None else f"alter identity of {at}"

    def reverse(self) -> AlterIdentity:
        return AlterIdentity(self.table, self.column, self.before, self.generated)


@dataclass(frozen=True, slots=True)
class RenameTable(Typed):
    """ALTER TABLE … RENAME TO: a catalog change under ACCESS EXCLUSIVE (what refers to it follows by oid)."""

    key: str  # as it is before
    to: str  # the new name, in the same schema
    label: str = ""
    phase: int = RENAME
    span: Span | None = field(default=None, compare=False)
    lock = ACCESS_EXCLUSIVE

    @property
    def table(self) -> str:
        return self.key

    @property
    def what(self) -> str:
        return self.label or f"rename table {self.key} to {self.to}"

    def reverse(self) -> RenameTable:
        schema, _, name = self.key.partition(".")
        return RenameTable(f"{schema}.{self.to}", name, phase=self.phase)


@dataclass(frozen=True, slots=True)
class RenameColumn(Typed):
    """ALTER TABLE … RENAME COLUMN: a catalog change under ACCESS EXCLUSIVE; the values stay."""

    table: str
    old: str
    new: str
    phase: int = RENAME
    span: Span | None = field(default=None, compare=False)
    lock = ACCESS_EXCLUSIVE

    @property
    def what(self) -> str:
        return f"rename column {self.table}.{self.old} to {self.new}"

    def reverse(self) -> RenameColumn:
        return RenameColumn(self.table, self.new, self.old, self.phase)


@dataclass(frozen=True, slots=True)
class RenameConstraint(Typed):
    """ALTER TABLE … RENAME CONSTRAINT (its index, for a key, follows): a catalog change."""

    table: str
    old: str
    new: str
    phase: int = DETACH
    span: Span | None = field(default=None, compare=False)
    lock = ACCESS_EXCLUSIVE

    @property
    def what(self) -> str:
        return f"rename constraint {self.old} to {self.new}"

    def reverse(self) -> RenameConstraint:
        return RenameConstraint(self.table, self.new, self.old, self.phase)


@dataclass(frozen=True, slots=True)
class SetLogged(Typed):
    """ALTER TABLE … SET LOGGED or SET UNLOGGED: rewrites the table (and writes it to the WAL, for LOGGED)."""

    table: str
    logged: bool
    phase: int = TABLES
    span: Span | None = field(default=None, compare=False)
    references: tuple[str, ...] = ()  # the tables its foreign keys reference (itself left out)
    referenced_by: tuple[str, ...] = ()  # the tables whose foreign keys reference it
    rewrites = True
    lock = ACCESS_EXCLUSIVE

    @property
    def what(self) -> str:
        return f"set {self.table} {'logged' if self.logged else 'unlogged'}"

    def reverse(self) -> SetLogged:
        return SetLogged(self.table, not self.logged, self.phase, references=self.references,
                         referenced_by=self.referenced_by)  # fmt: skip


@dataclass(frozen=True, slots=True)
class AttachPartition(Typed):
    """ALTER TABLE parent ATTACH PARTITION child FOR VALUES …: scans the child (its rows must fall within the
    bounds) unless a CHECK proves it; the lock named is the child's."""

    parent: str
    child: str
    bound: str  # FOR VALUES … | DEFAULT, as PostgreSQL prints it
    phase: int = CONTRACT
    span: Span | None = field(default=None, compare=False)
    # what ATTACH clones into the child (the parent's keys, foreign keys and indexes it lacks), dropped again
    # after its reverse detaches it, as read from the shadow database; None: not known, no undo on its own
    clones: tuple[Operation, ...] | None = field(default=None, compare=False)
    scans = True
    lock = ACCESS_EXCLUSIVE

    @property
    def table(self) -> str:
        return self.child

    @property
    def what(self) -> str:
        return f"attach {self.child} as a partition of {self.parent} (its rows must fall within its bounds)"

    @property
    def reversible(self) -> bool:  # type: ignore[override]
        return self.clones is not None  # (DETACH leaves the clones: only the database names them)

    def reverse(self) -> tuple[Operation, ...]:
        return (DetachPartition(self.parent, self.child, self.bound), *(self.clones or ()))


@dataclass(frozen=True, slots=True)
class DetachPartition(Typed):
    """ALTER TABLE parent DETACH PARTITION child: the child stays, rows and all, a table of its own."""

    parent: str
    child: str
    bound: str = ""  # its bound, for the reverse
    phase: int = DETACH
    span: Span | None = field(default=None, compare=False)
    lock = ACCESS_EXCLUSIVE

    @property
    def table(self) -> str:
        return self.parent

    @property
    def what(self) -> str:
        return f"detach partition {self.child} from {self.parent} (its rows stay in it)"

    @property
    def reversible(self) -> bool:  # type: ignore[override]
        return bool(self.bound)

    def reverse(self) -> AttachPartition | None:
        return AttachPartition(self.parent, self.child, self.bound) if self.bound else None


@dataclass(frozen=True, slots=True)
class Inherit(Typed):
    """ALTER TABLE … INHERIT parent (the table must have every column, NOT NULL and CHECK of the parent) or
    NO INHERIT (its columns and CHECKs stay, the table's own)."""

    table: str
    parent: str
    no: bool = False
    phase: int = CONTRACT
    span: Span | None = field(default=None, compare=False)
    lock = ACCESS_EXCLUSIVE

    @property
    def what(self) -> str:
        return (
            f"detach {self.table} from parent {self.parent}"
            if self.no
            else f"make {self.table} a child of {self.parent}"
        )

    def reverse(self) -> Inherit:
        return Inherit(self.table, self.parent, not self.no)
