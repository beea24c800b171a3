"""schemadoc: a Markdown design document as the source of truth for a live PostgreSQL database.

The public API: `load` a document, `emit` its schema as DDL, `introspect` a live database into
the same model, and bring a document `up` on a server (the embedded one when no URL is given). A
`Project` (schemadoc.project) is a document with its database, read once; `schemadoc.commands` has
every command over it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

__version__ = "0.1.0"

from schemadoc.errors import Diagnostic, SchemadocError, Severity, Span
from schemadoc.introspect import introspect
from schemadoc.migrate.fresh import script as emit_script
from schemadoc.migrate.fresh import statements as emit
from schemadoc.migrate.up import UpResult, up
from schemadoc.model import Schema
from schemadoc.parse import LoadedDocument, load, loads
from schemadoc.project import Project

if TYPE_CHECKING:
    from pathlib import Path

    from schemadoc.kv.keyspaces import Keyspaces


def keyspaces(doc: str | Path | LoadedDocument, redis_url: str | None = None) -> Keyspaces:
    """The doc's Redis key layouts on a Redis (see schemadoc.kv.keyspaces); imported on first use."""
    from schemadoc.kv.keyspaces import keyspaces as bind

    return bind(doc, redis_url)


__all__ = [
    "Diagnostic",
    "LoadedDocument",
    "Project",
    "Schema",
    "SchemadocError",
    "Severity",
    "Span",
    "UpResult",
    "__version__",
    "emit",
    "emit_script",
    "introspect",
    "keyspaces",
    "load",
    "loads",
    "up",
]
