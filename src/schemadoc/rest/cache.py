"""The schema cache of the REST API: relations, columns, keys and relationships, read from the catalog.

Identifiers in SQL only ever come from here (quoted); a name a request uses that is not here is an
error before any SQL is built. Reloaded on `NOTIFY pgrst, 'reload schema'`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg import sql

from schemadoc import model as m
from schemadoc.introspect import introspect, query

# SQL's own spellings of pg_catalog types that are neither a type's name nor what format_type prints
_SPELLINGS = {"int": "int4", "decimal": "numeric", "dec": "numeric", "float": "float8", "char": "bpchar"}


@dataclass(frozen=True, slots=True)
class TypeRef:
    """A type as the catalog names it: rendered as a quoted, schema-qualified name, never as text a
    request wrote."""

    schema: str
    name: str  # for an array: its element type's name
    array: bool = False

    def sql(self) -> sql.Composable:
        ident = sql.Identifier(self.schema, self.name)
        return sql.SQL("{}[]").format(ident) if self.array else ident

    def array_of(self) -> TypeRef:
        return TypeRef(self.schema, self.name, True)


TEXT = TypeRef("pg_catalog", "text")


@dataclass(frozen=True)
class Argument:
    name: str
    type: str
    has_default: bool
    type_ref: TypeRef = TEXT


@dataclass(frozen=True)
class Function:
    schema: str
    name: str
    volatility: str  # i s v
    returns_set: bool
    return_type: str
    arguments: tuple[Argument, ...]
    columns: tuple[tuple[str, str], ...]  # RETURNS TABLE (…) / OUT columns
    row_of: str | None  # "schema.table" when it returns a table's row type
    scalar: bool

    def matches(self, names: set[str]) -> bool:
        required = {a.name for a in self.arguments if not a.has_default}
        return required <= names <= {a.name for a in self.arguments}


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    nullable: bool
    has_default: bool
    default: str | None = None  # the default's SQL, from the catalog (for Prefer: missing=default)
    type_ref: TypeRef = TEXT

    def default_sql(self) -> sql.Composable:
        """The column's default as PostgreSQL printed it (pg_get_expr), or NULL: the one place catalog
        text, not a request's, becomes SQL."""
        return sql.SQL(self.default.replace("%", "%%")) if self.default else sql.SQL("NULL")


@dataclass(frozen=True)
class ForeignKey:
    name: str
    source: tuple[str, str]  # (schema, relation) holding the key
    target: tuple[str, str]
    columns: tuple[str, ...]
    ref_columns: tuple[str, ...]
    unique: bool  # the key's columns are unique: one-to-one


@dataclass
class Relation:
    schema: str
    name: str
    kind: str  # r p v m f
    columns: dict[str, Column]
    primary_key: tuple[str, ...] = ()
    writable: int = 28  # pg_relation_is_updatable: 4 UPDATE, 8 INSERT, 16 DELETE

    def allows(self, command: str) -> bool:
        return bool(self.writable & {"UPDATE": 4, "INSERT": 8, "DELETE": 16}[command])

    @property
    def key(self) -> tuple[str, str]:
        return (self.schema, self.name)


@dataclass(frozen=True)
class Relationship:
    """How `embed` is reached from a relation: to-one (parent), to-many (children) or many-to-many."""

    name: str  # the embedded relation
    target: tuple[str, str]
    cardinality: str  # "one" | "many"
    own: tuple[str, ...]  # columns of the embedding relation
    other: tuple[str, ...]  # columns of the embedded relation
    constraint: str
    junction: tuple[str, str] | None = None  # many-to-many: the join table
    junction_own: tuple[str, ...] = ()  # join-table columns pointing at the embedding relation
    junction_other: tuple[str, ...] = ()


@dataclass
class SchemaCache:
    schemas: tuple[str, ...]
    relations: dict[tuple[str, str], Relation] = field(default_factory=dict)
    fks: list[ForeignKey] = field(default_factory=list)
    functions: dict[tuple[str, str], list[Function]] = field(default_factory=dict)
    types: dict[int, TypeRef] = field(default_factory=dict)  # by oid
    spellings: dict[str, TypeRef] = field(default_factory=dict)  # what a cast may say -> the type

    @classmethod
    def load(cls, conn: psycopg.Connection[Any], schemas: tuple[str, ...] = ("public",)) -> SchemaCache:
        """The cache of the exposed `schemas`: the introspected model (extensions' own tables and functions
        included, as PostgREST exposes them) and what only the API needs beside it (api_*.sql)."""
        cache = cls(schemas)
        model = introspect(conn, extension_members=True)
        search_path = tuple(conn.execute("SELECT current_schemas(false)").fetchone()[0])  # type: ignore[index]

        def rows(name: str, *params: Any) -> list[tuple[Any, ...]]:
            """The rows of the catalog query `name` (introspect/sql/), for this server's version."""
            return conn.execute(query(name, conn.info.server_version), params or None).fetchall()

        relations = rows("api_relations", list(schemas))
        function_rows = rows("api_functions", list(schemas))
        used = {int(c["oid"]) for row in relations for c in row[4]}
        used |= {int(oid) for row in function_rows for _, oid in row[8]}
        cache.load_types(rows("api_types", list(schemas), sorted(used)))
        tables = {(t.schema, t.name): t for t in model.tables if t.partition_of is None}
        for schema, name, kind, writable, columns in relations:
            table = tables.get((schema, name))
            cols: dict[str, Column] = {}
            for c in columns:
                ref = cache.type_of(c["oid"])
                own = table.column(c["name"]) if table is not None else None
                if own is None:  # a view's, a foreign table's: the model has no columns for them
                    cols[c["name"]] = Column(c["name"], c["type"], c["nullable"], c["has_default"], c["default"], ref)
                    continue
                default = c["identity"] or (own.default if own.generated is None else None)
                has_default = own.default is not None or own.identity is not None or own.generated is not None
                cols[own.name] = Column(own.name, own.type, not own.not_null, has_default, default, ref)
            key = table.primary_key.columns if table is not None and table.primary_key else ()
            cache.relations[(schema, name)] = Relation(schema, name, kind, cols, key, int(writable or 0))
        fks = [
            ForeignKey(fk.name, (t.schema, t.name), (fk.ref_schema, fk.ref_table), fk.columns, fk.ref_columns,
                       _is_key(t, fk.columns))
            for t in tables.values()
            for fk in t.foreign_keys
        ]  # fmt: skip
        relation_names = {(v.schema, v.name) for v in model.views} | set(tables)
        views = {
            (v.schema, v.name): view_lineage(v.definition, _resolver(relation_names, search_path))
            for v in model.views
            if v.schema in schemas
        }
        # a view has its base tables' relationships, through the columns it shows (PostgREST's view lineage)
        fks += _through_views(fks, views)
        cache.fks = [fk for fk in fks if fk.source in cache.relations and fk.target in cache.relations]
        rpc = {(row[0], row[1], row[2]): row[3:] for row in function_rows}
        for f in model.functions:
            found = rpc.get((f.schema, f.name, f.identity_arguments))
            if found is None:
                continue  # a procedure, a trigger function, or not in an exposed schema
            retset, rettype, typtype, row_of, table_columns, oids = found
            refs = {n: cache.type_of(int(o)) for n, o in oids if n}
            ins = [a for a in f.arguments if a.mode in ("IN", "INOUT", "VARIADIC")]
            if any(not a.name for a in ins):
                continue  # unnamed arguments cannot be passed by name: not callable through the API
            args = tuple(Argument(str(a.name), a.type, a.default is not None, refs.get(str(a.name), TEXT)) for a in ins)
            outs = tuple((str(a.name or ""), a.type) for a in f.arguments if a.mode in ("OUT", "INOUT"))
            outs += tuple((str(n), str(t)) for n, t in table_columns)
            scalar = typtype != "c" and not outs and rettype != "record"
            fn = Function(f.schema, f.name, f.volatility[0].lower(), retset, rettype, args, outs, row_of, scalar)
            cache.functions.setdefault((f.schema, f.name), []).append(fn)
        conn.rollback()
        return cache

    def load_types(self, rows: list[tuple[Any, ...]]) -> None:
        """The types by oid, and what a cast may call them: pg_catalog's by name, by the name format_type
        prints and by SQL's other spellings (`int`, `decimal`, …), then the exposed schemas' by name."""
        spellings: dict[str, TypeRef] = {}
        by_schema: dict[str, dict[str, TypeRef]] = {s: {} for s in self.schemas}
        for oid, schema, name, formatted, is_array in rows:
            ref = TypeRef(schema, name, bool(is_array))
            self.types[int(oid)] = ref
            if is_array:
                continue
            if schema == "pg_catalog":
                spellings.setdefault(name, ref)
                spellings.setdefault(formatted, ref)
            elif schema in by_schema:
                by_schema[schema].setdefault(name, ref)
        for spelling, name in _SPELLINGS.items():
            if name in spellings:
                spellings.setdefault(spelling, spellings[name])
        # PostgreSQL looks in pg_catalog first, then the search path (here: the exposed schemas in order)
        for schema in self.schemas:
            for name, ref in by_schema[schema].items():
                spellings.setdefault(name, ref)
        self.spellings = spellings

    def type_of(self, oid: int) -> TypeRef:
        return self.types.get(int(oid), TEXT)

    def cast_type(self, written: str) -> TypeRef | None:
        """The type a cast names (`int`, `text[]`, `double precision`, an exposed schema's enum), or None.
        Found by name among the catalog's types, never rendered from the request's text."""
        array = written.endswith("[]")
        name = " ".join((written[:-2] if array else written).split())
        found = self.spellings.get(name) or self.spellings.get(name.lower())
        if found is None:
            return None
        return found.array_of() if array else found

    def relation(self, schema: str, name: str) -> Relation | None:
        return self.relations.get((schema, name))

    def relationships(self, source: tuple[str, str], embed: str, hint: str | None = None) -> list[Relationship]:
        """Every way `embed` (a relation name, or a foreign-key column/constraint used as an alias) is reached."""
        out: list[Relationship] = []
        for fk in self.fks:
            if fk.source == source and (fk.target[1] == embed or embed in (fk.name, *fk.columns[:1])):
                out.append(Relationship(fk.target[1], fk.target, "one", fk.columns, fk.ref_columns, fk.name))
            if fk.target == source and fk.source[1] == embed:
                card = "one" if fk.unique else "many"
                out.append(Relationship(fk.source[1], fk.source, card, fk.ref_columns, fk.columns, fk.name))
        # many-to-many through a join table whose key holds foreign keys to both sides (as PostgREST)
        for a in self.fks:
            if a.target != source:
                continue
            junction = self.relations.get(a.source)
            key = set(junction.primary_key) if junction is not None else set()
            for b in self.fks:
                if b.source != a.source or b.target[1] != embed or b.columns == a.columns:
                    continue
                if not (set(a.columns) | set(b.columns)) <= key:
                    continue
                out.append(
                    Relationship(
                        b.target[1], b.target, "many", a.ref_columns, b.ref_columns, f"{a.name},{b.name}",
                        a.source, a.columns, b.columns,
                    )
                )  # fmt: skip
        if hint is not None:
            out = [
                r
                for r in out
                if hint in r.constraint.split(",") or hint in r.own or hint in r.other
                or (r.junction is not None and hint == r.junction[1])
            ]  # fmt: skip
        return out


def _is_key(t: m.Table, columns: tuple[str, ...]) -> bool:
    """Whether `columns` are exactly the table's primary key or one of its unique constraints: one-to-one."""
    keys = ([t.primary_key.columns] if t.primary_key else []) + [u.columns for u in t.uniques]
    return any(sorted(k) == sorted(columns) for k in keys)


def _resolver(relations: set[tuple[str, str]], search_path: tuple[str, ...]) -> Callable[[str], tuple[str, str] | None]:
    """How PostgreSQL finds a relation a view definition names unqualified: in the first schema of the
    search path that has one of that name (pg_get_viewdef leaves a relation the path finds unqualified)."""
    return lambda name: next(((s, name) for s in search_path if (s, name) in relations), None)


def view_lineage(
    definition: str, resolve: Callable[[str], tuple[str, str] | None] | None = None
) -> dict[str, tuple[tuple[str, str], str]]:
    """The columns of a view that are a base table's column as they are: name -> ((schema, table), column).
    A view that is not one plain SELECT (UNION, VALUES) has none; nor has a computed column. `resolve`
    places a relation the definition names unqualified (without it, only qualified ones count)."""
    from pglast import ast, parse_sql
    from pglast.parser import ParseError

    try:
        stmt = parse_sql(definition)[0].stmt
    except ParseError:
        return {}
    if not isinstance(stmt, ast.SelectStmt) or stmt.op != 0 or not stmt.targetList:
        return {}
    tables: dict[str, tuple[str, str]] = {}

    def walk(node: object) -> None:
        if isinstance(node, ast.RangeVar) and node.relname:
            place = (node.schemaname, node.relname) if node.schemaname else resolve(node.relname) if resolve else None
            if place is not None:
                label = node.alias.aliasname if node.alias and node.alias.aliasname else node.relname
                tables[label] = place
        elif isinstance(node, ast.JoinExpr):
            walk(node.larg)
            walk(node.rarg)

    for item in stmt.fromClause or ():
        walk(item)
    out: dict[str, tuple[tuple[str, str], str]] = {}
    for target in stmt.targetList:
        val = target.val
        fields = val.fields if isinstance(val, ast.ColumnRef) and val.fields else ()
        if not fields or not all(isinstance(f, ast.String) for f in fields):
            continue
        names = [str(f.sval) for f in fields]
        if len(names) == 2 and names[0] in tables:
            table, column = tables[names[0]], names[1]
        elif len(names) == 1 and len(tables) == 1:
            table, column = next(iter(tables.values())), names[0]
        else:
            continue
        out.setdefault(target.name or column, (table, column))
    return out


def _through_views(
    fks: list[ForeignKey], views: dict[tuple[str, str], dict[str, tuple[tuple[str, str], str]]]
) -> list[ForeignKey]:
    """The foreign keys of base tables restated for the views that show their columns (either end, or both)."""
    shown: dict[tuple[str, str], dict[tuple[tuple[str, str], str], str]] = {}
    for view, lineage in views.items():
        for name, base in lineage.items():
            shown.setdefault(view, {}).setdefault(base, name)

    def sides(rel: tuple[str, str], cols: tuple[str, ...]) -> list[tuple[tuple[str, str], tuple[str, ...]]]:
        out = [(rel, cols)]
        for view, by_base in shown.items():
            names = [by_base.get((rel, c)) for c in cols]
            if all(names):
                out.append((view, tuple(n for n in names if n)))
        return out

    extra = []
    for fk in fks:
        for source, cols in sides(fk.source, fk.columns):
            for target, refs in sides(fk.target, fk.ref_columns):
                if (source, target) != (fk.source, fk.target):
                    extra.append(ForeignKey(fk.name, source, target, cols, refs, fk.unique))
    return extra
