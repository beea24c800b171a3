"""What a DROP takes with it, as the operations that make it again, for the drop's reverse: a table's
partitions, indexes, triggers, policies, row level security, grants and comments; a view's indexes, triggers,
grants and comment; a column's comment; an index's, a type's, a function's or a schema's comment. The diff
itself plans none of these (they go with what is dropped); the down plan, the up plan undone, needs them."""

from __future__ import annotations

from schemadoc import model as m
from schemadoc.migrate.diff.state import Planner
from schemadoc.migrate.ops import (
    CreateIndex,
    CreateOnTable,
    CreateTable,
    Grant,
    Operation,
    RowSecurity,
    SetComment,
)


def comments(p: Planner, *names: str) -> tuple[Operation, ...]:
    """The comments the database holds on the objects so named (COMMENT ON INDEX, FUNCTION, TYPE, …)."""
    return tuple(
        SetComment(c, f"comment on {c.object_kind.lower()} {c.object_name}")
        for c in p.cur.comments
        if c.object_name in names and c.text is not None
    )


def _on(p: Planner, relation: str) -> list[Operation]:
    """What hangs on a table or view: indexes (with their comments), triggers, policies, grants."""
    out: list[Operation] = []
    for ix in p.cur.indexes:
        if ix.table_key == relation:
            out += [CreateIndex(ix), *comments(p, ix.key)]
    out += [CreateOnTable(t) for t in p.cur.triggers if t.table_key == relation]
    out += [CreateOnTable(x) for x in p.cur.policies if x.table_key == relation]
    out += [Grant(g) for g in p.cur.grants if g.object_name == relation]
    return out


def table(p: Planner, t: m.Table) -> tuple[Operation, ...]:
    out: list[Operation] = []
    for child in p.cur.tables:
        if child.partition_of == t.key:
            out += [CreateTable(child), *table(p, child)]
    out += _on(p, t.key)
    if t.rls_enabled:
        out.append(RowSecurity(t.key, True, fresh=True))
    if t.rls_forced:
        out.append(RowSecurity(t.key, True, forced=True, fresh=True))
    if t.comment is not None:
        out.append(SetComment(m.Comment("TABLE", t.key, t.comment), f"comment on {t.key}"))
    for c in t.columns:
        out += column(t, c)
    return tuple(out)


def column(t: m.Table, c: m.Column) -> tuple[Operation, ...]:
    if c.comment is None or c.inherited:
        return ()
    return (SetComment(m.Comment("COLUMN", t.key, c.comment), f"comment on {t.key}.{c.name}", column=c.name),)


def view(p: Planner, v: m.View) -> tuple[Operation, ...]:
    return (*_on(p, v.key), *comments(p, v.key))
