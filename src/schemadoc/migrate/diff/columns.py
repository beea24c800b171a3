"""A column changed in place: type, default, identity, serial, NOT NULL, generated."""

from __future__ import annotations

from psycopg import sql

from schemadoc import model as m
from schemadoc.migrate.diff import remake
from schemadoc.migrate.diff.state import Planner, owned_sequence, sequence_type
from schemadoc.migrate.diff.typechange import alter_type, castless
from schemadoc.migrate.ops import (
    CONSTRAINTS,
    TABLES,
    AddColumn,
    AddConstraint,
    AlterColumnType,
    AlterIdentity,
    CreateOwnedSequence,
    DropColumn,
    DropConstraint,
    DropOwnedSequence,
    SetDefault,
    SetNotNull,
    StartSequencePast,
    ValidateConstraint,
    count_rows,
)
from schemadoc.names import make_object_name, quote_ident
from schemadoc.sql.emit import collation_ref


def descendants(p: Planner, table: str, column: str) -> tuple[tuple[str, str | None], ...]:
    """The INHERITS descendants of `table` in the current schema, each with the default `column` has there."""
    out: list[tuple[str, str | None]] = []
    for child in p.children.get(table, ()):
        c = child.column(column)
        out.append((child.key, c.default if c is not None else None))
        out += descendants(p, child.key, column)
    return tuple(out)


def alter_column(p: Planner, t: m.Table, o: m.Column, n: m.Column) -> None:
    k = t.key
    children = descendants(p, k, o.name)  # SET DEFAULT (without ONLY) reaches its INHERITS children too
    if o.generated != n.generated or (o.generated is None) != (n.generated is None):
        # a generated expression cannot be altered (before PostgreSQL 17): drop and add, recomputed
        p.changed_columns.add(k)
        p.add(DropColumn(t, o, phase=TABLES, label=f"drop column {k}.{n.name} to recreate it",
                         lossless=o.generated is not None, remake=remake.column(t, o)))  # fmt: skip
        p.add(AddColumn(t, n, rewrites=n.generated is not None, span=n.span))
        return
    type_changes = o.type != n.type
    collate = f" COLLATE {collation_ref(n.collation)}" if n.collation or o.collation != n.collation else ""
    collate_before = f" COLLATE {collation_ref(o.collation)}" if o.collation or o.collation != n.collation else ""
    if type_changes and o.default is not None:
        p.add(SetDefault(k, n.name, None, o.default, span=n.span, children=children))
    if o.identity != n.identity and o.identity is not None and n.identity is None:
        p.add(AlterIdentity(k, n.name, None, o.identity, span=n.span))
    if type_changes:
        p.changed_columns.add(k)
        unidentified = o.identity is not None and n.identity is None
        p.add(alter_type(k, n.name, o.type, n.type, collate=collate, collate_before=collate_before, span=n.span,
                         unidentified=unidentified))  # fmt: skip
        if castless(o.type, n.type):
            p.notice(
                f"{k}.{n.name} cannot change from {o.type} to {n.type} in place: PostgreSQL has no cast between "
                f"them, so each value goes through text and the change fails unless it reads as {n.type}; "
                "add a new column, fill it, then drop the old one",
                n.span,
                blocker=count_rows(k, sql.SQL("{} IS NOT NULL").format(sql.Identifier(n.name))),
            )
    elif o.collation != n.collation:
        # the same type under another collation: no rewrite, but the column's indexes are rebuilt
        p.changed_columns.add(k)
        label = f"change collation of {k}.{n.name} to {n.collation or 'the default'}"
        p.add(AlterColumnType(k, n.name, n.type, label, before=o.type, collate=collate, collate_before=collate_before,
                              scans=True, span=n.span))  # fmt: skip
    if (
        o.default != n.default
        and n.identity is None
        and (type_changes or o.default is not None or n.default is not None)
    ):
        if n.default is not None:
            created = serial_sequence(p, t, n, o.default)
            p.add(SetDefault(k, n.name, n.default, o.default, span=n.span, children=children))
            if created:
                label = f"start {created} past the existing values of {k}.{n.name}"
                p.add(StartSequencePast(k, n.name, created, label, span=n.span))
        elif not type_changes:
            p.add(SetDefault(k, n.name, None, o.default, span=n.span, children=children))
        gone = owned_sequence(o.default)
        if gone and gone != owned_sequence(n.default) and not modelled_sequence(p, gone):
            # serial → plain: the column's own sequence goes with the default that used it
            p.add(DropOwnedSequence(gone, k, if_exists=True, owner=(n.name, sequence_type(o.type))))
    elif type_changes and n.default is not None and o.default is not None:
        p.add(SetDefault(k, n.name, n.default, None, span=n.span, children=children))
    if o.identity != n.identity and n.identity is not None:
        if o.identity is None:
            if o.default is not None and not type_changes:
                p.add(SetDefault(k, n.name, None, o.default, span=n.span, children=children))
            if not o.not_null:  # PostgreSQL adds an identity only to a NOT NULL column
                set_not_null(p, t, n, TABLES)
            p.add(AlterIdentity(k, n.name, n.identity, None, span=n.span))
            label = f"start the identity of {k}.{n.name} past the existing values"
            p.add(StartSequencePast(k, n.name, None, label, span=n.span))
        else:
            p.add(AlterIdentity(k, n.name, n.identity, o.identity, span=n.span))
    if o.not_null and not n.not_null:  # DROP IDENTITY leaves NOT NULL: it goes too when the doc says so
        p.add(SetNotNull(k, n.name, drop=True, phase=TABLES, span=n.span))
    if n.not_null and not o.not_null and not (n.identity and o.identity is None):
        set_not_null(p, t, n)


def modelled_sequence(p: Planner, name: str) -> bool:
    """A sequence of the schema model (CREATE SEQUENCE in the doc), not a serial column's own."""
    bare = name.replace('"', "")
    return any(q.key == bare or q.name == bare for q in [*p.tgt.sequences, *p.cur.sequences])


def serial_sequence(p: Planner, t: m.Table, c: m.Column, old_default: str | None) -> str | None:
    """integer → serial: the column's own sequence (`nextval('t_id_seq')`, not a modelled one) is made
    and owned by the column before the default uses it; its name, else None."""
    name = owned_sequence(c.default)
    if name is None or name == owned_sequence(old_default) or modelled_sequence(p, name):
        return None
    base = sequence_type(c.type)
    p.add(CreateOwnedSequence(name, base, t.key, c.name, span=c.span))
    return name


def set_not_null(p: Planner, t: m.Table, c: m.Column, phase: int = CONSTRAINTS) -> None:
    """NOT NULL without a long ACCESS EXCLUSIVE scan: a CHECK validated under a weak lock first."""
    k, col = t.key, quote_ident(c.name)
    name = make_object_name(t.name, c.name, "not_null")
    if k in p.new_tables:
        p.add(SetNotNull(k, c.name, phase=phase, span=c.span))
        return
    p.add(AddConstraint(k, m.Check(name, f"{col} IS NOT NULL"), not_valid=True, phase=phase, span=c.span,
                        scaffold=True))  # fmt: skip
    p.add(ValidateConstraint(k, name, f"validate check {name}", phase, span=c.span))
    p.add(SetNotNull(k, c.name, proved_by=name, phase=phase, span=c.span))
    p.add(DropConstraint(k, name, f"drop check {name}", phase, span=c.span, scaffold=True))
    p.notice(
        f"{k}.{c.name} becomes NOT NULL: the migration fails while rows hold NULL there",
        c.span,
        blocker=count_rows(k, sql.SQL("{} IS NULL").format(sql.Identifier(c.name))),
    )
