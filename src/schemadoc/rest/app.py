"""`schemadoc serve`: PostgREST's HTTP interface over the doc's database (an ASGI app, psycopg pools).

Each request is one transaction (READ ONLY for reads) running one statement the builder made; the
response body is the JSON text PostgreSQL returned. Errors answer with PostgREST's status codes and
its `{code, message, details, hint}` body.

The app speaks ASGI itself: four routes do not need a framework, and one in the path of every request
cost a third of a single-row read. The statement built for a URL (for writes, with the body's keys) is
remembered per schema cache, bounded, as PostgreSQL's clients remember prepared statements: a repeated
request is not parsed and built again.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import gc
import io
import json
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import lru_cache
from typing import Any, NamedTuple
from urllib.parse import parse_qsl, quote

import psycopg

from schemadoc.kv.keyspaces import Keyspaces
from schemadoc.rest.auth import AuthConfig, authenticate, settings
from schemadoc.rest.build import PAYLOAD, ApiError, Builder, Statement
from schemadoc.rest.cache import SchemaCache
from schemadoc.rest.config import MAX_BODY, ServeConfig
from schemadoc.rest.query import Query, QueryError, parse
from schemadoc.rest.redislayer import RedisLayer
from schemadoc.rest.roles import check_anon_role, read_authenticator, refuse_privileged
from schemadoc.rest.sessions import DEADLINE, Database, listen, status_for
from schemadoc.servers.database import connect

log = logging.getLogger("schemadoc.serve")

MEMO_SIZE = 4096  # statements remembered per process
JSON = "application/json; charset=utf-8"
OBJECT = "application/vnd.pgrst.object+json"  # Accept: one row, as an object
_WRITES = ("POST", "PATCH", "DELETE", "PUT")
_TABLE_METHODS: tuple[str, ...] = ("GET", "HEAD", *_WRITES)
_RPC_METHODS: tuple[str, ...] = ("GET", "HEAD", "POST")
_PREFERENCES = {
    "return": ("minimal", "headers-only", "representation"),
    "count": ("exact", "planned", "estimated"),
    "resolution": ("merge-duplicates", "ignore-duplicates"),
    "missing": ("default", "null"),
    "tx": ("commit", "rollback"),
    "handling": ("strict", "lenient"),
}

_CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "Content-Encoding, Content-Location, Content-Range, Content-Type, Date, "
    "Location, Server, Transfer-Encoding, Range-Unit",
}
_PREFLIGHT = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, PATCH, PUT, DELETE, OPTIONS, HEAD",
    "Access-Control-Max-Age": "86400",
}

Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


class Request:
    """What a handler reads of an ASGI request: method, path, the raw query string, headers (lower-case
    names, the first of repeated ones), the client's address, the route's name and the body (read whole
    before any of the request's work starts)."""

    __slots__ = ("method", "path", "query", "headers", "client", "name", "_body")

    def __init__(self, scope: dict[str, Any], body: bytes, name: str) -> None:
        self.method: str = scope["method"]
        self.path: str = scope["path"]
        self.query: str = scope.get("query_string", b"").decode("latin-1")
        headers: dict[str, str] = {}
        for k, v in scope["headers"]:
            headers.setdefault(k.decode("latin-1"), v.decode("latin-1"))
        self.headers = headers
        client = scope.get("client")
        self.client: str = client[0] if client else "unknown"
        self.name = name
        self._body = body

    async def body(self) -> bytes:
        return self._body

    def prefer(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for part in self.headers.get("prefer", "").split(","):
            key, _, value = part.strip().partition("=")
            if key:
                out[key.strip()] = value.strip()
        return out


@dataclass(slots=True)
class Response:
    body: str | bytes | None = None
    status: int = 200
    headers: dict[str, str] | None = None
    media_type: str | None = None

    async def send(self, send: Send, head: bool = False) -> None:
        body = self.body.encode() if isinstance(self.body, str) else (self.body or b"")
        raw = [(b"content-length", str(len(body)).encode())]
        if self.media_type is not None:
            raw.append((b"content-type", self.media_type.encode()))
        for k, v in (self.headers or {}).items():
            raw.append((k.lower().encode("latin-1"), v.encode("latin-1")))
        await send({"type": "http.response.start", "status": self.status, "headers": raw})
        await send({"type": "http.response.body", "body": b"" if head else body})


def json_response(
    data: Any, status: int = 200, headers: dict[str, str] | None = None, media_type: str = JSON
) -> Response:
    return Response(json.dumps(data, ensure_ascii=False, separators=(",", ":")), status, headers, media_type)


def _error(e: ApiError) -> Response:
    return json_response(e.body(), e.status, e.headers or None)


@dataclass(slots=True)
class _Memo:
    """A remembered statement: the parsed query (a read's range applied) and the statement, rendered,
    without the request body it was built with."""

    q: Query
    stmt: Statement


class Api:
    """The ASGI application."""

    def __init__(
        self,
        dsn: str,
        schemas: tuple[str, ...] = ("public",),
        pool_size: int = 10,
        auth: AuthConfig | None = None,
        *,
        allow_superuser: bool = False,
        max_body: int = MAX_BODY,
        deadline: float = DEADLINE,
    ) -> None:
        self.dsn, self.schemas, self.pool_size = dsn, schemas, pool_size
        self.auth = auth or AuthConfig()
        self.allow_superuser, self.max_body = allow_superuser, max_body
        self.keyspaces: Keyspaces | None = None  # the doc's Redis layout, when a Redis is configured
        self.rate_limit: int | None = None
        self.redis: RedisLayer | None = None
        self.db = Database(dsn, pool_size, deadline)
        self.cache = SchemaCache(schemas)
        self.memo: dict[tuple[Any, ...], _Memo] = {}
        self._listener: asyncio.Task[None] | None = None

    # -- lifecycle --

    def check(self) -> None:
        """Refuse to serve as a superuser (unless allowed) or with an anonymous role the connection may
        not switch to: SchemadocError, saying what to do."""
        with connect(self.dsn) as conn:
            found = read_authenticator(conn)
        refuse_privileged(found, self.allow_superuser)
        check_anon_role(found, self.auth.anon_role)

    def reload(self) -> None:
        """The schema cache, and what the authenticator may switch to, read again."""
        with connect(self.dsn) as conn:
            self.cache = SchemaCache.load(conn, self.schemas)
            found = read_authenticator(conn)
        self.auth.switchable, self.auth.role_settings = found.switchable, found.settings
        self.auth.base_statement_timeout, self.auth._anonymous = found.statement_timeout, None
        self.memo = {}  # statements were built against the old cache
        if self.keyspaces is not None:
            tables = {key: set(rel.columns) for key, rel in self.cache.relations.items()}
            self.redis = RedisLayer(self.keyspaces, self.rate_limit, tables)

    async def startup(self) -> None:
        await asyncio.to_thread(self.check)
        self.reload()
        await self.db.open()
        gc.collect()
        gc.freeze()  # what start-up built lives as long as the server: full collections need not walk it
        self._listener = asyncio.create_task(listen(self.dsn, lambda: asyncio.to_thread(self.reload)))

    async def shutdown(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener
        await self.db.close()

    # -- ASGI --

    async def __call__(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await self._http(scope, receive, send)
        elif scope["type"] == "lifespan":
            await self._lifespan(receive, send)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                try:
                    await self.startup()
                except Exception as e:  # the server reports it and exits
                    await send({"type": "lifespan.startup.failed", "message": f"{type(e).__name__}: {e}"})
                    return
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.shutdown()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _http(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        """The body is read whole (bounded) before anything else; the request's work then runs while a
        watcher waits for the client to go away, which cancels it (and its statement: psycopg cancels it
        on the server) and gives its connection back."""
        path, method = scope["path"], scope["method"]
        try:
            body = await self._read_body(scope, receive)
        except ApiError as e:
            await _error(e).send(send)
            return
        work = asyncio.ensure_future(self._respond(scope, body, path, method))
        gone = asyncio.ensure_future(_disconnected(receive))
        stopping = False
        try:
            await asyncio.wait((work, gone), return_when=asyncio.FIRST_COMPLETED)
        except asyncio.CancelledError:  # the server is stopping and has stopped waiting for this request
            stopping = True
        finally:  # or the client went away
            gone.cancel()
            if not work.done():
                work.cancel()
                with contextlib.suppress(BaseException):
                    await work
        if stopping:
            with contextlib.suppress(Exception):
                await _error(ApiError(503, "PGRST000", "The server is shutting down")).send(send)
        elif not work.cancelled():
            await work.result().send(send, head=method == "HEAD")

    async def _read_body(self, scope: dict[str, Any], receive: Receive) -> bytes:
        """The request body, or 413 past `max_body` bytes (by Content-Length, or as it arrives)."""
        for k, v in scope["headers"]:
            if k == b"content-length" and v.isdigit() and int(v) > self.max_body:
                raise _too_large(self.max_body)
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return b""  # the client went away before sending it all
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                raise _too_large(self.max_body)
            chunks.append(chunk)
            if not message.get("more_body"):
                return b"".join(chunks)

    async def _respond(self, scope: dict[str, Any], body: bytes, path: str, method: str) -> Response:
        try:
            if method == "OPTIONS":
                response = self._options(Request(scope, body, ""), path)
            else:
                response = await self._route(scope, body, path, method)
        except ApiError as e:
            response = _error(e)
        except QueryError as e:
            response = _error(ApiError(400, e.code, e.message, e.details))
        except Exception:
            log.exception("%s %s", method, path)
            response = _error(ApiError(500, "PGRST000", "Internal server error"))
        for k, v in scope["headers"]:
            if k == b"origin":  # a browser's cross-origin request: any origin may read, as PostgREST allows
                response.headers = {**(response.headers or {}), **_CORS}
            elif k in (b"accept-profile", b"content-profile") and response.status < 400:
                # the schema a profile header chose, named back as PostgREST does
                response.headers = {**(response.headers or {}), "Content-Profile": v.decode("latin-1")}
        return response

    def _options(self, request: Request, path: str) -> Response:
        """OPTIONS: a CORS preflight, or which methods a route allows (PostgREST's Allow header)."""
        headers = request.headers
        if "origin" in headers and "access-control-request-method" in headers:
            asked = headers.get("access-control-request-headers", "")
            allowed = ", ".join(["Authorization", *(h.strip() for h in asked.split(",") if h.strip())])
            return Response(None, 200, {**_PREFLIGHT, "Access-Control-Allow-Headers": allowed})
        if path in ("/", "/openapi.json"):
            allow = "OPTIONS,GET,HEAD"
        elif path.startswith("/rpc/"):
            schema = self._profile(headers.get("accept-profile"))
            found = self.cache.functions.get((schema, path[5:]))
            if not found:
                raise ApiError(404, "PGRST202", f"Could not find the function {schema}.{path[5:]} in the schema cache")
            allow = "OPTIONS,POST" if all(f.volatility == "v" for f in found) else "OPTIONS,GET,HEAD,POST"
        else:
            schema = self._profile(headers.get("accept-profile"))
            rel = Builder(self.cache, schema).relation(path[1:])
            methods = ["OPTIONS,GET,HEAD"]
            methods += ["POST"] if rel.allows("INSERT") else []
            methods += ["PUT"] if rel.allows("INSERT") and rel.allows("UPDATE") and rel.primary_key else []
            methods += ["PATCH"] if rel.allows("UPDATE") else []
            methods += ["DELETE"] if rel.allows("DELETE") else []
            allow = ",".join(methods)
        return Response(None, 200, {"Access-Control-Allow-Origin": "*", "Allow": allow})

    async def _route(self, scope: dict[str, Any], body: bytes, path: str, method: str) -> Response:
        if path in ("/", "/openapi.json"):
            if method not in ("GET", "HEAD"):
                raise ApiError(405, "PGRST117", f"Unsupported HTTP method: {method}")
            return self.handle_openapi()
        if path.startswith("/rpc/"):
            name, handler, allowed = path[5:], self._rpc, _RPC_METHODS
        else:
            name, handler, allowed = path[1:], self._handle, _TABLE_METHODS
        if not name or "/" in name:
            raise ApiError(404, "PGRST125", "Invalid path specified in request URL")
        if method not in allowed:
            raise ApiError(405, "PGRST117", f"Unsupported HTTP method: {method}")
        request = Request(scope, body, name)
        if self.redis is not None:  # every route counts toward the documented rate limit
            await self.redis.count(request.client, path)
        return await handler(request)

    # -- running statements --

    def schema_for(self, request: Request, write: bool) -> str:
        return self._profile(request.headers.get("content-profile" if write else "accept-profile"))

    def _profile(self, header: str | None) -> str:
        """The schema a profile header asks for (the first exposed one without it); another is PGRST106."""
        if header is None:
            return self.schemas[0]
        if header not in self.schemas:
            raise ApiError(406, "PGRST106", "The schema must be one of the following: " + ", ".join(self.schemas))
        return header

    def _remember(self, key: tuple[Any, ...], q: Query, stmt: Statement) -> _Memo:
        """Keep `stmt` for `key`, rendered, without the request body it was built with."""
        if len(self.memo) >= MEMO_SIZE:
            del self.memo[next(iter(self.memo))]  # the oldest
        query = stmt.query if isinstance(stmt.query, bytes) else stmt.query.as_bytes(None)
        params = {k: v for k, v in stmt.params.items() if k != PAYLOAD}
        found = self.memo[key] = _Memo(q, replace(stmt, query=query, params=params))
        return found

    def _write(
        self, key: tuple[Any, ...], request: Request, build: Callable[[Query], Statement], body: str | None
    ) -> tuple[Query, Statement]:
        """The write statement for this URL and these body keys (remembered), with this body (JSON text)."""
        found = self.memo.get(key)
        if found is None:
            q = parse(request.query)
            found = self._remember(key, q, build(q))
        params = found.stmt.params
        if body is not None:
            params = {**params, PAYLOAD: body}
        return found.q, found.stmt.with_params(params)

    async def run(
        self,
        request: Request,
        stmt: Statement,
        read_only: bool,
        rollback: bool = False,
        max_affected: int | None = None,
        one: bool = False,
        lone: bool = False,
    ) -> Outcome:
        """(total, rows, body, changed keys, inserted rows) of the statement, in one transaction with the
        request's role and settings; more than `max_affected` rows, or (`one`) other than one row: rolled
        back, an error. A read runs again once should its connection turn out dead. `lone`: a read of
        tables and views, which an anonymous request runs as a lone statement in the anonymous session."""

        def check(row: tuple[Any, ...]) -> None:
            if one and row[1] != 1:
                raise _not_one(row[1])
            if max_affected is not None and row[1] > max_affected:
                raise ApiError(
                    400,
                    "PGRST124",
                    "Query result exceeds max-affected preference constraint",
                    f"The query affects {row[1]} rows",
                )

        authorization = request.headers.get("authorization")
        role, claims = authenticate(self.auth, authorization)
        local = settings(self.auth, role, claims)
        try:
            row = await self.db.run(
                stmt,
                local,
                read_only=read_only,
                retry=read_only,
                rollback=rollback,
                check=check if one or max_affected is not None else None,
                lone=lone and not authorization,
            )
        except psycopg.Error as e:
            raise _database_error(e, anonymous=not authorization) from None
        changed = json.loads(row[3]) if len(row) > 3 and row[3] else []
        return Outcome(row[0], row[1], row[2], changed, row[4] if len(row) > 4 else None)

    async def _invalidate(self, schema: str, name: str, changed: list[Any], rollback: bool) -> None:
        if self.redis is not None and not rollback:
            await self.redis.invalidate(schema, name, changed)

    def _location(self, schema: str, name: str, row: dict[str, Any]) -> str:
        """`/table?id=eq.1`: where the created row is, by its primary key."""
        rel = self.cache.relation(schema, name)
        keys = rel.primary_key if rel is not None and rel.primary_key else tuple(row)
        return f"/{name}?" + "&".join(f"{quote(k)}=eq.{quote(str(row.get(k)))}" for k in keys)

    # -- routes --

    async def _handle(self, request: Request) -> Response:
        name, method = request.name, request.method
        schema = self.schema_for(request, method in _WRITES)
        prefer = _preferences(request)
        accept = request.headers.get("accept", "")
        single = OBJECT in accept
        if method in ("GET", "HEAD"):
            count = _chosen(prefer, "count")
            csv_out = "text/csv" in accept
            key: tuple[Any, ...] = (
                "r",
                schema,
                name,
                request.query,
                request.headers.get("range"),
                count,
                "csv" if csv_out else None,
            )
            read = self.memo.get(key)
            if read is None:
                q = _with_range(request, parse(request.query))
                read = self._remember(key, q, Builder(self.cache, schema).read(name, q, count, csv_out))
            q = read.q
            cached = None
            # the row cache serves anonymous requests only: its rows were read as the anonymous role
            anonymous = "authorization" not in request.headers and self.auth.anon_role is not None
            if self.redis is not None and anonymous and not (csv_out or count or single) and method == "GET":
                cached = self.redis.cacheable(schema, name, q)
            if cached is not None and self.redis is not None:
                hit = await self.redis.read(*cached)
                if hit is not None:
                    return Response(hit, 200, {"X-Cache": "hit"}, JSON)
            total, page, body, _, _ = await self.run(request, read.stmt, read_only=True, lone=True)
            offset = q.offsets.get((), 0)
            headers = {
                "Content-Range": _content_range(offset, page, total),
                "Content-Location": _location_of(name, request.query),
            }
            if cached is not None and self.redis is not None and page == 1:
                fill = self.redis.row_statement(cached[0], cached[1])
                role, claims = authenticate(self.auth, None)
                try:  # as the anonymous role, like the request; the connection is back before Redis is written
                    found = await self.db.run(
                        fill, settings(self.auth, role, claims), read_only=True, retry=True, lone=True
                    )
                except psycopg.Error as failed:
                    raise _database_error(failed, anonymous=True) from None
                await self.redis.store(cached[0], cached[1], json.loads(found[0]) if found[0] else None)
                headers["X-Cache"] = "miss"
            headers.update(_applied(prefer, ("count", "tx", "handling")))
            if single:
                return self._single(body, page, headers)
            if total is not None and offset > total:
                e = ApiError(
                    416,
                    "PGRST103",
                    "Requested range not satisfiable",
                    f"An offset of {offset} was requested, but there are only {total} rows.",
                )
                e.headers = headers
                raise e
            status = 206 if total is not None and page < total else 200
            return Response(body, status, headers, "text/csv; charset=utf-8" if csv_out else JSON)
        b = Builder(self.cache, schema)
        b.track_changes = self.redis is not None
        returning = prefer.get("return") == "representation"
        rollback = prefer.get("tx") == "rollback"
        if method == "POST":
            if request.headers.get("content-type", "").startswith("text/csv"):
                payload: Any = await _csv_body(request)
                text = json.dumps(payload)
            else:
                payload, text = await _json_body(request)
                text = text if isinstance(payload, list) else f"[{text}]"
            rows = payload if isinstance(payload, list) else [payload]
            if not all(isinstance(r, dict) for r in rows):
                raise ApiError(400, "PGRST102", "All object keys must match")
            headers_only = prefer.get("return") == "headers-only"
            missing_default = prefer.get("missing") == "default"
            on_conflict = _chosen(prefer, "resolution")
            keys = tuple(dict.fromkeys(k for row in rows for k in row))
            key = ("POST", schema, name, request.query, keys, on_conflict, returning, headers_only, missing_default)
            q, stmt = self._write(
                key,
                request,
                lambda q: b.insert(name, rows, text, q, on_conflict, returning or headers_only, missing_default),
                text,
            )
            _, page, body, changed, inserted = await self.run(
                request, stmt, read_only=False, rollback=rollback, one=single and returning
            )
            await self._invalidate(schema, name, changed, rollback)
            headers = {"Content-Range": f"*/{page}" if _chosen(prefer, "count") else "*/*"}
            rel = self.cache.relation(schema, name)
            has_key = bool(rel is not None and rel.primary_key) or "on_conflict=" in request.query
            headers.update(_applied(prefer, ("resolution", "return", "count", "tx", "missing", "handling"), has_key))
            # 201, but 200 when an upsert merging duplicates inserted nothing (PostgREST 11.2 on)
            status = 200 if on_conflict == "merge-duplicates" and not inserted else 201
            if returning:
                return self._written(body, status, headers, single)
            if headers_only and page == 1:
                headers["Location"] = self._location(schema, name, json.loads(body or "[]")[0])
            return Response(None, status, headers)
        if method == "PUT":
            return await self._put(request, b, schema, name, parse(request.query), prefer)
        if method == "PATCH":
            payload, text = await _json_body(request)
            if not isinstance(payload, dict):
                raise ApiError(400, "PGRST102", "a PATCH body is one JSON object")
            key = ("PATCH", schema, name, request.query, tuple(payload), returning)
            q, stmt = self._write(key, request, lambda q: b.update(name, payload, text, q, returning), text)
        else:
            key = ("DELETE", schema, name, request.query, returning)
            q, stmt = self._write(key, request, lambda q: b.delete(name, q, returning), None)
        if not q.filters and not q.logic:
            raise ApiError(400, "21000", f"{method} requires a filter: refusing to change every row of {name}")
        _, page, body, changed, _ = await self.run(
            request,
            stmt,
            read_only=False,
            rollback=rollback,
            max_affected=_max_affected(prefer),
            one=single and returning,
        )
        await self._invalidate(schema, name, changed, rollback)
        size = str(page) if _chosen(prefer, "count") else "*"
        if method == "PATCH" and page:
            headers = {"Content-Range": f"0-{page - 1}/{size}"}
        else:
            headers = {"Content-Range": f"*/{size}"}
        headers.update(_applied(prefer, ("return", "count", "tx", "missing", "handling", "max-affected")))
        if returning:
            return self._written(body, 200, headers, single)
        return Response(None, 204, headers)

    async def _put(
        self, request: Request, b: Builder, schema: str, name: str, q: Query, prefer: dict[str, str]
    ) -> Response:
        """PUT /table?pk=eq.v: create or replace the one row with that key (every key column, only eq)."""
        rel = b.relation(name)
        pk = rel.primary_key
        eqs = {f.field.name: f.operation.value for path, f in q.filters if not path and f.operation.op == "eq"}
        if not pk or set(eqs) != set(pk) or len(q.filters) != len(pk) or q.logic:
            raise ApiError(405, "PGRST105", "Filters must include all and only primary key columns with 'eq' operators")
        payload, text = await _json_body(request)
        if not isinstance(payload, dict):
            raise ApiError(400, "PGRST102", "a PUT body is one JSON object")
        if any(str(payload.get(k)) != str(eqs[k]) for k in pk):
            raise ApiError(400, "PGRST115", "Payload values do not match URL in primary key column(s)")
        returning, rollback = prefer.get("return") == "representation", prefer.get("tx") == "rollback"
        stmt = b.insert(
            name, [payload], f"[{text}]", replace(q, filters=()), "merge-duplicates", returning, conflict_keys=pk
        )
        _, _, body, changed, inserted = await self.run(request, stmt, read_only=False, rollback=rollback)
        await self._invalidate(schema, name, changed, rollback)
        headers = _applied(prefer, ("return", "count", "tx", "handling"))
        if returning:  # 201 when the row was created, 200 when replaced (PostgREST 11.2 on)
            return Response(body, 201 if inserted else 200, headers, JSON)
        return Response(None, 204, headers)

    async def _rpc(self, request: Request) -> Response:
        name = request.name
        write = request.method == "POST"
        schema = self.schema_for(request, write)
        prefer = _preferences(request)
        count = _chosen(prefer, "count")
        if write:
            payload, text = await _json_body(request)
            if not isinstance(payload, dict):
                raise ApiError(400, "PGRST102", "the arguments of a function call are one JSON object")
            q = parse(request.query)
            stmt = Builder(self.cache, schema).rpc(name, payload, q, count, text)
        else:
            key = ("f", schema, name, request.query, count)
            read = self.memo.get(key)
            if read is None:
                q = parse(request.query)
                read = self._remember(key, q, Builder(self.cache, schema).rpc(name, dict(q.params), q, count))
            q, stmt = read.q, read.stmt
        total, page, body, _, _ = await self.run(
            request, stmt, read_only=not write, rollback=prefer.get("tx") == "rollback"
        )
        headers = _applied(prefer, ("count", "tx", "handling"))
        if body is None:
            return Response(None, 204, headers)  # a void function
        offset = q.offsets.get((), 0)
        headers["Content-Range"] = _content_range(offset, page, total)
        if OBJECT in request.headers.get("accept", ""):
            if not body.startswith("["):
                return Response(body, 200, headers, _OBJECT_BODY)
            return self._single(body, page, headers)
        return Response(body, 200, headers, JSON)

    def _single(self, body: str | None, page: int, headers: dict[str, str]) -> Response:
        if page != 1:
            raise _not_one(page)
        return _as_object(body, 200, headers)

    def _written(self, body: str | None, status: int, headers: dict[str, str], single: bool) -> Response:
        """The written rows' representation: an array, or (already checked to be one) the row as an object."""
        return _as_object(body, status, headers) if single else Response(body, status, headers, JSON)

    def handle_openapi(self) -> Response:
        from schemadoc.rest.openapi import document

        return json_response(document(self.cache), media_type="application/openapi+json")


def _preferences(request: Request) -> dict[str, str]:
    """The request's `Prefer` header; with `handling=strict`, one PostgREST does not know is an error."""
    prefer = request.prefer()
    if prefer.get("handling") == "strict":
        bad = [
            k if not v else f"{k}={v}"
            for k, v in prefer.items()
            if not (k == "max-affected" and v.isdigit()) and v not in _PREFERENCES.get(k, ())
        ]
        if bad:
            raise ApiError(
                400,
                "PGRST122",
                "Invalid preferences given with handling=strict",
                "Invalid preferences: " + ", ".join(bad),
            )
    return prefer


_APPLIED_ORDER = ("resolution", "return", "count", "tx", "missing", "handling", "max-affected")


def _applied(prefer: dict[str, str], honoured: tuple[str, ...], has_key: bool = True) -> dict[str, str]:
    """`Preference-Applied`: the preferences of the request this route honoured, in PostgREST's order."""
    parts = []
    for k in _APPLIED_ORDER:
        v = prefer.get(k)
        if v is None or k not in honoured or (k == "resolution" and not has_key):
            continue
        if v in _PREFERENCES.get(k, ()) or (k == "max-affected" and v.isdigit()):
            parts.append(f"{k}={v}")
    return {"Preference-Applied": ", ".join(parts)} if parts else {}


class Outcome(NamedTuple):
    """What a statement answered: the total (counted), its rows, the body PostgreSQL built, the changed
    rows' keys (for caches to drop) and, for an upsert, how many rows it inserted."""

    total: int | None
    rows: int
    body: str | None
    changed: list[Any]
    inserted: int | None


def _database_error(e: psycopg.Error, anonymous: bool) -> ApiError:
    """A PostgreSQL error as PostgREST answers it."""
    if e.sqlstate is None and isinstance(e, psycopg.DataError):  # refused by psycopg: a NUL in a value
        return ApiError(400, "22021", str(e).strip())
    code = e.sqlstate or "XX000"
    status = status_for(code)
    if code == "42501" and anonymous:
        status = 401  # as PostgREST: an anonymous request lacking a privilege should authenticate
    return ApiError(
        status, code, (e.diag.message_primary or str(e)).strip(), e.diag.message_detail, e.diag.message_hint
    )


def _too_large(limit: int) -> ApiError:
    return ApiError(413, "PGRST413", "Payload Too Large", f"The request body is over {limit} bytes (serve --max-body)")


async def _disconnected(receive: Receive) -> None:
    """Returns once the client has gone away (the body was read already: nothing else arrives)."""
    while (await receive())["type"] != "http.disconnect":
        pass


_OBJECT_BODY = OBJECT + "; charset=utf-8"


def _as_object(body: str | None, status: int, headers: dict[str, str]) -> Response:
    """The one row of a JSON array body, as an object."""
    return json_response(json.loads(body or "[]")[0], status, headers, _OBJECT_BODY)


def _not_one(rows: int) -> ApiError:
    return ApiError(
        406, "PGRST116", "JSON object requested, multiple (or no) rows returned", f"The result contains {rows} rows"
    )


def _chosen(prefer: dict[str, str], key: str) -> str | None:
    """The request's preference for `key` when it is one PostgREST knows (else as if not given)."""
    value = prefer.get(key)
    return value if value in _PREFERENCES[key] else None


def _max_affected(prefer: dict[str, str]) -> int | None:
    """`max-affected=N` counts with `handling=strict` only, as in PostgREST (lenient handling ignores it)."""
    value = prefer.get("max-affected", "")
    return int(value) if prefer.get("handling") == "strict" and value.isdigit() else None


def _content_range(offset: int, page: int, total: int | None) -> str:
    size = "*" if total is None else str(total)
    if page == 0:
        return f"*/{size}"
    return f"{offset}-{offset + page - 1}/{size}"


def _with_range(request: Request, q: Query) -> Query:
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
    return replace(q, limits=limits, offsets=offsets)


async def _csv_body(request: Request) -> list[dict[str, Any]]:
    """A CSV payload (a header line, then rows) as rows; an empty field is NULL, as in PostgREST."""
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


@lru_cache(maxsize=4096)
def _location_of(name: str, query: str) -> str:
    """A read's Content-Location, as PostgREST writes it: the path with the query's parameters sorted by
    name, a repeated name's values joined by commas, everything but letters, digits and -_.~ escaped."""
    values: dict[str, list[str]] = {}
    for k, v in sorted(parse_qsl(query, keep_blank_values=True), key=lambda kv: kv[0]):
        values.setdefault(k, []).append(quote(v, safe=""))
    canonical = "&".join(f"{quote(k, safe='')}={','.join(vs)}" for k, vs in values.items())
    return f"/{name}?{canonical}" if canonical else f"/{name}"


_EXACT = json.JSONDecoder(parse_float=Decimal)


async def _json_body(request: Request) -> tuple[Any, str]:
    """The JSON body read (its numbers as Decimal: exact) and as the client sent it: PostgreSQL gets the
    text itself, so a number is stored with every digit it was written with (a float would round
    1.00000000000000000001 to 1.0, and overflow 1e400, which a numeric or jsonb column keeps)."""
    raw = (await request.body()) or b"{}"
    try:
        text = raw.decode(json.detect_encoding(raw))  # UTF-8 (a byte-order mark dropped), -16 or -32
        return _EXACT.decode(text), text
    except ValueError as e:
        raise ApiError(400, "PGRST102", "Empty or invalid json", str(e)) from None


def create_app(
    dsn: str,
    schemas: tuple[str, ...] = ("public",),
    pool_size: int = 10,
    auth: AuthConfig | None = None,
    keyspaces: Keyspaces | None = None,
    rate_limit: int | None = None,
    *,
    allow_superuser: bool = False,
    max_body: int = MAX_BODY,
    deadline: float = DEADLINE,
) -> Api:
    """The API (an ASGI app) connecting with `dsn` as its authenticator: `pool_size` connections for
    requests and one that listens for schema changes. With the doc's `keyspaces` on a Redis, its
    rate-limit counter (past `rate_limit` requests per window: 429) and its row caches are used."""
    api = Api(dsn, schemas, pool_size, auth, allow_superuser=allow_superuser, max_body=max_body, deadline=deadline)
    api.keyspaces, api.rate_limit = keyspaces, rate_limit
    return api


def app_from_config(config: ServeConfig, keyspaces: Keyspaces | None = None) -> Api:
    """The app `schemadoc serve` configures: DSN, schemas, pool, JWT options, the doc's Redis key layouts
    (bound here to the configured Redis unless `keyspaces` is given) and its rate limit."""
    auth = AuthConfig.from_options(
        config.jwt_secret,
        config.jwks,
        config.anon_role,
        config.role_claim or "role",
        list(config.claim_settings),
        None,
        list(config.statement_timeouts),
    )
    if keyspaces is None and config.keyspaces and config.redis_url:
        keyspaces = Keyspaces.on(config.keyspaces, config.redis_url)
    return create_app(
        config.dsn,
        config.schemas,
        config.pool,
        auth,
        keyspaces,
        config.rate_limit,
        allow_superuser=config.allow_superuser,
        max_body=config.max_body,
        deadline=config.deadline if config.deadline is not None else DEADLINE,
    )


def app_from_env() -> Api:
    """The app of one worker of a multi-process server (uvicorn --workers N --factory), configured by the
    ServeConfig `schemadoc serve` exported."""
    return app_from_config(ServeConfig.imported())
