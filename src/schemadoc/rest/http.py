"""The HTTP side of the API, spoken as ASGI: the request as a handler reads it, the response, bodies read
whole and bounded (JSON exactly, CSV as PostgREST reads it), and CORS."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from schemadoc.rest.statement import ApiError

JSON = "application/json; charset=utf-8"

OBJECT = "application/vnd.pgrst.object+json"  # Accept: one row, as an object

OBJECT_BODY = OBJECT + "; charset=utf-8"

CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "Content-Encoding, Content-Location, Content-Range, Content-Type, Date, "
    "Location, Server, Transfer-Encoding, Range-Unit",
}

PREFLIGHT = {
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


def error_response(e: ApiError) -> Response:
    return json_response(e.body(), e.status, e.headers or None)


def as_object(body: str | None, status: int, headers: dict[str, str]) -> Response:
    """The one row of a JSON array body, as an object."""
    return json_response(json.loads(body or "[]")[0], status, headers, OBJECT_BODY)


def too_large(limit: int) -> ApiError:
    return ApiError(413, "PGRST413", "Payload Too Large", f"The request body is over {limit} bytes (serve --max-body)")


async def read_body(scope: dict[str, Any], receive: Receive, max_body: int) -> bytes:
    """The request body, or 413 past `max_body` bytes (by Content-Length, or as it arrives)."""
    for k, v in scope["headers"]:
        if k == b"content-length" and v.isdigit() and int(v) > max_body:
            raise too_large(max_body)
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b""  # the client went away before sending it all
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > max_body:
            raise too_large(max_body)
        chunks.append(chunk)
        if not message.get("more_body"):
            return b"".join(chunks)


async def disconnected(receive: Receive) -> None:
    """Returns once the client has gone away (the body was read already: nothing else arrives)."""
    while (await receive())["type"] != "http.disconnect":
        pass


async def csv_body(request: Request) -> list[dict[str, Any]]:
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


_EXACT = json.JSONDecoder(parse_float=Decimal)


async def json_body(request: Request) -> tuple[Any, str]:
    """The JSON body read (its numbers as Decimal: exact) and as the client sent it: PostgreSQL gets the
    text itself, so a number is stored with every digit it was written with (a float would round
    1.00000000000000000001 to 1.0, and overflow 1e400, which a numeric or jsonb column keeps)."""
    raw = (await request.body()) or b"{}"
    try:
        text = raw.decode(json.detect_encoding(raw))  # UTF-8 (a byte-order mark dropped), -16 or -32
        return _EXACT.decode(text), text
    except ValueError as e:
        raise ApiError(400, "PGRST102", "Empty or invalid json", str(e)) from None
