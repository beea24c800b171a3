"""Versioned migrations: `migrations/<timestamp>_<name>/{up.sql,down.sql}` and their history in the database.

History lives in `schemadoc.schemadoc_migrations` (id, name, checksum, applied_at, duration,
applied_by, and the progress of a migration that runs in steps). Every apply and rollback holds one
PostgreSQL advisory lock for its whole run, so two deploys at once never both apply: the second
waits for the first (up to `lock_wait`), then finds nothing left to do.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg

from schemadoc import model as m
from schemadoc.errors import SchemadocError
from schemadoc.introspect import introspect
from schemadoc.migrate.diff import Renames
from schemadoc.migrate.plan import Plan, plan_between
from schemadoc.migrate.run import run_steps, steps_of
from schemadoc.migrate.shadow import materialize_with_clones, shadow_database
from schemadoc.parse import LoadedDocument
from schemadoc.servers.database import connect, reload_api_schema

LOCK_KEY = 0x5C4E_D0C0  # pg_advisory_lock key: "schemadoc migrations"

HISTORY_SQL = """
CREATE SCHEMA IF NOT EXISTS schemadoc;
CREATE TABLE IF NOT EXISTS schemadoc.schemadoc_migrations (
    id text PRIMARY KEY,
    name text NOT NULL,
    checksum text NOT NULL,
    applied_at timestamptz,
    duration interval,
    applied_by text NOT NULL DEFAULT current_user,
    started_at timestamptz NOT NULL DEFAULT now(),
    steps_done integer NOT NULL DEFAULT 0,
    steps_total integer NOT NULL
);
"""


@dataclass(frozen=True, slots=True)
class Migration:
    id: str  # the directory name: 20261123T174500_add_orders
    path: Path

    @property
    def name(self) -> str:
        return self.id.partition("_")[2]

    @property
    def up_sql(self) -> str:
        return (self.path / "up.sql").read_text(encoding="utf-8")

    @property
    def down_sql(self) -> str:
        down = self.path / "down.sql"
        return down.read_text(encoding="utf-8") if down.exists() else ""

    @property
    def checksum(self) -> str:
        return hashlib.sha256((self.path / "up.sql").read_bytes()).hexdigest()


@dataclass(frozen=True, slots=True)
class Applied:
    id: str
    checksum: str
    applied_at: dt.datetime | None  # None: started, not finished (steps_done of steps_total)
    steps_done: int
    steps_total: int


@dataclass(frozen=True, slots=True)
class Status:
    id: str
    state: str  # applied | pending | in progress | modified | missing
    applied_at: dt.datetime | None = None
    detail: str = ""


_ID = re.compile(r"^\d{8}T\d{6}_[\w-]+$")


def migrations_in(directory: str | Path) -> list[Migration]:
    d = Path(directory)
    if not d.is_dir():
        return []
    return sorted(
        (Migration(p.name, p) for p in d.iterdir() if p.is_dir() and _ID.match(p.name) and (p / "up.sql").exists()),
        key=lambda mg: mg.id,
    )


def _slug(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
    if not slug:
        raise SchemadocError(f"migration name {name!r} has no letters or digits")
    return slug[:60]


def state_after(migrations: list[Migration], url: str, role_names: tuple[str, ...]) -> m.Schema:
    """The schema the existing migrations build, replayed on a scratch database."""
    with shadow_database(url, role_names) as shadow, connect(shadow, autocommit=True) as conn:
        for mg in migrations:
            run_steps(conn, steps_of(mg.up_sql, mg.id), name=mg.id)
        return introspect(conn, role_names)


def new(
    directory: str | Path,
    name: str,
    doc: LoadedDocument,
    schema: m.Schema,
    url: str,
    *,
    allow_data_loss: bool = False,
    now: dt.datetime | None = None,
    confirm: Callable[[Plan], Renames | None] | None = None,
    best_effort: bool = False,
) -> tuple[Migration | None, Plan]:
    """Write the next migration: from what the existing migrations build to what the document says
    (`best_effort`: built as `up --fix` builds it)."""
    roles = tuple(r.name for r in schema.roles)
    existing = migrations_in(directory)
    current = state_after(existing, url, roles)
    target, target_clones = materialize_with_clones(schema, url, best_effort)
    source = f"{len(existing)} migration(s) in {directory}"
    plan = plan_between(current, target, doc, None, source=source, target_clones=target_clones)
    confirmed = confirm(plan) if confirm else None
    if confirmed:  # likely renames a person confirmed
        plan = plan_between(current, target, doc, None, source=source, renames=confirmed, target_clones=target_clones)
    if plan.empty:
        return None, plan
    if not allow_data_loss:
        plan.refuse_data_loss()
    stamp = (now or dt.datetime.now(dt.UTC)).strftime("%Y%m%dT%H%M%S")
    if existing and stamp <= existing[-1].id[:15]:
        stamp = (dt.datetime.strptime(existing[-1].id[:15], "%Y%m%dT%H%M%S") + dt.timedelta(seconds=1)).strftime(
            "%Y%m%dT%H%M%S"
        )
    path = Path(directory) / f"{stamp}_{_slug(name)}"
    path.mkdir(parents=True)
    (path / "up.sql").write_text(plan.script("up"), encoding="utf-8")
    (path / "down.sql").write_text(plan.script("down"), encoding="utf-8")
    return Migration(path.name, path), plan


def take_lock(conn: psycopg.Connection[Any], wait: float) -> None:
    """Hold schemadoc's advisory lock on this database for the session (`migrate`, `up`): one run at a
    time, the next planning against what the last applied. Polled, not waited for inside one statement:
    a waiting session holds a snapshot, and the lock holder's CREATE INDEX CONCURRENTLY waits for every
    such snapshot to end (a deadlock)."""
    deadline = time.monotonic() + wait
    while True:
        row = conn.execute("SELECT pg_try_advisory_lock(%s)", (LOCK_KEY,)).fetchone()
        if row and row[0]:
            return
        if time.monotonic() >= deadline:
            raise SchemadocError(
                f"another schemadoc run holds the lock on this database (waited {wait:g} s); nothing was done"
            )
        time.sleep(0.2)


def release_lock(conn: psycopg.Connection[Any]) -> None:
    try:
        conn.execute("SELECT pg_advisory_unlock(%s)", (LOCK_KEY,))
    except psycopg.Error:
        pass


class _Locked:
    """A connection holding the migrations advisory lock, with the history table in place."""

    def __init__(self, url: str, lock_wait: float) -> None:
        self.conn = connect(url, autocommit=True)
        self.lock_wait = lock_wait

    def __enter__(self) -> psycopg.Connection[Any]:
        conn = self.conn
        try:
            take_lock(conn, self.lock_wait)
        except SchemadocError:
            conn.close()
            raise
        conn.execute(HISTORY_SQL.encode())
        return conn

    def __exit__(self, *exc: object) -> None:
        release_lock(self.conn)
        self.conn.close()


def _history(conn: psycopg.Connection[Any]) -> dict[str, Applied]:
    rows = conn.execute(
        "SELECT id, checksum, applied_at, steps_done, steps_total FROM schemadoc.schemadoc_migrations ORDER BY id"
    ).fetchall()
    return {r[0]: Applied(*r) for r in rows}


def _modified(migrations: list[Migration], history: dict[str, Applied]) -> list[Migration]:
    return [mg for mg in migrations if mg.id in history and history[mg.id].checksum != mg.checksum]


def status(directory: str | Path, url: str) -> list[Status]:
    migrations = migrations_in(directory)
    with _Locked(url, 30) as conn:
        history = _history(conn)
    out = []
    files = {mg.id: mg for mg in migrations}
    for mg in migrations:
        h = history.get(mg.id)
        if h is None:
            out.append(Status(mg.id, "pending"))
        elif h.checksum != mg.checksum:
            out.append(Status(mg.id, "modified", h.applied_at, "up.sql changed after it was applied"))
        elif h.applied_at is None:
            out.append(Status(mg.id, "in progress", None, f"{h.steps_done} of {h.steps_total} steps done"))
        else:
            out.append(Status(mg.id, "applied", h.applied_at))
    for mid, h in history.items():
        if mid not in files:
            out.append(Status(mid, "missing", h.applied_at, "applied, but its directory is gone"))
    return sorted(out, key=lambda s: s.id)


@dataclass(frozen=True, slots=True)
class Applying:
    id: str
    seconds: float


def apply(directory: str | Path, url: str, *, lock_wait: float = 60.0) -> list[Applying]:
    """Apply every pending migration in order (and finish one a previous run left in progress)."""
    migrations = migrations_in(directory)
    done: list[Applying] = []
    with _Locked(url, lock_wait) as conn:
        history = _history(conn)
        modified = _modified(migrations, history)
        if modified:
            raise SchemadocError(
                "migration(s) changed after they were applied; nothing was done:\n"
                + "\n".join(f"  {mg.path / 'up.sql'}" for mg in modified)
                + "\n  hint: restore the applied files, and put further changes in a new migration"
            )
        for mg in migrations:
            h = history.get(mg.id)
            if h is not None and h.applied_at is not None:
                continue
            start = time.monotonic()
            _run(conn, mg, h)
            done.append(Applying(mg.id, time.monotonic() - start))
        if done:
            reload_api_schema(conn)
    return done


def _run(conn: psycopg.Connection[Any], mg: Migration, h: Applied | None) -> None:
    steps = steps_of(mg.up_sql, mg.id)
    one_transaction = all(st.transactional for st in steps)
    if one_transaction:
        with conn.transaction():
            run_steps(conn, steps, name=mg.id)
            conn.execute(
                "INSERT INTO schemadoc.schemadoc_migrations (id, name, checksum, applied_at, duration, steps_done, "
                "steps_total) VALUES (%s, %s, %s, now(), clock_timestamp() - now(), %s, %s)",
                (mg.id, mg.name, mg.checksum, len(steps), len(steps)),
            )
        return
    if h is None:
        conn.execute(
            "INSERT INTO schemadoc.schemadoc_migrations (id, name, checksum, steps_total) VALUES (%s, %s, %s, %s)",
            (mg.id, mg.name, mg.checksum, len(steps)),
        )

    def record(c: psycopg.Connection[Any], n: int) -> None:
        c.execute("UPDATE schemadoc.schemadoc_migrations SET steps_done = %s WHERE id = %s", (n, mg.id))

    run_steps(conn, steps, name=mg.id, done=h.steps_done if h else 0, record=record, resume=h is not None)
    conn.execute(
        "UPDATE schemadoc.schemadoc_migrations SET applied_at = clock_timestamp(), "
        "duration = clock_timestamp() - started_at WHERE id = %s",
        (mg.id,),
    )


def rollback(directory: str | Path, url: str, count: int = 1, *, lock_wait: float = 60.0) -> list[str]:
    """Undo the last `count` applied migrations with their down.sql, newest first."""
    files = {mg.id: mg for mg in migrations_in(directory)}
    undone: list[str] = []
    with _Locked(url, lock_wait) as conn:
        history = _history(conn)
        unfinished = [h.id for h in history.values() if h.applied_at is None]
        if unfinished:
            raise SchemadocError(
                f"migration {unfinished[0]} is only partly applied; finish it with `schemadoc migrate apply` "
                "before rolling back"
            )
        for mid in sorted(history, reverse=True)[:count]:
            mg = files.get(mid)
            if mg is None or not mg.down_sql.strip():
                raise SchemadocError(f"cannot roll back {mid}: its down.sql is missing")
            steps = steps_of(mg.down_sql, f"{mid}/down.sql")
            if all(st.transactional for st in steps):
                with conn.transaction():
                    run_steps(conn, steps, name=f"{mid}/down.sql")
                    conn.execute("DELETE FROM schemadoc.schemadoc_migrations WHERE id = %s", (mid,))
            else:
                run_steps(conn, steps, name=f"{mid}/down.sql")
                conn.execute("DELETE FROM schemadoc.schemadoc_migrations WHERE id = %s", (mid,))
            undone.append(mid)
        if undone:
            reload_api_schema(conn)
    return undone
