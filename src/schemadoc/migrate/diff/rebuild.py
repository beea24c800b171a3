"""A table PostgreSQL cannot alter into its new shape (plain ↔ partitioned, another partition key), rebuilt
with its rows: set aside under another name, made anew, its rows moved in, the old one dropped, all in the
plan's one transaction.

What would clash with the new table's names goes first: the old table's indexes, key constraints and
identity or serial sequences. Foreign keys that reference it are dropped and added back by the diff
(`Planner.rekeyed`); its views, triggers, policies, grants and comments are made again on the new table
(`Planner.rebuilt_tables`). Rows a partitioned table has no partition for make the INSERT fail, and with it
the whole migration, so nothing is half done.
"""

from __future__ import annotations

import re
from dataclasses import replace

from psycopg import sql

from schemadoc import model as m
from schemadoc.migrate.diff.columns import modelled_sequence
from schemadoc.migrate.diff.state import Planner, owned_sequence, table_ref
from schemadoc.migrate.ops import (
    DETACH,
    MOVE,
    AlterIdentity,
    AlterSequence,
    DropConstraint,
    DropIndex,
    DropOwnedSequence,
    DropSetAside,
    MoveRows,
    RenameTable,
    SetDefault,
    StartSequencePast,
    count_rows,
)
from schemadoc.names import make_object_name, quote_ident
from schemadoc.sql.emit import serial_type


def rebuilt(cur: dict[str, m.Table], tgt: dict[str, m.Table]) -> set[str]:
    """The tables in both schemas whose partitioning changes in a way no ALTER makes: a plain table becoming
    partitioned, a partitioned one plain, another partition key; or a partition moving to a parent that is
    not yet there to attach to."""
    out = set()
    for k in cur.keys() & tgt.keys():
        o, n = cur[k], tgt[k]
        if (o.partition_by, o.partition_of, o.partition_bound) == (n.partition_by, n.partition_of, n.partition_bound):
            continue
        plain = not o.partition_by and not n.partition_by
        if plain and o.partition_of in cur and n.partition_of is None:
            continue  # DETACH PARTITION
        if plain and n.partition_of in cur and n.partition_of in tgt and not cur[n.partition_of].partition_of:
            continue  # ATTACH PARTITION (after a DETACH from another parent)
        out.add(k)
    return out


def holding_name(t: m.Table) -> str:
    return make_object_name(t.name, None, "schemadoc_old")


def set_aside(p: Planner, old: m.Table, new: m.Table) -> None:
    """The old table renamed out of the way, less what would clash with the names the new one takes."""
    k = old.key
    aside = _holding_ref(old)
    step = DETACH
    p.add(RenameTable(k, holding_name(old), f"set {k} aside as {holding_name(old)}, to move its rows into the rebuilt table",
                      step, span=new.span))  # fmt: skip
    for ix in p.cur.indexes:
        if ix.table_key == k:
            p.add(DropIndex(ix, phase=step, label=f"drop index {ix.name} of the set-aside {k}"))
    keys: list[m.PrimaryKey | m.Unique | m.Exclusion] = [old.primary_key] if old.primary_key else []
    for kc in [*keys, *old.uniques, *old.exclusions]:
        p.add(DropConstraint(k, kc.name, f"drop constraint {kc.name} of the set-aside {k}", step, relation=aside,
                             constraint=kc))  # fmt: skip
    for c in old.columns:
        if c.identity:  # its sequence has the name the new table's identity takes
            p.add(AlterIdentity(k, c.name, None, c.identity, f"drop identity of the set-aside {k}.{c.name}", step,
                                relation=aside))  # fmt: skip
        sequence = _serial_sequence(p, old, c)
        if sequence is not None and _renders_serial(new, sequence):  # CREATE TABLE makes it again
            p.add(SetDefault(k, c.name, None, c.default, f"drop default of the set-aside {k}.{c.name}", phase=step,
                             relation=aside))  # fmt: skip
            p.add(DropOwnedSequence(sequence, k, f"drop sequence {sequence} of the set-aside {k}", phase=step,
                                    relation=f"{old.schema}.{holding_name(old)}"))  # fmt: skip


def move_rows(p: Planner, old: m.Table, new: m.Table) -> None:
    """The rows of the set-aside table into the new one (after it and its partitions are made, before its
    indexes), its sequences moved on past them, then the old table dropped."""
    k, aside = new.key, replace(old, name=holding_name(old))
    kept = {c.name for c in old.columns}
    moved = tuple(c.name for c in new.columns if c.name in kept and c.generated is None)
    lost = tuple(c.name for c in old.columns if c.name not in {n.name for n in new.columns})
    overriding = any(c.identity == "always" for c in new.columns)
    unplaced = _unplaced_rows(p, old, new)
    if unplaced is not None:
        p.notice(f"{k} becomes partitioned: the migration fails while it holds rows no partition takes", new.span,
                 blocker=unplaced)  # fmt: skip
    if moved:
        p.add(MoveRows(k, aside, moved, overriding, span=new.span))
    for c in new.columns:
        sequence = owned_sequence(c.default)
        if c.name in moved and (c.identity or sequence is not None and _renders_serial(new, sequence)):
            p.add(StartSequencePast(k, c.name, None, f"move {k}.{c.name}'s sequence past the rows moved in",
                                    MOVE, span=c.span))  # fmt: skip
        elif sequence is not None and sequence == _old_sequence(p, old, c.name):  # the same sequence, kept
            p.add(AlterSequence(sequence, f"make {sequence} {k}.{c.name}'s", owner=(k, c.name), phase=MOVE,
                                span=c.span, table=k))  # fmt: skip
    p.add(DropSetAside(k, aside, lost))


_RANGE = re.compile(r"^FOR VALUES FROM \((.+)\) TO \((.+)\)$", re.S)
_LIST = re.compile(r"^FOR VALUES IN \((.+)\)$", re.S)


def _unplaced_rows(p: Planner, old: m.Table, new: m.Table) -> sql.Composed | None:
    """SQL counting the rows of `old` that no partition of the new `new` takes (a DEFAULT one takes all),
    for a RANGE or LIST key on one column; None when every row has a place or it cannot be told here."""
    if not new.partition_by:
        return None
    key = re.fullmatch(r"(RANGE|LIST) \((\"?[\w$]+\"?)\)", new.partition_by.strip(), re.I)
    bounds = [t.partition_bound or "" for t in p.tgt.tables if t.partition_of == new.key]
    if key is None or any(b.strip().upper() == "DEFAULT" for b in bounds):
        return None
    column = key.group(2) if key.group(2).startswith('"') else quote_ident(key.group(2))
    if old.column(column.strip('"')) is None:
        return None
    places = []
    for bound in bounds:
        ranged, listed = _RANGE.match(bound.strip()), _LIST.match(bound.strip())
        if ranged and key.group(1).upper() == "RANGE" and "," not in ranged.group(1) + ranged.group(2):
            low, high = ranged.group(1).strip(), ranged.group(2).strip()
            parts = [f"{column} >= {low}" if low.upper() != "MINVALUE" else "",
                     f"{column} < {high}" if high.upper() != "MAXVALUE" else ""]  # fmt: skip
            places.append(" AND ".join(x for x in parts if x) or "true")
        elif listed and key.group(1).upper() == "LIST":
            values = [v.strip() for v in listed.group(1).split(",")]
            places.append(f"{column} IN ({listed.group(1)})" + (f" OR {column} IS NULL" if "NULL" in values else ""))
        else:
            return None  # a bound this cannot read: PostgreSQL tells, and the migration changes nothing
    where = " OR ".join(f"({x})" for x in places) or "false"
    return count_rows(old.key, sql.SQL("({}) IS NOT TRUE").format(sql.SQL(where)))  # (bounds as PostgreSQL prints them)


def _holding_ref(t: m.Table) -> str:
    return table_ref(f"{t.schema}.{holding_name(t)}")


def _serial_sequence(p: Planner, t: m.Table, c: m.Column) -> str | None:
    """The sequence a serial column of `t` owns (not one the document declares), as its default names it."""
    name = owned_sequence(c.default)
    return None if name is None or modelled_sequence(p, name) else name


def _old_sequence(p: Planner, old: m.Table, column: str) -> str | None:
    c = old.column(column)
    return _serial_sequence(p, old, c) if c is not None else None


def _renders_serial(t: m.Table, sequence: str) -> bool:
    """Whether CREATE TABLE writes the column drawing on `sequence` as serial, which makes the sequence."""
    return any(owned_sequence(c.default) == sequence and serial_type(t, c) for c in t.columns)
