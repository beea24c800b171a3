"""schemadoc: a Markdown design document as the source of truth for a live PostgreSQL database."""

from __future__ import annotations

from schemadoc.errors import Diagnostic, SchemadocError, Severity, Span
from schemadoc.parse import LoadedDocument, load, loads

__all__ = ["Diagnostic", "LoadedDocument", "SchemadocError", "Severity", "Span", "load", "loads"]
