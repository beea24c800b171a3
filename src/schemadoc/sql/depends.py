"""What a definition names that must exist before PostgreSQL accepts it: the types of its columns and of its
signature, the functions its expressions call, the sequences its defaults draw from, the relations a body
resolved at creation reads, its parents. Read from the text as written (as PostgreSQL prints it, for what
comes from the catalog), by name: a bare name stands for that name in any schema, so a dependency is
over-approximated rather than missed.

A fresh apply (sql/emit) and a migration (migrate/order) order their statements by these names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from schemadoc import model as m

_IDENT = r'(?:"(?:[^"]|"")+"|[A-Za-z_][\w$]*)'
_NAME = re.compile(rf"({_IDENT})(?:\s*\.\s*({_IDENT}))?")
_CALL = re.compile(rf"({_IDENT})(?:\s*\.\s*({_IDENT}))?\s*\(")
_NEXTVAL = re.compile(r"(?i)nextval\(\s*(?:cast\(\s*)?'((?:[^']|'')+)'")  # as written, or as pglast prints it
_TYPMOD = re.compile(r"\([^)]*\)")


def _unquote(ident: str) -> str:
    return ident[1:-1].replace('""', '"') if ident.startswith('"') else ident.lower()


def _name(first: str, second: str | None) -> str:
    return f"{_unquote(first)}.{_unquote(second)}" if second else _unquote(first)


@lru_cache(maxsize=4096)  # a schema spells few types, over and over
def signature_type(text: str) -> str:
    """The type a column or signature names, without SETOF, %TYPE/%ROWTYPE, array brackets, modifiers and
    quotes: `SETOF public.orders` → `public.orders`, `numeric(12,2)[]` → `numeric`."""
    t = re.sub(r"(?i)^\s*setof\s+", "", text.strip())
    t = re.sub(r"(?i)%rowtype$|%type$", "", t)
    t = _TYPMOD.sub("", t).replace("[]", "").strip()
    found = _NAME.fullmatch(t)
    return _name(found.group(1), found.group(2)) if found else t.replace('"', "").lower()


def types(texts: Iterable[str]) -> set[str]:
    return {signature_type(t) for t in texts if t}


def calls(texts: Iterable[str | None]) -> set[str]:
    """The names of the functions the expressions call (qualified where they are)."""
    return set().union(*(_calls_in(t) for t in texts if t))


@lru_cache(maxsize=4096)  # defaults and checks repeat too (now(), gen_random_uuid())
def _calls_in(text: str) -> frozenset[str]:
    return frozenset(_name(f.group(1), f.group(2)) for f in _CALL.finditer(text))


def names(texts: Iterable[str | None]) -> set[str]:
    """Every name the texts hold (qualified where they are): what a body may read."""
    return {_name(f.group(1), f.group(2)) for t in texts if t for f in _NAME.finditer(t)}


def sequences(texts: Iterable[str | None]) -> set[str]:
    """The sequences `nextval('…')` defaults draw from."""
    out = set()
    for t in texts:
        for found in _NEXTVAL.finditer(t or ""):
            inner = _NAME.fullmatch(found.group(1).replace("''", "'"))
            if inner:
                out.add(_name(inner.group(1), inner.group(2)))
    return out


def signature(f: m.Function) -> list[str]:
    """The types of a function's arguments and result, those of a `RETURNS TABLE (…)` column by column."""
    out = [a.type for a in f.arguments] + [f.returns]
    inner = re.match(r"(?is)^\s*table\s*\((.*)\)\s*$", f.returns)
    if inner:
        out += [part.strip().split(None, 1)[-1] for part in inner.group(1).split(",")]
    return out


def resolves_body(f: m.Function) -> bool:
    """Whether PostgreSQL resolves the body's names when the function is created: a SQL-standard body does;
    others are checked when they run, schemadoc's scripts setting check_function_bodies off (as pg_dump's)."""
    return f.standard_body


def column_needs(c: m.Column) -> set[str]:
    collation = {c.collation} if c.collation and "." in c.collation else set()  # a document's own collation
    return types([c.type]) | calls([c.default, c.generated]) | sequences([c.default]) | collation


def needs(obj: object) -> set[str]:
    """The names `obj` needs to exist when it is created (its own name left out)."""
    out: set[str] = set()
    if isinstance(obj, m.CompositeType):
        out = types(t for _, t in obj.attributes)
    elif isinstance(obj, m.Domain):
        out = types([obj.type]) | calls([obj.default, *(c.expression for c in obj.checks)])
    elif isinstance(obj, m.Function):
        out = types(signature(obj)) | (names([obj.body]) if resolves_body(obj) else set())
    elif isinstance(obj, m.Table):
        out = set().union(*(column_needs(c) for c in obj.columns if not c.inherited))
        out |= calls(c.expression for c in obj.checks) | set(obj.inherits)
        out |= {obj.partition_of} if obj.partition_of else set()
    elif isinstance(obj, m.Column):
        out = column_needs(obj)
    elif isinstance(obj, m.View):
        out = set(obj.depends_on) | calls([obj.definition])
    elif isinstance(obj, m.Index):
        out = {obj.table_key} | calls([*obj.keys, obj.where])
    elif isinstance(obj, m.Trigger):
        out = {obj.table_key, obj.function} | calls([obj.when])
    elif isinstance(obj, m.Policy):
        out = {obj.table_key} | names([obj.using, obj.check])
    elif isinstance(obj, m.ForeignKey):
        out = {obj.ref_key}
    elif isinstance(obj, m.Check):
        out = calls([obj.expression])
    own = provides(obj)
    return out - own


def provides(obj: object) -> set[str]:
    """The names a definition makes: its qualified name (a function's without its arguments)."""
    if isinstance(obj, m.Function):
        return {m.qualify(obj.schema, obj.name)}
    key = getattr(obj, "key", None)
    return {key} if isinstance(key, str) and not isinstance(obj, m.Role | m.Extension) else set()


class Provided:
    """Which of some items make each name, found by a qualified name or by a bare one. A name holding `PART`
    names a part of an object (migrate/order: a table's column, constraint, key): it is found only as it is."""

    PART = "\x1f"

    def __init__(self) -> None:
        self._by: dict[str, set[int]] = {}
        self._exact: dict[str, set[int]] = {}

    def add(self, name: str, item: int) -> None:
        self._by.setdefault(name, set()).add(item)
        self._exact.setdefault(name, set()).add(item)
        bare = name.rpartition(".")[2]
        if bare != name and self.PART not in name:
            self._by.setdefault(bare, set()).add(item)

    def of(self, wanted: Iterable[str]) -> set[int]:
        return {i for name in wanted for i in self._by.get(name, ())}

    def exact(self, name: str) -> set[int]:
        """The items that make `name` itself (not only a name it is the bare form of)."""
        return self._exact.get(name, set())
