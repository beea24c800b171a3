"""The DDL of each kind of definition, rendered one way: a fresh build (migrate/fresh) and a migration
(migrate/ddl) write every statement through these, quoting through names' one helper."""

from __future__ import annotations

from dataclasses import dataclass

from schemadoc import model as m
from schemadoc.errors import Span
from schemadoc.names import qualified, quote_ident, quote_literal
from schemadoc.sql.support import SUPPORT_SCHEMA


@dataclass(frozen=True, slots=True)
class Statement:
    sql: str
    span: Span | None = None
    what: str = ""  # "table users", for messages
    # best-effort apply: simpler forms to try when PostgreSQL rejects this one, each with what it leaves out
    fallbacks: tuple[tuple[str, str], ...] = ()

    def __str__(self) -> str:
        return self.sql


def _q(schema: str, name: str) -> str:
    return qualified(schema, name)


def _cols(names: tuple[str, ...]) -> str:
    return ", ".join(quote_ident(c) for c in names)


def serial_type(table: m.Table, col: m.Column) -> str | None:
    """'serial' when the column is exactly what SERIAL expands to, so the DDL reads as written."""
    if col.default is None or col.identity:
        return None
    seq = quote_ident(f"{table.name}_{col.name}_seq")
    if table.schema != "public":
        seq = f"{quote_ident(table.schema)}.{seq}"
    if col.default == f"nextval('{seq}'::regclass)":
        return {"integer": "serial", "bigint": "bigserial", "smallint": "smallserial"}.get(col.type)
    return None


def column_sql(table: m.Table, col: m.Column) -> str:
    serial = serial_type(table, col)
    parts = [quote_ident(col.name), serial or col.type]
    if col.collation and not serial:
        parts.append(f"COLLATE {collation_ref(col.collation)}")
    if col.identity:
        parts.append(f"GENERATED {col.identity.upper()} AS IDENTITY")
    if col.generated:
        parts.append(f"GENERATED ALWAYS AS ({col.generated}) STORED")
    if col.default is not None and not serial:
        parts.append(f"DEFAULT {col.default}")
    if col.not_null and not serial and not col.identity:
        parts.append("NOT NULL")
    return " ".join(parts)


def _deferrable(deferrable: bool, initially_deferred: bool) -> str:
    if not deferrable:
        return ""
    return " DEFERRABLE INITIALLY DEFERRED" if initially_deferred else " DEFERRABLE"


def check_sql(c: m.Check) -> str:
    """`CONSTRAINT name CHECK (expression)`, NO INHERIT when its INHERITS children are not held to it."""
    return f"CONSTRAINT {quote_ident(c.name)} CHECK ({c.expression}){' NO INHERIT' if c.no_inherit else ''}"


def key_sql(c: m.PrimaryKey | m.Unique | m.Exclusion, using_index: bool = False) -> str:
    """`CONSTRAINT name PRIMARY KEY (…)`, `… UNIQUE [NULLS NOT DISTINCT] (…)` or `… EXCLUDE …`; `using_index`:
    the key takes over the unique index of its own name, built before (CONCURRENTLY)."""
    head = f"CONSTRAINT {quote_ident(c.name)} "
    if isinstance(c, m.Exclusion):
        return head + c.definition
    word = "PRIMARY KEY" if isinstance(c, m.PrimaryKey) else "UNIQUE"
    if using_index:
        return f"{head}{word} USING INDEX {quote_ident(c.name)}{_deferrable(c.deferrable, c.initially_deferred)}"
    nnd = " NULLS NOT DISTINCT" if isinstance(c, m.Unique) and c.nulls_not_distinct else ""
    return f"{head}{word}{nnd} ({_cols(c.columns)}){_deferrable(c.deferrable, c.initially_deferred)}"


def foreign_key_sql(fk: m.ForeignKey, default_schema: str = "public") -> str:
    text = (
        f"CONSTRAINT {quote_ident(fk.name)} FOREIGN KEY ({_cols(fk.columns)}) "
        f"REFERENCES {_q(fk.ref_schema, fk.ref_table)}"
    )
    if fk.ref_columns:
        text += f" ({_cols(fk.ref_columns)})"
    if fk.match_full:
        text += " MATCH FULL"
    if fk.on_delete != "NO ACTION":
        text += f" ON DELETE {fk.on_delete}"
    if fk.on_update != "NO ACTION":
        text += f" ON UPDATE {fk.on_update}"
    return text + _deferrable(fk.deferrable, fk.initially_deferred)


def _persistence(t: m.Table) -> str:
    return "UNLOGGED " if t.unlogged else ""


def table_sql(t: m.Table, inline_fks: tuple[m.ForeignKey, ...]) -> str:
    if t.partition_of is not None:
        parent_schema, _, parent = t.partition_of.partition(".")
        head = f"CREATE {_persistence(t)}TABLE {_q(t.schema, t.name)} PARTITION OF {_q(parent_schema, parent)}"
        items = []
    else:
        head = f"CREATE {_persistence(t)}TABLE {_q(t.schema, t.name)}"
        items = [column_sql(t, c) for c in t.columns if not c.inherited]  # the parents bring the rest
    items += [key_sql(k) for k in ([t.primary_key] if t.primary_key else [])]
    items += [key_sql(u) for u in t.uniques]
    items += [check_sql(c) for c in t.checks]
    items += [key_sql(x) for x in t.exclusions]
    for fk in inline_fks:
        items.append(foreign_key_sql(fk))
    text = head
    if items:
        text += " (\n    " + ",\n    ".join(items) + "\n)"
    elif t.partition_of is None:
        text += " ()"
    if t.partition_of is not None:
        text += f"\n    {t.partition_bound}"
    if t.inherits:
        text += f"\nINHERITS ({', '.join(_q(*p.split('.', 1)) for p in t.inherits)})"
    if t.partition_by:
        text += f"\nPARTITION BY {t.partition_by}"
    return text + ";"


def index_sql(ix: m.Index, concurrently: bool = False) -> str:
    keys = []
    for k in ix.keys:
        if k.startswith("("):
            keys.append(k)
        else:
            name, sep, rest = k.partition(" ")
            keys.append(quote_ident(name) + sep + rest)
    how = "INDEX CONCURRENTLY" if concurrently else "INDEX"
    text = f"CREATE {'UNIQUE ' if ix.unique else ''}{how} {quote_ident(ix.name)} ON {_q(ix.schema, ix.table)}"
    if ix.method != "btree":
        text += f" USING {ix.method}"
    text += f" ({', '.join(keys)})"
    if ix.include:
        text += f" INCLUDE ({_cols(ix.include)})"
    if ix.nulls_not_distinct:
        text += " NULLS NOT DISTINCT"
    if ix.where:
        text += f" WHERE {ix.where}"
    return text + ";"


def _dollar_quote(body: str) -> str:
    tag = "$$"
    n = 0
    while tag in body:
        n += 1
        tag = f"$body{n}$"
    return f"{tag}{body}{tag}"


def function_sql(f: m.Function) -> str:
    args = []
    for a in f.arguments:
        text = f"{a.mode} " if a.mode != "IN" else ""
        text += f"{quote_ident(a.name)} " if a.name else ""
        text += a.type
        if a.default is not None:
            text += f" DEFAULT {a.default}"
        args.append(text)
    kind = "PROCEDURE" if f.kind == "procedure" else "FUNCTION"
    text = f"CREATE OR REPLACE {kind} {_q(f.schema, f.name)}({', '.join(args)})"
    if f.kind != "procedure":
        text += f"\nRETURNS {f.returns}"
    text += f"\nLANGUAGE {f.language}"
    if f.kind != "procedure":
        if f.volatility != "VOLATILE":
            text += f" {f.volatility}"
        if f.strict:
            text += " STRICT"
    if f.security_definer:
        text += " SECURITY DEFINER"
    if f.standard_body:
        return text + f"\n{f.body.rstrip().rstrip(';')};"
    return text + f"\nAS {_dollar_quote(f.body)};"


def trigger_sql(t: m.Trigger) -> str:
    events = []
    for e in t.events:
        if e == "UPDATE" and t.update_columns:
            events.append(f"UPDATE OF {_cols(t.update_columns)}")
        else:
            events.append(e)
    schema, _, fn = t.function.partition(".")
    args = ", ".join(quote_literal(a) for a in t.arguments)
    text = (
        f"CREATE TRIGGER {quote_ident(t.name)} {t.timing} {' OR '.join(events)} ON {_q(t.schema, t.table)}\n"
        f"    FOR EACH {'ROW' if t.for_each_row else 'STATEMENT'}"
    )
    if t.when:
        text += f" WHEN ({t.when})"
    return text + f" EXECUTE FUNCTION {_q(schema, fn)}({args});"


def policy_sql(p: m.Policy) -> str:
    text = f"CREATE POLICY {quote_ident(p.name)} ON {_q(p.schema, p.table)}"
    if not p.permissive:
        text += " AS RESTRICTIVE"
    if p.command != "ALL":
        text += f" FOR {p.command}"
    roles = ", ".join(
        "PUBLIC"
        if r == "public"
        else (r.upper() if r in ("current_user", "session_user", "current_role") else quote_ident(r))
        for r in p.roles
    )
    text += f" TO {roles}"
    if p.using:
        text += f"\n    USING ({p.using})"
    if p.check:
        text += f"\n    WITH CHECK ({p.check})"
    return text + ";"


def role_sql(r: m.Role) -> str:
    login = "LOGIN" if r.login else "NOLOGIN"
    lit = quote_literal(r.name)
    # roles belong to the cluster, not the database: create only when missing, never with a password
    return (
        f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = {lit}) THEN "
        f"CREATE ROLE {quote_ident(r.name)} {login}; END IF; END $$;"
    )


def grant_sql(g: m.Grant, revoke: bool = False) -> str:
    privs = ", ".join(g.privileges)
    grantee = "PUBLIC" if g.grantee == "public" else quote_ident(g.grantee)
    verb, to = ("REVOKE", "FROM") if revoke else ("GRANT", "TO")
    if g.object_kind == "DATABASE":
        return (
            f"DO $$ BEGIN EXECUTE format('{verb} {privs} ON DATABASE %I {to} %s', current_database(), "
            f"{quote_literal(grantee)}); END $$;"
        )
    if g.object_name.startswith("ALL IN SCHEMA "):
        plural = {"TABLE": "TABLES", "SEQUENCE": "SEQUENCES", "FUNCTION": "FUNCTIONS"}[g.object_kind]
        return f"{verb} {privs} ON ALL {plural} IN SCHEMA {quote_ident(g.object_name[14:])} {to} {grantee};"
    if g.object_kind == "SCHEMA":
        return f"{verb} {privs} ON SCHEMA {quote_ident(g.object_name)} {to} {grantee};"
    schema, _, name = g.object_name.partition(".")
    return f"{verb} {privs} ON {g.object_kind} {_q(schema, name)} {to} {grantee};"


def collation_ref(collation: str | None) -> str:
    """A column's collation as SQL: the doc's own qualified, PostgreSQL's by name, none as "default"."""
    if collation is None:
        return '"default"'
    schema, dot, name = collation.partition(".")
    return _q(schema, name) if dot else quote_ident(collation)


def collation_sql(c: m.Collation) -> str:
    options = [f"provider = {c.provider}"] if c.provider != "libc" else []
    if c.lc_collate == c.lc_ctype:
        options.append(f"locale = {quote_literal(c.lc_collate or '')}")
    else:
        options += [
            f"lc_collate = {quote_literal(c.lc_collate or '')}",
            f"lc_ctype = {quote_literal(c.lc_ctype or '')}",
        ]
    if not c.deterministic:
        options.append("deterministic = false")
    return f"CREATE COLLATION {_q(c.schema, c.name)} ({', '.join(options)});"


def extension_sql(e: m.Extension) -> str:
    with_schema = f" SCHEMA {quote_ident(e.schema)}" if e.schema else ""
    version = f" VERSION {quote_literal(e.version)}" if e.version else ""
    return f"CREATE EXTENSION IF NOT EXISTS {quote_ident(e.name)}{with_schema}{version};"


def enum_sql(en: m.Enum) -> str:
    values = ", ".join(quote_literal(v) for v in en.values)
    return f"CREATE TYPE {_q(en.schema, en.name)} AS ENUM ({values});"


def composite_sql(ct: m.CompositeType) -> str:
    attrs = ", ".join(f"{quote_ident(n)} {t}" for n, t in ct.attributes)
    return f"CREATE TYPE {_q(ct.schema, ct.name)} AS ({attrs});"


def domain_sql(d: m.Domain) -> str:
    text = f"CREATE DOMAIN {_q(d.schema, d.name)} AS {d.type}"
    if d.default is not None:
        text += f" DEFAULT {d.default}"
    if d.not_null:
        text += " NOT NULL"
    for c in d.checks:
        text += f" {check_sql(c)}"
    return text + ";"


def view_sql(v: m.View) -> str:
    return f"CREATE {'MATERIALIZED VIEW' if v.materialized else 'VIEW'} {_q(v.schema, v.name)} AS\n{v.definition};"


def sequence_sql(seq: m.Sequence) -> str:
    text = (
        f"CREATE SEQUENCE {_q(seq.schema, seq.name)} AS {seq.type} INCREMENT BY {seq.increment} START WITH {seq.start}"
    )
    if seq.min_value is not None:
        text += f" MINVALUE {seq.min_value}"
    if seq.max_value is not None:
        text += f" MAXVALUE {seq.max_value}"
    if seq.cache != 1:
        text += f" CACHE {seq.cache}"
    if seq.cycle:
        text += " CYCLE"
    return text + ";"


def needs_support(schema: m.Schema) -> tuple[bool, bool]:
    """(needs cuid(), needs touch_updated_at()) — the helpers schemadoc installs in its own schema."""
    cuid = any(c.default and "schemadoc.cuid()" in c.default for t in schema.tables for c in t.columns)
    touch = any(t.function == f"{SUPPORT_SCHEMA}.touch_updated_at" for t in schema.triggers)
    return cuid, touch


def comment_sql(cm: m.Comment, column: str | None = None) -> str:
    """COMMENT ON … IS text (NULL: none). For a COLUMN, `cm.object_name` is its table's key and `column` its name."""
    if cm.object_kind == "SCHEMA":
        target = quote_ident(cm.object_name)
    else:
        name, paren, args = cm.object_name.partition("(")
        schema, _, obj = name.partition(".")
        target = _q(schema, obj) + (f"({args}" if paren else "")
    if column is not None:
        target += f".{quote_ident(column)}"
    return f"COMMENT ON {cm.object_kind} {target} IS {'NULL' if cm.text is None else quote_literal(cm.text)};"


# As pg_dump does: a function's body is checked when it runs, not when it is made, so a LANGUAGE sql function
# may read a table made after it (or one whose default calls it). A SQL-standard body is resolved anyway.
SESSION_SETUP = "SET check_function_bodies = off"
