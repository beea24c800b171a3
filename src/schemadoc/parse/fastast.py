"""pglast syntax trees built from libpg_query's JSON, several times faster than `pglast.parse_sql`.

`parse_sql` validates and adapts every attribute it sets, which dominates reading a large document.
Here the same parser (libpg_query, through `parse_sql_json`) produces the tree as JSON, decoded in
C, and the nodes are filled in directly from the slot types pglast declares. The result equals
`parse_sql`'s tree (a test compares the two on every statement of the seeds and the corpus).
"""

from __future__ import annotations

import json
import keyword
from functools import cache
from typing import Any

from pglast import ast, enums
from pglast.parser import parse_sql_json

_NO_CLASS = object()


@cache
def _slot_plan(cls: type) -> tuple[tuple[str, str, str, Any], ...]:
    """(attribute, kind, extra) per slot of a node class; kind tells how to turn JSON into the value."""
    plan = []
    for name, info in cls.__slots__.items():  # type: ignore[attr-defined]
        key = name[:-1] if name.endswith("_") and keyword.iskeyword(name[:-1]) else name  # def_ is "def"
        ctype = info.c_type if hasattr(info, "c_type") else info
        if ctype in ("Node*", "List*", "Expr*"):
            plan.append((name, key, "node", None))
        elif ctype == "ValUnion":
            plan.append((name, key, "val", None))
        elif ctype == "bool":
            plan.append((name, key, "bool", None))
        elif ctype == "char":
            plan.append((name, key, "char", None))
        elif ctype == "char*":
            plan.append((name, key, "str", None))
        elif ctype.endswith("*"):
            target = getattr(ast, ctype[:-1], None)
            plan.append((name, key, "typed", target) if target is not None else (name, key, "node", None))
        elif hasattr(enums, ctype):
            enum = getattr(enums, ctype)
            plan.append((name, key, "enum", enum))
        elif ctype == "ParseLoc":
            plan.append((name, key, "loc", None))
        else:
            plan.append((name, key, "int", None))
    return tuple(plan)


_VAL_KEYS = {"ival": ast.Integer, "fval": ast.Float, "sval": ast.String, "bsval": ast.BitString, "boolval": ast.Boolean}


def _enum_default(enum: Any) -> Any:
    """What pglast holds for an enum the JSON leaves out: its zero member, if it has one."""
    try:
        return enum(0)
    except ValueError:
        return None


@cache
def _class_plan(cls: type) -> tuple[tuple[tuple[str, Any], ...], dict[str, tuple[str, str, Any]]]:
    """(slot defaults for absent JSON keys, JSON key -> (slot, kind, extra) for present ones)."""
    defaults = []
    present = {}
    for name, key, kind, extra in _slot_plan(cls):
        default: Any = {"bool": False, "int": 0, "loc": 0, "char": "\x00"}.get(kind)
        if kind == "enum":
            default = _enum_default(extra)
        defaults.append((name, default))
        if kind == "val":
            for vkey in _VAL_KEYS:
                present[vkey] = (name, kind, _VAL_KEYS[vkey])
        else:
            present[key] = (name, kind, extra)
    return tuple(defaults), present


def _build(cls: type, fields: dict[str, Any]) -> ast.Node:
    node: ast.Node = object.__new__(cls)
    setter = object.__setattr__
    defaults, present = _class_plan(cls)
    for name, default in defaults:
        setter(node, name, default)
    for key, raw in fields.items():
        plan = present.get(key)
        if plan is None:
            continue
        name, kind, extra = plan
        if kind == "node":
            value = _convert(raw)
        elif kind == "typed" or kind == "val":
            value = _build(extra, raw)
        elif kind == "bool":
            value = bool(raw)
        elif kind == "loc":
            # libpg_query's JSON leaves out zero values; pglast turns an unknown location (-1) into None
            value = None if raw == -1 else raw
        elif kind == "enum":
            value = extra[raw]
        else:
            value = raw
        setter(node, name, value)
    return node


def _convert(value: Any) -> Any:
    if isinstance(value, dict) and not value:
        return None  # a NIL inside a list (RangeFunction's (function, column definitions) pairs)
    if isinstance(value, list):
        return tuple(_convert(v) for v in value)
    if isinstance(value, dict) and len(value) == 1:
        ((key, inner),) = value.items()
        if key == "List":
            return tuple(_convert(v) for v in inner.get("items", ()))
        cls = getattr(ast, key, None)
        if cls is not None and isinstance(inner, dict):
            return _build(cls, inner)
    raise ValueError(f"unexpected JSON in a syntax tree: {str(value)[:80]}")


def parse_sql(text: str) -> tuple[ast.RawStmt, ...]:
    """Like pglast.parse_sql (raises the same ParseError), built from libpg_query's JSON.

    libpg_query counts offsets in UTF-8 bytes; like pglast, they are turned into character offsets.
    """
    tree = json.loads(parse_sql_json(text))
    stmts = tuple(_build(ast.RawStmt, s) for s in tree.get("stmts", ()))
    if not text.isascii():
        _to_characters(stmts, text)
    return stmts  # type: ignore[return-value]


def _to_characters(stmts: tuple[Any, ...], text: str) -> None:
    chars = [0] * (len(text.encode()) + 1)
    at = 0
    for i, ch in enumerate(text):
        width = len(ch.encode())
        for b in range(width):
            chars[at + b] = i
        at += width
    chars[at] = len(text)

    def fix(node: Any) -> None:
        if isinstance(node, tuple):
            for n in node:
                fix(n)
            return
        if not isinstance(node, ast.Node):
            return
        for name in node:
            value = getattr(node, name)
            if name == "location" and isinstance(value, int) and 0 <= value < len(chars):
                setattr(node, name, chars[value])
            elif isinstance(value, (ast.Node, tuple)):
                fix(value)

    for st in stmts:
        start = st.stmt_location or 0
        if st.stmt_len:
            st.stmt_len = chars[start + st.stmt_len] - chars[start]
        st.stmt_location = chars[start]
        fix(st.stmt)
