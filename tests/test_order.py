"""One dependency order: the topological sort every stage uses, and the tables' order on the model."""

from __future__ import annotations

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
