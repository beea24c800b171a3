"""URLs users paste: Prisma's query parameters, postgres://, encoded passwords; a URL libpq cannot read is
an error that says why, never a traceback."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict

from schemadoc.errors import SchemadocError
from schemadoc.urls import normalize

from .test_cli import run


def test_prisma_parameters_are_translated_or_dropped_with_a_note() -> None:
    url = normalize("postgresql://app:p%40ss@db.example:6543/shop?schema=sales&connection_limit=20&pool_timeout=20")
    params = conninfo_to_dict(url.conninfo)
    assert params["password"] == "p@ss" and params["port"] == "6543" and params["dbname"] == "shop"
    assert params["options"] == "-c search_path=sales"
    assert "connection_limit" not in url.conninfo and "pool_timeout" not in url.conninfo
    assert [n.split("=")[0] for n in url.notes] == ["?connection_limit", "?pool_timeout", "?schema"]
    kept = normalize("postgres://u@h/db?sslmode=require&pgbouncer=true&application_name=x")
    assert conninfo_to_dict(kept.conninfo)["sslmode"] == "require" and "pgbouncer" not in kept.conninfo
    assert normalize("host=127.0.0.1 dbname=x").conninfo == "host=127.0.0.1 dbname=x"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://root@localhost/shop", "not a PostgreSQL URL"),
        ("postgresql://u:secret@h:notaport/db", 'port "notaport" is not a number'),
        ("host=127.0.0.1 dbname", "cannot read the database URL"),
    ],
)
def test_unreadable_urls_are_errors(url: str, message: str) -> None:
    with pytest.raises(SchemadocError, match=message) as e:
        normalize(url)
    assert "secret" not in str(e.value)


def test_a_pasted_prisma_url_works_and_a_bad_one_is_one_line(tmp_path: Path, server_url: str) -> None:
    doc = tmp_path / "notes.md"
    doc.write_text("# Notes\n\n```sql\nCREATE TABLE notes (id int PRIMARY KEY, body text);\n```\n")
    params = conninfo_to_dict(server_url)
    base = f"postgresql://{params.get('user', 'postgres')}@{params.get('host', '127.0.0.1')}:{params.get('port', 5432)}"
    url = f"{base}/sd_url_test?schema=public&connection_limit=20&pool_timeout=20"
    try:
        r = run("up", "--database-url", url, str(doc))
        assert r.returncode == 0, r.stderr
        assert "note: DATABASE_URL ?connection_limit= is Prisma's pool size" in r.stderr
        with psycopg.connect(f"{base}/sd_url_test") as conn:
            assert conn.execute("SELECT to_regclass('public.notes') IS NOT NULL").fetchone() == (True,)
        bad = run("up", "--database-url", f"{base}:x/sd_url_test?schema=public", str(doc), env={"DATABASE_URL": ""})
        assert (
            bad.returncode == 1
            and "Traceback" not in bad.stderr
            and "error: cannot read the database URL" in bad.stderr
        )
    finally:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS sd_url_test WITH (FORCE)")
