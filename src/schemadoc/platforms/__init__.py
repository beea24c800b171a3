"""Hosted platforms a document may be written for, whose own objects it references but never defines.

A Supabase doc says `REFERENCES auth.users`, `USING (owner = auth.uid())`, `TO authenticated`: on Supabase
those exist before the doc runs. A platform here is what that doc takes for granted — its schemas, roles
and the few tables and functions docs use — as plain DDL (read by our own SQL reader, so checks resolve
references against it) and as idempotent SQL that creates a minimal stand-in where they are missing and
leaves a real platform's objects alone. Adding a platform is one module and one line in `PLATFORMS`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from schemadoc import model as m
from schemadoc.errors import Span
from schemadoc.names import quote_literal


@dataclass(frozen=True)
class Platform:
    name: str
    title: str
    summary: str  # what it provides, for the note that says a doc is written for it
    schemas: tuple[str, ...]  # the schemas the platform owns (only what a doc defines there is the doc's)
    roles: tuple[str, ...]  # the roles it provides
    anon_role: str  # the role its REST API runs anonymous requests as
    marker_roles: tuple[str, ...]  # roles whose mention alone says a doc is written for the platform
    ddl: str  # its objects docs use, as plain DDL: read to resolve references, run inside the stand-in
    sentinel: str  # a relation whose presence means the platform (or our stand-in) is already there
    roles_sql: str  # creates its roles where missing
    grants_sql: str  # its default privileges, granted once with the stand-in
    extensions: tuple[str, ...] = ()  # what it installs in every database: kept when the doc does not name them

    def standin_sql(self) -> str:
        """Idempotent: the roles where missing; the DDL and grants only where the platform is absent."""
        ddl = self.ddl + "\n" + self.grants_sql
        return (
            f"{self.roles_sql}\n"
            f"DO $standin$ BEGIN\n  IF to_regclass({quote_literal(self.sentinel)}) IS NULL THEN\n"
            f"    EXECUTE {_dollar(ddl, 'ddl')};\n  END IF;\nEND $standin$;"
        )

    def owns(self, key: str) -> bool:
        """Whether a qualified name lives in one of the platform's schemas."""
        return key.partition(".")[0] in self.schemas


def _dollar(text: str, tag: str) -> str:
    assert f"${tag}$" not in text
    return f"${tag}${text}${tag}$"


def _platforms() -> dict[str, Platform]:
    from schemadoc.platforms import supabase

    return {p.name: p for p in (supabase.PLATFORM,)}


PLATFORMS = _platforms()

_QUALIFIED = re.compile(r'"?([a-z_][a-z0-9_]*)"?\s*\.\s*"?([a-z_][a-z0-9_]*)"?', re.I)


def referenced(platform: Platform, schema: m.Schema) -> tuple[str, Span | None] | None:
    """The first thing of a platform's the doc uses without defining it, and where: a key to, a trigger or
    policy on one of its tables, a call of one of its functions, a policy or grant for one of its roles."""
    defined = schema.relation_names() | {m.qualify(f.schema, f.name) for f in schema.functions}

    def foreign(key: str) -> bool:
        return platform.owns(key) and key not in defined

    found: list[tuple[str, Span | None]] = []
    found += [(fk.ref_key, fk.span) for t in schema.tables for fk in t.foreign_keys if foreign(fk.ref_key)]
    on_tables: list[m.Trigger | m.Policy | m.Index] = [*schema.triggers, *schema.policies, *schema.indexes]
    found += [(x.table_key, x.span) for x in on_tables if foreign(x.table_key)]
    own_roles = {r.name for r in schema.roles}
    for p in schema.policies:
        found += [(f"role {r}", p.span) for r in p.roles if r in platform.marker_roles and r not in own_roles]
    for g in schema.grants:
        if g.grantee in platform.marker_roles and g.grantee not in own_roles:
            found.append((f"role {g.grantee}", g.span))
    texts: list[tuple[str | None, Span | None]] = []
    for t in schema.tables:
        texts += [(c.default, c.span) for c in t.columns] + [(ch.expression, ch.span or t.span) for ch in t.checks]
    texts += [(x, p.span) for p in schema.policies for x in (p.using, p.check)]
    texts += [(f.body, f.span) for f in schema.functions] + [(v.definition, v.span) for v in schema.views]
    for text, span in texts:
        for mt in _QUALIFIED.finditer(text or ""):
            key = f"{mt.group(1)}.{mt.group(2)}".lower()
            if foreign(key):
                found.append((key + ("()" if text and text[mt.end() :].lstrip().startswith("(") else ""), span))
    if not found:
        return None
    return min(found, key=lambda f: (f[1].line, f[1].col) if f[1] else (1 << 30, 0))


def of(schema: m.Schema) -> list[Platform]:
    """The platforms a doc's schema was found to be written for."""
    return [PLATFORMS[name] for name in schema.platforms if name in PLATFORMS]


def leave_to_platforms(schema: m.Schema, doc: m.Schema) -> m.Schema:
    """`schema` without what the doc's platforms own and the doc does not define: their schemas, the
    objects in them, the grants they make to their roles. A live Supabase database has far more in `auth`
    than our stand-in; neither side's platform objects are the doc's to change."""
    platforms = of(doc)
    if not platforms:
        return schema

    def platform_owned(key: str) -> bool:
        return any(p.owns(key) for p in platforms)

    roles = {r for p in platforms for r in p.roles} - {r.name for r in doc.roles}
    doc_grants = set(doc.grants)
    changes: dict[str, Iterable[object]] = {"schemas": [s for s in schema.schemas if not platform_owned(s + ".")]}
    for kind in _KINDS:
        mine = {o.key for o in getattr(doc, kind)}
        changes[kind] = [o for o in getattr(schema, kind) if o.key in mine or not platform_owned(_name(o))]
    changes["roles"] = [r for r in schema.roles if r.name not in roles]
    provided = {e for p in platforms for e in p.extensions} - {e.name for e in doc.extensions}
    changes["extensions"] = [e for e in schema.extensions if e.name not in provided]
    changes["grants"] = [
        g for g in schema.grants if g in doc_grants or not (g.grantee in roles or platform_owned(g.object_name))
    ]
    return schema.with_(**changes)


_KINDS = (
    "enums",
    "composites",
    "domains",
    "sequences",
    "tables",
    "indexes",
    "functions",
    "views",
    "triggers",
    "policies",
    "comments",
)


def _name(o: Any) -> str:
    return str(o.object_name if isinstance(o, m.Comment) else o.key)


__all__ = ["PLATFORMS", "Platform", "leave_to_platforms", "of", "referenced"]
