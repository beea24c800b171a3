"""Primary keys, uniques, checks, exclusions and foreign keys added in their safe forms."""

from __future__ import annotations

from typing import Any

from schemadoc import model as m
from schemadoc.migrate.diff.state import Planner
from schemadoc.migrate.ops import (
    CONSTRAINTS,
    FOREIGN_KEYS,
    AddConstraint,
    CreateIndex,
    ValidateConstraint,
)


def add_constraint(p: Planner, t: m.Table, kind: str, c: Any) -> None:
    k = t.key
    fresh = k in p.new_tables
    if kind == "c":
        p.add(AddConstraint(k, c, not_valid=not fresh, span=c.span))
        if not fresh:
            p.add(ValidateConstraint(k, c.name, f"validate check {c.name}", span=c.span))
    elif kind == "f":
        # (a key the plan itself adds, CONCURRENTLY then USING INDEX, comes first: migrate/order)
        target = p.tgt.table(c.ref_key)
        if target is not None and target.partition_by:
            # VALIDATE leaves the partitions' share of a NOT VALID key into a partitioned table unvalidated
            # (the catalog then differs from a database built fresh): added validated, in one step
            p.add(AddConstraint(k, c, phase=FOREIGN_KEYS, scans=True, span=c.span))
            return
        p.add(AddConstraint(k, c, not_valid=True, phase=FOREIGN_KEYS, span=c.span))
        p.add(ValidateConstraint(k, c.name, f"validate foreign key {c.name}", FOREIGN_KEYS, span=c.span))
    elif kind in ("p", "u"):
        label = "PRIMARY KEY" if kind == "p" else "UNIQUE"
        if kind == "u" and c.nulls_not_distinct or t.partition_by:
            # no USING INDEX for these: built under the table's lock
            p.add(AddConstraint(k, c, scans=True, span=c.span))
            return
        index = m.Index(t.schema, c.name, t.name, tuple(c.columns), unique=True)
        p.add(CreateIndex(index, concurrently=True, scans=True, phase=CONSTRAINTS, span=c.span,
                          purpose=f"build the index of {label.lower()} {c.name}"))  # fmt: skip
        p.add(AddConstraint(k, c, using_index=True, span=c.span))
    else:
        p.add(AddConstraint(k, c, scans=True, span=c.span))
