"""What ALTER COLUMN … TYPE does between two types: a rewrite, the rows that lose data, a cast."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from psycopg import sql

from schemadoc.errors import Span
from schemadoc.migrate.ops import REWRITE_ADVICE, TABLES, AlterColumnType, count_rows
from schemadoc.names import quote_ident

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


# PostgreSQL's built-in types, and the direct casts between them other than to and from text (pg_cast)
_BUILT_IN = _STRING | _NUMBER | _TIME | {
    "boolean", "uuid", "json", "jsonb", "bytea", "money", "inet", "cidr", "macaddr", "interval", "xml",
    "time without time zone", "time with time zone", "bit", "bit varying", "tsvector", "tsquery",
}  # fmt: skip
_CASTS = {
    ("integer", "boolean"), ("boolean", "integer"), ("json", "jsonb"), ("jsonb", "json"), ("inet", "cidr"),
    ("cidr", "inet"), ("integer", "money"), ("bigint", "money"), ("numeric", "money"), ("money", "numeric"),
    ("date", "timestamp without time zone"), ("date", "timestamp with time zone"),
    ("timestamp without time zone", "timestamp with time zone"), ("timestamp with time zone", "timestamp without time zone"),
    ("timestamp without time zone", "date"), ("timestamp with time zone", "date"),
    ("timestamp without time zone", "time without time zone"), ("timestamp with time zone", "time without time zone"),
    ("timestamp with time zone", "time with time zone"), ("time without time zone", "time with time zone"),
    ("time with time zone", "time without time zone"), ("interval", "time without time zone"),
    ("time without time zone", "interval"), ("integer", "bit"), ("bigint", "bit"), ("bit", "integer"),
    ("bit", "bigint"), ("bit", "bit varying"), ("bit varying", "bit"),
    *(("jsonb", n) for n in (*_NUMBER, "boolean")),
}  # fmt: skip


def castless(old: str, new: str) -> bool:
    """Two of PostgreSQL's built-in types with no cast between them but through text (integer and uuid,
    timestamp and integer): a value converts only where its text happens to read as the new type."""
    ob, _, oa = _parts(old)
    nb, _, na = _parts(new)
    if oa != na or ob == nb or ob not in _BUILT_IN or nb not in _BUILT_IN or ob in _STRING or nb in _STRING:
        return False
    return not (ob in _NUMBER and nb in _NUMBER) and (ob, nb) not in _CASTS


def using_clause(col: str, old: str, new: str) -> str:
    """The USING expression that casts column `col` from `old` to `new` (through text where no direct cast)."""
    c = quote_ident(col)
    ob, _, _ = _parts(old)
    plain = ob in _STRING or ob in _NUMBER or ob in _TIME or ob in ("boolean", "uuid", "json", "jsonb")
    return f"{c}::{new}" if plain and not castless(old, new) else f"{c}::text::{new}"


def alter_type(
    table: str,
    column: str,
    old: str,
    new: str,
    *,
    collate: str = "",
    collate_before: str = "",
    span: Span | None = None,
    phase: int = TABLES,
    unidentified: bool = False,
) -> AlterColumnType:
    """ALTER COLUMN … TYPE from `old` to `new`: the cast it needs, whether it rewrites the table, and the
    values the new type cannot hold (counted)."""
    tc = type_change(old, new)
    col = quote_ident(column)
    where = re.sub(r"\bc\b", col, tc.lossy_where) if tc.lossy_where else None
    return AlterColumnType(
        table,
        column,
        new,
        f"change type of {table}.{column} from {old} to {new}",
        using_clause(column, old, new) if tc.needs_using else None,
        collate=collate,
        collate_before=collate_before,
        before=old,
        rewrites=tc.rewrites,
        loses=f"values of {table}.{column} that {new} cannot hold exactly" if where else None,
        at_stake=count_rows(table, sql.SQL(where)) if where else None,  # (an expression of schemadoc's own)
        span=span,
        note=REWRITE_ADVICE if tc.rewrites else "",
        phase=phase,
        unidentified=unidentified,
    )


def back(op: AlterColumnType) -> AlterColumnType:
    """The type change that undoes `op`: back to the type (and collation) the column had, with its own cast and
    losses; a change of collation alone back to the collation it had."""
    assert op.before is not None
    if op.before == op.type:
        label = f"change collation of {op.table}.{op.column} back ({op.collate_before.strip() or 'the default'})"
        return replace(op, label=label, collate=op.collate_before, collate_before=op.collate, span=None)
    return alter_type(op.table, op.column, op.type, op.before, collate=op.collate_before, collate_before=op.collate,
                      phase=op.phase)  # fmt: skip
