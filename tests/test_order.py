"""One dependency order: the topological sort every stage uses, and the tables' order on the model."""

from __future__ import annotations

import pytest

from schemadoc.graph import topological
from schemadoc.parse import loads


def test_topological_is_alphabetical_among_the_ready_and_breaks_cycles_where_told() -> None:
    deps = {"c": {"a"}, "b": set(), "a": set(), "d": {"c", "missing"}, "e": {"e"}}
    assert topological(deps) == ["a", "b", "c", "d", "e"]  # unknown keys and self-references do not block
    cycle = {"x": {"y"}, "y": {"x"}, "w": {"x"}}
    assert topological(cycle) == ["w", "x", "y"]  # the breaker picks among all that are left
    assert topological(cycle, breaker=max) == ["y", "x", "w"]


def test_table_order_puts_parents_first_and_names_the_keys_added_later() -> None:
    doc = loads(
        "```sql\n"
        "CREATE TABLE orders (id int PRIMARY KEY, customer_id int REFERENCES customers (id));\n"
        "CREATE TABLE customers (id int PRIMARY KEY, last_order int, manager int REFERENCES customers (id));\n"
        "ALTER TABLE customers ADD CONSTRAINT last FOREIGN KEY (last_order) REFERENCES orders (id);\n"
        "CREATE TABLE events (at date NOT NULL) PARTITION BY RANGE (at);\n"
        "CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');\n"
        "```\n"
    )
    order = doc.schema.table_order()
    names = [t.name for t in order.tables]
    assert names.index("events") < names.index("events_2026")
    assert names.index("customers") < names.index("orders")  # the cycle broken at the first by name
    assert [(t.name, fk.ref_table) for t, fk in order.later] == [("customers", "orders")]
    inline = {k.split(".")[-1]: [fk.ref_table for fk in v] for k, v in order.inline.items()}
    assert inline["customers"] == ["customers"] and inline["orders"] == ["customers"]


def test_a_migration_is_ordered_by_what_its_steps_need_not_by_their_phases(monkeypatch: pytest.MonkeyPatch) -> None:
    """The phases only break ties: with them reversed, a view still comes after its table, an index after
    its column, a table's drop after the drop of the view that reads it; a cycle is reported, not hidden."""
    from schemadoc import model as m
    from schemadoc.migrate import order
    from schemadoc.migrate.ops import AddColumn, CreateIndex, CreateObject, CreateTable, DropObject, DropTable

    old_table = m.Table("public", "old", (m.Column("id", "integer"),))
    old_view = m.View("public", "old_v", "SELECT id FROM old", depends_on=("public.old",))
    table = m.Table("public", "t", (m.Column("id", "integer"),))
    note = m.Column("note", "text")
    view = m.View("public", "v", "SELECT id, note FROM t", depends_on=("public.t",))
    index = m.Index("public", "t_note_idx", "t", ("note",))
    ops = [
        DropObject(old_view),
        DropTable(old_table),
        CreateTable(table),
        AddColumn(table, note),
        CreateIndex(index),
        CreateObject(view),
    ]
    monkeypatch.setattr(order, "priority", lambda op, i: (-op.phase, -i))  # the latest phase first
    backwards = order.ordered(ops)
    at = {op.what: i for i, op in enumerate(backwards)}
    assert at["create table public.t"] < at["add column public.t.note"] < at["create index t_note_idx"]
    assert at["add column public.t.note"] < at["create view public.v"]
    assert at["drop view public.old_v"] < at["drop table public.old"]

    a = m.View("public", "a", "SELECT * FROM b", depends_on=("public.b",))
    b = m.View("public", "b", "SELECT * FROM a", depends_on=("public.a",))
    cycles: list[object] = []
    order.ordered([CreateObject(a), CreateObject(b)], cycles=cycles)
    assert len(cycles) == 1


def test_a_name_with_a_space_is_still_found_bare(monkeypatch: pytest.MonkeyPatch) -> None:
    """A type named `"My Type"`, used unqualified by a column, is made first even with the ties broken
    backwards: only the names of a table's parts (columns, constraints) are never looked up bare."""
    from schemadoc import model as m
    from schemadoc.migrate import order
    from schemadoc.migrate.ops import CreateObject, CreateTable

    kind = m.Enum("public", "My Type", ("a", "b"))
    table = m.Table("public", "t", (m.Column("k", '"My Type"'),))
    monkeypatch.setattr(order, "priority", lambda op, i: (-op.phase, -i))
    ops = order.ordered([CreateObject(kind), CreateTable(table)])
    assert [type(op) for op in ops] == [CreateObject, CreateTable]
