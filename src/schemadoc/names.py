"""Identifier rules: quoting, folding, and the names PostgreSQL and Prisma give to unnamed objects."""

from __future__ import annotations

import re
from collections.abc import Iterable

from pglast.keywords import COL_NAME_KEYWORDS, RESERVED_KEYWORDS, TYPE_FUNC_NAME_KEYWORDS

NAMEDATALEN = 64  # identifiers are truncated to NAMEDATALEN - 1 bytes
_PLAIN = re.compile(r"^[a-z_][a-z0-9_$]*$")
_NEEDS_QUOTES = RESERVED_KEYWORDS | TYPE_FUNC_NAME_KEYWORDS | COL_NAME_KEYWORDS


def quote_ident(name: str) -> str:
    """Quote like PostgreSQL's quote_ident(): only when the name would not survive unquoted."""
    if _PLAIN.match(name) and name not in _NEEDS_QUOTES:
        return name
    return '"' + name.replace('"', '""') + '"'


def quote_literal(text: str) -> str:
    """A SQL string literal, as PostgreSQL's quote_literal() writes one (standard_conforming_strings: a
    quote is doubled, a backslash is itself): the one place text becomes a literal in generated SQL."""
    return "'" + text.replace("'", "''") + "'"


def qualified(schema: str, name: str, default_schema: str = "public") -> str:
    if schema == default_schema:
        return quote_ident(name)
    return f"{quote_ident(schema)}.{quote_ident(name)}"


def make_object_name(name1: str, name2: str | None, label: str | None) -> str:
    """PostgreSQL's makeObjectName(): name1_name2_label, shortening the longer part to fit."""
    overhead = (len(label.encode()) + 1 if label else 0) + (1 if name2 else 0)
    n1 = name1.encode()
    n2 = name2.encode() if name2 else b""
    avail = NAMEDATALEN - 1 - overhead
    while len(n1) + len(n2) > avail:
        if len(n1) > len(n2):
            n1 = n1[:-1]
        else:
            n2 = n2[:-1]
    parts = [n1.decode(errors="ignore")]
    if name2:
        parts.append(n2.decode(errors="ignore"))
    if label:
        parts.append(label)
    return "_".join(parts)


def choose_name(name1: str, name2: str | None, label: str, taken: Iterable[str]) -> str:
    """PostgreSQL's ChooseConstraintName()/ChooseRelationName(): add 1, 2, … until unused."""
    used = set(taken)
    name = make_object_name(name1, name2, label)
    n = 0
    while name in used:
        n += 1
        name = make_object_name(name1, name2, f"{label}{n}")
    return name


def column_list_name(columns: Iterable[str]) -> str:
    """PostgreSQL's ChooseIndexNameAddition: column names joined with '_'."""
    return "_".join(columns)


def prisma_name(table: str, columns: Iterable[str], suffix: str) -> str:
    """Prisma Migrate's default constraint/index names: {table}_{col1}_{col2}_{suffix}, max 63 chars."""
    cols = "_".join(columns)
    base = f"{table}_{cols}" if cols else table
    limit = NAMEDATALEN - 1 - len(suffix) - 1
    if len(base) > limit:
        base = base[:limit]
    return f"{base}_{suffix}"


_CAMEL_1 = re.compile(r"(.)([A-Z][a-z]+)")
_CAMEL_2 = re.compile(r"([a-z0-9])([A-Z])")


_PLURAL_ENDINGS = (
    ("sses", "ss"),
    ("tuses", "tus"),
    ("buses", "bus"),
    ("ches", "ch"),
    ("shes", "sh"),
    ("xes", "x"),
    ("ies", "y"),
    ("s", ""),
)


def singular(word: str) -> str:
    """The singular of an English plural, its case kept: `categories` → `category`, `addresses` →
    `address`, `statuses` → `status`, `boxes` → `box`, `Users` → `User`; a word that is not a plural is
    returned as it is (`status`, `class`, `analysis`, `data`)."""
    lower = word.lower()
    if lower.endswith(("ss", "us", "is")):
        return word
    for plural, one in _PLURAL_ENDINGS:
        if lower.endswith(plural) and len(lower) > len(plural) + 1:
            return word[: -len(plural)] + one
    return word


def snake_case(name: str) -> str:
    return re.sub(r"_+", "_", _CAMEL_2.sub(r"\1_\2", _CAMEL_1.sub(r"\1_\2", name))).lower()


def loose_key(name: str) -> str:
    """A key under which `clerk_id`, `clerkId` and `ClerkID` all match."""
    return name.replace("_", "").lower()
