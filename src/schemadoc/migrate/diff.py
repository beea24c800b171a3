"""The operations that turn one schema into another, in an order PostgreSQL accepts, safe forms first.

Both schemas come from the same server's catalog (the live database, and the document applied to a
scratch database), so every expression is spelled by PostgreSQL on both sides and compared as text.
Safe forms (expand/contract): indexes on existing tables are built CONCURRENTLY; CHECKs and foreign
keys are added NOT VALID and validated separately; NOT NULL goes through a validated CHECK; unique
and primary keys are built as indexes CONCURRENTLY and attached.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from schemadoc import model as m
from schemadoc.migrate.compare import _by_key
from schemadoc.migrate.ops import (
    ACCESS_EXCLUSIVE,
    ATTACH,
    CONSTRAINTS,
    DETACH,
    DROP,
    FOREIGN_KEYS,
    INDEXES,
    PREPARE,
    SHARE,
    SHARE_ROW_EXCLUSIVE,
    SHARE_UPDATE_EXCLUSIVE,
    TABLES,
    TYPES,
    VIEWS,
    Notice,
    Op,
)
from schemadoc.names import make_object_name, quote_ident
from schemadoc.sql.emit import (
    _comment_target,
    _deferrable,
    _kahn,
    _literal,
    _q,
    _table_order,
    column_sql,
    composite_sql,
    domain_sql,
    enum_sql,
    extension_sql,
    foreign_key_sql,
    function_sql,
    grant_sql,
    index_sql,
    policy_sql,
    role_sql,
    sequence_sql,
    table_sql,
    trigger_sql,
)

REWRITE_ADVICE = (
    "on a big table prefer expand/contract: add a new column, backfill it in batches, "
    "then switch over in one short transaction"
)


@dataclass(frozen=True, slots=True)
class Renames:
    """Renames the document declares (`<!-- schemadoc: renamed-from=old -->`) or a person confirmed."""

    tables: dict[str, str] = field(default_factory=dict)  # old qualified name -> new qualified name
    columns: dict[tuple[str, str], str] = field(default_factory=dict)  # (new table key, old column) -> new
    enum_values: dict[tuple[str, str], str] = field(default_factory=dict)  # (enum key, old value) -> new


@dataclass(slots=True)
class Diff:
    ops: list[Op] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)


def _split(key: str) -> tuple[str, str]:
    schema, _, name = key.partition(".")
    return schema, name


_NEXTVAL = re.compile(r"^nextval\('((?:[^']|'')+)'(?:::regclass)?\)$")


def _owned_sequence(default: str | None) -> str | None:
    """The sequence a `nextval('name'::regclass)` default draws from, as written there; else None."""
    found = _NEXTVAL.match(default.strip()) if default else None
    return found.group(1).replace("''", "'") if found else None


def _tq(key: str) -> str:
    return _q(*_split(key))


# ---- types ------------------------------------------------------------------------------------

_STRING = {"text", "character varying", "character", "citext", "name"}
_NUMBER = {"smallint", "integer", "bigint", "numeric", "real", "double precision"}
_TIME = {"timestamp without time zone", "timestamp with time zone", "date"}
_INT_RANGE = {"smallint": (-(2**15), 2**15 - 1), "integer": (-(2**31), 2**31 - 1), "bigint": (-(2**63), 2**63 - 1)}
_TYPMOD = re.compile(r"^(?P<base>[^(\[]+?)(?:\((?P<mods>[^)]*)\))?(?P<array>(\[\])*)$")


def _parts(type_text: str) -> tuple[str, list[int], bool]:
    """('character varying', [20], False) for 'character varying(20)'."""
    mt = _TYPMOD.match(type_text.strip())
    if not mt:
        return type_text, [], False
    mods = [int(x) for x in (mt["mods"] or "").split(",") if x.strip().lstrip("-").isdigit()]
    return mt["base"].strip(), mods, bool(mt["array"])


@dataclass(frozen=True, slots=True)
class TypeChange:
    rewrites: bool
    lossy_where: str | None  # predicate (over "c") of rows whose value changes or is cut; None = no loss
    needs_using: bool


def type_change(old: str, new: str) -> TypeChange:
    """What ALTER COLUMN … TYPE does from `old` to `new`: rewrite? rows that lose data? cast needed?"""
    ob, om, oa = _parts(old)
    nb, nm, na = _parts(new)
    family = next((f for f in (_STRING, _NUMBER, _TIME) if ob in f), None)
    same_family = oa == na and family is not None and nb in family
    using = not same_family and nb != "text"
    if oa != na:
        return TypeChange(True, None if na else "c IS NOT NULL", True)
    if ob in ("character varying", "character") and nb in ("character varying", "text"):
        if nb == "text" or not nm or (om and nm[0] >= om[0]):
            return TypeChange(ob == "character", None, False)
        return TypeChange(True, f"length(c) > {nm[0]}", False)
    if nb in ("character varying", "character") and nm:
        return TypeChange(True, f"length(c::text) > {nm[0]}", using)
    if ob == "numeric" and nb == "numeric":
        if not nm:
            return TypeChange(False, None, False)
        if om and nm[0] - (nm[1] if len(nm) > 1 else 0) >= om[0] - (om[1] if len(om) > 1 else 0):
            same_scale = (nm[1] if len(nm) > 1 else 0) == (om[1] if len(om) > 1 else 0)
            if same_scale:
                return TypeChange(False, None, False)
            if (nm[1] if len(nm) > 1 else 0) > (om[1] if len(om) > 1 else 0):
                return TypeChange(True, None, False)
        scale = nm[1] if len(nm) > 1 else 0
        return TypeChange(True, f"c <> round(c, {scale})", False)
    if nb in _INT_RANGE:
        if ob in _INT_RANGE:
            lo, hi = _INT_RANGE[nb]
            wider = _INT_RANGE[ob][1] <= hi
            return TypeChange(True, None if wider else f"c NOT BETWEEN {lo} AND {hi}", False)
        if ob in ("numeric", "real", "double precision"):
            return TypeChange(True, "c <> trunc(c)", False)
    if nb in ("real", "double precision") and ob in _NUMBER and ob != nb:
        if ob == "real" and nb == "double precision":
            return TypeChange(True, None, False)
        return TypeChange(True, "c IS NOT NULL", False)
    if nb == "numeric" and nm and ob in ("real", "double precision"):
        return TypeChange(True, f"c::numeric <> round(c::numeric, {nm[1] if len(nm) > 1 else 0})", False)
    if ob == "timestamp with time zone" and nb == "date" or ob == "timestamp without time zone" and nb == "date":
        return TypeChange(True, "c <> c::date", False)
    return TypeChange(True, None, using)


def _using(col: str, old: str, new: str) -> str:
    c = quote_ident(col)
    ob, _, _ = _parts(old)
    plain = ob in _STRING or ob in _NUMBER or ob in _TIME or ob in ("boolean", "uuid", "json", "jsonb")
    return f" USING {c}::{new}" if plain else f" USING {c}::text::{new}"


# ---- the diff ---------------------------------------------------------------------------------


class _Planner:
    def __init__(
        self, current: m.Schema, target: m.Schema, renames: Renames, support: Callable[[], list[Op]], online: bool
    ):
        self.online = online
        self.cur = current
        self.tgt = target
        self.renames = renames
        self.out = Diff()
        self.support = support
        self.new_tables: set[str] = set()
        self.dropped_tables: set[str] = set()
        self.changed_columns: set[str] = set()  # "schema.table" whose columns change type, name or existence
        self.recreated_views: set[str] = set()
        self.dropped_views: set[str] = set()
        self.dropped_functions: set[str] = set()
        self.created_indexes: set[str] = set()
        self.rekeyed: set[tuple[str, str]] = set()  # (table, foreign key) rebuilt around a type change

    def add(self, op: Op) -> None:
        if not self.online and not op.transactional:
            # one transaction for everything: plain forms, which lock writers out while they build
            text = op.sql.replace(" CONCURRENTLY", "", 1)
            lock = SHARE if text.startswith(("CREATE INDEX", "CREATE UNIQUE INDEX")) else ACCESS_EXCLUSIVE
            op = replace(op, sql=text, transactional=True, lock=lock if op.table else op.lock)
        self.out.ops.append(op)

    def notice(self, message: str, span: Any = None, blocker: str | None = None, rename: tuple[str, ...] = ()) -> None:
        self.out.notices.append(Notice(message, span, blocker, rename))

    # -- entry point --
    def run(self) -> Diff:
        self._renames()
        self._prepare()
        self._enums()
        self._composites_domains_sequences()
        self._functions()
        self._tables()
        self._views_to_rebuild()
        self._indexes()
        self._views()
        self._triggers_policies()
        self._grants_comments()
        self._drop_leftovers()
        self.out.ops.sort(key=lambda op: op.phase)  # stable: order within a phase is kept
        return self.out

    # -- renames: applied to the current model first, so everything after compares like with like --
    def _renames(self) -> None:
        tables = list(self.cur.tables)
        for old, new in self.renames.tables.items():
            t = self.cur.table(old)
            if t is None or self.tgt.table(new) is None or self.cur.table(new) is not None:
                continue
            schema, name = _split(new)
            self.add(
                Op(
                    f"ALTER TABLE {_tq(old)} RENAME TO {quote_ident(name)};",
                    f"rename table {old} to {name}",
                    PREPARE + 0.5,
                    old,
                    ACCESS_EXCLUSIVE,
                    span=self.tgt.table(new).span,  # type: ignore[union-attr]
                )
            )
            tables = [replace(x, name=name) if x.key == old else x for x in tables]
            tables = [
                replace(
                    x,
                    foreign_keys=tuple(replace(f, ref_table=name) if f.ref_key == old else f for f in x.foreign_keys),
                )
                for x in tables
            ]
            self.cur = self.cur.with_(
                tables=tables,
                indexes=[replace(i, table=name) if i.table_key == old else i for i in self.cur.indexes],
                triggers=[replace(t, table=name) if t.table_key == old else t for t in self.cur.triggers],
                policies=[replace(p, table=name) if p.table_key == old else p for p in self.cur.policies],
            )
            self.changed_columns.add(new)
        for (table_key, old_col), new_col in self.renames.columns.items():
            t = self.cur.table(table_key)
            tt = self.tgt.table(table_key)
            if t is None or tt is None or t.column(old_col) is None or t.column(new_col) is not None:
                continue
            if tt.column(new_col) is None:
                continue
            self.add(
                Op(
                    f"ALTER TABLE {_tq(table_key)} RENAME COLUMN {quote_ident(old_col)} TO {quote_ident(new_col)};",
                    f"rename column {table_key}.{old_col} to {new_col}",
                    PREPARE + 0.6,
                    table_key,
                    ACCESS_EXCLUSIVE,
                    span=tt.column(new_col).span,  # type: ignore[union-attr]
                )
            )

            def ren(cols: tuple[str, ...], o: str = old_col, n: str = new_col) -> tuple[str, ...]:
                return tuple(n if c == o else c for c in cols)

            t2 = replace(
                t,
                columns=tuple(replace(c, name=new_col) if c.name == old_col else c for c in t.columns),
                primary_key=replace(t.primary_key, columns=ren(t.primary_key.columns)) if t.primary_key else None,
                uniques=tuple(replace(u, columns=ren(u.columns)) for u in t.uniques),
                foreign_keys=tuple(replace(f, columns=ren(f.columns)) for f in t.foreign_keys),
            )
            tables2 = [t2 if x.key == table_key else x for x in self.cur.tables]
            tables2 = [
                replace(
                    x,
                    foreign_keys=tuple(
                        replace(f, ref_columns=ren(f.ref_columns)) if f.ref_key == table_key else f
                        for f in x.foreign_keys
                    ),
                )
                for x in tables2
            ]
            self.cur = self.cur.with_(
                tables=tables2,
                indexes=[
                    replace(i, keys=tuple(_rename_key(k, old_col, new_col) for k in i.keys), include=ren(i.include))
                    if i.table_key == table_key
                    else i
                    for i in self.cur.indexes
                ],
            )
            self.changed_columns.add(table_key)

    # -- schemas, extensions, roles, helpers --
    def _prepare(self) -> None:
        for s in sorted(set(self.tgt.schemas) - set(self.cur.schemas)):
            self.add(Op(f"CREATE SCHEMA {quote_ident(s)};", f"create schema {s}", PREPARE))
        for s in sorted(set(self.cur.schemas) - set(self.tgt.schemas)):
            self.add(Op(f"DROP SCHEMA {quote_ident(s)};", f"drop schema {s}", DROP + 0.9))
        cur, tgt = _by_key(self.cur.extensions), _by_key(self.tgt.extensions)
        for k in sorted(tgt.keys() - cur.keys()):
            self.add(Op(extension_sql(tgt[k]), f"create extension {k}", PREPARE, span=tgt[k].span))
        for k in sorted(cur.keys() - tgt.keys()):
            self.add(Op(f"DROP EXTENSION {quote_ident(k)};", f"drop extension {k}", DROP + 0.8))
        self.out.ops.extend(self.support())
        cur_roles = _by_key(self.cur.roles)
        for r in self.tgt.roles:
            if r.key not in cur_roles:
                self.add(Op(role_sql(r), f"create role {r.name}", PREPARE, span=r.span))
            elif cur_roles[r.key].login != r.login:
                login = "LOGIN" if r.login else "NOLOGIN"
                self.add(Op(f"ALTER ROLE {quote_ident(r.name)} {login};", f"alter role {r.name}", PREPARE, span=r.span))

    # -- enums --
    def _enums(self) -> None:
        cur, tgt = _by_key(self.cur.enums), _by_key(self.tgt.enums)
        for k in sorted(tgt.keys() - cur.keys()):
            self.add(Op(enum_sql(tgt[k]), f"create type {k}", TYPES, span=tgt[k].span))
        for k in sorted(cur.keys() - tgt.keys()):
            self.add(Op(f"DROP TYPE {_tq(k)};", f"drop type {k}", DROP + 0.5))
        for k in sorted(cur.keys() & tgt.keys()):
            old: m.Enum = cur[k]
            new: m.Enum = tgt[k]
            if old.values == new.values:
                continue
            values: list[str] = list(old.values)
            for (ek, ov), nv in self.renames.enum_values.items():
                if ek == k and ov in values and nv in new.values and nv not in values:
                    self.add(
                        Op(
                            f"ALTER TYPE {_tq(k)} RENAME VALUE {_literal(ov)} TO {_literal(nv)};",
                            f"rename value {ov} of {k} to {nv}",
                            TYPES,
                            span=new.span,
                        )
                    )
                    values[values.index(ov)] = nv
            if tuple(values) == new.values:
                continue
            kept = [v for v in new.values if v in values]
            if kept == values and self.online:  # only additions: ADD VALUE keeps the order with BEFORE/AFTER
                for i, v in enumerate(new.values):
                    if v in values:
                        continue
                    after = new.values[i - 1] if i > 0 else None
                    where = (
                        f" AFTER {_literal(after)}"
                        if after
                        else f" BEFORE {_literal(new.values[1])}"
                        if len(new.values) > 1
                        else ""
                    )
                    self.add(
                        Op(
                            f"ALTER TYPE {_tq(k)} ADD VALUE {_literal(v)}{where};",
                            f"add value {v} to {k}",
                            TYPES,
                            transactional=False,
                            span=new.span,
                            note="a new enum value cannot be used in the transaction that adds it",
                        )
                    )
                continue
            self._swap_enum(k, old, new, [v for v in values if v not in new.values])

    def _swap_enum(self, key: str, old: m.Enum, new: m.Enum, removed: list[str]) -> None:
        """Remove or reorder values: a new type beside the old, each column moved over, the old dropped."""
        schema, name = _split(key)
        tmp = f"{name}__old"[:63]
        self.add(
            Op(f"ALTER TYPE {_tq(key)} RENAME TO {quote_ident(tmp)};", f"rename type {key} aside", TYPES, span=new.span)
        )
        self.add(
            Op(
                enum_sql(new),
                f"create type {key} with its new values",
                TYPES,
                span=new.span,
            )
        )
        spelled = {key, name, f"{key}[]", f"{name}[]"}
        for t in self.cur.tables:
            for c in t.columns:
                if c.type not in spelled:
                    continue
                self.changed_columns.add(t.key)
                tc = self.tgt.table(t.key)
                target_col = tc.column(c.name) if tc else None
                if c.default is not None:
                    self.add(
                        Op(
                            f"ALTER TABLE {_tq(t.key)} ALTER COLUMN {quote_ident(c.name)} DROP DEFAULT;",
                            f"drop default of {t.key}.{c.name}",
                            TYPES,
                            t.key,
                            ACCESS_EXCLUSIVE,
                        )
                    )
                arr = "[]" if c.type.endswith("[]") else ""
                lost = ", ".join(_literal(v) for v in removed)
                self.add(
                    Op(
                        f"ALTER TABLE {_tq(t.key)} ALTER COLUMN {quote_ident(c.name)} TYPE {_tq(key)}{arr} "
                        f"USING {quote_ident(c.name)}::text::{_tq(key)}{arr};",
                        f"move {t.key}.{c.name} to the new {key}",
                        TYPES,
                        t.key,
                        ACCESS_EXCLUSIVE,
                        rewrites=True,
                        loses=f"rows of {t.key} holding {', '.join(removed)} in {c.name}" if removed else None,
                        at_stake=(
                            f"SELECT count(*) FROM {_tq(t.key)} WHERE {quote_ident(c.name)}::text IN ({lost})"
                            if removed and not arr
                            else None
                        ),
                    )
                )
                if target_col is not None and target_col.default is not None and target_col.default == c.default:
                    # (a default that changes too is set by the column's own alteration)
                    self.add(
                        Op(
                            f"ALTER TABLE {_tq(t.key)} ALTER COLUMN {quote_ident(c.name)} SET DEFAULT {target_col.default};",
                            f"set default of {t.key}.{c.name}",
                            TYPES,
                            t.key,
                            ACCESS_EXCLUSIVE,
                        )
                    )
        self.add(Op(f"DROP TYPE {_q(schema, tmp)};", f"drop the old {key}", TYPES))

    # -- composites, domains, sequences --
    def _composites_domains_sequences(self) -> None:
        cur, tgt = _by_key(self.cur.composites), _by_key(self.tgt.composites)
        for k in sorted(tgt.keys() - cur.keys()):
            self.add(Op(composite_sql(tgt[k]), f"create type {k}", TYPES, span=tgt[k].span))
        for k in sorted(cur.keys() - tgt.keys()):
            self.add(Op(f"DROP TYPE {_tq(k)};", f"drop type {k}", DROP + 0.5))
        for k in sorted(cur.keys() & tgt.keys()):
            o, n = dict(cur[k].attributes), dict(tgt[k].attributes)
            actions = [f"DROP ATTRIBUTE {quote_ident(a)}" for a in o if a not in n]
            actions += [f"ADD ATTRIBUTE {quote_ident(a)} {t}" for a, t in n.items() if a not in o]
            actions += [f"ALTER ATTRIBUTE {quote_ident(a)} TYPE {t}" for a, t in n.items() if a in o and o[a] != t]
            if actions:
                self.add(Op(f"ALTER TYPE {_tq(k)} {', '.join(actions)};", f"alter type {k}", TYPES, span=tgt[k].span))
        cur_d, tgt_d = _by_key(self.cur.domains), _by_key(self.tgt.domains)
        for k in sorted(tgt_d.keys() - cur_d.keys()):
            self.add(Op(domain_sql(tgt_d[k]), f"create domain {k}", TYPES, span=tgt_d[k].span))
        for k in sorted(cur_d.keys() - tgt_d.keys()):
            self.add(Op(f"DROP DOMAIN {_tq(k)};", f"drop domain {k}", DROP + 0.5))
        for k in sorted(cur_d.keys() & tgt_d.keys()):
            o, n = cur_d[k], tgt_d[k]
            if o.type != n.type:
                self.notice(
                    f"domain {k} changes its base type from {o.type} to {n.type}: PostgreSQL cannot alter it; "
                    "create a new domain and move the columns over by hand",
                    n.span,
                )
                continue
            alter = f"ALTER DOMAIN {_tq(k)}"
            if o.default != n.default:
                self.add(
                    Op(
                        f"{alter} {'DROP DEFAULT' if n.default is None else 'SET DEFAULT ' + n.default};",
                        f"alter default of domain {k}",
                        TYPES,
                        span=n.span,
                    )
                )
            if o.not_null != n.not_null:
                self.add(
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
                    self.add(
                        Op(f"{alter} DROP CONSTRAINT {quote_ident(name)};", f"drop check {name} of domain {k}", TYPES)
                    )
            for name in sorted(nc):
                if oc.get(name) != nc[name]:
                    self.add(
                        Op(
                            f"{alter} ADD CONSTRAINT {quote_ident(name)} CHECK ({nc[name].expression}) NOT VALID;",
                            f"add check {name} to domain {k}",
                            TYPES,
                            span=n.span,
                        )
                    )
                    self.add(
                        Op(
                            f"{alter} VALIDATE CONSTRAINT {quote_ident(name)};",
                            f"validate check {name} of domain {k}",
                            TYPES,
                            scans=True,
                            span=n.span,
                        )
                    )
        cur_s, tgt_s = _by_key(self.cur.sequences), _by_key(self.tgt.sequences)
        for k in sorted(tgt_s.keys() - cur_s.keys()):
            self.add(Op(sequence_sql(tgt_s[k]), f"create sequence {k}", TYPES, span=tgt_s[k].span))
        for k in sorted(cur_s.keys() - tgt_s.keys()):
            self.add(Op(f"DROP SEQUENCE {_tq(k)};", f"drop sequence {k}", DROP + 0.4))
        for k in sorted(cur_s.keys() & tgt_s.keys()):
            if cur_s[k] != tgt_s[k]:
                self.add(
                    Op(
                        f"ALTER SEQUENCE {_tq(k)} {_sequence_options(tgt_s[k])};",
                        f"alter sequence {k}",
                        TYPES,
                        span=tgt_s[k].span,
                    )
                )

    # -- functions --
    def _functions(self) -> None:
        cur, tgt = _by_key(self.cur.functions), _by_key(self.tgt.functions)
        for k in sorted(tgt.keys() - cur.keys()):
            self.add(Op(function_sql(tgt[k]), f"create {tgt[k].kind} {k}", TYPES, span=tgt[k].span))
        for k in sorted(cur.keys() - tgt.keys()):
            self.dropped_functions.add(f"{cur[k].schema}.{cur[k].name}")
            self.add(Op(f"DROP {cur[k].kind.upper()} {_function_ref(cur[k])};", f"drop {cur[k].kind} {k}", DROP + 0.3))
        for k in sorted(cur.keys() & tgt.keys()):
            o, n = cur[k], tgt[k]
            if o == n:
                continue
            replaceable = (
                o.kind == n.kind
                and o.returns == n.returns
                and [(a.name, a.mode) for a in o.arguments] == [(a.name, a.mode) for a in n.arguments]
                and all(
                    a.default is not None or b.default is None for a, b in zip(n.arguments, o.arguments, strict=True)
                )
            )
            if not replaceable:
                self.dropped_functions.add(f"{o.schema}.{o.name}")
                self.add(
                    Op(f"DROP {o.kind.upper()} {_function_ref(o)};", f"drop {o.kind} {k} to recreate it", DETACH + 0.9)
                )
            self.add(Op(function_sql(n), f"{'replace' if replaceable else 'create'} {n.kind} {k}", TYPES, span=n.span))

    # -- tables --
    def _tables(self) -> None:
        cur, tgt = _by_key(self.cur.tables), _by_key(self.tgt.tables)
        new = [tgt[k] for k in sorted(tgt.keys() - cur.keys())]
        self.new_tables = {t.key for t in new}
        dropped = sorted(cur.keys() - tgt.keys())
        # a table whose partitioning changes cannot be altered into shape: it is rebuilt (and loses its rows)
        for k in sorted(cur.keys() & tgt.keys()):
            o, n = cur[k], tgt[k]
            if (o.partition_by, o.partition_of, o.partition_bound) != (
                n.partition_by,
                n.partition_of,
                n.partition_bound,
            ):
                dropped.append(k)
                new.append(n)
                self.new_tables.add(k)
        self.dropped_tables = set(dropped)
        self._detect_renames(new, [cur[k] for k in dropped])
        # foreign keys into dropped tables go first, so the tables can be dropped in any order
        for t in self.cur.tables:
            if t.key in self.dropped_tables:
                for fk in t.foreign_keys:
                    self.add(
                        Op(
                            f"ALTER TABLE {_tq(t.key)} DROP CONSTRAINT {quote_ident(fk.name)};",
                            f"drop foreign key {fk.name}",
                            DETACH,
                            t.key,
                            ACCESS_EXCLUSIVE,
                        )
                    )
        self._retyped_keys(cur, tgt)
        ordered, inline, later = _table_order(m.Schema.build(tables=new))
        for t in ordered:
            # keys to existing tables are added once those tables have their new shape
            mine = tuple(fk for fk in inline[t.key] if fk.ref_key in self.new_tables)
            later += [(t, fk) for fk in inline[t.key] if fk.ref_key not in self.new_tables]
            self.add(Op(table_sql(t, mine), f"create table {t.key}", TABLES, span=t.span))
            if t.rls_enabled:
                self.add(
                    Op(
                        f"ALTER TABLE {_tq(t.key)} ENABLE ROW LEVEL SECURITY;",
                        f"enable row level security on {t.key}",
                        ATTACH,
                        span=t.span,
                    )
                )
            if t.rls_forced:
                self.add(
                    Op(
                        f"ALTER TABLE {_tq(t.key)} FORCE ROW LEVEL SECURITY;",
                        f"force row level security on {t.key}",
                        ATTACH,
                        span=t.span,
                    )
                )
            self._table_comments(None, t)
        for t, fk in later:
            self.add(
                Op(
                    f"ALTER TABLE {_tq(t.key)} ADD {foreign_key_sql(fk)};",
                    f"add foreign key {fk.name}",
                    FOREIGN_KEYS,
                    t.key,
                    SHARE_ROW_EXCLUSIVE,
                    span=fk.span,
                )
            )
        for k in sorted(cur.keys() & tgt.keys()):
            if k not in self.new_tables:
                self._alter_table(cur[k], tgt[k])
        views = {v.key for v in self.tgt.views}
        for k in sorted(self.dropped_tables):
            t = cur[k]
            if t.partition_of in self.dropped_tables:
                continue  # goes with its parent
            self.add(
                Op(
                    f"DROP TABLE {_tq(k)};",
                    f"drop table {k}" + (" (a view of the same name replaces it)" if k in views else ""),
                    VIEWS - 0.5 if k in views else DROP,  # the name must be free before the view is made
                    k,
                    ACCESS_EXCLUSIVE,
                    loses=f"every row of {k}",
                    at_stake=f"SELECT count(*) FROM {_tq(k)}",
                )
            )

    def _retyped_keys(self, cur: dict[str, m.Table], tgt: dict[str, m.Table]) -> None:
        """Foreign keys on either side of a column whose type changes: dropped first, added back after."""
        retyped = set()
        for k in cur.keys() & tgt.keys():
            theirs = {c.name: c.type for c in tgt[k].columns}
            retyped |= {(k, c.name) for c in cur[k].columns if theirs.get(c.name, c.type) != c.type}
        for t in cur.values():
            for fk in t.foreign_keys:
                mine = {(t.key, c) for c in fk.columns} | {(fk.ref_key, c) for c in fk.ref_columns}
                if mine & retyped:
                    self.rekeyed.add((t.key, fk.name))

    def _detect_renames(self, new: list[m.Table], dropped: list[m.Table]) -> None:
        for d in dropped:
            shape = sorted((c.name, c.type) for c in d.columns)
            for n in new:
                if sorted((c.name, c.type) for c in n.columns) == shape and n.schema == d.schema:
                    self.notice(
                        f"table {n.key} looks like {d.key} renamed: this plan drops {d.key} and creates {n.key}; "
                        f"if it is a rename, put `<!-- schemadoc: renamed-from={d.name} -->` before {n.name}'s definition",
                        n.span,
                        rename=("table", d.key, n.key),
                    )

    def _table_comments(self, old: m.Table | None, new: m.Table) -> None:
        if (old.comment if old else None) != new.comment:
            text = "NULL" if new.comment is None else _literal(new.comment)
            self.add(Op(f"COMMENT ON TABLE {_tq(new.key)} IS {text};", f"comment on {new.key}", ATTACH, span=new.span))
        old_cols = {c.name: c for c in old.columns} if old else {}
        for c in new.columns:
            before = old_cols[c.name].comment if c.name in old_cols else None
            if before != c.comment:
                text = "NULL" if c.comment is None else _literal(c.comment)
                self.add(
                    Op(
                        f"COMMENT ON COLUMN {_tq(new.key)}.{quote_ident(c.name)} IS {text};",
                        f"comment on {new.key}.{c.name}",
                        ATTACH,
                        span=c.span,
                    )
                )

    def _alter_table(self, o: m.Table, n: m.Table) -> None:
        k = n.key
        at = f"ALTER TABLE {_tq(k)}"
        oc, nc = {c.name: c for c in o.columns}, {c.name: c for c in n.columns}
        added = [c for c in n.columns if c.name not in oc]
        removed = [c for c in o.columns if c.name not in nc]
        for r in removed:
            for a in added:
                if a.type == r.type:
                    self.notice(
                        f"column {k}.{a.name} looks like {r.name} renamed: this plan drops {r.name} and adds {a.name}; "
                        f"if it is a rename, put `schemadoc: renamed-from={r.name}` in a comment on {a.name}'s line",
                        a.span,
                        rename=("column", k, r.name, a.name),
                    )
        if added or removed:
            self.changed_columns.add(k)
        # constraints that go or change are dropped before the columns change under them
        o_cons, n_cons = _constraints(o), _constraints(n)
        renamed_cons = _same_definition_renames(o_cons, n_cons)
        for old_name, new_name in renamed_cons.items():
            self.add(
                Op(
                    f"{at} RENAME CONSTRAINT {quote_ident(old_name)} TO {quote_ident(new_name)};",
                    f"rename constraint {old_name} to {new_name}",
                    DETACH,
                    k,
                    ACCESS_EXCLUSIVE,
                )
            )
        for name, (kind, c) in sorted(o_cons.items()):
            if name in renamed_cons:
                continue
            if n_cons.get(name) != (kind, c) or (k, name) in self.rekeyed:
                phase = DETACH if kind == "f" else DETACH + 0.1
                self.add(
                    Op(
                        f"{at} DROP CONSTRAINT {quote_ident(name)};",
                        f"drop {_KIND_NAMES[kind]} {name}",
                        phase,
                        k,
                        ACCESS_EXCLUSIVE,
                    )
                )
        for c in added:
            self._add_column(n, c, bool(o.columns))
        for c in n.columns:
            if c.name in oc:
                self._alter_column(n, oc[c.name], c)
        for c in removed:
            self.add(
                Op(
                    f"{at} DROP COLUMN {quote_ident(c.name)};",
                    f"drop column {k}.{c.name}",
                    DROP - 0.5,
                    k,
                    ACCESS_EXCLUSIVE,
                    loses=f"the values of {k}.{c.name}",
                    at_stake=f"SELECT count(*) FROM {_tq(k)} WHERE {quote_ident(c.name)} IS NOT NULL",
                )
            )
        for name, (kind, c) in sorted(n_cons.items()):
            if name in renamed_cons.values() or o_cons.get(name) == (kind, c) and (k, name) not in self.rekeyed:
                continue
            self._add_constraint(n, kind, c)
        if o.rls_enabled != n.rls_enabled:
            self.add(
                Op(
                    f"{at} {'ENABLE' if n.rls_enabled else 'DISABLE'} ROW LEVEL SECURITY;",
                    f"{'enable' if n.rls_enabled else 'disable'} row level security on {k}",
                    ATTACH,
                    k,
                    ACCESS_EXCLUSIVE,
                    span=n.span,
                )
            )
        if o.rls_forced != n.rls_forced:
            self.add(
                Op(
                    f"{at} {'' if n.rls_forced else 'NO '}FORCE ROW LEVEL SECURITY;",
                    f"{'force' if n.rls_forced else 'unforce'} row level security on {k}",
                    ATTACH,
                    k,
                    ACCESS_EXCLUSIVE,
                    span=n.span,
                )
            )
        self._table_comments(o, n)

    def _add_column(self, t: m.Table, c: m.Column, has_rows: bool) -> None:
        volatile = c.identity is not None or c.generated is not None or _volatile(c.default)
        op = Op(
            f"ALTER TABLE {_tq(t.key)} ADD COLUMN {column_sql(t, c)};",
            f"add column {t.key}.{c.name}",
            TABLES,
            t.key,
            ACCESS_EXCLUSIVE,
            rewrites=volatile,
            span=c.span,
            note=REWRITE_ADVICE if volatile else "",
        )
        self.add(op)
        if c.not_null and c.default is None and c.identity is None and c.generated is None:
            self.notice(
                f"{t.key}.{c.name} is added NOT NULL without a default: the migration fails if {t.key} has rows; "
                "give it a default, or add it nullable, backfill, then set NOT NULL",
                c.span,
                blocker=f"SELECT count(*) FROM {_tq(t.key)}",
            )

    def _alter_column(self, t: m.Table, o: m.Column, n: m.Column) -> None:
        k = t.key
        at = f"ALTER TABLE {_tq(k)} ALTER COLUMN {quote_ident(n.name)}"
        col = quote_ident(n.name)
        if o.generated != n.generated or (o.generated is None) != (n.generated is None):
            # a generated expression cannot be altered (before PostgreSQL 17): drop and add, recomputed
            self.changed_columns.add(k)
            self.add(
                Op(
                    f"ALTER TABLE {_tq(k)} DROP COLUMN {col};",
                    f"drop column {k}.{n.name} to recreate it",
                    TABLES,
                    k,
                    ACCESS_EXCLUSIVE,
                    loses=None if o.generated else f"the values of {k}.{n.name}",
                    at_stake=None if o.generated else f"SELECT count(*) FROM {_tq(k)} WHERE {col} IS NOT NULL",
                )
            )
            self.add(
                Op(
                    f"ALTER TABLE {_tq(k)} ADD COLUMN {column_sql(t, n)};",
                    f"add column {k}.{n.name}",
                    TABLES,
                    k,
                    ACCESS_EXCLUSIVE,
                    rewrites=n.generated is not None,
                    span=n.span,
                )
            )
            return
        type_changes = o.type != n.type
        if type_changes and o.default is not None:
            self.add(
                Op(f"{at} DROP DEFAULT;", f"drop default of {k}.{n.name}", TABLES, k, ACCESS_EXCLUSIVE, span=n.span)
            )
        if o.identity != n.identity and o.identity is not None and n.identity is None:
            self.add(
                Op(f"{at} DROP IDENTITY;", f"drop identity of {k}.{n.name}", TABLES, k, ACCESS_EXCLUSIVE, span=n.span)
            )
        if type_changes:
            self.changed_columns.add(k)
            tc = type_change(o.type, n.type)
            using = _using(n.name, o.type, n.type) if tc.needs_using else ""
            where = re.sub(r"\bc\b", col, tc.lossy_where) if tc.lossy_where else None
            self.add(
                Op(
                    f"{at} TYPE {n.type}{using};",
                    f"change type of {k}.{n.name} from {o.type} to {n.type}",
                    TABLES,
                    k,
                    ACCESS_EXCLUSIVE,
                    rewrites=tc.rewrites,
                    loses=f"values of {k}.{n.name} that {n.type} cannot hold exactly" if where else None,
                    at_stake=f"SELECT count(*) FROM {_tq(k)} WHERE {where}" if where else None,
                    span=n.span,
                    note=REWRITE_ADVICE if tc.rewrites else "",
                )
            )
        if (
            o.default != n.default
            and n.identity is None
            and (type_changes or o.default is not None or n.default is not None)
        ):
            if n.default is not None:
                created = self._serial_sequence(t, n, o.default)
                self.add(
                    Op(
                        f"{at} SET DEFAULT {n.default};",
                        f"set default of {k}.{n.name}",
                        TABLES,
                        k,
                        ACCESS_EXCLUSIVE,
                        span=n.span,
                    )
                )
                if created:
                    self.add(
                        Op(
                            f"SELECT setval({_literal(created)}, coalesce(max({col}), 0) + 1, false) FROM {_tq(k)};",
                            f"start {created} past the existing values of {k}.{n.name}",
                            TABLES,
                            k,
                            scans=True,
                            span=n.span,
                        )
                    )
            elif not type_changes:
                self.add(
                    Op(f"{at} DROP DEFAULT;", f"drop default of {k}.{n.name}", TABLES, k, ACCESS_EXCLUSIVE, span=n.span)
                )
            gone = _owned_sequence(o.default)
            if gone and gone != _owned_sequence(n.default) and not self._modelled_sequence(gone):
                # serial → plain: the column's own sequence goes with the default that used it
                self.add(Op(f"DROP SEQUENCE IF EXISTS {gone};", f"drop sequence {gone}", TABLES, k, ACCESS_EXCLUSIVE))
        elif type_changes and n.default is not None and o.default is not None:
            self.add(
                Op(
                    f"{at} SET DEFAULT {n.default};",
                    f"set default of {k}.{n.name}",
                    TABLES,
                    k,
                    ACCESS_EXCLUSIVE,
                    span=n.span,
                )
            )
        if o.identity != n.identity and n.identity is not None:
            if o.identity is None:
                if o.default is not None and not type_changes:
                    self.add(
                        Op(
                            f"{at} DROP DEFAULT;",
                            f"drop default of {k}.{n.name}",
                            TABLES,
                            k,
                            ACCESS_EXCLUSIVE,
                            span=n.span,
                        )
                    )
                if not o.not_null:  # PostgreSQL adds an identity only to a NOT NULL column
                    self._set_not_null(t, n, TABLES)
                self.add(
                    Op(
                        f"{at} ADD GENERATED {n.identity.upper()} AS IDENTITY;",
                        f"make {k}.{n.name} an identity",
                        TABLES,
                        k,
                        ACCESS_EXCLUSIVE,
                        span=n.span,
                    )
                )
                self.add(
                    Op(
                        f"SELECT setval(pg_get_serial_sequence({_literal(_tq(k))}, {_literal(n.name)}), "
                        f"coalesce(max({col}), 0) + 1, false) FROM {_tq(k)};",
                        f"start the identity of {k}.{n.name} past the existing values",
                        TABLES,
                        k,
                        scans=True,
                        span=n.span,
                    )
                )
            else:
                self.add(
                    Op(
                        f"{at} SET GENERATED {n.identity.upper()};",
                        f"alter identity of {k}.{n.name}",
                        TABLES,
                        k,
                        ACCESS_EXCLUSIVE,
                        span=n.span,
                    )
                )
        if o.not_null and not n.not_null:  # DROP IDENTITY leaves NOT NULL: it goes too when the doc says so
            self.add(
                Op(f"{at} DROP NOT NULL;", f"drop not null of {k}.{n.name}", TABLES, k, ACCESS_EXCLUSIVE, span=n.span)
            )
        if n.not_null and not o.not_null and not (n.identity and o.identity is None):
            self._set_not_null(t, n)

    def _modelled_sequence(self, name: str) -> bool:
        """A sequence of the schema model (CREATE SEQUENCE in the doc), not a serial column's own."""
        bare = name.replace('"', "")
        return any(q.key == bare or q.name == bare for q in [*self.tgt.sequences, *self.cur.sequences])

    def _serial_sequence(self, t: m.Table, c: m.Column, old_default: str | None) -> str | None:
        """integer → serial: the column's own sequence (`nextval('t_id_seq')`, not a modelled one) is made
        and owned by the column before the default uses it; its name, else None."""
        name = _owned_sequence(c.default)
        if name is None or name == _owned_sequence(old_default) or self._modelled_sequence(name):
            return None
        base = {"smallint": "smallint", "integer": "integer", "bigint": "bigint"}.get(c.type, "bigint")
        col = f"{_tq(t.key)}.{quote_ident(c.name)}"
        self.add(
            Op(
                f"CREATE SEQUENCE IF NOT EXISTS {name} AS {base} OWNED BY {col};",
                f"create sequence {name} for {t.key}.{c.name}",
                TABLES,
                t.key,
                ACCESS_EXCLUSIVE,
                span=c.span,
            )
        )
        return name

    def _set_not_null(self, t: m.Table, c: m.Column, phase: float = CONSTRAINTS) -> None:
        """NOT NULL without a long ACCESS EXCLUSIVE scan: a CHECK validated under a weak lock first."""
        k, col = t.key, quote_ident(c.name)
        name = make_object_name(t.name, c.name, "not_null")
        at = f"ALTER TABLE {_tq(k)}"
        if k in self.new_tables:
            self.add(
                Op(
                    f"{at} ALTER COLUMN {col} SET NOT NULL;",
                    f"set not null on {k}.{c.name}",
                    phase,
                    k,
                    ACCESS_EXCLUSIVE,
                    span=c.span,
                )
            )
            return
        self.add(
            Op(
                f"{at} ADD CONSTRAINT {quote_ident(name)} CHECK ({col} IS NOT NULL) NOT VALID;",
                f"add check {name}",
                phase,
                k,
                ACCESS_EXCLUSIVE,
                span=c.span,
            )
        )
        self.add(
            Op(
                f"{at} VALIDATE CONSTRAINT {quote_ident(name)};",
                f"validate check {name}",
                phase,
                k,
                SHARE_UPDATE_EXCLUSIVE,
                scans=True,
                span=c.span,
            )
        )
        self.add(
            Op(
                f"{at} ALTER COLUMN {col} SET NOT NULL;",
                f"set not null on {k}.{c.name} (proved by {name})",
                phase,
                k,
                ACCESS_EXCLUSIVE,
                span=c.span,
            )
        )
        self.add(
            Op(
                f"{at} DROP CONSTRAINT {quote_ident(name)};",
                f"drop check {name}",
                phase,
                k,
                ACCESS_EXCLUSIVE,
                span=c.span,
            )
        )
        self.notice(
            f"{k}.{c.name} becomes NOT NULL: the migration fails while rows hold NULL there",
            c.span,
            blocker=f"SELECT count(*) FROM {_tq(k)} WHERE {col} IS NULL",
        )

    def _key_exists_before(self, fk: m.ForeignKey) -> bool:
        """Whether the key `fk` references is there before the late key-building steps: on a table this
        plan creates (its keys come with it), or already on the table in the database."""
        if fk.ref_key in self.new_tables:
            return True
        current = self.cur.table(fk.ref_key)
        if current is None:
            return True  # a renamed or otherwise rebuilt table: its keys come with it
        wanted = set(fk.ref_columns)
        keys = [current.primary_key.columns] if current.primary_key else []
        keys += [u.columns for u in current.uniques]
        keys += [
            tuple(k.strip('"') for k in ix.keys)
            for ix in self.cur.indexes
            if ix.unique and ix.where is None and ix.schema == current.schema and ix.table == current.name
        ]
        return any(set(key) == wanted for key in keys)

    def _add_constraint(self, t: m.Table, kind: str, c: Any) -> None:
        k = t.key
        at = f"ALTER TABLE {_tq(k)}"
        fresh = k in self.new_tables
        if kind == "c":
            if fresh:
                self.add(
                    Op(
                        f"{at} ADD CONSTRAINT {quote_ident(c.name)} CHECK ({c.expression});",
                        f"add check {c.name}",
                        CONSTRAINTS,
                        k,
                        ACCESS_EXCLUSIVE,
                        span=c.span,
                    )
                )
                return
            self.add(
                Op(
                    f"{at} ADD CONSTRAINT {quote_ident(c.name)} CHECK ({c.expression}) NOT VALID;",
                    f"add check {c.name}",
                    CONSTRAINTS,
                    k,
                    ACCESS_EXCLUSIVE,
                    span=c.span,
                )
            )
            self.add(
                Op(
                    f"{at} VALIDATE CONSTRAINT {quote_ident(c.name)};",
                    f"validate check {c.name}",
                    CONSTRAINTS + 0.5,
                    k,
                    SHARE_UPDATE_EXCLUSIVE,
                    scans=True,
                    span=c.span,
                )
            )
        elif kind == "f":
            # a key the plan itself adds to an existing table is built late (CONCURRENTLY, then USING
            # INDEX): a foreign key that references it comes after it
            after_key = 0.0 if self._key_exists_before(c) else INDEXES - 0.35 - FOREIGN_KEYS
            self.add(
                Op(
                    f"{at} ADD {foreign_key_sql(c)} NOT VALID;",
                    f"add foreign key {c.name}",
                    FOREIGN_KEYS + after_key,
                    k,
                    SHARE_ROW_EXCLUSIVE,
                    span=c.span,
                )
            )
            self.add(
                Op(
                    f"{at} VALIDATE CONSTRAINT {quote_ident(c.name)};",
                    f"validate foreign key {c.name}",
                    FOREIGN_KEYS + 0.5 + after_key / 2,
                    k,
                    SHARE_UPDATE_EXCLUSIVE,
                    scans=True,
                    span=c.span,
                )
            )
        elif kind in ("p", "u"):
            label = "PRIMARY KEY" if kind == "p" else "UNIQUE"
            if kind == "u" and c.nulls_not_distinct or t.partition_by:
                # no USING INDEX for these: built under the table's lock
                nnd = " NULLS NOT DISTINCT" if kind == "u" and c.nulls_not_distinct else ""
                extra = _deferrable(c.deferrable, c.initially_deferred) if kind == "u" else ""
                self.add(
                    Op(
                        f"{at} ADD CONSTRAINT {quote_ident(c.name)} {label}{nnd} ({_cols(c.columns)}){extra};",
                        f"add {label.lower()} {c.name}",
                        CONSTRAINTS,
                        k,
                        ACCESS_EXCLUSIVE,
                        scans=True,
                        span=c.span,
                    )
                )
                return
            self.add(
                Op(
                    f"CREATE UNIQUE INDEX CONCURRENTLY {quote_ident(c.name)} ON {_tq(k)} ({_cols(c.columns)});",
                    f"build the index of {label.lower()} {c.name}",
                    INDEXES - 0.5,
                    k,
                    SHARE_UPDATE_EXCLUSIVE,
                    scans=True,
                    transactional=False,
                    span=c.span,
                )
            )
            extra = _deferrable(c.deferrable, c.initially_deferred) if kind == "u" else ""
            self.add(
                Op(
                    f"{at} ADD CONSTRAINT {quote_ident(c.name)} {label} USING INDEX {quote_ident(c.name)}{extra};",
                    f"add {label.lower()} {c.name}",
                    INDEXES - 0.4,
                    k,
                    ACCESS_EXCLUSIVE,
                    span=c.span,
                )
            )
        else:
            self.add(
                Op(
                    f"{at} ADD CONSTRAINT {quote_ident(c.name)} {c.definition};",
                    f"add exclusion {c.name}",
                    CONSTRAINTS,
                    k,
                    ACCESS_EXCLUSIVE,
                    scans=True,
                    span=c.span,
                )
            )

    # -- indexes --
    def _indexes(self) -> None:
        cur, tgt = _by_key(self.cur.indexes), _by_key(self.tgt.indexes)
        dropped_relations = self.dropped_tables
        views_rebuilt = self.recreated_views
        renamed: dict[str, str] = {}
        gone = [cur[k] for k in sorted(cur.keys() - tgt.keys())]
        for n in (tgt[k] for k in sorted(tgt.keys() - cur.keys())):
            for o in gone:
                if o.key not in renamed and replace(o, name=n.name) == n and o.table_key not in dropped_relations:
                    renamed[o.key] = n.key
                    self.add(
                        Op(
                            f"ALTER INDEX {_tq(o.key)} RENAME TO {quote_ident(n.name)};",
                            f"rename index {o.name} to {n.name}",
                            INDEXES,
                            o.table_key,
                            SHARE_UPDATE_EXCLUSIVE,
                            span=n.span,
                        )
                    )
                    break
        for k in sorted(cur.keys()):
            o = cur[k]
            if k in renamed or o.table_key in dropped_relations | views_rebuilt | self.dropped_views:
                continue  # goes with its table or view
            if tgt.get(k) != o:
                parent = self.cur.table(o.table_key)
                if parent is not None and parent.partition_by:  # no CONCURRENTLY for a partitioned index
                    self.add(Op(f"DROP INDEX {_tq(k)};", f"drop index {o.name}", DETACH, o.table_key, ACCESS_EXCLUSIVE))
                    continue
                self.add(
                    Op(
                        f"DROP INDEX CONCURRENTLY {_tq(k)};",
                        f"drop index {o.name}",
                        DETACH,
                        o.table_key,
                        SHARE_UPDATE_EXCLUSIVE,
                        transactional=False,
                    )
                )
        for k in sorted(tgt.keys()):
            n = tgt[k]
            if k in renamed.values():
                continue
            if cur.get(k) == n and n.table_key not in views_rebuilt:
                continue
            self.created_indexes.add(k)
            on_new = (
                n.table_key in self.new_tables
                or n.table_key in views_rebuilt
                or n.table_key not in _by_key(self.cur.tables)
                and n.table_key not in _by_key(self.cur.views)
            )
            text = index_sql(n)
            if on_new:
                phase = INDEXES if n.table_key in _by_key(self.tgt.tables) else VIEWS + 0.5
                self.add(Op(text, f"create index {n.name}", phase, n.table_key, SHARE, span=n.span))
            elif self.tgt.table(n.table_key) is not None and self.tgt.table(n.table_key).partition_by:  # type: ignore[union-attr]
                note = (
                    "PostgreSQL cannot build an index on a partitioned table CONCURRENTLY; for big partitions create "
                    "it ON ONLY the parent, build each partition's CONCURRENTLY, then ATTACH PARTITION each"
                )
                self.add(
                    Op(text, f"create index {n.name}", INDEXES, n.table_key, SHARE, scans=True, span=n.span, note=note)
                )
            else:
                text = text.replace(" INDEX ", " INDEX CONCURRENTLY ", 1)
                self.add(
                    Op(
                        text,
                        f"create index {n.name}",
                        INDEXES,
                        n.table_key,
                        SHARE_UPDATE_EXCLUSIVE,
                        scans=True,
                        transactional=False,
                        span=n.span,
                    )
                )

    # -- views --
    def _views_to_rebuild(self) -> None:
        """Views that go, and views rebuilt: changed, over changed columns or dropped tables, or over those."""
        cur, tgt = _by_key(self.cur.views), _by_key(self.tgt.views)
        changed_relations = set(self.changed_columns) | self.dropped_tables
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
        self.recreated_views, self.dropped_views = rebuild, dropped

    def _views(self) -> None:
        cur, tgt = _by_key(self.cur.views), _by_key(self.tgt.views)
        rebuild = self.recreated_views
        going = rebuild | self.dropped_views
        deps = {k: {d for d in cur[k].depends_on if d in going} for k in going}
        for k in reversed(_kahn(deps, breaker=min)):  # dependants first
            v = cur[k]
            kind = "MATERIALIZED VIEW" if v.materialized else "VIEW"
            self.add(
                Op(
                    f"DROP {kind} {_tq(k)};",
                    f"drop {kind.lower()} {k}" + (" to recreate it" if k in rebuild else ""),
                    DETACH - 0.5,
                    k,
                    ACCESS_EXCLUSIVE,
                )
            )
        coming = rebuild | (tgt.keys() - cur.keys())
        deps = {k: {d for d in tgt[k].depends_on if d in coming} for k in coming}
        for k in _kahn(deps, breaker=min):
            v = tgt[k]
            kind = "MATERIALIZED VIEW" if v.materialized else "VIEW"
            self.add(
                Op(f"CREATE {kind} {_tq(k)} AS\n{v.definition};", f"create {kind.lower()} {k}", VIEWS, span=v.span)
            )

    # -- triggers and policies --
    def _triggers_policies(self) -> None:
        rebuilt = self.recreated_views
        gone = self.dropped_tables | self.dropped_views
        for kind, cur, tgt, create, drop in (
            ("trigger", _by_key(self.cur.triggers), _by_key(self.tgt.triggers), trigger_sql, "TRIGGER"),
            ("policy", _by_key(self.cur.policies), _by_key(self.tgt.policies), policy_sql, "POLICY"),
        ):
            for k in sorted(cur.keys()):
                o = cur[k]
                if o.table_key in gone or o.table_key in rebuilt:
                    continue
                refunction = kind == "trigger" and o.function in self.dropped_functions
                if tgt.get(k) != o or refunction:
                    self.add(
                        Op(
                            f"DROP {drop} {quote_ident(o.name)} ON {_tq(o.table_key)};",
                            f"drop {kind} {o.name} on {o.table_key}",
                            DETACH,
                            o.table_key,
                            ACCESS_EXCLUSIVE,
                        )
                    )
            for k in sorted(tgt.keys()):
                n = tgt[k]
                refunction = kind == "trigger" and n.function in self.dropped_functions
                if cur.get(k) != n or n.table_key in rebuilt or refunction:
                    lock = SHARE_ROW_EXCLUSIVE if kind == "trigger" else ACCESS_EXCLUSIVE
                    self.add(
                        Op(
                            create(n),
                            f"create {kind} {n.name} on {n.table_key}",
                            ATTACH,
                            n.table_key,
                            lock,
                            span=n.span,
                        )
                    )

    # -- grants and comments --
    def _grants_comments(self) -> None:
        gone = self.dropped_tables | self.dropped_views
        rebuilt = self.recreated_views
        cur, tgt = _by_key(self.cur.grants), _by_key(self.tgt.grants)
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
                self.add(
                    Op(
                        grant_sql(grant),
                        f"grant {', '.join(grant.privileges)} to {g.grantee}",
                        ATTACH,
                        span=n.span if n else None,
                    )
                )
            if have - want:
                revoke = replace(g, privileges=tuple(sorted(have - want)))
                self.add(
                    Op(
                        grant_sql(revoke, revoke=True),
                        f"revoke {', '.join(revoke.privileges)} from {g.grantee}",
                        ATTACH,
                    )
                )
        cur_c, tgt_c = _by_key(self.cur.comments), _by_key(self.tgt.comments)
        dropped_fns = {f"{f.schema}.{f.name}" for f in self.cur.functions} & self.dropped_functions
        dropped_objects = self._dropped_objects()
        for k in sorted(cur_c.keys() | tgt_c.keys()):
            o, n = cur_c.get(k), tgt_c.get(k)
            c = n or o
            assert c is not None
            target_name = c.object_name.partition("(")[0]
            recreated = target_name in rebuilt or target_name in dropped_fns or c.object_name in self.created_indexes
            if n is None and (target_name in gone or target_name in self.dropped_views or target_name in dropped_fns):
                continue
            if n is None and o is not None and o.object_name in dropped_objects:
                continue
            if (o.text if o and not recreated else None) != (n.text if n else None):
                text = "NULL" if n is None or n.text is None else _literal(n.text)
                self.add(
                    Op(
                        f"COMMENT ON {c.object_kind} {_comment_target(c)} IS {text};",
                        f"comment on {c.object_kind.lower()} {c.object_name}",
                        ATTACH,
                        span=n.span if n else None,
                    )
                )

    def _dropped_objects(self) -> set[str]:
        cur_keys = {i.key for i in self.cur.indexes} | {s.key for s in self.cur.sequences}
        cur_keys |= (
            {t.key for t in self.cur.enums} | {d.key for d in self.cur.domains} | {c.key for c in self.cur.composites}
        )
        tgt_keys = {i.key for i in self.tgt.indexes} | {s.key for s in self.tgt.sequences}
        tgt_keys |= (
            {t.key for t in self.tgt.enums} | {d.key for d in self.tgt.domains} | {c.key for c in self.tgt.composites}
        )
        fn = {f.key for f in self.cur.functions} - {f.key for f in self.tgt.functions}
        return (cur_keys - tgt_keys) | fn | set(self.cur.schemas) - set(self.tgt.schemas)

    def _drop_leftovers(self) -> None:
        """Roles belong to the cluster: never dropped, but said."""
        tgt_roles = {r.key for r in self.tgt.roles}
        for r in self.cur.roles:
            if r.key not in tgt_roles:
                self.notice(f"role {r.name} is no longer in the document; roles belong to the cluster, so it is kept")


_KIND_NAMES = {"p": "primary key", "u": "unique constraint", "c": "check", "f": "foreign key", "x": "exclusion"}


def _constraints(t: m.Table) -> dict[str, tuple[str, Any]]:
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


def _same_definition_renames(old: dict[str, tuple[str, Any]], new: dict[str, tuple[str, Any]]) -> dict[str, str]:
    """Constraints that only changed name (a renamed table's `orders_pkey` → `purchases_pkey`): renamed, not rebuilt."""
    out: dict[str, str] = {}
    gone = [n for n in old if n not in new]
    for name in (n for n in new if n not in old):
        kind, c = new[name]
        for g in gone:
            gk, gc = old[g]
            if g not in out and gk == kind and replace(gc, name=name) == c:
                out[g] = name
                break
    return out


def _rename_key(key: str, old: str, new: str) -> str:
    name, sep, rest = key.partition(" ")
    return (new + sep + rest) if name == old else key


def _cols(names: tuple[str, ...]) -> str:
    return ", ".join(quote_ident(c) for c in names)


_VOLATILE_CALL = re.compile(
    r"\b(random|gen_random_uuid|uuid_generate_v[14]|clock_timestamp|timeofday|nextval|cuid|txid_current)\s*\(", re.I
)


def _volatile(default: str | None) -> bool:
    """A default PostgreSQL must compute per row (a rewrite); now() and constants are stored once (11+)."""
    return bool(default and _VOLATILE_CALL.search(default))


def _function_ref(f: m.Function) -> str:
    return f"{_q(f.schema, f.name)}({f.identity_arguments})"


def _sequence_options(s: m.Sequence) -> str:
    parts = [f"AS {s.type}", f"INCREMENT BY {s.increment}"]
    parts.append(f"MINVALUE {s.min_value}" if s.min_value is not None else "NO MINVALUE")
    parts.append(f"MAXVALUE {s.max_value}" if s.max_value is not None else "NO MAXVALUE")
    parts.append(f"START WITH {s.start}")
    parts.append(f"CACHE {s.cache}")
    parts.append("CYCLE" if s.cycle else "NO CYCLE")
    return " ".join(parts)


def diff(
    current: m.Schema,
    target: m.Schema,
    renames: Renames | None = None,
    support: Callable[[], list[Op]] | None = None,
    online: bool = True,
) -> Diff:
    """The operations that make `current` into `target`, ordered, with what a reviewer must know.

    `online` (the default) uses the forms that keep a live table readable and writable: CONCURRENTLY
    index builds outside a transaction. Without it, everything runs in one transaction.
    """
    return _Planner(current, target, renames or Renames(), support or (lambda: []), online).run()
