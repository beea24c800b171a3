"""The `schemadoc` command: each subcommand is one library call, its output and an exit code.

Exit codes: 0 success / clean, 1 errors found or the command failed, 2 drift (or a usage error).
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
from collections.abc import Sequence

import psycopg

from schemadoc import __version__, server
from schemadoc.apply import drift, server_url, up, with_database
from schemadoc.config import find_config
from schemadoc.errors import SchemadocError, SchemaHasErrors, Severity
from schemadoc.introspect import introspect
from schemadoc.lint import check, rules
from schemadoc.lint.fixes import fix_text
from schemadoc.parse import load
from schemadoc.render import schema_as_json, schema_as_markdown
from schemadoc.report import as_github, as_json, as_sarif, print_diagnostics, summary
from schemadoc.sql.emit import emit_script


def cmd_check(args: argparse.Namespace) -> int:
    doc = load(args.doc)
    config = find_config(args.doc)
    diagnostics = check(doc)
    if args.fix or args.diff:
        fixed_text, applied = fix_text(doc, config.apply(diagnostics), unsafe=args.unsafe_fixes)
        if args.diff:
            sys.stdout.writelines(
                difflib.unified_diff(
                    doc.text.splitlines(keepends=True),
                    fixed_text.splitlines(keepends=True),
                    f"a/{args.doc}",
                    f"b/{args.doc}",
                )
            )
            return 0
        if applied:
            with open(args.doc, "w", encoding="utf-8", newline="") as fh:
                fh.write(fixed_text)
            print(f"fixed {len(applied)} finding(s) in {args.doc}", file=sys.stderr)
        doc = load(args.doc)
        diagnostics = check(doc)
    if args.live:
        from schemadoc.live import validate_queries

        url, _ = server_url(args.database_url)
        diagnostics = sorted(
            diagnostics + validate_queries(doc, url),
            key=lambda d: (d.span.line if d.span else 0, d.span.col if d.span else 0, d.code),
        )
    diagnostics = config.apply(diagnostics)
    fail_on = Severity[args.fail_on.upper()] if args.fail_on else config.fail_on
    if args.format == "json":
        print(as_json(diagnostics))
    elif args.format == "sarif":
        print(as_sarif(diagnostics, {r.code: (r.name, r.explanation) for r in rules()}, __version__))
    elif args.format == "github":
        print(as_github([d for d in diagnostics if d.severity >= Severity.WARNING or args.verbose]))
    else:
        min_sev = Severity.INFO if args.verbose else Severity.WARNING
        print_diagnostics(diagnostics, doc.text, sys.stdout, min_sev)
        print(f"{doc.path}: {summary(diagnostics)}")
    return 1 if any(d.severity >= fail_on for d in diagnostics) else 0


def cmd_rules(args: argparse.Namespace) -> int:
    for r in rules():
        print(f"{r.code}  {str(r.severity):<7}  {r.family:<9}  {r.name}")
    return 0


def cmd_rule(args: argparse.Namespace) -> int:
    found = next((r for r in rules() if r.code == args.code.upper() or r.name == args.code), None)
    if found is None:
        raise SchemadocError(f"no rule {args.code!r}; `schemadoc rules` lists them")
    print(f"{found.code} {found.name} ({found.severity}, {found.family})\n\n{found.explanation}")
    return 0


def cmd_sql(args: argparse.Namespace) -> int:
    doc = load(args.doc)
    from schemadoc.apply import prepare

    schema, remaining, _ = prepare(doc, args.fix)
    print_diagnostics(remaining, doc.text, sys.stderr, Severity.WARNING)
    sys.stdout.write(emit_script(schema))
    return 0


def cmd_up(args: argparse.Namespace) -> int:
    result = up(args.doc, args.database_url, fix=args.fix, dbname=args.dbname)
    doc_text = load(args.doc).text
    for d in result.fixed:
        print(f"fixed: {d.span}: {d.fix.description if d.fix else d.message}", file=sys.stderr)
    print_diagnostics(result.diagnostics, doc_text, sys.stderr, Severity.INFO if args.verbose else Severity.WARNING)
    if result.applied:
        print(f"applied {result.applied} statements to {result.database}", file=sys.stderr)
    else:
        print(f"{result.database} is up to date", file=sys.stderr)
    print(result.url)
    return 0


def cmd_drift(args: argparse.Namespace) -> int:
    name, found = drift(args.doc, args.database_url, fix=args.fix, dbname=args.dbname)
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


def cmd_down(args: argparse.Namespace) -> int:
    stopped = server.stop()
    print("embedded PostgreSQL stopped" if stopped else "embedded PostgreSQL was not running", file=sys.stderr)
    return 0


def cmd_inspect(args: argparse.Namespace) -> int:
    url, _ = server_url(args.database_url)
    if args.dbname:
        url = with_database(url, args.dbname)
    try:
        with psycopg.connect(url, connect_timeout=10) as conn:
            schema = introspect(conn)
    except psycopg.OperationalError as e:
        raise SchemadocError(f"cannot connect to PostgreSQL: {str(e).strip()}") from None
    from psycopg.conninfo import conninfo_to_dict

    database = str(conninfo_to_dict(url).get("dbname") or "postgres")
    print(
        schema_as_json(schema)
        if args.format == "json"
        else schema_as_markdown(schema, f"Database {database}", database)
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="schemadoc",
        description="A Markdown design document as the source of truth for a live PostgreSQL database.",
    )
    p.add_argument("--version", action="version", version=f"schemadoc {__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    c = sub.add_parser("check", help="report every problem in the document at its line")
    c.add_argument("doc")
    c.add_argument("--format", choices=("text", "json", "sarif", "github"), default="text")
    c.add_argument("-v", "--verbose", action="store_true", help="also print notes (info)")
    c.add_argument(
        "--live",
        action="store_true",
        help="also prepare the doc's queries on a real server ($DATABASE_URL or the embedded one)",
    )
    c.add_argument("--database-url", default=None)
    c.add_argument("--fix", action="store_true", help="rewrite the document with the safe fixes")
    c.add_argument("--unsafe-fixes", action="store_true", help="with --fix, also apply fixes that change behaviour")
    c.add_argument("--diff", action="store_true", help="print the fixes as a unified diff instead of writing them")
    c.add_argument(
        "--fail-on",
        choices=("error", "warning", "info"),
        default=None,
        help="lowest severity that makes check exit 1 (default: error, or the configuration's)",
    )
    c.set_defaults(func=cmd_check)

    s = sub.add_parser("sql", help="print the DDL the document describes")
    s.add_argument("doc")
    s.add_argument("--fix", action="store_true", help="apply the safe fixes first")
    s.set_defaults(func=cmd_sql)

    u = sub.add_parser("up", help="create the database and apply the document's schema")
    u.add_argument("doc")
    u.add_argument("--database-url", default=None, help="default: $DATABASE_URL, else the embedded server")
    u.add_argument("--dbname", default=None, help="database to create (default: the one the doc names)")
    u.add_argument("--fix", action="store_true", help="apply the safe fixes schemadoc knows")
    u.add_argument("-v", "--verbose", action="store_true")
    u.set_defaults(func=cmd_up)

    r = sub.add_parser("rules", help="list the lint rules")
    r.set_defaults(func=cmd_rules)
    r1 = sub.add_parser("rule", help="explain one lint rule")
    r1.add_argument("code")
    r1.set_defaults(func=cmd_rule)

    dr = sub.add_parser("drift", help="compare the live database with the document (exit 2 on drift)")
    dr.add_argument("doc")
    dr.add_argument("--database-url", default=None)
    dr.add_argument("--dbname", default=None)
    dr.add_argument("--fix", action="store_true", help="compare with the document after its safe fixes")
    dr.add_argument("--format", choices=("text", "json"), default="text")
    dr.set_defaults(func=cmd_drift)

    d = sub.add_parser("down", help="stop the embedded PostgreSQL")
    d.set_defaults(func=cmd_down)

    i = sub.add_parser("inspect", aliases=["introspect"], help="print a live database's schema")
    i.add_argument("--database-url", default=None)
    i.add_argument("--dbname", default=None)
    i.add_argument("--format", choices=("md", "json"), default="md")
    i.set_defaults(func=cmd_inspect)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except SchemaHasErrors as e:
        print_diagnostics(e.diagnostics, _source(args), sys.stderr, Severity.WARNING)
        print(f"error: {e.message}", file=sys.stderr)
        return e.exit_code
    except SchemadocError as e:
        print(f"error: {e.message}", file=sys.stderr)
        return e.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


def _source(args: argparse.Namespace) -> str | None:
    try:
        return load(args.doc).text if getattr(args, "doc", None) else None
    except SchemadocError:
        return None


if __name__ == "__main__":
    sys.exit(main())


__all__ = ["main", "json"]
