"""The REST builder cannot emit a request's text as SQL: only identifiers the schema cache holds, bound
values, and text written in the builder itself.

Two checks. Structurally: every `sql.SQL(...)` in the REST package takes a string literal (or a choice
between literals), or one of a few reviewed lookups in fixed tables of the builder's own words; a new
dynamic use fails here until it is reviewed. By property (hypothesis): `select`, `order`, filter and
JSON-path strings made of SQL keywords, quotes, comments, casts and punctuation either are refused
(QueryError / ApiError) or build a statement whose every SQL fragment is a piece of the builder's own
literals — and PostgreSQL never finds a syntax error in it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from psycopg import sql

import schemadoc.rest
from schemadoc.rest.build import Builder
from schemadoc.rest.cache import SchemaCache
from schemadoc.rest.query import QueryError, parse
from schemadoc.rest.statement import ApiError

from .conftest import scratch_database

REST = Path(schemadoc.rest.__file__).parent
GOLDEN_SCHEMA = Path(__file__).parent / "rest_golden" / "schema.sql"

# The reviewed non-literal arguments of sql.SQL: lookups in the builder's fixed tables, keyed by what
# the parser admitted; and the catalog's own text of a column default (pg_get_expr).
REVIEWED = {
    ("build.py", "_SIMPLE[op.op]"),
    ("build.py", "_FTS[op.op]"),
    ("build.py", "_IS[str(op.value)]"),
    ("build.py", "_WORDS[step.arrow]"),
    ("build.py", "_WORDS[op.quantifier]"),
    ("build.py", "_WORDS[t.direction or 'asc']"),
    ("build.py", "_WORDS[t.nulls]"),
    ("cache.py", "self.default.replace('%', '%%')"),
}


def _literal(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    return isinstance(node, ast.IfExp) and _literal(node.body) and _literal(node.orelse)


def _dynamic_sql() -> set[tuple[str, str]]:
    found = set()
    for path in REST.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and ast.unparse(node.func) in ("sql.SQL", "SQL"):
                found |= {(path.name, ast.unparse(a)) for a in node.args if not _literal(a)}
    return found


def test_sql_text_only_from_the_builder() -> None:
    assert _dynamic_sql() == REVIEWED


def test_the_structural_check_can_fail(tmp_path: Path) -> None:
    """The AST walk finds the kind of line that let a cast through (sql.SQL of parsed text)."""
    code = "from psycopg import sql\ndef f(item):\n    return sql.SQL(item.cast)\n"
    tree = ast.parse(code)
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and ast.unparse(n.func) == "sql.SQL"]
    assert [ast.unparse(a) for c in calls for a in c.args if not _literal(a)] == ["item.cast"]


def _builder_literals() -> list[str]:
    out = []
    for name in ("build.py", "cache.py"):
        for node in ast.walk(ast.parse((REST / name).read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                out.append(node.value)
    return out


LITERALS = _builder_literals()


def _fragments(part: Any) -> Iterator[str]:
    """The SQL text pieces of a composed statement (identifiers and placeholders are not text)."""
    if isinstance(part, sql.Composed):
        for p in part._obj:  # psycopg keeps the parts here (no public accessor)
            yield from _fragments(p)
    elif isinstance(part, sql.SQL):
        yield part.as_string(None)


def _foreign(stmt: sql.Composable) -> list[str]:
    """Fragments that are no piece of the builder's literals (after un-escaping a literal's %%)."""
    return [f for f in _fragments(stmt) if f and not any(f in lit or f in lit.replace("%", "%%") for lit in LITERALS)]


class _Golden(tuple[psycopg.Connection[Any], SchemaCache]):
    def __repr__(self) -> str:  # hypothesis prints its arguments: not the whole schema cache
        return "golden"


@pytest.fixture(scope="module")
def golden(server_url: str) -> Iterator[tuple[psycopg.Connection[Any], SchemaCache]]:
    with scratch_database(server_url) as db, psycopg.connect(db, autocommit=True) as conn:
        conn.execute(GOLDEN_SCHEMA.read_text(encoding="utf-8"))  # type: ignore[arg-type]
        yield _Golden((conn, SchemaCache.load(conn)))


_TOKENS = [
    "name", "age", "json_data", "tags", "id", "films", "directors", "pg_shadow", "pg_settings",
    " ", ",", ".", ":", "::", "->", "->>", "(", ")", "!", "*", "'", '"', "\\", ";", "--", "/*", "*/", "$$",
    "E'", "text", "int", "text[]", "double precision", "SELECT", "FROM", "UNION", "CROSS JOIN", "OR 1=1",
    "pg_sleep(10)", "asc", "desc", "nullsfirst", "eq", "in", "is", "null", "not", "any", "inner", "0", "-1",
]  # fmt: skip
_text = st.lists(st.sampled_from(_TOKENS), min_size=1, max_size=12).map("".join)


def _check(conn: psycopg.Connection[Any], cache: SchemaCache, relation: str, query: str) -> None:
    try:
        stmt = Builder(cache, "public").read(relation, parse(query))
    except (QueryError, ApiError):
        return  # refused before any SQL: a 4xx
    assert isinstance(stmt.query, sql.Composed)
    assert _foreign(stmt.query) == [], query
    try:
        with conn.transaction():
            conn.execute("SET LOCAL statement_timeout = '2s'")
            conn.execute(stmt.query, stmt.params)
    except psycopg.Error as e:
        assert e.sqlstate not in ("42601", "42P02"), (query, e)  # a syntax error: text the builder did not write


_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@_SETTINGS
@given(text=_text)
def test_select_and_order_strings(golden: tuple[psycopg.Connection[Any], SchemaCache], text: str) -> None:
    conn, cache = golden
    from urllib.parse import quote

    for query in (
        "select=" + quote(text),
        "select=" + quote("name," + text),
        "order=" + quote(text),
        "order=" + quote("name." + text),
    ):
        _check(conn, cache, "people", query)
    _check(conn, cache, "films", "select=" + quote(f"title,directors({text})"))


@_SETTINGS
@given(key=_text, value=_text)
def test_filter_and_json_path_strings(
    golden: tuple[psycopg.Connection[Any], SchemaCache], key: str, value: str
) -> None:
    conn, cache = golden
    from urllib.parse import quote

    _check(conn, cache, "people", quote(key) + "=eq." + quote(value))
    _check(conn, cache, "people", "json_data->" + quote(key) + "=eq." + quote(value))
    _check(conn, cache, "people", "select=" + quote("json_data->" + key + "->>" + value))
    _check(conn, cache, "people", "or=" + quote(f"({key}.eq.{value},name.{value})"))


def test_the_property_can_fail(golden: tuple[psycopg.Connection[Any], SchemaCache]) -> None:
    """The fragment check catches request text pasted into SQL (what the old cast did)."""
    leaked = sql.SQL("SELECT {}::{}").format(sql.Identifier("x"), sql.SQL("text FROM pg_shadow"))
    assert _foreign(leaked) == ["text FROM pg_shadow"]


@pytest.mark.parametrize(
    "cast",
    [
        "text FROM pg_settings pgrst_1 UNION SELECT name",
        "text) FROM pg_shadow --",
        'text"',
        "int4; DROP TABLE people",
        "nosuchtype",
        "pg_shadow",
    ],
)
def test_cast_payloads_are_refused(golden: tuple[psycopg.Connection[Any], SchemaCache], cast: str) -> None:
    conn, cache = golden
    from urllib.parse import quote

    with pytest.raises((ApiError, QueryError)):
        Builder(cache, "public").read("people", parse("select=" + quote("name::" + cast)))


def test_casts_name_catalog_types(golden: tuple[psycopg.Connection[Any], SchemaCache]) -> None:
    conn, cache = golden
    from urllib.parse import quote

    stmt = Builder(cache, "public").read(
        "people", parse("select=" + quote("id::text,age::int,grade::double precision,tags::text[],range::INT4RANGE"))
    )
    text = stmt.query.as_string(conn) if isinstance(stmt.query, sql.Composed) else ""
    for rendered in ('"pg_catalog"."text"', '"pg_catalog"."int4"', '"pg_catalog"."float8"', '"pg_catalog"."text"[]',
                     '"pg_catalog"."int4range"'):  # fmt: skip
        assert rendered in text
    body = conn.execute(stmt.query, stmt.params).fetchone()
    assert body is not None and '"grade":95' in body[2] and '"tags":["new","example"]' in body[2]
