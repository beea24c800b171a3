"""Values for PostgreSQL's own types that are neither numbers, times nor text (geometric, network, bit
strings, text search, ranges, XML) and for common extensions' (hstore, ltree, vector, PostGIS), each in
the text form PostgreSQL's input function reads; and composite values from their attributes' values."""

from __future__ import annotations

import datetime as dt
import json
import random
import re
from collections.abc import Callable, Sequence
from typing import Any

from psycopg.types.json import Jsonb

Maker = Callable[[int], Any]


def builtin_maker(t: str, rng: random.Random, now: dt.datetime) -> Maker | None:
    """Values for a column of type `t` (as format_type() prints it) when it is one of these types; else None."""
    base = re.sub(r"\(.*\)", "", t).strip().rsplit(".", 1)[-1].strip('"')  # (an extension's type, qualified)
    mods = [x.strip() for x in m.group(1).split(",")] if (m := re.search(r"\((.*)\)", t)) else []

    def xy() -> str:
        return f"({rng.randint(-500, 500) / 10},{rng.randint(-500, 500) / 10})"

    def bits(n: int) -> str:
        return "".join(rng.choice("01") for _ in range(n))

    geometric: dict[str, Callable[[], str]] = {
        "point": xy,
        "line": lambda: f"{{{rng.randint(1, 9)},{rng.randint(-9, 9)},{rng.randint(-99, 99)}}}",
        "lseg": lambda: f"[{xy()},{xy()}]",
        "box": lambda: f"{xy()},{xy()}",
        "path": lambda: f"[{xy()},{xy()},{xy()}]",
        "polygon": lambda: f"({xy()},{xy()},{xy()})",
        "circle": lambda: f"<{xy()},{rng.randint(1, 100)}>",
    }
    if base in geometric:
        return lambda i: geometric[base]()
    if base == "cidr":
        return lambda i: f"10.{rng.randrange(256)}.{rng.randrange(256)}.0/24"
    if base in ("macaddr", "macaddr8"):
        return lambda i: ":".join(f"{rng.randrange(256):02x}" for _ in range(6 if base == "macaddr" else 8))
    if base == "bit":
        width = int(mods[0]) if mods and mods[0].isdigit() else 1
        return lambda i: bits(width)
    if base == "bit varying":
        width = int(mods[0]) if mods and mods[0].isdigit() else 8
        return lambda i: bits(rng.randint(1, width))
    if base == "tsvector":
        return lambda i: " ".join(rng.sample(_WORDS, 3))
    if base == "tsquery":
        return lambda i: " & ".join(rng.sample(_WORDS, 2))
    if base == "xml":
        return lambda i: f"<note>{rng.choice(_WORDS)}</note>"
    if base == "pg_lsn":
        return lambda i: f"0/{rng.randrange(1, 1 << 32):X}"
    if base == "oid":
        return lambda i: rng.randrange(1, 1 << 31)
    ranged = _range_maker(base, rng, now)
    if ranged is not None:
        return ranged
    if base == "hstore":
        return lambda i: f'"{rng.choice(_WORDS)}"=>"{rng.choice(_WORDS)}"'
    if base == "ltree":
        return lambda i: ".".join(rng.sample(_WORDS, rng.randint(1, 3)))
    if base in ("vector", "halfvec"):
        size = int(mods[0]) if mods and mods[0].isdigit() else 3
        return lambda i: "[" + ",".join(f"{rng.uniform(-1, 1):.4f}" for _ in range(size)) + "]"
    if base in ("geometry", "geography"):
        return _spatial(mods, rng)
    return None


def _range_maker(base: str, rng: random.Random, now: dt.datetime) -> Maker | None:
    """[lower,upper) of a range type, or {…} of one range for its multirange."""
    multi = base.endswith("multirange")
    kind = base.removesuffix("multirange").removesuffix("range") if multi else base.removesuffix("range")
    if base == kind or kind not in ("int4", "int8", "num", "date", "ts", "tstz"):
        return None

    def bounds() -> tuple[Any, Any]:
        if kind in ("int4", "int8", "num"):
            lo = rng.randint(0, 1000)
            return lo, lo + rng.randint(1, 100)
        start = now - dt.timedelta(days=rng.randint(0, 700), seconds=rng.randrange(86400))
        end = start + dt.timedelta(days=rng.randint(1, 30))
        if kind == "date":
            return start.date(), end.date()
        if kind == "ts":
            return start.replace(tzinfo=None), end.replace(tzinfo=None)
        return start, end

    def one() -> str:
        lo, hi = bounds()
        return f'["{lo}","{hi}")'

    return (lambda i: "{" + one() + "}") if multi else (lambda i: one())


def _spatial(mods: Sequence[str], rng: random.Random) -> Maker:
    """PostGIS: EWKT of the kind the typmod names (geometry(Point,4326)), a point when it names none."""
    kind = mods[0].upper() if mods else "POINT"
    srid = f"SRID={mods[1]};" if len(mods) > 1 and mods[1].isdigit() else ""

    def at() -> tuple[float, float]:
        return round(rng.uniform(-179, 179), 5), round(rng.uniform(-89, 89), 5)

    def make(i: int) -> str:
        x, y = at()
        if kind.startswith("POLYGON"):
            return f"{srid}POLYGON(({x} {y},{x + 0.01} {y},{x + 0.01} {y + 0.01},{x} {y}))"
        if kind.startswith("LINESTRING"):
            return f"{srid}LINESTRING({x} {y},{x + 0.01} {y + 0.01})"
        return f"{srid}POINT({x} {y})"

    return make


def composite_maker(attributes: Sequence[Maker]) -> Maker:
    """A composite value `(a,b,…)` from one maker per attribute, each quoted as record_in reads it."""
    return lambda i: "(" + ",".join(_field(make(i)) for make in attributes) + ")"


def _field(value: Any) -> str:
    if value is None:
        return ""  # NULL
    text = _text_of(value)
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _text_of(value: Any) -> str:
    """A Python value as PostgreSQL's text input reads it (inside a composite or array literal)."""
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, Jsonb):
        return json.dumps(value.obj)
    if isinstance(value, bytes):
        return "\\x" + value.hex()
    if isinstance(value, list | tuple):
        items = (
            "NULL" if v is None else '"' + _text_of(v).replace("\\", "\\\\").replace('"', '\\"') + '"' for v in value
        )
        return "{" + ",".join(items) + "}"
    if isinstance(value, dt.timedelta):
        return f"{value.total_seconds()} seconds"
    return str(value)


_WORDS = (
    "apple bread butter cake cherry cinnamon cream crust dough flour honey lemon maple oat pastry pecan "
    "plum rye salt sugar tart vanilla walnut wheat yeast"
).split()
