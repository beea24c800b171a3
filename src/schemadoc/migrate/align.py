"""Expressions that mean the same but print differently, aligned before two catalogs are compared.

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
from schemadoc.parse.fastast import parse_sql


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
