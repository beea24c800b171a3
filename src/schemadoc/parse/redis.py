"""Redis key layouts, however a design document writes them, read into `model.Keyspace`.

Three ways docs write them: a block of `Key:` / `Type:` / `TTL:` lines with the value's example
after it (seed 003); a Markdown table of key patterns (| Key | Type | TTL | Description |); prose or
list items that name a pattern in backticks (`` `session:{id}` — hash, expires after 30 minutes ``),
with a ```json example after it. The example value becomes a JSON Schema (types, formats such as
uuid and date-time, required fields, nested lists); TTLs are read in any unit; placeholders and JSON
fields are linked to the relational model where their names say so (`{user_id}` → users.id,
`items[].product_id` → products.id).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from schemadoc import model as m
from schemadoc.errors import Diagnostic, Severity, Span
from schemadoc.parse.blocks import Block

# ---- small readers -----------------------------------------------------------------------------

_UNITS = {
    "ms": 0.001,
    "millisecond": 0.001,
    "s": 1,
    "sec": 1,
    "second": 1,
    "m": 60,
    "min": 60,
    "minute": 60,
    "h": 3600,
    "hr": 3600,
    "hour": 3600,
    "d": 86400,
    "day": 86400,
    "w": 604800,
    "week": 604800,
    "month": 2592000,
    "year": 31536000,
}
_AMOUNT = re.compile(
    r"(\d+(?:\.\d+)?)\s*(milliseconds?|ms|seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h|days?|d|weeks?|w|"
    r"months?|years?)\b",
    re.I,
)
_NO_EXPIRY = re.compile(r"\b(none|no expiry|no ttl|never|persistent|permanent|no expiration|forever)\b", re.I)


def ttl_amounts(text: str) -> list[int]:
    """Every duration written in `text`, in seconds: "24 hours (86400 seconds)" → [86400, 86400]."""
    out = []
    for number, unit in _AMOUNT.findall(text):
        key = unit.lower().rstrip("s") if len(unit) > 2 else unit.lower()
        factor = _UNITS.get(key) or _UNITS.get(unit.lower()) or _UNITS.get(key.rstrip("s"))
        if factor is not None:
            out.append(round(float(number) * factor))
    return out


_TYPE_WORDS = (  # the first that matches names the type: "sorted set" before "set", "hash" before "count"
    (r"sorted\s*set|\bzset\b", "zset"),
    (r"\bhash\b|\bhset\b", "hash"),
    (r"\bstream\b", "stream"),
    (r"\blist\b", "list"),
    (r"\bset\b", "set"),
    (r"counter|incr|integer|\bint\b|number|count", "counter"),
    (r"json", "json"),
)


def redis_type(text: str) -> str:
    """The Redis type a doc's words name: "String (JSON)" → json, "String (Counter)" → counter, "Sorted Set" → zset."""
    t = text.lower()
    return next((kind for pattern, kind in _TYPE_WORDS if re.search(pattern, t)), "string")


_PATTERN = re.compile(r"[A-Za-z_][\w.-]*(?::(?:\{[\w.-]+\}|[\w.*-]+))+")


def _name_of(pattern: str) -> str:
    """The pattern's literal parts: `cart:{user_id}` → cart, `room:{room_id}:members` → room:members."""
    literal = [part for part in pattern.split(":") if "{" not in part and "*" not in part]
    return ":".join(literal) or pattern


_STRING_OR_COMMENT = re.compile(r'"(?:[^"\\]|\\.)*"|//[^\n]*')


def parse_json_example(text: str) -> tuple[Any, set[str]] | None:
    """A JSON example as docs write them, with // comments and trailing commas (a "//" inside a string,
    as in a URL, is kept); also the keys a comment calls optional. None when it is not JSON."""
    optional = set()
    for line in text.splitlines():
        mt = re.search(r'"(\w+)"\s*:.*//.*\boptional\b', line, re.I)
        if mt:
            optional.add(mt.group(1))
    cleaned = _STRING_OR_COMMENT.sub(lambda mt: mt.group(0) if mt.group(0).startswith('"') else "", text)
    cleaned = re.sub(r",(\s*[}\]])", r"\1", cleaned)
    try:
        return json.loads(cleaned), optional
    except ValueError:
        return None


_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)
_DATETIME = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)?")
_DATE = re.compile(r"\d{4}-\d\d-\d\d")


def _format(value: str) -> str | None:
    v = value.strip()
    if v.lower() in ("uuid", "uuidv4", "uuid4") or _UUID.fullmatch(v):
        return "uuid"
    if v.lower() in ("timestamp", "datetime", "iso8601", "date-time") or _DATETIME.fullmatch(v):
        return "date-time"
    if v.lower() == "date" or _DATE.fullmatch(v):
        return "date"
    if re.fullmatch(r"[^@\s]+@[^@\s]+\.\w+", v):
        return "email"
    if re.fullmatch(r"https?://\S+", v):
        return "uri"
    return None


def shape(
    value: Any, optional: frozenset[str] | set[str] = frozenset(), path: str = ""
) -> tuple[dict[str, Any], list[m.ValueField]]:
    """(JSON Schema, flattened fields) of an example value."""
    fields: list[m.ValueField] = []
    if isinstance(value, dict):
        props: dict[str, Any] = {}
        for k, v in value.items():
            sub, subfields = shape(v, optional, f"{path}.{k}" if path else k)
            props[k] = sub
            fields.extend(subfields)
        schema = {
            "type": "object",
            "properties": props,
            "required": [k for k in value if k not in optional],
            "additionalProperties": False,
        }
        if path:
            fields.insert(0, m.ValueField(path, "object"))
        return schema, fields
    if isinstance(value, list):
        items: dict[str, Any] = {}
        if value:
            items, inner = shape(value[0], optional, f"{path}[]")
            fields.extend(inner)
        fields.insert(0, m.ValueField(path, "array"))
        return {"type": "array", "items": items}, fields
    if isinstance(value, bool):
        t, schema = "boolean", {"type": "boolean"}
    elif isinstance(value, int):
        t, schema = "integer", {"type": "integer"}
    elif isinstance(value, float):
        t, schema = "number", {"type": "number"}
    elif value is None:
        t, schema = "any", {}
    else:
        fmt = _format(str(value))
        t, schema = "string", {"type": "string"}
        if fmt:
            schema["format"] = fmt
        fields.append(m.ValueField(path, t, fmt, path.rsplit(".", 1)[-1] not in optional))
        return schema, fields
    fields.append(m.ValueField(path, t, None, path.rsplit(".", 1)[-1] not in optional))
    return schema, fields


# ---- the layouts -------------------------------------------------------------------------------


@dataclass
class _Draft:
    pattern: str
    line: int
    type_text: str | None = None
    ttl_text: str | None = None
    value_text: str | None = None  # JSON example, or prose such as "Request count (integer)"
    value_line: int | None = None
    description: list[str] = field(default_factory=list)


def _key_block(block: Block) -> list[_Draft]:
    """`Key:` / `Type:` / `TTL:` / `Value…:` lines, one or more keys per block."""
    out: list[_Draft] = []
    lines = block.text.splitlines()
    current: _Draft | None = None
    i = 0
    while i < len(lines):
        text = lines[i]
        no = block.line + i
        mt = re.match(
            r"\s*(Key(?:\s*pattern)?|Type|TTL|Expir\w*|Value(?:\s+\w+)*|Description|Purpose)\s*:\s*(.*)$", text, re.I
        )
        if mt:
            label, rest = mt.group(1).lower(), mt.group(2).strip()
            if label.startswith("key"):
                current = _Draft(rest.strip("` "), no)
                out.append(current)
            elif current is None:
                pass
            elif label == "type":
                current.type_text = rest
            elif label in ("ttl",) or label.startswith("expir"):
                current.ttl_text = rest
            elif label.startswith("value"):
                body = [rest] if rest else []
                j = i + 1
                while j < len(lines) and not re.match(r"\s*(Key|Type|TTL)\s*:", lines[j], re.I):
                    body.append(lines[j])
                    j += 1
                current.value_text = "\n".join(body).strip()
                current.value_line = no
                i = j
                continue
            else:
                current.description.append(rest)
        i += 1
    return out


def _cell(row: list[str], header: list[str], *names: str) -> str | None:
    for i, h in enumerate(header):
        if any(n in h for n in names) and i < len(row):
            return row[i]
    return None


def _key_table(block: Block) -> list[_Draft]:
    header = [h.lower().strip() for h in block.rows[0]]
    if not any(h in ("key", "key pattern", "pattern", "redis key", "keys") or h.startswith("key") for h in header):
        return []
    out = []
    for row, line in zip(block.rows[1:], block.row_lines[1:], strict=False):
        key = _cell(row, header, "key", "pattern")
        found = _PATTERN.search(key or "")
        if not found:
            continue
        d = _Draft(found.group(0), line)
        d.type_text = _cell(row, header, "type", "structure", "data type")
        d.ttl_text = _cell(row, header, "ttl", "expir", "lifetime")
        d.value_text = _cell(row, header, "value", "example", "content")
        desc = _cell(row, header, "description", "purpose", "notes", "use")
        d.description = [desc] if desc else []
        out.append(d)
    return out


_REDIS_CONTEXT = re.compile(r"\bredis\b|\bcache|\bkeys?\b|\bkeyspace", re.I)


def _prose(block: Block) -> list[_Draft]:
    """List items or paragraphs naming a key pattern in backticks, in a section about Redis or caching."""
    if not any(_REDIS_CONTEXT.search(h.text) for h in block.headings):
        return []
    entries = block.items if block.kind == "list" else [(block.line, block.text)]
    out = []
    for line, text in entries:
        for code in re.findall(r"`([^`]+)`", text):
            found = _PATTERN.fullmatch(code.strip())
            if not found:
                continue
            d = _Draft(found.group(0), line)
            rest = text.replace(f"`{code}`", " ")
            if ttl_amounts(rest) or _NO_EXPIRY.search(rest):
                d.ttl_text = rest
            d.type_text = rest
            d.description = [rest.strip(" -—:")]
            out.append(d)
    return out


def read(blocks: list[Block], path: str, schema: m.Schema) -> tuple[list[m.Keyspace], list[Diagnostic]]:
    """Every key layout in the document's blocks, linked to `schema`; diagnostics for what reads wrong."""
    drafts: list[tuple[_Draft, Block]] = []
    for i, block in enumerate(blocks):
        if block.kind == "fence" and block.language not in ("sql", "prisma", "mermaid", "json", "ts", "js"):
            if re.search(r"(?m)^\s*Key(?:\s*pattern)?\s*:\s*\S", block.text):
                drafts += [(d, block) for d in _key_block(block)]
        elif block.kind == "table" and block.rows:
            drafts += [(d, block) for d in _key_table(block)]
        elif block.kind in ("list", "paragraph"):
            found = _prose(block)
            # a ```json block right after a prose entry is its value
            nxt = blocks[i + 1] if i + 1 < len(blocks) else None
            if found and nxt is not None and nxt.kind == "fence" and nxt.language in ("json", "jsonc", ""):
                found[-1].value_text, found[-1].value_line = nxt.text, nxt.line
            drafts += [(d, block) for d in found]
    out: dict[str, m.Keyspace] = {}
    diags: list[Diagnostic] = []
    linker = _Linker(schema)
    for d, block in drafts:
        ks, problems = _keyspace(d, block, path, linker)
        diags += problems
        if ks.pattern in out:
            continue  # the first description of a pattern wins (a later table repeating it adds nothing)
        out[ks.pattern] = ks
    return list(out.values()), diags


def _keyspace(d: _Draft, block: Block, path: str, linker: _Linker) -> tuple[m.Keyspace, list[Diagnostic]]:
    diags: list[Diagnostic] = []
    type_text = d.type_text or ""
    rtype = redis_type(type_text) if type_text else "string"
    value_schema: dict[str, Any] | None = None
    fields: list[m.ValueField] = []
    example = d.value_text
    if example and example.lstrip().startswith(("{", "[")):
        parsed = parse_json_example(example)
        if parsed is None:
            diags.append(
                Diagnostic(
                    "SD027",
                    Severity.WARNING,
                    f"the example value of {d.pattern} is not valid JSON; its shape is not checked",
                    Span(path, d.value_line or d.line),
                )
            )
        else:
            value, optional = parsed
            value_schema, fields = shape(value, optional)
            if rtype == "string":
                rtype = "json"
    elif rtype == "counter":
        value_schema, fields = {"type": "integer"}, [m.ValueField("", "integer")]
    ttl = None
    if d.ttl_text and not _NO_EXPIRY.search(d.ttl_text):
        amounts = ttl_amounts(d.ttl_text)
        ttl = amounts[0] if amounts else None
    heading = block.heading.text if block.heading else ""
    name = _name_of(d.pattern)
    placeholders = tuple(m.KeyPart(p, linker.column_for(p, name)) for p in re.findall(r"\{([\w.-]+)\}", d.pattern))
    linked = tuple(
        m.ValueField(f.path, f.type, f.format, f.required, linker.column_for(f.path.rsplit(".", 1)[-1], name))
        if f.path
        else f
        for f in fields
    )
    description = " ".join([heading, *d.description]).strip()
    return (
        m.Keyspace(
            name=name,
            pattern=d.pattern,
            redis_type=rtype,
            ttl=ttl,
            placeholders=placeholders,
            fields=linked,
            value_schema=json.dumps(value_schema) if value_schema is not None else None,
            example=example,
            description=description,
            ttl_text=d.ttl_text,
            type_text=d.type_text,
            span=Span(path, d.line),
        ),
        diags,
    )


class _Linker:
    """Names to columns: `user_id` → the column a foreign key of that name references, else users.id."""

    def __init__(self, schema: m.Schema) -> None:
        self.tables = {t.name.lower(): t for t in schema.tables if not t.partition_of}
        self.fk: dict[str, str] = {}
        for t in schema.tables:
            for fk in t.foreign_keys:
                parent = schema.table(fk.ref_key)
                refs = fk.ref_columns or (parent.primary_key.columns if parent and parent.primary_key else ())
                if len(fk.columns) == 1 and len(refs) == 1:
                    self.fk.setdefault(fk.columns[0].lower(), f"{fk.ref_key}.{refs[0]}")

    def table(self, entity: str) -> m.Table | None:
        e = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", entity).lower()
        for cand in (e, e + "s", e + "es", e[:-1] + "ies" if e.endswith("y") else e, e.removesuffix("s")):
            if cand in self.tables:
                return self.tables[cand]
        return None

    def column_for(self, name: str, keyspace: str) -> str | None:
        snake = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()
        if snake in self.fk:
            return self.fk[snake]
        entity = None
        if snake == "id":
            entity = keyspace.split(":")[0]
        elif snake.endswith("_id"):
            entity = snake[: -len("_id")]
        if entity is None:
            return None
        t = self.table(entity)
        if t is None or t.primary_key is None or len(t.primary_key.columns) != 1:
            return None
        return f"{t.key}.{t.primary_key.columns[0]}"
