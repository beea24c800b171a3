"""The ER diagram: what it draws is what the schema holds, checked by reading the mermaid back."""

from __future__ import annotations

import html
import re
import shutil
import xml.etree.ElementTree as ET

import pytest

import schemadoc
from schemadoc.docs.diagram import dot, layout, mermaid, render
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


def _points(text: str) -> list[tuple[float, float]]:
    return [(float(x), float(y)) for x, y in re.findall(r"(-?[\d.]+),(-?[\d.]+)", text)]


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz (dot) lays out the SVG")
def test_the_svgs_edge_ends_are_on_the_right_rows_and_the_right_ends() -> None:
    """Read back from the SVG Graphviz drew: each relationship leaves the parent's key row and reaches the
    child's foreign-key row; the crow's foot is at the child; a one-to-one has none; a mandatory parent
    end has no circle."""
    doc = schemadoc.load(SEEDS["bakery"])
    ids = {f"t{i}": t for i, t in enumerate(doc.schema.tables)}
    root = ET.fromstring(render(doc.schema, "svg", doc))
    ns = {"s": "http://www.w3.org/2000/svg"}
    rows: dict[tuple[str, str], tuple[float, float, float]] = {}  # (node, column) -> (x min, x max, y)
    for g in root.iterfind(".//s:g[@class='node']", ns):
        node = g.findtext("s:title", namespaces=ns) or ""
        xs = [p[0] for poly in g.iterfind(".//s:polygon", ns) for p in _points(poly.get("points", ""))]
        for text in g.iterfind(".//s:text", ns):
            rows.setdefault((node, (text.text or "").strip()), (min(xs), max(xs), float(text.get("y", 0))))
    checked = 0
    for g in root.iterfind(".//s:g[@class='edge']", ns):
        title = g.findtext("s:title", namespaces=ns) or ""
        parent_id, child_id = (part.split(":")[0] for part in title.split("->"))
        parent, child = ids[parent_id], ids[child_id]
        label = g.findtext("s:text", namespaces=ns) or ""
        fk = next(f for f in child.foreign_keys if ", ".join(f.columns) == label and f.ref_key == parent.key)
        path = _points(g.find("s:path", ns).get("d", "").replace("M", " ").replace("C", " "))  # type: ignore[union-attr]
        start, end = path[0], path[-1]
        px0, px1, py = rows[(parent_id, fk.ref_columns[0])]
        cx0, cx1, cy = rows[(child_id, fk.columns[0])]
        assert abs(start[1] - (py - 4)) < 9 and abs(start[0] - px1) < 25, (
            title,
            start,
            py,
        )  # the key's row, east (past its end marks)
        assert abs(end[1] - (cy - 4)) < 9 and abs(end[0] - cx0) < 25, (title, end, cy)  # the foreign key's row, west
        crows = [p for p in g.iterfind("s:polygon", ns) if len(_points(p.get("points", ""))) >= 8]
        circles = [(float(e.get("cx", 0)), float(e.get("cy", 0))) for e in g.iterfind("s:ellipse", ns)]
        near_child = [c for c in circles if abs(c[0] - cx0) < abs(c[0] - px1)]
        near_parent = [c for c in circles if c not in near_child]
        one_to_one = any(set(u.columns) == set(fk.columns) for u in child.uniques)
        if one_to_one:
            assert not crows, f"{title}: a one-to-one drawn with a crow's foot"
        else:
            assert len(crows) == 1, title
            centre = sum(x for x, _ in _points(crows[0].get("points", ""))) / len(_points(crows[0].get("points", "")))
            assert abs(centre - cx0) < abs(centre - px1), f"{title}: the crow's foot is at the parent"
        assert len(near_child) == 1, title  # zero-or-…: the circle at the child end
        optional = any(not (c := child.column(n)) or not c.not_null for n in fk.columns)
        assert len(near_parent) == (1 if optional else 0), title  # a mandatory parent: bars only
        checked += 1
    assert checked == sum(len(t.foreign_keys) for t in doc.schema.tables)
