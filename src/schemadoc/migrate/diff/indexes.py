"""Indexes: built CONCURRENTLY on live tables, rebuilt when their definition changes."""

from __future__ import annotations

from dataclasses import replace

from schemadoc.migrate.compare import by_key
from schemadoc.migrate.diff import remake
from schemadoc.migrate.diff.state import Planner
from schemadoc.migrate.ops import INDEXES, CreateIndex, DropIndex, RenameIndex


def plan(p: Planner) -> None:
    cur, tgt = by_key(p.cur.indexes), by_key(p.tgt.indexes)
    dropped_relations = p.dropped_tables
    views_rebuilt = p.recreated_views
    cur_tables, cur_views, tgt_tables = by_key(p.cur.tables), by_key(p.cur.views), by_key(p.tgt.tables)
    renamed: dict[str, str] = {}
    gone = [cur[k] for k in sorted(cur.keys() - tgt.keys())]
    for n in (tgt[k] for k in sorted(tgt.keys() - cur.keys())):
        for o in gone:
            if o.key not in renamed and replace(o, name=n.name) == n and o.table_key not in dropped_relations:
                renamed[o.key] = n.key
                p.add(RenameIndex(o, n.name, span=n.span))
                break
    for k in sorted(cur.keys()):
        o = cur[k]
        if k in renamed or o.table_key in dropped_relations | views_rebuilt | p.dropped_views:
            continue  # goes with its table or view
        if tgt.get(k) != o:
            parent = cur_tables.get(o.table_key)
            # no CONCURRENTLY for a partitioned table's index
            p.add(
                DropIndex(o, concurrently=parent is None or not parent.partition_by, remake=remake.comments(p, o.key))
            )
    for k in sorted(tgt.keys()):
        n = tgt[k]
        if k in renamed.values():
            continue
        if cur.get(k) == n and n.table_key not in views_rebuilt | p.rebuilt_tables:
            continue
        p.created_indexes.add(k)
        on_new = (
            n.table_key in p.new_tables
            or n.table_key in views_rebuilt
            or n.table_key not in cur_tables
            and n.table_key not in cur_views
        )
        table = tgt_tables.get(n.table_key)
        if on_new:
            p.add(CreateIndex(n, phase=INDEXES, span=n.span))
        elif table is not None and table.partition_by:
            note = (
                "PostgreSQL cannot build an index on a partitioned table CONCURRENTLY; for big partitions create "
                "it ON ONLY the parent, build each partition's CONCURRENTLY, then ATTACH PARTITION each"
            )
            p.add(CreateIndex(n, scans=True, span=n.span, note=note))
        else:
            p.add(CreateIndex(n, concurrently=True, scans=True, span=n.span))
