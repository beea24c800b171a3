"""`schemadoc serve`: PostgREST's HTTP interface over the doc's database (Starlette, psycopg pool).

Each request is one transaction (READ ONLY for reads) running one statement the builder made; the
response body is the JSON text PostgreSQL returned. Errors answer with PostgREST's status codes and
its `{code, message, details, hint}` body.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import psycopg
from psycopg import sql
from psycopg_pool import AsyncConnectionPool, PoolTimeout
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from schemadoc.kv import Keyspaces
from schemadoc.rest.auth import AuthConfig, authenticate, settings
from schemadoc.rest.build import ApiError, Builder, Statement
from schemadoc.rest.cache import SchemaCache
from schemadoc.rest.query import QueryError, parse
from schemadoc.rest.redislayer import RedisLayer

ESTIMATE_THRESHOLD = 10_000  # count=estimated: exact below this many rows (the plan's estimate), planned above

_STATUS_BY_CLASS = {"08": 503, "09": 500, "0L": 403, "0P": 403, "23": 409, "25": 500, "28": 403, "2D": 500,
                    "38": 500, "39": 500, "3B": 500, "40": 500, "53": 503, "54": 413, "55": 500, "57": 500,
                    "58": 500, "F0": 500, "HV": 500, "P0": 500, "XX": 500, "42": 400, "22": 400}  # fmt: skip
_STATUS_BY_CODE = {"23502": 400, "23514": 400, "25006": 405, "42883": 404, "42P01": 404, "42501": 403, "P0001": 400}


def status_for(sqlstate: str) -> int:
    """PostgREST's HTTP status for a PostgreSQL error."""
    return _STATUS_BY_CODE.get(sqlstate) or _STATUS_BY_CLASS.get(sqlstate[:2], 400)


def _error(e: ApiError) -> JSONResponse:
    return JSONResponse(e.body(), status_code=e.status, headers=e.headers or None)


def _prefer(request: Request) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in request.headers.get("prefer", "").split(","):
        key, _, value = part.strip().partition("=")
        if key:
            out[key.strip()] = value.strip()
    return out


class Api:
    def __init__(
        self, dsn: str, schemas: tuple[str, ...] = ("public",), pool_size: int = 10, auth: AuthConfig | None = None
    ) -> None:
        self.dsn, self.schemas, self.pool_size = dsn, schemas, pool_size
        self.auth = auth or AuthConfig()
        self.keyspaces: Keyspaces | None = None  # the doc's Redis layout, when a Redis is configured
        self.rate_limit: int | None = None
        self.redis: RedisLayer | None = None
        self.pool: AsyncConnectionPool | None = None
        self.read_pool: AsyncConnectionPool | None = None  # autocommit, read-only sessions: one round trip
        self.cache = SchemaCache(schemas)

    def reload(self) -> None:
        with psycopg.connect(self.dsn) as conn:
            self.cache = SchemaCache.load(conn, self.schemas)
        if self.keyspaces is not None:
            tables = {key: set(rel.columns) for key, rel in self.cache.relations.items()}
            self.redis = RedisLayer(self.keyspaces, self.rate_limit, tables)

    async def _invalidate(self, schema: str, name: str, changed: list[Any], rollback: bool) -> None:
        if self.redis is not None and not rollback:
            await self.redis.invalidate(schema, name, changed)

    @asynccontextmanager
    async def lifespan(self, app: Starlette) -> AsyncIterator[None]:
        self.reload()
        self.pool = AsyncConnectionPool(self.dsn, min_size=1, max_size=self.pool_size, timeout=10, open=False)
        self.read_pool = AsyncConnectionPool(
            self.dsn,
            min_size=1,
            max_size=self.pool_size,
            timeout=10,
            open=False,
            kwargs={"autocommit": True, "options": "-c default_transaction_read_only=on"},
        )
        await self.pool.open()
        await self.read_pool.open()
        listener = asyncio.create_task(self._listen())
        try:
            yield
        finally:
            listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await listener
            await self.pool.close()
            if self.read_pool is not None:
                await self.read_pool.close()

    async def _listen(self) -> None:
        """Reload the schema cache on `NOTIFY pgrst, 'reload schema'` (as PostgREST does)."""
        while True:
            try:
                conn = await psycopg.AsyncConnection.connect(self.dsn, autocommit=True)
                async with conn:
                    await conn.execute("LISTEN pgrst")
                    async for note in conn.notifies():
                        if note.payload in ("reload schema", ""):
                            await asyncio.to_thread(self.reload)
            except psycopg.Error:
                await asyncio.sleep(1)

    def schema_for(self, request: Request, write: bool) -> str:
        header = request.headers.get("content-profile" if write else "accept-profile")
        if header is None:
            return self.schemas[0]
        if header not in self.schemas:
            raise ApiError(406, "PGRST106", "The schema must be one of the following: " + ", ".join(self.schemas))
        return header

    async def run(
        self, request: Request, stmt: Statement, read_only: bool, rollback: bool = False
    ) -> tuple[int | None, int, str | None, list[Any]]:
        assert self.pool is not None
        role, claims = authenticate(self.auth, request.headers.get("authorization"))
        local = settings(self.auth, role, claims)
        try:
            if read_only and not local and stmt.count_query is None and self.read_pool is not None:
                # a plain read: one statement on a read-only session is its own read-only transaction
                async with self.read_pool.connection() as conn:
                    cur = await conn.execute(stmt.query, stmt.params)
                    row = await cur.fetchone()
            else:
                async with self.pool.connection() as conn, conn.pipeline():
                    # pipeline mode: BEGIN, the settings and the statement go out together (one round trip)
                    async with conn.transaction(force_rollback=rollback):
                        if read_only:
                            await conn.execute("SET TRANSACTION READ ONLY")
                        if local:
                            await conn.execute(
                                "SELECT " + ", ".join("set_config(%s, %s, true)" for _ in local),
                                [x for pair in local for x in pair],
                            )
                        cur = await conn.execute(stmt.query, stmt.params)
                        row = await cur.fetchone()
                        if row is not None and stmt.count_query is not None:
                            row = (await self._planned_count(conn, stmt), *row[1:])
        except PoolTimeout:
            raise ApiError(504, "PGRST003", "Timed out acquiring connection from connection pool.") from None
        except psycopg.Error as e:
            code = e.sqlstate or "XX000"
            status = status_for(code)
            if code == "42501" and role is not None and role == self.auth.anon_role and claims == {"role": role}:
                status = 401  # as PostgREST: an anonymous request lacking a privilege should authenticate
            raise ApiError(
                status,
                code,
                (e.diag.message_primary or str(e)).strip(),
                e.diag.message_detail,
                e.diag.message_hint,
            ) from None
        assert row is not None
        changed = json.loads(row[3]) if len(row) > 3 and row[3] else []
        return row[0], row[1], row[2], changed

    def _location(self, schema: str, name: str, row: dict[str, Any]) -> str:
        """`/table?id=eq.1`: where the created row is, by its primary key."""
        from urllib.parse import quote

        rel = self.cache.relation(schema, name)
        keys = rel.primary_key if rel is not None and rel.primary_key else tuple(row)
        return f"/{name}?" + "&".join(f"{quote(k)}=eq.{quote(str(row.get(k)))}" for k in keys)

    async def _put(
        self, request: Request, b: Builder, schema: str, name: str, q: Any, returning: bool, rollback: bool
    ) -> Response:
        """PUT /table?pk=eq.v: create or replace the one row with that key (every key column, only eq)."""
        rel = b.relation(name)
        pk = rel.primary_key
        eqs = {f.field.name: f.operation.value for path, f in q.filters if not path and f.operation.op == "eq"}
        if not pk or set(eqs) != set(pk) or len(q.filters) != len(pk) or q.logic:
            raise ApiError(405, "PGRST105", "Filters must include all and only primary key columns with 'eq' operators")
        payload = await _json_body(request)
        if not isinstance(payload, dict):
            raise ApiError(400, "PGRST102", "a PUT body is one JSON object")
        if any(str(payload.get(k)) != str(eqs[k]) for k in pk):
            raise ApiError(400, "PGRST115", "Payload values do not match URL in primary key column(s)")
        from dataclasses import replace as _replace

        stmt = b.insert(name, [payload], _replace(q, filters=()), "merge-duplicates", returning, conflict_keys=pk)
        _, _, body, changed = await self.run(request, stmt, read_only=False, rollback=rollback)
        await self._invalidate(schema, name, changed, rollback)
        if returning:
            return Response(body, 200, media_type="application/json; charset=utf-8")
        return Response(None, 204)

    async def _planned_count(self, conn: psycopg.AsyncConnection[Any], stmt: Statement) -> int:
        """The planner's row estimate (count=planned); an exact count when that is small (count=estimated)."""
        assert stmt.count_query is not None
        cur = await conn.execute(sql.SQL("EXPLAIN (FORMAT JSON) {}").format(stmt.count_query), stmt.params)
        found = await cur.fetchone()
        plan = found[0][0]["Plan"] if found else {}
        rows = int((plan.get("Plans") or [plan])[0].get("Plan Rows", 0))
        if stmt.count_mode == "estimated" and rows <= ESTIMATE_THRESHOLD:
            cur = await conn.execute(stmt.count_query, stmt.params)
            exact = await cur.fetchone()
            return int(exact[0]) if exact else rows
        return rows

    def endpoint(self, inner: Callable[[Request], Awaitable[Response]]) -> Callable[[Request], Awaitable[Response]]:
        """A route's handler with what every request goes through: the rate limit, and errors as PostgREST's."""

        async def handle(request: Request) -> Response:
            try:
                if self.redis is not None:
                    await self.redis.count(request.client.host if request.client else "unknown", request.url.path)
                return await inner(request)
            except ApiError as e:
                return _error(e)
            except QueryError as e:
                return _error(ApiError(400, e.code, e.message, e.details))

        return handle

    async def _handle(self, request: Request) -> Response:
        name = request.path_params["name"]
        method = request.method
        write = method in ("POST", "PATCH", "DELETE", "PUT")
        schema = self.schema_for(request, write)
        q = parse(request.url.query)
        prefer = _prefer(request)
        b = Builder(self.cache, schema)
        single = "application/vnd.pgrst.object+json" in request.headers.get("accept", "")
        if method in ("GET", "HEAD"):
            q = _with_range(request, q)
            count = prefer.get("count") if prefer.get("count") in ("exact", "planned", "estimated") else None
            csv = "text/csv" in request.headers.get("accept", "")
            cached = None
            if self.redis is not None and not (csv or count or single) and method == "GET":
                cached = self.redis.cacheable(schema, name, q)
            if cached is not None and self.redis is not None and not self.auth.enabled:
                hit = await self.redis.read(*cached)
                if hit is not None:
                    return Response(hit, 200, {"X-Cache": "hit"}, media_type="application/json; charset=utf-8")
            stmt = b.read(name, q, count, csv)
            total, page, body, changed = await self.run(request, stmt, read_only=True)
            offset = q.offsets.get((), 0)
            headers = {"Content-Range": _content_range(offset, page, total)}
            if cached is not None and self.redis is not None and not self.auth.enabled and page == 1:
                assert self.pool is not None
                async with self.pool.connection() as conn:
                    await self.redis.fill(conn, cached[0], cached[1])
                headers["X-Cache"] = "miss"
            if single:
                return self._single(body, page, headers)
            status = 206 if total is not None and page < total and (offset > 0 or page > 0) else 200
            media = "text/csv; charset=utf-8" if csv else "application/json; charset=utf-8"
            return Response(None if method == "HEAD" else body, status, headers, media_type=media)
        returning = prefer.get("return") == "representation"
        rollback = prefer.get("tx") == "rollback"
        if method == "POST":
            if request.headers.get("content-type", "").startswith("text/csv"):
                payload: Any = await _csv_body(request)
            else:
                payload = await _json_body(request)
            rows = payload if isinstance(payload, list) else [payload]
            if not all(isinstance(r, dict) for r in rows):
                raise ApiError(400, "PGRST102", "All object keys must match")
            resolution = prefer.get("resolution")
            on_conflict = resolution if resolution in ("merge-duplicates", "ignore-duplicates") else None
            headers_only = prefer.get("return") == "headers-only"
            missing_default = prefer.get("missing") == "default"
            stmt = b.insert(name, rows, q, on_conflict, returning or headers_only, missing_default)
            _, page, body, changed = await self.run(request, stmt, read_only=False, rollback=rollback)
            await self._invalidate(schema, name, changed, rollback)
            headers = {"Content-Range": f"*/{page}"}
            if returning:
                return Response(body, 201, headers, media_type="application/json; charset=utf-8")
            if headers_only and page == 1:
                headers["Location"] = self._location(schema, name, json.loads(body or "[]")[0])
            return Response(None, 201, headers)
        if method == "PUT":
            return await self._put(request, b, schema, name, q, returning, rollback)
        if not q.filters and not q.logic:
            raise ApiError(400, "21000", f"{method} requires a filter: refusing to change every row of {name}")
        if method == "PATCH":
            payload = await _json_body(request)
            if not isinstance(payload, dict):
                raise ApiError(400, "PGRST102", "a PATCH body is one JSON object")
            stmt = b.update(name, payload, q, returning)
        elif method == "DELETE":
            stmt = b.delete(name, q, returning)
        else:
            raise ApiError(405, "PGRST117", f"Unsupported HTTP method: {method}")
        _, page, body, changed = await self.run(request, stmt, read_only=False, rollback=rollback)
        await self._invalidate(schema, name, changed, rollback)
        max_affected = prefer.get("max-affected")
        if max_affected and max_affected.isdigit() and page > int(max_affected):
            raise ApiError(400, "PGRST124", f"Query result exceeds max-affected preference constraint ({page} rows)")
        headers = {"Content-Range": f"0-{page - 1}/*" if page else "*/*"}
        if returning:
            return Response(body, 200, headers, media_type="application/json; charset=utf-8")
        return Response(None, 204, headers)

    async def _rpc(self, request: Request) -> Response:
        name = request.path_params["name"]
        write = request.method == "POST"
        b = Builder(self.cache, self.schema_for(request, write))
        q = parse(request.url.query)
        if write:
            payload = await _json_body(request)
            if not isinstance(payload, dict):
                raise ApiError(400, "PGRST102", "the arguments of a function call are one JSON object")
            args = payload
        else:
            args = dict(q.params)
        stmt = b.rpc(name, args, q)
        total, page, body, changed = await self.run(
            request, stmt, read_only=not write, rollback=_prefer(request).get("tx") == "rollback"
        )
        if body is None:
            return Response(None, 204)  # a void function
        return Response(
            body,
            200,
            {"Content-Range": _content_range(0, page, total)},
            media_type="application/json; charset=utf-8",
        )

    def _single(self, body: str | None, page: int, headers: dict[str, str]) -> Response:
        if page != 1:
            raise ApiError(
                406,
                "PGRST116",
                "JSON object requested, multiple (or no) rows returned",
                f"The result contains {page} rows",
            )
        rows = json.loads(body or "[]")
        return Response(
            json.dumps(rows[0]), 200, headers, media_type="application/vnd.pgrst.object+json; charset=utf-8"
        )

    async def handle_openapi(self, request: Request) -> Response:
        from schemadoc.rest.openapi import document

        return JSONResponse(document(self.cache), media_type="application/openapi+json")

    def app(self) -> Starlette:
        methods = ["GET", "HEAD", "POST", "PATCH", "PUT", "DELETE"]
        return Starlette(
            routes=[
                Route("/", self.handle_openapi, methods=["GET"]),
                Route("/openapi.json", self.handle_openapi, methods=["GET"]),
                Route("/rpc/{name}", self.endpoint(self._rpc), methods=["GET", "POST"]),
                Route("/{name}", self.endpoint(self._handle), methods=methods),
            ],
            lifespan=self.lifespan,
        )


def _content_range(offset: int, page: int, total: int | None) -> str:
    size = "*" if total is None else str(total)
    if page == 0:
        return f"*/{size}"
    return f"{offset}-{offset + page - 1}/{size}"


def _with_range(request: Request, q: Any) -> Any:
    """`Range: 0-9` (Range-Unit: items) as the root's limit and offset, unless the query sets them."""
    header = request.headers.get("range")
    mt = re.fullmatch(r"\s*(?:items=)?(\d+)-(\d*)\s*", header or "")
    if not mt:
        return q
    start = int(mt.group(1))
    limits, offsets = dict(q.limits), dict(q.offsets)
    offsets.setdefault((), start)
    if mt.group(2):
        limits.setdefault((), int(mt.group(2)) - start + 1)
    from dataclasses import replace

    return replace(q, limits=limits, offsets=offsets)


async def _csv_body(request: Request) -> list[dict[str, Any]]:
    """A CSV payload (a header line, then rows) as rows; an empty field is NULL, as in PostgREST."""
    import csv
    import io

    raw = (await request.body()).decode("utf-8", errors="replace")
    reader = csv.reader(io.StringIO(raw))
    try:
        header = next(reader)
    except StopIteration:
        raise ApiError(400, "PGRST102", "Empty CSV payload") from None
    rows = []
    for line in reader:
        if not line:
            continue
        if len(line) != len(header):
            raise ApiError(
                400, "PGRST102", f"CSV row {reader.line_num}: {len(line)} fields, the header has {len(header)}"
            )
        rows.append({k: (v if v != "" else None) for k, v in zip(header, line, strict=True)})
    return rows


async def _json_body(request: Request) -> Any:
    raw = await request.body()
    try:
        return json.loads(raw or b"{}")
    except ValueError as e:
        raise ApiError(400, "PGRST102", "Empty or invalid json", str(e)) from None


def create_app(
    dsn: str,
    schemas: tuple[str, ...] = ("public",),
    pool_size: int = 10,
    auth: AuthConfig | None = None,
    keyspaces: Keyspaces | None = None,
    rate_limit: int | None = None,
) -> Starlette:
    """The API; with the doc's `keyspaces` on a Redis, its rate-limit counter (past `rate_limit` requests
    per window: 429) and its row caches are used."""
    api = Api(dsn, schemas, pool_size, auth)
    api.keyspaces, api.rate_limit = keyspaces, rate_limit
    return api.app()


def app_from_env() -> Starlette:
    """The app for multi-process servers (uvicorn --workers N --factory): configured by environment
    (SCHEMADOC_SERVE_DSN, SCHEMADOC_SERVE_SCHEMAS, SCHEMADOC_SERVE_POOL, SCHEMADOC_JWT_SECRET,
    SCHEMADOC_ANON_ROLE)."""
    import os

    auth = AuthConfig.from_options(
        os.environ.get("SCHEMADOC_JWT_SECRET"), None, os.environ.get("SCHEMADOC_ANON_ROLE") or None
    )
    schemas = tuple(os.environ.get("SCHEMADOC_SERVE_SCHEMAS", "public").split(","))
    return create_app(
        os.environ["SCHEMADOC_SERVE_DSN"], schemas, int(os.environ.get("SCHEMADOC_SERVE_POOL", "10")), auth
    )
