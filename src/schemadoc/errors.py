"""Positions, diagnostics and the one exception type schemadoc raises."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """A place in a source document: 1-based line and column; for a definition whose reader knows where it
    ends (a SQL statement, a Prisma model, an ORM class), its last line (0: not known)."""

    file: str
    line: int
    col: int = 1
    end_line: int = field(default=0, compare=False)

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


class Severity(enum.IntEnum):
    INFO = 0
    WARNING = 1
    ERROR = 2

    def __str__(self) -> str:
        return self.name.lower()


@dataclass(frozen=True, slots=True)
class Fix:
    """This finding can be repaired by `up --fix` (the fixer its code registers in lint/fixes.py), with what
    the repair needs to know."""

    description: str
    data: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Diagnostic:
    code: str
    severity: Severity
    message: str
    span: Span | None = None
    help: str | None = None
    fix: Fix | None = None
    related: tuple[Span, ...] = field(default=())

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "severity": str(self.severity),
            "message": self.message,
            "file": self.span.file if self.span else None,
            "line": self.span.line if self.span else None,
            "col": self.span.col if self.span else None,
            "help": self.help,
            "fix": self.fix.description if self.fix else None,
            "related": [str(s) for s in self.related],
        }


class SchemadocError(Exception):
    """Root of every error schemadoc raises on purpose; the CLI prints these without a traceback."""

    exit_code = 1

    def __init__(self, message: str, diagnostics: tuple[Diagnostic, ...] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.diagnostics = diagnostics


class DocumentError(SchemadocError):
    """The document cannot be read (missing, binary, too large)."""


class SchemaHasErrors(SchemadocError):
    """The document's schema has errors, so it is not applied."""


class DatabaseError(SchemadocError):
    """The database refused something; carries the SQLSTATE and, where known, the doc line."""

    def __init__(
        self,
        message: str,
        sqlstate: str | None = None,
        span: Span | None = None,
        diagnostics: tuple[Diagnostic, ...] = (),
    ) -> None:
        super().__init__(message, diagnostics)
        self.sqlstate = sqlstate
        self.span = span


class ServerError(SchemadocError):
    """The embedded PostgreSQL server could not be started or reached."""
