"""Split a Markdown document into positioned blocks: fences, tables, lists, paragraphs, headings."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.token import Token

from schemadoc.errors import Diagnostic, Severity, Span

_DIRECTIVE = re.compile(r"<!--\s*schemadoc:\s*(.*?)\s*-->", re.S)

# Headings that say a section describes something that is not (yet, or any more) the schema. A design
# document proposes its schema, so "proposed" or "draft" is not among them; a legacy table is still there.
_NOT_CURRENT = re.compile(
    r"\b(future|planned|roadmap|to-?do|coming soon|not (yet )?implemented|deprecated|obsolete|removed|"
    r"wishlist|ideas?)\b",
    re.I,
)


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    text: str
    line: int


@dataclass(frozen=True, slots=True)
class Section:
    """A heading and the lines under it, up to the next heading of the same or a higher level."""

    title: str
    level: int
    line: int  # the heading's line
    end: int  # the section's last line


def sections_of(heads: list[Heading], last_line: int) -> list[Section]:
    """The document's sections, in order, from its headings."""
    out = []
    for i, h in enumerate(heads):
        end = next((later.line - 1 for later in heads[i + 1 :] if later.level <= h.level), last_line)
        out.append(Section(h.text, h.level, h.line, end))
    return out


@dataclass(slots=True)
class Block:
    kind: str  # fence | table | list | paragraph
    line: int  # 1-based line of the block's first content line
    headings: tuple[Heading, ...]
    info: str = ""  # fence info string (language)
    text: str = ""  # fence content / paragraph text
    rows: list[list[str]] = field(default_factory=list)  # table: header row first
    row_lines: list[int] = field(default_factory=list)
    items: list[tuple[int, str]] = field(default_factory=list)  # list: (line, text)
    directives: dict[str, str] = field(default_factory=dict)
    end_line: int = 0
    all_stale: bool = False  # every schema block of the doc is under such a heading: it is the doc itself

    @property
    def heading(self) -> Heading | None:
        return self.headings[-1] if self.headings else None

    @property
    def text_of_items(self) -> str:
        return "\n".join(t for _, t in self.items)

    @property
    def language(self) -> str:
        return self.info.split()[0].lower() if self.info.split() else ""

    @property
    def not_current(self) -> Heading | None:
        """The heading that marks this block as not current, if any (none when the whole doc is under one)."""
        if self.all_stale:
            return None
        return self.stale_heading

    @property
    def stale_heading(self) -> Heading | None:
        for h in self.headings:
            if _NOT_CURRENT.search(h.text):
                return h
        return None


@dataclass(slots=True)
class Document:
    path: str
    text: str
    blocks: list[Block]
    diagnostics: list[Diagnostic]
    sections: list[Section] = field(default_factory=list)  # every heading's section, in order


_DIRECTIVE_ITEM = re.compile(r"([A-Za-z][\w-]*)(?:\s*=\s*([\w.,-]+))?")


def _parse_directives(text: str) -> dict[str, str]:
    """`<!-- schemadoc: ignore -->`, `include`, `disable=SD301,SD313`, `renamed-from=old_name`."""
    out: dict[str, str] = {}
    for m in _DIRECTIVE.finditer(text):
        for key, value in _DIRECTIVE_ITEM.findall(m.group(1)):
            out[key.lower()] = value
    return out


def _inline_text(tok: Token) -> str:
    return tok.content.strip()


def split_blocks(path: str, text: str) -> Document:
    from schemadoc.parse.raw import raw_regions

    lines = text.splitlines()
    # schema code pasted without a fence becomes a fenced block of its own; Markdown sees blank lines there
    regions = raw_regions(lines)
    if regions:
        masked = list(lines)
        for start, end, _ in regions:
            masked[start:end] = [""] * (end - start)
        tokens = MarkdownIt("commonmark").enable("table").parse("\n".join(masked) + "\n")
    else:
        tokens = MarkdownIt("commonmark").enable("table").parse(text)
    heading_at: list[tuple[int, tuple[Heading, ...]]] = [(0, ())]
    blocks: list[Block] = []
    diagnostics: list[Diagnostic] = []
    headings: list[Heading] = []
    every_heading: list[Heading] = []
    pending: dict[str, str] = {}
    i = 0

    def new_block(kind: str, tok: Token, **kw: object) -> Block:
        nonlocal pending
        start = tok.map[0] + 1 if tok.map else 1
        b = Block(kind=kind, line=start, headings=tuple(headings), directives=pending, **kw)  # type: ignore[arg-type]
        b.end_line = tok.map[1] if tok.map else start
        pending = {}
        blocks.append(b)
        return b

    while i < len(tokens):
        tok = tokens[i]
        if tok.type == "heading_open":
            level = int(tok.tag[1])
            title = _inline_text(tokens[i + 1])
            line = tok.map[0] + 1 if tok.map else 1
            while headings and headings[-1].level >= level:
                headings.pop()
            headings.append(Heading(level, title, line))
            every_heading.append(headings[-1])
            heading_at.append((line, tuple(headings)))
            i += 3
            continue
        if tok.type == "html_block":
            found = _parse_directives(tok.content)
            if found:
                pending = {**pending, **found}
            i += 1
            continue
        if tok.type in ("fence", "code_block"):
            info = tok.info.strip() if tok.type == "fence" else ""
            b = new_block("fence", tok, info=info, text=tok.content)
            b.line += 1 if tok.type == "fence" else 0  # content starts after the opening fence
            if tok.type == "fence" and tok.map:
                end = tok.map[1]
                closing = lines[end - 1].strip() if end - 1 < len(lines) else ""
                marker = tok.markup
                if end >= len(lines) and not (
                    closing.startswith(marker) and closing.strip(marker[0]) == "" and end - 1 > tok.map[0]
                ):
                    diagnostics.append(
                        Diagnostic(
                            "SD003",
                            Severity.WARNING,
                            "code fence opened here never closes; it runs to the end of the document",
                            Span(path, tok.map[0] + 1, 1),
                            help=f"close the block with a line holding {marker}",
                        )
                    )
            i += 1
            continue
        if tok.type == "table_open":
            b = new_block("table", tok)
            j = i + 1
            row: list[str] = []
            row_line = 0
            while tokens[j].type != "table_close":
                t = tokens[j]
                if t.type == "tr_open":
                    row = []
                    row_line = t.map[0] + 1 if t.map else b.line
                elif t.type == "inline":
                    row.append(t.content.strip())
                elif t.type == "tr_close":
                    b.rows.append(row)
                    b.row_lines.append(row_line)
                j += 1
            i = j + 1
            continue
        if tok.type in ("bullet_list_open", "ordered_list_open"):
            b = new_block("list", tok)
            depth = 0
            j = i
            while True:
                t = tokens[j]
                if t.type in ("bullet_list_open", "ordered_list_open"):
                    depth += 1
                elif t.type in ("bullet_list_close", "ordered_list_close"):
                    depth -= 1
                    if depth == 0:
                        break
                elif t.type == "inline":
                    b.items.append((t.map[0] + 1 if t.map else b.line, t.content.strip()))
                j += 1
            i = j + 1
            continue
        if tok.type == "paragraph_open":
            new_block("paragraph", tok, text=tokens[i + 1].content)
            i += 3
            continue
        i += 1
    for start, end, lang in regions:
        context = [h for at, h in heading_at if at <= start + 1][-1]
        raw = Block("fence", start + 1, context, info=lang, text="\n".join(lines[start:end]) + "\n", end_line=end)
        blocks.append(raw)
    if regions:
        blocks.sort(key=lambda b: b.line)
    # a section marked "future" leaves the rest of the doc to be the schema; a doc all of whose schema is
    # in such sections ("# Future database design") describes that schema
    schema_like = [b for b in blocks if b.kind in ("fence", "table") or (b.kind == "list" and "`" in b.text_of_items)]
    if schema_like and all(b.stale_heading is not None for b in schema_like):
        for b in blocks:
            b.all_stale = True
    sections = sections_of(every_heading, len(lines))
    return Document(path=path, text=text, blocks=blocks, diagnostics=diagnostics, sections=sections)
