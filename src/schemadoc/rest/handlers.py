"""The routes: a table or view (GET, HEAD, POST, PATCH, DELETE, PUT), a function (/rpc/NAME), OPTIONS and the
OpenAPI document; each reads its request, has the statement built and run, and shapes PostgREST's response."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import psycopg

from schemadoc.rest.auth import authenticate, settings
from schemadoc.rest.build import Builder
from schemadoc.rest.headers import applied, chosen, content_range, location_of, max_affected, preferences, with_range
from schemadoc.rest.http import (
    JSON,
    OBJECT,
    OBJECT_BODY,
    PREFLIGHT,
    Request,
    Response,
    as_object,
    csv_body,
    json_body,
    json_response,
)
from schemadoc.rest.query import Query, parse
from schemadoc.rest.sessions import database_error
from schemadoc.rest.statement import ApiError

if TYPE_CHECKING:
    from schemadoc.rest.app import Api

WRITES = ("POST", "PATCH", "DELETE", "PUT")


async def table(api: Api, request: Request) -> Response:
    name, method = request.name, request.method
    schema = api.schema_for(request, method in WRITES)
    prefer = preferences(request)
    accept = request.headers.get("accept", "")
    single = OBJECT in accept
    if method in ("GET", "HEAD"):
        count = chosen(prefer, "count")
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
        read = api.memo.get(key)
        if read is None:
            q = with_range(request, parse(request.query))
            read = api.remember(key, q, Builder(api.cache, schema).read(name, q, count, csv_out))
        q = read.q
        cached = None
        # the row cache serves anonymous requests only: its rows were read as the anonymous role
        anonymous = "authorization" not in request.headers and api.auth.anon_role is not None
        if api.redis is not None and anonymous and not (csv_out or count or single) and method == "GET":
            cached = api.redis.cacheable(schema, name, q)
        if cached is not None and api.redis is not None:
            hit = await api.redis.read(*cached)
            if hit is not None:
                return Response(hit, 200, {"X-Cache": "hit"}, JSON)
        total, page, body, _, _ = await api.run(request, read.stmt, read_only=True, lone=True)
        offset = q.offsets.get((), 0)
        headers = {
            "Content-Range": content_range(offset, page, total),
            "Content-Location": location_of(name, request.query),
        }
        if cached is not None and api.redis is not None and page == 1:
            fill = api.redis.row_statement(cached[0], cached[1])
            role, claims = authenticate(api.auth, None)
            try:  # as the anonymous role, like the request; the connection is back before Redis is written
                found = await api.db.run(fill, settings(api.auth, role, claims), read_only=True, retry=True, lone=True)
            except psycopg.Error as failed:
                raise database_error(failed, anonymous=True) from None
            await api.redis.store(cached[0], cached[1], json.loads(found[0]) if found[0] else None)
            headers["X-Cache"] = "miss"
        headers.update(applied(prefer, ("count", "tx", "handling")))
        if single:
            return one_row(body, page, headers)
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
    b = Builder(api.cache, schema)
    b.track_changes = api.redis is not None
    returning = prefer.get("return") == "representation"
    rollback = prefer.get("tx") == "rollback"
    if method == "POST":
        if request.headers.get("content-type", "").startswith("text/csv"):
            payload: Any = await csv_body(request)
            text = json.dumps(payload)
        else:
            payload, text = await json_body(request)
            text = text if isinstance(payload, list) else f"[{text}]"
        rows = payload if isinstance(payload, list) else [payload]
        if not all(isinstance(r, dict) for r in rows):
            raise ApiError(400, "PGRST102", "All object keys must match")
        headers_only = prefer.get("return") == "headers-only"
        missing_default = prefer.get("missing") == "default"
        on_conflict = chosen(prefer, "resolution")
        keys = tuple(dict.fromkeys(k for row in rows for k in row))
        key = ("POST", schema, name, request.query, keys, on_conflict, returning, headers_only, missing_default)
        q, stmt = api.write_statement(
            key,
            request,
            lambda q: b.insert(name, rows, text, q, on_conflict, returning or headers_only, missing_default),
            text,
        )
        _, page, body, changed, inserted = await api.run(
            request, stmt, read_only=False, rollback=rollback, one=single and returning
        )
        await api.invalidate(schema, name, changed, rollback)
        headers = {"Content-Range": f"*/{page}" if chosen(prefer, "count") else "*/*"}
        rel = api.cache.relation(schema, name)
        has_key = bool(rel is not None and rel.primary_key) or "on_conflict=" in request.query
        headers.update(applied(prefer, ("resolution", "return", "count", "tx", "missing", "handling"), has_key))
        # 201, but 200 when an upsert merging duplicates inserted nothing (PostgREST 11.2 on)
        status = 200 if on_conflict == "merge-duplicates" and not inserted else 201
        if returning:
            return written(body, status, headers, single)
        if headers_only and page == 1:
            headers["Location"] = api.location(schema, name, json.loads(body or "[]")[0])
        return Response(None, status, headers)
    if method == "PUT":
        return await put(api, request, b, schema, name, parse(request.query), prefer)
    if method == "PATCH":
        payload, text = await json_body(request)
        if not isinstance(payload, dict):
            raise ApiError(400, "PGRST102", "a PATCH body is one JSON object")
        key = ("PATCH", schema, name, request.query, tuple(payload), returning)
        q, stmt = api.write_statement(key, request, lambda q: b.update(name, payload, text, q, returning), text)
    else:
        key = ("DELETE", schema, name, request.query, returning)
        q, stmt = api.write_statement(key, request, lambda q: b.delete(name, q, returning), None)
    if not q.filters and not q.logic:
        raise ApiError(400, "21000", f"{method} requires a filter: refusing to change every row of {name}")
    _, page, body, changed, _ = await api.run(
        request,
        stmt,
        read_only=False,
        rollback=rollback,
        max_affected=max_affected(prefer),
        one=single and returning,
    )
    await api.invalidate(schema, name, changed, rollback)
    size = str(page) if chosen(prefer, "count") else "*"
    if method == "PATCH" and page:
        headers = {"Content-Range": f"0-{page - 1}/{size}"}
    else:
        headers = {"Content-Range": f"*/{size}"}
    headers.update(applied(prefer, ("return", "count", "tx", "missing", "handling", "max-affected")))
    if returning:
        return written(body, 200, headers, single)
    return Response(None, 204, headers)


async def put(
    api: Api, request: Request, b: Builder, schema: str, name: str, q: Query, prefer: dict[str, str]
) -> Response:
    """PUT /table?pk=eq.v: create or replace the one row with that key (every key column, only eq)."""
    rel = b.relation(name)
    pk = rel.primary_key
    eqs = {f.field.name: f.operation.value for path, f in q.filters if not path and f.operation.op == "eq"}
    if not pk or set(eqs) != set(pk) or len(q.filters) != len(pk) or q.logic:
        raise ApiError(405, "PGRST105", "Filters must include all and only primary key columns with 'eq' operators")
    payload, text = await json_body(request)
    if not isinstance(payload, dict):
        raise ApiError(400, "PGRST102", "a PUT body is one JSON object")
    if any(str(payload.get(k)) != str(eqs[k]) for k in pk):
        raise ApiError(400, "PGRST115", "Payload values do not match URL in primary key column(s)")
    returning, rollback = prefer.get("return") == "representation", prefer.get("tx") == "rollback"
    stmt = b.insert(
        name, [payload], f"[{text}]", replace(q, filters=()), "merge-duplicates", returning, conflict_keys=pk
    )
    _, _, body, changed, inserted = await api.run(request, stmt, read_only=False, rollback=rollback)
    await api.invalidate(schema, name, changed, rollback)
    headers = applied(prefer, ("return", "count", "tx", "handling"))
    if returning:  # 201 when the row was created, 200 when replaced (PostgREST 11.2 on)
        return Response(body, 201 if inserted else 200, headers, JSON)
    return Response(None, 204, headers)


async def rpc(api: Api, request: Request) -> Response:
    name = request.name
    write = request.method == "POST"
    schema = api.schema_for(request, write)
    prefer = preferences(request)
    count = chosen(prefer, "count")
    if write:
        payload, text = await json_body(request)
        if not isinstance(payload, dict):
            raise ApiError(400, "PGRST102", "the arguments of a function call are one JSON object")
        q = parse(request.query)
        stmt = Builder(api.cache, schema).rpc(name, payload, q, count, text)
    else:
        key = ("f", schema, name, request.query, count)
        read = api.memo.get(key)
        if read is None:
            q = parse(request.query)
            read = api.remember(key, q, Builder(api.cache, schema).rpc(name, dict(q.params), q, count))
        q, stmt = read.q, read.stmt
    total, page, body, _, _ = await api.run(request, stmt, read_only=not write, rollback=prefer.get("tx") == "rollback")
    headers = applied(prefer, ("count", "tx", "handling"))
    if body is None:
        return Response(None, 204, headers)  # a void function
    offset = q.offsets.get((), 0)
    headers["Content-Range"] = content_range(offset, page, total)
    if OBJECT in request.headers.get("accept", ""):
        if not body.startswith("["):
            return Response(body, 200, headers, OBJECT_BODY)
        return one_row(body, page, headers)
    return Response(body, 200, headers, JSON)


def options(api: Api, request: Request, path: str) -> Response:
    """OPTIONS: a CORS preflight, or which methods a route allows (PostgREST's Allow header)."""
    headers = request.headers
    if "origin" in headers and "access-control-request-method" in headers:
        asked = headers.get("access-control-request-headers", "")
        allowed = ", ".join(["Authorization", *(h.strip() for h in asked.split(",") if h.strip())])
        return Response(None, 200, {**PREFLIGHT, "Access-Control-Allow-Headers": allowed})
    if path in ("/", "/openapi.json"):
        allow = "OPTIONS,GET,HEAD"
    elif path.startswith("/rpc/"):
        schema = api.profile(headers.get("accept-profile"))
        found = api.cache.functions.get((schema, path[5:]))
        if not found:
            raise ApiError(404, "PGRST202", f"Could not find the function {schema}.{path[5:]} in the schema cache")
        allow = "OPTIONS,POST" if all(f.volatility == "v" for f in found) else "OPTIONS,GET,HEAD,POST"
    else:
        schema = api.profile(headers.get("accept-profile"))
        rel = Builder(api.cache, schema).relation(path[1:])
        methods = ["OPTIONS,GET,HEAD"]
        methods += ["POST"] if rel.allows("INSERT") else []
        methods += ["PUT"] if rel.allows("INSERT") and rel.allows("UPDATE") and rel.primary_key else []
        methods += ["PATCH"] if rel.allows("UPDATE") else []
        methods += ["DELETE"] if rel.allows("DELETE") else []
        allow = ",".join(methods)
    return Response(None, 200, {"Access-Control-Allow-Origin": "*", "Allow": allow})


def openapi(api: Api) -> Response:
    from schemadoc.rest.openapi import document

    return json_response(document(api.cache), media_type="application/openapi+json")


def one_row(body: str | None, page: int, headers: dict[str, str]) -> Response:
    if page != 1:
        raise not_one(page)
    return as_object(body, 200, headers)


def written(body: str | None, status: int, headers: dict[str, str], single: bool) -> Response:
    """The written rows' representation: an array, or (already checked to be one) the row as an object."""
    return as_object(body, status, headers) if single else Response(body, status, headers, JSON)


def not_one(rows: int) -> ApiError:
    return ApiError(
        406, "PGRST116", "JSON object requested, multiple (or no) rows returned", f"The result contains {rows} rows"
    )
