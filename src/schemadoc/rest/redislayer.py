"""The doc's Redis layout in front of the API: rate limiting and row caching, as the doc describes them.

Rate limiting uses a documented counter keyed by client address and endpoint (seed 003:
`rate_limit:{ip_address}:{endpoint}`, a 15-minute window): each request counts, and past `limit`
the answer is 429 with `Retry-After` until the window ends. Caching uses a documented JSON layout
keyed by a table's primary key (`product:{product_id}`, an hour): a read of one row by its key whose
columns are all in the documented value is served from Redis; a miss reads the documented fields from
PostgreSQL and stores them (validated, with the TTL); every write to the table drops the keys of the
rows it changed.
"""

from __future__ import annotations

import asyncio
import json
import re
from dataclasses import dataclass
from typing import Any

from psycopg import sql

from schemadoc.kv.keyspaces import Keyspace, Keyspaces, ShapeError
from schemadoc.rest.query import Query, SelectField
from schemadoc.rest.statement import ApiError, Statement


@dataclass(frozen=True)
class RowCache:
    keyspace: Keyspace
    placeholder: str
    table: tuple[str, str]
    key_column: str
    fields: tuple[str, ...]  # the documented value's top-level fields, all columns of the table


class RedisLayer:
    def __init__(self, kv: Keyspaces, rate_limit: int | None, tables: dict[tuple[str, str], set[str]]) -> None:
        self.kv = kv
        self.limit = rate_limit
        self.rate: Keyspace | None = None
        self.rows: dict[tuple[str, str], RowCache] = {}
        for ks in kv.values():
            layout = ks.layout
            names = [p.name.lower() for p in layout.placeholders]
            if layout.redis_type == "counter" and len(names) == 2 and re.search(r"ip", names[0]):
                self.rate = ks
            if layout.redis_type == "json" and len(layout.placeholders) == 1 and layout.placeholders[0].references:
                schema, table, column = layout.placeholders[0].references.rsplit(".", 2)
                fields = tuple(f.path for f in layout.fields if f.path and "." not in f.path and "[" not in f.path)
                columns = tables.get((schema, table), set())
                if fields and set(fields) <= columns and layout.ttl:
                    self.rows[(schema, table)] = RowCache(
                        ks, layout.placeholders[0].name, (schema, table), column, fields
                    )

    # -- rate limiting --

    async def count(self, ip: str, endpoint: str) -> None:
        if self.rate is None or self.limit is None:
            return
        rate = self.rate
        parts = dict(zip(rate.names, (ip, endpoint), strict=True))
        n = await asyncio.to_thread(rate.incr, 1, **parts)
        if n > self.limit:
            key = rate.key(**parts)
            ttl = await asyncio.to_thread(self.kv.redis.ttl, key)
            e = ApiError(
                429,
                "PGRST429",
                "Too many requests",
                f"{n - 1} requests to {endpoint} in the current window (the limit is {self.limit})",
                f"retry after {max(int(ttl), 1)} s",
            )
            e.headers = {"Retry-After": str(max(int(ttl), 1))}
            raise e

    # -- row cache --

    def cacheable(self, schema: str, name: str, q: Query) -> tuple[RowCache, str, list[str]] | None:
        """(cache, key value, selected columns) for a read of one row by key within the documented fields."""
        rc = self.rows.get((schema, name))
        if rc is None or q.logic or q.order or q.limits or q.offsets or len(q.filters) != 1:
            return None
        path, f = q.filters[0]
        if path or f.negated or f.field.json or f.field.name != rc.key_column or f.operation.op != "eq":
            return None
        columns = []
        for item in q.select:
            if not isinstance(item, SelectField) or item.alias or item.cast or item.field.json:
                return None
            if item.field.name == "*" or item.field.name not in rc.fields:
                return None
            columns.append(item.field.name)
        return rc, str(f.operation.value), columns

    async def read(self, rc: RowCache, key: str, columns: list[str]) -> str | None:
        """The response body from the cache, or None on a miss."""
        value = await asyncio.to_thread(_get, rc.keyspace, {rc.placeholder: key})
        if value is None:
            return None
        return json.dumps([{c: value.get(c) for c in columns}])

    def row_statement(self, rc: RowCache, key: str) -> Statement:
        """The statement reading the documented fields of the row with this key, as JSON text (NULL
        when there is none)."""
        query = sql.SQL(
            "SELECT (SELECT row_to_json(r)::text FROM (SELECT {cols} FROM {t} WHERE {k}::text = %(key)s) r)"
        ).format(
            cols=sql.SQL(", ").join(sql.Identifier(c) for c in rc.fields),
            t=sql.Identifier(*rc.table),
            k=sql.Identifier(rc.key_column),
        )
        return Statement(query, {"key": key})

    async def store(self, rc: RowCache, key: str, row: Any) -> None:
        """Cache `row` under its key (nothing when there is none or it does not fit the documented shape)."""
        if row is None:
            return
        try:
            await asyncio.to_thread(rc.keyspace.set, row, **{rc.placeholder: key})
        except ShapeError:
            pass  # a row the documented shape does not describe (a NULL where it shows a string): not cached

    async def invalidate(self, schema: str, name: str, keys: list[Any]) -> None:
        rc = self.rows.get((schema, name))
        if rc is None or not keys:
            return
        names = [rc.keyspace.key(**{rc.placeholder: k}) for k in keys]
        await asyncio.to_thread(self.kv.redis.delete, *names)


def _get(ks: Keyspace, parts: dict[str, str]) -> Any:
    try:
        return ks.get(**parts)
    except ValueError:
        return None
