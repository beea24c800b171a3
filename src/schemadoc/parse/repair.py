"""Safe fixes for errors in a document's schema, applied to the model by `up --fix`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from schemadoc import model as m
from schemadoc.errors import Diagnostic, Fix, Severity


def _partition_parent(schema: m.Schema, table_key: str, column: str) -> m.Schema:
    """PARTITION BY RANGE (column) on the parent; its primary and unique keys widened to include it."""
    tables = []
    for t in schema.tables:
        if t.key == table_key:
            pk = t.primary_key
            if pk is not None and column not in pk.columns:
                pk = replace(pk, columns=(*pk.columns, column))
            uniques = tuple(u if column in u.columns else replace(u, columns=(*u.columns, column)) for u in t.uniques)
            cols = tuple(replace(c, not_null=True) if c.name == column else c for c in t.columns)
            t = replace(t, partition_by=f"RANGE ({column})", primary_key=pk, uniques=uniques, columns=cols)
        tables.append(t)
    return schema.with_(tables=tuple(tables))


def _leave_out(schema: m.Schema, kind: str, key: str, table: str = "") -> m.Schema:
    """The schema without one object the rest cannot stand on (a foreign key to a table the doc does not
    define, an index on one, a trigger on one or executing an undefined function)."""
    if kind == "foreign-key":
        return schema.with_(
            tables=tuple(
                replace(t, foreign_keys=tuple(fk for fk in t.foreign_keys if fk.name != key)) if t.key == table else t
                for t in schema.tables
            )
        )
    field = {"index": "indexes", "trigger": "triggers", "policy": "policies"}[kind]
    return schema.with_(**{field: tuple(o for o in getattr(schema, field) if o.key != key)})


_FIXERS: dict[str, Callable[[m.Schema, dict[str, str]], m.Schema]] = {
    "partition-parent": lambda s, data: _partition_parent(s, data["table"], data["column"]),
    "leave-out": lambda s, data: _leave_out(s, data["kind"], data["key"], data.get("table", "")),
    "left-out": lambda s, _data: s,  # a statement the reader could not read, so never part of the schema
}


def leave_out(kind: str, key: str, what: str, table: str = "") -> Fix:
    """The best-effort fix of an object that cannot be applied: `up --fix` leaves it out."""
    from schemadoc.errors import Fix

    return Fix(f"left out {what}", "leave-out", (("kind", kind), ("key", key), ("table", table)))


def apply_fixes(schema: m.Schema, diagnostics: list[Diagnostic]) -> tuple[m.Schema, list[Diagnostic], list[Diagnostic]]:
    """(fixed schema, diagnostics still standing, diagnostics fixed)."""
    remaining, fixed = [], []
    for d in diagnostics:
        if d.fix is not None and d.fix.key in _FIXERS:
            schema = _FIXERS[d.fix.key](schema, dict(d.fix.data))
            fixed.append(d)
        else:
            remaining.append(d)
    return schema, remaining, fixed


def errors(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    return [d for d in diagnostics if d.severity == Severity.ERROR]
