"""Every format a design document's schema comes in, one fixture directory each (tests/formats/<format>/):
a document (Markdown, or a whole file of the format) and, beside it, `<case>.expected.json` — the catalog
`up` must build, written by hand from what the format's own tool would create, never from our output."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import psycopg
import pytest

import schemadoc

FORMATS_DIR = Path(__file__).parent / "formats"
CASES = sorted(p for p in FORMATS_DIR.rglob("*") if p.is_file() and not p.name.endswith(".json"))


def catalog(db: str) -> dict[str, Any]:
    """The public schema as the expected files write it: per table its columns' types, NOT NULL
    columns, primary key, unique keys and foreign keys; enums; indexes (name -> table)."""
    with psycopg.connect(db) as conn:
        tables: dict[str, Any] = {}
        for t, c, typ, notnull in conn.execute(
            "SELECT cl.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull "
            "FROM pg_attribute a JOIN pg_class cl ON cl.oid = a.attrelid JOIN pg_namespace n ON n.oid = cl.relnamespace "
            "WHERE n.nspname = 'public' AND cl.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped "
            "ORDER BY cl.relname, a.attnum"
        ):
            entry = tables.setdefault(
                t, {"columns": {}, "not_null": [], "primary_key": [], "unique": [], "foreign_keys": []}
            )
            entry["columns"][c] = typ.replace('"', "")
            if notnull:
                entry["not_null"].append(c)
        for t, kind, cols, ref, refcols, ondelete in conn.execute(
            "SELECT cl.relname, con.contype::text, "
            "(SELECT array_agg(a.attname ORDER BY k.o) FROM unnest(con.conkey) WITH ORDINALITY k(n, o) "
            " JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n), "
            "rf.relname, (SELECT array_agg(a.attname ORDER BY k.o) FROM unnest(con.confkey) WITH ORDINALITY k(n, o) "
            " JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n), "
            "CASE con.confdeltype WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL' WHEN 'r' THEN 'RESTRICT' "
            " WHEN 'd' THEN 'SET DEFAULT' ELSE 'NO ACTION' END "
            "FROM pg_constraint con JOIN pg_class cl ON cl.oid = con.conrelid "
            "JOIN pg_namespace n ON n.oid = cl.relnamespace LEFT JOIN pg_class rf ON rf.oid = con.confrelid "
            "WHERE n.nspname = 'public' AND con.contype IN ('p', 'u', 'f') ORDER BY 1, 2, 3"
        ):
            entry = tables[t]
            if kind == "p":
                entry["primary_key"] = list(cols)
            elif kind == "u":
                entry["unique"].append(list(cols))
            else:
                entry["foreign_keys"].append([list(cols), ref, list(refcols), ondelete])
        for entry in tables.values():
            entry["not_null"].sort()
            entry["unique"].sort()
            entry["foreign_keys"].sort()
        enums: dict[str, list[str]] = {}
        for name, label in conn.execute(
            "SELECT t.typname, e.enumlabel FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid "
            "JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = 'public' ORDER BY t.typname, e.enumsortorder"
        ):
            enums.setdefault(name, []).append(label)
        indexes = dict(
            conn.execute(
                "SELECT i.indexname, i.tablename FROM pg_indexes i WHERE i.schemaname = 'public' AND NOT EXISTS "
                "(SELECT FROM pg_constraint c WHERE c.conname = i.indexname)"
            ).fetchall()
        )
    return {"tables": tables, "enums": enums, "indexes": indexes}


@pytest.mark.parametrize("doc", CASES, ids=[str(p.relative_to(FORMATS_DIR)) for p in CASES])
def test_format(doc: Path, fresh_db: str) -> None:
    expected = json.loads(doc.with_name(doc.name.split(".")[0] + ".expected.json").read_text(encoding="utf-8"))
    loaded = schemadoc.load(doc)
    errors = [d for d in loaded.diagnostics if d.severity >= schemadoc.Severity.ERROR]
    assert errors == [], errors
    unread = [d for d in loaded.diagnostics if d.code == "SD002"]  # every block of the fixture was read
    assert unread == [], unread
    schemadoc.up(doc, fresh_db)
    got = catalog(fresh_db)
    for part in ("tables", "enums", "indexes"):
        if part in expected:
            assert got[part] == expected[part], part


def test_every_registered_format_has_a_reader_and_fixtures() -> None:
    """The registry (parse/formats.py) is the one list of formats: each has its reader, and each code
    format has a fixture directory here."""
    from schemadoc.parse.formats import FORMATS
    from schemadoc.parse.loader import Loader as _Loader

    for f in FORMATS:
        assert callable(getattr(_Loader, f"read_{f.name}", None)), f.name
    fixtures = {p.name for p in FORMATS_DIR.iterdir() if p.is_dir()}
    covered = {"python": "python", "typescript": "typescript", "php": "laravel", "markdown_table": "markdown-table",
               "prose": "prose", "sql": "sql", "prisma": "prisma", "dbml": "dbml", "mermaid": "mermaid",
               "outline": "outline"}  # fmt: skip
    for f in FORMATS:
        if f.name != "redis":  # Redis key layouts: tests/test_keyspaces.py
            assert covered[f.name] in fixtures, f.name


def test_the_list_of_pg_catalog_types_is_the_servers(fresh_db: str) -> None:
    """schemadoc.types.PG_CATALOG_TYPES (the names a bare type reference finds in pg_catalog first) holds every
    type of this server's pg_catalog, arrays and catalog row types aside; older servers lack only multiranges."""
    from schemadoc.types import PG_CATALOG_TYPES

    with psycopg.connect(fresh_db) as conn:
        names = {
            r[0]
            for r in conn.execute(
                "SELECT typname FROM pg_type WHERE typnamespace = 'pg_catalog'::regnamespace"
                " AND typrelid = 0 AND typcategory <> 'A' AND typname NOT LIKE '\\_%'"
            )
        }
    assert names - PG_CATALOG_TYPES == set()
    assert all("multirange" in n for n in PG_CATALOG_TYPES - names), PG_CATALOG_TYPES - names
