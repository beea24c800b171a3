"""Read a design document, in every format it uses, into one Schema with positioned diagnostics."""

from __future__ import annotations

from pathlib import Path

from schemadoc.errors import DocumentError
from schemadoc.parse.deep import deep
from schemadoc.parse.loaded import LoadedDocument
from schemadoc.parse.loader import read_document

MAX_DOCUMENT_BYTES = 5 * 1024 * 1024


def read_text(path: str | Path) -> str:
    p = Path(path)
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise DocumentError(f"{p}: no such file") from None
    except IsADirectoryError:
        raise DocumentError(f"{p}: is a directory, not a document") from None
    except OSError as e:
        raise DocumentError(f"{p}: cannot read: {e.strerror}") from None
    if len(raw) > MAX_DOCUMENT_BYTES:
        raise DocumentError(
            f"{p}: document is {len(raw) / 1048576:.1f} MB; schemadoc reads design documents of up to "
            f"{MAX_DOCUMENT_BYTES // 1048576} MB (split it, or pass the schema part only)"
        )
    if b"\x00" in raw:
        raise DocumentError(f"{p}: binary data (NUL bytes), not a Markdown document")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise DocumentError(f"{p}: not UTF-8 text (invalid byte at offset {e.start})") from None
    if not text.strip():
        raise DocumentError(f"{p}: document is empty")
    return text


def load(path: str | Path) -> LoadedDocument:
    """Read the document at `path`, with what its configuration (schemadoc.toml, pyproject.toml) says of
    the PostgreSQL it targets. Raises DocumentError only when it cannot be read at all."""
    from schemadoc.config import find_config

    doc = loads(read_text(path), str(path))
    doc.postgres_version = find_config(path).postgres_version
    return doc


def document(doc: str | Path | LoadedDocument) -> LoadedDocument:
    """`doc` read from its path, unless it already was: library calls take either."""
    return doc if isinstance(doc, LoadedDocument) else load(doc)


def loads(text: str, path: str = "<doc>") -> LoadedDocument:
    """Read a document's text. A whole file in one schema format (schema.prisma, db.dbml, schema.sql) is
    one block of that format."""
    return deep(lambda: read_document(text, path))


__all__ = ["MAX_DOCUMENT_BYTES", "LoadedDocument", "document", "load", "loads", "read_text"]
