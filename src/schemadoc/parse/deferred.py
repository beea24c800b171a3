"""Apply ALTER TABLE and COMMENT ON after every table is known: a doc is not a script."""

from __future__ import annotations

from dataclasses import replace

from pglast import ast
from pglast.enums import AlterTableType, ConstrType, ObjectType

from schemadoc import model as m
from schemadoc.errors import Severity, Span
from schemadoc.parse.builder import SchemaBuilder, TableDraft
from schemadoc.parse.nodes import deparse
from schemadoc.parse.sql import SqlReader


def apply_deferred(b: SchemaBuilder, default_schema: str) -> None:
    for kind, span, node in b.deferred:
        if kind == "alter":
            _alter(b, node, span, default_schema)
        elif kind == "comment":
            _comment(b, node, span, default_schema)


def _constraint_using_index(
    b: SchemaBuilder, d: TableDraft, reader: SqlReader, c: ast.Constraint, span: Span | None
) -> None:
    """`ADD CONSTRAINT name PRIMARY KEY | UNIQUE USING INDEX idx`: the constraint takes the index's columns
    and the index becomes the constraint's own (PostgreSQL renames it), so it is no longer a separate index."""
    key = m.qualify(d.schema, c.indexname)
    ix = b.indexes.get(key)
    plain = ix is not None and ix.where is None and all(k.strip('"') in d.columns for k in ix.keys)
    if ix is None or not plain:
        b.report(
            "SD011",
            Severity.WARNING,
            f'ADD CONSTRAINT … USING INDEX "{c.indexname}": '
            + ("the document defines no such index" if ix is None else "the index is not on plain columns")
            + "; the constraint is left out",
            span,
        )
        return
    del b.indexes[key]
    keys = tuple(ast.String(sval=k.strip('"')) for k in ix.keys)
    reader._constraint(d, ast.Constraint(contype=c.contype, conname=c.conname or c.indexname, keys=keys,
                                         deferrable=c.deferrable, initdeferred=c.initdeferred), span, column=None)  # fmt: skip
    if c.contype == ConstrType.CONSTR_PRIMARY:
        for k in keys:
            d.columns[k.sval] = replace(d.columns[k.sval], not_null=True)


def _alter(b: SchemaBuilder, node: ast.AlterTableStmt, span: Span | None, default_schema: str) -> None:

    rv = node.relation
    key = m.qualify(rv.schemaname or default_schema, rv.relname)
    d = b.tables.get(key)
    if d is None:
        if node.objtype == ObjectType.OBJECT_TABLE:
            b.report(
                "SD102",
                Severity.ERROR,
                f'ALTER TABLE of unknown table "{rv.relname}"',
                span,
                help="define the table in the document, or remove the ALTER",
            )
        return
    reader = SqlReader(b, span.file if span else "<doc>", default_schema)
    for cmd in node.cmds or ():
        t = cmd.subtype
        if t == AlterTableType.AT_EnableRowSecurity:
            d.rls_enabled = True
        elif t == AlterTableType.AT_DisableRowSecurity:
            d.rls_enabled = False
        elif t == AlterTableType.AT_ForceRowSecurity:
            d.rls_forced = True
        elif t == AlterTableType.AT_NoForceRowSecurity:
            d.rls_forced = False
        elif t == AlterTableType.AT_SetUnLogged:
            d.unlogged = True
        elif t == AlterTableType.AT_SetLogged:
            d.unlogged = False
        elif t == AlterTableType.AT_DropColumn and cmd.name in d.columns:
            # the column goes, with the table's constraints that involve it (as PostgreSQL drops them)
            del d.columns[cmd.name]
            d.constraints = [
                c for c in d.constraints if cmd.name not in c.columns and cmd.name not in c.expression_columns
            ]
        elif t == AlterTableType.AT_DropColumn and not cmd.missing_ok:
            b.report(
                "SD102",
                Severity.ERROR,
                f'ALTER TABLE {rv.relname} drops column "{cmd.name}", which it does not have',
                span,
                help="drop a column the table has, or write DROP COLUMN IF EXISTS",
            )
        elif t == AlterTableType.AT_AddInherit:
            parent = m.qualify(cmd.def_.schemaname or default_schema, cmd.def_.relname)
            d.inherits = (*[p for p in d.inherits if p != parent], parent)
        elif t == AlterTableType.AT_DropInherit:
            parent = m.qualify(cmd.def_.schemaname or default_schema, cmd.def_.relname)
            d.inherits = tuple(p for p in d.inherits if p != parent)
        elif t == AlterTableType.AT_AddConstraint and getattr(cmd.def_, "indexname", None):
            _constraint_using_index(b, d, reader, cmd.def_, span)
        elif t == AlterTableType.AT_AddConstraint:
            reader._constraint(d, cmd.def_, span, column=None)
        elif t == AlterTableType.AT_AddColumn:
            reader._column(d, cmd.def_, span)
        elif t == AlterTableType.AT_ColumnDefault and cmd.name in d.columns:
            d.columns[cmd.name] = replace(
                d.columns[cmd.name], default=deparse(cmd.def_) if cmd.def_ is not None else None
            )
        elif t == AlterTableType.AT_SetNotNull and cmd.name in d.columns:
            d.columns[cmd.name] = replace(d.columns[cmd.name], not_null=True)
        elif t == AlterTableType.AT_DropNotNull and cmd.name in d.columns:
            d.columns[cmd.name] = replace(d.columns[cmd.name], not_null=False)
        else:
            b.report(
                "SD011",
                Severity.WARNING,
                f"ALTER TABLE {rv.relname} {t.name.removeprefix('AT_')} is not modelled and is left out",
                span,
            )


def _comment(b: SchemaBuilder, node: ast.CommentStmt, span: Span | None, default_schema: str) -> None:
    obj = node.object
    names: list[str] = [n.sval for n in obj] if isinstance(obj, tuple) else []
    if node.objtype == ObjectType.OBJECT_TABLE and names:
        key = m.qualify(names[0], names[1]) if len(names) == 2 else m.qualify(default_schema, names[-1])
        d = b.tables.get(key)
        if d is not None:
            d.comment = node.comment
            return
    elif node.objtype == ObjectType.OBJECT_COLUMN and len(names) >= 2:
        table = m.qualify(names[-3], names[-2]) if len(names) == 3 else m.qualify(default_schema, names[-2])
        d = b.tables.get(table)
        if d is not None and names[-1] in d.columns:
            d.columns[names[-1]] = replace(d.columns[names[-1]], comment=node.comment)
            return
    else:
        target = _comment_target(node, names, default_schema)
        if target is not None:
            kind, name = target
            b.comments[f"{kind} {name}"] = m.Comment(kind, name, node.comment, span=span)
            return
    b.report("SD103", Severity.WARNING, "COMMENT ON an object the document does not define", span)


_COMMENT_KINDS = {
    ObjectType.OBJECT_INDEX: "INDEX",
    ObjectType.OBJECT_VIEW: "VIEW",
    ObjectType.OBJECT_MATVIEW: "MATERIALIZED VIEW",
    ObjectType.OBJECT_SEQUENCE: "SEQUENCE",
    ObjectType.OBJECT_TYPE: "TYPE",
    ObjectType.OBJECT_DOMAIN: "TYPE",  # a domain is a type; both print as COMMENT ON TYPE
    ObjectType.OBJECT_FUNCTION: "FUNCTION",
    ObjectType.OBJECT_PROCEDURE: "PROCEDURE",
    ObjectType.OBJECT_SCHEMA: "SCHEMA",
}


def _comment_target(node: ast.CommentStmt, names: list[str], default_schema: str) -> tuple[str, str] | None:
    """(kind, qualified name) of a COMMENT ON for objects other than tables and columns."""
    from schemadoc.types import format_type

    kind = _COMMENT_KINDS.get(node.objtype)
    obj = node.object
    if kind is None:
        return None
    if kind == "SCHEMA" and isinstance(obj, ast.String):
        return kind, obj.sval or ""
    if kind == "TYPE" and isinstance(obj, ast.TypeName):
        parts = [n.sval for n in obj.names]
        return kind, m.qualify(parts[0] if len(parts) > 1 else default_schema, parts[-1])
    if kind in ("FUNCTION", "PROCEDURE") and isinstance(obj, ast.ObjectWithArgs):
        parts = [n.sval for n in obj.objname]
        args = ", ".join(format_type(t, default_schema) for t in obj.objargs or ())
        return kind, f"{m.qualify(parts[0] if len(parts) > 1 else default_schema, parts[-1])}({args})"
    if names:
        return kind, m.qualify(names[0] if len(names) > 1 else default_schema, names[-1])
    return None
