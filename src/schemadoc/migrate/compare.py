"""Compare a document's schema with a database's, object by object.

Expressions (defaults, CHECKs, index expressions and predicates, view bodies, policy and trigger
conditions) are written by people in the doc and printed by PostgreSQL in the catalog, so their text
differs although they mean the same. The server is the authority on its own spelling: once the doc
has been applied, `align_expressions` takes each expression's text from the database for the objects
both sides have, and everything structural (names, types, nullability, keys, actions, columns,
events, roles) is still compared as the doc wrote it.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

from schemadoc import model as m
from schemadoc.errors import Span


def _by_key(items: tuple[Any, ...]) -> dict[str, Any]:
    return {i.key: i for i in items}


def _align_table(doc: m.Table, db: m.Table) -> m.Table:
    db_cols = {c.name: c for c in db.columns}
    cols = []
    for c in doc.columns:
        other = db_cols.get(c.name)
        if other is not None:
            if c.default is not None and other.default is not None:
                c = replace(c, default=other.default)
            if c.generated is not None and other.generated is not None:
                c = replace(c, generated=other.generated)
        cols.append(c)
    db_checks = {c.name: c for c in db.checks}
    checks = tuple(
        replace(c, expression=db_checks[c.name].expression) if c.name in db_checks else c for c in doc.checks
    )
    db_excl = {x.name: x for x in db.exclusions}
    exclusions = tuple(
        sorted(
            (replace(x, definition=db_excl[x.name].definition) if x.name in db_excl else x for x in doc.exclusions),
            key=lambda x: x.name,
        )
    )
    bound = db.partition_bound if doc.partition_bound and db.partition_bound else doc.partition_bound
    by = db.partition_by if doc.partition_by and db.partition_by else doc.partition_by
    return replace(
        doc,
        columns=tuple(cols),
        checks=tuple(sorted(checks, key=lambda c: c.name)),
        exclusions=exclusions,
        uniques=tuple(sorted(doc.uniques, key=lambda u: u.name)),
        foreign_keys=tuple(sorted(doc.foreign_keys, key=lambda f: f.name)),
        partition_bound=bound,
        partition_by=by,
    )


def _align_index(doc: m.Index, db: m.Index) -> m.Index:
    keys = (
        tuple(
            theirs if mine.startswith("(") and theirs.startswith("(") else mine
            for mine, theirs in zip(doc.keys, db.keys, strict=False)
        )
        + doc.keys[len(db.keys) :]
    )
    where = db.where if doc.where is not None and db.where is not None else doc.where
    return replace(doc, keys=keys, where=where)


def align_expressions(doc: m.Schema, db: m.Schema) -> m.Schema:
    """`doc` with each expression spelled as the database spells it, where both have the object."""
    tables = _by_key(db.tables)
    indexes = _by_key(db.indexes)
    views = _by_key(db.views)
    policies = _by_key(db.policies)
    triggers = _by_key(db.triggers)
    functions = _by_key(db.functions)
    domains = _by_key(db.domains)

    def fn(f: m.Function) -> m.Function:
        other = functions.get(f.key)
        if other is None or len(other.arguments) != len(f.arguments):
            return f
        args = tuple(
            replace(a, default=b.default) if a.default is not None and b.default is not None else a
            for a, b in zip(f.arguments, other.arguments, strict=True)
        )
        return replace(f, arguments=args)

    def dom(d: m.Domain) -> m.Domain:
        other = domains.get(d.key)
        if other is None:
            return d
        theirs = {c.name: c for c in other.checks}
        checks = tuple(replace(c, expression=theirs[c.name].expression) if c.name in theirs else c for c in d.checks)
        return replace(d, default=other.default if d.default and other.default else d.default, checks=checks)

    versions = {e.name: e.version for e in db.extensions}
    return doc.with_(
        # an extension the doc does not pin is whatever version the server installed
        extensions=tuple(
            replace(e, version=versions.get(e.name)) if e.version is None and e.name in versions else e
            for e in doc.extensions
        ),
        tables=tuple(_align_table(t, tables[t.key]) if t.key in tables else t for t in doc.tables),
        indexes=tuple(_align_index(i, indexes[i.key]) if i.key in indexes else i for i in doc.indexes),
        views=tuple(replace(v, definition=views[v.key].definition) if v.key in views else v for v in doc.views),
        policies=tuple(
            replace(
                p,
                using=policies[p.key].using if p.using and policies[p.key].using else p.using,
                check=policies[p.key].check if p.check and policies[p.key].check else p.check,
            )
            if p.key in policies
            else p
            for p in doc.policies
        ),
        triggers=tuple(
            replace(t, when=triggers[t.key].when if t.when and triggers[t.key].when else t.when)
            if t.key in triggers
            else t
            for t in doc.triggers
        ),
        functions=tuple(fn(f) for f in doc.functions),
        domains=tuple(dom(d) for d in doc.domains),
    )


@dataclass(frozen=True, slots=True)
class Difference:
    """One object the document and the database disagree about."""

    kind: str  # table, index, function, …
    key: str
    change: str  # missing (in the doc, not the database) | extra (not in the doc) | changed
    detail: str
    span: Span | None  # where the document describes the object (None when it does not)

    def __str__(self) -> str:
        what = {
            "missing": "in the document, not in the database",
            "extra": "in the database, not in the document",
            "changed": f"differs — {self.detail}",
        }[self.change]
        return f"{self.kind} {self.key}: {what}"

    def as_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "key": self.key,
            "change": self.change,
            "detail": self.detail,
            "file": self.span.file if self.span else None,
            "line": self.span.line if self.span else None,
        }


def compare(doc: m.Schema, db: m.Schema) -> list[Difference]:
    """Every object that differs between two schemas, by kind and key, with the doc's position."""
    out: list[Difference] = []
    for f in fields(m.Schema):
        if f.name in ("schemas", "keyspaces"):  # key layouts live in Redis, not in the catalog
            continue
        mine, theirs = _by_key(getattr(doc, f.name)), _by_key(getattr(db, f.name))
        kind = {"indexes": "index", "policies": "policy"}.get(f.name, f.name[:-1])
        for key in sorted(mine.keys() - theirs.keys()):
            out.append(Difference(kind, key, "missing", "", getattr(mine[key], "span", None)))
        for key in sorted(theirs.keys() - mine.keys()):
            out.append(Difference(kind, key, "extra", "", None))
        for key in sorted(mine.keys() & theirs.keys()):
            if mine[key] != theirs[key]:
                out.append(
                    Difference(
                        kind, key, "changed", _what_differs(mine[key], theirs[key]), getattr(mine[key], "span", None)
                    )
                )
    for name in sorted(set(doc.schemas) - set(db.schemas)):
        out.append(Difference("schema", name, "missing", "", None))
    for name in sorted(set(db.schemas) - set(doc.schemas)):
        out.append(Difference("schema", name, "extra", "", None))
    return out


def differences(doc: m.Schema, db: m.Schema) -> list[str]:
    """Human-readable differences between two schemas, by object kind and key."""
    return [str(d) for d in compare(doc, db)]


def _what_differs(a: Any, b: Any) -> str:
    parts = []
    for f in fields(a):
        if not f.compare:
            continue
        x, y = getattr(a, f.name), getattr(b, f.name)
        if x != y:
            if f.name == "columns" and isinstance(x, tuple) and x and isinstance(x[0], m.Column):
                xs, ys = {c.name: c for c in x}, {c.name: c for c in y}
                for n in xs.keys() | ys.keys():
                    if xs.get(n) != ys.get(n):
                        parts.append(f"column {n}: doc {xs.get(n)} / db {ys.get(n)}")
                if [c.name for c in x] != [c.name for c in y] and not parts:
                    parts.append("column order")
            else:
                parts.append(f"{f.name}: doc {x!r} / db {y!r}")
    return "; ".join(parts)
