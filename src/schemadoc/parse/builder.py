"""Reconcile partial descriptions of one database (SQL, Prisma, tables, mermaid) into one Schema.

Each parser adds drafts here; the same object described twice is merged and disagreements are
reported with both positions. Names PostgreSQL would choose for unnamed constraints are chosen at
the end, the way CREATE TABLE chooses them, so the model matches what the database will hold.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TypeVar

from schemadoc import model as m
from schemadoc.errors import Diagnostic, Severity, Span
from schemadoc.graph import topological
from schemadoc.names import choose_name, column_list_name, loose_key

T = TypeVar("T")

# A description's weight when two disagree: the richer format wins.
RANK = {"sql": 3, "prisma": 3, "dbml": 3, "orm": 3, "table": 2, "prose": 2, "mermaid": 1}


@dataclass(slots=True)
class ConstraintDraft:
    kind: str  # primary | unique | check | foreign
    name: str | None
    columns: tuple[str, ...] = ()
    expression: str = ""  # check
    expression_columns: tuple[str, ...] = ()  # distinct columns a CHECK references (for its name)
    ref_schema: str = "public"
    ref_table: str = ""
    ref_columns: tuple[str, ...] = ()
    on_delete: str = "NO ACTION"
    on_update: str = "NO ACTION"
    match_full: bool = False
    deferrable: bool = False
    initially_deferred: bool = False
    nulls_not_distinct: bool = False
    column_level: bool = False
    span: Span | None = None
    # a foreign key whose table is found once every table is known (ref_table ""): the tables its notes
    # name, else the one its column's name names; `guessed`: nothing said it is a key but the name
    candidates: tuple[str, ...] = ()
    guessed: bool = False


@dataclass(slots=True)
class TableDraft:
    schema: str
    name: str
    origin: str  # sql | prisma | table | mermaid
    span: Span | None
    columns: dict[str, m.Column] = field(default_factory=dict)
    constraints: list[ConstraintDraft] = field(default_factory=list)
    partition_by: str | None = None
    partition_of: str | None = None
    partition_bound: str | None = None
    rls_enabled: bool = False
    rls_forced: bool = False
    unlogged: bool = False
    inherits: tuple[str, ...] = ()  # INHERITS parents (qualified)
    comment: str | None = None
    # Prisma and Prisma-convention tables name their constraints the Prisma way
    naming: str = "postgres"  # postgres | prisma
    dialect: str | None = None  # SQL written for another database, translated (MySQL, SQLite, …)
    key_only: bool = False  # named, its columns not described: its key's type is what references it

    @property
    def key(self) -> str:
        return m.qualify(self.schema, self.name)


_DESCRIPTION = {"sql": "SQL definition", "prisma": "Prisma model", "table": "table of columns", "orm": "ORM model",
                "dbml": "DBML table", "mermaid": "diagram"}  # fmt: skip


class SchemaBuilder:
    def __init__(self) -> None:
        self.tables: dict[str, TableDraft] = {}
        self.indexes: dict[str, m.Index] = {}
        self.enums: dict[str, m.Enum] = {}
        self.composites: dict[str, m.CompositeType] = {}
        self.domains: dict[str, m.Domain] = {}
        self.collations: dict[str, m.Collation] = {}
        self.extensions: dict[str, m.Extension] = {}
        self.sequences: dict[str, m.Sequence] = {}
        self.functions: dict[str, m.Function] = {}
        self.views: dict[str, m.View] = {}
        self.triggers: dict[str, m.Trigger] = {}
        self.policies: dict[str, m.Policy] = {}
        self.roles: dict[str, m.Role] = {}
        self.grants: list[m.Grant] = []
        self.comments: dict[str, m.Comment] = {}
        self.schemas: set[str] = set()
        # (table key, column, span) of columns the doc says are kept current on every update
        self.updated_at_columns: list[tuple[str, str, Span | None]] = []
        self.diagnostics: list[Diagnostic] = []
        # ALTER TABLE / COMMENT ON / ENABLE RLS may come before the table they change
        self.deferred: list[tuple[str, Span | None, object]] = []

    # -- diagnostics --------------------------------------------------------------------------

    def report(
        self,
        code: str,
        severity: Severity,
        message: str,
        span: Span | None,
        help: str | None = None,
        related: tuple[Span, ...] = (),
        fix: object = None,
    ) -> None:
        self.diagnostics.append(
            Diagnostic(code, severity, message, span, help=help, related=related, fix=fix)  # type: ignore[arg-type]
        )

    # -- tables -------------------------------------------------------------------------------

    def add_table(self, draft: TableDraft) -> TableDraft:
        existing = self.tables.get(draft.key)
        if existing is None:
            self.tables[draft.key] = draft
            return draft
        primary, other = (existing, draft) if RANK[existing.origin] >= RANK[draft.origin] else (draft, existing)
        self._merge_tables(primary, other)
        self.tables[draft.key] = primary
        return primary

    def _merge_tables(self, primary: TableDraft, other: TableDraft) -> None:
        for name, col in other.columns.items():
            mine = primary.columns.get(name)
            if mine is None:
                if RANK[other.origin] >= RANK[primary.origin] or primary.origin == other.origin:
                    primary.columns[name] = col
                else:
                    self.report(
                        "SD201",
                        Severity.WARNING,
                        f'column "{name}" of "{primary.name}" appears in the {other.origin} '
                        f"description but not in the {primary.origin} definition",
                        col.span,
                        help="add the column to the main definition, or remove it here",
                        related=(primary.span,) if primary.span else (),
                    )
                continue
            merged = mine
            if mine.type != col.type and other.origin != "mermaid":
                self.report(
                    "SD202",
                    Severity.WARNING,
                    f'column "{primary.name}.{name}" is {col.type} here but {mine.type} in its '
                    f"{_DESCRIPTION.get(primary.origin, primary.origin)}"
                    + (f" (line {mine.span.line})" if mine.span else "")
                    + f"; using {mine.type}",
                    col.span,
                    related=(mine.span,) if mine.span else (),
                    help="make both descriptions say the same type",
                )
            if mine.default is None and col.default is not None and other.origin != "mermaid":
                merged = replace(merged, default=col.default)
            if mine.comment is None and col.comment is not None:
                merged = replace(merged, comment=col.comment)
            primary.columns[name] = merged
        if other.origin in ("sql", "prisma") or primary.origin == other.origin:
            for c in other.constraints:
                self.add_constraint(primary, c)
        else:
            # lower-ranked descriptions may only add keys the main definition lacks
            for c in other.constraints:
                if c.kind == "foreign" and not any(
                    p.kind == "foreign" and p.columns == c.columns for p in primary.constraints
                ):
                    primary.constraints.append(c)
        primary.comment = primary.comment or other.comment
        primary.rls_enabled = primary.rls_enabled or other.rls_enabled

    def add_constraint(self, d: TableDraft, c: ConstraintDraft) -> None:
        """Add a constraint unless the table already has it (a doc may state a key twice)."""
        same = self._constraint_identity(c)
        for old in d.constraints:
            if self._constraint_identity(old) == same or (c.name and old.name == c.name):
                if (
                    old.kind == "foreign"
                    and c.kind == "foreign"
                    and (old.on_delete, old.on_update, old.ref_columns or c.ref_columns)
                    != (c.on_delete, c.on_update, c.ref_columns or old.ref_columns)
                ):
                    self.report(
                        "SD206",
                        Severity.WARNING,
                        f'foreign key {c.name or ", ".join(c.columns)} of "{d.name}" is described twice '
                        "with different actions; the first description is used",
                        c.span,
                        related=(old.span,) if old.span else (),
                    )
                return
        d.constraints.append(c)

    @staticmethod
    def _constraint_identity(c: ConstraintDraft) -> tuple[object, ...]:
        if c.kind in ("check", "exclude"):
            return (c.kind, c.name or c.expression)
        return (c.kind, c.columns, c.ref_table)

    # -- everything else ----------------------------------------------------------------------

    def add_unique_object(self, store: dict[str, T], key: str, obj: T, what: str) -> None:
        old = store.get(key)
        if old is not None and old != obj:
            old_span: Span | None = getattr(old, "span", None)
            self.report(
                "SD203",
                Severity.WARNING,
                f"{what} {key} is defined twice and the definitions differ; the later one is used",
                getattr(obj, "span", None),
                related=(old_span,) if old_span else (),
                help="keep one definition",
            )
        store[key] = obj

    # -- finishing ------------------------------------------------------------------------------

    def resolve_column(self, table: TableDraft, name: str, span: Span | None, where: str) -> str:
        """The column `name` refers to, matching `clerk_id` to `clerkId` with a warning."""
        if name in table.columns:
            return name
        matches = [c for c in table.columns if loose_key(c) == loose_key(name)]
        if len(matches) == 1:
            self.report(
                "SD204",
                Severity.WARNING,
                f'{where} names column "{name}" of "{table.name}", which only exists as '
                f'"{matches[0]}"; bound to "{matches[0]}"',
                span,
                help=f'write "{matches[0]}" as the table defines it',
            )
            return matches[0]
        return name

    def resolve_table(self, schema: str, name: str, span: Span | None, where: str) -> str:
        """The table `name` refers to, matching `leaverequests` to `leave_requests` with a warning."""
        if m.qualify(schema, name) in self.tables:
            return name
        matches = [d.name for d in self.tables.values() if d.schema == schema and loose_key(d.name) == loose_key(name)]
        if len(matches) == 1:
            self.report(
                "SD207",
                Severity.WARNING,
                f'{where} names table "{name}", which only exists as "{matches[0]}"; bound to "{matches[0]}"',
                span,
                help=f'write "{matches[0]}" as the table is defined',
            )
            return matches[0]
        return name

    def finish_table(self, d: TableDraft) -> m.Table:
        taken: set[str] = set()
        pk: m.PrimaryKey | None = None
        uniques: list[m.Unique] = []
        checks: list[m.Check] = []
        fks: list[m.ForeignKey] = []
        for c in d.constraints:
            cols = tuple(self.resolve_column(d, col, c.span, "a constraint") for col in c.columns)
            if c.kind == "primary":
                name = c.name or choose_name(d.name, None, "pkey", taken)
                taken.add(name)
                if pk is not None:
                    self.report(
                        "SD205",
                        Severity.ERROR,
                        f'table "{d.name}" declares more than one primary key',
                        c.span,
                        related=(pk.span,) if pk.span else (),
                        help="combine the columns into one PRIMARY KEY (a, b)",
                    )
                    continue
                pk = m.PrimaryKey(
                    name, cols, span=c.span, deferrable=c.deferrable, initially_deferred=c.initially_deferred
                )
                for col in cols:
                    if col in d.columns and not d.columns[col].not_null:
                        d.columns[col] = replace(d.columns[col], not_null=True)
            elif c.kind == "unique":
                name = c.name or choose_name(d.name, column_list_name(cols), "key", taken)
                taken.add(name)
                uniques.append(
                    m.Unique(
                        name,
                        cols,
                        nulls_not_distinct=c.nulls_not_distinct,
                        deferrable=c.deferrable,
                        initially_deferred=c.initially_deferred,
                        span=c.span,
                    )
                )
        exclusions: list[m.Exclusion] = []
        for c in d.constraints:
            if c.kind == "exclude":
                name = c.name or choose_name(d.name, column_list_name(c.columns), "excl", taken)
                taken.add(name)
                exclusions.append(m.Exclusion(name, c.expression, span=c.span))
        for c in d.constraints:
            if c.kind == "check":
                second = c.expression_columns[0] if len(c.expression_columns) == 1 else None
                name = c.name or choose_name(d.name, second, "check", taken)
                taken.add(name)
                checks.append(m.Check(name, c.expression, span=c.span))
        for c in d.constraints:
            if c.kind == "foreign":
                c.ref_table = self.resolve_table(c.ref_schema, c.ref_table, c.span, "a foreign key")
                cols = tuple(self.resolve_column(d, col, c.span, "a foreign key") for col in c.columns)
                ref = self.tables.get(m.qualify(c.ref_schema, c.ref_table))
                ref_cols = c.ref_columns
                if ref is not None:
                    if not ref_cols:
                        ref_pk = next((k for k in ref.constraints if k.kind == "primary"), None)
                        ref_cols = ref_pk.columns if ref_pk else ()
                    ref_cols = tuple(self.resolve_column(ref, col, c.span, "a foreign key") for col in ref_cols)
                name = c.name or choose_name(d.name, column_list_name(cols), "fkey", taken)
                taken.add(name)
                fks.append(
                    m.ForeignKey(
                        name,
                        cols,
                        c.ref_schema,
                        c.ref_table,
                        ref_cols,
                        on_delete=c.on_delete,
                        on_update=c.on_update,
                        match_full=c.match_full,
                        deferrable=c.deferrable,
                        initially_deferred=c.initially_deferred,
                        span=c.span,
                    )
                )
        return m.Table(
            schema=d.schema,
            name=d.name,
            columns=tuple(d.columns.values()),
            primary_key=pk,
            uniques=tuple(uniques),
            checks=tuple(checks),
            foreign_keys=tuple(fks),
            exclusions=tuple(exclusions),
            partition_by=d.partition_by,
            partition_of=d.partition_of,
            partition_bound=d.partition_bound,
            rls_enabled=d.rls_enabled,
            rls_forced=d.rls_forced,
            comment=d.comment,
            span=d.span,
            unlogged=d.unlogged,
            inherits=d.inherits,
        )

    def _expand_grants(self, tables: list[m.Table], _indexes: list[m.Index]) -> list[m.Grant]:
        """GRANT … ON ALL TABLES/SEQUENCES IN SCHEMA s becomes one grant per object the doc defines."""
        out: list[m.Grant] = []
        for g in self.grants:
            if not g.object_name.startswith("ALL IN SCHEMA "):
                out.append(g)
                continue
            schema = g.object_name[len("ALL IN SCHEMA ") :]
            if g.object_kind == "TABLE":
                names = [t.key for t in tables if t.schema == schema] + [
                    v.key for v in self.views.values() if v.schema == schema
                ]
            elif g.object_kind == "SEQUENCE":
                names = [s.key for s in self.sequences.values() if s.schema == schema] + [
                    m.qualify(t.schema, seq) for t in tables if t.schema == schema for seq in _owned_sequences(t)
                ]
            else:
                names = [f.key for f in self.functions.values() if f.schema == schema]
            out.extend(replace(g, object_name=n) for n in names)
        return out

    def _resolve_key(self, table: TableDraft, key: str, ix: m.Index) -> str:
        """Bind the column of a plain index key ("clerk_id DESC"); expressions stay as written."""
        if key.startswith("("):
            return key
        name, sep, rest = key.partition(" ")
        return self.resolve_column(table, name, ix.span, f'index "{ix.name}"') + sep + rest

    def inherit_columns(self) -> None:
        """Each INHERITS child gets its parents' columns, as PostgreSQL gives them: first, in the parents'
        order, with their types, defaults, NOT NULL and generation (not identity, not comments); a column
        the child declares too is merged into that place, NOT NULL if either says so."""
        deps = {k: set(d.inherits) for k, d in self.tables.items()}
        for key in topological(deps):
            d = self.tables[key]
            if not d.inherits:
                continue
            merged: dict[str, m.Column] = {}
            for parent_key in d.inherits:
                parent = self.tables.get(parent_key)
                if parent is None:
                    self.report(
                        "SD102",
                        Severity.ERROR,
                        f'table "{d.name}" inherits from unknown table "{parent_key.split(".")[-1]}"',
                        d.span,
                        help="define the parent table in the document, or remove INHERITS",
                    )
                    continue
                for c in parent.columns.values():
                    if c.name not in merged:
                        merged[c.name] = replace(c, inherited=True, identity=None, comment=None)
                    elif c.not_null:
                        merged[c.name] = replace(merged[c.name], not_null=True)
            for name, c in d.columns.items():
                inherited = merged.get(name)
                if c.inherited:  # from an earlier build
                    merged.setdefault(name, c)
                elif inherited is None:
                    merged[name] = c
                else:
                    merged[name] = replace(
                        c,
                        not_null=c.not_null or inherited.not_null,
                        default=c.default if c.default is not None else inherited.default,
                        inherited=False,
                    )
            d.columns = merged

    def build(self) -> m.Schema:
        self.inherit_columns()
        tables = [self.finish_table(d) for d in self.tables.values()]
        indexes = []
        for ix in self.indexes.values():
            ix = replace(ix, table=self.resolve_table(ix.schema, ix.table, ix.span, f'index "{ix.name}"'))
            table = self.tables.get(ix.table_key)
            if table is not None:
                keys = tuple(self._resolve_key(table, k, ix) for k in ix.keys)
                include = tuple(self.resolve_column(table, k, ix.span, f'index "{ix.name}"') for k in ix.include)
                ix = replace(ix, keys=keys, include=include)
            indexes.append(ix)
        return m.Schema.build(
            schemas=self.schemas - {"public"},
            extensions=self.extensions.values(),
            collations=self.collations.values(),
            enums=self.enums.values(),
            composites=self.composites.values(),
            domains=self.domains.values(),
            sequences=self.sequences.values(),
            tables=tables,
            indexes=indexes,
            functions=self.functions.values(),
            views=self.views.values(),
            triggers=self.triggers.values(),
            policies=self.policies.values(),
            roles=self.roles.values(),
            grants=_dedupe_grants(self._expand_grants(tables, indexes)),
            comments=self.comments.values(),
        )


def _owned_sequences(t: m.Table) -> list[str]:
    """Sequences a table's serial columns own: nextval('t_col_seq'::regclass) defaults."""
    out = []
    for c in t.columns:
        if c.default and c.default.startswith("nextval('") and c.default.endswith("'::regclass)"):
            out.append(c.default[len("nextval('") : -len("'::regclass)")].split(".")[-1].strip('"'))
    return out


def _dedupe_grants(grants: list[m.Grant]) -> list[m.Grant]:
    merged: dict[str, m.Grant] = {}
    for g in grants:
        old = merged.get(g.key)
        if old is None:
            merged[g.key] = g
        else:
            privs = tuple(sorted(set(old.privileges) | set(g.privileges)))
            merged[g.key] = replace(old, privileges=privs)
    return list(merged.values())
