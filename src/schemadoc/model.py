"""The schema model: frozen values for every database object a design document can describe.

Positions are kept out of equality, so `doc_schema == db_schema` means the two describe the same
database. Types are spelled as PostgreSQL's `format_type()` prints them; names are the names the
database holds (already folded or mapped by the parser that read them).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from schemadoc.errors import Span
from schemadoc.graph import topological

DEFAULT_SCHEMA = "public"


def qualify(schema: str, name: str) -> str:
    return f"{schema}.{name}"


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    type: str
    not_null: bool = False
    default: str | None = None
    identity: str | None = None  # "always" | "by default"
    generated: str | None = None  # expression of a STORED generated column
    comment: str | None = None
    span: Span | None = field(default=None, compare=False, repr=False)
    # COLLATE: "schema.name" for a collation of the doc's, the bare name for a built-in one ("C", "und-x-icu");
    # None for the type's default collation
    collation: str | None = None
    # the column comes only from the table's INHERITS parents (PostgreSQL's attislocal false): a parent's
    # change reaches it, the table's own DDL never names it. Not part of equality: a column a table
    # declared before it was attached to a parent (ALTER TABLE … INHERIT) is the same column
    inherited: bool = field(default=False, compare=False)


@dataclass(frozen=True, slots=True)
class PrimaryKey:
    name: str
    columns: tuple[str, ...]
    span: Span | None = field(default=None, compare=False, repr=False)
    deferrable: bool = False
    initially_deferred: bool = False


@dataclass(frozen=True, slots=True)
class Unique:
    name: str
    columns: tuple[str, ...]
    nulls_not_distinct: bool = False
    deferrable: bool = False
    initially_deferred: bool = False
    span: Span | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    expression: str
    no_inherit: bool = False
    span: Span | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Exclusion:
    """An EXCLUDE constraint, kept as its definition: 'EXCLUDE USING gist (room WITH =, during WITH &&)'."""

    name: str
    definition: str
    span: Span | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class ForeignKey:
    name: str
    columns: tuple[str, ...]
    ref_schema: str
    ref_table: str
    ref_columns: tuple[str, ...]
    on_delete: str = "NO ACTION"
    on_update: str = "NO ACTION"
    match_full: bool = False
    deferrable: bool = False
    initially_deferred: bool = False
    span: Span | None = field(default=None, compare=False, repr=False)

    @property
    def ref_key(self) -> str:
        return qualify(self.ref_schema, self.ref_table)


@dataclass(frozen=True, slots=True)
class Table:
    schema: str
    name: str
    columns: tuple[Column, ...] = ()
    primary_key: PrimaryKey | None = None
    uniques: tuple[Unique, ...] = ()
    checks: tuple[Check, ...] = ()
    foreign_keys: tuple[ForeignKey, ...] = ()
    exclusions: tuple[Exclusion, ...] = ()
    partition_by: str | None = None  # e.g. "RANGE (created_at)"
    partition_of: str | None = None  # qualified name of the parent
    partition_bound: str | None = None  # e.g. "FOR VALUES FROM ('2024-01-01') TO ('2024-02-01')"
    rls_enabled: bool = False
    rls_forced: bool = False
    comment: str | None = None
    span: Span | None = field(default=None, compare=False, repr=False)
    unlogged: bool = False  # CREATE UNLOGGED TABLE: not written to the WAL, emptied after a crash, not replicated
    inherits: tuple[str, ...] = ()  # INHERITS (parent, …): qualified names, in order; not partitions' parents

    @property
    def key(self) -> str:
        return qualify(self.schema, self.name)

    def column(self, name: str) -> Column | None:
        for c in self.columns:
            if c.name == name:
                return c
        return None


@dataclass(frozen=True, slots=True)
class Index:
    schema: str
    name: str
    table: str  # unqualified table name, same schema as the index
    keys: tuple[str, ...]  # column names or parenthesised expressions, with ASC/DESC, opclass
    unique: bool = False
    method: str = "btree"
    where: str | None = None
    include: tuple[str, ...] = ()
    nulls_not_distinct: bool = False
    span: Span | None = field(default=None, compare=False, repr=False)

    @property
    def key(self) -> str:
        return qualify(self.schema, self.name)

    @property
    def table_key(self) -> str:
        return qualify(self.schema, self.table)


@dataclass(frozen=True, slots=True)
class Enum:
    schema: str
    name: str
    values: tuple[str, ...]
    span: Span | None = field(default=None, compare=False, repr=False)

    @property
    def key(self) -> str:
        return qualify(self.schema, self.name)


@dataclass(frozen=True, slots=True)
class CompositeType:
    schema: str
    name: str
    attributes: tuple[tuple[str, str], ...]
    span: Span | None = field(default=None, compare=False, repr=False)

    @property
    def key(self) -> str:
        return qualify(self.schema, self.name)


@dataclass(frozen=True, slots=True)
class Domain:
    schema: str
    name: str
    type: str
    not_null: bool = False
    default: str | None = None
    checks: tuple[Check, ...] = ()
    span: Span | None = field(default=None, compare=False, repr=False)

    @property
    def key(self) -> str:
        return qualify(self.schema, self.name)


@dataclass(frozen=True, slots=True)
class Extension:
    name: str
    schema: str | None = None
    span: Span | None = field(default=None, compare=False, repr=False)
    version: str | None = None  # CREATE EXTENSION … VERSION: pinned; None: whatever the server installs

    @property
    def key(self) -> str:
        return self.name


@dataclass(frozen=True, slots=True)
class Collation:
    """CREATE COLLATION: a provider's locale under a name (ICU's for each locale, libc's the OS's)."""

    schema: str
    name: str
    provider: str = "libc"  # libc | icu | builtin (PostgreSQL 17+)
    lc_collate: str | None = None  # ICU and builtin: both are the one locale
    lc_ctype: str | None = None
    deterministic: bool = True
    span: Span | None = field(default=None, compare=False, repr=False)

    @property
    def key(self) -> str:
        return qualify(self.schema, self.name)


@dataclass(frozen=True, slots=True)
class Sequence:
    schema: str
    name: str
    type: str = "bigint"
    start: int = 1
    increment: int = 1
    min_value: int | None = None
    max_value: int | None = None
    cache: int = 1
    cycle: bool = False
    span: Span | None = field(default=None, compare=False, repr=False)

    @property
    def key(self) -> str:
        return qualify(self.schema, self.name)


@dataclass(frozen=True, slots=True)
class Argument:
    name: str | None
    type: str
    mode: str = "IN"  # IN | OUT | INOUT | VARIADIC | TABLE
    default: str | None = None


@dataclass(frozen=True, slots=True)
class Function:
    schema: str
    name: str
    arguments: tuple[Argument, ...]
    returns: str  # as pg_get_function_result prints it: "trigger", "void", "SETOF x", "TABLE(a integer)"
    language: str
    body: str
    volatility: str = "VOLATILE"  # IMMUTABLE | STABLE | VOLATILE
    strict: bool = False
    security_definer: bool = False
    kind: str = "function"  # function | procedure
    # a SQL-standard body (RETURN expr, BEGIN ATOMIC … END): parsed, and its objects resolved, at creation
    standard_body: bool = False
    span: Span | None = field(default=None, compare=False, repr=False)

    @property
    def identity_arguments(self) -> str:
        return ", ".join(a.type for a in self.arguments if a.mode in ("IN", "INOUT", "VARIADIC"))

    @property
    def key(self) -> str:
        return f"{qualify(self.schema, self.name)}({self.identity_arguments})"


@dataclass(frozen=True, slots=True)
class Trigger:
    schema: str
    table: str
    name: str
    timing: str  # BEFORE | AFTER | INSTEAD OF
    events: tuple[str, ...]  # in the order INSERT, DELETE, UPDATE, TRUNCATE
    function: str  # qualified function name
    for_each_row: bool = True
    update_columns: tuple[str, ...] = ()
    arguments: tuple[str, ...] = ()
    when: str | None = None
    span: Span | None = field(default=None, compare=False, repr=False)

    @property
    def key(self) -> str:
        return f"{qualify(self.schema, self.table)}.{self.name}"

    @property
    def table_key(self) -> str:
        return qualify(self.schema, self.table)


@dataclass(frozen=True, slots=True)
class View:
    schema: str
    name: str
    definition: str
    materialized: bool = False
    depends_on: tuple[str, ...] = field(default=(), compare=False)  # qualified relation names
    span: Span | None = field(default=None, compare=False, repr=False)

    @property
    def key(self) -> str:
        return qualify(self.schema, self.name)


@dataclass(frozen=True, slots=True)
class Policy:
    schema: str
    table: str
    name: str
    command: str = "ALL"  # ALL | SELECT | INSERT | UPDATE | DELETE
    permissive: bool = True
    roles: tuple[str, ...] = ("public",)
    using: str | None = None
    check: str | None = None
    span: Span | None = field(default=None, compare=False, repr=False)

    @property
    def key(self) -> str:
        return f"{qualify(self.schema, self.table)}.{self.name}"

    @property
    def table_key(self) -> str:
        return qualify(self.schema, self.table)


@dataclass(frozen=True, slots=True)
class Role:
    name: str
    login: bool = False
    has_password_in_doc: bool = field(default=False, compare=False)
    span: Span | None = field(default=None, compare=False, repr=False)

    @property
    def key(self) -> str:
        return self.name


@dataclass(frozen=True, slots=True)
class Grant:
    """One privilege set on one object for one grantee (GRANT … ON ALL TABLES is expanded)."""

    object_kind: str  # TABLE | SEQUENCE | SCHEMA | DATABASE | FUNCTION
    object_name: str  # qualified for tables/sequences/functions, plain for schemas; "" = current db
    grantee: str
    privileges: tuple[str, ...]
    span: Span | None = field(default=None, compare=False, repr=False)

    @property
    def key(self) -> str:
        return f"{self.object_kind} {self.object_name} {self.grantee}"


@dataclass(frozen=True, slots=True)
class Comment:
    """A COMMENT ON for objects that have no comment field of their own (indexes, functions, …)."""

    object_kind: str
    object_name: str
    text: str | None
    span: Span | None = field(default=None, compare=False, repr=False)

    @property
    def key(self) -> str:
        return f"{self.object_kind} {self.object_name}"


# ---- Redis key layouts ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class KeyPart:
    """A placeholder of a key pattern (`{user_id}` in `cart:{user_id}`), linked to a column where its name says so."""

    name: str
    references: str | None = None  # "public.users.id"


@dataclass(frozen=True, slots=True)
class ValueField:
    """One field of a documented value, by path (`items[].product_id`; "" is the value itself)."""

    path: str
    type: str  # JSON type: string, integer, number, boolean, object, array, null, any
    format: str | None = None  # uuid, date-time, date, email, uri
    required: bool = True
    references: str | None = None  # "public.products.id"


@dataclass(frozen=True, slots=True)
class Keyspace:
    """A documented Redis key layout: the key pattern, the Redis type, the TTL and the value's shape."""

    name: str  # the pattern's literal head: "cart", "rate_limit"
    pattern: str  # "cart:{user_id}"
    redis_type: str  # string | json | counter | hash | set | zset | list | stream
    ttl: int | None = None  # seconds; None: the doc gives no expiry
    placeholders: tuple[KeyPart, ...] = ()
    fields: tuple[ValueField, ...] = ()
    value_schema: str | None = None  # JSON Schema (2020-12) of the value, as JSON text
    example: str | None = None  # the value example as the doc writes it
    description: str = ""  # the doc's heading and words for it
    ttl_text: str | None = None  # the TTL as written
    type_text: str | None = None  # the type as written
    span: Span | None = field(default=None, compare=False, repr=False)

    @property
    def key(self) -> str:
        return self.pattern


T = TypeVar("T")


def _sorted(items: Iterable[T]) -> tuple[T, ...]:
    return tuple(sorted(items, key=lambda o: o.key))  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class TableOrder:
    """Tables in creation order; each one's foreign keys to tables already there (`inline`), and the ones
    to tables that come after it (`later`: added once both exist)."""

    tables: list[Table]
    inline: dict[str, tuple[ForeignKey, ...]]
    later: list[tuple[Table, ForeignKey]]


@dataclass(frozen=True, slots=True)
class Schema:
    """Everything in one database that schemadoc manages, each kind sorted by key."""

    schemas: tuple[str, ...] = ()
    extensions: tuple[Extension, ...] = ()
    collations: tuple[Collation, ...] = ()
    enums: tuple[Enum, ...] = ()
    composites: tuple[CompositeType, ...] = ()
    domains: tuple[Domain, ...] = ()
    sequences: tuple[Sequence, ...] = ()
    tables: tuple[Table, ...] = ()
    indexes: tuple[Index, ...] = ()
    functions: tuple[Function, ...] = ()
    views: tuple[View, ...] = ()
    triggers: tuple[Trigger, ...] = ()
    policies: tuple[Policy, ...] = ()
    roles: tuple[Role, ...] = ()
    grants: tuple[Grant, ...] = ()
    comments: tuple[Comment, ...] = ()
    # Redis key layouts: documented beside the database, not in it (so not part of equality)
    keyspaces: tuple[Keyspace, ...] = field(default=(), compare=False)
    # hosted platforms the doc is written for (schemadoc.platforms): what they provide is not the doc's
    platforms: tuple[str, ...] = field(default=(), compare=False)

    @classmethod
    def build(cls, **kinds: Iterable[Any]) -> Schema:
        """A schema with every collection sorted by key, so equality does not depend on order."""
        values: dict[str, Any] = {}
        for name, items in kinds.items():
            values[name] = tuple(sorted(items)) if name in ("schemas", "platforms") else _sorted(items)
        return cls(**values)

    def table(self, key: str) -> Table | None:
        for t in self.tables:
            if t.key == key:
                return t
        return None

    def relation_names(self) -> set[str]:
        return {t.key for t in self.tables} | {v.key for v in self.views}

    def inherited_checks(self, t: Table) -> list[Check]:
        """The CHECKs `t`'s INHERITS ancestors pass down to it (not NO INHERIT ones), those of its own name
        excepted: with its own, everything a row of it must satisfy."""
        own = {c.name for c in t.checks}
        found: dict[str, Check] = {}
        seen = {t.key}

        def visit(keys: tuple[str, ...]) -> None:  # parents in order, each before its own ancestors
            for key in keys:
                parent = self.table(key)
                if parent is None or key in seen:
                    continue
                seen.add(key)
                for c in parent.checks:
                    if not c.no_inherit and c.name not in own:
                        found.setdefault(c.name, c)
                visit(parent.inherits)

        visit(t.inherits)
        return list(found.values())

    def named_types(self) -> tuple[Enum | CompositeType | Domain, ...]:
        """The types the schema creates that a column can name: enums, composites, domains."""
        return (*self.enums, *self.composites, *self.domains)

    def with_inherited_checks(self) -> Schema:
        """Each INHERITS child with the CHECKs its ancestors pass down beside its own."""
        return self.with_(
            tables=[
                replace(t, checks=(*t.checks, *extra)) if (extra := self.inherited_checks(t)) else t
                for t in self.tables
            ]
        )

    def unindexed_foreign_keys(self) -> list[tuple[Table, ForeignKey]]:
        """Foreign keys whose columns lead no B-tree index, primary key or unique constraint."""
        out = []
        for t in self.tables:
            if t.partition_of is not None:
                continue
            prefixes = [ix.keys for ix in self.indexes if ix.table_key == t.key and ix.method == "btree"]
            prefixes += [t.primary_key.columns] if t.primary_key else []
            prefixes += [u.columns for u in t.uniques]
            for fk in t.foreign_keys:
                n = len(fk.columns)
                if not any(tuple(p[:n]) == fk.columns or set(p[:n]) == set(fk.columns) for p in prefixes):
                    out.append((t, fk))
        return out

    def table_order(self) -> TableOrder:
        """The tables in the one order everything creates or fills them: each after the tables its foreign
        keys reference and after its partition or INHERITS parents (alphabetical among the ready). A foreign-key cycle
        is broken at a partition parent if it can be, else at the first table by name; the keys that then
        point forward are `later`."""
        tables = {t.key: t for t in self.tables}
        deps = {
            t.key: {fk.ref_key for fk in t.foreign_keys} | {t.partition_of or t.key} | set(t.inherits)
            for t in self.tables
        }
        parents = {t.partition_of for t in self.tables} | {p for t in self.tables for p in t.inherits}
        order = topological(deps, breaker=lambda left: min(left, key=lambda k: (k not in parents, k)))
        placed: set[str] = set()
        inline: dict[str, tuple[ForeignKey, ...]] = {}
        later: list[tuple[Table, ForeignKey]] = []
        for key in order:
            t = tables[key]
            mine = []
            for fk in t.foreign_keys:
                if fk.ref_key == key or fk.ref_key in placed or fk.ref_key not in tables:
                    mine.append(fk)
                else:
                    later.append((t, fk))
            inline[key] = tuple(mine)
            placed.add(key)
        return TableOrder([tables[k] for k in order], inline, later)

    def with_(self, **changes: Iterable[Any]) -> Schema:
        return Schema.build(**{name: changes.get(name, getattr(self, name)) for name in self.__dataclass_fields__})


__all__ = [
    "DEFAULT_SCHEMA",
    "Argument",
    "Check",
    "Collation",
    "Column",
    "Comment",
    "CompositeType",
    "Domain",
    "Enum",
    "Exclusion",
    "Extension",
    "ForeignKey",
    "Function",
    "Grant",
    "Index",
    "KeyPart",
    "Keyspace",
    "Policy",
    "PrimaryKey",
    "Role",
    "Schema",
    "Sequence",
    "Table",
    "TableOrder",
    "Trigger",
    "Unique",
    "ValueField",
    "View",
    "qualify",
    "replace",
]
