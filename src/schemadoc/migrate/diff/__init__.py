"""The operations that turn one schema into another, in an order PostgreSQL accepts, safe forms first.

Both schemas come from the same server's catalog (the live database, and the document applied to a
scratch database), so every expression is spelled by PostgreSQL on both sides and compared as text.
Safe forms (expand/contract): indexes on existing tables are built CONCURRENTLY; CHECKs and foreign
keys are added NOT VALID and validated separately; NOT NULL goes through a validated CHECK; unique
and primary keys are built as indexes CONCURRENTLY and attached.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from schemadoc import model as m
from schemadoc.migrate.diff import indexes, security, tables, typedefs, views
from schemadoc.migrate.diff import renames as renames_
from schemadoc.migrate.diff.state import Diff, Planner, Renames
from schemadoc.migrate.diff.typechange import TypeChange, type_change
from schemadoc.migrate.ops import REWRITE_ADVICE, Operation
from schemadoc.migrate.order import names_in, ordered

__all__ = ["REWRITE_ADVICE", "Diff", "Renames", "TypeChange", "diff", "type_change"]


def diff(
    current: m.Schema,
    target: m.Schema,
    renames: Renames | None = None,
    support: Callable[[], Sequence[Operation]] | None = None,
    online: bool = True,
    update_paths: frozenset[tuple[str, str, str]] | None = None,
    clones: m.Schema | None = None,
    target_clones: m.Schema | None = None,
) -> Diff:
    """The operations that make `current` into `target`, ordered, with what a reviewer must know.

    `online` (the default) uses the forms that keep a live table readable and writable: CONCURRENTLY
    index builds outside a transaction. Without it, everything runs in one transaction.
    `update_paths`: the extension versions the server can update between (`pg_extension_update_paths`).
    `clones`: what the current database's partitions hold from their parents (`introspect.partition_clones`),
    which a partition detached keeps as its own; `target_clones`, what `target`'s partitions hold from theirs (read
    from the shadow database): what attaching a partition clones into it, which its undoing drops again.
    """
    p = Planner(current, target, renames or Renames(), support or (lambda: []), online, update_paths, clones,
                target_clones)  # fmt: skip
    renames_.apply_declared(p)
    typedefs.prepare(p)
    typedefs.enums(p)
    typedefs.composites_domains_sequences(p)
    typedefs.functions(p)
    tables.plan(p)
    views.to_rebuild(p)
    indexes.plan(p)
    views.plan(p)
    security.triggers_policies(p)
    security.grants_comments(p)
    security.drop_leftovers(p)
    cycles: list[Operation] = []
    parents: dict[str, set[str]] = {}
    for t in (*current.tables, *target.tables):
        if t.inherits:
            parents.setdefault(t.key, set()).update(t.inherits)
    p.out.ops = ordered(p.out.ops, lambda: names_in(current), cycles, parents)
    for op in cycles:
        p.notice(
            f"the order of this plan's steps could not follow every dependency: `{op.what}` was put first "
            "in a cycle of them; check the order before applying it, and report it as a schemadoc bug",
            op.span,
        )
    return p.out
