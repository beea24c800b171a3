"""JSON and array values shaped after what the document shows of them.

A doc says what goes in a JSON column in several ways: a ```json block beside the table ("**Permissions
Format:**" then `["users.view", …]`), the column's default (`'{"length": null, "width": null}'`), its
description ("Array of permission strings", "Design data (pages, elements, etc.)") or a trailing comment
in a Prisma model, or the doc's own rows. `examples()` gathers one example value per column; `Shaper`
makes new values of the same shape: the same keys, lists of the same kind of element, strings drawn
from the example's own vocabulary where it is one, numbers and names by key.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from schemadoc import model as m
from schemadoc.names import singular
from schemadoc.parse import LoadedDocument
from schemadoc.parse.redis import parse_json_example

JSON_TYPES = ("json", "jsonb")


def is_shaped(col: m.Column) -> bool:
    return col.type in JSON_TYPES or col.type.endswith("[]")


def _words(name: str) -> set[str]:
    """The spellings a column may go by in prose: as is, snake_case, with and without a plural s."""
    snake = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()
    out = {name.lower(), snake, snake.replace("_", " ")}
    out |= {w[:-1] for w in out if w.endswith("s") and len(w) > 3}
    return out


def default_example(default: str | None) -> Any:
    """The JSON value of a default such as `'{"a": null}'` or `'{}'::jsonb`; None when it is not a literal."""
    if not default:
        return None
    array = re.fullmatch(r"\s*(?:CAST\()?ARRAY\[(.*)\](?:\s+AS\s+[\w ]+\[\]\))?(?:::[\w ]+\[\])?\s*", default, re.S)
    if array:  # ARRAY['user'::text], CAST(ARRAY[] AS text[])
        return [v.replace("''", "'") for v in re.findall(r"'((?:[^']|'')*)'", array.group(1))]
    literal = re.fullmatch(r"\s*'\{(.*)\}'::[\w ]+\[\]\s*", default, re.S)
    if literal:  # '{a,b}'::text[]
        return [v.strip().strip('"') for v in literal.group(1).split(",") if v.strip()]
    mt = re.fullmatch(r"\s*'((?:[^']|'')*)'(?:::\w+)?\s*", default)
    if not mt:
        return None
    try:
        return json.loads(mt.group(1).replace("''", "'"))
    except ValueError:
        return None


def description_example(text: str | None) -> Any:
    """An example read from prose: "Array of permission strings" → ["…"]; "(pages, elements, etc.)" → keys."""
    if not text:
        return None
    written = _json_in(text)
    if written is not None:
        return written
    lowered = text.lower()
    keys = re.search(r"\(([^()]*,[^()]*)\)", text)
    if keys:
        names = [k.strip(" .`'\"") for k in keys.group(1).split(",")]
        names = [n for n in names if n and n.lower() not in ("etc", "and so on", "…", "...")]
        if names and all(re.fullmatch(r"[A-Za-z_][\w ]{0,40}", n) for n in names):
            return {re.sub(r"\s+", "_", n.strip()): None for n in names}
    if re.search(r"\b(array|list) of\b", lowered):
        if re.search(r"\b(object|record|item|entr)", lowered):
            return [{}]
        if re.search(r"\b(number|integer|id)s?\b", lowered):
            return [0]
        return [""]
    return None


def _json_in(text: str) -> Any:
    """A JSON object or array written in prose (`{"tools": [], "skills": []}`, in backticks or not); else None."""
    for start in (i for i, ch in enumerate(text) if ch in "{["):
        try:
            value, _ = json.JSONDecoder().raw_decode(text, start)
        except ValueError:
            continue
        if isinstance(value, dict | list) and value:
            return value
    return None


def _trailing_comment(doc: LoadedDocument, col: m.Column) -> str | None:
    if col.span is None:
        return None
    lines = doc.text.splitlines()
    if not 0 < col.span.line <= len(lines):
        return None
    mt = re.search(r"(?://|--)\s*(.+?)\s*$", lines[col.span.line - 1])
    return mt.group(1) if mt else None


def examples(doc: LoadedDocument) -> dict[tuple[str, str], Any]:
    """(table key, column) → an example value, from the doc's ```json blocks, defaults and descriptions."""
    schema = doc.schema
    out: dict[tuple[str, str], Any] = {}
    shaped = [(t, c) for t in schema.tables for c in t.columns if is_shaped(c)]
    for t, c in shaped:
        found = default_example(c.default)
        if found in (None, {}, []):
            found = description_example(c.comment) or description_example(_trailing_comment(doc, c)) or found
        if found is not None:
            out[(t.key, c.name)] = found
    # a ```json block names its column in the lines just above it (a heading, a "**Format:**" line)
    blocks = doc.blocks
    for i, block in enumerate(blocks):
        if block.kind != "fence" or block.language not in ("json", "jsonc", "json5"):
            continue
        parsed = parse_json_example(block.text)
        if parsed is None:
            continue
        value = parsed[0]
        before = " ".join(
            b.text or " ".join(text for _, text in b.items) for b in blocks[max(0, i - 2) : i] if b.kind != "fence"
        )
        before += " " + " ".join(h.text for h in block.headings[-1:])
        text = " " + re.sub(r"[^a-z0-9_ ]+", " ", before.lower()) + " "
        named = [(t, c) for t, c in shaped if any(f" {w} " in text for w in _words(c.name))]
        if not named:
            continue

        def nearest_above(tc: tuple[m.Table, m.Column], line: int = block.line) -> int:
            span = tc[0].span
            return span.line if span and span.line < line else -1

        # the nearest table defined above the block wins among columns of the same name
        t, c = max(named, key=nearest_above)
        out[(t.key, c.name)] = value
    return out


# ---- making values of a shape -------------------------------------------------------------------

_NUMERIC_KEY = re.compile(
    r"(length|width|height|depth|weight|size|price|amount|total|cost|count|qty|quantity|score|rating|age|"
    r"lat|lng|lon|x|y|z|page|pages_count|order|position|index|level|version|year|duration|percent)$"
)


class Shaper:
    """New values shaped like an example; `text(key)` makes a realistic string for a key name."""

    def __init__(self, rng: Any, text: Callable[[str], str]) -> None:
        self.rng = rng
        self.text = text

    def make(self, example: Any, key: str = "") -> Any:
        rng = self.rng
        if isinstance(example, dict):
            if not example:
                return {"note": self.text("note"), "source": self.text("source")}
            return {k: self.make(v, k) for k, v in example.items()}
        if isinstance(example, list):
            n = rng.randint(1, 4)
            if not example:
                return [self.text(singular(key)) for _ in range(n)]
            if all(isinstance(e, str) and re.fullmatch(r"[\w.:/-]{1,40}", e) for e in example):
                # the example is a vocabulary (permissions, tags): a subset of it, in its order
                chosen = sorted(rng.sample(range(len(example)), min(n, len(example))))
                return [example[j] for j in chosen]
            return [self.make(example[j % len(example)], singular(key)) for j in range(n)]
        if isinstance(example, bool):
            return rng.random() < 0.5
        if isinstance(example, int):
            return rng.randint(0, max(10, abs(example) * 2))
        if isinstance(example, float):
            return round(rng.uniform(0, max(10.0, abs(example) * 2)), 2)
        if isinstance(example, str) and example:
            return self.text(key) if key else example
        if example is None and _NUMERIC_KEY.search(key.lower()):
            return round(rng.uniform(1, 100), 1)
        return self.text(key or "value")
