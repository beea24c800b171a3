"""Print diagnostics like a compiler: position, severity and code, the source line, a caret, help."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable
from typing import TextIO

from schemadoc.errors import Diagnostic, Severity

_COLOURS = {Severity.ERROR: "\033[1;31m", Severity.WARNING: "\033[1;33m", Severity.INFO: "\033[1;36m"}
_RESET = "\033[0m"


def use_colour(stream: TextIO) -> bool:
    return stream.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


def format_diagnostic(d: Diagnostic, source: str | None, colour: bool = False) -> str:
    where = f"{d.span}: " if d.span else ""
    sev = str(d.severity)
    if colour:
        sev = f"{_COLOURS[d.severity]}{sev}{_RESET}"
    lines = [f"{where}{sev}[{d.code}]: {d.message}"]
    if d.span is not None and source is not None:
        src_lines = source.splitlines()
        if 0 < d.span.line <= len(src_lines):
            text = src_lines[d.span.line - 1]
            gutter = str(d.span.line)
            lines.append(f"{' ' * len(gutter)} |")
            lines.append(f"{gutter} | {text}")
            lines.append(f"{' ' * len(gutter)} | {' ' * (d.span.col - 1)}^")
    for r in d.related:
        lines.append(f"  note: see also {r}")
    if d.help:
        lines.append(f"  help: {d.help}")
    if d.fix is not None:
        lines.append(f"  fix: {d.fix.description} (schemadoc up --fix)")
    return "\n".join(lines)


def print_diagnostics(
    diagnostics: Iterable[Diagnostic],
    source: str | None,
    stream: TextIO = sys.stderr,
    min_severity: Severity = Severity.INFO,
) -> None:
    colour = use_colour(stream)
    for d in diagnostics:
        if d.severity >= min_severity:
            print(format_diagnostic(d, source, colour), file=stream)
            print(file=stream)


def summary(diagnostics: list[Diagnostic]) -> str:
    counts = {s: sum(1 for d in diagnostics if d.severity == s) for s in Severity}
    return f"{counts[Severity.ERROR]} error(s), {counts[Severity.WARNING]} warning(s), {counts[Severity.INFO]} note(s)"


def as_json(diagnostics: list[Diagnostic]) -> str:
    return json.dumps([d.as_dict() for d in diagnostics], indent=2)
