"""Tables written as an outline in a code block: a table's name, then its columns.

    users                             orders
        columns: id, email, org_id    ├── id (PK)
        policies: read_anon           ├── user_id (FK -> users)
                                      └── total numeric

`columns: a, b` under a name, or a tree (├──, └──, |--) of `column [type] [(notes)]` lines under it. What
the outline says of a column (PK, FK → table, a type) is read as a Markdown table's cells are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_COLUMNS = re.compile(r"^(?P<indent>\s*)(?:columns?|fields?|attributes?|cols)\s*:\s*(?P<list>\S.*)$", re.I)
_NAME = re.compile(r"^(?P<indent>\s*)[`\"']?(?P<name>[A-Za-z_][\w.]*)[`\"']?\s*:?\s*(?:[(\[].*)?$")
_TREE = re.compile(r"^(?P<indent>[\s│|]*)(?:├──|└──|├─|└─|\|--|`--|\+--|-\s)\s*(?P<item>\S.*)$")


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    type_text: str  # as written, or ""
    note: str  # the rest of the line: (PK), (FK -> users), NOT NULL …
    line: int


@dataclass(frozen=True, slots=True)
class Table:
    name: str
    line: int
    columns: tuple[Column, ...]


def looks_like_outline(text: str) -> bool:
    lines = text.splitlines()
    if sum(bool(_COLUMNS.match(line)) for line in lines) >= 1:
        return True
    return sum(bool(_TREE.match(line)) for line in lines) >= 2 and any(_NAME.match(line) for line in lines)


def read(text: str, first_line: int) -> list[Table]:
    """The tables the outline lists, with their lines in the document."""
    lines = text.splitlines()
    out: list[Table] = []
    i = 0
    while i < len(lines):
        name = _NAME.match(lines[i])
        if name is None or not lines[i].strip():
            i += 1
            continue
        indent = len(name.group("indent"))
        columns: list[Column] = []
        j = i + 1
        while j < len(lines) and (not lines[j].strip() or _deeper(lines[j], indent)):
            line = lines[j]
            listed = _COLUMNS.match(line)
            tree = _TREE.match(line)
            if listed and not columns:
                for col in re.split(r"\s*,\s*", listed.group("list").strip().rstrip(".")):
                    word = re.match(r"[`\"']?([A-Za-z_][\w$]*)[`\"']?\s*(.*)$", col)
                    if word:
                        columns.append(Column(word.group(1), "", word.group(2), first_line + j))
            elif tree:
                col = _tree_column(tree.group("item"), first_line + j)
                if col is not None:
                    columns.append(col)
            j += 1
        if columns:
            out.append(Table(name.group("name").split(".")[-1], first_line + i, tuple(columns)))
            i = j
        else:
            i += 1
    return out


def _deeper(line: str, indent: int) -> bool:
    stripped = line.lstrip(" \t")
    return len(line) - len(stripped) > indent or bool(_TREE.match(line)) and len(line) - len(stripped) >= indent


def _tree_column(item: str, line: int) -> Column | None:
    """`id (PK)`, `user_id (FK -> users)`, `email varchar(255) unique`, `name: text`."""
    mt = re.match(r"^[`\"']?(?P<name>[A-Za-z_][\w$]*)[`\"']?\s*:?\s*(?P<rest>.*)$", item.strip())
    if mt is None:
        return None
    rest = mt.group("rest").strip()
    type_text = ""
    head = re.match(r"^([A-Za-z][\w ]*?(?:\(\d+(?:,\s*\d+)?\))?(?:\[\])?)(?=\s|$|\()", rest)
    if head:
        from schemadoc.types import translate_type

        if translate_type(head.group(1)) is not None:
            type_text = head.group(1)
            rest = rest[head.end() :].strip()
    notes = " ".join(re.findall(r"\(([^)]*)\)", rest))
    bare = re.sub(r"\([^)]*\)", " ", rest).strip()
    return Column(mt.group("name"), type_text, " ".join(p for p in (notes, bare) if p), line)
