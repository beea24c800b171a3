"""Schemas, extensions, roles, enums, composites, domains, sequences and functions."""

from __future__ import annotations

from schemadoc import model as m
from schemadoc.migrate.compare import by_key
from schemadoc.migrate.diff.state import Planner, function_ref, owned_sequence, sequence_options, split_key, table_ref
from schemadoc.migrate.ops import ACCESS_EXCLUSIVE, DETACH, DROP, PREPARE, TYPES, Op
from schemadoc.names import quote_ident, quote_literal
from schemadoc.sql.emit import (
    _q,
    collation_sql,
    composite_sql,
    domain_sql,
    enum_sql,
    extension_sql,
    function_sql,
    role_sql,
    sequence_sql,
)


def prepare(p: Planner) -> None:
    for s in sorted(set(p.tgt.schemas) - set(p.cur.schemas)):
        p.add(Op(f"CREATE SCHEMA {quote_ident(s)};", f"create schema {s}", PREPARE))
    for s in sorted(set(p.cur.schemas) - set(p.tgt.schemas)):
        p.add(Op(f"DROP SCHEMA {quote_ident(s)};", f"drop schema {s}", DROP + 0.9))
    extensions(p)
    collations(p)
    p.out.ops.extend(p.support())
    cur_roles = by_key(p.cur.roles)
    for r in p.tgt.roles:
        if r.key not in cur_roles:
            p.add(Op(role_sql(r), f"create role {r.name}", PREPARE, span=r.span))
        elif cur_roles[r.key].login != r.login:
            login = "LOGIN" if r.login else "NOLOGIN"
            p.add(Op(f"ALTER ROLE {quote_ident(r.name)} {login};", f"alter role {r.name}", PREPARE, span=r.span))


def extensions(p: Planner) -> None:
    """Created first; a pinned version reached by ALTER EXTENSION … UPDATE where the server has the path,
    else by dropping and creating it again; dropped last. Dropping one takes what it provides (its types,
    functions, operators) with it: a destructive step, refused without --allow-data-loss."""
    cur, tgt = by_key(p.cur.extensions), by_key(p.tgt.extensions)
    for k in sorted(tgt.keys() - cur.keys()):
        p.add(Op(extension_sql(tgt[k]), f"create extension {k}", PREPARE, span=tgt[k].span))
    for k in sorted(cur.keys() & tgt.keys()):
        old, new = cur[k].version, tgt[k].version
        if not (old and new and old != new):
            continue
        if p.update_paths is None or (k, old, new) in p.update_paths:
            p.add(
                Op(
                    f"ALTER EXTENSION {quote_ident(k)} UPDATE TO {quote_literal(new)};",
                    f"update extension {k} from {old} to {new}",
                    PREPARE,
                    span=tgt[k].span,
                )
            )
            continue
        p.add(
            Op(
                f"DROP EXTENSION {quote_ident(k)};",
                f"drop extension {k} {old} (the server has no update to {new})",
                PREPARE,
                loses=f"what extension {k} {old} provides, and anything built on it",
            )
        )
        p.add(Op(extension_sql(tgt[k]), f"create extension {k} {new}", PREPARE, span=tgt[k].span))
    for k in sorted(cur.keys() - tgt.keys()):
        p.add(
            Op(
                f"DROP EXTENSION {quote_ident(k)};",
                f"drop extension {k}",
                DROP + 0.8,
                loses=f"what extension {k} provides (its types, functions and operators)",
            )
        )


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
        p.add(Op(f"DROP COLLATION {table_ref(k)};", f"drop collation {k}", PREPARE if k in tgt else DROP + 0.7))
    for k in sorted(tgt.keys() - cur.keys() | changed - used):
        p.add(Op(collation_sql(tgt[k]), f"create collation {k}", PREPARE, span=tgt[k].span))


def enums(p: Planner) -> None:
    cur, tgt = by_key(p.cur.enums), by_key(p.tgt.enums)
    for k in sorted(tgt.keys() - cur.keys()):
        p.add(Op(enum_sql(tgt[k]), f"create type {k}", TYPES, span=tgt[k].span))
    for k in sorted(cur.keys() - tgt.keys()):
        p.add(Op(f"DROP TYPE {table_ref(k)};", f"drop type {k}", DROP + 0.5))
    for k in sorted(cur.keys() & tgt.keys()):
        old: m.Enum = cur[k]
        new: m.Enum = tgt[k]
        if old.values == new.values:
            continue
        values: list[str] = list(old.values)
        for (ek, ov), nv in p.renames.enum_values.items():
            if ek == k and ov in values and nv in new.values and nv not in values:
                p.add(
                    Op(
                        f"ALTER TYPE {table_ref(k)} RENAME VALUE {quote_literal(ov)} TO {quote_literal(nv)};",
                        f"rename value {ov} of {k} to {nv}",
                        TYPES,
                        span=new.span,
                    )
                )
                values[values.index(ov)] = nv
        if tuple(values) == new.values:
            continue
        kept = [v for v in new.values if v in values]
        if kept == values and p.online:  # only additions: ADD VALUE keeps the order with BEFORE/AFTER
            for i, v in enumerate(new.values):
                if v in values:
                    continue
                after = new.values[i - 1] if i > 0 else None
                where = (
                    f" AFTER {quote_literal(after)}"
                    if after
                    else f" BEFORE {quote_literal(new.values[1])}"
                    if len(new.values) > 1
                    else ""
                )
                p.add(
                    Op(
                        f"ALTER TYPE {table_ref(k)} ADD VALUE {quote_literal(v)}{where};",
                        f"add value {v} to {k}",
                        TYPES,
                        transactional=False,
                        span=new.span,
                        note="a new enum value cannot be used in the transaction that adds it",
                    )
                )
            continue
        swap_enum(p, k, old, new, [v for v in values if v not in new.values])


def swap_enum(p: Planner, key: str, old: m.Enum, new: m.Enum, removed: list[str]) -> None:
    """Remove or reorder values: a new type beside the old, each column moved over, the old dropped."""
    schema, name = split_key(key)
    tmp = f"{name}__old"[:63]
    p.add(
        Op(
            f"ALTER TYPE {table_ref(key)} RENAME TO {quote_ident(tmp)};",
            f"rename type {key} aside",
            TYPES,
            span=new.span,
        )
    )
    p.add(
        Op(
            enum_sql(new),
            f"create type {key} with its new values",
            TYPES,
            span=new.span,
        )
    )
    spelled = {key, name, f"{key}[]", f"{name}[]"}
    for t in p.cur.tables:
        for c in t.columns:
            if c.type not in spelled:
                continue
            p.changed_columns.add(t.key)
            tc = p.tgt.table(t.key)
            target_col = tc.column(c.name) if tc else None
            if c.default is not None:
                p.add(
                    Op(
                        f"ALTER TABLE {table_ref(t.key)} ALTER COLUMN {quote_ident(c.name)} DROP DEFAULT;",
                        f"drop default of {t.key}.{c.name}",
                        TYPES,
                        t.key,
                        ACCESS_EXCLUSIVE,
                    )
                )
            arr = "[]" if c.type.endswith("[]") else ""
            lost = ", ".join(quote_literal(v) for v in removed)
            p.add(
                Op(
                    f"ALTER TABLE {table_ref(t.key)} ALTER COLUMN {quote_ident(c.name)} TYPE {table_ref(key)}{arr} "
                    f"USING {quote_ident(c.name)}::text::{table_ref(key)}{arr};",
                    f"move {t.key}.{c.name} to the new {key}",
                    TYPES,
                    t.key,
                    ACCESS_EXCLUSIVE,
                    rewrites=True,
                    loses=f"rows of {t.key} holding {', '.join(removed)} in {c.name}" if removed else None,
                    at_stake=(
                        f"SELECT count(*) FROM {table_ref(t.key)} WHERE {quote_ident(c.name)}::text IN ({lost})"
                        if removed and not arr
                        else None
                    ),
                )
            )
            if target_col is not None and target_col.default is not None and target_col.default == c.default:
                # (a default that changes too is set by the column's own alteration)
                p.add(
                    Op(
                        f"ALTER TABLE {table_ref(t.key)} ALTER COLUMN {quote_ident(c.name)} SET DEFAULT {target_col.default};",
                        f"set default of {t.key}.{c.name}",
                        TYPES,
                        t.key,
                        ACCESS_EXCLUSIVE,
                    )
                )
    p.add(Op(f"DROP TYPE {_q(schema, tmp)};", f"drop the old {key}", TYPES))


def composites_domains_sequences(p: Planner) -> None:
    cur, tgt = by_key(p.cur.composites), by_key(p.tgt.composites)
    for k in sorted(tgt.keys() - cur.keys()):
        p.add(Op(composite_sql(tgt[k]), f"create type {k}", TYPES, span=tgt[k].span))
    for k in sorted(cur.keys() - tgt.keys()):
        p.add(Op(f"DROP TYPE {table_ref(k)};", f"drop type {k}", DROP + 0.5))
    for k in sorted(cur.keys() & tgt.keys()):
        o, n = dict(cur[k].attributes), dict(tgt[k].attributes)
        actions = [f"DROP ATTRIBUTE {quote_ident(a)}" for a in o if a not in n]
        actions += [f"ADD ATTRIBUTE {quote_ident(a)} {t}" for a, t in n.items() if a not in o]
        actions += [f"ALTER ATTRIBUTE {quote_ident(a)} TYPE {t}" for a, t in n.items() if a in o and o[a] != t]
        if actions:
            p.add(Op(f"ALTER TYPE {table_ref(k)} {', '.join(actions)};", f"alter type {k}", TYPES, span=tgt[k].span))
    cur_d, tgt_d = by_key(p.cur.domains), by_key(p.tgt.domains)
    for k in sorted(tgt_d.keys() - cur_d.keys()):
        p.add(Op(domain_sql(tgt_d[k]), f"create domain {k}", TYPES, span=tgt_d[k].span))
    for k in sorted(cur_d.keys() - tgt_d.keys()):
        p.add(Op(f"DROP DOMAIN {table_ref(k)};", f"drop domain {k}", DROP + 0.5))
    for k in sorted(cur_d.keys() & tgt_d.keys()):
        o, n = cur_d[k], tgt_d[k]
        if o.type != n.type:
            p.notice(
                f"domain {k} changes its base type from {o.type} to {n.type}: PostgreSQL cannot alter it; "
                "create a new domain and move the columns over by hand",
                n.span,
            )
            continue
        alter = f"ALTER DOMAIN {table_ref(k)}"
        if o.default != n.default:
            p.add(
                Op(
                    f"{alter} {'DROP DEFAULT' if n.default is None else 'SET DEFAULT ' + n.default};",
                    f"alter default of domain {k}",
                    TYPES,
                    span=n.span,
                )
            )
        if o.not_null != n.not_null:
            p.add(
                Op(
                    f"{alter} {'SET' if n.not_null else 'DROP'} NOT NULL;",
                    f"alter nullability of domain {k}",
                    TYPES,
                    scans=n.not_null,
                    span=n.span,
                )
            )
        oc, nc = {c.name: c for c in o.checks}, {c.name: c for c in n.checks}
        for name in sorted(oc):
            if nc.get(name) != oc[name]:
                p.add(Op(f"{alter} DROP CONSTRAINT {quote_ident(name)};", f"drop check {name} of domain {k}", TYPES))
        for name in sorted(nc):
            if oc.get(name) != nc[name]:
                p.add(
                    Op(
                        f"{alter} ADD CONSTRAINT {quote_ident(name)} CHECK ({nc[name].expression}) NOT VALID;",
                        f"add check {name} to domain {k}",
                        TYPES,
                        span=n.span,
                    )
                )
                p.add(
                    Op(
                        f"{alter} VALIDATE CONSTRAINT {quote_ident(name)};",
                        f"validate check {name} of domain {k}",
                        TYPES,
                        scans=True,
                        span=n.span,
                    )
                )
    cur_s, tgt_s = by_key(p.cur.sequences), by_key(p.tgt.sequences)
    for k in sorted(tgt_s.keys() - cur_s.keys()):
        if _drawn_by(p.cur, k) is not None:  # a serial column's own sequence, now one of the doc's
            p.add(
                Op(
                    f"ALTER SEQUENCE {table_ref(k)} {sequence_options(tgt_s[k])} OWNED BY NONE;",
                    f"make {k} a sequence of its own",
                    TYPES,
                    span=tgt_s[k].span,
                )
            )
        else:
            p.add(Op(sequence_sql(tgt_s[k]), f"create sequence {k}", TYPES, span=tgt_s[k].span))
    for k in sorted(cur_s.keys() - tgt_s.keys()):
        owner = _drawn_by(p.tgt, k)
        if owner is not None:  # the doc's column is a serial now: the sequence becomes its own, values kept
            t, c = owner
            base = {"smallint": "smallint", "integer": "integer"}.get(c.type, "bigint")
            p.add(
                Op(
                    f"ALTER SEQUENCE {table_ref(k)} AS {base} OWNED BY {table_ref(t.key)}.{quote_ident(c.name)};",
                    f"make {k} the sequence of {t.key}.{c.name}",
                    TYPES,
                    span=c.span,
                )
            )
        else:
            p.add(Op(f"DROP SEQUENCE {table_ref(k)};", f"drop sequence {k}", DROP + 0.4))
    for k in sorted(cur_s.keys() & tgt_s.keys()):
        if cur_s[k] != tgt_s[k]:
            p.add(
                Op(
                    f"ALTER SEQUENCE {table_ref(k)} {sequence_options(tgt_s[k])};",
                    f"alter sequence {k}",
                    TYPES,
                    span=tgt_s[k].span,
                )
            )


def functions(p: Planner) -> None:
    cur, tgt = by_key(p.cur.functions), by_key(p.tgt.functions)
    for k in sorted(tgt.keys() - cur.keys()):
        p.add(Op(function_sql(tgt[k]), f"create {tgt[k].kind} {k}", TYPES, span=tgt[k].span))
    for k in sorted(cur.keys() - tgt.keys()):
        p.dropped_functions.add(f"{cur[k].schema}.{cur[k].name}")
        p.add(Op(f"DROP {cur[k].kind.upper()} {function_ref(cur[k])};", f"drop {cur[k].kind} {k}", DROP + 0.3))
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
            p.add(Op(f"DROP {o.kind.upper()} {function_ref(o)};", f"drop {o.kind} {k} to recreate it", DETACH + 0.9))
        p.add(Op(function_sql(n), f"{'replace' if replaceable else 'create'} {n.kind} {k}", TYPES, span=n.span))


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
