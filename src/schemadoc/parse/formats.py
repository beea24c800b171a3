"""The formats a design document's code blocks come in: how each is recognised.

A block is given to a format's reader by its fence's language (```dbml), by the file's extension when a
whole file is the document (schema.prisma), or by its content when it has neither (an unlabelled fence,
schema code pasted without one). Adding a format is one reader module, one entry here and its fixtures.
The order matters for content: the first format whose `sniff` accepts a block reads it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from schemadoc.parse.dbml import looks_like_dbml
from schemadoc.parse.laravel import looks_like_laravel
from schemadoc.parse.mermaid import is_er_diagram
from schemadoc.parse.outline import looks_like_outline
from schemadoc.parse.pyorm import looks_like_models
from schemadoc.parse.tsorm import looks_like_orm


@dataclass(frozen=True, slots=True)
class Format:
    name: str
    languages: frozenset[str]
    extensions: frozenset[str]
    sniff: Callable[[str], bool]
    kinds: frozenset[str] = frozenset({"fence"})  # the document blocks it reads: code, Markdown tables, lists


_SQL_WORDS = re.compile(r"^\s*(CREATE|ALTER|COMMENT\s+ON|GRANT)\b", re.I | re.M)
_PRISMA = re.compile(r"^\s*(model|enum)\s+\w+\s*\{\s*$", re.M)
_REDIS_KEY = re.compile(r"^\s*Key\s*:\s*\S+", re.I | re.M)
# SQL dialects other than PostgreSQL: read by the same SQL reader, which translates what PostgreSQL rejects
SQL_DIALECTS = {"mysql": "mysql", "mariadb": "mysql", "sqlite": "sqlite", "sqlite3": "sqlite", "tsql": "tsql",
                "mssql": "tsql", "sqlserver": "tsql", "t-sql": "tsql", "oracle": "oracle", "plsql": "oracle"}  # fmt: skip

FORMATS = (
    Format("mermaid", frozenset({"mermaid"}), frozenset({".mmd", ".mermaid"}), is_er_diagram),
    Format("redis", frozenset({"redis"}), frozenset(), lambda text: bool(_REDIS_KEY.search(text))),
    Format("dbml", frozenset({"dbml"}), frozenset({".dbml"}), looks_like_dbml),
    Format("prisma", frozenset({"prisma"}), frozenset({".prisma"}), lambda text: bool(_PRISMA.search(text))),
    Format("python", frozenset({"python", "py", "python3"}), frozenset({".py"}), looks_like_models),
    Format(
        "typescript",
        frozenset({"typescript", "ts", "tsx", "javascript", "js", "jsx", "mjs", "cjs", "node"}),
        frozenset({".ts", ".tsx", ".js", ".mjs", ".cjs"}),
        looks_like_orm,
    ),
    Format("php", frozenset({"php", "laravel"}), frozenset({".php"}), looks_like_laravel),
    Format(
        "sql",
        frozenset({"sql", "postgresql", "postgres", "psql", "pgsql", "plpgsql", "ddl", *SQL_DIALECTS}),
        frozenset({".sql", ".ddl", ".psql", ".pgsql"}),
        lambda text: bool(_SQL_WORDS.search(text)),
    ),
    Format("outline", frozenset(), frozenset(), looks_like_outline),
    # Markdown's own blocks: a table of columns (parse/table.py), a list of columns or SQL column
    # definitions (parse/table.py, parse/pseudo.py); each reader decides whether its block describes a table
    Format("markdown_table", frozenset(), frozenset(), lambda text: True, frozenset({"table"})),
    Format("prose", frozenset(), frozenset(), lambda text: True, frozenset({"list"})),
)
_CODE = tuple(f for f in FORMATS if "fence" in f.kinds)
BY_NAME = {f.name: f for f in FORMATS}


def by_language(language: str) -> Format | None:
    return next((f for f in _CODE if language in f.languages), None)


def by_extension(suffix: str) -> Format | None:
    return next((f for f in _CODE if suffix.lower() in f.extensions), None)


def sniff(text: str) -> Format | None:
    """The format of a code block that does not say: the first that recognises its content."""
    return next((f for f in _CODE if f.sniff(text)), None)


def by_kind(kind: str) -> Format | None:
    """The reader of a Markdown block that is not code (a table, a list)."""
    return next((f for f in FORMATS if kind in f.kinds and kind != "fence"), None)
