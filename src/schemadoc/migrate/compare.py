"""Compare a document's schema with a database's, object by object.

Both sides come to it made comparable by `migrate/normalize.py` (expressions spelled alike, what
a platform owns left out); here they are compared object by object, each difference with the doc's
position.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from schemadoc import model as m
from schemadoc.errors import Span


def by_key(items: tuple[Any, ...]) -> dict[str, Any]:
    return {i.key: i for i in items}


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
        mine, theirs = by_key(getattr(doc, f.name)), by_key(getattr(db, f.name))
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
