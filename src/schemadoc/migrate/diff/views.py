"""Views and materialized views: rebuilt around what they depend on."""

from __future__ import annotations

from schemadoc.graph import topological
from schemadoc.migrate.compare import by_key
from schemadoc.migrate.diff import remake
from schemadoc.migrate.diff.state import Planner
from schemadoc.migrate.ops import DETACH, VIEWS, CreateObject, DropObject
from schemadoc.migrate.ops.objects import kind_of


def to_rebuild(p: Planner) -> None:
    """Views that go, and views rebuilt: changed, over changed columns or dropped tables, or over those."""
    cur, tgt = by_key(p.cur.views), by_key(p.tgt.views)
    changed_relations = set(p.changed_columns) | p.dropped_tables
    rebuild = {k for k in cur.keys() & tgt.keys() if cur[k] != tgt[k]}
    rebuild |= {k for k in cur.keys() & tgt.keys() if set(cur[k].depends_on) & changed_relations}
    dropped = set(cur.keys() - tgt.keys())
    # views built on views that go or are rebuilt are rebuilt too
    grew = True
    while grew:
        grew = False
        for k in cur.keys() & tgt.keys():
            if k not in rebuild and set(cur[k].depends_on) & (rebuild | dropped):
                rebuild.add(k)
                grew = True
    p.recreated_views, p.dropped_views = rebuild, dropped


def plan(p: Planner) -> None:
    cur, tgt = by_key(p.cur.views), by_key(p.tgt.views)
    rebuild = p.recreated_views
    going = rebuild | p.dropped_views
    deps = {k: {d for d in cur[k].depends_on if d in going} for k in going}
    for k in reversed(topological(deps)):  # dependants first
        label = f"drop {kind_of(cur[k])} {k} to recreate it" if k in rebuild else ""
        p.add(DropObject(cur[k], DETACH, label, remake=remake.view(p, cur[k])))
    coming = rebuild | (tgt.keys() - cur.keys())
    deps = {k: {d for d in tgt[k].depends_on if d in coming} for k in coming}
    for k in topological(deps):
        p.add(CreateObject(tgt[k], VIEWS, span=tgt[k].span))
