"""The commands that run a database the doc describes: backup, restore, stats, health, kv audit, maintain,
and the embedded server's down and status."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from typing import Any

import psycopg

from schemadoc import commands
from schemadoc.cli.common import home_of, print_json, project_of
from schemadoc.servers import postgres as server
from schemadoc.servers.database import server_url, with_database


def cmd_backup(args: argparse.Namespace) -> int:
    from schemadoc.admin.backup import backup

    url, name = _doc_database(args)
    out = args.out or f"{name}-{dt.datetime.now():%Y%m%dT%H%M%S}.dump"
    made = backup(url, out, args.doc)
    rows = sum(made.manifest["tables"].values())
    print(f"backed up {name}: {len(made.manifest['tables'])} table(s), {rows:,} row(s) -> {made.path}", file=sys.stderr)
    if args.format == "json":
        print_json({"database": name, "path": str(made.path), "manifest": made.manifest})
    else:
        print(made.path)
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from schemadoc.admin.backup import restore

    url, _ = server_url(args.database_url, home_of(args))
    done = restore(args.file, url, args.into)
    for p in done.problems:
        print(f"error: {p}", file=sys.stderr)
    print(
        f"restored into {done.database}" + (", verified against the manifest" if done.verified else ", NOT verified"),
        file=sys.stderr,
    )
    if args.format == "json":
        print_json(
            {
                "database": done.database,
                "url": with_database(url, done.database),
                "verified": done.verified,
                "problems": done.problems,
            }
        )
    else:
        print(with_database(url, done.database))
    return 0 if done.verified else 1


def _doc_database(args: argparse.Namespace) -> tuple[str, str]:
    """(URL of the database the doc names, its name), per --database-url/--dbname."""
    target = project_of(args).target
    return target.url, target.name


def _connect_doc_database(args: argparse.Namespace) -> tuple[psycopg.Connection[Any], str]:
    project = project_of(args)
    return project.connect(), project.target.name


def _size(n: int | None) -> str:
    value = float(n or 0)
    for unit in ("B", "kB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} TB"


def cmd_stats(args: argparse.Namespace) -> int:
    from schemadoc.admin.stats import stats

    conn, name = _connect_doc_database(args)
    with conn:
        found = stats(conn)
    if args.format == "json":
        print(json.dumps(found.as_dict(), indent=2, default=str))
        return 0
    print(f"{name} (PostgreSQL {found.server_version})")
    print(f"\n{'table':<40}{'rows':>12}{'total':>12}{'dead %':>8}{'seq scans':>11}")
    for t in found.tables:
        dead = "" if t["dead_pct"] is None else f"{t['dead_pct']}"
        print(f"{t['name']:<40}{t['rows']:>12,}{_size(t['total_bytes']):>12}{dead:>8}{t['seq_scan'] or 0:>11,}")
    unused = [i for i in found.indexes if i["unused"]]
    print(f"\nindexes: {len(found.indexes)}, never scanned: {len(unused)}")
    for i in unused:
        print(f"  unused: {i['name']} on {i['table']} ({_size(i['bytes'])})")
    for group in found.duplicate_indexes:
        print(f"  duplicates: {', '.join(group)}")
    for fk in found.missing_fk_indexes:
        print(f"  foreign key without an index: {fk}")
    ratio = "n/a" if found.cache_hit_ratio is None else f"{found.cache_hit_ratio:.2%}"
    print(f"\ncache hit ratio: {ratio}")
    if found.slowest:
        print("\nslowest statements (total time):")
        for st in found.slowest:
            print(f"  {st['total_ms']:>10} ms  {st['calls']:>8} calls  {st['query'][:100]}")
    if found.statements_hint:
        print(f"\n{found.statements_hint}")
    return 0


def cmd_health(args: argparse.Namespace) -> int:
    project = project_of(args)
    name = project.target.name
    found = commands.health(
        project,
        long_after=args.long_after,
        idle_after=args.idle_after,
        max_lag=args.max_lag,
        with_drift=not args.no_drift,
    )
    if args.format == "json":
        print(json.dumps({"database": name} | found.as_dict(), indent=2, default=str))
    else:
        print(
            f"{name}: {'healthy' if found.ok else 'UNHEALTHY'} (PostgreSQL {found.server_version}, "
            f"{found.connections}/{found.max_connections} connections, "
            + (
                f"a standby of {found.standby.get('upstream') or '?'})"
                if found.standby is not None
                else f"{len(found.replicas)} replica(s))"
            )
        )
        for r in found.replicas:
            lag = f", {float(r['lag_seconds']):.1f} s" if r["lag_seconds"] is not None else ""
            print(
                f"  replica {r['application_name']} ({r['address']}): {r['state']}, {r['lag_bytes']} bytes behind{lag}"
            )
        for p in found.problems:
            print(f"  problem: {p}")
    return 0 if found.ok else 1


def cmd_kv_audit(args: argparse.Namespace) -> int:
    report = commands.kv_audit(
        project_of(args), redis_url=args.redis_url, database=not args.no_database, sample=args.sample
    )
    if args.format == "json":
        print(json.dumps(report.as_dict(), indent=2))
    else:
        print(f"{report.keys:,} key(s) scanned: {'no findings' if report.ok else 'FINDINGS'}")
        for pattern, n in sorted(report.by_layout.items()):
            print(f"  {pattern}: {n:,}")
        titles = {
            "unmatched": "keys no layout documents",
            "missing_ttl": "keys without their documented TTL",
            "wrong_type": "keys of another Redis type",
            "bad_shape": "values that break their documented shape",
            "dangling": "references to rows that do not exist",
        }
        for kind, n in report.counts.items():
            print(f"{titles.get(kind, kind)}: {n:,}")
            for example in report.examples.get(kind, []):
                print(f"    {example}")
        for note in report.notes:
            print(f"note: {note}")
    return 0 if report.ok else 1


def cmd_maintain(args: argparse.Namespace) -> int:
    done = commands.maintain(project_of(args), allow_full=args.allow_full)
    steps = done.steps
    if args.format == "json":
        print(json.dumps(done.as_dict(), indent=2, default=str))
    else:
        for s in steps:
            where = f"{args.doc}:{s.line}: " if s.line else "(default) "
            ran = f"`{s.ran}`" if s.ran else f"`{s.written}`"
            print(f"{where}{s.status} {ran} in {s.seconds:.2f} s" + (f" — {s.note}" if s.note else ""))
    return 0 if done.ok else 1


def cmd_down(args: argparse.Namespace) -> int:
    from schemadoc.servers import redis as redis_server

    homes = server.known_homes() if args.all else [home_of(args)]
    done = []
    for home in homes:
        where = f" ({home})" if args.all or args.doc else ""
        stopped = server.stop(home, purge=args.purge)
        print(
            f"embedded PostgreSQL stopped{where}" if stopped else f"embedded PostgreSQL was not running{where}",
            file=sys.stderr,
        )
        if args.purge:
            print(f"its cluster and databases deleted{where}", file=sys.stderr)
        redis_stopped = redis_server.stop(home / "redis")
        if redis_stopped:
            print(f"private Redis stopped{where}", file=sys.stderr)
        done.append({"home": str(home), "stopped": stopped, "purged": args.purge, "redis_stopped": redis_stopped})
    if args.format == "json":
        print_json(done if args.all else done[0])
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    """The project's embedded server (or, with --all, every one on this machine): where, which, on what URL."""
    found = [server.status(h) for h in server.known_homes()] if args.all else [server.status(home_of(args))]
    if args.format == "json":
        print(json.dumps([st.as_json() for st in found] if args.all else found[0].as_json(), indent=2))
        return 0
    if not found:
        print("no embedded PostgreSQL is running on this machine")
    for st in found:
        if not st.exists:
            print(f"{st.home}: no embedded PostgreSQL yet (schemadoc up DOC starts one)")
            continue
        state = f"running on {st.url}" if st.running else f"stopped (port {st.port} kept for its next start)"
        print(f"{st.home}: PostgreSQL {st.version or '?'} {state}")
        if st.bindir:
            print(f"  binaries: {st.bindir} ({st.source})")
    return 0
