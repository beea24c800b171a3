"""Lint: rules a senior PostgreSQL reviewer applies to a design document, each a small pure function.

A rule has a stable code, a severity, a one-paragraph explanation with the PostgreSQL fact behind
it, and fixture documents under tests/lint/<CODE>/ (bad.md triggers it, good.md does not). Rules
read the model only; they never touch a database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from schemadoc.errors import Diagnostic, Severity, Span
from schemadoc.parse import LoadedDocument


@dataclass(frozen=True, slots=True)
class Finding:
    message: str
    span: Span | None
    help: str | None = None


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    name: str
    severity: Severity
    family: str
    explanation: str
    check: Callable[[LoadedDocument], Iterable[Finding]]


RULES: dict[str, Rule] = {}


def rule(
    code: str, name: str, severity: Severity, family: str, explanation: str
) -> Callable[[Callable[[LoadedDocument], Iterable[Finding]]], Callable[[LoadedDocument], Iterable[Finding]]]:
    """Register a rule function under its code."""

    def register(fn: Callable[[LoadedDocument], Iterable[Finding]]) -> Callable[[LoadedDocument], Iterable[Finding]]:
        assert code not in RULES, f"rule {code} registered twice"
        RULES[code] = Rule(code, name, severity, family, " ".join(explanation.split()), fn)
        return fn

    return register


def lint(doc: LoadedDocument, select: Iterable[str] | None = None) -> list[Diagnostic]:
    """Every finding of every (selected) rule, as diagnostics."""
    _load_rules()
    wanted = set(select) if select is not None else None
    out: list[Diagnostic] = []
    for r in RULES.values():
        if wanted is not None and r.code not in wanted:
            continue
        for f in r.check(doc):
            out.append(Diagnostic(r.code, r.severity, f.message, f.span, help=f.help))
    return out


def check(doc: LoadedDocument) -> list[Diagnostic]:
    """What `schemadoc check` reports: the reader's diagnostics and every rule's, in document order,
    less what a `<!-- schemadoc: disable=SD301 -->` directive turns off for the block after it."""
    from schemadoc.parse.deep import deep

    found = [d for d in list(doc.diagnostics) + deep(lambda: lint(doc)) if not disabled(doc, d)]
    return sorted(found, key=lambda d: (d.span.line if d.span else 0, d.span.col if d.span else 0, d.code))


def disabled(doc: LoadedDocument, d: Diagnostic) -> bool:
    if d.span is None:
        return False
    for block in doc.blocks:
        codes = block.directives.get("disable")
        if codes is None or not (block.line - 1 <= d.span.line <= max(block.end_line, block.line) + 1):
            continue
        if codes == "" or any(d.code.startswith(c.strip().upper()) for c in codes.split(",") if c.strip()):
            return True
    return False


def rules() -> Iterator[Rule]:
    _load_rules()
    yield from sorted(RULES.values(), key=lambda r: r.code)


def _load_rules() -> None:
    from schemadoc.lint import consistency, datatypes, design, indexes, keyspaces, runtime, security, structure  # noqa: F401
