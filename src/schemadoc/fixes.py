"""Safe fixes for errors in a document's schema, applied to the model by `up --fix`."""

from __future__ import annotations

from dataclasses import replace

from schemadoc import model as m
from schemadoc.errors import Diagnostic, Severity


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


_FIXERS = {"partition-parent": lambda s, data: _partition_parent(s, data["table"], data["column"])}


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
