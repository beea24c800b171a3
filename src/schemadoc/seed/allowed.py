"""What a column's constraints allow a generated value to be: CHECK bounds and patterns, the values a CHECK or the document lists, the domains it uses, the partition its row lands in."""

from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import psycopg

from schemadoc import model as m
from schemadoc.names import quote_ident, singular
from schemadoc.parse import LoadedDocument

_CMP = re.compile(r"^\(*\s*\(?\"?(\w+)\"?\)?(?:::[\w ]+)?\s*(>=|>|<=|<)\s*\(?(-?\d+(?:\.\d+)?)\)?(?:::[\w ]+)?\s*\)*$")


_BETWEEN = re.compile(r"^\(*\s*\"?(\w+)\"?\s+BETWEEN\s+(-?\d+(?:\.\d+)?)\s+AND\s+(-?\d+(?:\.\d+)?)\s*\)*$", re.I)


def check_bounds(table: m.Table) -> dict[str, tuple[float | None, float | None]]:
    """Numeric ranges the CHECKs put on columns: `rating >= 1 AND rating <= 5`, BETWEEN, comparisons."""
    out: dict[str, list[float | None]] = {}
    for c in table.checks:
        for part in re.split(r"\s+AND\s+", c.expression, flags=re.I):
            part = part.strip()
            mt = _BETWEEN.match(part)
            if mt:
                b = out.setdefault(mt.group(1), [None, None])
                b[0], b[1] = float(mt.group(2)), float(mt.group(3))
                continue
            mt = _CMP.match(part)
            if mt:
                col, op, num = mt.group(1), mt.group(2), float(mt.group(3))
                b = out.setdefault(col, [None, None])
                if op in (">", ">="):
                    b[0] = num + (1 if op == ">" else 0)
                else:
                    b[1] = num - (1 if op == "<" else 0)
    return {k: (v[0], v[1]) for k, v in out.items()}


_REGEX = re.compile(r"^\(*\s*\(?\"?(\w+)\"?\)?(?:::[\w ]+)?\s*(~\*?)\s*'((?:[^']|'')*)'(?:::[\w ]+)?\s*\)*$")


def check_patterns(table: m.Table) -> dict[str, tuple[str, bool]]:
    """Column → (regular expression, case-insensitive) from CHECKs such as `sku ~ '^[A-Z]{3}-[0-9]{4}$'`."""
    out: dict[str, tuple[str, bool]] = {}
    for c in table.checks:
        for part in re.split(r"\s+AND\s+", c.expression, flags=re.I):
            mt = _REGEX.match(part.strip())
            if mt:
                out[mt.group(1)] = (mt.group(3).replace("''", "'"), mt.group(2) == "~*")
    return out


def matching(
    maker: Callable[[int], Any], pattern: str, insensitive: bool, unique: bool, rng: random.Random, fake: Any
) -> Callable[[int], Any]:
    """A maker whose strings match `pattern`: the column's own when they already do (emails for an
    email pattern), else strings generated from the expression itself."""
    try:
        rx = re.compile(pattern, re.I if insensitive else 0)
    except re.error:
        return maker  # a POSIX-only expression: PostgreSQL filters the rows
    candidates = [maker]
    if "@" in pattern:
        candidates.append(lambda i: f"{fake.user_name()}{i}@{fake.free_email_domain()}")
    for candidate in candidates:
        if all(isinstance(v, str) and rx.search(v) for v in (candidate(i) for i in range(20))):
            return candidate
    import rstr

    gen = rstr.Rstr(rng)
    if not unique:
        return lambda i: gen.xeger(pattern)
    seen: set[str] = set()

    def fresh(i: int) -> str:
        for _ in range(20):
            value = gen.xeger(pattern)
            if value not in seen:
                break
        seen.add(value)
        return value

    return fresh


def domains_resolved(t: m.Table, schema: m.Schema) -> m.Table:
    """The table as its values are made: domain columns typed by their base type, the domains' CHECKs
    (VALUE read as the column) added to the table's, so bounds and patterns apply and rows are filtered."""
    domains = {d.key: d for d in schema.domains} | {d.name: d for d in schema.domains}
    columns, checks = [], list(t.checks)
    for c in t.columns:
        d = domains.get(c.type) or domains.get(c.type.strip('"'))
        if d is None:
            columns.append(c)
            continue
        columns.append(replace(c, type=d.type, not_null=c.not_null or d.not_null))
        for k in d.checks:
            expression = re.sub(r"\bVALUE\b", quote_ident(c.name), _strip_check(k.expression))
            checks.append(m.Check(f"{k.name} on {c.name}", expression))
    return replace(t, columns=tuple(columns), checks=tuple(checks))


def _strip_check(expression: str) -> str:
    mt = re.fullmatch(r"\s*CHECK\s*\((.*)\)\s*", expression, re.S | re.I)
    return mt.group(1) if mt else expression


_LISTED = re.compile(r"""["'`]([^"'`,|]{1,40})["'`]""")


def listed_values(doc: LoadedDocument, t: m.Table) -> dict[str, list[str]]:
    """Per column, the values the doc lists for it where its type does not: a comment on a line that
    defines it (`status String // "active", "cancelled", "expired"`, `status text -- 'draft' | 'sent'`),
    in any of the doc's descriptions of the table (the Prisma model as well as the SQL), or its comment."""
    mine = doc.schema.table(t.key)
    if mine is None:
        return {}
    lines = doc.text.splitlines()
    out: dict[str, list[str]] = {}
    for col in mine.columns:
        texts = [col.comment or ""]
        for number, line in enumerate(lines):
            words = line.split()
            if not words or words[0].strip('"`,') != col.name:
                continue
            at = min((i for i in (line.find("//"), line.find("--"), line.find(" #")) if i >= 0), default=-1)
            if at >= 0 and _describes(lines, number, t.name):
                texts.append(line[at:])
        for text in texts:
            found = [v.strip() for v in _LISTED.findall(text) if v.strip()]
            if len(found) >= 2 and len(set(found)) == len(found):
                out[col.name] = found
                break
    return out


_OPENS = re.compile(
    r"""^\s*(?:model|create\s+table(?:\s+if\s+not\s+exists)?|table|type|interface|class|enum|#+)\s+[`"\[]?(?:\w+\.)?(\w+)""",
    re.I,
)


def _describes(lines: list[str], number: int, table: str) -> bool:
    """Whether line `number` sits in a description of `table`: the nearest model, CREATE TABLE, class or
    heading above it names the table (singular or plural, any case)."""
    for line in reversed(lines[max(0, number - 80) : number]):
        opened = _OPENS.match(line)
        if opened:
            return singular(opened.group(1).lower()) == singular(table.lower())
    return False


def one_of(choices: list[str], rng: random.Random) -> Callable[[int], Any]:
    return lambda i: choices[rng.randrange(len(choices))]


def some_of(choices: list[str], rng: random.Random) -> Callable[[int], Any]:
    """Arrays of distinct values drawn from `choices` (none to three of them)."""
    return lambda i: rng.sample(choices, rng.randint(0, min(3, len(choices))))


def in_partitions(
    conn: psycopg.Connection[Any], t: m.Table, rng: random.Random
) -> tuple[str, Callable[[int], Any]] | None:
    """(column, maker) for a table partitioned by RANGE on one time or number column: values drawn
    uniformly from a random partition's FROM … TO bounds."""
    mt = re.fullmatch(r'RANGE \("?(\w+)"?\)', t.partition_by or "", re.I)
    col = t.column(mt.group(1)) if mt else None
    if col is None:
        return None
    rows = conn.execute(
        "SELECT pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "WHERE i.inhparent = %s::regclass",
        (f"{quote_ident(t.schema)}.{quote_ident(t.name)}",),
    ).fetchall()
    spans: list[tuple[Any, Any]] = []
    for (bound,) in rows:
        b = re.fullmatch(r"FOR VALUES FROM \('?([^')]+)'?\) TO \('?([^')]+)'?\)", bound or "")
        if not b or "MINVALUE" in bound or "MAXVALUE" in bound:
            continue
        lo, hi = b.group(1), b.group(2)
        try:
            if col.type.startswith(("timestamp", "date")):
                spans.append((_instant(lo), _instant(hi)))
            else:
                spans.append((float(lo), float(hi)))
        except ValueError:
            continue
    if not spans:
        return None
    is_date = col.type == "date"
    is_int = col.type in ("smallint", "integer", "bigint")

    def make(i: int) -> Any:
        lo, hi = spans[rng.randrange(len(spans))]
        if isinstance(lo, dt.datetime):
            value = lo + (hi - lo) * rng.random()
            return value.date() if is_date else value
        if is_int:
            return rng.randrange(int(lo), int(hi))
        return lo + (hi - lo) * rng.random()

    return col.name, make


def _instant(text: str) -> dt.datetime:
    value = dt.datetime.fromisoformat(re.sub(r"([+-]\d\d)$", r"\1:00", text.strip()))
    return value


def partition_bounds(conn: psycopg.Connection[Any], t: m.Table) -> list[str]:
    rows = conn.execute(
        "SELECT pg_get_partition_constraintdef(i.inhrelid) FROM pg_inherits i WHERE i.inhparent = %s::regclass",
        (f"{quote_ident(t.schema)}.{quote_ident(t.name)}",),
    ).fetchall()
    return [r[0] for r in rows if r[0]]
