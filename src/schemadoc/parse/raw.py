"""Schema code written into a document without a code fence: DDL, DBML or Prisma pasted as plain text.

Markdown would read such lines as paragraphs; they are found first, by the shape of their first line
(`CREATE TABLE name (`, `Table name {`, `Ref: a.b > c.d`, `model Name {`) and their extent (to the
statement's `;`, or the closing brace), and given to the readers as if they had been fenced.
"""

from __future__ import annotations

import re

_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_SQL_START = re.compile(
    r"^\s*(create\s+(or\s+replace\s+)?(temporary\s+|temp\s+|unlogged\s+|virtual\s+)?"
    r"(table|type|(unique\s+)?index|view|materialized\s+view|function|trigger|extension|sequence|schema|domain)"
    r"\b(?!\s+(for|of|to|in|with|that|which|a|an|the)\b)|alter\s+table\s+\S+\s+(add|alter|drop|enable)\b)",
    re.I,
)
_SQL_TABLE_SHAPE = re.compile(r"^\s*create\s+(\w+\s+)*table\s+(if\s+not\s+exists\s+)?[\w.\"`\[\]]+\s*(\(|$)", re.I)
_SQL_NEXT = re.compile(r"^\s*(create|alter|insert|comment\s+on|grant|drop|--)\b", re.I)
_DBML_START = re.compile(
    r"^(Table|Enum|TableGroup|Project)\s+[\"\w.]+(\s+as\s+\w+)?\s*(\[[^\]]*\])?\s*\{|^Ref\s*[\w\"]*\s*:", re.I
)
_PRISMA_START = re.compile(r"^(model|enum|datasource|generator|view|type)\s+\w+\s*\{\s*$")


def raw_regions(lines: list[str]) -> list[tuple[int, int, str]]:
    """(first line, end line — exclusive —, language) of each run of unfenced schema code, 0-based."""
    out: list[tuple[int, int, str]] = []
    fence: str | None = None
    i = 0
    while i < len(lines):
        line = lines[i]
        mt = _FENCE.match(line)
        if fence is not None:
            if (
                mt
                and mt.group(1)[0] == fence[0]
                and len(mt.group(1)) >= len(fence)
                and not line.strip()[len(mt.group(1)) :]
            ):
                fence = None
            i += 1
            continue
        if mt:
            fence = mt.group(1)
            i += 1
            continue
        if line.startswith(("    ", "\t")) and (not out or out[-1][1] != i):
            i += 1  # an indented code block: Markdown makes it one, and its content is sniffed there
            continue
        lang = _language(line)
        if lang is None:
            i += 1
            continue
        end = _extent(lines, i, lang)
        if out and out[-1][2] == lang and not any(lines[k].strip() for k in range(out[-1][1], i)):
            out[-1] = (out[-1][0], end, lang)  # only blank lines between: one region
        else:
            out.append((i, end, lang))
        i = end
    return out


def _language(line: str) -> str | None:
    stripped = line.strip()
    if _PRISMA_START.match(stripped):
        return "prisma"
    if _DBML_START.match(stripped):
        return "dbml"
    if _SQL_START.match(line) and (
        not re.match(r"^\s*create\s+(\w+\s+)*table\b", line, re.I) or _SQL_TABLE_SHAPE.match(line)
    ):
        return "sql"
    return None


def _extent(lines: list[str], start: int, lang: str) -> int:
    """Where the code that starts at `start` ends (exclusive): its closing brace, or its statement's `;`."""
    if lang in ("dbml", "prisma"):
        if "{" not in lines[start]:
            return start + 1  # `Ref: a.b > c.d`
        depth = 0
        for i in range(start, len(lines)):
            depth += lines[i].count("{") - lines[i].count("}")
            if depth <= 0:
                return i + 1
        return len(lines)
    depth = 0
    dollar = False
    for i in range(start, len(lines)):
        text = re.sub(r"--.*$", "", lines[i]) if not dollar else lines[i]
        if text.count("$$") % 2:
            dollar = not dollar
        if dollar:
            continue
        depth += text.count("(") - text.count(")")
        if depth <= 0 and text.rstrip().endswith(";"):
            return i + 1
        if not lines[i].strip() and depth <= 0 and i > start:
            return i  # a blank line after a statement without its `;`
    return len(lines)
