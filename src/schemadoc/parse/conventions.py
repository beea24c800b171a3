"""What a document means beyond what it spells out: diagrams, maintained timestamps, extensions.

Also the structural checks that decide whether a schema can be applied at all (unknown tables,
partitions of unpartitioned tables); style and design advice belongs to lint.
"""

from __future__ import annotations

import re
from dataclasses import replace

from schemadoc import model as m
from schemadoc.errors import Fix, Severity, Span
from schemadoc.names import loose_key, singular, snake_case
from schemadoc.parse.builder import ConstraintDraft, SchemaBuilder, TableDraft
from schemadoc.parse.prisma import PField
from schemadoc.types import base_type, is_known_type, translate_type

TOUCH_FUNCTION = "schemadoc.touch_updated_at"

# function or type -> the extension that provides it
_EXTENSION_OF = {
    "uuid_generate_v1": "uuid-ossp",
    "uuid_generate_v1mc": "uuid-ossp",
    "uuid_generate_v3": "uuid-ossp",
    "uuid_generate_v4": "uuid-ossp",
    "uuid_generate_v5": "uuid-ossp",
    "uuid_nil": "uuid-ossp",
    "crypt": "pgcrypto",
    "gen_salt": "pgcrypto",
    "digest": "pgcrypto",
    "hmac": "pgcrypto",
    "pgp_sym_encrypt": "pgcrypto",
    "similarity": "pg_trgm",
    "gin_trgm_ops": "pg_trgm",
    "gist_trgm_ops": "pg_trgm",
    "citext": "citext",
    "hstore": "hstore",
    "ltree": "ltree",
    "unaccent": "unaccent",
    "earth_distance": "earthdistance",
    "ll_to_earth": "earthdistance",
    "vector": "vector",
    "geometry": "postgis",
    "geography": "postgis",
    "gist_int4_ops": "btree_gist",
}
_WORD = re.compile(r"[A-Za-z_][\w]*")


def extension_of_type(type_text: str) -> str | None:
    """The extension that provides a column type (geometry: postgis), if one does."""
    base = base_type(type_text).strip('"').split(".")[-1].lower()
    return _EXTENSION_OF.get(base)


def resolve_relations(b: SchemaBuilder, model_tables: dict[str, str]) -> None:
    """Foreign keys written against model names (`FK → CustomUser`) point at their tables, and their
    columns take the type of the key they reference."""
    from schemadoc.parse.table import RELATION_KEY

    _resolve_described_keys(b, model_tables)
    _key_only_types(b)
    by_loose = {loose_key(k): v for k, v in model_tables.items()}
    for d in b.tables.values():
        for c in d.constraints:
            if c.kind == "foreign" and m.qualify(c.ref_schema, c.ref_table) not in b.tables:
                mapped = model_tables.get(c.ref_table) or by_loose.get(loose_key(c.ref_table))
                if mapped is None and m.qualify(c.ref_schema, snake_case(c.ref_table)) in b.tables:
                    mapped = snake_case(c.ref_table)  # model Category is table category in this doc
                if mapped is None and c.ref_table.lower() == "self":
                    mapped = d.name
                if mapped is not None:
                    c.ref_table = mapped
    for d in b.tables.values():
        for name, col in list(d.columns.items()):
            if col.type != RELATION_KEY:
                continue
            key_type = "bigint"
            fk = next((c for c in d.constraints if c.kind == "foreign" and c.columns == (name,)), None)
            target = b.tables.get(m.qualify(fk.ref_schema, fk.ref_table)) if fk else None
            if target is not None:
                pk = next((c for c in target.constraints if c.kind == "primary" and len(c.columns) == 1), None)
                if pk is not None and pk.columns[0] in target.columns:
                    key_type = target.columns[pk.columns[0]].type
            d.columns[name] = replace(col, type=key_type)


def _resolve_described_keys(b: SchemaBuilder, model_tables: dict[str, str]) -> None:
    """Foreign keys a description gives without their table (ref_table ""): the table its notes name,
    else the one its column's name names (organization_id: organizations), keyed by that table's
    primary key. A key no table matches is dropped — with a warning when the doc said it is a key; a key
    only the name suggests is kept only when its column's type is the referenced key's."""
    from schemadoc.parse.references import find_table, name_stem, stem_tables
    from schemadoc.parse.table import RELATION_KEY, report_guessed, report_unresolved

    names = {d.name: d for d in b.tables.values()}
    if not any(c.kind == "foreign" for d in b.tables.values() for c in d.constraints):
        # a document that declares no foreign key at all in another database's SQL (MySQL DDL often
        # does not) still names its keys: a column named for another table's key is taken as one when
        # its type is that key's. PostgreSQL DDL without keys means none.
        for d in b.tables.values():
            if d.origin == "sql" and d.dialect is None:
                continue
            own_key = next((k.columns for k in d.constraints if k.kind == "primary"), ())
            for column in d.columns:
                if column not in own_key and name_stem(column) is not None:
                    d.constraints.append(
                        ConstraintDraft(
                            "foreign", None, (column,), ref_table="", span=d.columns[column].span, guessed=True
                        )
                    )
    aliases = {model: table for model, table in model_tables.items() if table in names}
    for d in list(b.tables.values()):
        kept = []
        for c in d.constraints:
            if c.kind != "foreign" or c.ref_table:
                kept.append(c)
                continue
            target = None
            for word in c.candidates:
                target = aliases.get(word) or find_table(word, names)
                if target is not None:
                    break
            stem = name_stem(c.columns[0])
            if target is None and stem is not None:
                target = aliases.get(stem) or stem_tables(stem, names, own=d.name)
                if target is None and stem.lower() == "parent":
                    target = d.name
            found = names.get(target) if target is not None else None
            ref_columns = c.ref_columns
            if found is not None and ref_columns:
                ref_columns = tuple(b.resolve_column(found, col, c.span, "a foreign key") for col in ref_columns)
            elif found is not None:
                ref_columns = _referenced_key(found, d.columns[c.columns[0]], c.guessed)
            usable = (
                found is not None
                and len(ref_columns) == len(c.columns)
                and all(col in found.columns for col in ref_columns)
            )
            if usable and c.guessed and found is not None:
                mine, theirs = d.columns[c.columns[0]].type, found.columns[ref_columns[0]].type
                usable = mine in (theirs, RELATION_KEY) and found is not d  # a name never suggests a self-reference
            if not usable or found is None:
                if not c.guessed:
                    report_unresolved(b, c, d.name)
                if d.columns.get(c.columns[0]) is not None and d.columns[c.columns[0]].type == RELATION_KEY:
                    d.columns[c.columns[0]] = replace(d.columns[c.columns[0]], type="text")
                continue
            c.ref_schema, c.ref_table, c.ref_columns = found.schema, found.name, ref_columns
            if c.guessed:
                report_guessed(b, c, d.name, found.name)
            kept.append(c)
        d.constraints = kept


def _key_only_types(b: SchemaBuilder) -> None:
    """A table the doc names without columns takes, for its key, the type of the columns that reference it."""
    for d in b.tables.values():
        if not d.key_only or "id" not in d.columns:
            continue
        for other in b.tables.values():
            fk = next((c for c in other.constraints if c.kind == "foreign" and c.ref_table == d.name
                       and c.ref_columns == ("id",) and c.columns[0] in other.columns), None)  # fmt: skip
            if fk is not None:
                found = other.columns[fk.columns[0]].type
                if found not in ("integer", "bigint", "smallint"):
                    d.columns["id"] = replace(d.columns["id"], type=found, identity=None)
                break


def _referenced_key(target: TableDraft, column: m.Column, guessed: bool) -> tuple[str, ...]:
    """The key of `target` a column references: its primary key — or, for a column only its name makes a
    key, a unique column named like it (wallet.agent_id, transaction.from_agent_id: agent.agent_id)
    when that one's type is the column's and the primary key's is not."""
    pk = next((k.columns for k in target.constraints if k.kind == "primary"), ())
    if not guessed:
        return pk
    unique = [k.columns[0] for k in target.constraints if k.kind in ("unique", "primary") and len(k.columns) == 1]
    if pk and len(pk) == 1 and target.columns[pk[0]].type == column.type:
        return pk
    wanted = {loose_key(column.name), loose_key(target.name + "_id"), loose_key(singular(target.name) + "_id")}
    for name in unique:
        if (
            loose_key(name) in wanted | {loose_key(column.name.split("_", 1)[-1])}
            and target.columns[name].type == column.type
        ):
            return (name,)
    return pk


def check_table_types(b: SchemaBuilder) -> None:
    """A column type PostgreSQL does not have and the doc does not define: another database's type is
    read as PostgreSQL's (`datetime`: timestamp, SQL; `nvarchar(50)`, MySQL's `tinyint(1)`), noted; in an
    informal description (`TaggableManager`, `Money`) any other becomes text, with a warning at its row:
    the table still applies."""
    defined = {k.split(".", 1)[1].lower() for k in [*b.enums, *b.domains, *b.composites]}
    own = list(b.functions.values())  # a doc that defines uuid() means its own
    for d in b.tables.values():
        oracle = any(base_type(c.type).strip('"').lower() in _ORACLE_TYPES for c in d.columns.values())
        for name, col in list(d.columns.items()):
            written = (col.default or "").strip().lower()
            default = _FOREIGN_DEFAULTS.get(written) or _sqlite_clock(written, col.type)
            if default is not None and d.origin == "sql" and not any(f.name == written.rstrip("()") for f in own):
                b.report(
                    "SD017",
                    Severity.INFO,
                    f"default {col.default} of {d.name}.{name} is another database's; read as {default}",
                    col.span,
                    help=f"write DEFAULT {default}",
                )
                d.columns[name] = col = replace(col, default=default)
            if oracle and col.type == "date":
                b.report(
                    "SD017",
                    Severity.INFO,
                    f"{d.name}.{name} is an Oracle DATE, which holds a time of day: read as timestamp(0), "
                    "as ora2pg maps it",
                    col.span,
                    help="write timestamp(0) (or date, if the time of day is never used)",
                )
                d.columns[name] = col = replace(col, type="timestamp(0) without time zone")
            base = base_type(col.type).strip('"').lower()
            if is_known_type(col.type) or base in defined or base in _EXTENSION_OF or "." in base:
                continue
            translated = translate_type(col.type.removesuffix("[]" * col.type.count("[]")))
            if translated is not None:
                if d.origin == "sql":
                    b.report(
                        "SD017",
                        Severity.INFO,
                        f'"{col.type}" of {d.name}.{name} is not a PostgreSQL type; read as {translated}, as '
                        "another database means it",
                        col.span,
                        help=f"write {translated}",
                    )
                d.columns[name] = replace(col, type=translated + "[]" * col.type.count("[]"))
                continue
            if d.origin == "sql":
                continue  # an unknown type in SQL is an error (check_structure says so)
            b.report(
                "SD031",
                Severity.WARNING,
                f'type "{base}" of {d.name}.{name} is neither a PostgreSQL type nor one the document '
                "defines; using text",
                col.span,
                help="write a PostgreSQL type, or define the type in the document",
            )
            d.columns[name] = replace(col, type="text" + "[]" * col.type.count("[]"))


# types only Oracle has: a table that uses them is Oracle's, and its DATE holds a time of day
_ORACLE_TYPES = {"varchar2", "nvarchar2", "number", "clob", "nclob", "raw", "binary_float", "binary_double"}
# other databases' current-time and id functions, written as a column default (PostgreSQL reads the
# bare words as column names), as ora2pg and pgloader translate them
_FOREIGN_DEFAULTS = {
    "sysdate": "LOCALTIMESTAMP(0)", "systimestamp": "CURRENT_TIMESTAMP", "getdate()": "now()",
    "sysdatetime()": "now()", "sysdatetimeoffset()": "now()", "getutcdate()": "(now() AT TIME ZONE 'utc')",
    "newid()": "gen_random_uuid()", "sys_guid()": "gen_random_uuid()", "uuid()": "gen_random_uuid()",
}  # fmt: skip
# SQLite's clock functions as defaults (datetime('now'): UTC text 'YYYY-MM-DD HH:MM:SS'), by the column's type
_SQLITE_CLOCK = {
    "datetime('now')": ("to_char(timezone('utc', now()), 'YYYY-MM-DD HH24:MI:SS')", "timezone('utc', now())"),
    "time('now')": ("to_char(timezone('utc', now()), 'HH24:MI:SS')", "LOCALTIME(0)"),
    "strftime('%s','now')": (
        "floor(extract(epoch from now()))::bigint::text",
        "floor(extract(epoch from now()))::bigint",
    ),
}


def _sqlite_clock(written: str, column_type: str) -> str | None:
    """The PostgreSQL default for a SQLite clock function written as one, for a column of `column_type`."""
    bare = re.sub(r"\s+", "", written)
    if bare.startswith("(") and bare.endswith(")") and bare[1:-1] in _SQLITE_CLOCK:
        bare = bare[1:-1]  # DEFAULT (datetime('now')), as SQLite requires an expression to be written
    found = _SQLITE_CLOCK.get(bare)
    if found is None:
        return None
    as_text = base_type(column_type) in ("text", "character varying", "character")
    return found[0] if as_text else found[1]


def add_updated_at_triggers(b: SchemaBuilder) -> None:
    """Columns the doc says are kept current on update get a trigger that does it."""
    for table_key, column, span in b.updated_at_columns:
        d = b.tables.get(table_key)
        if d is None or column not in d.columns:
            continue
        if any(t.table_key == table_key and column in t.body_hint for t in _doc_triggers(b)):
            continue
        name = f"schemadoc_touch_{column}"[:63]
        trig = m.Trigger(
            d.schema, d.name, name, "BEFORE", ("INSERT", "UPDATE"), TOUCH_FUNCTION, arguments=(column,), span=span
        )
        b.triggers[trig.key] = trig


class _TriggerView:
    def __init__(self, table_key: str, body_hint: str) -> None:
        self.table_key = table_key
        self.body_hint = body_hint


def _doc_triggers(b: SchemaBuilder) -> list[_TriggerView]:
    """Triggers the doc itself writes, with the text of their function (to see what they set)."""
    out = []
    for t in b.triggers.values():
        fn = next((f for f in b.functions.values() if m.qualify(f.schema, f.name) == t.function), None)
        out.append(_TriggerView(t.table_key, fn.body if fn else ""))
    return out


def add_needed_extensions(b: SchemaBuilder) -> None:
    """Functions and types an extension provides pull that extension in (info, not an error)."""
    found: dict[str, Span | None] = {}

    def scan(text: str | None, span: Span | None) -> None:
        if not text:
            return
        for word in _WORD.findall(text):
            ext = _EXTENSION_OF.get(word.lower())
            if ext and ext not in found:
                found[ext] = span

    for d in b.tables.values():
        for c in d.columns.values():
            scan(c.default, c.span)
            scan(base_type(c.type), c.span)
    for ix in b.indexes.values():
        scan(" ".join(ix.keys), ix.span)
    for f in b.functions.values():
        scan(f.body, f.span)
    for v in b.views.values():
        scan(v.definition, v.span)
    for ext, span in found.items():
        if ext not in b.extensions:
            b.extensions[ext] = m.Extension(ext, span=span)
            b.report(
                "SD040",
                Severity.INFO,
                f'the document uses "{ext}" but never creates the extension; it is created first',
                span,
                help=f'add CREATE EXTENSION IF NOT EXISTS "{ext}";',
            )


def leave_out(kind: str, key: str, what: str, table: str = "") -> Fix:
    """The best-effort fix of an object that cannot be applied: `up --fix` leaves it out."""
    return Fix(f"left out {what}", (("kind", kind), ("key", key), ("table", table)))


def check_structure(b: SchemaBuilder, schema: m.Schema, provided: m.Schema | None = None) -> None:
    """Errors that would make the schema fail to apply, each at its line. `provided`: what the doc's
    platforms (Supabase's auth.users, auth.uid()) bring, so references to it resolve."""
    provided = provided or m.Schema()
    relations = schema.relation_names() | provided.relation_names()
    types = {e.key for e in schema.enums} | {d.key for d in schema.domains} | {c.key for c in schema.composites}
    tables = {t.key: t for t in (*provided.tables, *schema.tables)}
    functions = {m.qualify(f.schema, f.name) for f in (*schema.functions, *provided.functions)}
    for t in schema.tables:
        for fk in t.foreign_keys:
            problem = _foreign_key_problem(t, fk, tables.get(fk.ref_key))
            if problem is not None:
                code, message, help = problem
                drop = leave_out(
                    "foreign-key", fk.name, f'foreign key "{fk.name}" of "{t.name}" (the column stays)', t.key
                )
                b.report(code, Severity.ERROR, message, fk.span, help=help, fix=drop)
        for c in t.columns:
            bt = base_type(c.type).strip('"')
            if "." not in bt and m.qualify("public", bt) not in types and bt.lower() != bt and bt not in _BUILTIN:
                b.report("SD101", Severity.ERROR, f'column "{t.name}.{c.name}" has unknown type "{bt}"', c.span)
        if t.partition_of is not None:
            parent = tables.get(t.partition_of)
            if parent is None:
                b.report(
                    "SD110", Severity.ERROR, f'"{t.name}" is a partition of unknown table "{t.partition_of}"', t.span
                )
            elif parent.partition_by is None:
                column = _partition_column(parent)
                fix = None
                help = f'declare "{parent.name}" with PARTITION BY RANGE (<column>)'
                if column is not None:
                    fix = Fix(
                        f'make "{parent.name}" PARTITION BY RANGE ({column}) and widen its primary key '
                        f"to include {column}",
                        (("table", parent.key), ("column", column)),
                    )
                    help = (
                        f"add PARTITION BY RANGE ({column}) to CREATE TABLE {parent.name} and include "
                        f"{column} in its primary key (schemadoc up --fix does this)"
                    )
                b.report(
                    "SD111",
                    Severity.ERROR,
                    f'"{t.name}" is declared PARTITION OF "{parent.name}", which is not a partitioned table',
                    t.span,
                    help=help,
                    related=(parent.span,) if parent.span else (),
                    fix=fix,
                )
        if t.partition_by is not None:
            keys = _partition_keys(t.partition_by)
            for con in ([t.primary_key] if t.primary_key else []) + list(t.uniques):
                missing = [k for k in keys if k not in con.columns]
                if missing:
                    b.report(
                        "SD112",
                        Severity.ERROR,
                        f"{'primary key' if con is t.primary_key else 'unique constraint'} of "
                        f'partitioned table "{t.name}" must include the partition key ({", ".join(missing)})',
                        con.span or t.span,
                    )
    for ix in schema.indexes:
        if ix.table_key not in relations:
            b.report(
                "SD106",
                Severity.ERROR,
                f'index "{ix.name}" is on unknown table "{ix.table}"',
                ix.span,
                fix=leave_out("index", ix.key, f'index "{ix.name}"'),
            )
    for trig in schema.triggers:
        drop_trigger = leave_out("trigger", trig.key, f'trigger "{trig.name}"')
        if trig.table_key not in relations:
            b.report(
                "SD107",
                Severity.ERROR,
                f'trigger "{trig.name}" is on unknown table "{trig.table}"',
                trig.span,
                fix=drop_trigger,
            )
        elif trig.function != TOUCH_FUNCTION and trig.function not in functions:
            b.report(
                "SD108",
                Severity.ERROR,
                f'trigger "{trig.name}" executes function "{trig.function}", which the document does not define',
                trig.span,
                help="define the function in the document (up --fix leaves the trigger out)",
                fix=drop_trigger,
            )
    for p in schema.policies:
        if p.table_key not in relations:
            b.report(
                "SD109",
                Severity.ERROR,
                f'policy "{p.name}" is on unknown table "{p.table}"',
                p.span,
                fix=leave_out("policy", p.key, f'policy "{p.name}"'),
            )


def _foreign_key_problem(t: m.Table, fk: m.ForeignKey, target: m.Table | None) -> tuple[str, str, str | None] | None:
    """Why a foreign key cannot be created, as (code, message, help): an unknown table or column, or
    columns PostgreSQL cannot compare. `up --fix` leaves such a key out; its column stays."""
    if target is None:
        return (
            "SD104",
            f'foreign key of "{t.name}" references unknown table "{fk.ref_table}"',
            f'define table "{fk.ref_table}" or correct the reference (up --fix leaves the key out)',
        )
    for col in fk.ref_columns:
        if target.column(col) is None:
            return "SD105", f'foreign key of "{t.name}" references unknown column "{fk.ref_table}.{col}"', None
    for col, ref in zip(fk.columns, fk.ref_columns, strict=False):
        mine, theirs = t.column(col), target.column(ref)
        if mine is not None and theirs is not None and not _comparable(mine.type, theirs.type):
            return (
                "SD113",
                f'foreign key of "{t.name}" pairs {col} ({mine.type}) with {fk.ref_table}.{ref} ({theirs.type}): '
                "PostgreSQL cannot compare them",
                f"give {t.name}.{col} the type of {fk.ref_table}.{ref} (up --fix leaves the key out)",
            )
    for col in fk.columns:
        if t.column(col) is None:
            return "SD105", f'foreign key names unknown column "{t.name}.{col}"', None
    return None


_BUILTIN = {"SETOF"}
# types a foreign key may pair (PostgreSQL has an equality operator between them)
_FAMILIES = (
    {"smallint", "integer", "bigint"},
    {"text", "character varying", "character", "bpchar", "citext", "name"},
    {"numeric", "real", "double precision"},
    {"timestamp without time zone", "timestamp with time zone", "date"},
)


def _comparable(a: str, b: str) -> bool:
    """Whether a key column of type `a` can reference one of type `b`."""
    x, y = base_type(a).strip('"').lower(), base_type(b).strip('"').lower()
    if x == y or a.endswith("[]") != b.endswith("[]"):
        return x == y and a.endswith("[]") == b.endswith("[]")
    return any(x in f and y in f for f in _FAMILIES) or not (is_known_type(a) and is_known_type(b))


def _partition_keys(partition_by: str) -> list[str]:
    inner = partition_by[partition_by.index("(") + 1 : partition_by.rindex(")")]
    return [k.strip().strip('"') for k in inner.split(",") if k.strip() and "(" not in k]


def _partition_column(parent: m.Table) -> str | None:
    """The column a range partition by date would use: created_at, or the table's only timestamp."""
    times = [c for c in parent.columns if base_type(c.type).startswith(("timestamp", "date"))]
    for c in times:
        if c.name in ("created_at", "createdAt", "occurred_at", "timestamp", "logged_at"):
            return c.name
    return times[0].name if len(times) == 1 else None


__all__ = [
    "PField",
    "TOUCH_FUNCTION",
    "add_needed_extensions",
    "add_updated_at_triggers",
    "check_structure",
]
