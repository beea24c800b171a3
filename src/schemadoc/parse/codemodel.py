"""Tables declared in application code — TypeScript/JavaScript ORMs (parse/tsorm.py), Laravel migrations
(parse/laravel.py) — as their readers found them, and how they become the schema's table drafts: one
shape for every code reader, so each maps keys, indexes and enums the same way."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from schemadoc import model as m
from schemadoc.errors import Severity, Span
from schemadoc.names import quote_literal
from schemadoc.parse.builder import ConstraintDraft, SchemaBuilder, TableDraft


@dataclass(slots=True)
class CodeColumn:
    name: str
    sql_type: str
    line: int
    not_null: bool = False
    pk: bool = False
    unique: bool = False
    default: str | None = None
    identity: bool = False
    ref: tuple[str, str | None] | None = None  # (table, variable or model as written; column)
    on_delete: str = "NO ACTION"
    index: bool = False
    check: str | None = None  # a CHECK on the column (Laravel's enum on PostgreSQL: varchar + CHECK … IN)


@dataclass(slots=True)
class CodeTable:
    name: str
    line: int
    key: str  # the variable or class that holds it: what references name
    columns: list[CodeColumn] = field(default_factory=list)
    primary: tuple[str, ...] = ()
    uniques: list[tuple[str, ...]] = field(default_factory=list)
    indexes: list[tuple[str | None, tuple[str, ...], bool]] = field(default_factory=list)
    end_line: int = 0  # the declaration's last line, when the reader knows it


def sql_literal(v: Any) -> str | None:
    """A code literal (True, 3, 2.5, "draft") as a SQL default; None for what is not a plain value."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return str(v)
    if isinstance(v, str):
        return quote_literal(v)
    return None


@dataclass(slots=True)
class CodeTables:
    """The tables (and enum types) of a doc's code blocks in one language, gathered before any is mapped
    (a key may name a table declared in a later block)."""

    tables: list[CodeTable] = field(default_factory=list)
    enums: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)  # variable -> (type name, values)


def action(v: Any) -> str:
    text = (v if isinstance(v, str) else "").upper().replace("_", " ")
    return text if text in ("CASCADE", "SET NULL", "RESTRICT", "SET DEFAULT", "NO ACTION") else "NO ACTION"


def plural(word: str) -> str:
    """Sequelize's table name for a model: its name in the plural (inflection's rules, the common ones)."""
    if re.search(r"(s|x|z|ch|sh)$", word):
        return word + "es"
    if re.search(r"[^aeiou]y$", word):
        return word[:-1] + "ies"
    return word + "s"


def map_tables(models: CodeTables, b: SchemaBuilder, path: str) -> dict[str, str]:
    """Every table the code declares, as drafts of the schema; which table each variable or class is."""
    for type_name, values in models.enums.values():
        b.enums.setdefault(m.qualify("public", type_name), m.Enum("public", type_name, values))
    keys = {t.key: t.name for t in models.tables}
    for t in models.tables:
        span = Span(path, t.line, 1, t.end_line)
        d = TableDraft("public", t.name, "orm", span)
        for c in t.columns:
            cspan = Span(path, c.line, 1)
            sql_type = c.sql_type
            if not sql_type:
                from schemadoc.parse.table import RELATION_KEY

                sql_type = RELATION_KEY
            d.columns[c.name] = m.Column(
                c.name, sql_type, not_null=c.not_null or c.pk, default=c.default,
                identity="by default" if c.identity else None, span=cspan,
            )  # fmt: skip
            if c.check:
                d.constraints.append(
                    ConstraintDraft("check", None, expression=c.check, expression_columns=(c.name,), span=cspan)
                )
            if c.unique and not c.pk:
                d.constraints.append(ConstraintDraft("unique", None, (c.name,), span=cspan))
            if c.ref is not None:
                target, column = c.ref
                d.constraints.append(
                    ConstraintDraft(
                        "foreign", None, (c.name,), ref_table="", ref_columns=(column,) if column else (),
                        on_delete=c.on_delete, span=cspan, candidates=(keys.get(target, target),),
                    )
                )  # fmt: skip
            if c.index:
                name = f"{t.name}_{c.name}_index"
                b.indexes[m.qualify("public", name)] = m.Index("public", name, t.name, (c.name,), span=cspan)
        pk = t.primary or tuple(c.name for c in t.columns if c.pk)
        if pk:
            d.constraints.insert(0, ConstraintDraft("primary", None, pk, span=span))
        for cols in t.uniques:
            d.constraints.append(ConstraintDraft("unique", None, cols, span=span))
        for label, cols, unique in t.indexes:
            name = label or f"{t.name}_{'_'.join(cols)}_index"
            b.indexes[m.qualify("public", name)] = m.Index("public", name, t.name, cols, unique, span=span)
        if d.columns:
            b.add_table(d)
        else:
            b.report("SD019", Severity.INFO, f"table {t.name} declares no columns schemadoc reads", span)
    return keys
