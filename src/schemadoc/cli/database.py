"""The commands that change a database or serve it: up, drift, plan, migrate, seed, serve."""

from __future__ import annotations

import argparse
import json
import sys

from schemadoc import commands
from schemadoc.cli.common import UsageError, print_json, project_of
from schemadoc.errors import Severity
from schemadoc.migrate.diff import Renames
from schemadoc.migrate.plan import Plan
from schemadoc.parse import LoadedDocument
from schemadoc.report import print_diagnostics


def cmd_up(args: argparse.Namespace) -> int:
    project = project_of(args)
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
        print_json(outcome.as_dict())
    else:
        print(result.url)
    if args.serve:
        args.authenticator_url = _provision_serve_roles(args)
        return cmd_serve(args)
    return 0


def _provision_serve_roles(args: argparse.Namespace) -> str:
    """`up --serve`: the authenticator and anonymous roles made (idempotently); the authenticator's URL."""
    project = project_of(args)
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
    project = project_of(args)
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
    project = project_of(args)

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

    project = project_of(args)
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
        schema = project_of(args).prepared.schema
        created, plan = history.new(
            directory,
            args.name,
            doc,
            schema,
            url,
            allow_data_loss=args.allow_data_loss,
            confirm=_ask_renames,
            best_effort=project_of(args).fix,
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
        project_of(args),
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
        print_json(done.as_dict())
    return 1 if report.short else 0  # the rows that could go in did (and stay); fewer than asked is a failure


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from schemadoc.rest.app import app_from_config
    from schemadoc.rest.config import ServeConfig

    project = project_of(args)
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
