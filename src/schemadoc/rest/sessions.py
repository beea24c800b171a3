"""The REST API's database side: one pool of N connections, and a request's statement run in one
transaction as the request's role, within a deadline, surviving lost connections.

Every request runs its statement in a transaction whose settings (`set_config(role, claims, …, true)`)
make it the request's role, as PostgREST's role switch does: the settings and the statement sent in one
pipeline, which PostgreSQL runs as one implicit transaction (one round trip); an explicit transaction
where the request rolls back or checks its rows before committing. An anonymous read of tables and views
— most of what an API serves — runs alone on a connection kept in the anonymous role's session, those
settings made for the session once (and again after any other request used the connection). A large body goes without the
pipeline: psycopg's pipeline can deadlock sending a message bigger than the socket's buffers while the
server answers (psycopg issue 685; seen here as a backend in ClientRead for ever). A request waits at most
ACQUIRE_TIMEOUT for a connection and holds one at most `deadline` seconds: past it the statement is
cancelled (psycopg sends the cancel; a connection that does not answer is closed) and the connection
goes back. A connection found dead is dropped with every other dead one in the pool, and a request that
changes nothing is run again once on a live one; others answer 503, as PostgREST does.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import psycopg
from psycopg import sql
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from schemadoc.rest.statement import ApiError, Statement
from schemadoc.servers.database import API_CHANNEL

log = logging.getLogger("schemadoc.serve")

ACQUIRE_TIMEOUT = 10.0  # seconds a request waits for a connection before PGRST003
DEADLINE = 60.0  # seconds a request may hold a connection
ESTIMATE_THRESHOLD = 10_000  # count=estimated: exact below this many rows (the plan's estimate), planned above
PIPELINE_LIMIT = 256 * 1024  # bytes of parameters above which a statement is sent without the pipeline

_STATUS_BY_CLASS = {"08": 503, "09": 500, "0L": 403, "0P": 403, "23": 409, "25": 500, "28": 403, "2D": 500,
                    "38": 500, "39": 500, "3B": 500, "40": 500, "53": 503, "54": 413, "55": 500, "57": 500,
                    "58": 500, "F0": 500, "HV": 500, "P0": 500, "XX": 500, "42": 400, "22": 400}  # fmt: skip
_STATUS_BY_CODE = {"23502": 400, "23514": 400, "25006": 405, "42883": 404, "42P01": 404, "42501": 403, "P0001": 400}
# the server ended the session (terminated, shutting down, crashed): the connection is gone
_LOST = {"57P01", "57P02", "57P03"}


def status_for(sqlstate: str) -> int:
    """PostgREST's HTTP status for a PostgreSQL error."""
    return _STATUS_BY_CODE.get(sqlstate) or _STATUS_BY_CLASS.get(sqlstate[:2], 400)


def lost_connection(e: psycopg.Error) -> bool:
    """Whether the error means the connection died (rather than the statement failing)."""
    if e.sqlstate in _LOST or (e.sqlstate or "").startswith("08"):
        return True
    return isinstance(e, psycopg.OperationalError) and e.sqlstate is None


class Database:
    """The pool (N connections in all) and how a request's statement runs on it."""

    def __init__(self, dsn: str, size: int, deadline: float = DEADLINE) -> None:
        self.dsn, self.size, self.deadline = dsn, size, deadline
        # a session the server sees idle inside a transaction for a deadline's length is ended by it, even
        # should this process stop answering
        idle = f"-c idle_in_transaction_session_timeout={int(deadline * 1000)}"
        self.pool = AsyncConnectionPool(
            dsn,
            min_size=size,
            max_size=size,
            timeout=ACQUIRE_TIMEOUT,
            open=False,
            # UTF8 on every session: statements are rendered to bytes once, in that encoding
            kwargs={"autocommit": True, "client_encoding": "UTF8", "options": idle},
        )
        # a request waits for a connection here, cheaply, rather than in the pool's own queue
        self.slots = asyncio.Semaphore(size)
        self.in_use: set[psycopg.AsyncConnection[Any]] = set()
        # connections in the anonymous session (its settings made for the session, nothing run since that
        # could have changed them)
        self.anonymous: weakref.WeakSet[psycopg.AsyncConnection[Any]] = weakref.WeakSet()

    async def open(self) -> None:
        # every connection opened before the first request: a pool growing under load makes requests wait
        await self.pool.open(wait=True)

    async def close(self, timeout: float = 5.0) -> None:
        """Cancel what still runs (the server is stopping: nobody waits for those answers), then close."""
        for conn in list(self.in_use):
            with contextlib.suppress(psycopg.Error):
                await conn.cancel_safe(timeout=2.0)
        await self.pool.close(timeout=timeout)

    async def run(
        self,
        stmt: Statement,
        local: list[tuple[str, str]],
        *,
        read_only: bool,
        retry: bool,
        rollback: bool = False,
        check: Callable[[tuple[Any, ...]], None] | None = None,
        lone: bool = False,
    ) -> tuple[Any, ...]:
        """The statement's first row (or a bare command's counts), run in one transaction with the
        settings `local`; `check` sees the row inside the transaction (raising rolls it back). `retry`:
        the request changes nothing, so a lost connection is replaced and the request run again once.
        `lone`: an anonymous read of tables and views — `local` are the anonymous session's settings,
        and on a connection already in that session the statement goes alone (one statement, no setup)."""
        big = sum(len(v) for v in stmt.params.values() if isinstance(v, str | bytes)) > PIPELINE_LIMIT
        try:
            async with asyncio.timeout(self.deadline):
                for attempt in (1, 2):
                    try:
                        async with self.connection() as conn:
                            if lone and not (rollback or check or big or stmt.count_query is not None):
                                return await self._in_session(conn, stmt, local)
                            self.anonymous.discard(conn)  # what runs now may change the session
                            return await _transaction(conn, stmt, local, read_only, rollback, check, not big)
                    except psycopg.Error as e:
                        if not lost_connection(e):
                            raise
                        log.warning("lost a database connection (%s); checking the pool", str(e).strip())
                        await self.pool.check()  # every dead connection goes, replaced in the background
                        if attempt == 2 or not retry:
                            raise ApiError(
                                503,
                                "PGRST001",
                                "Database client error. Retrying the connection.",
                                str(e).strip() or None,
                            ) from None
        except TimeoutError:
            raise ApiError(
                504, "57014", f"canceling statement: the request took longer than {self.deadline:g} s"
            ) from None
        raise AssertionError("unreachable")

    async def _in_session(
        self, conn: psycopg.AsyncConnection[Any], stmt: Statement, session: list[tuple[str, str]]
    ) -> tuple[Any, ...]:
        """An anonymous read as a lone statement in the connection's anonymous session: the session's
        settings are made (for the session, not a transaction) the first time, and again after any other
        request used the connection — that one may have run code (a function, a trigger) that changed
        them. Only the builder's SELECTs of tables and views run here."""
        if conn in self.anonymous:
            cur = await conn.execute(stmt.query, stmt.params)
        else:
            async with conn.pipeline():
                await conn.execute(
                    "SELECT " + ", ".join("set_config(%s, %s, false)" for _ in session),
                    [x for pair in session for x in pair],
                )
                cur = await conn.execute(stmt.query, stmt.params)
            self.anonymous.add(conn)
        row: tuple[Any, ...] | None = await cur.fetchone()
        assert row is not None
        return row

    @contextlib.asynccontextmanager
    async def connection(self) -> AsyncIterator[psycopg.AsyncConnection[Any]]:
        """A connection slot (at most ACQUIRE_TIMEOUT waited), then a connection, both given back."""
        await _take(self.slots)
        try:
            async with self.pool.connection() as conn:
                self.in_use.add(conn)
                try:
                    yield conn
                finally:
                    self.in_use.discard(conn)
        except PoolTimeout:
            raise no_connection() from None
        finally:
            self.slots.release()


async def _take(slots: asyncio.Semaphore) -> None:
    if not slots.locked():
        await slots.acquire()
        return
    try:
        async with asyncio.timeout(ACQUIRE_TIMEOUT):
            await slots.acquire()
    except TimeoutError:
        raise no_connection() from None


def no_connection() -> ApiError:
    return ApiError(504, "PGRST003", "Timed out acquiring connection from connection pool.")


async def _transaction(
    conn: psycopg.AsyncConnection[Any],
    stmt: Statement,
    local: list[tuple[str, str]],
    read_only: bool,
    rollback: bool,
    check: Callable[[tuple[Any, ...]], None] | None,
    pipelined: bool,
) -> tuple[Any, ...]:
    settings = [*local, ("transaction_read_only", "on")] if read_only else local
    set_sql = "SELECT " + ", ".join("set_config(%s, %s, true)" for _ in settings)
    set_params = [x for pair in settings for x in pair]
    if pipelined and not rollback and check is None and stmt.count_query is None:
        # the settings and the statement in one pipeline: what is sent before its sync runs as one implicit
        # transaction (the settings are local to it), and the pipeline's end is the one round trip
        async with conn.pipeline():
            await conn.execute(set_sql, set_params)
            cur = await conn.execute(stmt.query, stmt.params)
        row = stmt.result(cur.rowcount) if stmt.bare else await cur.fetchone()
        assert row is not None
        return row
    # an explicit transaction: to roll back, to look at the row before committing, to count by plan
    async with contextlib.AsyncExitStack() as stack:
        pipeline = await stack.enter_async_context(conn.pipeline()) if pipelined else None
        async with conn.transaction(force_rollback=rollback):
            await conn.execute(set_sql, set_params)
            cur = await conn.execute(stmt.query, stmt.params)
            if stmt.bare:
                if pipeline is not None:
                    await pipeline.sync()  # the command's row count is known once its result has come back
                found: tuple[Any, ...] | None = stmt.result(cur.rowcount)
            else:
                found = await cur.fetchone()
            assert found is not None
            if stmt.count_query is not None:
                found = (await _planned_count(conn, stmt), *found[1:])
            if check is not None:
                check(found)  # inside the transaction: an error keeps nothing
        return found
    raise AssertionError("unreachable")


async def _planned_count(conn: psycopg.AsyncConnection[Any], stmt: Statement) -> int:
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


async def listen(dsn: str, reload: Callable[[], Awaitable[None]]) -> None:
    """Reload the schema cache on `NOTIFY pgrst, 'reload schema'` (as PostgREST does) — and whenever the
    listening connection comes back after losing its server: a notice sent meanwhile was lost."""
    lost = False
    while True:
        try:
            conn = await psycopg.AsyncConnection.connect(dsn, autocommit=True)
            async with conn:
                await conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(API_CHANNEL)))
                if lost:
                    await reload()
                    lost = False
                async for note in conn.notifies():
                    if note.payload in ("reload schema", ""):
                        await reload()
        except psycopg.Error:
            lost = True
            await asyncio.sleep(1)


def database_error(e: psycopg.Error, anonymous: bool) -> ApiError:
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
