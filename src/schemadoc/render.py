"""Render a Schema for people (Markdown, in the conventions schemadoc reads back) and machines (JSON)."""

from __future__ import annotations

import json
from dataclasses import asdict

from schemadoc import model as m
from schemadoc.sql.emit import emit


def schema_as_json(schema: m.Schema) -> str:
    return json.dumps(asdict(schema), indent=2, default=str)


def schema_as_markdown(schema: m.Schema) -> str:
    """A design document of the schema: one section per table with its DDL, so schemadoc reads it back."""
    out = ["# Database schema", ""]
    statements = emit(schema)
    by_what: dict[str, list[str]] = {}
    for st in statements:
        by_what.setdefault(st.what, []).append(st.sql)
    if schema.extensions:
        out += ["## Extensions", "", "```sql"]
        out += [s for e in schema.extensions for s in by_what.get(f"extension {e.name}", [])]
        out += ["```", ""]
    if schema.enums:
        out += ["## Types", "", "```sql"]
        out += [s for e in schema.enums for s in by_what.get(f"type {e.name}", [])]
        out += ["```", ""]
    out += ["## Tables", ""]
    for t in schema.tables:
        out += [f"### {t.name}", ""]
        if t.comment:
            out += [t.comment, ""]
        out += ["```sql"] + by_what.get(f"table {t.name}", [])
        out += [s for ix in schema.indexes if ix.table_key == t.key for s in by_what.get(f"index {ix.name}", [])]
        out += ["```", ""]
    for kind, items in (
        ("Functions", schema.functions),
        ("Views", schema.views),
        ("Triggers", schema.triggers),
        ("Policies", schema.policies),
    ):
        if items:
            what = {"Functions": "function", "Views": "view", "Triggers": "trigger", "Policies": "policy"}[kind]
            out += [f"## {kind}", "", "```sql"]
            out += [s for o in items for s in by_what.get(f"{what} {o.name}", [])]  # type: ignore[attr-defined]
            out += ["```", ""]
    return "\n".join(out)
