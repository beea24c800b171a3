"""Rules about what the document's views and maintained columns mean."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pglast import ast, parse_sql
from pglast.parser import ParseError

from schemadoc import model as m
from schemadoc.errors import Severity, Span
from schemadoc.lint import Finding, rule
from schemadoc.parse import LoadedDocument
from schemadoc.parse.nodes import walk_nodes

_UPDATED = re.compile(r"^(updated_?at|modified_?at|last_?modified(_?at)?|changed_?at)$", re.I)
_TOUCH = "schemadoc.touch_updated_at"


@rule(
    "SD306",
    "updated-at-not-maintained",
    Severity.WARNING,
    "runtime",
    """
    A column named updated_at says when the row last changed, but PostgreSQL sets it only if something
    does: a DEFAULT fills it on INSERT and never again. Without a BEFORE UPDATE trigger that assigns it
    (or an application that always does), it keeps the creation time.""",
)
def updated_at_not_maintained(doc: LoadedDocument) -> Iterator[Finding]:
    functions = {m.qualify(f.schema, f.name): f for f in doc.schema.functions}
    for t in doc.schema.tables:
        for c in t.columns:
            if not _UPDATED.match(c.name):
                continue
            maintained = False
            for trig in doc.schema.triggers:
                if trig.table_key != t.key or "UPDATE" not in trig.events:
                    continue
                if trig.function == _TOUCH and c.name in trig.arguments:
                    maintained = True
                fn = functions.get(trig.function)
                if fn is not None and re.search(rf"\bNEW\s*\.\s*\"?{re.escape(c.name)}\"?\s*:?=", fn.body, re.I):
                    maintained = trig.timing == "BEFORE"
            if not maintained:
                yield Finding(
                    f'"{t.name}.{c.name}" is meant to change on every update, but no BEFORE UPDATE trigger sets it',
                    c.span,
                    help=f"CREATE TRIGGER … BEFORE UPDATE ON {t.name} FOR EACH ROW EXECUTE FUNCTION "
                    "<the doc's updated_at function>();",
                )


def _aliases(node: ast.Node | None, out: dict[str, str]) -> None:
    if isinstance(node, ast.RangeVar):
        out[(node.alias.aliasname if node.alias else None) or node.relname or ""] = node.relname or ""
    elif isinstance(node, ast.JoinExpr):
        _aliases(node.larg, out)
        _aliases(node.rarg, out)


def _left_joins(node: ast.Node | None) -> Iterator[ast.JoinExpr]:
    if isinstance(node, ast.JoinExpr):
        yield from _left_joins(node.larg)
        if int(node.jointype) == 1:  # JOIN_LEFT
            yield node


def _equalities(qual: ast.Node | None) -> Iterator[tuple[tuple[str, str], tuple[str, str]]]:
    if isinstance(qual, ast.BoolExpr):
        for a in qual.args or ():
            yield from _equalities(a)
    elif isinstance(qual, ast.A_Expr) and qual.name and qual.name[0].sval == "=":
        left, right = qual.lexpr, qual.rexpr
        if (
            isinstance(left, ast.ColumnRef)
            and isinstance(right, ast.ColumnRef)
            and len(left.fields) == 2 == len(right.fields)
        ):
            yield (left.fields[0].sval, left.fields[1].sval), (right.fields[0].sval, right.fields[1].sval)


def _unique_sets(t: m.Table, schema: m.Schema) -> list[set[str]]:
    sets = [set(t.primary_key.columns)] if t.primary_key else []
    sets += [set(u.columns) for u in t.uniques]
    sets += [set(ix.keys) for ix in schema.indexes if ix.table_key == t.key and ix.unique and ix.where is None]
    return sets


@rule(
    "SD340",
    "aggregate-fan-out",
    Severity.WARNING,
    "views",
    """
    Joining one row to two independent sets of children (reviews and order lines of a product) makes
    every review appear once per order line: COUNT, SUM and AVG over either side are multiplied by the
    size of the other. Aggregate each child table in its own subquery (or LATERAL) before joining, or
    use COUNT(DISTINCT …) where that is what is meant.""",
)
def aggregate_fan_out(doc: LoadedDocument) -> Iterator[Finding]:
    tables = {t.name: t for t in doc.schema.tables}
    for v in doc.schema.views:
        try:
            stmt = parse_sql(v.definition)[0].stmt
        except (ParseError, IndexError):
            continue
        if not isinstance(stmt, ast.SelectStmt) or not stmt.fromClause or len(stmt.fromClause) != 1:
            continue
        aliases: dict[str, str] = {}
        _aliases(stmt.fromClause[0], aliases)
        children: dict[str, list[str]] = {}  # base alias -> aliases of many-side tables joined to it
        for join in _left_joins(stmt.fromClause[0]):
            for (a_alias, a_col), (b_alias, b_col) in _equalities(join.quals):
                for (p_alias, p_col), (c_alias, c_col) in (
                    ((a_alias, a_col), (b_alias, b_col)),
                    ((b_alias, b_col), (a_alias, a_col)),
                ):
                    parent, child = tables.get(aliases.get(p_alias, "")), tables.get(aliases.get(c_alias, ""))
                    if parent is None or child is None or parent is child:
                        continue
                    parent_key = {p_col} in _unique_sets(parent, doc.schema)
                    child_unique = {c_col} in _unique_sets(child, doc.schema)
                    if parent_key and not child_unique and c_alias not in children.get(p_alias, []):
                        children.setdefault(p_alias, []).append(c_alias)
        fanned = {alias for kids in children.values() if len(kids) >= 2 for alias in kids}
        if not fanned:
            continue
        hit = []
        for target in stmt.targetList or ():
            for node in (n for n in walk_nodes(target.val) if isinstance(n, ast.FuncCall)):
                name = node.funcname[-1].sval.lower()
                if name in ("count", "sum", "avg") and not node.agg_distinct:
                    refs = {
                        f.fields[0].sval
                        for f in walk_nodes(node)
                        if isinstance(f, ast.ColumnRef) and len(f.fields) == 2
                    }
                    if refs & fanned:
                        hit.append(target.name or name)
        if hit:
            kids = sorted(fanned)
            yield Finding(
                f'view "{v.name}" joins {" and ".join(aliases[k] for k in kids)} independently to one row, '
                f"so {', '.join(hit)} count each row once per row of the other",
                v.span,
                help="aggregate each child table in a subquery before joining",
            )


# (first major version, what) for features a design document may use
_FEATURES = {
    "nulls_not_distinct": (15, "UNIQUE NULLS NOT DISTINCT"),
    "gen_random_uuid": (13, "gen_random_uuid() without the pgcrypto extension"),
    "generated": (12, "generated columns (GENERATED ALWAYS AS … STORED)"),
    "procedure": (11, "procedures (CREATE PROCEDURE)"),
    "include": (11, "covering indexes (INCLUDE)"),
    "identity": (10, "identity columns"),
    "multirange": (14, "multirange types"),
}


@rule(
    "SD380",
    "needs-newer-postgres",
    Severity.ERROR,
    "design",
    """
    The configuration names the oldest PostgreSQL the schema must run on (postgres-version in
    [tool.schemadoc] or schemadoc.toml), and the document uses a feature that version does not have:
    UNIQUE NULLS NOT DISTINCT (15), multiranges (14), gen_random_uuid() in core (13), generated
    columns (12), procedures and covering indexes (11), identity columns (10). Applying it there fails.""",
)
def needs_newer_postgres(doc: LoadedDocument) -> Iterator[Finding]:
    target = doc.postgres_version  # read with the document's configuration: a rule reads nothing from disk
    if target is None:
        return

    def found(feature: str, span: Span | None) -> Iterator[Finding]:
        version, what = _FEATURES[feature]
        if target < version:
            yield Finding(
                f"{what} needs PostgreSQL {version}; the configured target is {target}",
                span,
                help=f"raise postgres-version to {version}, or write it the way PostgreSQL {target} can run",
            )

    pgcrypto = any(e.name == "pgcrypto" for e in doc.schema.extensions)
    for t in doc.schema.tables:
        for u in t.uniques:
            if u.nulls_not_distinct:
                yield from found("nulls_not_distinct", u.span or t.span)
        for c in t.columns:
            if c.generated:
                yield from found("generated", c.span)
            if c.identity:
                yield from found("identity", c.span)
            if c.default and "gen_random_uuid()" in c.default and not pgcrypto:
                yield from found("gen_random_uuid", c.span)
            if "multirange" in c.type:
                yield from found("multirange", c.span)
    for ix in doc.schema.indexes:
        if ix.nulls_not_distinct:
            yield from found("nulls_not_distinct", ix.span)
        if ix.include:
            yield from found("include", ix.span)
    for f in doc.schema.functions:
        if f.kind == "procedure":
            yield from found("procedure", f.span)
