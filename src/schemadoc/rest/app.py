"""`schemadoc serve`: PostgREST's HTTP interface over the doc's database (an ASGI app, psycopg pools).

Each request is one transaction (READ ONLY for reads) running one statement the builder made; the
response body is the JSON text PostgreSQL returned. Errors answer with PostgREST's status codes and
its `{code, message, details, hint}` body.

The app speaks ASGI itself: four routes do not need a framework, and one in the path of every request
cost a third of a single-row read. The statement built for a URL (for writes, with the body's keys) is
remembered per schema cache, bounded, as PostgreSQL's clients remember prepared statements: a repeated
request is not parsed and built again.

Here: the app's life (start-up, schema reloads, shutdown), ASGI dispatch and running a statement as the
request's role. The routes are in `handlers.py`, HTTP in `http.py`, the PostgREST headers in `headers.py`.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, NamedTuple
from urllib.parse import quote

import psycopg

from schemadoc.kv.keyspaces import Keyspaces
from schemadoc.rest import handlers
from schemadoc.rest.auth import AuthConfig, authenticate, settings
from schemadoc.rest.cache import SchemaCache
from schemadoc.rest.config import MAX_BODY, ServeConfig
from schemadoc.rest.handlers import WRITES, not_one
from schemadoc.rest.http import (
    CORS,
    Receive,
    Request,
    Response,
    Send,
    disconnected,
    error_response,
    read_body,
)
from schemadoc.rest.query import Query, QueryError, parse
from schemadoc.rest.redislayer import RedisLayer
from schemadoc.rest.roles import check_anon_role, read_authenticator, refuse_privileged
from schemadoc.rest.sessions import DEADLINE, Database, database_error, listen
from schemadoc.rest.statement import PAYLOAD, ApiError, Statement
from schemadoc.servers.database import connect

log = logging.getLogger("schemadoc.serve")

MEMO_SIZE = 4096  # statements remembered per process
_TABLE_METHODS: tuple[str, ...] = ("GET", "HEAD", *WRITES)
_RPC_METHODS: tuple[str, ...] = ("GET", "HEAD", "POST")


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
            body = await read_body(scope, receive, self.max_body)
        except ApiError as e:
            await error_response(e).send(send)
            return
        work = asyncio.ensure_future(self._respond(scope, body, path, method))
        gone = asyncio.ensure_future(disconnected(receive))
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
                await error_response(ApiError(503, "PGRST000", "The server is shutting down")).send(send)
        elif not work.cancelled():
            await work.result().send(send, head=method == "HEAD")

    async def _respond(self, scope: dict[str, Any], body: bytes, path: str, method: str) -> Response:
        try:
            if method == "OPTIONS":
                response = handlers.options(self, Request(scope, body, ""), path)
            else:
                response = await self._route(scope, body, path, method)
        except ApiError as e:
            response = error_response(e)
        except QueryError as e:
            response = error_response(ApiError(400, e.code, e.message, e.details))
        except Exception:
            log.exception("%s %s", method, path)
            response = error_response(ApiError(500, "PGRST000", "Internal server error"))
        for k, v in scope["headers"]:
            if k == b"origin":  # a browser's cross-origin request: any origin may read, as PostgREST allows
                response.headers = {**(response.headers or {}), **CORS}
            elif k in (b"accept-profile", b"content-profile") and response.status < 400:
                # the schema a profile header chose, named back as PostgREST does
                response.headers = {**(response.headers or {}), "Content-Profile": v.decode("latin-1")}
        return response

    async def _route(self, scope: dict[str, Any], body: bytes, path: str, method: str) -> Response:
        if path in ("/", "/openapi.json"):
            if method not in ("GET", "HEAD"):
                raise ApiError(405, "PGRST117", f"Unsupported HTTP method: {method}")
            return handlers.openapi(self)
        if path.startswith("/rpc/"):
            name, handler, allowed = path[5:], handlers.rpc, _RPC_METHODS
        else:
            name, handler, allowed = path[1:], handlers.table, _TABLE_METHODS
        if not name or "/" in name:
            raise ApiError(404, "PGRST125", "Invalid path specified in request URL")
        if method not in allowed:
            raise ApiError(405, "PGRST117", f"Unsupported HTTP method: {method}")
        request = Request(scope, body, name)
        if self.redis is not None:  # every route counts toward the documented rate limit
            await self.redis.count(request.client, path)
        return await handler(self, request)

    # -- running statements --

    def schema_for(self, request: Request, write: bool) -> str:
        return self.profile(request.headers.get("content-profile" if write else "accept-profile"))

    def profile(self, header: str | None) -> str:
        """The schema a profile header asks for (the first exposed one without it); another is PGRST106."""
        if header is None:
            return self.schemas[0]
        if header not in self.schemas:
            raise ApiError(406, "PGRST106", "The schema must be one of the following: " + ", ".join(self.schemas))
        return header

    def remember(self, key: tuple[Any, ...], q: Query, stmt: Statement) -> _Memo:
        """Keep `stmt` for `key`, rendered, without the request body it was built with."""
        if len(self.memo) >= MEMO_SIZE:
            del self.memo[next(iter(self.memo))]  # the oldest
        query = stmt.query if isinstance(stmt.query, bytes) else stmt.query.as_bytes(None)
        params = {k: v for k, v in stmt.params.items() if k != PAYLOAD}
        found = self.memo[key] = _Memo(q, replace(stmt, query=query, params=params))
        return found

    def write_statement(
        self, key: tuple[Any, ...], request: Request, build: Callable[[Query], Statement], body: str | None
    ) -> tuple[Query, Statement]:
        """The write statement for this URL and these body keys (remembered), with this body (JSON text)."""
        found = self.memo.get(key)
        if found is None:
            q = parse(request.query)
            found = self.remember(key, q, build(q))
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
                raise not_one(row[1])
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
            raise database_error(e, anonymous=not authorization) from None
        changed = json.loads(row[3]) if len(row) > 3 and row[3] else []
        return Outcome(row[0], row[1], row[2], changed, row[4] if len(row) > 4 else None)

    async def invalidate(self, schema: str, name: str, changed: list[Any], rollback: bool) -> None:
        if self.redis is not None and not rollback:
            await self.redis.invalidate(schema, name, changed)

    def location(self, schema: str, name: str, row: dict[str, Any]) -> str:
        """`/table?id=eq.1`: where the created row is, by its primary key."""
        rel = self.cache.relation(schema, name)
        keys = rel.primary_key if rel is not None and rel.primary_key else tuple(row)
        return f"/{name}?" + "&".join(f"{quote(k)}=eq.{quote(str(row.get(k)))}" for k in keys)

    # -- routes --


class Outcome(NamedTuple):
    """What a statement answered: the total (counted), its rows, the body PostgreSQL built, the changed
    rows' keys (for caches to drop) and, for an upsert, how many rows it inserted."""

    total: int | None
    rows: int
    body: str | None
    changed: list[Any]
    inserted: int | None


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
