"""What every command of the CLI shares: its Project, JSON output, usage errors and the help texts."""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path

from schemadoc.errors import SchemadocError
from schemadoc.project import Project
from schemadoc.servers import postgres as server


def print_json(value: object) -> None:
    print(json.dumps(value, indent=2, default=str))


def home_of(args: argparse.Namespace | None = None) -> Path:
    """Where the project's embedded servers live: $SCHEMADOC_HOME, else .schemadoc/ at the root of the
    project holding the doc (or the current directory, for commands without one)."""
    return server.project_home(getattr(args, "doc", None))


def project_of(args: argparse.Namespace) -> Project:
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


# exit codes: 0 clean, 1 errors found or a command failed, 2 drift (the database differs from the doc),
# 3 a destructive change refused, 64 the command line itself is wrong (sysexits' EX_USAGE)
EXIT_USAGE = 64


class UsageError(SchemadocError):
    """The command line is wrong in a way argparse cannot see."""

    exit_code = EXIT_USAGE


def wants_json(argv: Sequence[str]) -> bool:
    """--format json / --format=json on the command line (read before or without a parse)."""
    argv = list(argv)
    return "--format=json" in argv or any(a == "--format" and b == "json" for a, b in zip(argv, argv[1:], strict=False))


DOC_HELP = "the design document (Markdown, or a whole .sql/.prisma/.dbml/.py/.ts/.php file)"


# one meaning everywhere: the document with its safe fixes applied in memory (the file is left as it is;
# `check --write` rewrites it)
FIX_HELP = "use the document with its safe fixes applied in memory, as `up --fix` applies it (the file is not changed)"
