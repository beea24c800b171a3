"""What a document says once read: its schema, the statements that are not schema, its diagnostics,
its blocks and sections."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from schemadoc import model as m
from schemadoc.errors import Diagnostic, Severity
from schemadoc.parse.blocks import Block, Section
from schemadoc.parse.prisma import PrismaSchema
from schemadoc.parse.statements import Extra


@dataclass(slots=True)
class LoadedDocument:
    """What a document says: the schema, the statements that are not schema, and the diagnostics."""

    path: str
    text: str
    schema: m.Schema
    diagnostics: list[Diagnostic]
    extras: list[Extra] = field(default_factory=list)
    database_name: str | None = None
    prisma_conventions: bool = False
    blocks: list[Block] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)  # the Markdown's sections, for the site and the fixers
    prisma: PrismaSchema = field(default_factory=PrismaSchema)  # the doc's Prisma models, for its seed scripts
    # the oldest PostgreSQL the schema must run on, as its configuration says (set by whoever read that)
    postgres_version: int | None = None

    @property
    def uses_redis(self) -> bool:
        """Key layouts, or a Redis the doc runs beside PostgreSQL (a compose service, a REDIS_URL)."""
        return bool(self.schema.keyspaces) or bool(
            re.search(r"REDIS_URL\s*[=:]|image:\s*['\"]?redis\b|redis://", self.text, re.I)
        )

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == Severity.ERROR]
