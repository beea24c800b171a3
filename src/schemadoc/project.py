"""The front door: one document read once, with its configuration, target database and Redis, for every command."""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import psycopg

from schemadoc import model as m
from schemadoc import parse
from schemadoc.config import Config, find_config
from schemadoc.errors import Diagnostic
from schemadoc.parse import LoadedDocument
from schemadoc.servers import postgres as server
from schemadoc.servers.database import connect, prepare, target_database, with_database


@dataclass(frozen=True, slots=True)
class Target:
    """The database the document is applied to: its server's URL, its name, and whether the server is the
    embedded one schemadoc runs."""

    server: str
    name: str
    embedded: bool

    @property
    def url(self) -> str:
        return with_database(self.server, self.name)


@dataclass(frozen=True, slots=True)
class Prepared:
    """The schema to apply (with the safe fixes when asked), the diagnostics left and the ones fixed."""

    schema: m.Schema
    remaining: list[Diagnostic]
    fixed: list[Diagnostic]


@dataclass
class Project:
    """A document and where it goes. The file is read and parsed once, on first use; every command of the
    library and the CLI takes the project rather than a path, so nothing parses the document again."""

    path: str
    database_url: str | None = None
    dbname: str | None = None
    fix: bool = False
    home_dir: Path | None = None
    _text: str | None = field(default=None, repr=False)
    _doc: LoadedDocument | None = field(default=None, repr=False)

    @classmethod
    def of(cls, doc: LoadedDocument, **options: Any) -> Project:
        """A project around a document already read (a library caller's, or a test's)."""
        return cls(str(doc.path), _text=doc.text, _doc=doc, **options)

    @property
    def text(self) -> str:
        """The document's text, read from disk once."""
        if self._text is None:
            self._text = parse.read_text(self.path)
        return self._text

    @property
    def doc(self) -> LoadedDocument:
        """The document as read: its schema, the statements that are not schema, its diagnostics."""
        if self._doc is None:
            self._doc = parse.loads(self.text, self.path)
            self._doc.postgres_version = self.config.postgres_version
        return self._doc

    def reread(self, text: str | None = None) -> LoadedDocument:
        """The document again, from `text` (the fixed text in memory) or from disk (after it was rewritten);
        what was derived from the old one is forgotten."""
        for derived in ("prepared", "fixed_doc"):
            self.__dict__.pop(derived, None)
        self._text = text
        self._doc = None
        return self.doc

    @cached_property
    def config(self) -> Config:
        return find_config(self.path)

    @property
    def home(self) -> Path:
        """Where the project's embedded servers live."""
        return self.home_dir if self.home_dir is not None else server.project_home(self.path)

    @cached_property
    def prepared(self) -> Prepared:
        """The schema to apply: SchemaHasErrors when the document has errors (the safe fixes made first with
        `fix`)."""
        return Prepared(*prepare(self.doc, self.fix))

    @property
    def schema(self) -> m.Schema:
        return self.prepared.schema

    @cached_property
    def fixed_doc(self) -> LoadedDocument:
        """The document; with `fix`, its schema and diagnostics after the safe fixes (what `up --fix` applies)."""
        if not self.fix:
            return self.doc
        return dataclasses.replace(self.doc, schema=self.prepared.schema, diagnostics=self.prepared.remaining)

    def use_database(self, name: str) -> None:
        """Aim at database `name` on the same server from now on."""
        self.dbname = name
        known = self.__dict__.get("target")
        if known is not None:  # same server: nothing to resolve again
            self.__dict__["target"] = Target(known.server, name, known.embedded)

    @cached_property
    def target(self) -> Target:
        """The database: --database-url / $DATABASE_URL's, else the one the doc names on the server it
        names, else on the embedded server (started when it is not running)."""
        return Target(*target_database(self.doc, self.database_url, self.dbname, self.home_dir))

    def connect(self, *, autocommit: bool = False) -> psycopg.Connection[Any]:
        """A connection to the target database (a clear error when it cannot be made)."""
        return connect(self.target.url, autocommit=autocommit, what=self.target.name)

    def redis_url(self, given: str | None = None) -> str | None:
        """`given`, $REDIS_URL, or the private Redis that `schemadoc up` started (when it is running)."""
        if given or os.environ.get("REDIS_URL"):
            return given or os.environ.get("REDIS_URL")
        from schemadoc.servers import redis as redis_server

        return redis_server.url(self.home / "redis")
