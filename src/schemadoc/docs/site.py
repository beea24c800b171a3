"""`schemadoc docs`: a static, browsable site of a document's schema.

One page per table and view (columns, keys, indexes, triggers, policies, the document's own prose for
it, the lint findings at it), an index page with the entity-relationship diagram whose tables are
links, a page of all findings, and a search box on every page. Plain files: it opens from disk
(`file://`) as well as from any static host, so the search index is a script, not a fetched JSON.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

from schemadoc import model as m
from schemadoc.errors import Diagnostic, Severity, Span
from schemadoc.parse import LoadedDocument

_md = MarkdownIt("commonmark", {"html": False}).enable("table")


def page_name(key: str) -> str:
    """A file name for an object key: readable, and distinct even when the key has odd characters."""
    safe = re.sub(r"[^\w.-]", "_", key)
    if safe != key:
        safe += "-" + hashlib.sha1(key.encode()).hexdigest()[:6]
    return safe + ".html"


@dataclass
class _Place:
    """Where a relation lives in the document: its section and the lines that belong to it."""

    section: str = ""  # the headings down to the definition, joined by ›
    group: str = ""  # the level-1/2 section, as the diagram clusters tables
    first: int = 0
    last: int = 0
    prose: str = ""  # Markdown source to show as the document's own words about it
    findings: list[Diagnostic] = field(default_factory=list)


def _spans(t: m.Table) -> Iterable[Span]:
    if t.span:
        yield t.span
    parts: list[m.Column | m.Unique | m.Check | m.ForeignKey | m.Exclusion | m.PrimaryKey | None] = [
        *t.columns,
        *t.uniques,
        *t.checks,
        *t.foreign_keys,
        *t.exclusions,
        t.primary_key,
    ]
    for part in parts:
        if part is not None and part.span:
            yield part.span


def _places(doc: LoadedDocument, schema: m.Schema, findings: list[Diagnostic]) -> dict[str, _Place]:
    """Each relation's section, lines and prose; each finding attached to the relation it is at."""
    sections = doc.sections
    lines = doc.text.splitlines()
    spans = [(t.key, list(_spans(t))) for t in schema.tables] + [(v.key, [v.span]) for v in schema.views if v.span]
    relations = [(key, sorted(s.line for s in found)) for key, found in spans]
    ends = {key: max((s.end_line for s in found), default=0) for key, found in spans}
    starts = sorted(ls[0] for _, ls in relations if ls)
    places: dict[str, _Place] = {}
    for key, own in relations:
        place = places[key] = _Place()
        if not own:
            continue
        tops = [s for s in sections if s.line <= own[0] <= s.end and s.level <= 2]
        place.group = tops[-1].title if tops else ""
        if not own:
            continue
        first, last = own[0], own[-1]
        inner = [s for s in sections if s.line <= first <= s.end]
        deepest = inner[-1] if inner else None
        place.section = " › ".join(s.title for s in inner if s.level > 1) or (deepest.title if deepest else "")
        if ends[key] >= last:
            last = ends[key]  # where its reader says the definition ends (a statement's `;`, a model's `}`)
        else:
            # else its lines run on to a blank line, the end of its block or section, or the next relation
            block = next((b for b in doc.blocks if b.line <= last <= b.end_line), None)
            bounds = [deepest.end if deepest else len(lines), *(s - 1 for s in starts if s > last)]
            if block is not None:  # a fence's closing line is not its text
                closed = block.kind == "fence" and lines[block.end_line - 1].lstrip().startswith(("```", "~~~"))
                bounds.append(block.end_line - closed)
            stop = min(bounds)
            while last < stop and lines[last].strip():
                last += 1
        # comment lines written just above the definition belong to it
        while first > 1 and re.match(r"\s*(--|//|///)", lines[first - 2]):
            first -= 1
        place.first, place.last = first, last
        if deepest is not None and sum(deepest.line <= s <= deepest.end for s in starts) == 1:
            place.prose = "\n".join(lines[deepest.line : deepest.end])  # the whole section is about it
            place.first = deepest.line
            place.last = max(place.last, deepest.end)
        else:
            place.prose = "```\n" + "\n".join(lines[first - 1 : last]) + "\n```"
    by_line: dict[int, str] = {}
    for key, own in relations:
        for line in own:
            by_line.setdefault(line, key)
    attached: list[m.Index | m.Trigger | m.Policy] = [*schema.indexes, *schema.triggers, *schema.policies]
    for obj in attached:
        if obj.span:
            by_line.setdefault(obj.span.line, obj.table_key)
    for d in findings:
        if d.span is None:
            continue
        owner = by_line.get(d.span.line)
        if owner is None:
            within = [k for k, p in places.items() if p.first <= d.span.line <= p.last]
            owner = min(within, key=lambda k: places[k].last - places[k].first) if within else None
        if owner is not None:
            places[owner].findings.append(d)
    return places


# ---- HTML -------------------------------------------------------------------------------------

_TEMPLATES = jinja2.Environment(
    loader=jinja2.PackageLoader("schemadoc.docs", "templates"),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
    undefined=jinja2.StrictUndefined,
)


def _asset(name: str) -> str:
    """One of the site's own files (its style sheet, its script), as the package ships it."""
    return resources.files("schemadoc.docs").joinpath("assets", name).read_text(encoding="utf-8")


@dataclass
class _Site:
    """What the templates need beyond the schema: links, the navigation, the findings as rows."""

    doc: LoadedDocument
    schema: m.Schema
    findings: list[Diagnostic]
    places: dict[str, _Place]
    title: str

    def link(self, key: str, root: str, here: bool = False) -> Markup:
        """A link to the page of a table or view, or its plain name when it has no page."""
        label = key.removeprefix("public.")
        folder = "views" if key in self.view_keys else None
        t = self.schema.table(key)
        if folder is None and t is not None and not t.partition_of:
            folder = "tables"
        if folder is None:
            return escape(label)
        mark = Markup(' class="here"') if here else Markup("")
        return Markup('<a{} href="{}">{}</a>').format(mark, f"{root}{folder}/{page_name(key)}", label)

    @staticmethod
    def markdown(text: str) -> Markup:
        return Markup(_md.render(text))  # raw HTML is off in the renderer: the doc's text cannot inject any

    @cached_property
    def functions(self) -> dict[str, m.Function]:
        return {f"{f.schema}.{f.name}": f for f in self.schema.functions}

    @cached_property
    def view_keys(self) -> set[str]:
        return {v.key for v in self.schema.views}

    @cached_property
    def nav_groups(self) -> dict[str, list[str]]:
        """The navigation's sections and their relations, the same on every page."""
        groups: dict[str, list[str]] = defaultdict(list)
        for t in self.schema.tables:
            if not t.partition_of:
                groups[self.places[t.key].group or "Tables"].append(t.key)
        for v in self.schema.views:
            groups["Views"].append(v.key)
        return groups

    @cached_property
    def by_severity(self) -> dict[str, int]:
        counts = {"error": 0, "warning": 0, "info": 0}
        for d in self.findings:
            counts[Severity(d.severity).name.lower()] += 1
        return counts

    def finding_rows(self, findings: list[Diagnostic], root: str, with_owner: bool = False) -> list[dict[str, Any]]:
        owner = {id(d): k for k, p in self.places.items() for d in p.findings} if with_owner else {}
        return [
            {
                "severity": Severity(d.severity).name.lower(),
                "code": d.code,
                "where": f"line {d.span.line}" if d.span else "",
                "owner": self.link(owner[id(d)], root) if id(d) in owner else "",
                "message": d.message,
                "help": d.help,
            }
            for d in findings
        ]

    def render(self, template: str, title: str, root: str, here: str = "", **context: Any) -> str:
        page = _TEMPLATES.get_template(template)
        return page.render(site=self, title=title, root=root, here=here, schema=self.schema, **context) + "\n"

    # -- pages --

    def table_page(self, t: m.Table) -> str:
        marks: dict[str, list[str]] = defaultdict(list)
        for name in t.primary_key.columns if t.primary_key else ():
            marks[name].append("PK")
        fk_of: dict[str, m.ForeignKey] = {}
        for fk in t.foreign_keys:
            for name in fk.columns:
                fk_of.setdefault(name, fk)
                if "FK" not in marks[name]:
                    marks[name].append("FK")
        for u in t.uniques:
            if len(u.columns) == 1:
                marks[u.columns[0]].append("UK")
        comments = {c.object_name: c.text for c in self.schema.comments if c.object_kind == "COLUMN"}
        columns = [
            {
                "name": c.name,
                "type": c.type,
                "marks": marks.get(c.name, []),
                "fk": fk_of.get(c.name),
                "not_null": c.not_null,
                "default": c.default
                or (f"generated always as ({c.generated})" if c.generated else "")
                or (f"identity ({c.identity})" if c.identity else ""),
                "note": c.comment or comments.get(f"{t.key}.{c.name}") or "",
            }
            for c in t.columns
        ]
        s = self.schema
        return self.render(
            "table.html",
            t.key,
            "../",
            t.key,
            t=t,
            place=self.places[t.key],
            columns=columns,
            referenced=[
                (o, fk) for o in s.tables for fk in o.foreign_keys if fk.ref_key == t.key and not o.partition_of
            ],
            partitions=[part for part in s.tables if part.partition_of == t.key],
            indexes=[ix for ix in s.indexes if ix.table_key == t.key],
            triggers=[
                (tr, self.functions.get(tr.function) or self.functions.get(f"public.{tr.function}"))
                for tr in s.triggers
                if tr.table_key == t.key
            ],
            policies=[p for p in s.policies if p.table_key == t.key],
            grants=[g for g in s.grants if g.object_kind == "TABLE" and g.object_name == t.key],
        )

    def view_page(self, v: m.View) -> str:
        indexes = [ix for ix in self.schema.indexes if ix.table_key == v.key]
        return self.render("view.html", v.key, "../", v.key, v=v, place=self.places[v.key], indexes=indexes)

    def index_page(self, svg: str | None) -> str:
        s = self.schema
        counts = [
            ("tables", len([t for t in s.tables if not t.partition_of])),
            ("views", len(s.views)),
            ("indexes", len(s.indexes)),
            ("functions", len(s.functions)),
            ("triggers", len(s.triggers)),
            ("policies", len(s.policies)),
            ("enums", len(s.enums)),
        ]
        tables = [(t, self.places[t.key]) for t in s.tables if not t.partition_of]
        return self.render(
            "index.html",
            "Schema",
            "",
            counts=counts,
            by_severity=self.by_severity,
            svg=Markup(svg) if svg else None,  # Graphviz's own SVG, its labels escaped by it (tested)
            tables=tables,
        )

    def findings_page(self) -> str:
        return self.render("findings.html", "Findings", "", by_severity=self.by_severity)

    def search_index(self) -> list[dict[str, str]]:
        items: list[dict[str, str]] = []
        for t in self.schema.tables:
            if t.partition_of:
                continue
            url = f"tables/{page_name(t.key)}"
            items.append(
                {"name": t.key.removeprefix("public."), "kind": "table", "url": url, "detail": t.comment or ""}
            )
            for c in t.columns:
                items.append(
                    {"name": f"{t.name}.{c.name}", "kind": "column", "url": f"{url}#col-{c.name}", "detail": c.type}
                )
        for v in self.schema.views:
            kind = "materialized view" if v.materialized else "view"
            items.append({"name": v.key.removeprefix("public."), "kind": kind, "url": f"views/{page_name(v.key)}"})
        for ix in self.schema.indexes:
            folder = "views" if ix.table_key in self.view_keys else "tables"
            items.append(
                {"name": ix.name, "kind": "index", "url": f"{folder}/{page_name(ix.table_key)}", "detail": ix.table}
            )
        for e in self.schema.enums:
            items.append(
                {
                    "name": e.key.removeprefix("public."),
                    "kind": "enum",
                    "url": f"index.html#enum-{e.key}",
                    "detail": ", ".join(e.values),
                }
            )
        for f in self.schema.functions:
            items.append({"name": f.key.removeprefix("public."), "kind": "function", "url": f"index.html#fn-{f.key}"})
        return items


def _title(doc: LoadedDocument) -> str:
    for line in doc.text.splitlines():
        h = re.match(r"#\s+(.+?)\s*#*\s*$", line)
        if h:
            return re.sub(r"[*_`]", "", h.group(1))
    return Path(doc.path).stem


def _svg(schema: m.Schema, doc: LoadedDocument) -> str | None:
    from schemadoc.docs.diagram import dot, layout

    known = {t.key for t in schema.tables}
    source = dot(schema, doc, link=lambda key: f"tables/{page_name(key)}" if key in known else None)
    data = layout(source, "svg")
    if data is None:
        return None
    text = data.decode()
    return text[text.index("<svg") :]


def build(doc: LoadedDocument, findings: list[Diagnostic], out: str | Path) -> list[Path]:
    """Write the site for `doc` into `out`; returns the files written."""
    out = Path(out)
    schema = doc.schema
    site = _Site(doc, schema, findings, _places(doc, schema, findings), _title(doc))
    files: dict[str, str] = {
        "index.html": site.index_page(_svg(schema, doc)),
        "findings.html": site.findings_page(),
        "assets/style.css": _asset("style.css"),
        "assets/search.js": _asset("search.js"),
        "assets/search-index.js": "window.SCHEMADOC_INDEX = " + json.dumps(site.search_index(), indent=0) + ";\n",
    }
    for t in schema.tables:
        if not t.partition_of:
            files[f"tables/{page_name(t.key)}"] = site.table_page(t)
    for v in schema.views:
        files[f"views/{page_name(v.key)}"] = site.view_page(v)
    written = []
    for name, text in files.items():
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
