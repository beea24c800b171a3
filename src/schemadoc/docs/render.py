"""Render a Schema for people (a Markdown design doc schemadoc reads back) and machines (JSON)."""

from __future__ import annotations

import json
from dataclasses import asdict

from schemadoc import model as m
from schemadoc.migrate.fresh import statements as fresh_statements
from schemadoc.names import quote_ident
from schemadoc.sql.emit import Statement, grant_sql


def schema_as_json(schema: m.Schema) -> str:
    return json.dumps(asdict(schema), indent=2, default=str)


_SECTIONS = (
    ("extension", "Extensions"),
    ("role", "Roles"),
    ("schema", "Schemas"),
    ("type", "Types"),
    ("domain", "Domains"),
    ("sequence", "Sequences"),
    ("function", "Functions"),
    ("view", "Views"),
    ("trigger", "Triggers"),
    ("row level security", "Row level security"),
    ("policy", "Policies"),
    ("grant", "Grants"),
)


def _is_support(st: Statement) -> bool:
    """schemadoc's own helpers are recreated from what uses them; a doc does not spell them out."""
    return st.what.startswith(("function schemadoc.", "schemadoc support"))


def _as_written(st: Statement, schema: m.Schema, database: str) -> Statement:
    """Statements as a person writes them: `emit` guards roles and database grants in DO blocks,
    which a document reader does not apply."""
    if st.what.startswith("role "):
        role = next(r for r in schema.roles if st.what == f"role {r.name}")
        return Statement(f"CREATE ROLE {quote_ident(role.name)} {'LOGIN' if role.login else 'NOLOGIN'};", None, st.what)
    if st.sql.startswith("DO $$ BEGIN EXECUTE format('GRANT"):
        grant = next(g for g in schema.grants if g.object_kind == "DATABASE" and grant_sql(g) == st.sql)
        grantee = "PUBLIC" if grant.grantee == "public" else quote_ident(grant.grantee)
        return Statement(
            f"GRANT {', '.join(grant.privileges)} ON DATABASE {quote_ident(database)} TO {grantee};", None, st.what
        )
    return st


def schema_as_markdown(schema: m.Schema, title: str = "Database schema", database: str = "postgres") -> str:
    """A design document of the schema: a section per table with its DDL, then the other objects.

    Every statement is in an ```sql block, so `schemadoc up` on the output builds the same database.
    """
    statements = [_as_written(st, schema, database) for st in fresh_statements(schema) if not _is_support(st)]
    by_table: dict[str, list[str]] = {t.name: [] for t in schema.tables}
    owner_of = {f"index {ix.name}": ix.table for ix in schema.indexes}
    owner_of.update({f"comment on {t.name}": t.name for t in schema.tables})
    for t in schema.tables:
        owner_of[f"table {t.name}"] = t.name
        for c in t.columns:
            owner_of[f"comment on {t.name}.{c.name}"] = t.name
        for fk in t.foreign_keys:
            owner_of[f"foreign key {fk.name}"] = t.name
    sections: dict[str, list[str]] = {}
    for st in statements:
        table = owner_of.get(st.what)
        if table is not None:
            by_table[table].append(st.sql)
            continue
        kind = next((k for k, _ in _SECTIONS if st.what.startswith(k)), "other")
        sections.setdefault(kind, []).append(st.sql)
    out = [f"# {title}", ""]
    for kind, heading in _SECTIONS:
        if kind in ("function", "view", "trigger", "row level security", "policy", "grant"):
            continue
        out += _section(f"## {heading}", sections.get(kind, []))
    out += ["## Tables", ""]
    for t in schema.tables:
        out += [f"### {t.name}", ""]
        if t.comment:
            out += [t.comment, ""]
        out += ["```sql", *_blank_separated(by_table[t.name]), "```", ""]
    for kind, heading in _SECTIONS:
        if kind in ("function", "view", "trigger", "row level security", "policy", "grant"):
            out += _section(f"## {heading}", sections.get(kind, []))
    out += _section("## Other objects", sections.get("other", []))
    return "\n".join(out)


def _blank_separated(sqls: list[str]) -> list[str]:
    out: list[str] = []
    for s in sqls:
        if out:
            out.append("")
        out.append(s)
    return out


def _section(heading: str, sqls: list[str]) -> list[str]:
    if not sqls:
        return []
    return [heading, "", "```sql", *_blank_separated(sqls), "```", ""]
