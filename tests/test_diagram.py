"""The ER diagram: what it draws is what the schema holds, checked by reading the mermaid back."""

from __future__ import annotations

import html
import re
import shutil

import pytest

import schemadoc
from schemadoc.diagram import dot, layout, mermaid, render
from schemadoc.errors import SchemadocError

from .conftest import SEEDS


def _relationships(schema: schemadoc.Schema) -> set[tuple[str, str]]:
    return {(t.name, fk.ref_table) for t in schema.tables if not t.partition_of for fk in t.foreign_keys}


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_mermaid_reads_back_as_the_same_tables_and_relationships(name: str) -> None:
    schema = schemadoc.load(SEEDS[name]).schema
    text = mermaid(schema)
    back = schemadoc.loads(f"# Diagram\n\n```mermaid\n{text}```\n", "diagram.md")
    assert not [d for d in back.diagnostics if d.severity >= schemadoc.Severity.ERROR], back.diagnostics
    assert {t.name for t in back.schema.tables} == {t.name for t in schema.tables if not t.partition_of}
    assert _relationships(back.schema) == _relationships(schema)
    for t in schema.tables:
        if t.primary_key and not t.partition_of:
            assert f"{t.primary_key.columns[0]} PK" in text


def test_cardinality_marks_optional_and_one_to_one() -> None:
    schema = schemadoc.load(SEEDS["bakery"]).schema
    text = mermaid(schema)
    assert "users ||--o| loyalty_points" in text  # UNIQUE(user_id): one-to-one
    assert "delivery_schedules |o--o{ orders" in text  # a nullable key: zero or one parent
    assert "users ||--o{ orders" in text


def test_dot_clusters_by_section_and_svg_needs_graphviz() -> None:
    doc = schemadoc.load(SEEDS["bakery"])
    source = dot(doc.schema, doc)
    ids = {t.name: f"t{i}" for i, t in enumerate(doc.schema.tables)}
    assert source.startswith("digraph schema {")
    # from the parent's key (east side of its row) to the child's foreign key (west side of its row);
    # the crow's foot at the child, the bars at the parent; a one-to-one child end is no crow's foot
    users, orders, loyalty = (doc.schema.table(f"public.{n}") for n in ("users", "orders", "loyalty_points"))
    assert users and orders and loyalty
    uid = [c.name for c in users.columns].index("id")
    fk = [c.name for c in orders.columns].index("user_id")
    assert (
        f"{ids['users']}:t{uid}:e -> {ids['orders']}:c{fk}:w [label=<user_id>, arrowtail=teetee, arrowhead=crowodot]"
        in source
    )
    one = [c.name for c in loyalty.columns].index("user_id")
    assert f"-> {ids['loyalty_points']}:c{one}:w [label=<user_id>, arrowtail=teetee, arrowhead=teeodot]" in source
    assert "arrowtail=teeodot, arrowhead=crowodot, style=dashed" in source  # orders.delivery_schedule_id: optional
    two = schemadoc.loads(
        "# App\n\n## Accounts\n\n```sql\nCREATE TABLE users (id int PRIMARY KEY);\n```\n\n"
        "## Billing\n\n```sql\nCREATE TABLE invoices (id int PRIMARY KEY, user_id int REFERENCES users(id));\n```\n",
        "two.md",
    )
    clustered = dot(two.schema, two)
    assert "subgraph cluster_0 { label=<Accounts>" in clustered and "label=<Billing>" in clustered
    if shutil.which("dot"):  # `make install` installs Graphviz where it can
        svg = render(doc.schema, "svg", doc)
        assert b"<svg" in svg and b"loyalty_points" in svg and b"delivery_schedule_id" in svg
        assert render(doc.schema, "png", doc).startswith(b"\x89PNG")
    else:
        with pytest.raises(SchemadocError, match="needs Graphviz"):
            render(doc.schema, "svg", doc)


HOSTILE = [
    'a" [URL="javascript:alert(12)"]; "b',
    'x"; --',
    "back\\slash\\",
    "<b>bold</b> & co",
    "}\n digraph x {",
]


def test_names_never_become_graphviz_syntax() -> None:
    """Table, column and section names with quotes, brackets, backslashes and HTML reach Graphviz only
    escaped: the layout succeeds and carries no URL the caller did not give."""
    tables = "".join(
        f'```sql\nCREATE TABLE "{n.replace(chr(34), chr(34) * 2)}" (id int PRIMARY KEY, "{n.replace(chr(34), chr(34) * 2)}" int);\n```\n\n'
        for n in HOSTILE
    )
    doc = schemadoc.loads(
        f"# App\n\n## {HOSTILE[0]}\n\n{tables}## Other\n\n```sql\nCREATE TABLE t (id int);\n```\n", "x.md"
    )
    assert {t.name for t in doc.schema.tables} >= set(HOSTILE)
    source = dot(doc.schema, doc, link=lambda key: "tables/page.html")
    assert set(re.findall(r'URL="([^"]*)"', source)) == {"tables/page.html"}  # the names' URL= is only text
    if shutil.which("dot"):
        svg = render(doc.schema, "svg", doc).decode()
        hrefs = set(re.findall(r'xlink:href="([^"]*)"', svg))
        assert hrefs == set()  # render() links nothing
        linked = layout(source, "svg")
        assert linked is not None
        assert set(re.findall(r'xlink:href="([^"]*)"', linked.decode())) == {"tables/page.html"}
        shown = html.unescape(svg)
        for n in HOSTILE[:2]:
            assert n in shown  # drawn as the name it is
