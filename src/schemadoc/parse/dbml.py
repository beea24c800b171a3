"""DBML (dbdiagram.io's language), read with pydbml and mapped as dbml2sql maps it to PostgreSQL.

`Table "users" { "id" int [pk, increment] }`, inline `[ref: > users.id]` and `Ref:` lines (`>` many-to-one,
`<` one-to-many, `-` one-to-one: the key on the first column; `<>` many-to-many: a join table `a_b` with a
key to each side), `Enum`s, `Indexes { (a, b) [unique] }`, notes as comments. pydbml keeps no positions;
each object's line is found in the block's text.
"""

from __future__ import annotations

import re
import warnings
from typing import Any

from schemadoc import model as m
from schemadoc.errors import Severity, Span
from schemadoc.names import make_object_name, quote_literal
from schemadoc.parse.builder import ConstraintDraft, SchemaBuilder, TableDraft
from schemadoc.types import TypeSyntaxError, canonical_type, own_type_ref, translate_type

# DBML's own words for a sequence-backed integer: `increment` on these is an identity column
_INTEGERS = {"smallint", "integer", "bigint"}
_ACTIONS = {"cascade": "CASCADE", "restrict": "RESTRICT", "set null": "SET NULL", "set default": "SET DEFAULT",
            "no action": "NO ACTION"}  # fmt: skip


def looks_like_dbml(text: str) -> bool:
    """A DBML block: a `Table name {` (or `Enum`, `Ref:`) at a line's start."""
    return bool(
        re.search(r"^\s*(Table|Enum)\s+[\"\w.]+(\s+as\s+\w+)?\s*(\[[^\]]*\])?\s*\{|^\s*Ref\s*\w*\s*:", text, re.M)
    )


class DbmlReader:
    def __init__(self, builder: SchemaBuilder, path: str) -> None:
        self.b, self.path = builder, path

    def read(self, text: str, first_line: int) -> None:
        with warnings.catch_warnings():  # pydbml calls pyparsing names newer pyparsing says are deprecated
            warnings.simplefilter("ignore", DeprecationWarning)
            from pydbml import PyDBML
            from pyparsing.exceptions import ParseBaseException

            try:
                parsed = PyDBML(text)
            except ParseBaseException as e:
                self.b.report(
                    "SD013",
                    Severity.ERROR,
                    f"DBML that dbml cannot read: {e.msg}",
                    Span(self.path, first_line + e.lineno - 1, e.col),
                    help="correct the DBML (dbdiagram.io shows the same error)",
                )
                return
        lines = text.splitlines()
        for enum in parsed.enums:
            line = _line_of(lines, rf"^\s*Enum\s+(\"?[\w]+\"?\.)?\"?{re.escape(enum.name)}\"?\s*\{{")
            self.b.enums[m.qualify(enum.schema or "public", enum.name)] = m.Enum(
                enum.schema or "public",
                enum.name,
                tuple(i.name for i in enum.items),
                span=self._span(first_line, line),
            )
        enums = {e.name for e in parsed.enums}
        for table in parsed.tables:
            self.b.add_table(self._table(table, lines, first_line, enums))
        # a document may write every reference the wrong way round (the key on the "one" side): then a
        # reference whose direction the keys do not settle is read that way too
        sides = [_sides(r) for r in parsed.refs if r.type != "<>"]
        reversed_ = sum(not _is_key(t) and _is_key(s) for s, t in sides)
        agreeing = sum(_is_key(t) and not _is_key(s) for s, t in sides)
        for ref in parsed.refs:
            self._reference(ref, lines, first_line, flip_unclear=reversed_ > agreeing)

    def _span(self, first_line: int, line: int | None) -> Span:
        return Span(self.path, first_line + (line or 0), 1)

    def _table(self, table: Any, lines: list[str], first_line: int, enums: set[str]) -> TableDraft:
        at = _line_of(lines, rf"^\s*Table\s+(\"?[\w]+\"?\.)?\"?{re.escape(table.name)}\"?[\s\[{{]")
        d = TableDraft(table.schema or "public", table.name, "dbml", self._span(first_line, at))
        if table.note is not None and str(table.note.text).strip():
            d.comment = str(table.note.text).strip()
        pk: list[str] = []
        for col in table.columns:
            line = _line_of(lines, rf"^\s*\"?{re.escape(col.name)}\"?\s", start=at or 0)
            span = self._span(first_line, line)
            written = str(col.type).strip('"')
            base = written.strip('"').strip()
            if base in enums:
                sql_type = own_type_ref(base)
            else:
                sql_type = _sql_type(base)
            identity = None
            default = _default(col.default)
            if col.autoinc:
                if sql_type in _INTEGERS:
                    identity = "by default"
                elif sql_type in ("serial", "bigserial", "smallserial"):
                    pass
            if sql_type in ("serial", "bigserial", "smallserial"):
                sql_type = {"serial": "integer", "bigserial": "bigint", "smallserial": "smallint"}[sql_type]
                identity = "by default"
            note = str(col.note.text).strip() if col.note is not None and str(col.note.text).strip() else None
            d.columns[col.name] = m.Column(
                col.name,
                sql_type,
                not_null=bool(col.not_null or col.pk or identity),
                default=default,
                identity=identity,
                comment=note,
                span=span,
            )
            if col.pk:
                pk.append(col.name)
            if col.unique and not col.pk:
                d.constraints.append(ConstraintDraft("unique", None, (col.name,), span=span))
        for index in table.indexes:
            cols = tuple(s.name if hasattr(s, "name") else str(s) for s in index.subjects)
            span = self._span(first_line, at)
            if index.pk:
                pk = list(cols)
            elif index.unique:
                d.constraints.append(ConstraintDraft("unique", index.name or None, cols, span=span))
            elif all(hasattr(s, "name") for s in index.subjects):
                name = index.name or make_object_name(table.name, "_".join(cols), "idx")
                method = str(index.type).lower() if index.type else "btree"
                key = m.qualify(d.schema, name)
                self.b.indexes[key] = m.Index(d.schema, name, table.name, cols, method=method, span=span)
        if pk:
            d.constraints.insert(0, ConstraintDraft("primary", None, tuple(pk), span=d.span))
        return d

    def _reference(self, ref: Any, lines: list[str], first_line: int, flip_unclear: bool = False) -> None:
        """`>`: col1 references col2; `<`: col2 references col1; `-`: col1 references col2; `<>`: a join table."""
        kind = ref.type
        if kind == "<>":
            self._join_table(ref, first_line)
            return
        source, target = _sides(ref)
        source_key, target_key = _is_key(source), _is_key(target)
        if (not target_key and source_key) or (flip_unclear and source_key == target_key):
            # written the wrong way round (a key must reference a primary key or unique column): the
            # reference goes to the side that is the key, as the author meant
            source, target = target, source
        table = source[0].table
        d = self.b.tables.get(m.qualify(table.schema or "public", table.name))
        if d is None:
            return
        line = None
        if not ref.inline:
            line = _line_of(lines, rf"^\s*Ref\b[^:]*:.*\b{re.escape(source[0].name)}\b")
        span = self._span(first_line, line) if line is not None else d.columns[source[0].name].span
        ref_table = target[0].table
        if len(target) == 1 and _implied_key(target[0]):
            self._promote_key(ref_table, target[0].name, span)
        d.constraints.append(
            ConstraintDraft(
                "foreign",
                ref.name or None,
                tuple(c.name for c in source),
                ref_schema=ref_table.schema or "public",
                ref_table=ref_table.name,
                ref_columns=tuple(c.name for c in target),
                on_delete=_ACTIONS.get(str(ref.on_delete or "").lower(), "NO ACTION"),
                on_update=_ACTIONS.get(str(ref.on_update or "").lower(), "NO ACTION"),
                span=span,
            )
        )
        if (
            kind == "-"
            and len(source) == 1
            and not any(c.kind in ("primary", "unique") and c.columns == (source[0].name,) for c in d.constraints)
        ):
            d.constraints.append(ConstraintDraft("unique", None, (source[0].name,), span=span))

    def _promote_key(self, table: Any, column: str, span: Span | None) -> None:
        found = self.b.tables.get(m.qualify(table.schema or "public", table.name))
        if found is None or any(c.kind == "primary" for c in found.constraints):
            return
        found.constraints.insert(0, ConstraintDraft("primary", None, (column,), span=found.span))
        found.columns[column] = m.replace(found.columns[column], not_null=True)
        self.b.report(
            "SD044",
            Severity.INFO,
            f'{table.name} names no primary key and a reference points at its "{column}": taken as the primary key',
            found.span,
            help=f"write [pk] on {table.name}.{column}",
        )

    def _join_table(self, ref: Any, first_line: int) -> None:
        """dbml2sql's join table for `a.id <> b.id`: `a_b (a_id, b_id)`, its key both, a key to each side."""
        left, right = ref.col1[0].table, ref.col2[0].table
        name = f"{left.name}_{right.name}"
        d = TableDraft(left.schema or "public", name, "dbml", Span(self.path, first_line, 1))
        columns: list[str] = []
        for side, cols in ((left, ref.col1), (right, ref.col2)):
            mine = []
            for c in cols:
                column = f"{side.name}_{c.name}"
                sql_type = _sql_type(str(c.type).strip('"'))
                sql_type = {"serial": "integer", "bigserial": "bigint", "smallserial": "smallint"}.get(
                    sql_type, sql_type
                )
                d.columns[column] = m.Column(column, sql_type, not_null=True, span=d.span)
                mine.append(column)
            d.constraints.append(
                ConstraintDraft(
                    "foreign",
                    None,
                    tuple(mine),
                    ref_schema=side.schema or "public",
                    ref_table=side.name,
                    ref_columns=tuple(c.name for c in cols),
                    span=d.span,
                )
            )
            columns += mine
        d.constraints.insert(0, ConstraintDraft("primary", None, tuple(columns), span=d.span))
        self.b.add_table(d)


def _sql_type(written: str) -> str:
    """A DBML column type as PostgreSQL spells it (another database's translated; an extension's, such as
    GEOMETRY(POLYGON, 4326), as PostgreSQL's parser reads it)."""
    found = translate_type(written)
    if found is not None:
        return found
    try:
        return canonical_type(written)
    except TypeSyntaxError:
        return written


def _sides(ref: Any) -> tuple[list[Any], list[Any]]:
    """(referencing columns, referenced columns) as DBML reads the reference."""
    return (ref.col2, ref.col1) if ref.type == "<" else (ref.col1, ref.col2)


def _is_key(columns: list[Any]) -> bool:
    """Whether these columns are their table's primary key or a unique key."""
    table = columns[0].table
    names = {c.name for c in columns}
    if len(columns) == 1 and (columns[0].pk or columns[0].unique):
        return True
    if len(columns) == 1 and _implied_key(columns[0]):
        return True
    if {c.name for c in table.columns if c.pk} == names:
        return True
    return any((i.pk or i.unique) and {getattr(s, "name", None) for s in i.subjects} == names for i in table.indexes)


def _implied_key(column: Any) -> bool:
    """A table without a primary key whose `id` (or auto-increment) column others reference: its key."""
    table = column.table
    return (
        not any(c.pk for c in table.columns)
        and not any(i.pk for i in table.indexes)
        and (column.name.lower() == "id" or bool(column.autoinc) or str(column.type).lower().endswith("serial"))
    )


def _default(value: Any) -> str | None:
    """A DBML default as SQL: `` `now()` `` is an expression, 'text' a string, 1 and true themselves."""
    if value is None:
        return None
    text = getattr(value, "text", None)
    if text is not None:  # an expression in backticks
        return str(text)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return quote_literal(str(value))


def _line_of(lines: list[str], pattern: str, start: int = 0) -> int | None:
    """The 0-based line of the block where `pattern` first matches, from `start`."""
    rx = re.compile(pattern, re.I)
    for i in range(start, len(lines)):
        if rx.search(lines[i]):
            return i
    return None
