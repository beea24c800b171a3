"""The one normalisation stage: two schemas made comparable before drift, a plan, a backup's fingerprint or
a test compares them.

Expressions that mean the same but print differently are aligned.

PostgreSQL's printing of an expression is not always a fixed point: `status IN ('a', 'b')` on a
varchar column is stored and printed as `(status)::text = ANY ((ARRAY['a'::character varying, …])::text[])`,
and creating a CHECK from that text stores `ARRAY[('a'::character varying)::text, …]` instead. A
plan built on text equality would then recreate the constraint forever. So each expression of the
current catalog is compared with the target's in a canonical form (PostgreSQL's parse tree, with a
cast of an ARRAY[...] literal pushed into its elements and positions left out); where the two are the
same, the current side takes the target's text, and only real changes remain.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from typing import Any

from pglast import ast
from pglast.parser import ParseError
from pglast.stream import RawStream

from schemadoc import model as m
from schemadoc.migrate.compare import by_key
from schemadoc.parse.fastast import parse_sql
from schemadoc.platforms import leave_to_platforms


def _canonical_node(node: Any) -> Any:
    if isinstance(node, tuple):
        return tuple(_canonical_node(n) for n in node)
    if not isinstance(node, ast.Node):
        return node
    if (
        isinstance(node, ast.TypeCast)
        and isinstance(node.arg, ast.A_ArrayExpr)
        and node.typeName is not None
        and node.typeName.arrayBounds
    ):
        element_type = replace_type(node.typeName)
        elements = tuple(ast.TypeCast(arg=_canonical_node(e), typeName=element_type) for e in (node.arg.elements or ()))
        return ast.A_ArrayExpr(elements=elements)
    for name in node:
        value = getattr(node, name)
        if isinstance(value, (ast.Node, tuple)):
            setattr(node, name, _canonical_node(value))
    return node


def replace_type(type_name: ast.TypeName) -> ast.TypeName:
    """`text[]` → `text`."""
    return ast.TypeName(names=type_name.names, typmods=type_name.typmods, typemod=type_name.typemod, arrayBounds=None)


@lru_cache(maxsize=65536)
def canonical(expression: str) -> str:
    """A form of `expression` in which PostgreSQL's different printings of one meaning coincide."""
    try:
        stmts = parse_sql(f"SELECT {expression}")
    except ParseError:
        return expression
    return str(RawStream()(_canonical_node(stmts[0].stmt)))


def same(a: str | None, b: str | None) -> bool:
    if a is None or b is None:
        return a is b
    return a == b or canonical(a) == canonical(b)


def _pick(mine: str | None, theirs: str | None) -> str | None:
    """The target's text where it means what the current text means, else the current text."""
    return theirs if mine is not None and theirs is not None and same(mine, theirs) else mine


def _checks(cur: tuple[m.Check, ...], tgt: tuple[m.Check, ...]) -> tuple[m.Check, ...]:
    theirs = {c.name: c for c in tgt}
    return tuple(
        replace(c, expression=_pick(c.expression, theirs[c.name].expression) or c.expression) if c.name in theirs else c
        for c in cur
    )


def _table(cur: m.Table, tgt: m.Table) -> m.Table:
    cols = {c.name: c for c in tgt.columns}
    columns = tuple(
        replace(c, default=_pick(c.default, cols[c.name].default), generated=_pick(c.generated, cols[c.name].generated))
        if c.name in cols
        else c
        for c in cur.columns
    )
    return replace(cur, columns=columns, checks=_checks(cur.checks, tgt.checks))


def _index(cur: m.Index, tgt: m.Index) -> m.Index:
    keys = (
        tuple(
            (_pick(a, b) or a) if a.startswith("(") and b.startswith("(") else a
            for a, b in zip(cur.keys, tgt.keys, strict=False)
        )
        + cur.keys[len(tgt.keys) :]
    )
    return replace(cur, keys=keys, where=_pick(cur.where, tgt.where))


def align(current: m.Schema, target: m.Schema) -> m.Schema:
    """`current` with each expression spelled as `target` spells it, wherever the two mean the same."""
    tables = {t.key: t for t in target.tables}
    indexes = {i.key: i for i in target.indexes}
    policies = {p.key: p for p in target.policies}
    triggers = {t.key: t for t in target.triggers}
    domains = {d.key: d for d in target.domains}
    pins = {e.name: e.version for e in target.extensions}
    return current.with_(
        extensions=[replace(e, version=e.version if pins.get(e.name) else None) for e in current.extensions],
        tables=[_table(t, tables[t.key]) if t.key in tables else t for t in current.tables],
        indexes=[_index(i, indexes[i.key]) if i.key in indexes else i for i in current.indexes],
        policies=[
            replace(p, using=_pick(p.using, policies[p.key].using), check=_pick(p.check, policies[p.key].check))
            if p.key in policies
            else p
            for p in current.policies
        ],
        triggers=[
            replace(t, when=_pick(t.when, triggers[t.key].when)) if t.key in triggers else t for t in current.triggers
        ],
        domains=[
            replace(
                d, default=_pick(d.default, domains[d.key].default), checks=_checks(d.checks, domains[d.key].checks)
            )
            if d.key in domains
            else d
            for d in current.domains
        ],
    )


def _c(text: str | None) -> str | None:
    return None if text is None else canonical(text)


def canonicalized(schema: m.Schema) -> m.Schema:
    """Every expression in its canonical form: for fingerprints that must not depend on how PostgreSQL
    happened to print an expression (a dump restored re-creates CHECKs from their printed text)."""
    return schema.with_(
        tables=[
            replace(
                t,
                columns=tuple(replace(c, default=_c(c.default), generated=_c(c.generated)) for c in t.columns),
                checks=tuple(replace(c, expression=canonical(c.expression)) for c in t.checks),
            )
            for t in schema.tables
        ],
        indexes=[
            replace(i, keys=tuple(canonical(k) if k.startswith("(") else k for k in i.keys), where=_c(i.where))
            for i in schema.indexes
        ],
        policies=[replace(p, using=_c(p.using), check=_c(p.check)) for p in schema.policies],
        triggers=[replace(t, when=_c(t.when)) for t in schema.triggers],
        domains=[
            replace(
                d, default=_c(d.default), checks=tuple(replace(c, expression=canonical(c.expression)) for c in d.checks)
            )
            for d in schema.domains
        ],
    )


def column_order_free(schema: m.Schema) -> m.Schema:
    """Column order left out: a column added later sits at the end of the table, and that is no drift."""
    return schema.with_(
        tables=[m.replace(t, columns=tuple(sorted(t.columns, key=lambda c: c.name))) for t in schema.tables]
    )


def comparable(
    current: m.Schema, target: m.Schema, doc: m.Schema, *, column_order: bool = True
) -> tuple[m.Schema, m.Schema]:
    """(current, target) made comparable: what a hosted platform owns left to it unless `doc` (the
    document's schema) defines it; without `column_order`, column order left out (drift; a plan keeps it);
    and each expression of `current` spelled as `target` spells it wherever the two mean the same."""
    current, target = leave_to_platforms(current, doc), leave_to_platforms(target, doc)
    if not column_order:
        current, target = column_order_free(current), column_order_free(target)
    return align(current, target), target


def _align_table(doc: m.Table, db: m.Table) -> m.Table:
    db_cols = {c.name: c for c in db.columns}
    cols = []
    for c in doc.columns:
        other = db_cols.get(c.name)
        if other is not None:
            if c.default is not None and other.default is not None:
                c = replace(c, default=other.default)
            if c.generated is not None and other.generated is not None:
                c = replace(c, generated=other.generated)
        cols.append(c)
    db_checks = {c.name: c for c in db.checks}
    checks = tuple(
        replace(c, expression=db_checks[c.name].expression) if c.name in db_checks else c for c in doc.checks
    )
    db_excl = {x.name: x for x in db.exclusions}
    exclusions = tuple(
        sorted(
            (replace(x, definition=db_excl[x.name].definition) if x.name in db_excl else x for x in doc.exclusions),
            key=lambda x: x.name,
        )
    )
    bound = db.partition_bound if doc.partition_bound and db.partition_bound else doc.partition_bound
    by = db.partition_by if doc.partition_by and db.partition_by else doc.partition_by
    return replace(
        doc,
        columns=tuple(cols),
        checks=tuple(sorted(checks, key=lambda c: c.name)),
        exclusions=exclusions,
        uniques=tuple(sorted(doc.uniques, key=lambda u: u.name)),
        foreign_keys=tuple(sorted(doc.foreign_keys, key=lambda f: f.name)),
        partition_bound=bound,
        partition_by=by,
    )


def _align_index(doc: m.Index, db: m.Index) -> m.Index:
    keys = (
        tuple(
            theirs if mine.startswith("(") and theirs.startswith("(") else mine
            for mine, theirs in zip(doc.keys, db.keys, strict=False)
        )
        + doc.keys[len(db.keys) :]
    )
    where = db.where if doc.where is not None and db.where is not None else doc.where
    return replace(doc, keys=keys, where=where)


def spelled_by_server(doc: m.Schema, db: m.Schema) -> m.Schema:
    """`doc` as the reader built it, with each expression spelled as the database `db` spells it, where both
    have the object: what the tests compare a catalog with, to hold the reader to what PostgreSQL stores
    (everything structural is still compared as the doc wrote it)."""
    tables = by_key(db.tables)
    indexes = by_key(db.indexes)
    views = by_key(db.views)
    policies = by_key(db.policies)
    triggers = by_key(db.triggers)
    functions = by_key(db.functions)
    domains = by_key(db.domains)

    def fn(f: m.Function) -> m.Function:
        other = functions.get(f.key)
        if other is None or len(other.arguments) != len(f.arguments):
            return f
        args = tuple(
            replace(a, default=b.default) if a.default is not None and b.default is not None else a
            for a, b in zip(f.arguments, other.arguments, strict=True)
        )
        return replace(f, arguments=args)

    def dom(d: m.Domain) -> m.Domain:
        other = domains.get(d.key)
        if other is None:
            return d
        theirs = {c.name: c for c in other.checks}
        checks = tuple(replace(c, expression=theirs[c.name].expression) if c.name in theirs else c for c in d.checks)
        return replace(d, default=other.default if d.default and other.default else d.default, checks=checks)

    versions = {e.name: e.version for e in db.extensions}
    return doc.with_(
        # an extension the doc does not pin is whatever version the server installed
        extensions=tuple(
            replace(e, version=versions.get(e.name)) if e.version is None and e.name in versions else e
            for e in doc.extensions
        ),
        tables=tuple(_align_table(t, tables[t.key]) if t.key in tables else t for t in doc.tables),
        indexes=tuple(_align_index(i, indexes[i.key]) if i.key in indexes else i for i in doc.indexes),
        views=tuple(replace(v, definition=views[v.key].definition) if v.key in views else v for v in doc.views),
        policies=tuple(
            replace(
                p,
                using=policies[p.key].using if p.using and policies[p.key].using else p.using,
                check=policies[p.key].check if p.check and policies[p.key].check else p.check,
            )
            if p.key in policies
            else p
            for p in doc.policies
        ),
        triggers=tuple(
            replace(t, when=triggers[t.key].when if t.when and triggers[t.key].when else t.when)
            if t.key in triggers
            else t
            for t in doc.triggers
        ),
        functions=tuple(fn(f) for f in doc.functions),
        domains=tuple(dom(d) for d in doc.domains),
    )
