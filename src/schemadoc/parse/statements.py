"""SQL text split into statements, each with its place in the document: PostgreSQL's parser where it reads
the whole text, else a splitter that minds quotes, dollar quotes and comments (the one splitter: the
reader, the fixers and migration scripts use it)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pglast import ast
from pglast.parser import ParseError

from schemadoc.parse.fastast import parse_sql


@dataclass(frozen=True, slots=True)
class Statement:
    """One SQL statement of a block, with where it starts in the document."""

    text: str
    line: int
    col: int
    node: ast.Node | None  # None when PostgreSQL's parser rejects it
    error: str | None = None
    # node locations count from `offset` in `source` (the block), so a column finds its own line
    source: str = field(default="", repr=False, compare=False)
    offset: int = 0
    base_line: int = 1
    last_line: int = 0  # where it ends in the document (0: on its first line)

    @property
    def end_line(self) -> int:
        return max(self.line, self.last_line)


@dataclass(frozen=True, slots=True)
class Extra:
    """A statement that is not schema but is kept: seed rows, documented queries, maintenance."""

    kind: str  # seed | query | maintenance | transaction | other
    statement: Statement
    heading: str


def line_col(text: str, offset: int, base_line: int) -> tuple[int, int]:
    before = text[:offset]
    line = base_line + before.count("\n")
    col = offset - (before.rfind("\n") + 1) + 1
    return line, col


def _skip_comments(text: str, offset: int) -> int:
    """Move past whitespace and -- / /* */ comments so a statement's position is its first word."""
    n = len(text)
    while offset < n:
        if text[offset].isspace():
            offset += 1
        elif text.startswith("--", offset):
            nl = text.find("\n", offset)
            offset = n if nl < 0 else nl + 1
        elif text.startswith("/*", offset):
            end = text.find("*/", offset + 2)
            offset = n if end < 0 else end + 2
        else:
            break
    return offset


def split_statements(text: str, base_line: int) -> list[Statement]:
    """Every statement of a block; each one PostgreSQL's parser rejects is kept with its error."""
    try:
        raw = parse_sql(text)
    except ParseError:
        raw = None
    out: list[Statement] = []
    if raw is not None:
        for r in raw:
            location = r.stmt_location or 0
            start = _skip_comments(text, location)
            end = location + r.stmt_len if r.stmt_len else len(text)
            line, col = line_col(text, start, base_line)
            piece = text[start:end].strip()
            last = line + piece.count("\n")
            out.append(Statement(piece, line, col, r.stmt, None, text, 0, base_line, last))
        return out
    for start, end in statement_ranges(text):
        begin = _skip_comments(text, start)
        piece = text[begin:end].strip()
        if not piece:
            continue
        line, col = line_col(text, begin, base_line)
        try:
            nodes = parse_sql(piece)
            out.append(
                Statement(
                    piece,
                    line,
                    col,
                    nodes[0].stmt if nodes else None,
                    None if nodes else "empty statement",
                    text,
                    begin,
                    base_line,
                    line + piece.count("\n"),
                )
            )
        except ParseError as e:
            out.append(Statement(piece, line, col, None, str(e), last_line=line + piece.count("\n")))
    return [st for st in out if st.node is not None or st.error != "empty statement"]


_DOLLAR_TAG = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)?\$")


def statement_ranges(text: str) -> list[tuple[int, int]]:
    """Split at top-level semicolons, minding quotes, dollar quotes and comments.

    PostgreSQL's own scanner gives up on the first token it cannot read (`256MB` in a pasted
    postgresql.conf), so the block is cut here and each piece is parsed on its own.
    """
    ranges: list[tuple[int, int]] = []
    i, start, n = 0, 0, len(text)
    while i < n:
        ch = text[i]
        if ch in "'\"":
            end = text.find(ch, i + 1)
            while end != -1 and end + 1 < n and text[end + 1] == ch:
                end = text.find(ch, end + 2)
            i = n if end == -1 else end + 1
        elif (
            ch == "$"
            and (mt := _DOLLAR_TAG.match(text, i))
            and not (i and (text[i - 1].isalnum() or text[i - 1] == "_"))
        ):
            end = text.find(mt.group(0), mt.end())
            i = n if end == -1 else end + len(mt.group(0))
        elif text.startswith("--", i):
            nl = text.find("\n", i)
            i = n if nl == -1 else nl + 1
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            i = n if end == -1 else end + 2
        elif ch == ";":
            ranges.append((start, i + 1))
            i += 1
            start = i
        else:
            i += 1
    if text[start:].strip():
        ranges.append((start, n))
    return ranges
