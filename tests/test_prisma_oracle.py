"""Prisma's own schema engine is the oracle: the catalog it builds from a Prisma schema is the one we build.

The engine (WASM build, offline) is installed from shared/oracles/prisma with npm on first use into .cache/prisma-oracle/.
Catalogs are compared, not SQL text: both sides are introspected with schemadoc's
introspection, after removing what schemadoc adds on purpose (database-side defaults for ids Prisma
generates in the client, and the trigger that keeps @updatedAt columns current).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import psycopg
import pytest

import schemadoc
from schemadoc.introspect import introspect
from schemadoc.migrate.compare import differences
from schemadoc.model import Schema
from schemadoc.parse.blocks import split_blocks
from schemadoc.parse.prisma import CUID_DEFAULT, UUID_DEFAULT, UUID_DEFAULT_TEXT

from .conftest import CORPUS, EXAMPLES, ROOT, shared

SETUP = CORPUS.parent / "oracles" / "prisma" / "setup.sh"
ORACLE_DIR = ROOT / ".cache" / "prisma-oracle"
FIXTURES = Path(__file__).parent / "fixtures" / "prisma"
DATASOURCE = 'datasource db {\n  provider = "postgresql"\n}\n'
OURS = {CUID_DEFAULT, UUID_DEFAULT, UUID_DEFAULT_TEXT}


@pytest.fixture(scope="session")
def oracle() -> Path:
    script = ORACLE_DIR / "pse.mjs"
    if not script.exists():
        if not (shutil.which("node") and shutil.which("npm")):
            pytest.skip("the Prisma oracle needs node and npm (install Node.js to run this comparison)")
        shared(SETUP)
        r = subprocess.run(["bash", str(SETUP), str(ORACLE_DIR)], capture_output=True, text=True, timeout=600)
        if r.returncode != 0 or not script.exists():
            pytest.skip(f"could not install the Prisma oracle with npm: {r.stderr.strip()[-300:]}")
    return script


def prisma_blocks(doc: Path) -> str:
    blocks = split_blocks(str(doc), doc.read_text()).blocks
    body = "\n".join(b.text for b in blocks if b.kind == "fence" and b.language == "prisma")
    return body


def as_schema_file(body: str) -> str:
    body = re.sub(r"^\s*import\s+\".*\"\s*$", "", body, flags=re.M)  # our split-file imports
    body = re.sub(r"(?s)datasource\s+\w+\s*\{.*?\}", "", body)
    body = re.sub(r"(?s)generator\s+\w+\s*\{.*?\}", "", body)
    return DATASOURCE + body


def without_our_additions(ours: Schema, theirs: Schema) -> Schema:
    their_tables = {t.key: t for t in theirs.tables}
    tables = []
    for t in ours.tables:
        other = their_tables.get(t.key)
        other_cols = {c.name: c for c in other.columns} if other else {}
        cols = tuple(
            replace(c, default=None)
            if c.default in OURS and c.name in other_cols and other_cols[c.name].default is None
            else c
            for c in t.columns
        )
        if other is not None:  # Prisma writes no comments; a doc's column descriptions become ours
            cols = tuple(replace(c, comment=None) for c in cols)
        tables.append(replace(t, columns=cols, comment=None if other is not None else t.comment))
    triggers = [tr for tr in ours.triggers if tr.function != "schemadoc.touch_updated_at"]
    return ours.with_(tables=tables, triggers=triggers)


# a document of column tables, checked against the Prisma schema it describes
TABLE_DOCS = {"photobook": (EXAMPLES / "photobook.md", FIXTURES / "photobook.prisma")}

CASES = {
    "venta": EXAMPLES / "venta.md",
    "finity": EXAMPLES / "finity.md",
    "oracle-sample": CORPUS.parent / "oracles" / "prisma" / "sample.schema.prisma",
    "relations": FIXTURES / "relations.prisma",
    "migration-80": Path(__file__).parent / "migrations" / "80_prisma_add_model" / "after.md",
    "migration-81": Path(__file__).parent / "migrations" / "81_prisma_map_field" / "after.md",
}


def _inputs(case: str, tmp_path: Path) -> tuple[str, Path]:
    """(Prisma schema for the oracle, document for schemadoc)."""
    if case in TABLE_DOCS:
        doc, prisma = TABLE_DOCS[case]
        return prisma.read_text(), doc
    source = shared(CASES[case]) if case == "oracle-sample" else CASES[case]
    body = source.read_text() if source.suffix == ".prisma" else prisma_blocks(source)
    assert body.strip(), f"{source} has no prisma blocks"
    doc = tmp_path / "doc.md"
    doc.write_text(f"# {case}\n\n```prisma\n{body}\n```\n")
    return body, doc


@pytest.mark.parametrize("case", sorted(CASES) + sorted(TABLE_DOCS))
def test_catalog_matches_prisma_migrate(case: str, oracle: Path, server_url: str, tmp_path: Path) -> None:
    body, doc = _inputs(case, tmp_path)
    schema_file = tmp_path / "schema.prisma"
    schema_file.write_text(as_schema_file(body))

    from schemadoc.servers.database import with_database

    dbs = {}
    for side in ("prisma", "schemadoc"):
        name = f"oracle_{case.replace('-', '_')}_{side}"
        with psycopg.connect(with_database(server_url, "postgres"), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        dbs[side] = with_database(server_url, name)

    r = subprocess.run(
        ["node", str(oracle), "push", str(schema_file)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "DATABASE_URL": _url(dbs["prisma"]), "FORCE": "1"},
        cwd=oracle.parent,
    )
    assert r.returncode == 0 and "Error" not in r.stderr, r.stderr[-2000:]
    schemadoc.up(doc, dbs["schemadoc"], fix=True)

    with psycopg.connect(dbs["prisma"]) as conn:
        theirs = introspect(conn)
    with psycopg.connect(dbs["schemadoc"]) as conn:
        ours = without_our_additions(introspect(conn), theirs)
    assert theirs.tables, "the oracle created no tables"
    assert differences(ours, theirs) == []


def _url(conninfo: str) -> str:
    from psycopg.conninfo import conninfo_to_dict

    p = conninfo_to_dict(conninfo)
    return f"postgresql://{p.get('user', 'postgres')}@{p.get('host', '127.0.0.1')}:{p.get('port', 5432)}/{p['dbname']}"
