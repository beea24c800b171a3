"""PostgreSQL's syntax trees read back: an expression as PostgreSQL prints it, the names in a list of
nodes, the nodes below a node, the columns an expression uses and the relations a query reads."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast
from pglast.enums import (
    A_Expr_Kind,
)
from pglast.stream import RawStream

from schemadoc import model as m
from schemadoc.names import quote_ident, quote_literal

_SQL_VALUE_FUNCTIONS = {
    "SVFOP_CURRENT_DATE": "CURRENT_DATE",
    "SVFOP_CURRENT_TIME": "CURRENT_TIME",
    "SVFOP_CURRENT_TIMESTAMP": "CURRENT_TIMESTAMP",
    "SVFOP_LOCALTIME": "LOCALTIME",
    "SVFOP_LOCALTIMESTAMP": "LOCALTIMESTAMP",
    "SVFOP_CURRENT_USER": "CURRENT_USER",
    "SVFOP_SESSION_USER": "SESSION_USER",
}


_SIMPLE_OPERATORS = {"=", "<>", "<", ">", "<=", ">=", "!="}


def _simple_text(node: ast.Node) -> str | None:
    """The text RawStream prints for the commonest default values, without building a printer.

    Defaults are mostly constants, `now()` and `CURRENT_TIMESTAMP`; printing those directly keeps
    a 2,000-table document fast. Anything else returns None and goes through pglast's printer.
    """
    if isinstance(node, ast.A_Const):
        if node.isnull:
            return "NULL"
        v = node.val
        if isinstance(v, ast.Integer):
            return str(v.ival)
        if isinstance(v, ast.Float):
            return str(v.fval)
        if isinstance(v, ast.Boolean):
            return "TRUE" if v.boolval else "FALSE"
        if isinstance(v, ast.String) and "\\" not in v.sval:
            return quote_literal(v.sval)
        return None
    if isinstance(node, ast.ColumnRef) and all(isinstance(f, ast.String) for f in node.fields):
        return ".".join(quote_ident(f.sval) for f in node.fields)
    if (
        isinstance(node, ast.A_Expr)
        and node.kind == A_Expr_Kind.AEXPR_OP
        and len(node.name) == 1
        and node.name[0].sval in _SIMPLE_OPERATORS
        and node.lexpr is not None
        and node.rexpr is not None
    ):
        if isinstance(node.lexpr, ast.A_Expr) or isinstance(node.rexpr, ast.A_Expr):
            return None  # nesting is where the printer's parentheses matter
        left, right = _simple_text(node.lexpr), _simple_text(node.rexpr)
        if left is not None and right is not None and not right.startswith("-"):
            return f"{left} {node.name[0].sval} {right}"
        return None
    if isinstance(node, ast.SQLValueFunction) and node.typmod == -1:
        return _SQL_VALUE_FUNCTIONS.get(node.op.name)
    if (
        isinstance(node, ast.FuncCall)
        and not node.args
        and not node.agg_star
        and node.over is None
        and len(node.funcname) == 1
        and quote_ident(node.funcname[0].sval) == node.funcname[0].sval
    ):
        return f"{node.funcname[0].sval}()"
    return None


def deparse(node: ast.Node) -> str:
    simple = _simple_text(node)
    return simple if simple is not None else str(RawStream()(node))


def names_of(nodes: tuple[ast.Node, ...] | None) -> list[str]:
    return [n.sval for n in nodes or () if isinstance(n, ast.String) and n.sval is not None]


def walk_nodes(node: object) -> Iterator[ast.Node]:
    """Every AST node under `node`, depth first, in source order."""
    if isinstance(node, ast.Node):
        yield node
        for attr in node.__slots__:  # type: ignore[attr-defined]  # pglast declares slots per node class
            yield from walk_nodes(getattr(node, attr, None))
    elif isinstance(node, tuple):
        for x in node:
            yield from walk_nodes(x)


def expression_columns(node: ast.Node) -> tuple[str, ...]:
    """Distinct unqualified column names an expression references, in order of appearance."""
    seen: list[str] = []
    for n in walk_nodes(node):
        if isinstance(n, ast.ColumnRef):
            fields = [f.sval for f in n.fields if isinstance(f, ast.String)]
            if fields and fields[-1] not in seen:
                seen.append(fields[-1])
    return tuple(seen)


def relations_of(node: ast.Node, default_schema: str = "public") -> tuple[str, ...]:
    """Qualified names of the relations a query reads (for ordering views after what they use)."""
    nodes = list(walk_nodes(node))
    ctes = {n.ctename for n in nodes if isinstance(n, ast.CommonTableExpr)}
    found: list[str] = []
    for n in nodes:
        if isinstance(n, ast.RangeVar) and (n.relname not in ctes or n.schemaname):
            key = m.qualify(n.schemaname or default_schema, n.relname)
            if key not in found:
                found.append(key)
    return tuple(found)
