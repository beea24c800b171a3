"""`schemadoc diagram`: the entity-relationship diagram of a schema, as mermaid, Graphviz dot, SVG or PNG.

Tables show their columns with PK / FK / UK marks; each foreign key is a relationship with its
cardinality (a nullable key: zero or one parent; a unique key: one-to-one). In dot, tables are
grouped in clusters by the document section that defines them, so 50+ tables stay readable.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from collections import defaultdict
from collections.abc import Callable

from schemadoc import model as m
from schemadoc.errors import SchemadocError
from schemadoc.parse import LoadedDocument

_SHORT = {
    "character varying": "varchar",
    "character": "char",
    "timestamp with time zone": "timestamptz",
    "timestamp without time zone": "timestamp",
    "time with time zone": "timetz",
    "time without time zone": "time",
    "double precision": "float8",
    "bit varying": "varbit",
}


def short_type(t: str) -> str:
    base = re.sub(r"\(.*?\)", "", t).strip()
    for long, short in _SHORT.items():
        if base.startswith(long):
            base = short + base[len(long) :]
            break
    return re.sub(r"[^\w\[\]]+", "_", base.replace("[]", "_array")).strip("_") or "unknown"


def _marks(t: m.Table) -> dict[str, list[str]]:
    marks: dict[str, list[str]] = defaultdict(list)
    for c in t.primary_key.columns if t.primary_key else ():
        marks[c].append("PK")
    for fk in t.foreign_keys:
        for c in fk.columns:
            if "FK" not in marks[c]:
                marks[c].append("FK")
    for u in t.uniques:
        if len(u.columns) == 1 and "PK" not in marks[u.columns[0]]:
            marks[u.columns[0]].append("UK")
    return marks


def _optional(t: m.Table, fk: m.ForeignKey) -> bool:
    """A key with a nullable column: a row may have no parent."""
    return any(not (col := t.column(c)) or not col.not_null for c in fk.columns)


def _cardinality(t: m.Table, fk: m.ForeignKey) -> tuple[str, str]:
    """(parent end, child end) in mermaid's crow's-foot notation."""
    nullable = _optional(t, fk)
    unique = any(set(u.columns) == set(fk.columns) for u in t.uniques) or (
        t.primary_key is not None and set(t.primary_key.columns) == set(fk.columns)
    )
    return ("|o" if nullable else "||"), ("o|" if unique else "o{")


def _entity(t: m.Table) -> str:
    return t.name if t.schema == "public" else f"{t.schema}__{t.name}"


def mermaid(schema: m.Schema) -> str:
    lines = ["erDiagram"]
    for t in schema.tables:
        if t.partition_of:
            continue
        marks = _marks(t)
        lines.append(f"    {_entity(t)} {{")
        for c in t.columns:
            key = ", ".join(marks.get(c.name, []))
            name = re.sub(r"\W", "_", c.name)
            lines.append(f"        {short_type(c.type)} {name}{' ' + key if key else ''}")
        lines.append("    }")
    tables = {t.key: t for t in schema.tables}
    for t in schema.tables:
        if t.partition_of:
            continue
        for fk in t.foreign_keys:
            parent = tables.get(fk.ref_key)
            if parent is None:
                continue
            left, right = _cardinality(t, fk)
            lines.append(f'    {_entity(parent)} {left}--{right} {_entity(t)} : "{", ".join(fk.columns)}"')
    return "\n".join(lines) + "\n"


def as_data(schema: m.Schema) -> dict[str, object]:
    """The diagram as data (`--format json`): entities with their keyed columns, relationships with both ends."""
    tables = {t.key: t for t in schema.tables}
    entities = [
        {
            "name": t.key,
            "columns": [{"name": c.name, "type": c.type, "keys": _marks(t).get(c.name, [])} for c in t.columns],
        }
        for t in schema.tables
        if not t.partition_of
    ]
    relationships = []
    for t in schema.tables:
        if t.partition_of:
            continue
        for fk in t.foreign_keys:
            if fk.ref_key not in tables:
                continue
            left, right = _cardinality(t, fk)
            relationships.append(
                {
                    "child": t.key,
                    "columns": list(fk.columns),
                    "parent": fk.ref_key,
                    "ref_columns": list(fk.ref_columns),
                    "parent_end": "zero-or-one" if left == "|o" else "exactly-one",
                    "child_end": "zero-or-one" if right == "o|" else "zero-or-many",
                }
            )
    return {"entities": entities, "relationships": relationships}


def _section(doc: LoadedDocument | None, t: m.Table) -> str:
    """The heading of the document section that defines the table (level 1–2), for clustering."""
    if doc is None or t.span is None:
        return ""
    best = ""
    for block in doc.blocks:
        if block.line > t.span.line:
            break
        tops = [h for h in block.headings if h.level <= 2]
        if tops:
            best = tops[-1].text
    return best


def dot(schema: m.Schema, doc: LoadedDocument | None = None, link: Callable[[str], str | None] | None = None) -> str:
    """Graphviz source; `link(table key)` gives each table node a URL (clickable in SVG)."""
    out = [
        "digraph schema {",
        '    graph [rankdir=LR, fontname="Helvetica", nodesep=0.4, ranksep=1.0, concentrate=true];',
        '    node [shape=plain, fontname="Helvetica", fontsize=10];',
        '    edge [fontname="Helvetica", fontsize=8, dir=both, color="#555555"];',
    ]
    clusters: dict[str, list[m.Table]] = defaultdict(list)
    for t in schema.tables:
        if not t.partition_of:
            clusters[_section(doc, t)].append(t)

    # Graphviz gets no name as syntax: nodes are numbered, and names appear only in HTML-like labels
    # (escaped) and in a tooltip string (escaped for DOT); a URL is one `link` made.
    ids = {t.key: f"t{i}" for i, t in enumerate(schema.tables)}

    def node(t: m.Table) -> str:
        marks = _marks(t)
        rows = [f'<tr><td bgcolor="#dde6f0" colspan="2"><b>{html.escape(t.name)}</b></td></tr>']
        for n, c in enumerate(t.columns):
            key = " ".join(marks.get(c.name, []))
            name = f"<u>{html.escape(c.name)}</u>" if "PK" in key else html.escape(c.name)
            # numbered ports: a column's name never becomes port syntax (a ':' would read as a compass point)
            rows.append(
                f'<tr><td align="left" port="c{n}">{name}'
                f"{' <i>' + key + '</i>' if key else ''}</td>"
                f'<td align="left" port="t{n}"><font color="#666666">{html.escape(short_type(c.type))}</font></td></tr>'
            )
        label = (
            '<table border="0" cellborder="1" cellspacing="0" cellpadding="3" bgcolor="white">'
            + "".join(rows)
            + "</table>"
        )
        url = link(t.key) if link else None
        target = f', URL="{_dot_string(url)}", target="_top", tooltip="{_dot_string(t.key)}"' if url else ""
        return f"    {ids[t.key]} [label=<{label}>{target}];"

    for i, (title, members) in enumerate(sorted(clusters.items())):
        if title and len(clusters) > 1:
            out.append(f'    subgraph cluster_{i} {{ label=<{html.escape(title)}>; style=rounded; color="#bbbbbb";')
            out.extend(node(t) for t in members)
            out.append("    }")
        else:
            out.extend(node(t) for t in members)
    tables = {t.key: t for t in schema.tables}
    for t in schema.tables:
        for fk in t.foreign_keys:
            parent = tables.get(fk.ref_key)
            if parent is None or t.partition_of:
                continue
            # drawn parent -> child (parents rank left of their children), from the referenced column to
            # the referencing one; crow's-foot ends: the parent's at the tail, the child's at the head
            left, right = _cardinality(t, fk)
            tail = "teeodot" if left == "|o" else "teetee"  # zero or one parent | exactly one
            head = "teeodot" if right == "o|" else "crowodot"  # one-to-one | zero or many children
            style = ", style=dashed" if _optional(t, fk) else ""
            label = html.escape(", ".join(fk.columns))
            ports = (
                f"{ids[fk.ref_key]}:{_port(parent, fk.ref_columns[0], 't')}:e -> {ids[t.key]}:{_port(t, fk.columns[0], 'c')}:w"
                if parent is not t
                else f"{ids[t.key]}:{_port(t, fk.ref_columns[0], 't')}:e -> {ids[t.key]}:{_port(t, fk.columns[0], 't')}:e"
            )
            out.append(f"    {ports} [label=<{label}>, arrowtail={tail}, arrowhead={head}{style}];")
    out.append("}")
    return "\n".join(out) + "\n"


def _port(t: m.Table, column: str, cell: str) -> str:
    """The port of `column`'s row: its name cell ("c", the row's west side, where a child's foreign key
    is reached) or its type cell ("t", the east side, where a parent's key is left from); parents rank
    left of their children."""
    names = [c.name for c in t.columns]
    return f"{cell}{names.index(column)}" if column in names else "_"


def _dot_string(text: str) -> str:
    """`text` inside a DOT double-quoted string: quotes and backslashes escaped (a backslash starts
    Graphviz's own escapes, \\N and the like), line breaks as spaces."""
    return re.sub(r"[\r\n]", " ", text.replace("\\", "\\\\").replace('"', '\\"'))


def render(schema: m.Schema, fmt: str, doc: LoadedDocument | None = None) -> bytes:
    """The diagram in `fmt` (mermaid, dot, svg, png); svg and png are laid out by Graphviz."""
    if fmt == "mermaid":
        return mermaid(schema).encode()
    if fmt == "json":
        return (json.dumps(as_data(schema), indent=2) + "\n").encode()
    source = dot(schema, doc)
    if fmt == "dot":
        return source.encode()
    data = layout(source, fmt)
    if data is None:
        raise SchemadocError(
            f"--format {fmt} needs Graphviz's `dot` (Debian: apt install graphviz; macOS: brew install graphviz); "
            "--format mermaid and --format dot need nothing"
        )
    return data


def layout(source: str, fmt: str) -> bytes | None:
    """Graphviz's layout of `source` in `fmt`; None when Graphviz is not installed."""
    engine = shutil.which("dot")
    if engine is None:
        return None
    r = subprocess.run([engine, f"-T{fmt}"], input=source.encode(), capture_output=True, timeout=300)
    if r.returncode != 0:
        raise SchemadocError(f"Graphviz could not lay out the diagram: {r.stderr.decode(errors='replace').strip()}")
    return r.stdout
