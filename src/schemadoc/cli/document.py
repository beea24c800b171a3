"""The commands on the document alone: check, rules, rule, sql, diagram, docs (and inspect, its converse)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from schemadoc import __version__, commands
from schemadoc.cli.common import home_of, print_json, project_of
from schemadoc.docs.render import schema_as_json, schema_as_markdown
from schemadoc.errors import SchemadocError, Severity
from schemadoc.lint import check
from schemadoc.lint.catalogue import entries, entry
from schemadoc.migrate.fresh import script
from schemadoc.report import as_github, as_json, as_sarif, print_diagnostics, summary
from schemadoc.servers.database import server_url, with_database


def cmd_check(args: argparse.Namespace) -> int:
    project = project_of(args)
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
    if found.fix:
        print(f"\nfix: {found.fix}")
    return 0


def _rule_dict(r: Any) -> dict[str, str | None]:
    return {
        "code": r.code,
        "name": r.name,
        "severity": str(r.severity),
        "family": r.family,
        "explanation": r.explanation,
        "fix": r.fix,
    }


def cmd_sql(args: argparse.Namespace) -> int:
    project = project_of(args)
    schema, remaining = project.prepared.schema, project.prepared.remaining
    if args.format == "json":
        from schemadoc.migrate.fresh import statements

        print_json(
            {
                "statements": [{"sql": st.sql, "line": st.span.line if st.span else None} for st in statements(schema)],
                "diagnostics": [d.as_dict() for d in remaining],
            }
        )
        return 0
    print_diagnostics(remaining, project.text, sys.stderr, Severity.WARNING)
    sys.stdout.write(script(schema))
    return 0


def cmd_diagram(args: argparse.Namespace) -> int:
    from schemadoc.docs.diagram import render as draw

    project = project_of(args)
    data = draw(project.prepared.schema, args.format, project.doc)
    if args.out:
        with open(args.out, "wb") as fh:
            fh.write(data)
        print(f"wrote {args.out}", file=sys.stderr)
    else:
        sys.stdout.buffer.write(data)
    return 0


def cmd_docs(args: argparse.Namespace) -> int:
    from schemadoc.docs.site import build

    project = project_of(args)
    doc = project.fixed_doc
    findings = project.config.apply(check(doc))
    written = build(doc, findings, args.out)
    print(f"wrote {len(written)} files to {args.out}/ (open {args.out}/index.html)", file=sys.stderr)
    if args.format == "json":
        print_json(
            {"out": str(args.out), "index": str(Path(args.out) / "index.html"), "files": [str(p) for p in written]}
        )
    return 0


def cmd_inspect(args: argparse.Namespace) -> int:
    url, _ = server_url(args.database_url, home_of(args))
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
