"""The `schemadoc` command: each subcommand is one library call, its output and an exit code.

Exit codes: 0 success / clean, 1 errors found or the command failed, 2 drift (or a usage error),
3 a plan that destroys data was refused (--allow-data-loss lets it through).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

import psycopg

from schemadoc.cli.common import print_json, project_of
from schemadoc.cli.parser import build_parser
from schemadoc.errors import SchemadocError, SchemaHasErrors, Severity
from schemadoc.report import print_diagnostics
from schemadoc.servers.urls import normalize as normalize_url


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
    except psycopg.Error as e:  # a statement PostgreSQL refused that no command caught: one line, no traceback
        where = f" ({e.diag.context.strip().splitlines()[0]})" if e.diag.context else ""
        message = (str(e).strip().splitlines() or ["(no message)"])[0]
        return _failed(args, SchemadocError(f"PostgreSQL refused it: {message}{where} [SQLSTATE {e.sqlstate}]"))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


def _failed(args: argparse.Namespace, e: SchemadocError) -> int:
    """The error on stderr; with --format json, also as JSON on stdout, so a script reads every outcome."""
    print(f"error: {e.message}", file=sys.stderr)
    if getattr(args, "format", None) == "json":
        print_json(
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

            named = from_variables(connection_variables(project_of(args).text), os.environ)
            if named is not None:
                for note in named.notes:
                    print(f"note: {note}", file=sys.stderr)
                args.database_url = project_of(args).database_url = named.conninfo
        return
    url = normalize_url(given)
    for note in url.notes:
        print(f"note: DATABASE_URL {note}", file=sys.stderr)
    args.database_url = url.conninfo
    if getattr(args, "project", None) is not None:
        args.project.database_url = url.conninfo


def _source(args: argparse.Namespace) -> str | None:
    try:
        return project_of(args).text if getattr(args, "doc", None) else None
    except SchemadocError:
        return None


__all__ = ["build_parser", "main"]
