"""Rules about indexes: duplicates, indexes a key already provides, foreign keys nothing indexes."""

from __future__ import annotations

from collections.abc import Iterator

from schemadoc import model as m
from schemadoc.errors import Severity
from schemadoc.lint import Finding, rule
from schemadoc.parse import LoadedDocument


def _plain(ix: m.Index) -> bool:
    return ix.method == "btree" and ix.where is None and not ix.include


@rule(
    "SD310",
    "duplicate-index",
    Severity.WARNING,
    "indexes",
    """
    Two indexes with the same method, keys and predicate are the same index twice: every write
    maintains both, and the planner uses one. Keep one name.""",
)
def duplicate_index(doc: LoadedDocument) -> Iterator[Finding]:
    seen: dict[tuple[object, ...], m.Index] = {}
    for ix in sorted(doc.schema.indexes, key=lambda i: (i.span.line if i.span else 0, i.name)):
        key = (ix.table_key, ix.unique, ix.method, ix.keys, ix.where, ix.include)
        first = seen.get(key)
        if first is None:
            seen[key] = ix
            continue
        yield Finding(
            f'index "{ix.name}" duplicates "{first.name}" on "{ix.table}" ({", ".join(ix.keys)})',
            ix.span,
            help=f'drop one of them; "{first.name}" is defined at {first.span}',
        )


@rule(
    "SD311",
    "index-covered-by-key",
    Severity.WARNING,
    "indexes",
    """
    A PRIMARY KEY or UNIQUE constraint is enforced by a unique B-tree index on its columns. A plain
    index on the same columns (or on a leading prefix of them) adds write cost and serves no query
    the key's index does not.""",
)
def index_covered_by_key(doc: LoadedDocument) -> Iterator[Finding]:
    for t in doc.schema.tables:
        keys = ([(t.primary_key.name, t.primary_key.columns)] if t.primary_key else []) + [
            (u.name, u.columns) for u in t.uniques
        ]
        keys += [(ix.name, ix.keys) for ix in doc.schema.indexes if ix.table_key == t.key and ix.unique and _plain(ix)]
        for ix in doc.schema.indexes:
            if ix.table_key != t.key or ix.unique or not _plain(ix):
                continue
            for name, cols in keys:
                if len(ix.keys) <= len(cols) and tuple(cols[: len(ix.keys)]) == ix.keys:
                    yield Finding(
                        f'index "{ix.name}" on "{t.name}" ({", ".join(ix.keys)}) is already provided by '
                        f'the index of "{name}" ({", ".join(cols)})',
                        ix.span,
                        help=f'remove "{ix.name}"',
                    )
                    break


@rule(
    "SD312",
    "index-prefix-of-another",
    Severity.INFO,
    "indexes",
    """
    A B-tree index on (a) is redundant next to one on (a, b): the second serves every query on a
    alone. Keep the longer one unless the shorter is much smaller and hot.""",
)
def index_prefix(doc: LoadedDocument) -> Iterator[Finding]:
    plain = [ix for ix in doc.schema.indexes if _plain(ix) and not ix.unique]
    for ix in plain:
        for other in plain:
            if (
                other is not ix
                and other.table_key == ix.table_key
                and len(other.keys) > len(ix.keys)
                and other.keys[: len(ix.keys)] == ix.keys
            ):
                yield Finding(
                    f'index "{ix.name}" ({", ".join(ix.keys)}) is a leading prefix of "{other.name}" '
                    f"({', '.join(other.keys)})",
                    ix.span,
                    help=f'"{other.name}" serves the same lookups',
                )
                break


@rule(
    "SD313",
    "foreign-key-without-index",
    Severity.WARNING,
    "indexes",
    """
    PostgreSQL indexes the referenced side of a foreign key (it must be a key) but not the referencing
    columns. Without an index there, every DELETE or key UPDATE on the parent scans the child table,
    and joins from parent to children scan it too. Prisma does not create these indexes on PostgreSQL
    either. Index the foreign-key columns (as a leading prefix of some index).""",
)
def foreign_key_without_index(doc: LoadedDocument) -> Iterator[Finding]:
    for t, fk in doc.schema.unindexed_foreign_keys():
        yield Finding(
            f'foreign key "{fk.name}" on "{t.name}" ({", ".join(fk.columns)}) has no index',
            fk.span,
            help=f"CREATE INDEX ON {t.name} ({', '.join(fk.columns)});",
        )
