"""Column definitions written as list items, SQL in all but name: `- \\`id\\`: INT AUTO_INCREMENT PRIMARY KEY`,
`- user_id uuid fk users(id)`, `- email VARCHAR(320) NOT NULL UNIQUE`.

Under a table's heading, a list whose items are each a column name and a definition that starts with a
type is the table: its items become a CREATE TABLE (the pseudo-SQL words `pk`, `fk users(id)`, `→ users.id`
said as SQL), read by the SQL readers — PostgreSQL's, else another database's dialect.
"""

from __future__ import annotations

import re

from schemadoc.names import quote_ident
from schemadoc.types import translate_type

_ITEM = re.compile(r"^[*_]*`?(?P<name>[A-Za-z_][\w$]*)`?[*_]*\s*(?:[:—–]|\s-\s|\s)\s*(?P<definition>\S.*)$")
_TYPE_HEAD = re.compile(r"^`?(?P<type>[A-Za-z][\w ]*?(?:\s*\([^)]*\))?(?:\s+unsigned)?(?:\[\])?)`?(?=\s|,|$)", re.I)
_WORDS = (
    (re.compile(r"\bpk\b", re.I), "PRIMARY KEY"),
    (
        re.compile(
            r"\b(?:fk|ref|references)\b\s*(?:→|->|:)?\s*`?([A-Za-z_][\w]*)`?\s*(?:\.|\()\s*`?(\w+)`?\s*\)?", re.I
        ),
        r"REFERENCES \1(\2)",
    ),  # fmt: skip
    (re.compile(r"(?:→|->)\s*`?([A-Za-z_][\w]*)`?\s*(?:\.|\()\s*`?(\w+)`?\s*\)?", re.I), r"REFERENCES \1(\2)"),
    (re.compile(r"\bnullable\b|\bnull\b(?!\s*default)", re.I), "NULL"),
)
_COMMENTARY = re.compile(r"\s*(?:\((?:e\.g\.|eg|i\.e\.|see|for|like|ex\.?)[^)]*\)|[—–]\s.*|\s-\s.*|;.*)$", re.I)


def column_definitions(items: list[tuple[int, str]]) -> list[tuple[str, str, int]] | None:
    """(name, SQL column definition, line) of each item when the list defines a table's columns this way
    (every item but a few remarks a column whose definition starts with a type), else None."""
    out: list[tuple[str, str, int]] = []
    remarks = 0
    for line, text in items:
        mt = _ITEM.match(text.strip())
        definition = mt.group("definition").strip() if mt else ""
        head = _TYPE_HEAD.match(definition.replace("`", ""))
        # "_Indexes_: `status`", "**Note**: …": a remark about the table; "`status`" alone names a column
        remark = text.strip()[:1] in "*_" or re.fullmatch(r"`[^`]+`(\s*,\s*`[^`]+`)*", definition) is not None
        if mt is None or head is None or remark or not _is_type(head.group("type")):
            remarks += 1
            continue
        out.append((mt.group("name"), _sql(definition.replace("`", "")), line))
    if len(out) < 2 or remarks > max(1, len(out) // 3):
        return None
    return out


_MYSQL = re.compile(r"\bAUTO_INCREMENT\b|\bUNSIGNED\b|\bENUM\s*\(|\bON\s+UPDATE\b|\bDATETIME\b|\bTINYINT\b", re.I)


def create_table(table: str, columns: list[tuple[str, str, int]]) -> str:
    """The CREATE TABLE the items spell; MySQL's words keep MySQL's quoting (a double-quoted name is a
    string there), so the dialect reader reads them."""
    mysql = any(_MYSQL.search(d) for _, d, _ in columns)

    def quote(name: str) -> str:
        return f"`{name}`" if mysql else quote_ident(name)

    body = ",\n".join(f"  {quote(name)} {definition}" for name, definition, _ in columns)
    return f"CREATE TABLE {quote(table)} (\n{body}\n);\n"


def _is_type(text: str) -> bool:
    t = text.strip()
    if re.match(r"(?i)^enum\s*\(", t) or re.match(r"(?i)^(serial|bigserial|smallserial)$", t):
        return True
    words = t.split()
    # the type may be one word or two (double precision, int unsigned, timestamp with time zone)
    return any(translate_type(" ".join(words[:n])) is not None for n in range(min(len(words), 4), 0, -1))


def _sql(definition: str) -> str:
    d = _COMMENTARY.sub("", definition).strip().rstrip(",.")
    for pattern, replacement in _WORDS:
        d = pattern.sub(replacement, d)
    return d
