"""Triggers, row level security, policies, grants and comments; what is left over at the end."""

from __future__ import annotations

from dataclasses import replace

from schemadoc import model as m
from schemadoc.migrate.compare import by_key
from schemadoc.migrate.diff.state import Planner
from schemadoc.migrate.ops import Attached, CreateOnTable, DropFromTable, Grant, SetComment


def triggers_policies(p: Planner) -> None:
    rebuilt = p.recreated_views | p.rebuilt_tables
    gone = p.dropped_tables | p.dropped_views
    triggers: tuple[dict[str, Attached], dict[str, Attached]] = (
        dict(by_key(p.cur.triggers)),
        dict(by_key(p.tgt.triggers)),
    )
    policies: tuple[dict[str, Attached], dict[str, Attached]] = (
        dict(by_key(p.cur.policies)),
        dict(by_key(p.tgt.policies)),
    )
    for cur, tgt in (triggers, policies):
        for k in sorted(cur.keys()):
            o = cur[k]
            if o.table_key in gone or o.table_key in rebuilt:
                continue
            refunction = isinstance(o, m.Trigger) and o.function in p.dropped_functions
            if tgt.get(k) != o or refunction:
                p.add(DropFromTable(o))
        for k in sorted(tgt.keys()):
            n = tgt[k]
            refunction = isinstance(n, m.Trigger) and n.function in p.dropped_functions
            if cur.get(k) != n or n.table_key in rebuilt or refunction:
                p.add(CreateOnTable(n, span=n.span))


def grants_comments(p: Planner) -> None:
    gone = p.dropped_tables | p.dropped_views
    rebuilt = p.recreated_views | p.rebuilt_tables
    cur, tgt = by_key(p.cur.grants), by_key(p.tgt.grants)
    for k in sorted(cur.keys() | tgt.keys()):
        o, n = cur.get(k), tgt.get(k)
        g = n or o
        assert g is not None
        if g.object_name in gone and n is None:
            continue
        have = set(o.privileges) if o and g.object_name not in rebuilt else set()
        want = set(n.privileges) if n else set()
        if want - have:
            grant = replace(g, privileges=tuple(sorted(want - have)))
            p.add(Grant(grant, span=n.span if n else None))
        if have - want:
            revoke = replace(g, privileges=tuple(sorted(have - want)))
            p.add(Grant(revoke, revoke=True))
    cur_c, tgt_c = by_key(p.cur.comments), by_key(p.tgt.comments)
    dropped_fns = {f"{f.schema}.{f.name}" for f in p.cur.functions} & p.dropped_functions
    dropped_objects = objects_dropped(p)
    for k in sorted(cur_c.keys() | tgt_c.keys()):
        o, n = cur_c.get(k), tgt_c.get(k)
        c = n or o
        assert c is not None
        target_name = c.object_name.partition("(")[0]
        recreated = target_name in rebuilt or target_name in dropped_fns or c.object_name in p.created_indexes
        if n is None and (target_name in gone or target_name in p.dropped_views or target_name in dropped_fns):
            continue
        if n is None and o is not None and o.object_name in dropped_objects:
            continue
        if (o.text if o and not recreated else None) != (n.text if n else None):
            before = o.text if o and not recreated else None
            label = f"comment on {c.object_kind.lower()} {c.object_name}"
            p.add(SetComment(replace(c, text=n.text if n else None), label, before, span=n.span if n else None))


def objects_dropped(p: Planner) -> set[str]:
    cur_keys = {i.key for i in p.cur.indexes} | {s.key for s in p.cur.sequences}
    cur_keys |= {t.key for t in p.cur.enums} | {d.key for d in p.cur.domains} | {c.key for c in p.cur.composites}
    tgt_keys = {i.key for i in p.tgt.indexes} | {s.key for s in p.tgt.sequences}
    tgt_keys |= {t.key for t in p.tgt.enums} | {d.key for d in p.tgt.domains} | {c.key for c in p.tgt.composites}
    fn = {f.key for f in p.cur.functions} - {f.key for f in p.tgt.functions}
    return (cur_keys - tgt_keys) | fn | set(p.cur.schemas) - set(p.tgt.schemas)


def drop_leftovers(p: Planner) -> None:
    """Roles belong to the cluster: never dropped, but said."""
    tgt_roles = {r.key for r in p.tgt.roles}
    for r in p.cur.roles:
        if r.key not in tgt_roles:
            p.notice(f"role {r.name} is no longer in the document; roles belong to the cluster, so it is kept")
