"""What an SQL expression says, read with PostgreSQL's parser: the values a CHECK allows a column."""

from __future__ import annotations

from pglast import ast
from pglast.enums import A_Expr_Kind
from pglast.parser import ParseError

from schemadoc.parse.fastast import parse_sql


def check_values(expression: str) -> tuple[str, list[str]] | None:
    """(column, values) of a CHECK that lists a column's allowed values: `col IN ('a', 'b')`,
    `col = ANY (ARRAY['a', 'b'])`, `col = 'a'` (with casts, as PostgreSQL prints it), else None."""
    try:
        stmt = parse_sql(f"SELECT {expression}")[0].stmt
    except (ParseError, IndexError):
        return None
    node = stmt.targetList[0].val if isinstance(stmt, ast.SelectStmt) and stmt.targetList else None

    def strip(n: object) -> object:
        while isinstance(n, ast.TypeCast):
            n = n.arg
        return n

    def literal(n: object) -> str | None:
        n = strip(n)
        if isinstance(n, ast.A_Const) and isinstance(n.val, ast.String):
            return str(n.val.sval)
        return None

    if not isinstance(node, ast.A_Expr):
        return None
    column = strip(node.lexpr)
    last = column.fields[-1] if isinstance(column, ast.ColumnRef) and column.fields else None
    if not isinstance(last, ast.String):
        return None
    name = str(last.sval)
    if node.kind == A_Expr_Kind.AEXPR_OP and [getattr(n, "sval", None) for n in node.name or ()] == ["="]:
        # `kind = 'post'`: one allowed value (an INHERITS child's share of its parent's rows)
        value = literal(node.rexpr)
        return (name, [value]) if value is not None else None
    if node.kind not in (A_Expr_Kind.AEXPR_IN, A_Expr_Kind.AEXPR_OP_ANY):
        return None
    items = strip(node.rexpr)
    if isinstance(items, ast.A_ArrayExpr):
        items = items.elements
    if not isinstance(items, tuple):
        return None
    values = [literal(i) for i in items]
    if not values or any(v is None for v in values):
        return None
    return name, [v for v in values if v is not None]
