"""Tables created, dropped and altered; their comments."""

from __future__ import annotations

from dataclasses import replace

from schemadoc import model as m
from schemadoc.migrate.compare import by_key
from schemadoc.migrate.diff import columns, constraints, rebuild, remake, renames
from schemadoc.migrate.diff.renames import same_definition_renames
from schemadoc.migrate.diff.state import KIND_NAMES, Planner, constraints_of, is_volatile
from schemadoc.migrate.ops import (
    DETACH,
    DROP,
    FOREIGN_KEYS,
    REWRITE_ADVICE,
    AddColumn,
    AddConstraint,
    AttachPartition,
    CreateTable,
    DetachPartition,
    DropColumn,
    DropConstraint,
    DropIndex,
    DropTable,
    Inherit,
    Operation,
    RenameConstraint,
    RowSecurity,
    SetComment,
    SetDefault,
    SetLogged,
    count_rows,
)
from schemadoc.migrate.ops.constraints import constraint_kind


def plan(p: Planner) -> None:
    cur, tgt = by_key(p.cur.tables), by_key(p.tgt.tables)
    new = [tgt[k] for k in sorted(tgt.keys() - cur.keys())]
    p.new_tables = {t.key for t in new}
    dropped = sorted(cur.keys() - tgt.keys())
    # a partition leaving its parent is detached and a plain table joining one is attached, rows kept; a
    # table becoming partitioned (or plain) cannot be altered into shape: it is rebuilt with its rows
    detached: dict[str, m.Table] = {}  # the partition as the plain table it becomes: its parent's columns
    attached: dict[str, m.Table] = {}  # the table as it must be to be attached: its new parent's columns
    rebuilt = p.rebuilt_tables = rebuild.rebuilt(cur, tgt)
    for k in sorted(cur.keys() & tgt.keys()):
        o, n = cur[k], tgt[k]
        if k in rebuilt:
            dropped.append(k)
            new.append(n)
            p.new_tables.add(k)
            continue
        stays = (o.partition_by, o.partition_of, o.partition_bound) == (
            n.partition_by,
            n.partition_of,
            n.partition_bound,
        )
        if stays and o.partition_of not in rebuilt:
            continue
        if o.partition_of is not None:  # out of its parent (or of the parent set aside to be rebuilt)
            detached[k] = _as_plain(o, cur[o.partition_of], p.clones.table(k))
        if n.partition_of is not None:
            attached[k] = _as_plain(n, tgt[n.partition_of])
    # a partition detached keeps the indexes cloned from its parent's, now its own: the current state has them
    kept = tuple(ix for ix in p.clones.indexes if ix.table_key in detached)
    p.cur = p.cur.with_(indexes=(*p.cur.indexes, *kept)) if kept else p.cur
    for k in sorted(detached):
        parent = cur[k].partition_of or ""
        p.add(DetachPartition(parent, k, cur[k].partition_bound or "", span=tgt[k].span))
    for k in sorted(attached):
        n = tgt[k]
        parent = n.partition_of or ""
        p.add(
            AttachPartition(
                parent, k, n.partition_bound or "", span=n.span, clones=_clones_made(p, attached[k], parent)
            )
        )
    p.dropped_tables = set(dropped)
    renames.suggest_table_renames(
        p, [t for t in new if t.key not in rebuilt], [cur[k] for k in dropped if k not in rebuilt]
    )
    # foreign keys into dropped tables go first, so the tables can be dropped in any order
    for t in p.cur.tables:
        if t.key in p.dropped_tables:
            for fk in t.foreign_keys:
                p.add(DropConstraint(t.key, fk.name, f"drop foreign key {fk.name}", constraint=fk))
    retyped_keys(p, cur, tgt)
    order = m.Schema.build(tables=new).table_order()
    ordered, inline, later = order.tables, order.inline, order.later
    for t in ordered:
        # keys to existing tables are added once those tables have their new shape
        mine = tuple(fk for fk in inline[t.key] if fk.ref_key in p.new_tables)
        later += [(t, fk) for fk in inline[t.key] if fk.ref_key not in p.new_tables]
        p.add(CreateTable(t, mine, span=t.span))  # (after an existing parent's new columns: migrate/order)
        if t.rls_enabled:
            p.add(RowSecurity(t.key, True, fresh=True, span=t.span))
        if t.rls_forced:
            p.add(RowSecurity(t.key, True, forced=True, fresh=True, span=t.span))
        table_comments(p, None, t)
    for t, fk in later:
        p.add(AddConstraint(t.key, fk, phase=FOREIGN_KEYS, span=fk.span))

    def generation(key: str) -> int:  # INHERITS parents before their children: a parent's ALTER reaches them
        t = tgt.get(key)
        return 1 + max((generation(parent) for parent in t.inherits if parent in tgt), default=0) if t else 0

    for k in sorted(cur.keys() & tgt.keys(), key=lambda key: (generation(key), key)):
        if k not in p.new_tables:
            alter_table(p, detached.get(k, cur[k]), attached.get(k, tgt[k]))
    persistence(p, cur, tgt)
    views = {v.key for v in p.tgt.views}

    def depth(key: str) -> int:  # INHERITS children before their parents
        t = cur.get(key)
        return 1 + max((depth(parent) for parent in t.inherits), default=0) if t is not None else 0

    for k in sorted(p.dropped_tables, key=lambda key: (-depth(key), key)):
        t = cur[k]
        if k in rebuilt:
            rebuild.set_aside(p, t, tgt[k])
            rebuild.move_rows(p, t, tgt[k])
            continue
        if t.partition_of in p.dropped_tables:
            continue  # goes with its parent
        replaced = " (a view of the same name replaces it)" if k in views else ""
        # the name must be free before the view of the same name is made
        p.add(DropTable(t, DROP, f"drop table {k}{replaced}", remake=remake.table(p, t)))


def retyped_keys(p: Planner, cur: dict[str, m.Table], tgt: dict[str, m.Table]) -> None:
    """Foreign keys on either side of a column whose type changes: dropped first, added back after."""
    retyped = set()
    for k in cur.keys() & tgt.keys():
        theirs = {c.name: c.type for c in tgt[k].columns}
        retyped |= {(k, c.name) for c in cur[k].columns if theirs.get(c.name, c.type) != c.type}
    for t in cur.values():
        for fk in t.foreign_keys:
            mine = {(t.key, c) for c in fk.columns} | {(fk.ref_key, c) for c in fk.ref_columns}
            if mine & retyped or fk.ref_key in p.rebuilt_tables:  # a rebuilt table's key is made again too
                p.rekeyed.add((t.key, fk.name))


def table_comments(p: Planner, old: m.Table | None, new: m.Table) -> None:
    if (old.comment if old else None) != new.comment:
        on = m.Comment("TABLE", new.key, new.comment)
        p.add(SetComment(on, f"comment on {new.key}", old.comment if old else None, span=new.span))
    old_cols = {c.name: c for c in old.columns} if old else {}
    for c in new.columns:
        before = old_cols[c.name].comment if c.name in old_cols else None
        if before != c.comment:
            on = m.Comment("COLUMN", new.key, c.comment)
            p.add(SetComment(on, f"comment on {new.key}.{c.name}", before, c.name, span=c.span))


def persistence(p: Planner, cur: dict[str, m.Table], tgt: dict[str, m.Table]) -> None:
    """SET LOGGED / SET UNLOGGED, each a rewrite. A logged table may not reference an unlogged one, so
    tables becoming unlogged go after the ones referencing them, tables becoming logged after the ones they
    reference (the operation says which: migrate/order)."""
    changed = [
        n for k, n in sorted(tgt.items()) if k in cur and k not in p.new_tables and cur[k].unlogged != n.unlogged
    ]
    for t in changed:
        references = tuple(sorted({fk.ref_key for fk in t.foreign_keys} - {t.key}))
        referenced_by = tuple(
            sorted(o.key for o in tgt.values() if o.key != t.key and t.key in {fk.ref_key for fk in o.foreign_keys})
        )
        p.add(SetLogged(t.key, not t.unlogged, span=t.span, references=references, referenced_by=referenced_by))


def _through_kept_parent(o: m.Table, n: m.Table, c: m.Column, side: m.Schema) -> bool:
    """Whether column `c` of a child comes from an INHERITS parent the table keeps, as that parent is in
    `side` (current or target): the parent's own ALTER TABLE reaches it, so the child's DDL never names it."""
    if not c.inherited:
        return False
    for parent_key in set(o.inherits) & set(n.inherits):
        parent = side.table(parent_key)
        if parent is not None and parent.column(c.name) is not None:
            return True
    return False


def _dropped_with_parent(p: Planner, o: m.Table, n: m.Table, c: m.Column) -> bool:
    """Whether a child's inherited column goes with its kept parent's DROP COLUMN (not an ONLY one, which a
    sibling keeping the column makes: then each child drops its own)."""
    if not _through_kept_parent(o, n, c, p.cur):
        return False
    parents = [p.cur.table(k) for k in set(o.inherits) & set(n.inherits)]
    return any(
        parent is not None and parent.column(c.name) is not None and not _children_keeping(p, parent, c.name)
        for parent in parents
    )


def _children_keeping(p: Planner, parent: m.Table, column: str) -> list[str]:
    """Children of `parent` (in both schemas) whose target still has `column`: dropping it from the parent
    must leave theirs (ALTER TABLE ONLY)."""
    return [
        t.key
        for t in p.tgt.tables
        if parent.key in t.inherits
        and t.column(column) is not None
        and (old := p.cur.table(t.key)) is not None
        and parent.key in old.inherits
    ]


def _after_parents(p: Planner, o: m.Table, n: m.Table, column: m.Column) -> m.Column:
    """A child's column as its kept INHERITS parents' own ALTER TABLE leave it: a parent's SET DEFAULT
    recurses, also onto a column the child declares itself (merged), so its own default must be set again."""
    for parent_key in set(o.inherits) & set(n.inherits):
        before, after = p.cur.table(parent_key), p.tgt.table(parent_key)
        was = before.column(column.name) if before is not None else None
        becomes = after.column(column.name) if after is not None else None
        if was is not None and becomes is not None and was.default != becomes.default:
            column = replace(column, default=becomes.default)
    return column


def inheritance(p: Planner, o: m.Table, n: m.Table) -> None:
    """INHERITS parents that go (NO INHERIT, first: their columns and CHECKs stay, now the table's own, and
    the CHECKs the table is not to keep are dropped) and that come (INHERIT, once the table has every
    column, NOT NULL and CHECK of the new parent, as PostgreSQL requires)."""
    for parent in o.inherits:
        if parent not in n.inherits:
            p.add(Inherit(n.key, parent, no=True, phase=DETACH, span=n.span))
            kept = {c.name for c in n.checks} | {c.name for c in p.tgt.inherited_checks(n)}
            for check in p.cur.inherited_checks(o):
                if check.name not in kept and check.name not in {c.name for c in o.checks}:
                    p.add(DropConstraint(n.key, check.name,
                                         f"drop check {check.name} of {n.key} (left by its former parent {parent})",
                                         span=n.span, constraint=check))  # fmt: skip
    for parent in n.inherits:
        if parent not in o.inherits:
            has = {c.name for c in o.checks} | {c.name for c in p.cur.inherited_checks(o)}
            for check in p.tgt.inherited_checks(n):
                if check.name not in has:  # INHERIT merges it with the parent's (a NOT VALID one it refuses)
                    p.add(AddConstraint(n.key, check, scans=True, span=n.span,
                                        label=f"add check {check.name} to {n.key}, as its new parent {parent} has it"))  # fmt: skip
            # after the columns' NOT NULL (CONSTRAINTS): a new parent's NOT NULL columns must be NOT NULL here
            p.add(Inherit(n.key, parent, span=n.span))


def alter_table(p: Planner, o: m.Table, n: m.Table) -> None:
    k = n.key
    oc, nc = {c.name: c for c in o.columns}, {c.name: c for c in n.columns}
    # a kept parent's columns come and go with the parent's own ALTER TABLE
    added = [c for c in n.columns if c.name not in oc and not _through_kept_parent(o, n, c, p.tgt)]
    removed = [c for c in o.columns if c.name not in nc and not _dropped_with_parent(p, o, n, c)]
    inheritance(p, o, n)
    for r in removed:
        for a in added:
            if a.type == r.type:
                p.notice(
                    f"column {k}.{a.name} looks like {r.name} renamed: this plan drops {r.name} and adds {a.name}; "
                    f"if it is a rename, put `schemadoc: renamed-from={r.name}` in a comment on {a.name}'s line",
                    a.span,
                    rename=("column", k, r.name, a.name),
                )
    if added or removed:
        p.changed_columns.add(k)
    # constraints that go or change are dropped before the columns change under them
    o_cons, n_cons = constraints_of(o), constraints_of(n)
    renamed_cons = same_definition_renames(o_cons, n_cons)
    for old_name, new_name in renamed_cons.items():
        p.add(RenameConstraint(k, old_name, new_name))
    for name, (kind, c) in sorted(o_cons.items()):
        if name in renamed_cons:
            continue
        if n_cons.get(name) != (kind, c) or (k, name) in p.rekeyed:
            # the way back adds it in its safe form (NOT VALID, then validated), as the way there would; a foreign
            # key into a partitioned table excepted (see constraints.add_constraint)
            referenced = p.cur.table(c.ref_key) if kind == "f" else None
            online = kind == "c" or kind == "f" and not (referenced and referenced.partition_by)
            p.add(DropConstraint(k, name, f"drop {KIND_NAMES[kind]} {name}", DETACH, constraint=c, online=online))
    for c in added:
        add_column(p, n, replace(c, inherited=False), bool(o.columns))  # INHERIT then merges it
    for c in n.columns:
        if c.name not in oc:
            continue
        old = _after_parents(p, o, n, oc[c.name])
        if not (_through_kept_parent(o, n, oc[c.name], p.cur) and _through_kept_parent(o, n, c, p.tgt)):
            columns.alter_column(p, n, old, c)
        elif old.default != c.default:  # a default of the child's own, set again after the parent's
            p.add(SetDefault(k, c.name, c.default, old.default, f"set {k}.{c.name}'s own default", only=True,
                             span=c.span))  # fmt: skip
    for c in removed:
        # ONLY: their column stays, now their own
        p.add(DropColumn(o, c, only=bool(_children_keeping(p, o, c.name)), remake=remake.column(o, c)))
    for name, (kind, c) in sorted(n_cons.items()):
        if name in renamed_cons.values() or o_cons.get(name) == (kind, c) and (k, name) not in p.rekeyed:
            continue
        constraints.add_constraint(p, n, kind, c)
    if o.rls_enabled != n.rls_enabled:
        p.add(RowSecurity(k, n.rls_enabled, span=n.span))
    if o.rls_forced != n.rls_forced:
        p.add(RowSecurity(k, n.rls_forced, forced=True, span=n.span))
    table_comments(p, o, n)


def add_column(p: Planner, t: m.Table, c: m.Column, has_rows: bool) -> None:
    volatile = c.identity is not None or c.generated is not None or is_volatile(c.default)
    p.add(AddColumn(t, c, rewrites=volatile, span=c.span, note=REWRITE_ADVICE if volatile else ""))
    if c.not_null and c.default is None and c.identity is None and c.generated is None:
        p.notice(
            f"{t.key}.{c.name} is added NOT NULL without a default: the migration fails if {t.key} has rows; "
            "give it a default, or add it nullable, backfill, then set NOT NULL",
            c.span,
            blocker=count_rows(t.key),
        )


def _clones_made(p: Planner, child: m.Table, parent: str) -> tuple[Operation, ...] | None:
    """What attaching `child` (as the plan makes it to be attached) to `parent` clones into it, read from the
    target's clones, as the drops that undo it once it is detached again. None when that is not known: the
    target's clones unread, or the child keeping a key or index of the same definition as one of them, which
    ATTACH would adopt instead of cloning."""
    if p.target_clones is None:
        return None
    k = child.key
    cloned = p.target_clones.table(k)
    own = [c for c in (child.primary_key, *child.uniques, *child.foreign_keys, *child.exclusions) if c]
    own_indexes = [ix for ix in p.tgt.indexes if ix.table_key == k]
    out: list[Operation] = []
    gone: set[str] = set()
    if cloned is not None:
        for c in (cloned.primary_key, *cloned.uniques, *cloned.foreign_keys, *cloned.exclusions):
            if c is None:
                continue
            if any(type(o) is type(c) and replace(o, name=c.name) == c for o in own):
                return None
            label = f"drop {constraint_kind(c)} {c.name} that attaching {k} to {parent} cloned"
            out.append(DropConstraint(k, c.name, label, constraint=c))
            gone.add(c.name)  # (its index goes with it)
    for ix in p.target_clones.indexes:
        if ix.table_key != k or ix.name in gone:
            continue
        if any(replace(o, name=ix.name) == ix for o in own_indexes):
            return None
        out.append(
            DropIndex(ix, concurrently=True, label=f"drop index {ix.name} that attaching {k} to {parent} cloned")
        )
    return tuple(out)


def _as_plain(t: m.Table, parent: m.Table, clones: m.Table | None = None) -> m.Table:
    """A partition seen as a plain table: its parent's columns (a partition has none of its own), and the
    keys its parent's were cloned into, which detaching leaves it."""
    plain = replace(t, columns=parent.columns, partition_of=None, partition_bound=None)
    if clones is None:
        return plain
    return replace(
        plain,
        primary_key=plain.primary_key or clones.primary_key,
        uniques=(*plain.uniques, *clones.uniques),
        foreign_keys=(*plain.foreign_keys, *clones.foreign_keys),
        exclusions=(*plain.exclusions, *clones.exclusions),
    )
