"""Primary keys, uniques, checks, exclusions and foreign keys added in their safe forms."""

from __future__ import annotations

from typing import Any

from schemadoc import model as m
from schemadoc.migrate.diff.state import Planner
from schemadoc.migrate.ops import (
    FOREIGN_KEYS,
    INDEXES,
    AddConstraint,
    CreateIndex,
    ValidateConstraint,
)


def key_exists_before(p: Planner, fk: m.ForeignKey) -> bool:
    """Whether the key `fk` references is there before the late key-building steps: on a table this
    plan creates (its keys come with it), or already on the table in the database."""
    if fk.ref_key in p.new_tables:
        return True
    current = p.cur.table(fk.ref_key)
    if current is None:
        return True  # a renamed or otherwise rebuilt table: its keys come with it
    wanted = set(fk.ref_columns)
    keys = [current.primary_key.columns] if current.primary_key else []
    keys += [u.columns for u in current.uniques]
    keys += [
        tuple(k.strip('"') for k in ix.keys)
        for ix in p.cur.indexes
        if ix.unique and ix.where is None and ix.schema == current.schema and ix.table == current.name
    ]
    return any(set(key) == wanted for key in keys)


def add_constraint(p: Planner, t: m.Table, kind: str, c: Any) -> None:
    k = t.key
    fresh = k in p.new_tables
    if kind == "c":
        p.add(AddConstraint(k, c, not_valid=not fresh, span=c.span))
        if not fresh:
            p.add(ValidateConstraint(k, c.name, f"validate check {c.name}", span=c.span))
    elif kind == "f":
        # a key the plan itself adds to an existing table is built late (CONCURRENTLY, then USING
        # INDEX): a foreign key that references it comes after it
        after_key = 0.0 if key_exists_before(p, c) else INDEXES - 0.35 - FOREIGN_KEYS
        target = p.tgt.table(c.ref_key)
        if target is not None and target.partition_by:
            # VALIDATE leaves the partitions' share of a NOT VALID key into a partitioned table unvalidated
            # (the catalog then differs from a database built fresh): added validated, in one step
            p.add(AddConstraint(k, c, phase=FOREIGN_KEYS + after_key, scans=True, span=c.span))
            return
        p.add(AddConstraint(k, c, not_valid=True, phase=FOREIGN_KEYS + after_key, span=c.span))
        p.add(ValidateConstraint(k, c.name, f"validate foreign key {c.name}", FOREIGN_KEYS + 0.5 + after_key / 2,
                                 span=c.span))  # fmt: skip
    elif kind in ("p", "u"):
        label = "PRIMARY KEY" if kind == "p" else "UNIQUE"
        if kind == "u" and c.nulls_not_distinct or t.partition_by:
            # no USING INDEX for these: built under the table's lock
            p.add(AddConstraint(k, c, scans=True, span=c.span))
            return
        index = m.Index(t.schema, c.name, t.name, tuple(c.columns), unique=True)
        p.add(CreateIndex(index, concurrently=True, scans=True, phase=INDEXES - 0.5, span=c.span,
                          purpose=f"build the index of {label.lower()} {c.name}"))  # fmt: skip
        p.add(AddConstraint(k, c, using_index=True, phase=INDEXES - 0.4, span=c.span))
    else:
        p.add(AddConstraint(k, c, scans=True, span=c.span))
