"""`schemadoc stats` and `schemadoc health`: the catalog's statistics views, read right for the server.

The design documents' own monitoring queries are often wrong on modern PostgreSQL (`tablename` in
pg_stat_user_tables is `relname`; pg_stat_statements' `total_time`/`mean_time` are
`total_exec_time`/`mean_exec_time` since 13). These are written against the catalog as it is.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

import psycopg
from psycopg.rows import dict_row

from schemadoc import model as m
from schemadoc.introspect import introspect

_USER = "n.nspname NOT IN ('pg_catalog', 'information_schema', 'schemadoc') AND n.nspname NOT LIKE 'pg\\_%'"


@dataclass(slots=True)
class Stats:
    server_version: str
    tables: list[dict[str, Any]] = field(default_factory=list)  # name, rows (estimate), size, dead, bloat
    indexes: list[dict[str, Any]] = field(default_factory=list)  # name, table, scans, size, unused
    duplicate_indexes: list[list[str]] = field(default_factory=list)
    missing_fk_indexes: list[str] = field(default_factory=list)
    cache_hit_ratio: float | None = None
    slowest: list[dict[str, Any]] = field(default_factory=list)
    statements_hint: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _rows(conn: psycopg.Connection[Any], query: str) -> list[dict[str, Any]]:
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(query.encode())
        return cur.fetchall()


def stats(conn: psycopg.Connection[Any], slowest: int = 10) -> Stats:
    version = conn.execute("SHOW server_version").fetchone()
    out = Stats(str(version[0]) if version else "?")
    out.tables = _rows(
        conn,
        f"""
        SELECT n.nspname || '.' || c.relname AS name,
               CASE WHEN c.reltuples < 0 THEN s.n_live_tup ELSE c.reltuples::bigint END AS rows,
               pg_total_relation_size(c.oid) AS total_bytes, pg_relation_size(c.oid) AS table_bytes,
               s.n_live_tup AS live, s.n_dead_tup AS dead,
               CASE WHEN s.n_live_tup + s.n_dead_tup > 0
                    THEN round(100.0 * s.n_dead_tup / (s.n_live_tup + s.n_dead_tup), 1) END AS dead_pct,
               s.seq_scan, s.idx_scan, s.last_autovacuum, s.last_autoanalyze
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_stat_user_tables s ON s.relid = c.oid
        WHERE c.relkind IN ('r', 'm') AND {_USER}
        ORDER BY pg_total_relation_size(c.oid) DESC, 1
        """,
    )
    out.indexes = _rows(
        conn,
        f"""
        SELECT s.schemaname || '.' || s.indexrelname AS name, s.schemaname || '.' || s.relname AS "table",
               s.idx_scan AS scans, pg_relation_size(s.indexrelid) AS bytes,
               (s.idx_scan = 0 AND NOT i.indisunique AND NOT i.indisprimary) AS unused
        FROM pg_stat_user_indexes s JOIN pg_index i ON i.indexrelid = s.indexrelid
        JOIN pg_namespace n ON n.nspname = s.schemaname
        WHERE {_USER}
        ORDER BY s.idx_scan, pg_relation_size(s.indexrelid) DESC, 1
        """,
    )
    out.duplicate_indexes = [
        list(r["names"])
        for r in _rows(
            conn,
            """
            SELECT array_agg(n.nspname || '.' || c.relname ORDER BY c.relname) AS names
            FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
            GROUP BY i.indrelid, i.indkey::text, i.indclass::text, coalesce(pg_get_expr(i.indexprs, i.indrelid), ''),
                     coalesce(pg_get_expr(i.indpred, i.indrelid), '')
            HAVING count(*) > 1
            """,
        )
    ]
    schema: m.Schema = introspect(conn)
    out.missing_fk_indexes = [f"{t.key} ({', '.join(fk.columns)})" for t, fk in schema.unindexed_foreign_keys()]
    hit = conn.execute(
        "SELECT sum(blks_hit)::float / nullif(sum(blks_hit) + sum(blks_read), 0) FROM pg_stat_database "
        "WHERE datname = current_database()"
    ).fetchone()
    out.cache_hit_ratio = round(hit[0], 4) if hit and hit[0] is not None else None
    installed = conn.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements'").fetchone()
    if installed:
        try:
            with conn.transaction():
                out.slowest = _rows(
                    conn,
                    f"""
                    SELECT left(query, 200) AS query, calls, round(total_exec_time::numeric, 1) AS total_ms,
                           round(mean_exec_time::numeric, 2) AS mean_ms, rows
                    FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
                    ORDER BY total_exec_time DESC LIMIT {int(slowest)}
                    """,
                )
        except psycopg.Error as e:
            out.statements_hint = f"pg_stat_statements is installed but cannot be read: {str(e).strip()}"
    else:
        out.statements_hint = (
            "pg_stat_statements is not installed here: add it to shared_preload_libraries in postgresql.conf, "
            "restart PostgreSQL, then CREATE EXTENSION pg_stat_statements;"
        )
    conn.rollback()
    return out


@dataclass(slots=True)
class Health:
    ok: bool
    server_version: str
    connections: int
    max_connections: int
    long_running: list[dict[str, Any]]
    idle_in_transaction: list[dict[str, Any]]
    replicas: list[dict[str, Any]]
    problems: list[str]
    role: str = "primary"  # or "standby" (a replica in recovery)
    standby: dict[str, Any] | None = None  # on a standby: its WAL receiver and replay lag

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def health(
    conn: psycopg.Connection[Any],
    *,
    long_after: float = 300,
    idle_after: float = 60,
    saturation: float = 0.9,
    max_lag: float = 60,
) -> Health:
    """What an on-call engineer looks at first; `ok` is False when something needs a person.

    On a primary, each replica's state and replay lag (pg_stat_replication); on a standby, its WAL
    receiver, whether replay is paused, and how far replay is behind what it has received.
    """
    version = conn.execute("SHOW server_version").fetchone()
    used = conn.execute("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'").fetchone()
    limit = conn.execute("SHOW max_connections").fetchone()
    connections, max_connections = int(used[0]) if used else 0, int(limit[0]) if limit else 0
    long_running = _rows(
        conn,
        f"""
        SELECT pid, usename AS "user", datname AS database, state,
               round(extract(epoch FROM now() - query_start)::numeric, 1) AS seconds, left(query, 200) AS query
        FROM pg_stat_activity
        WHERE state = 'active' AND backend_type = 'client backend' AND pid <> pg_backend_pid()
          AND now() - query_start > make_interval(secs => {float(long_after)})
        ORDER BY query_start
        """,
    )
    idle = _rows(
        conn,
        f"""
        SELECT pid, usename AS "user", datname AS database,
               round(extract(epoch FROM now() - state_change)::numeric, 1) AS seconds, left(query, 200) AS query
        FROM pg_stat_activity
        WHERE state LIKE 'idle in transaction%' AND pid <> pg_backend_pid()
          AND now() - state_change > make_interval(secs => {float(idle_after)})
        ORDER BY state_change
        """,
    )
    in_recovery = conn.execute("SELECT pg_is_in_recovery()").fetchone()
    standby: dict[str, Any] | None = None
    if in_recovery and in_recovery[0]:
        # pg_current_wal_lsn() cannot run during recovery: a standby reports its own side
        found = _rows(
            conn,
            """
            SELECT (SELECT status FROM pg_stat_wal_receiver) AS receiver,
                   (SELECT sender_host || ':' || sender_port FROM pg_stat_wal_receiver) AS upstream,
                   pg_is_wal_replay_paused() AS replay_paused,
                   pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn()) AS lag_bytes,
                   CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
                        ELSE extract(epoch FROM now() - pg_last_xact_replay_timestamp()) END AS lag_seconds
            """,
        )
        standby = found[0] if found else None
        replicas: list[dict[str, Any]] = []
    else:
        replicas = _rows(
            conn,
            """
            SELECT application_name, host(client_addr) AS address, state, sync_state,
                   pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn) AS lag_bytes,
                   extract(epoch FROM replay_lag) AS lag_seconds
            FROM pg_stat_replication
            """,
        )
    conn.rollback()
    problems = []
    if max_connections and connections >= saturation * max_connections:
        problems.append(f"{connections} of {max_connections} connections in use")
    if long_running:
        problems.append(f"{len(long_running)} statement(s) running longer than {long_after:g} s")
    if idle:
        problems.append(f"{len(idle)} session(s) idle in a transaction for over {idle_after:g} s")
    problems += [f"replica {r['application_name']} is {r['state']}" for r in replicas if r["state"] != "streaming"]
    problems += [
        f"replica {r['application_name']} is {float(r['lag_seconds']):.0f} s behind"
        for r in replicas
        if r["lag_seconds"] is not None and float(r["lag_seconds"]) > max_lag
    ]
    if standby is not None:
        if standby["receiver"] != "streaming":
            problems.append(f"this standby is not receiving WAL (receiver: {standby['receiver'] or 'none'})")
        if standby["replay_paused"]:
            problems.append("WAL replay is paused on this standby (SELECT pg_wal_replay_resume() resumes it)")
        if standby["lag_seconds"] is not None and float(standby["lag_seconds"]) > max_lag:
            problems.append(f"this standby's replay is {float(standby['lag_seconds']):.0f} s behind")
    return Health(
        not problems,
        str(version[0]) if version else "?",
        connections,
        max_connections,
        long_running,
        idle,
        replicas,
        problems,
        "standby" if standby is not None else "primary",
        standby,
    )


@dataclass(slots=True)
class MaintenanceStep:
    line: int | None  # the doc line that prescribes it (None: schemadoc's default)
    written: str  # as the doc writes it
    ran: str | None  # what ran (None: skipped)
    seconds: float = 0.0
    status: str = "done"  # done | skipped | failed
    note: str = ""


_REINDEX = re.compile(
    r"^\s*REINDEX\s+(?:\(\s*VERBOSE\s*\)\s+)?(TABLE|INDEX|SCHEMA|DATABASE|SYSTEM)\s+(CONCURRENTLY\s+)?(\S+?)\s*;?\s*$",
    re.I,
)
_FULL = re.compile(r"^\s*VACUUM\s*(\(([^)]*\bFULL\b[^)]*)\)|\s+FULL\b)", re.I)


def maintain(conn: psycopg.Connection[Any], doc: Any, *, allow_full: bool = False) -> list[MaintenanceStep]:
    """Run the maintenance the document prescribes (ANALYZE, VACUUM, REINDEX), in order, each timed.

    REINDEX runs CONCURRENTLY (writes go on), and REINDEX DATABASE on the connected database, whatever
    name the doc wrote (often a placeholder). VACUUM FULL rewrites every table under an ACCESS EXCLUSIVE
    lock: it is skipped unless allowed. `conn` must be in autocommit mode.
    """
    import time

    prescribed = [
        (e.statement.line, e.statement.text.strip().rstrip(";")) for e in doc.extras if e.kind == "maintenance"
    ]
    if not prescribed:
        prescribed = [(None, "ANALYZE")]
    database = conn.info.dbname
    steps = []
    for line, text in prescribed:
        step = MaintenanceStep(line, text, text)
        reindex = _REINDEX.match(text)
        if reindex:
            kind, target = reindex.group(1).upper(), reindex.group(3)
            if kind == "SYSTEM":
                step.note = "system catalogs cannot be reindexed concurrently"
            else:
                if kind == "DATABASE" and target.strip('"') != database:
                    step.note = f"the doc names database {target}; reindexed the connected one, {database}"
                    target = f'"{database}"'
                step.ran = f"REINDEX {kind} CONCURRENTLY {target}"
        elif _FULL.match(text) and not allow_full:
            step.ran, step.status = None, "skipped"
            step.note = (
                "VACUUM FULL rewrites each table under an ACCESS EXCLUSIVE lock; run it in a window (--allow-full)"
            )
        if step.ran is not None:
            started = time.monotonic()
            try:
                conn.execute(step.ran.encode())
            except psycopg.Error as e:
                step.status, step.note = "failed", (e.diag.message_primary or str(e)).strip()
            step.seconds = round(time.monotonic() - started, 3)
        steps.append(step)
    return steps
