"""`serve` (and `up`) against a hostile client, each finding of the security review as a test, on a real
PostgreSQL with a superuser URL (what most users paste): casts that were SQL, anonymous requests that ran
as the superuser, tokens naming any role, bodies that wedged the pool, dead connections, concurrent `up`.
"""

from __future__ import annotations

import concurrent.futures
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import httpx
import psycopg
import pytest

import schemadoc
from schemadoc.errors import SchemadocError
from schemadoc.rest.app import create_app
from schemadoc.rest.auth import AuthConfig
from schemadoc.rest.roles import AUTHENTICATOR, provision
from schemadoc.servers.database import with_database

from .conftest import SEEDS, TEST_PASSWORD, scratch_database
from .test_rest_api import SECRET, _first_answer, _serve, _token


def _sql(db: str, query: str, *params: object) -> list[tuple[Any, ...]]:
    with psycopg.connect(db, autocommit=True) as conn:
        return conn.execute(query, params or None).fetchall()  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def shop(server_url: str) -> Iterator[tuple[str, str, Any]]:
    """(database URL, authenticator URL, roles): seed 001 (shop-api) up, seeded, and set up for serving
    exactly as `up --serve` does."""
    from schemadoc.seed.generate import seed

    with scratch_database(server_url) as db:
        name = psycopg.conninfo.conninfo_to_dict(db)["dbname"]
        schemadoc.up(SEEDS["shop-api"], server_url, dbname=str(name), fix=True)
        with psycopg.connect(db) as conn:
            seed(conn, schemadoc.load(SEEDS["shop-api"]), "users=5,categories=3,products=10")
        with psycopg.connect(db, autocommit=True) as conn:
            roles = provision(conn, schemadoc.load(SEEDS["shop-api"]).schema, ("public",), TEST_PASSWORD)
        yield db, roles.url(db, str(name)), roles


@pytest.fixture(scope="module")
def shop_api(shop: tuple[str, str, Any]) -> Iterator[str]:
    db, url, roles = shop
    auth = AuthConfig(SECRET, anon_role=roles.anon)
    with _serve(create_app(url, pool_size=3, auth=auth)) as base:
        yield base


def test_casts_are_types_not_sql(shop: tuple[str, str, Any], shop_api: str) -> None:
    """Finding 1: `select=name::text FROM pg_settings … UNION SELECT name` returned every setting."""
    with httpx.Client(base_url=shop_api) as h:
        for cast in (
            "text FROM pg_settings pgrst_1 UNION SELECT name",
            "text FROM pg_shadow CROSS JOIN users",
            "text) FROM pg_authid --",
        ):
            r = h.get("/products", params={"select": f"name::{cast}"})
            assert r.status_code == 400 and r.json()["code"] in ("42704", "PGRST100"), r.text
            assert "rolpassword" not in r.text and "SCRAM" not in r.text
        r = h.get("/products", params={"select": "name::text,price::int,id::text", "limit": "1"})
        assert r.status_code == 200 and isinstance(r.json()[0]["price"], int)
        # the write path shapes its rows with the same select
        r = h.post(
            "/categories",
            params={"select": "name::text FROM pg_settings pgrst_1 UNION SELECT name"},
            json={"name": "x", "slug": "x"},
            headers={
                "Prefer": "return=representation",
                "Authorization": f"Bearer {_token({'role': 'schemadoc_anon'})}",
            },
        )
        assert r.status_code == 400, r.text


def test_anonymous_requests_run_as_the_anonymous_role(shop: tuple[str, str, Any], shop_api: str) -> None:
    """Finding 2: an anonymous client read password_hash, overwrote it and deleted rows as the superuser,
    and called the doc's dynamic-SQL soft_delete on any table."""
    db, _, roles = shop
    assert roles.anon == "schemadoc_anon" and not roles.anon_from_doc  # seed 001 declares no read-only role
    assert set(roles.withheld["public.users"]) >= {"password_hash", "password_reset_token"}
    before = _sql(db, "SELECT id, password_hash, deleted_at FROM users ORDER BY id")
    pid, deleted = _sql(db, "SELECT id, deleted_at FROM products LIMIT 1")[0]
    with httpx.Client(base_url=shop_api) as h:
        assert h.get("/products?select=name&limit=2").status_code == 200  # the doc's tables are readable
        assert h.get("/users?select=email&limit=2").status_code == 200
        for query in ("select=password_hash", "select=*", "select=email,password_reset_token"):
            r = h.get(f"/users?{query}")
            assert r.status_code == 401 and r.json()["code"] == "42501", (query, r.text)  # withheld: authenticate
        r = h.patch("/users?id=not.is.null", json={"password_hash": "pwned"})
        assert r.status_code == 401 and r.json()["code"] == "42501"
        assert h.delete("/products?id=not.is.null").status_code == 401
        assert h.post("/categories", json={"name": "x", "slug": "x"}).status_code == 401
        r = h.post("/rpc/soft_delete", json={"table_name": "users", "record_id": str(before[0][0])})
        assert r.status_code == 401 and r.json()["code"] == "42501", r.text
        r = h.post("/rpc/soft_delete", json={"table_name": "products", "record_id": str(pid)})
        assert r.status_code == 401
    assert _sql(db, "SELECT id, password_hash, deleted_at FROM users ORDER BY id") == before
    assert _sql(db, "SELECT deleted_at FROM products WHERE id = %s", pid) == [(deleted,)]
    # the statement timeout anonymous requests get by default
    with psycopg.connect(db, autocommit=True) as conn:
        conn.execute(
            "CREATE OR REPLACE FUNCTION anon_timeout() RETURNS text LANGUAGE sql STABLE "
            "AS $$ SELECT current_setting('statement_timeout') || ' ' || current_user $$"
        )
        conn.execute("NOTIFY pgrst, 'reload schema'")
    deadline = time.monotonic() + 10
    while (r := httpx.get(f"{shop_api}/rpc/anon_timeout")).status_code == 404:
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert r.json() == "5s schemadoc_anon"


def test_a_superuser_connection_is_refused(shop: tuple[str, str, Any]) -> None:
    db, url, roles = shop
    app = create_app(db, auth=AuthConfig(anon_role=roles.anon))
    with pytest.raises(SchemadocError, match="superuser"):
        app.check()
    create_app(db, auth=AuthConfig(anon_role=roles.anon), allow_superuser=True).check()  # said out loud
    # an anonymous role the authenticator was not granted is refused too
    with pytest.raises(SchemadocError, match="may switch to"):
        create_app(url, auth=AuthConfig(anon_role="pg_read_server_files")).check()
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    r = subprocess.run(
        [sys.executable, "-m", "schemadoc.cli", "serve", "--database-url", db, str(SEEDS["shop-api"])],
        capture_output=True, text=True, timeout=60, env=env,
    )  # fmt: skip
    assert r.returncode == 1 and "superuser" in r.stderr and "schemadoc up DOC --serve" in r.stderr
    assert "Traceback" not in r.stderr


def test_a_token_names_only_roles_the_authenticator_was_granted(shop_api: str) -> None:
    """Finding 3: role=postgres (or pg_read_server_files) in a signed token was honoured."""
    with httpx.Client(base_url=shop_api) as h:
        for role in ("postgres", "pg_read_server_files", "pg_execute_server_program", AUTHENTICATOR):
            r = h.get("/products?limit=1", headers={"Authorization": f"Bearer {_token({'role': role})}"})
            assert r.status_code == 403 and r.json()["message"] == f'permission denied to set role "{role}"'
        ok = h.get("/products?limit=1", headers={"Authorization": f"Bearer {_token({'role': 'schemadoc_anon'})}"})
        assert ok.status_code == 200


def _sessions(db: str, columns: str) -> list[tuple[Any, ...]]:
    """`columns` of pg_stat_activity for the authenticator's sessions in `db`."""
    name = psycopg.conninfo.conninfo_to_dict(db)["dbname"]
    query = f"SELECT {columns} FROM pg_stat_activity WHERE datname = %s AND usename = %s"
    return _sql(db, query, name, AUTHENTICATOR)


def _backends(db: str, state: str | None = None) -> list[tuple[Any, ...]]:
    rows = _sessions(db, "pid, state, wait_event, left(query, 60)")
    return [r for r in rows if state is None or r[1] == state]


def _big_body(mb: int) -> bytes:
    """A JSON array of category rows (each valid: names within varchar(100)) of more than `mb` MiB."""
    row = '{"name":"%s","slug":"%s","description":"%s"}'
    text = row % ("bulk", "bulk-0", "d" * 1000)
    n = mb * 1024 * 1024 // len(text) + 1
    return ("[" + ",".join(row % (f"bulk {i}", f"bulk-{i}", "d" * 1000) for i in range(n)) + "]").encode()


def test_large_bodies_never_wedge_a_connection(shop: tuple[str, str, Any]) -> None:
    """Finding 4: an 11 MB body with tx=rollback left its backend in ClientRead for good, and --pool such
    requests made every later one 504."""
    db, url, roles = shop
    with psycopg.connect(db, autocommit=True) as conn:
        conn.execute(f"GRANT INSERT ON categories TO {roles.anon}")  # a grant someone chose
    try:
        writer = {"Authorization": f"Bearer {_token({'role': roles.anon})}", "Prefer": "tx=rollback"}
        writer["Content-Type"] = "application/json"
        auth = AuthConfig(SECRET, anon_role=roles.anon)
        with _serve(create_app(url, pool_size=2, auth=auth)) as base, httpx.Client(base_url=base, timeout=60) as h:
            r = h.post("/categories", content=_big_body(11), headers=writer)
            assert r.status_code == 413 and r.json()["code"] == "PGRST413"  # over the default bound (10 MiB)
            assert h.get("/products?limit=1").status_code == 200
        big = _big_body(24)
        with _serve(create_app(url, pool_size=2, auth=auth, max_body=64 * 1024 * 1024)) as base:
            with httpx.Client(base_url=base, timeout=60) as h:
                for _ in range(3):  # more than the pool holds
                    r = h.post("/categories", content=big, headers=writer)
                    assert r.status_code == 201, r.text[:300]
                assert h.get("/products?limit=1").status_code == 200
                assert [b for b in _backends(db, "active")] == []  # nothing left reading a half-sent message
        assert _sql(db, "SELECT count(*) FROM categories WHERE slug LIKE 'bulk-%%'") == [(0,)]
    finally:
        with psycopg.connect(db, autocommit=True) as conn:
            conn.execute(f"REVOKE INSERT ON categories FROM {roles.anon}")


def test_a_client_that_goes_away_cancels_its_statement(shop: tuple[str, str, Any]) -> None:
    db, url, roles = shop
    with psycopg.connect(db, autocommit=True) as conn:
        conn.execute(
            "CREATE OR REPLACE FUNCTION nap(s float) RETURNS int LANGUAGE sql STABLE AS 'SELECT 1 FROM pg_sleep(s)'"
        )
    auth = AuthConfig(anon_role=roles.anon, statement_timeouts={roles.anon: "60s"})
    with _serve(create_app(url, pool_size=1, auth=auth)) as base:
        with pytest.raises(httpx.ReadTimeout):
            httpx.get(f"{base}/rpc/nap?s=30", timeout=0.5)
        deadline = time.monotonic() + 5
        while any("pg_sleep" in (b[3] or "") for b in _backends(db, "active")):
            assert time.monotonic() < deadline, _backends(db)
            time.sleep(0.1)
        started = time.monotonic()
        assert httpx.get(f"{base}/products?limit=1", timeout=10).status_code == 200  # the one connection is back
        assert time.monotonic() - started < 3


def test_every_request_has_a_deadline(shop: tuple[str, str, Any]) -> None:
    db, url, roles = shop
    auth = AuthConfig(anon_role=roles.anon, statement_timeouts={roles.anon: "60s"})
    with _serve(create_app(url, pool_size=1, auth=auth, deadline=1.0)) as base:
        started = time.monotonic()
        r = httpx.get(f"{base}/rpc/nap?s=30", timeout=30)
        assert r.status_code == 504 and r.json()["code"] == "57014", r.text
        assert time.monotonic() - started < 8
        assert httpx.get(f"{base}/products?limit=1", timeout=10).status_code == 200


def _terminate(db: str) -> int:
    return len(_sessions(db, "pg_terminate_backend(pid)"))


def test_terminated_backends_cost_no_request(shop: tuple[str, str, Any]) -> None:
    """Finding 5: after pg_terminate_backend, one 500 per pooled connection; a NOTIFY sent while the
    listener reconnected was lost; --pool N opened 2N + 1 backends."""
    db, url, roles = shop
    auth = AuthConfig(anon_role=roles.anon)
    others = {b[0] for b in _backends(db)}  # the module's server
    with _serve(create_app(url, pool_size=4, auth=auth)) as base, httpx.Client(base_url=base) as h:
        assert len({b[0] for b in _backends(db)} - others) == 5  # four for requests, one listening
        for _ in range(8):
            assert h.get("/products?limit=1").status_code == 200
        assert _terminate(db) == 5 + len(others)
        codes = [h.get("/products?select=name&limit=1").status_code for _ in range(20)]
        assert codes == [200] * 20
        with concurrent.futures.ThreadPoolExecutor(4) as ex:  # and concurrently, after another round
            _terminate(db)
            found = list(ex.map(lambda _: httpx.get(f"{base}/categories?limit=1").status_code, range(16)))
        assert found == [200] * 16
        # a write on a dead connection answers 503, never 500 (and is not run twice)
        _terminate(db)
        r = httpx.post(f"{base}/categories", json={"name": "x", "slug": "x"})
        assert r.status_code == 503 and r.json()["code"] == "PGRST001", r.text
        # the listener, back after its connection was ended, reloads: a change it could not hear is seen
        _terminate(db)
        with psycopg.connect(db, autocommit=True) as conn:
            conn.execute("CREATE TABLE IF NOT EXISTS sdt_heard (id int); GRANT SELECT ON sdt_heard TO schemadoc_anon")
            conn.execute("NOTIFY pgrst, 'reload schema'")  # sent while nobody listens
        deadline = time.monotonic() + 15
        while (r := h.get("/sdt_heard")).status_code == 404:
            assert time.monotonic() < deadline, "the schema cache was not reloaded after the listener came back"
            time.sleep(0.2)
        assert r.status_code == 200


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_counts_its_connections_and_stops_on_sigterm(shop: tuple[str, str, Any]) -> None:
    """`--pool N` is every connection the server opens; SIGTERM ends it within seconds, a long request
    in flight or not."""
    db, url, roles = shop
    others = {b[0] for b in _backends(db)}  # the module's server
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "schemadoc.cli", "serve", "--database-url", url, "--port", str(port),
         "--pool", "6", "--anon-role", roles.anon, "--statement-timeout", f"{roles.anon}=60s", str(SEEDS["shop-api"])],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert _first_answer(proc, f"http://127.0.0.1:{port}/products?limit=1", 30).status_code == 200
        assert len({b[0] for b in _backends(db)} - others) == 6
        with concurrent.futures.ThreadPoolExecutor(1) as ex:
            ex.submit(lambda: httpx.get(f"http://127.0.0.1:{port}/rpc/nap?s=60", timeout=90))
            time.sleep(0.5)
            started = time.monotonic()
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=20)
            assert time.monotonic() - started < 12
    finally:
        if proc.poll() is None:
            proc.kill()
        _, err = proc.communicate(timeout=10)
    deadline = time.monotonic() + 10
    while {b[0] for b in _backends(db)} - others:
        assert time.monotonic() < deadline, _backends(db)
        time.sleep(0.2)
    assert "Traceback" not in err


def test_up_serve_is_idempotent_and_anonymous_may_only_read(server_url: str) -> None:
    """`up --serve` twice on one database: the same roles, no error; the doc's own read-only role (the
    bakery's readonly_user) serves anonymous requests, and nothing it may do writes."""
    with scratch_database(server_url) as db:
        name = str(psycopg.conninfo.conninfo_to_dict(db)["dbname"])
        schemadoc.up(SEEDS["bakery"], server_url, dbname=name)
        doc = schemadoc.load(SEEDS["bakery"])
        with psycopg.connect(db, autocommit=True) as conn:
            first = provision(conn, doc.schema, ("public",), TEST_PASSWORD)
            second = provision(conn, doc.schema, ("public",), TEST_PASSWORD)
        assert first == second and first.anon == "readonly_user" and first.anon_from_doc
        assert set(first.token_roles) == {"readonly_user", "app_user"}
        attrs = _sql(
            db, "SELECT rolsuper, rolinherit, rolcanlogin, rolbypassrls FROM pg_roles WHERE rolname = %s", AUTHENTICATOR
        )
        assert attrs == [(False, False, True, False)]
        writes = _sql(
            db,
            "SELECT count(*) FROM information_schema.role_table_grants WHERE grantee = 'readonly_user' "
            "AND privilege_type <> 'SELECT'",
        )
        assert writes == [(0,)]
    with pytest.raises(SchemadocError):  # the authenticator's password works: connecting as it
        create_app(first.url(server_url, "postgres"), auth=AuthConfig(anon_role="nobody_granted")).check()


@pytest.mark.parametrize("attempt", range(4))
def test_concurrent_up_runs_serialise(server_url: str, tmp_path: Any, attempt: int) -> None:
    """Finding 7: two docs on one database at once both exited 0 and left the union of both schemas;
    two runs creating the same new database raced into a UniqueViolation traceback."""
    name = f"sdt_concurrent_up_{os.getpid()}_{attempt}"
    admin = with_database(server_url, "postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    a = tmp_path / "a.md"
    b = tmp_path / "b.md"
    for path, prefix in ((a, "alpha"), (b, "beta")):  # enough tables that applying them takes a while
        tables = "".join(
            f"CREATE TABLE {prefix}_{i} (id int PRIMARY KEY, ref int REFERENCES {prefix}_0(id), note text);\n"
            f"CREATE INDEX ON {prefix}_{i} (note);\n"
            for i in range(150)
        )
        path.write_text(f"# {prefix}\n\n```sql\n{tables}```\n")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    try:
        procs = [
            subprocess.Popen(
                [sys.executable, "-m", "schemadoc.cli", "up", "--database-url", server_url, "--dbname", name, str(doc)],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )  # fmt: skip
            for doc in (a, b, a)
        ]
        results = [p.communicate(timeout=120) for p in procs]
        codes = [p.returncode for p in procs]
        for _out, err in results:
            assert "Traceback" not in err, err
        found = _sql(with_database(server_url, name), "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        prefixes = {t.split("_")[0] for (t,) in found}
        # one after the other: the first run's doc is what the database holds; a later run of the other
        # doc would drop its tables, which needs --allow-data-loss: refused (exit 3), nothing applied;
        # a later run of the same doc finds nothing to do
        assert prefixes in ({"alpha"}, {"beta"}) and len(found) == 150, (prefixes, codes, results)
        assert sorted(codes) in ([0, 0, 3], [0, 3, 3]), (codes, results)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_failed_up_drops_the_database_it_created(server_url: str, tmp_path: Any) -> None:
    """Finding 8: a failed `up` left its new, empty database behind; one it did not create stays."""
    doc = tmp_path / "bad.md"
    doc.write_text("# Bad\n\n```sql\nCREATE TABLE t (id int PRIMARY KEY, n int DEFAULT nosuch_function_xyz());\n```\n")
    name = f"sdt_failed_up_{os.getpid()}"
    admin = with_database(server_url, "postgres")
    exists = "SELECT count(*) FROM pg_database WHERE datname = %s"
    with pytest.raises(SchemadocError, match="nosuch_function_xyz"):
        schemadoc.up(doc, server_url, dbname=name)
    assert _sql(admin, exists, name) == [(0,)]
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        with pytest.raises(SchemadocError):
            schemadoc.up(doc, server_url, dbname=name)
        assert _sql(admin, exists, name) == [(1,)]  # someone else's database: kept
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_no_request_inherits_another_requests_session(shop: tuple[str, str, Any]) -> None:
    """A function may change settings for the rest of the session (set_config(…, false), RESET ROLE):
    the next request on that connection — anonymous or not — still runs as itself, with its own claims."""
    db, url, roles = shop
    with psycopg.connect(db, autocommit=True) as conn:
        conn.execute(
            "CREATE OR REPLACE FUNCTION meddle() RETURNS text LANGUAGE plpgsql VOLATILE AS $$ BEGIN "
            'PERFORM set_config(\'request.jwt.claims\', \'{"role": "forged", "sub": "victim"}\', false); '
            "PERFORM set_config('app.current_user_id', 'victim', false); "
            "PERFORM set_config('statement_timeout', '0', false); RESET ROLE; RETURN current_user; END $$;"
            "CREATE OR REPLACE VIEW whoami_view AS SELECT current_user AS who, "
            "current_setting('request.jwt.claims', true) AS claims, "
            "coalesce(current_setting('app.current_user_id', true), '') AS uid, "
            "current_setting('statement_timeout') AS timeout;"
            f"GRANT SELECT ON whoami_view TO {roles.anon}"
        )
    auth = AuthConfig(SECRET, anon_role=roles.anon, claim_settings={"app.current_user_id": "sub"})
    token = {"Authorization": f"Bearer {_token({'role': roles.anon, 'sub': 'someone'})}"}
    with _serve(create_app(url, pool_size=1, auth=auth)) as base, httpx.Client(base_url=base) as h:
        anonymous = h.get("/whoami_view").json()
        assert anonymous == [{"who": roles.anon, "claims": f'{{"role": "{roles.anon}"}}', "uid": "", "timeout": "5s"}]
        for caller in ({}, token):
            assert h.post("/rpc/meddle", headers=caller).status_code == 200
            assert h.get("/whoami_view").json() == anonymous  # the one connection: its session made anew
            mine = h.get("/whoami_view", headers=token).json()[0]
            assert (mine["who"], mine["uid"]) == (roles.anon, "someone") and '"sub": "someone"' in mine["claims"]


_TOKENS = [
    "name", "price", "id", "metadata", "tags", "categories", "users", "pg_shadow", " ", ",", ".", ":", "::",
    "->", "->>", "(", ")", "!", "*", "'", '"', "\\", ";", "--", "/*", "$$", "text", "int", "text[]", "SELECT",
    "FROM", "UNION", "CROSS JOIN", "OR 1=1", "pg_sleep(10)", "asc", "desc", "eq", "in", "is", "null", "not",
    "inner", "0", "%00", "%27", "%22",
]  # fmt: skip


def test_hostile_query_strings_answer_2xx_or_4xx(shop_api: str) -> None:
    """hypothesis: select, order, filter and JSON-path strings of SQL keywords, quotes, comments, casts
    and punctuation, sent to the running API: never a 5xx (the builder-level property in
    test_rest_builder_safety.py checks what SQL they become)."""
    from urllib.parse import quote

    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    text = st.lists(st.sampled_from(_TOKENS), min_size=1, max_size=10).map("".join)
    client = httpx.Client(base_url=shop_api, timeout=30)

    @settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
    @given(a=text, b=text)
    def probe(a: str, b: str) -> None:
        for query in (
            f"select={quote(a)}",
            f"select=name,{quote(a)}&order={quote(b)}",
            f"{quote(a)}=eq.{quote(b)}",
            f"metadata->{quote(a)}=eq.{quote(b)}&select=metadata->>{quote(b)}",
            f"or=({quote(a)}.eq.{quote(b)})",
        ):
            r = client.get(f"/products?{query}")
            assert r.status_code < 500, (query, r.status_code, r.text[:300])

    try:
        probe()
    finally:
        client.close()
