"""Seeding the documented Redis keyspaces from the seeded database.

Keys point at rows that exist: a placeholder linked to a column takes that column's values (a cart
per existing user), a value field linked to a column takes a real row's value and that row fills its
neighbours (an item's `unit_price` is the product's `price`), and a cached copy of a row is that row
(`product:{product_id}` holds the product's own name, price and stock). Then the arithmetic a reader
expects: an item's `subtotal` is quantity × unit price, a `total_amount` the sum of its items'.
Every value still goes through the documented shape and gets its TTL (Keyspace.set).
"""

from __future__ import annotations

import datetime as dt
import random
import re
import uuid
from decimal import Decimal
from typing import Any

import psycopg
from psycopg import sql
from psycopg.rows import dict_row

from schemadoc.kv.keyspaces import Keyspace, Keyspaces
from schemadoc.parse import LoadedDocument
from schemadoc.seed.generate import SeedReport, seed

_ENDPOINTS = ["/api/products", "/api/orders", "/api/cart", "/api/auth/login", "/api/users/me", "/api/reviews"]


class _Rows:
    """Rows of referenced tables, fetched once per table (a sample, in a fixed order)."""

    def __init__(self, conn: psycopg.Connection[Any], limit: int = 5000) -> None:
        self.conn, self.limit = conn, limit
        self.cache: dict[str, list[dict[str, Any]]] = {}

    def of(self, target: str) -> list[dict[str, Any]]:
        """Rows of the table of `schema.table.column`, ordered by that column."""
        schema, table, column = target.rsplit(".", 2)
        key = f"{schema}.{table}"
        if key not in self.cache:
            with self.conn.cursor(row_factory=dict_row) as cur:
                cur.execute(
                    sql.SQL("SELECT * FROM {t} ORDER BY {c} LIMIT {n}").format(
                        t=sql.Identifier(schema, table), c=sql.Identifier(column), n=sql.Literal(self.limit)
                    )
                )
                self.cache[key] = [{k: _plain(v) for k, v in row.items()} for row in cur.fetchall()]
        return self.cache[key]


def _plain(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (dt.datetime, dt.date)):
        text = value.isoformat()
        return text.replace("+00:00", "Z")
    return value


def seed_keyspaces(
    conn: psycopg.Connection[Any], kv: Keyspaces, keys: int = 100, seed_value: int = 0
) -> tuple[dict[str, int], list[str]]:
    """Write up to `keys` keys per layout (one per linked row at most), all in one Redis transaction
    (MULTI/EXEC: every key or none); the count written per pattern, and the keys. The rows they refer
    to are read on `conn` as it is (inside the caller's transaction, they need not be committed yet)."""
    from faker import Faker

    rng = random.Random(seed_value)
    fake = Faker()
    fake.seed_instance(seed_value)
    rows = _Rows(conn)
    written: dict[str, int] = {}
    names: list[str] = []
    pipe = kv.redis.pipeline(transaction=True)
    for ks in kv.values():
        linked = next((p for p in ks.layout.placeholders if p.references), None)
        chosen = rows.of(linked.references)[:keys] if linked and linked.references else [{}] * keys
        maker = _Maker(ks, rows, rng, fake)
        for i, row in enumerate(chosen):
            parts = {}
            for p in ks.layout.placeholders:
                if p.references:
                    column = p.references.rsplit(".", 1)[-1]
                    parts[p.name] = row.get(column) if p is linked else rng.choice(rows.of(p.references))[column]
                else:
                    parts[p.name] = _placeholder(p.name, i, rng, fake)
            names.append(ks.set(maker.value(row), into=pipe, **parts))
        written[ks.layout.pattern] = len(chosen)
    pipe.execute()
    return written, names


def _placeholder(name: str, i: int, rng: random.Random, fake: Any) -> str:
    n = name.lower()
    if "ip" in n.split("_") or n.startswith("ip"):
        return str(fake.ipv4())
    if "endpoint" in n or "path" in n or "route" in n:
        return rng.choice(_ENDPOINTS)
    if "email" in n:
        return f"{fake.user_name()}{i}@{fake.free_email_domain()}"
    if n.endswith("id") or "token" in n or "session" in n:
        return str(uuid.UUID(int=rng.getrandbits(128)))
    if "date" in n or "day" in n:
        return (dt.date(2026, 1, 1) - dt.timedelta(days=i)).isoformat()
    if "week" in n:
        return f"2026-W{1 + i % 52:02d}"
    return f"{fake.word()}-{i}"


class _Maker:
    """Values of one keyspace's JSON Schema, filled from linked rows where names match."""

    def __init__(self, ks: Keyspace, rows: _Rows, rng: random.Random, fake: Any) -> None:
        self.ks, self.rows, self.rng, self.fake = ks, rows, rng, fake
        self.refs = {f.path: f.references for f in ks.layout.fields if f.references}

    def value(self, entity: dict[str, Any]) -> Any:
        t = self.ks.layout.redis_type
        if t == "counter":
            return self.rng.randint(1, 60)
        if t in ("set", "list"):
            return [self.fake.word() for _ in range(self.rng.randint(1, 4))]
        if t == "zset":
            return {self.fake.word(): self.rng.randint(1, 100) for _ in range(self.rng.randint(1, 4))}
        if t == "hash":
            return {k: v for k, v in entity.items() if isinstance(v, (str, int, float))} or {"value": self.fake.word()}
        schema = self.ks.schema
        if schema is None:
            return self.fake.word() if t == "string" else {"value": self.fake.word()}
        return _arithmetic(self.make(schema, "", entity, entity))

    def make(self, schema: dict[str, Any], path: str, context: dict[str, Any], entity: dict[str, Any]) -> Any:
        t = schema.get("type")
        if t == "object":
            props = schema.get("properties", {})
            # a field linked to a table picks a real row, which then fills its neighbours
            ctx = context
            for name in props:
                target = self.refs.get(f"{path}.{name}" if path else name)
                if not target:
                    continue
                if not path and entity and target.rsplit(".", 2)[1] in self._entity_tables():
                    ctx = {**entity, "__ref__": (name, target)}  # the row the key is about
                else:  # a row of its own (a product for each cart line)
                    rows = self.rows.of(target)
                    if rows:
                        ctx = {**self.rng.choice(rows), "__ref__": (name, target)}
                break
            out = {}
            for name, sub in props.items():
                out[name] = self.make(sub, f"{path}.{name}" if path else name, ctx, entity)
            return out
        if t == "array":
            items = schema.get("items", {})
            return [self.make(items, f"{path}[]", context, entity) for _ in range(self.rng.randint(1, 3))]
        name = path.rsplit(".", 1)[-1].removesuffix("[]")
        found = self._from_rows(name, path, context, entity)
        if found is not None and _fits(found, schema):
            return found
        return self._fresh(name, schema)

    def _from_rows(self, name: str, path: str, context: dict[str, Any], entity: dict[str, Any]) -> Any:
        target = self.refs.get(path)
        if target:
            column = target.rsplit(".", 1)[-1]
            if context.get("__ref__") == (name, target):
                return context.get(column)
            rows = self.rows.of(target)  # another reference in the same object: any real row
            return self.rng.choice(rows).get(column) if rows else None
        for source in (context, entity):
            for column in (name, name.removeprefix("unit_")):
                if column in source and source[column] is not None:
                    return source[column]
        return None

    def _entity_tables(self) -> set[str]:
        return {p.references.rsplit(".", 2)[1] for p in self.ks.layout.placeholders if p.references}

    def _fresh(self, name: str, schema: dict[str, Any]) -> Any:
        t, fmt, rng = schema.get("type"), schema.get("format"), self.rng
        if t == "integer":
            return rng.randint(1, 5) if re.search(r"qty|quantity|count", name) else rng.randint(0, 100)
        if t == "number":
            return round(rng.uniform(1, 100), 2)
        if t == "boolean":
            return rng.random() < 0.5
        if fmt == "uuid":
            return str(uuid.UUID(int=rng.getrandbits(128)))
        if fmt == "date-time":
            moment = dt.datetime(2026, 1, 1, tzinfo=dt.UTC) - dt.timedelta(seconds=rng.randrange(86400 * 30))
            return moment.isoformat().replace("+00:00", "Z")
        if fmt == "date":
            return (dt.date(2026, 1, 1) - dt.timedelta(days=rng.randrange(365))).isoformat()
        if fmt == "email":
            return str(self.fake.email())
        if fmt == "uri":
            return str(self.fake.url())
        if t == "string":
            return str(self.fake.word())
        return None


def _fits(value: Any, schema: dict[str, Any]) -> bool:
    t = schema.get("type")
    if t == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if t == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if t == "string":
        return isinstance(value, str)
    if t == "boolean":
        return isinstance(value, bool)
    return True


def _arithmetic(value: Any) -> Any:
    """Subtotals are quantity × unit price; totals the sum of their items' subtotals (bottom up)."""
    if isinstance(value, list):
        return [_arithmetic(v) for v in value]
    if not isinstance(value, dict):
        return value
    value = {k: _arithmetic(v) for k, v in value.items()}
    qty = next((value[k] for k in ("quantity", "qty", "count") if isinstance(value.get(k), int)), None)
    price = next((value[k] for k in ("unit_price", "price") if isinstance(value.get(k), (int, float))), None)
    if qty is not None and price is not None and "subtotal" in value:
        value["subtotal"] = round(qty * price, 2)
    for k in ("total_amount", "total", "amount", "subtotal"):
        if k not in value or not isinstance(value[k], (int, float)) or isinstance(value[k], bool):
            continue
        lists = [v for v in value.values() if isinstance(v, list) and v and all(isinstance(x, dict) for x in v)]
        parts = [x.get("subtotal", x.get("total")) for lst in lists for x in lst]
        if parts and all(isinstance(p, (int, float)) for p in parts):
            value[k] = round(sum(parts), 2)
    return value


def seed_with_keys(
    conn: psycopg.Connection[Any],
    doc: LoadedDocument,
    rows: str | None,
    *,
    kv: Keyspaces | None,
    keys: int = 100,
    default_rows: int = 100,
    seed_value: int = 0,
    progress: bool = False,
) -> tuple[SeedReport, dict[str, int]]:
    """`schemadoc seed`: the rows, then the doc's Redis keys made from them, as one piece of work — the
    keys go in one MULTI/EXEC inside the rows' transaction, just before it commits, and are deleted
    again should the commit fail. A run killed before EXEC leaves nothing anywhere; only a kill in the
    one round trip between EXEC and COMMIT could leave keys without their rows."""
    counts: dict[str, int] = {}
    names: list[str] = []

    def keyspaces_too(c: psycopg.Connection[Any]) -> None:
        assert kv is not None
        found, written = seed_keyspaces(c, kv, keys, seed_value)
        counts.update(found)
        names.extend(written)

    try:
        report = seed(
            conn,
            doc,
            rows,
            default_rows=default_rows,
            seed_value=seed_value,
            progress=progress,
            then=keyspaces_too if kv is not None and keys > 0 else None,
        )
    except BaseException:
        if kv is not None and names:  # written, but their rows were not kept: neither are they
            kv.redis.delete(*names)
        raise
    return report, counts
