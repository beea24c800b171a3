"""The names migration operations are ordered by, beyond sql/depends' qualified object names: what belongs
to a table (its columns, their NOT NULL and identity, its constraints, keys and own sequences), the groups a
table's changes of one kind are known by, and the global objects (schemas, roles, extensions)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from schemadoc import model as m
from schemadoc.sql import depends
from schemadoc.sql.emit import serial_type

PART = depends.Provided.PART  # what joins a table and a part of it in a name: never looked up bare


def column(table: str, name: str) -> str:
    return f"{table}{PART}column {name}"


def not_null(table: str, name: str) -> str:
    return f"{table}{PART}not null {name}"


def identity(table: str, name: str) -> str:
    return f"{table}{PART}identity {name}"


def constraint(table: str, name: str) -> str:
    return f"{table}{PART}constraint {name}"


def validated(table: str, name: str) -> str:
    return f"{table}{PART}valid {name}"


def key(table: str, columns: Iterable[str]) -> str:
    """A primary key, unique constraint or unique index as a foreign key references it: its columns."""
    return f"{table}{PART}key {','.join(sorted(columns))}"


def schema_name(name: str) -> str:
    return f"schema {name}"


def role_name(name: str) -> str:
    return f"role {name}"


def nulls(table: str) -> str:
    """What a table's NOT NULL changes are grouped by: attaching or inheriting waits on them."""
    return f"{table}{PART}not nulls"


def checks(table: str) -> str:
    """What a table's CHECK changes are grouped by: inheriting waits on them (a child has its parent's)."""
    return f"{table}{PART}checks"


def dropped_columns(table: str) -> str:
    """What a table's column drops are grouped by: what is dropped over its columns goes before them, an
    attach or inherit after them; what is made over them need not wait (contract steps stay last)."""
    return f"{table}{PART}columns dropped"


def attachable(table: str) -> str:
    """What dropping a table's own keys and indexes is grouped by: ATTACH would adopt them, so it waits."""
    return f"{table}{PART}own keys"


def detached(table: str) -> str:
    """A table detached from its partitioned parent or INHERITS parent: what it holds only from the parent
    (cloned keys and indexes, inherited columns and constraints) can be dropped once it is."""
    return f"{table}{PART}detached"


def persistence(table: str) -> str:
    return f"{table}{PART}logged"


def sequence(text: str) -> str:
    """A sequence as SQL names it (`"Orders_id_seq"`, `s.seq`), as a qualified name (public when bare)."""
    found = depends.names([text])
    name = min(found) if len(found) == 1 else text
    return name if "." in name else m.qualify("public", name)


_PLAIN = re.compile(r"[^\s()]+")


def index_key(ix: m.Index) -> str | None:
    """A unique index on plain columns as a foreign key references it (order/names.key); else None."""
    if not ix.unique or ix.where:
        return None
    plain = [k.strip('"') for k in ix.keys]
    return None if any(not _PLAIN.fullmatch(k) for k in plain) else key(ix.table_key, plain)


def own_sequence(t: m.Table, c: m.Column) -> set[str]:
    """The sequence an identity or serial column makes with it, named as PostgreSQL names it."""
    if c.identity or serial_type(t, c):
        return {m.qualify(t.schema, f"{t.name}_{c.name}_seq")}
    return set()


def column_names(t: m.Table, c: m.Column) -> set[str]:
    """What a column brings into being with it: itself, its NOT NULL, its identity, and the sequence of
    that identity or of a serial column."""
    k = t.key
    out = {column(k, c.name)} | own_sequence(t, c)
    if c.not_null:
        out.add(not_null(k, c.name))
    if c.identity:
        out.add(identity(k, c.name))
    return out


def table_names(t: m.Table, foreign_keys: tuple[m.ForeignKey, ...] | None = None) -> set[str]:
    """What a table brings into being with it: itself, its columns (`column_names`), its constraints, keys
    and their indexes."""
    k = t.key
    out = {k}.union(*(column_names(t, c) for c in t.columns))
    fks = t.foreign_keys if foreign_keys is None else foreign_keys  # (CREATE TABLE has only those it says)
    for c in (t.primary_key, *t.uniques, *t.checks, *fks, *t.exclusions):
        if c is not None:
            out |= {constraint(k, c.name), validated(k, c.name)}
    for kc in (t.primary_key, *t.uniques):
        if kc is not None:
            out.add(key(k, kc.columns))
    return out | {m.qualify(t.schema, c.name) for c in (t.primary_key, *t.uniques, *t.exclusions) if c}


def object_names(obj: object) -> set[str]:
    if isinstance(obj, m.Role):
        return {role_name(obj.name)}
    if isinstance(obj, m.Extension):
        return {f"extension {obj.name}"}
    return depends.provides(obj)


def names_in(schema: m.Schema) -> set[str]:
    """Every name `schema` holds, as the operations name what they make: what existed before a migration."""
    out = {schema_name(s) for s in schema.schemas} | {role_name(r.name) for r in schema.roles}
    out |= {f"extension {e.name}" for e in schema.extensions}
    for t in schema.tables:
        out |= table_names(t)
    for kind in (schema.enums, schema.composites, schema.domains, schema.sequences, schema.functions,
                 schema.views, schema.collations):  # fmt: skip
        for obj in kind:
            out |= depends.provides(obj)
    for d in schema.domains:
        out |= {constraint(d.key, c.name) for c in d.checks}
    for attached in (*schema.triggers, *schema.policies):
        out |= depends.provides(attached)
    for ix in schema.indexes:
        out.add(ix.key)
        found = index_key(ix)
        if found:
            out.add(found)
    return out


def schemas_of(names: Iterable[str]) -> set[str]:
    schemas = {n.partition(".")[0] for n in names if "." in n and not n.startswith(("schema ", "role "))}
    return {schema_name(s) for s in schemas}


def identity_sequence(table: str, column_name: str) -> str:
    schema, _, name = table.partition(".")
    return m.qualify(schema, f"{name}_{column_name}_seq")
