"""Our JSON-built syntax trees equal pglast.parse_sql's, attribute for attribute, locations included."""

from __future__ import annotations

from pathlib import Path

import pglast
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pglast import ast

from schemadoc.parse.blocks import split_blocks
from schemadoc.parse.fastast import parse_sql as fast_parse
from schemadoc.parse.statements import statement_ranges

from .conftest import CORPUS, SEEDS

HERE = Path(__file__).parent


def differences(a: object, b: object, path: str = "") -> list[str]:
    if type(a) is not type(b):
        return [f"{path}: {type(a).__name__} != {type(b).__name__}"]
    if isinstance(a, ast.Node):
        return [d for k in a.__slots__ for d in differences(getattr(a, k), getattr(b, k), f"{path}.{k}")]
    if isinstance(a, tuple):
        if len(a) != len(b):  # type: ignore[arg-type]
            return [f"{path}: length {len(a)} != {len(b)}"]  # type: ignore[arg-type]
        return [d for i, (x, y) in enumerate(zip(a, b, strict=True)) for d in differences(x, y, f"{path}[{i}]")]
    return [] if a == b else [f"{path}: {a!r} != {b!r}"]


def sql_texts() -> list[str]:
    docs = list(SEEDS.values()) + sorted(CORPUS.glob("*.md")) + sorted(HERE.glob("test_*.py"))
    texts = []
    for doc in docs:
        for block in split_blocks(str(doc), doc.read_text(errors="replace")).blocks:
            if block.kind == "fence":
                texts.append(block.text)
                texts += [block.text[s:e] for s, e in statement_ranges(block.text)]
    return texts


def test_trees_equal_pglast_on_every_document_statement() -> None:
    compared = 0
    for text in sql_texts():
        try:
            expected = pglast.parse_sql(text)
        except pglast.parser.ParseError:
            with pytest.raises(pglast.parser.ParseError):
                fast_parse(text)
            continue
        assert differences(expected, fast_parse(text)) == [], text[:200]
        compared += 1
    assert compared > 200


_WORDS = [
    "CREATE",
    "TABLE",
    "t",
    "(",
    ")",
    "id",
    "int",
    "PRIMARY KEY",
    ",",
    "DEFAULT",
    "now()",
    "CHECK",
    "id > 0",
    "REFERENCES",
    "u(id)",
    "ON DELETE CASCADE",
    ";",
    "INDEX",
    "ON",
    "USING gin",
    "WHERE",
    "x IS NULL",
    "SELECT",
    "1",
    "'a'",
    "FROM",
    "GRANT",
    "ALL",
    "TO",
    "public",
    "VIEW",
    "AS",
    "$$x$$",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_WORDS), max_size=25))
def test_trees_equal_pglast_on_random_statements(words: list[str]) -> None:
    text = " ".join(words)
    try:
        expected = pglast.parse_sql(text)
    except pglast.parser.ParseError:
        return
    assert differences(expected, fast_parse(text)) == []


def test_locations_count_characters_not_bytes() -> None:
    """libpg_query counts UTF-8 bytes; a doc with accents or dashes must still cut statements right."""
    text = "-- café — menu\nCREATE TABLE a (x int, \"ü\" text CHECK (length('ééé') > 0)); -- ü\nCREATE TABLE b (y int);"
    assert differences(fast_parse(text), pglast.parse_sql(text)) == []
    stmts = fast_parse(text)
    assert text[stmts[1].stmt_location :].startswith("CREATE TABLE b")


def test_nil_inside_a_list_becomes_none() -> None:
    text = "INSERT INTO t SELECT g FROM generate_series(1, 10) g"
    assert differences(fast_parse(text), pglast.parse_sql(text)) == []
