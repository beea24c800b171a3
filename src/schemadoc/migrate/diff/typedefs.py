"""Schemas, extensions, roles, enums, composites, domains, sequences and functions."""

from __future__ import annotations

from dataclasses import replace

from psycopg import sql

from schemadoc import model as m
from schemadoc.migrate.compare import by_key
from schemadoc.migrate.diff import remake
from schemadoc.migrate.diff.state import Planner, owned_sequence, sequence_type, table_ref
from schemadoc.migrate.ops import (
    DETACH,
    DROP,
    PREPARE,
    TYPES,
    AddEnumValue,
    AlterColumnType,
    AlterComposite,
    AlterDomain,
    AlterSequence,
    CreateObject,
    CreateSchema,
    DropObject,
    DropSchema,
    RenameEnumValue,
    RenameType,
    SetDefault,
    SetRoleLogin,
    UpdateExtension,
    count_rows,
)
from schemadoc.names import quote_ident


def prepare(p: Planner) -> None:
    for s in sorted(set(p.tgt.schemas) - set(p.cur.schemas)):
        p.add(CreateSchema(s))
    for s in sorted(set(p.cur.schemas) - set(p.tgt.schemas)):
        p.add(DropSchema(s, remake=remake.comments(p, s)))
    extensions(p)
    collations(p)
    p.out.ops.extend(p.support())
    cur_roles = by_key(p.cur.roles)
    for r in p.tgt.roles:
        if r.key not in cur_roles:
            p.add(CreateObject(r, PREPARE, span=r.span))
        elif cur_roles[r.key].login != r.login:
            p.add(SetRoleLogin(r, span=r.span))


def extensions(p: Planner) -> None:
    """Created first; a pinned version reached by ALTER EXTENSION … UPDATE where the server has the path,
    else by dropping and creating it again; dropped last. Dropping one takes what it provides (its types,
    functions, operators) with it: a destructive step, refused without --allow-data-loss."""
    cur, tgt = by_key(p.cur.extensions), by_key(p.tgt.extensions)
    for k in sorted(tgt.keys() - cur.keys()):
        p.add(CreateObject(tgt[k], PREPARE, span=tgt[k].span))
    for k in sorted(cur.keys() & tgt.keys()):
        old, new = cur[k].version, tgt[k].version
        if not (old and new and old != new):
            continue
        if p.update_paths is None or (k, old, new) in p.update_paths:
            back = p.update_paths is not None and (k, new, old) in p.update_paths
            p.add(UpdateExtension(tgt[k], old, span=tgt[k].span, back=back))
            continue
        p.add(DropObject(cur[k], PREPARE, f"drop extension {k} {old} (the server has no update to {new})",
                         loses=f"what extension {k} {old} provides, and anything built on it"))  # fmt: skip
        p.add(CreateObject(tgt[k], PREPARE, f"create extension {k} {new}", span=tgt[k].span))
    for k in sorted(cur.keys() - tgt.keys()):
        p.add(DropObject(cur[k], DROP, loses=f"what extension {k} provides (its types, functions and operators)"))


def collations(p: Planner) -> None:
    """Created before the tables whose columns use them, dropped after those columns changed. PostgreSQL
    cannot alter what a collation means: one that changed is rebuilt when no column uses it, else said."""
    cur, tgt = by_key(p.cur.collations), by_key(p.tgt.collations)
    used = {c.collation for t in p.cur.tables for c in t.columns if c.collation}
    changed = {k for k in cur.keys() & tgt.keys() if cur[k] != tgt[k]}
    for k in sorted(changed & used):
        p.notice(
            f"collation {k} changed, and columns use it: PostgreSQL cannot alter a collation; move its columns to "
            "a new collation of another name, then drop this one",
            tgt[k].span,
        )
    for k in sorted(cur.keys() - tgt.keys() | changed - used):
        p.add(DropObject(cur[k], PREPARE if k in tgt else DROP))
    for k in sorted(tgt.keys() - cur.keys() | changed - used):
        p.add(CreateObject(tgt[k], PREPARE, span=tgt[k].span))


def enums(p: Planner) -> None:
    cur, tgt = by_key(p.cur.enums), by_key(p.tgt.enums)
    for k in sorted(tgt.keys() - cur.keys()):
        p.add(CreateObject(tgt[k], span=tgt[k].span))
    for k in sorted(cur.keys() - tgt.keys()):
        p.add(DropObject(cur[k], DROP, remake=remake.comments(p, k)))
    for k in sorted(cur.keys() & tgt.keys()):
        old: m.Enum = cur[k]
        new: m.Enum = tgt[k]
        if old.values == new.values:
            continue
        values: list[str] = list(old.values)
        for (ek, ov), nv in p.renames.enum_values.items():
            if ek == k and ov in values and nv in new.values and nv not in values:
                p.add(RenameEnumValue(old, ov, nv, span=new.span))
                values[values.index(ov)] = nv
        if tuple(values) == new.values:
            continue
        kept = [v for v in new.values if v in values]
        if kept == values and p.online:  # only additions: ADD VALUE keeps the order with BEFORE/AFTER
            for i, v in enumerate(new.values):
                if v in values:
                    continue
                after = new.values[i - 1] if i > 0 else None
                before = new.values[1] if after is None and len(new.values) > 1 else None
                p.add(AddEnumValue(old, v, after, before, span=new.span))
            continue
        swap_enum(p, k, old, new, [v for v in values if v not in new.values])


def swap_enum(p: Planner, key: str, old: m.Enum, new: m.Enum, removed: list[str]) -> None:
    """Remove or reorder values: a new type beside the old, each column moved over, the old dropped."""
    name = old.name
    tmp = f"{name}__old"[:63]
    p.add(RenameType(old, tmp, f"rename type {key} aside", span=new.span))
    p.add(CreateObject(new, label=f"create type {key} with its new values", span=new.span))
    spelled = {key, name, f"{key}[]", f"{name}[]"}
    for t in p.cur.tables:
        for c in t.columns:
            if c.type not in spelled:
                continue
            p.changed_columns.add(t.key)
            tc = p.tgt.table(t.key)
            target_col = tc.column(c.name) if tc else None
            if c.default is not None:
                p.add(SetDefault(t.key, c.name, None, c.default, phase=TYPES))
            arr = "[]" if c.type.endswith("[]") else ""
            lost = sql.SQL(", ").join(sql.Literal(v) for v in removed)
            p.add(
                AlterColumnType(
                    t.key,
                    c.name,
                    f"{table_ref(key)}{arr}",
                    f"move {t.key}.{c.name} to the new {key}",
                    using=f"{quote_ident(c.name)}::text::{table_ref(key)}{arr}",
                    before=f"{table_ref(f'{old.schema}.{tmp}')}{arr}",  # the old type, set aside
                    phase=TYPES,
                    rewrites=True,
                    loses=f"rows of {t.key} holding {', '.join(removed)} in {c.name}" if removed else None,
                    at_stake=(
                        count_rows(t.key, sql.SQL("{}::text IN ({})").format(sql.Identifier(c.name), lost))
                        if removed and not arr
                        else None
                    ),
                )
            )
            if target_col is not None and target_col.default is not None and target_col.default == c.default:
                # (a default that changes too is set by the column's own alteration)
                p.add(SetDefault(t.key, c.name, target_col.default, None, phase=TYPES))
    p.add(DropObject(replace(old, name=tmp), TYPES, f"drop the old {key}"))


def composites_domains_sequences(p: Planner) -> None:
    cur, tgt = by_key(p.cur.composites), by_key(p.tgt.composites)
    for k in sorted(tgt.keys() - cur.keys()):
        p.add(CreateObject(tgt[k], span=tgt[k].span))
    for k in sorted(cur.keys() - tgt.keys()):
        p.add(DropObject(cur[k], DROP, remake=remake.comments(p, k)))
    for k in sorted(cur.keys() & tgt.keys()):
        if dict(cur[k].attributes) != dict(tgt[k].attributes):
            p.add(AlterComposite(cur[k], tgt[k], span=tgt[k].span))
    cur_d, tgt_d = by_key(p.cur.domains), by_key(p.tgt.domains)
    for k in sorted(tgt_d.keys() - cur_d.keys()):
        p.add(CreateObject(tgt_d[k], span=tgt_d[k].span))
    for k in sorted(cur_d.keys() - tgt_d.keys()):
        p.add(DropObject(cur_d[k], DROP, remake=remake.comments(p, k)))
    for k in sorted(cur_d.keys() & tgt_d.keys()):
        o, n = cur_d[k], tgt_d[k]
        if o.type != n.type:
            p.notice(
                f"domain {k} changes its base type from {o.type} to {n.type}: PostgreSQL cannot alter it; "
                "create a new domain and move the columns over by hand",
                n.span,
            )
            continue
        if o.default != n.default:
            p.add(AlterDomain(n, f"alter default of domain {k}", default=(o.default, n.default), span=n.span))
        if o.not_null != n.not_null:
            p.add(AlterDomain(n, f"alter nullability of domain {k}", not_null=n.not_null, span=n.span))
        oc, nc = {c.name: c for c in o.checks}, {c.name: c for c in n.checks}
        for name in sorted(oc):
            if nc.get(name) != oc[name]:
                p.add(AlterDomain(o, f"drop check {name} of domain {k}", drop_check=oc[name]))
        for name in sorted(nc):
            if oc.get(name) != nc[name]:
                p.add(AlterDomain(n, f"add check {name} to domain {k}", add_check=nc[name], span=n.span))
                p.add(AlterDomain(n, f"validate check {name} of domain {k}", validate=name, span=n.span))
    cur_s, tgt_s = by_key(p.cur.sequences), by_key(p.tgt.sequences)
    for k in sorted(tgt_s.keys() - cur_s.keys()):
        drawn = _drawn_by(p.cur, k)
        if drawn is not None:  # a serial column's own sequence, now one of the doc's
            label = f"make {k} a sequence of its own"
            t, c = drawn
            serial = (t.key, c.name, sequence_type(c.type))
            p.add(AlterSequence(table_ref(k), label, tgt_s[k], disown=True, span=tgt_s[k].span, owned_before=serial))
        else:
            p.add(CreateObject(tgt_s[k], span=tgt_s[k].span))
    for k in sorted(cur_s.keys() - tgt_s.keys()):
        owner = _drawn_by(p.tgt, k)
        if owner is not None:  # the doc's column is a serial now: the sequence becomes its own, values kept
            t, c = owner
            base = sequence_type(c.type)
            label = f"make {k} the sequence of {t.key}.{c.name}"
            p.add(AlterSequence(table_ref(k), label, before=cur_s[k], base=base, owner=(t.key, c.name), span=c.span))
        else:
            p.add(DropObject(cur_s[k], DROP, remake=remake.comments(p, k)))
    for k in sorted(cur_s.keys() & tgt_s.keys()):
        if cur_s[k] != tgt_s[k]:
            p.add(AlterSequence(table_ref(k), f"alter sequence {k}", tgt_s[k], cur_s[k], span=tgt_s[k].span))


def functions(p: Planner) -> None:
    cur, tgt = by_key(p.cur.functions), by_key(p.tgt.functions)
    for k in sorted(tgt.keys() - cur.keys()):
        p.add(CreateObject(tgt[k], span=tgt[k].span))
    for k in sorted(cur.keys() - tgt.keys()):
        p.dropped_functions.add(f"{cur[k].schema}.{cur[k].name}")
        p.add(DropObject(cur[k], DROP, remake=remake.comments(p, k)))
    for k in sorted(cur.keys() & tgt.keys()):
        o, n = cur[k], tgt[k]
        if o == n:
            continue
        replaceable = (
            o.kind == n.kind
            and o.returns == n.returns
            and [(a.name, a.mode) for a in o.arguments] == [(a.name, a.mode) for a in n.arguments]
            and all(a.default is not None or b.default is None for a, b in zip(n.arguments, o.arguments, strict=True))
        )
        if not replaceable:
            p.dropped_functions.add(f"{o.schema}.{o.name}")
            p.add(DropObject(o, DETACH, f"drop {o.kind} {k} to recreate it", remake=remake.comments(p, k)))
        p.add(CreateObject(n, replaces=replaceable, span=n.span, before=o if replaceable else None))


def _drawn_by(schema: m.Schema, key: str) -> tuple[m.Table, m.Column] | None:
    """The column whose `nextval(…)` default draws from sequence `key` (schema-qualified), if one does."""
    schema_name, _, name = key.partition(".")
    for t in schema.tables:
        for c in t.columns:
            used = owned_sequence(c.default)
            if used is None or c.inherited:
                continue
            bare = used.replace('"', "")
            if bare == key or (bare == name and t.schema == schema_name):
                return t, c
    return None
