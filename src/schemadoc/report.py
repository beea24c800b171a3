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
        src_lines = source.split("\n")  # lines as the reader counts them
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


_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def as_sarif(diagnostics: list[Diagnostic], rules: dict[str, tuple[str, str]], version: str) -> str:
    """SARIF 2.1.0 for code-scanning UIs; `rules` maps a code to (name, explanation)."""
    used = sorted({d.code for d in diagnostics})
    return json.dumps(
        {
            "version": "2.1.0",
            "runs": [
                {
                    "tool": {
                        "driver": {
                            "name": "schemadoc",
                            "version": version,
                            "rules": [
                                {
                                    "id": code,
                                    "name": rules.get(code, (code, ""))[0],
                                    "shortDescription": {"text": rules.get(code, (code, ""))[0]},
                                    "fullDescription": {"text": rules.get(code, ("", code))[1] or code},
                                }
                                for code in used
                            ],
                        }
                    },
                    "results": [
                        {
                            "ruleId": d.code,
                            "level": _SARIF_LEVEL[d.severity],
                            "message": {"text": d.message + (f" (help: {d.help})" if d.help else "")},
                            "locations": [
                                {
                                    "physicalLocation": {
                                        "artifactLocation": {"uri": d.span.file},
                                        "region": {"startLine": d.span.line, "startColumn": d.span.col},
                                    }
                                }
                            ]
                            if d.span
                            else [],
                        }
                        for d in diagnostics
                    ],
                }
            ],
        },
        indent=2,
    )


def as_github(diagnostics: list[Diagnostic]) -> str:
    """GitHub Actions workflow commands: one annotation per finding."""
    kind = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}

    def esc(text: str) -> str:
        return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

    lines = []
    for d in diagnostics:
        where = f" file={d.span.file},line={d.span.line},col={d.span.col}," if d.span else " "
        lines.append(f"::{kind[d.severity]}{where}title={d.code}::{esc(d.message)}")
    return "\n".join(lines)
