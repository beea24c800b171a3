"""Renames: declared or confirmed ones applied to the current model first, likely ones suggested."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from schemadoc import model as m
from schemadoc.migrate.diff.state import Planner, split_key
from schemadoc.migrate.ops import RenameColumn, RenameTable


def apply_declared(p: Planner) -> None:
    tables = list(p.cur.tables)
    for old, new in p.renames.tables.items():
        t = p.cur.table(old)
        if t is None or p.tgt.table(new) is None or p.cur.table(new) is not None:
            continue
        schema, name = split_key(new)
        p.add(
            RenameTable(old, name, span=p.tgt.table(new).span)  # type: ignore[union-attr]
        )
        tables = [replace(x, name=name) if x.key == old else x for x in tables]
        tables = [
            replace(
                x,
                foreign_keys=tuple(replace(f, ref_table=name) if f.ref_key == old else f for f in x.foreign_keys),
            )
            for x in tables
        ]
        p.cur = p.cur.with_(
            tables=tables,
            indexes=[replace(i, table=name) if i.table_key == old else i for i in p.cur.indexes],
            triggers=[replace(t, table=name) if t.table_key == old else t for t in p.cur.triggers],
            policies=[replace(p, table=name) if p.table_key == old else p for p in p.cur.policies],
        )
        p.changed_columns.add(new)
    for (table_key, old_col), new_col in p.renames.columns.items():
        t = p.cur.table(table_key)
        tt = p.tgt.table(table_key)
        if t is None or tt is None or t.column(old_col) is None or t.column(new_col) is not None:
            continue
        if tt.column(new_col) is None:
            continue
        p.add(
            RenameColumn(table_key, old_col, new_col, span=tt.column(new_col).span)  # type: ignore[union-attr]
        )

        def ren(cols: tuple[str, ...], o: str = old_col, n: str = new_col) -> tuple[str, ...]:
            return tuple(n if c == o else c for c in cols)

        t2 = replace(
            t,
            columns=tuple(replace(c, name=new_col) if c.name == old_col else c for c in t.columns),
            primary_key=replace(t.primary_key, columns=ren(t.primary_key.columns)) if t.primary_key else None,
            uniques=tuple(replace(u, columns=ren(u.columns)) for u in t.uniques),
            foreign_keys=tuple(replace(f, columns=ren(f.columns)) for f in t.foreign_keys),
        )
        tables2 = [t2 if x.key == table_key else x for x in p.cur.tables]
        tables2 = [
            replace(
                x,
                foreign_keys=tuple(
                    replace(f, ref_columns=ren(f.ref_columns)) if f.ref_key == table_key else f for f in x.foreign_keys
                ),
            )
            for x in tables2
        ]
        p.cur = p.cur.with_(
            tables=tables2,
            indexes=[
                replace(i, keys=tuple(rename_key(k, old_col, new_col) for k in i.keys), include=ren(i.include))
                if i.table_key == table_key
                else i
                for i in p.cur.indexes
            ],
        )
        p.changed_columns.add(table_key)


def suggest_table_renames(p: Planner, new: list[m.Table], dropped: list[m.Table]) -> None:
    for d in dropped:
        shape = sorted((c.name, c.type) for c in d.columns)
        for n in new:
            if sorted((c.name, c.type) for c in n.columns) == shape and n.schema == d.schema:
                p.notice(
                    f"table {n.key} looks like {d.key} renamed: this plan drops {d.key} and creates {n.key}; "
                    f"if it is a rename, put `<!-- schemadoc: renamed-from={d.name} -->` before {n.name}'s definition",
                    n.span,
                    rename=("table", d.key, n.key),
                )


def same_definition_renames(old: dict[str, tuple[str, Any]], new: dict[str, tuple[str, Any]]) -> dict[str, str]:
    """Constraints that only changed name (a renamed table's `orders_pkey` → `purchases_pkey`): renamed, not rebuilt."""
    out: dict[str, str] = {}
    gone = [n for n in old if n not in new]
    for name in (n for n in new if n not in old):
        kind, c = new[name]
        for g in gone:
            gk, gc = old[g]
            if g not in out and gk == kind and replace(gc, name=name) == c:
                out[g] = name
                break
    return out


def rename_key(key: str, old: str, new: str) -> str:
    name, sep, rest = key.partition(" ")
    return (new + sep + rest) if name == old else key
