"""The planner's state (the two schemas, the operations so far) and the small helpers every kind uses."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from psycopg import sql

from schemadoc import model as m
from schemadoc.migrate.ops import Notice, Operation, relation_ref
from schemadoc.names import quote_ident


@dataclass(frozen=True, slots=True)
class Renames:
    """Renames the document declares (`<!-- schemadoc: renamed-from=old -->`) or a person confirmed."""

    tables: dict[str, str] = field(default_factory=dict)  # old qualified name -> new qualified name
    columns: dict[tuple[str, str], str] = field(default_factory=dict)  # (new table key, old column) -> new
    enum_values: dict[tuple[str, str], str] = field(default_factory=dict)  # (enum key, old value) -> new


@dataclass(slots=True)
class Diff:
    ops: list[Operation] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)


def split_key(key: str) -> tuple[str, str]:
    schema, _, name = key.partition(".")
    return schema, name


_NEXTVAL = re.compile(r"^nextval\('((?:[^']|'')+)'(?:::regclass)?\)$")


def owned_sequence(default: str | None) -> str | None:
    """The sequence a `nextval('name'::regclass)` default draws from, as written there; else None."""
    found = _NEXTVAL.match(default.strip()) if default else None
    return found.group(1).replace("''", "'") if found else None


def sequence_type(column_type: str) -> str:
    """The type of the sequence a serial column of this type draws from: smallint, integer, else bigint."""
    return column_type if column_type in ("smallint", "integer") else "bigint"


table_ref = relation_ref  # "schema.table" as SQL: the one rendering, shared with the typed operations


KIND_NAMES = {"p": "primary key", "u": "unique constraint", "c": "check", "f": "foreign key", "x": "exclusion"}


def constraints_of(t: m.Table) -> dict[str, tuple[str, Any]]:
    out: dict[str, tuple[str, Any]] = {}
    if t.primary_key:
        out[t.primary_key.name] = ("p", t.primary_key)
    for u in t.uniques:
        out[u.name] = ("u", u)
    for c in t.checks:
        out[c.name] = ("c", c)
    for f in t.foreign_keys:
        out[f.name] = ("f", f)
    for x in t.exclusions:
        out[x.name] = ("x", x)
    return out


def column_list(names: tuple[str, ...]) -> str:
    return ", ".join(quote_ident(c) for c in names)


_VOLATILE_CALL = re.compile(
    r"\b(random|gen_random_uuid|uuid_generate_v[14]|clock_timestamp|timeofday|nextval|cuid|txid_current)\s*\(", re.I
)


def is_volatile(default: str | None) -> bool:
    """A default PostgreSQL must compute per row (a rewrite); now() and constants are stored once (11+)."""
    return bool(default and _VOLATILE_CALL.search(default))


class Planner:
    """One diff in the making: the schemas compared, the operations and notices so far."""

    def __init__(
        self,
        current: m.Schema,
        target: m.Schema,
        renames: Renames,
        support: Callable[[], Sequence[Operation]],
        online: bool,
        update_paths: frozenset[tuple[str, str, str]] | None = None,
        clones: m.Schema | None = None,
        target_clones: m.Schema | None = None,
    ):
        self.online = online
        # (extension, from, to) the server can ALTER EXTENSION … UPDATE along; None: not known, assumed
        self.update_paths = update_paths
        self.clones = clones or m.Schema()  # the partitions' keys and indexes cloned from their parents
        self.target_clones = target_clones  # the same, of the target (None: not known)
        self.cur = current
        self.tgt = target
        self._children: tuple[m.Schema, dict[str, list[m.Table]]] | None = None
        self.renames = renames
        self.out = Diff()
        self.support = support
        self.new_tables: set[str] = set()
        self.dropped_tables: set[str] = set()
        self.changed_columns: set[str] = set()  # "schema.table" whose columns change type, name or existence
        self.recreated_views: set[str] = set()
        self.rebuilt_tables: set[str] = set()  # made anew with their rows (migrate/diff/rebuild.py)
        self.dropped_views: set[str] = set()
        self.dropped_functions: set[str] = set()
        self.created_indexes: set[str] = set()
        self.rekeyed: set[tuple[str, str]] = set()  # (table, foreign key) rebuilt around a type change

    @property
    def children(self) -> dict[str, list[m.Table]]:
        """Each INHERITS parent of the current schema (as renamed so far) with its children, by key."""
        if self._children is None or self._children[0] is not self.cur:
            found: dict[str, list[m.Table]] = {}
            for t in sorted(self.cur.tables, key=lambda t: t.key):
                for parent in t.inherits:
                    found.setdefault(parent, []).append(t)
            self._children = (self.cur, found)
        return self._children[1]

    def add(self, op: Operation) -> None:
        if not self.online and not op.transactional:
            op = op.in_transaction()  # one transaction for everything: plain forms, which lock writers out
        self.out.ops.append(op)

    def notice(
        self, message: str, span: Any = None, blocker: sql.Composed | None = None, rename: tuple[str, ...] = ()
    ) -> None:
        self.out.notices.append(Notice(message, span, blocker, rename))
