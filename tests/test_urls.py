"""URLs users paste: Prisma's query parameters, postgres://, encoded passwords; a URL libpq cannot read is
an error that says why, never a traceback."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict

from schemadoc.errors import SchemadocError
from schemadoc.servers.urls import connection_variables, from_variables, normalize

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


def test_the_connection_variables_a_doc_names() -> None:
    yaml = "database:\n  host: ${DB_HOST}\n  port: ${DB_PORT}\n  name: ${DB_NAME}\n  user: ${DB_USER}\n  password: ${DB_PASSWORD}\n"
    assert connection_variables(yaml) == {
        "host": "DB_HOST",
        "port": "DB_PORT",
        "dbname": "DB_NAME",
        "user": "DB_USER",
        "password": "DB_PASSWORD",
    }
    dotenv = "POSTGRES_HOST=db\nPOSTGRES_PORT=5432\nPOSTGRES_USER=app\nPOSTGRES_PASSWORD=x\nPOSTGRES_DB=shop\n"
    assert connection_variables(dotenv) == {
        "host": "POSTGRES_HOST",
        "port": "POSTGRES_PORT",
        "user": "POSTGRES_USER",
        "password": "POSTGRES_PASSWORD",
        "dbname": "POSTGRES_DB",
    }
    code = "new Pool({ host: process.env.PGHOST, user: process.env.PGUSER })"
    assert connection_variables(code) == {"host": "PGHOST", "user": "PGUSER"}
    assert connection_variables("DATABASE_URL=postgresql://x@y/z") == {}
    named = connection_variables(yaml)
    # a host variable set: that server, its parts from the variables set, percent-free (libpq keywords)
    url = from_variables(
        named, {"DB_HOST": "db.internal", "DB_PORT": "6543", "DB_NAME": "shop", "DB_PASSWORD": "p@ss w"}
    )
    assert url is not None
    assert conninfo_to_dict(url.conninfo) == {
        "host": "db.internal",
        "port": "6543",
        "dbname": "shop",
        "password": "p@ss w",
    }
    assert "DB_USER unset" in url.notes[0] and "p@ss" not in url.notes[0]
    # no host variable set: nothing names a server (DB_NAME alone is often a backup script's)
    assert from_variables(named, {"DB_NAME": "shop"}) is None
    with pytest.raises(SchemadocError, match='DB_PORT="five" is not a port number'):
        from_variables(named, {"DB_HOST": "h", "DB_PORT": "five"})


def test_up_connects_with_the_variables_the_doc_names(server_url: str, tmp_path: Path) -> None:
    """Seed 001 names its connection by DB_HOST, DB_PORT, DB_NAME, DB_USER, DB_PASSWORD: set, they are used."""
    params = conninfo_to_dict(server_url)
    doc = tmp_path / "api.md"
    doc.write_text(
        "# API\n\n```yaml\ndatabase:\n  host: ${DB_HOST}\n  port: ${DB_PORT}\n  name: ${DB_NAME}\n"
        "  user: ${DB_USER}\n  password: ${DB_PASSWORD}\n```\n\n```sql\nCREATE TABLE notes (id int PRIMARY KEY);\n```\n"
    )
    env = {
        "DATABASE_URL": "",
        "DB_HOST": str(params.get("host") or "127.0.0.1"),
        "DB_PORT": str(params.get("port") or 5432),
        "DB_USER": str(params.get("user") or "postgres"),
        "DB_NAME": "sd_env_test",
    }
    try:
        r = run("up", str(doc), env=env)
        assert r.returncode == 0, r.stderr
        assert (
            "note: connecting with DB_HOST, DB_PORT, DB_NAME, DB_USER as the doc's configuration names them" in r.stderr
        )
        assert r.stdout.strip().endswith("/sd_env_test")
        with psycopg.connect(r.stdout.strip()) as conn:
            assert conn.execute("SELECT to_regclass('public.notes') IS NOT NULL").fetchone() == (True,)
        # the library does the same for its callers
        import schemadoc

        os_env = dict(env)
        with pytest.MonkeyPatch.context() as mp:
            for k, v in os_env.items():
                mp.setenv(k, v)
            mp.delenv("DATABASE_URL")
            assert schemadoc.up(doc).database == "sd_env_test"
    finally:
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS sd_env_test WITH (FORCE)")
