"""The floor of a Python HTTP API on this machine, for bench/api.py: the least an ASGI app can do to
answer one request with one PostgreSQL query (no parsing, no routing, no checks; the same server,
driver and pool as `schemadoc serve`). Configured by FLOOR_DSN and FLOOR_SQL (one %s: the path's
last segment); with FLOOR_SQL empty, no query at all: what the HTTP server alone answers.
Run: uvicorn --factory bench.floor_app:app --workers N.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from typing import Any

from psycopg_pool import AsyncConnectionPool


def app() -> Callable[..., Awaitable[None]]:
    dsn, query = os.environ.get("FLOOR_DSN", ""), os.environ["FLOOR_SQL"].encode()
    pool = AsyncConnectionPool(dsn, min_size=1, max_size=int(os.environ.get("FLOOR_POOL", "5")), open=False,
                               kwargs={"autocommit": True})  # fmt: skip

    async def asgi(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    if query:
                        await pool.open()
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    if query:
                        await pool.close()
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        row = None
        if query:
            async with pool.connection() as conn:
                cur = await conn.execute(query, [scope["path"].rsplit("/", 1)[-1]])
                row = await cur.fetchone()
        body = (row[0] if row else "[]").encode()
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})  # fmt: skip
        await send({"type": "http.response.body", "body": body})

    return asgi
