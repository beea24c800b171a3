"""Structural rules: keys that cannot work or that PostgreSQL would reject."""

from __future__ import annotations

from collections.abc import Iterator

from schemadoc import model as m
from schemadoc.errors import Severity
from schemadoc.lint import Finding, rule
from schemadoc.parse import LoadedDocument
from schemadoc.types import base_type


def _targets(doc: LoadedDocument) -> Iterator[tuple[m.Table, m.ForeignKey, m.Table]]:
    tables = {t.key: t for t in doc.schema.tables}
    for t in doc.schema.tables:
        for fk in t.foreign_keys:
            target = tables.get(fk.ref_key)
            if target is not None and len(fk.columns) == len(fk.ref_columns):
                yield t, fk, target


@rule(
    "SD370",
    "foreign-key-type-mismatch",
    Severity.WARNING,
    "structure",
    """
    A foreign key whose columns have a different type from the key they reference either fails to
    create (uuid against text) or compares through a cast on every check and join (integer against
    bigint), and lets values in that the parent could never hold. Give both sides the same type.""",
)
def foreign_key_type_mismatch(doc: LoadedDocument) -> Iterator[Finding]:
    incomparable = {d.span for d in doc.diagnostics if d.code == "SD113"}  # already an error: said once
    for t, fk, target in _targets(doc):
        if fk.span in incomparable:
            continue
        for col, ref in zip(fk.columns, fk.ref_columns, strict=True):
            mine, theirs = t.column(col), target.column(ref)
            if mine is None or theirs is None:
                continue
            if base_type(mine.type) != base_type(theirs.type) or (
                mine.type != theirs.type and base_type(mine.type) not in ("character varying", "numeric")
            ):
                yield Finding(
                    f'foreign key "{fk.name}": "{t.name}.{col}" is {mine.type} but references '
                    f'"{target.name}.{ref}", which is {theirs.type}',
                    fk.span,
                    help=f"declare {col} as {theirs.type}",
                )


@rule(
    "SD371",
    "foreign-key-target-not-unique",
    Severity.ERROR,
    "structure",
    """
    A foreign key must reference columns with a PRIMARY KEY or UNIQUE constraint (or a unique index
    without a predicate); otherwise PostgreSQL refuses to create it: "there is no unique constraint
    matching given keys for referenced table".""",
)
def foreign_key_target_not_unique(doc: LoadedDocument) -> Iterator[Finding]:
    for _, fk, target in _targets(doc):
        wanted = set(fk.ref_columns)
        keys = [set(target.primary_key.columns)] if target.primary_key else []
        keys += [set(u.columns) for u in target.uniques]
        keys += [
            set(ix.keys) for ix in doc.schema.indexes if ix.table_key == target.key and ix.unique and ix.where is None
        ]
        if wanted not in keys:
            yield Finding(
                f'foreign key "{fk.name}" references "{target.name}" ({", ".join(fk.ref_columns)}), '
                "which is not a primary key or unique",
                fk.span,
                help=f'add UNIQUE ({", ".join(fk.ref_columns)}) to "{target.name}", or reference its key',
            )


@rule(
    "SD372",
    "table-without-primary-key",
    Severity.WARNING,
    "structure",
    """
    A table without a primary key cannot have its rows addressed one by one: duplicates creep in,
    logical replication cannot UPDATE or DELETE it without REPLICA IDENTITY FULL, and ORMs and
    REST layers need a key to update a row.""",
)
def table_without_primary_key(doc: LoadedDocument) -> Iterator[Finding]:
    for t in doc.schema.tables:
        if t.primary_key is None and t.partition_of is None:
            yield Finding(
                f'table "{t.name}" has no primary key',
                t.span,
                help=f"add id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY to {t.name}",
            )
