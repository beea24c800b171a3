"""`schemadoc docs`: a static, browsable site of a document's schema.

One page per table and view (columns, keys, indexes, triggers, policies, the document's own prose for
it, the lint findings at it), an index page with the entity-relationship diagram whose tables are
links, a page of all findings, and a search box on every page. Plain files: it opens from disk
(`file://`) as well as from any static host, so the search index is a script, not a fetched JSON.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from markdown_it import MarkdownIt

from schemadoc import model as m
from schemadoc.errors import Diagnostic, Severity
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


@dataclass(frozen=True)
class _Section:
    title: str
    level: int
    line: int
    end: int  # last line of the section (before the next heading of the same or a higher level)


def _sections(doc: LoadedDocument) -> list[_Section]:
    lines = doc.text.splitlines()
    heads: list[tuple[int, int, str]] = []
    fence = ""
    for no, text in enumerate(lines, 1):
        stripped = text.lstrip()
        mark = re.match(r"(`{3,}|~{3,})", stripped)
        if mark:
            if not fence:
                fence = mark.group(1)[0]
            elif stripped.startswith(fence * 3) and not stripped.strip(fence).strip():
                fence = ""
            continue
        if fence:
            continue
        h = re.match(r"(#{1,6})\s+(.*?)\s*#*\s*$", stripped) if len(text) - len(stripped) < 4 else None
        if h:
            heads.append((no, len(h.group(1)), h.group(2)))
    out = []
    for i, (no, level, title) in enumerate(heads):
        end = len(lines)
        for later_no, later_level, _ in heads[i + 1 :]:
            if later_level <= level:
                end = later_no - 1
                break
        out.append(_Section(title, level, no, end))
    return out


def _spans(t: m.Table) -> Iterable[int]:
    if t.span:
        yield t.span.line
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
            yield part.span.line


def _places(doc: LoadedDocument, schema: m.Schema, findings: list[Diagnostic]) -> dict[str, _Place]:
    """Each relation's section, lines and prose; each finding attached to the relation it is at."""
    sections = _sections(doc)
    lines = doc.text.splitlines()
    relations: list[tuple[str, list[int]]] = [(t.key, sorted(_spans(t))) for t in schema.tables]
    relations += [(v.key, [v.span.line]) for v in schema.views if v.span]
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
        # the statement runs on to the line before the next relation starts or its section ends
        inner = [s for s in sections if s.line <= first <= s.end]
        deepest = inner[-1] if inner else None
        place.section = " › ".join(s.title for s in inner if s.level > 1) or (deepest.title if deepest else "")
        bound = deepest.end if deepest else len(lines)
        after = [s for s in starts if s > last]
        stop = min([bound, after[0] - 1] if after else [bound])
        last = _statement_end(lines, last, stop)
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


def _statement_end(lines: list[str], start: int, stop: int) -> int:
    """The last line of the definition starting at `start`: its `;` or closing brace, at most `stop`."""
    depth = 0
    for no in range(start, max(start, stop) + 1):
        text = re.sub(r"--.*$|//.*$|'[^']*'", "", lines[no - 1]) if no - 1 < len(lines) else ""
        depth += text.count("(") + text.count("{") - text.count(")") - text.count("}")
        if depth <= 0 and (text.rstrip().endswith(";") or text.strip() == "}"):
            return no
        if not lines[no - 1].strip() and depth <= 0 and no > start:
            return no - 1
    return max(start, stop)


# ---- HTML -------------------------------------------------------------------------------------

_CSS = """
:root { --ink:#1d2430; --muted:#5d6b7e; --line:#d9dfe7; --bg:#f6f8fa; --accent:#2457a6; --warn:#9a6700; --err:#b42318; }
* { box-sizing: border-box; }
body { margin:0; font:15px/1.5 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color:var(--ink); }
a { color:var(--accent); text-decoration:none; } a:hover { text-decoration:underline; }
header { display:flex; gap:1rem; align-items:center; padding:.6rem 1.2rem; border-bottom:1px solid var(--line);
  background:#fff; position:sticky; top:0; z-index:2; }
header .brand { font-weight:600; } header .doc { color:var(--muted); font-size:.9rem; }
#search { margin-left:auto; position:relative; }
#search input { width:22rem; padding:.35rem .6rem; border:1px solid var(--line); border-radius:6px; font:inherit; }
#search ol { position:absolute; right:0; top:2.2rem; width:30rem; max-height:24rem; overflow:auto; margin:0;
  padding:0; list-style:none; background:#fff; border:1px solid var(--line); border-radius:6px;
  box-shadow:0 6px 18px rgba(0,0,0,.08); }
#search ol:empty { display:none; }
#search li a { display:block; padding:.3rem .6rem; } #search li a:hover, #search li a.on { background:var(--bg); }
#search li small { color:var(--muted); margin-left:.5rem; }
.wrap { display:flex; min-height:calc(100vh - 3rem); }
nav { width:15rem; flex:none; padding:1rem; border-right:1px solid var(--line); background:var(--bg); font-size:.9rem; }
nav h4 { margin:1rem 0 .3rem; font-size:.75rem; text-transform:uppercase; letter-spacing:.04em; color:var(--muted); }
nav ul { list-style:none; margin:0; padding:0; } nav li { padding:.05rem 0; }
nav a.here { font-weight:600; color:var(--ink); }
main { flex:1; padding:1rem 2rem 3rem; min-width:0; }
h1 { font-size:1.6rem; margin:.2rem 0 .4rem; } h2 { font-size:1.15rem; margin:1.8rem 0 .5rem; }
.meta { color:var(--muted); font-size:.9rem; }
table.grid { border-collapse:collapse; width:100%; font-size:.9rem; }
table.grid th, table.grid td { border-bottom:1px solid var(--line); padding:.35rem .5rem; text-align:left; vertical-align:top; }
table.grid th { background:var(--bg); font-weight:600; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size:.85rem; }
pre { background:var(--bg); padding:.7rem; border-radius:6px; overflow:auto; }
.tag { display:inline-block; padding:0 .35rem; border-radius:4px; font-size:.75rem; font-weight:600;
  background:#e6edf7; color:var(--accent); margin-right:.2rem; }
.sev-error { color:var(--err); font-weight:600; } .sev-warning { color:var(--warn); font-weight:600; }
.sev-info { color:var(--muted); font-weight:600; }
.prose { border-left:3px solid var(--line); padding-left:1rem; }
.diagram { overflow:auto; border:1px solid var(--line); border-radius:6px; padding:.5rem; background:#fff; }
/* fitted to the page's width (the whole diagram in view); "actual size" scrolls it instead */
.diagram svg { display:block; max-width:100%; height:auto; }
.diagram.actual svg { max-width:none; }
.diagram-tools { margin:.3rem 0; font-size:.85rem; }
.diagram svg a:hover text { fill:var(--accent); }
.filters { margin:.5rem 0 1rem; font-size:.9rem; } .filters label { margin-right:1rem; cursor:pointer; }
tr[data-sev].hidden { display:none; }
.counts span { margin-right:1.2rem; }
"""

_JS = """
(function () {
  var box = document.querySelector('#search input'), list = document.querySelector('#search ol');
  var items = window.SCHEMADOC_INDEX || [], root = document.body.getAttribute('data-root') || '';
  function show(q) {
    list.innerHTML = '';
    q = q.trim().toLowerCase();
    if (!q) return;
    var words = q.split(/\\s+/), hits = [];
    for (var i = 0; i < items.length && hits.length < 30; i++) {
      var hay = (items[i].name + ' ' + items[i].kind + ' ' + (items[i].detail || '')).toLowerCase();
      if (words.every(function (w) { return hay.indexOf(w) >= 0; })) hits.push(items[i]);
    }
    hits.sort(function (a, b) { return (a.name.toLowerCase().indexOf(q) === 0 ? 0 : 1) - (b.name.toLowerCase().indexOf(q) === 0 ? 0 : 1); });
    hits.forEach(function (h, n) {
      var li = document.createElement('li'), a = document.createElement('a'), small = document.createElement('small');
      a.href = root + h.url; a.textContent = h.name; if (n === 0) a.className = 'on';
      small.textContent = h.kind + (h.detail ? ' · ' + h.detail : '');
      a.appendChild(small); li.appendChild(a); list.appendChild(li);
    });
  }
  var diagram = document.querySelector('.diagram'), size = document.querySelector('#diagram-size');
  var svg = diagram && diagram.querySelector('svg'), scale = null;
  function zoom(factor) {  // from what is shown now; the diagram then scrolls inside its box
    var natural = parseFloat(svg.getAttribute('width')) || svg.getBoundingClientRect().width;
    scale = (scale || svg.getBoundingClientRect().width / natural) * factor;
    diagram.classList.add('actual');
    svg.style.width = Math.round(natural * scale) + 'px'; svg.style.height = 'auto';
    size.textContent = 'Fit to page';
  }
  if (diagram && size && svg) {
    size.addEventListener('click', function () {
      var actual = diagram.classList.toggle('actual');
      svg.style.width = ''; svg.style.height = ''; scale = actual ? 1 : null;
      size.textContent = actual ? 'Fit to page' : 'Actual size';
    });
    document.querySelector('#zoom-in').addEventListener('click', function () { zoom(1.25); });
    document.querySelector('#zoom-out').addEventListener('click', function () { zoom(0.8); });
  }
  // the findings filter: a checkbox per severity, rows of unchecked ones hidden
  document.querySelectorAll('.filters input[data-sev]').forEach(function (cb) {
    function apply() {
      document.querySelectorAll('tr[data-sev="' + cb.getAttribute('data-sev') + '"]').forEach(function (tr) {
        tr.classList.toggle('hidden', !cb.checked);
      });
    }
    cb.addEventListener('change', apply); apply();
  });
  if (!box) return;
  box.addEventListener('input', function () { show(box.value); });
  box.addEventListener('keydown', function (e) {
    var first = list.querySelector('a');
    if (e.key === 'Enter' && first) { window.location.href = first.href; }
    if (e.key === 'Escape') { box.value = ''; show(''); }
  });
})();
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _code(text: str | None) -> str:
    return f"<code>{_e(text)}</code>" if text else ""


@dataclass
class _Site:
    doc: LoadedDocument
    schema: m.Schema
    findings: list[Diagnostic]
    places: dict[str, _Place]
    title: str

    def link(self, key: str, root: str) -> str:
        """A link to the page of a table or view, or its plain name when it has no page."""
        label = key.removeprefix("public.")
        if key in self.view_keys:
            return f'<a href="{root}views/{page_name(key)}">{_e(label)}</a>'
        t = self.schema.table(key)
        if t is not None and not t.partition_of:
            return f'<a href="{root}tables/{page_name(key)}">{_e(label)}</a>'
        return _e(label)

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

    def page(self, title: str, body: str, root: str, here: str = "") -> str:
        nav = []
        for group, keys in self.nav_groups.items():
            nav.append(f"<h4>{_e(group)}</h4><ul>")
            for k in keys:
                link = self.link(k, root)
                if k == here:
                    link = link.replace("<a ", '<a class="here" ', 1)
                nav.append(f"<li>{link}</li>")
            nav.append("</ul>")
        return (
            "<!doctype html>\n"
            '<html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{_e(title)} — {_e(self.title)}</title>"
            f'<link rel="stylesheet" href="{root}assets/style.css">'
            f'<link rel="icon" href="data:,"></head><body data-root="{root}">'
            f'<header><a class="brand" href="{root}index.html">{_e(self.title)}</a>'
            f'<span class="doc">{_e(self.doc.path)}</span>'
            f'<a href="{root}findings.html">Findings ({len(self.findings)})</a>'
            '<div id="search"><input type="search" placeholder="Search tables, columns, views, functions…" '
            'aria-label="Search"><ol></ol></div></header>'
            f'<div class="wrap"><nav>{"".join(nav)}</nav><main>{body}</main></div>'
            f'<script src="{root}assets/search-index.js"></script><script src="{root}assets/search.js"></script>'
            "</body></html>\n"
        )

    def finding_rows(self, findings: list[Diagnostic], root: str, with_owner: bool = False) -> str:
        if not findings:
            return '<p class="meta">No findings.</p>'
        owner = {id(d): k for k, p in self.places.items() for d in p.findings}
        rows = []
        for d in findings:
            sev = Severity(d.severity).name.lower()
            where = f"line {d.span.line}" if d.span else ""
            at = f"<td>{self.link(owner[id(d)], root)}</td>" if with_owner and id(d) in owner else ""
            at = at or ("<td></td>" if with_owner else "")
            help_ = f'<br><span class="meta">help: {_e(d.help)}</span>' if d.help else ""
            rows.append(
                f'<tr data-sev="{sev}"><td class="sev-{sev}">{sev}</td><td><code>{_e(d.code)}</code></td>'
                f"<td>{where}</td>{at}<td>{_e(d.message)}{help_}</td></tr>"
            )
        head = "<th>Severity</th><th>Rule</th><th>Where</th>" + ("<th>At</th>" if with_owner else "")
        return f'<table class="grid"><tr>{head}<th>Finding</th></tr>{"".join(rows)}</table>'

    # -- pages --

    def table_page(self, t: m.Table) -> str:
        root = "../"
        place = self.places[t.key]
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
        rows = []
        for c in t.columns:
            tags = "".join(f'<span class="tag">{k}</span>' for k in marks.get(c.name, []))
            ref = ""
            if c.name in fk_of:
                fk = fk_of[c.name]
                ref = f" → {self.link(fk.ref_key, root)}.{_e(', '.join(fk.ref_columns))}"
            default = c.default or (f"generated always as ({c.generated})" if c.generated else "")
            default = default or (f"identity ({c.identity})" if c.identity else "")
            note = c.comment or comments.get(f"{t.key}.{c.name}") or ""
            rows.append(
                f'<tr id="col-{_e(c.name)}"><td><b>{_e(c.name)}</b> {tags}</td><td><code>{_e(c.type)}</code>{ref}</td>'
                f"<td>{'not null' if c.not_null else 'null'}</td><td>{_code(default)}</td><td>{_e(note)}</td></tr>"
            )
        parts = [
            f"<h1>{_e(t.key.removeprefix('public.'))}</h1>",
            f'<p class="meta">table{" in " + _e(place.section) if place.section else ""}'
            f"{' · defined at ' + _e(self.doc.path) + ':' + str(t.span.line) if t.span else ''}"
            f"{' · row level security' + (' (forced)' if t.rls_forced else '') if t.rls_enabled else ''}</p>",
        ]
        if t.comment:
            parts.append(f"<p>{_e(t.comment)}</p>")
        parts.append(
            '<h2>Columns</h2><table class="grid"><tr><th>Column</th><th>Type</th><th>Null</th><th>Default</th>'
            f"<th>Comment</th></tr>{''.join(rows)}</table>"
        )
        keys = []
        if t.primary_key:
            keys.append(f"<li>primary key ({_e(', '.join(t.primary_key.columns))})</li>")
        for u in t.uniques:
            nnd = " nulls not distinct" if u.nulls_not_distinct else ""
            keys.append(f"<li>unique{nnd} ({_e(', '.join(u.columns))}) <span class='meta'>{_e(u.name)}</span></li>")
        for fk in t.foreign_keys:
            keys.append(
                f"<li>({_e(', '.join(fk.columns))}) references {self.link(fk.ref_key, root)} "
                f"({_e(', '.join(fk.ref_columns))}) <span class='meta'>on delete {_e(fk.on_delete.lower())}, "
                f"on update {_e(fk.on_update.lower())}</span></li>"
            )
        for ck in t.checks:
            keys.append(f"<li>check {_code(ck.expression)} <span class='meta'>{_e(ck.name)}</span></li>")
        for ex in t.exclusions:
            keys.append(f"<li>exclude {_code(ex.definition)}</li>")
        if keys:
            parts.append(f"<h2>Keys and constraints</h2><ul>{''.join(keys)}</ul>")
        referenced = [
            f"<li>{self.link(o.key, root)} ({_e(', '.join(fk.columns))})</li>"
            for o in self.schema.tables
            for fk in o.foreign_keys
            if fk.ref_key == t.key and not o.partition_of
        ]
        if referenced:
            parts.append(f"<h2>Referenced by</h2><ul>{''.join(referenced)}</ul>")
        if t.partition_by:
            parts.append(f"<h2>Partitions</h2><p>partitioned by {_code(t.partition_by)}</p><ul>")
            for part in self.schema.tables:
                if part.partition_of == t.key:
                    parts.append(f"<li>{_e(part.name)} {_code(part.partition_bound)}</li>")
            parts.append("</ul>")
        indexes = [ix for ix in self.schema.indexes if ix.table_key == t.key]
        if indexes:
            items = []
            for ix in indexes:
                desc = f"{'unique ' if ix.unique else ''}{ix.method} ({', '.join(ix.keys)})"
                desc += f" include ({', '.join(ix.include)})" if ix.include else ""
                desc += f" where {ix.where}" if ix.where else ""
                items.append(f"<tr><td>{_e(ix.name)}</td><td>{_code(desc)}</td></tr>")
            parts.append(f'<h2>Indexes</h2><table class="grid">{"".join(items)}</table>')
        triggers = [tr for tr in self.schema.triggers if tr.table_key == t.key]
        if triggers:
            items = []
            for tr in triggers:
                fn = self.functions.get(tr.function) or self.functions.get(f"public.{tr.function}")
                body = (
                    f"<details><summary>{_e(tr.function)}()</summary><pre>{_e(fn.body)}</pre></details>" if fn else ""
                )
                when = f" when {_code(tr.when)}" if tr.when else ""
                items.append(
                    f"<li><b>{_e(tr.name)}</b>: {_e(tr.timing.lower())} {_e(' or '.join(tr.events).lower())} "
                    f"for each {'row' if tr.for_each_row else 'statement'}{when} → {_code(tr.function)}{body}</li>"
                )
            parts.append(f"<h2>Triggers</h2><ul>{''.join(items)}</ul>")
        policies = [p for p in self.schema.policies if p.table_key == t.key]
        if policies:
            items = []
            for p in policies:
                items.append(
                    f"<li><b>{_e(p.name)}</b>: {'permissive' if p.permissive else 'restrictive'} for "
                    f"{_e(p.command.lower())} to {_e(', '.join(p.roles))}"
                    f"{' using ' + _code(p.using) if p.using else ''}"
                    f"{' with check ' + _code(p.check) if p.check else ''}</li>"
                )
            parts.append(f"<h2>Row-level security policies</h2><ul>{''.join(items)}</ul>")
        grants = [g for g in self.schema.grants if g.object_kind == "TABLE" and g.object_name == t.key]
        if grants:
            items = [f"<li>{_e(', '.join(g.privileges).lower())} to {_e(g.grantee)}</li>" for g in grants]
            parts.append(f"<h2>Grants</h2><ul>{''.join(items)}</ul>")
        parts.append(self.prose_and_findings(place, root))
        return self.page(t.key, "\n".join(parts), root, t.key)

    def view_page(self, v: m.View) -> str:
        root = "../"
        place = self.places[v.key]
        kind = "materialized view" if v.materialized else "view"
        parts = [
            f"<h1>{_e(v.key.removeprefix('public.'))}</h1>",
            f'<p class="meta">{kind}{" in " + _e(place.section) if place.section else ""}'
            f"{' · defined at ' + _e(self.doc.path) + ':' + str(v.span.line) if v.span else ''}</p>",
            f"<h2>Definition</h2><pre>{_e(v.definition)}</pre>",
        ]
        if v.depends_on:
            parts.append(
                "<h2>Reads from</h2><ul>" + "".join(f"<li>{self.link(k, root)}</li>" for k in v.depends_on) + "</ul>"
            )
        indexes = [ix for ix in self.schema.indexes if ix.table_key == v.key]
        if indexes:
            parts.append(
                "<h2>Indexes</h2><ul>"
                + "".join(f"<li>{_e(ix.name)} {_code(', '.join(ix.keys))}</li>" for ix in indexes)
                + "</ul>"
            )
        parts.append(self.prose_and_findings(place, root))
        return self.page(v.key, "\n".join(parts), root, v.key)

    def prose_and_findings(self, place: _Place, root: str) -> str:
        out = []
        if place.prose.strip():
            lines = f" (lines {place.first}–{place.last})" if place.first else ""
            out.append(f'<h2>In the document{_e(lines)}</h2><div class="prose">{_md.render(place.prose)}</div>')
        out.append(f"<h2>Findings</h2>{self.finding_rows(place.findings, root)}")
        return "\n".join(out)

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
        by_sev: dict[str, int] = defaultdict(int)
        for d in self.findings:
            by_sev[Severity(d.severity).name.lower()] += 1
        parts = [
            f"<h1>{_e(self.title)}</h1>",
            '<p class="counts">'
            + "".join(f"<span><b>{n}</b> {label}</span>" for label, n in counts if n)
            + f'<span><a href="findings.html">{by_sev["error"]} errors, {by_sev["warning"]} warnings, '
            f"{by_sev['info']} notes</a></span></p>",
            "<h2>Diagram</h2>",
        ]
        if svg:
            parts.append(
                '<p class="diagram-tools"><button type="button" id="zoom-out" title="Zoom out">−</button> '
                '<button type="button" id="zoom-in" title="Zoom in">+</button> '
                '<button type="button" id="diagram-size">Actual size</button></p>'
                f'<div class="diagram">{svg}</div>'
            )
        else:
            parts.append(
                '<p class="meta">The diagram needs Graphviz (<code>dot</code>); install it and run '
                "<code>schemadoc docs</code> again. <code>schemadoc diagram --format mermaid</code> needs nothing.</p>"
            )
        rows = []
        for t in s.tables:
            if t.partition_of:
                continue
            n = len(self.places[t.key].findings)
            rows.append(
                f"<tr><td>{self.link(t.key, '')}</td><td>{_e(self.places[t.key].group)}</td>"
                f"<td>{len(t.columns)}</td><td>{_e(t.comment or '')}</td><td>{n or ''}</td></tr>"
            )
        parts.append(
            '<h2>Tables</h2><table class="grid"><tr><th>Table</th><th>Section</th><th>Columns</th>'
            f"<th>Comment</th><th>Findings</th></tr>{''.join(rows)}</table>"
        )
        if s.views:
            items = "".join(
                f"<li>{self.link(v.key, '')} <span class='meta'>{'materialized ' if v.materialized else ''}view</span></li>"
                for v in s.views
            )
            parts.append(f"<h2>Views</h2><ul>{items}</ul>")
        if s.enums:
            items = "".join(
                f'<li id="enum-{_e(e.key)}"><b>{_e(e.key.removeprefix("public."))}</b>: {_e(", ".join(e.values))}</li>'
                for e in s.enums
            )
            parts.append(f"<h2>Enums</h2><ul>{items}</ul>")
        if s.functions:
            items = "".join(
                f'<li id="fn-{_e(f.key)}"><details><summary><code>{_e(f.key.removeprefix("public."))}</code> '
                f"<span class='meta'>returns {_e(f.returns)}, {_e(f.language)}</span></summary>"
                f"<pre>{_e(f.body)}</pre></details></li>"
                for f in s.functions
            )
            parts.append(f"<h2>Functions</h2><ul>{items}</ul>")
        if s.roles:
            parts.append("<h2>Roles</h2><ul>" + "".join(f"<li>{_e(r.name)}</li>" for r in s.roles) + "</ul>")
        return self.page("Schema", "\n".join(parts), "")

    def findings_page(self) -> str:
        by_sev: dict[str, int] = defaultdict(int)
        for d in self.findings:
            by_sev[Severity(d.severity).name.lower()] += 1
        # errors and warnings shown, notes behind their checkbox: what needs doing first
        boxes = "".join(
            f'<label><input type="checkbox" data-sev="{sev}"{" checked" if sev != "info" else ""}> '
            f"{label} ({by_sev[sev]})</label>"
            for sev, label in (("error", "Errors"), ("warning", "Warnings"), ("info", "Notes"))
        )
        filters = f'<p class="filters">Show: {boxes}</p>' if self.findings else ""
        body = f"<h1>Findings</h1>{filters}{self.finding_rows(self.findings, '', with_owner=True)}"
        return self.page("Findings", body, "")

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
        "assets/style.css": _CSS,
        "assets/search.js": _JS,
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
