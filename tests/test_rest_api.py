"""`schemadoc serve` driven by a PostgREST client we did not write (Supabase's `postgrest` for Python),
over seed 003's schema with seeded rows, on a real uvicorn server and a real PostgreSQL."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
import uvicorn
from postgrest import APIError, SyncPostgrestClient

import schemadoc
from schemadoc.rest.app import create_app
from schemadoc.seed.generate import seed

from .conftest import SEEDS, authenticator_url
from .test_cli import run

SECRET = "a-test-secret-of-at-least-thirty-two-bytes!"


def _token(claims: dict[str, Any], key: str = SECRET, alg: str = "HS256") -> str:
    import jwt

    return jwt.encode(claims, key, algorithm=alg)


# the bakery doc's own app_user (every table's grants): the role of the tests that write
APP_USER = {"Authorization": f"Bearer {_token({'role': 'app_user'})}"}


def _bakery_app(db: str, **kwargs: Any) -> Any:
    """The API over the bakery database as `up --serve` serves it: through the authenticator, the doc's
    readonly_user for anonymous requests, app_user and readonly_user for tokens."""
    from schemadoc.rest.auth import AuthConfig

    auth = kwargs.pop("auth", None) or AuthConfig(SECRET, anon_role="readonly_user")
    return create_app(authenticator_url(db, "readonly_user", "app_user"), auth=auth, **kwargs)


@pytest.fixture(scope="module")
def bakery_api(server_url: str) -> Iterator[tuple[str, str]]:
    """(API base URL, database URL): the bakery doc up and seeded, served on a free port."""
    from schemadoc.servers.database import with_database

    name = "sdt_rest_bakery"
    admin = with_database(server_url, "postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    db = with_database(server_url, name)
    assert run("up", "--database-url", server_url, "--dbname", name, str(SEEDS["bakery"])).returncode == 0
    with psycopg.connect(db) as conn:
        seed(conn, schemadoc.load(SEEDS["bakery"]), "users=20,products=15,orders=40,order_items=120,reviews=30")
    with psycopg.connect(db) as conn:  # functions for /rpc (the bakery doc has only trigger functions)
        conn.execute(
            "CREATE FUNCTION add_them(a int, b int DEFAULT 1) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT a + b';"
            "CREATE FUNCTION cheap_products(max_price numeric) RETURNS SETOF products LANGUAGE sql STABLE "
            "AS 'SELECT * FROM products WHERE price <= max_price';"
            "CREATE FUNCTION restock(amount int) RETURNS void LANGUAGE sql AS 'UPDATE products SET stock = stock + amount';"
            "CREATE FUNCTION order_summary(oid uuid) RETURNS TABLE (items bigint, total numeric) LANGUAGE sql STABLE "
            "AS 'SELECT count(*), sum(subtotal) FROM order_items WHERE order_id = oid';"
        )
    try:
        with _serve(_bakery_app(db)) as base:
            yield base, db
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def _serve(app: Any) -> Iterator[str]:
    """A real uvicorn server for `app` on a free loopback port; its base URL."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the API did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


def _first_answer(proc: Any, url: str, seconds: float) -> httpx.Response:
    """The first response of a server process starting up (it must not exit meanwhile)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            return httpx.get(url)
        except httpx.ConnectError:
            assert proc.poll() is None and time.monotonic() < deadline, f"{url}: the server did not start"
            time.sleep(0.2)


@pytest.fixture
def client(bakery_api: tuple[str, str]) -> Iterator[SyncPostgrestClient]:
    with SyncPostgrestClient(bakery_api[0], headers=APP_USER) as c:
        yield c


def _sql(db: str, query: str, *params: object) -> list[tuple[object, ...]]:
    with psycopg.connect(db) as conn:
        return conn.execute(query, params or None).fetchall()  # type: ignore[arg-type]


def test_select_filter_order_paginate(client: SyncPostgrestClient, bakery_api: tuple[str, str]) -> None:
    db = bakery_api[1]
    expected = _sql(db, "SELECT name, price FROM products WHERE price > 10 ORDER BY price DESC, name LIMIT 5")
    r = (
        client.from_("products")
        .select("name,price")
        .gt("price", 10)
        .order("price", desc=True)
        .order("name")
        .limit(5)
        .execute()
    )
    assert [(p["name"], float(p["price"])) for p in r.data] == [(n, float(p)) for n, p in expected]  # type: ignore[arg-type]
    page = client.from_("products").select("id", count="exact").order("id").range(3, 6).execute()
    assert len(page.data) == 4 and page.count == _sql(db, "SELECT count(*) FROM products")[0][0]
    ids = [str(i) for (i,) in _sql(db, "SELECT id FROM products ORDER BY id OFFSET 3 LIMIT 4")]
    assert [p["id"] for p in page.data] == ids
    some = [str(i) for (i,) in _sql(db, "SELECT id FROM users ORDER BY email LIMIT 3")]
    r = client.from_("users").select("id,email").in_("id", some).order("email").execute()
    assert [u["id"] for u in r.data] == some
    r = client.from_("users").select("email").ilike("email", "%@%").is_("phone", "null").execute()
    assert len(r.data) == _sql(db, "SELECT count(*) FROM users WHERE email ILIKE '%@%' AND phone IS NULL")[0][0]
    r = client.from_("orders").select("id").or_("status.eq.pending,status.eq.delivered").execute()
    assert len(r.data) == _sql(db, "SELECT count(*) FROM orders WHERE status IN ('pending', 'delivered')")[0][0]
    r = client.from_("orders").select("id").not_.eq("status", "pending").execute()
    assert len(r.data) == _sql(db, "SELECT count(*) FROM orders WHERE status <> 'pending'")[0][0]


def test_embeds_to_one_to_many_and_inner(client: SyncPostgrestClient, bakery_api: tuple[str, str]) -> None:
    db = bakery_api[1]
    r = client.from_("orders").select("id,user:users(email),order_items(quantity,products(name))").limit(5).execute()
    for order in r.data:
        (email,) = _sql(
            db, "SELECT u.email FROM orders o JOIN users u ON u.id = o.user_id WHERE o.id = %s", order["id"]
        )[0]
        assert order["user"] == {"email": email}
        n = _sql(db, "SELECT count(*) FROM order_items WHERE order_id = %s", order["id"])[0][0]
        assert len(order["order_items"]) == n
        assert all(set(i) == {"quantity", "products"} and "name" in i["products"] for i in order["order_items"])
    with_items = client.from_("orders").select("id,order_items!inner(id)").execute()
    assert len(with_items.data) == _sql(db, "SELECT count(DISTINCT order_id) FROM order_items")[0][0]
    # order_items has a key of its own, so it is not a join table (PostgREST's rule: the join table's key
    # holds both foreign keys; many-to-many is in tests/rest_golden/embed.yaml): products are reached through it
    with pytest.raises(APIError) as refused:
        client.from_("orders").select("id,products(id)").limit(5).execute()
    assert refused.value.code == "PGRST200"
    nested = client.from_("orders").select("id,order_items(products(id))").limit(5).execute()
    for order in nested.data:
        through = _sql(db, "SELECT product_id FROM order_items WHERE order_id = %s", order["id"])
        assert sorted(i["products"]["id"] for i in order["order_items"]) == sorted(str(p) for (p,) in through)
    spread = client.from_("reviews").select("rating,...users(email)").limit(3).execute()
    assert all(set(x) == {"rating", "email"} for x in spread.data)


def test_single_insert_upsert_update_delete(client: SyncPostgrestClient, bakery_api: tuple[str, str]) -> None:
    db = bakery_api[1]
    row = {"code": "REST10", "discount_type": "percent", "amount": 10, "valid_from": "2024-01-01T00:00:00Z",
           "valid_to": "2030-01-01T00:00:00Z", "usage_limit": 5, "used_count": 0}  # fmt: skip
    made = client.from_("promo_codes").insert(row).execute()
    assert made.data[0]["code"] == "REST10" and made.data[0]["id"]
    one = client.from_("promo_codes").select("code,amount").eq("code", "REST10").single().execute()
    assert one.data == {"code": "REST10", "amount": 10.00} or one.data["code"] == "REST10"
    with pytest.raises(APIError) as e:
        client.from_("promo_codes").insert(row).execute()  # the unique code
    assert e.value.code == "23505"
    up = client.from_("promo_codes").upsert({**row, "usage_limit": 9}, on_conflict="code").execute()
    assert up.data[0]["usage_limit"] == 9
    changed = client.from_("promo_codes").update({"used_count": 2}).eq("code", "REST10").execute()
    assert changed.data[0]["used_count"] == 2
    assert _sql(db, "SELECT used_count, usage_limit FROM promo_codes WHERE code = 'REST10'") == [(2, 9)]
    gone = client.from_("promo_codes").delete().eq("code", "REST10").execute()
    assert len(gone.data) == 1 and _sql(db, "SELECT count(*) FROM promo_codes WHERE code = 'REST10'") == [(0,)]
    bulk = client.from_("promo_codes").insert([{**row, "code": f"BULK{i}"} for i in range(5)]).execute()
    assert len(bulk.data) == 5
    client.from_("promo_codes").delete().like("code", "BULK*").execute()
    assert _sql(db, "SELECT count(*) FROM promo_codes WHERE code LIKE 'BULK%'") == [(0,)]


def test_errors_have_postgrest_codes(bakery_api: tuple[str, str]) -> None:
    base = bakery_api[0]
    with httpx.Client(base_url=base, headers=APP_USER) as h:
        r = h.get("/nosuch")
        assert r.status_code == 404 and r.json()["code"] == "PGRST205"
        r = h.get("/products?reviews.rating=noop.1")  # an embed path is a filter: its operator must exist
        assert r.status_code == 400 and r.json()["code"] == "PGRST100"
        r = h.get("/products?select=name&or=(price.gt.1,,)")
        assert r.status_code == 400 and r.json()["code"] == "PGRST100"
        r = h.get("/products?select=nosuch")
        assert r.status_code == 400 and r.json()["code"] == "42703"
        r = h.get("/products?price=eq.notanumber")
        assert r.status_code == 400 and r.json()["code"] == "22P02"
        r = h.delete("/products")  # no filter: refused, nothing deleted
        assert r.status_code == 400 and r.json()["code"] == "21000"
        r = h.get("/promo_codes?select=id,users(id)")
        assert r.status_code == 400 and r.json()["code"] == "PGRST200"
        r = h.get("/products?limit=1", headers={"Accept": "application/vnd.pgrst.object+json"})
        assert r.status_code == 200 and isinstance(r.json(), dict)
        r = h.get("/products", headers={"Accept": "application/vnd.pgrst.object+json"})
        assert r.status_code == 406 and r.json()["code"] == "PGRST116"
        r = h.get("/products?select=id", headers={"Range": "0-1", "Prefer": "count=exact"})
        assert r.status_code == 206 and r.headers["content-range"].startswith("0-1/")
        r = h.post("/promo_codes", json={"code": "TX"}, headers={"Prefer": "return=representation"})
        assert r.status_code == 400 and r.json()["code"] == "23502"  # discount_type is NOT NULL
        row = {"code": "TXROLLBACK", "discount_type": "fixed", "amount": 1, "valid_from": "2024-01-01T00:00:00Z",
               "valid_to": "2030-01-01T00:00:00Z", "usage_limit": 1}  # fmt: skip
        r = h.post("/promo_codes", json=row, headers={"Prefer": "tx=rollback,return=representation"})
        assert r.status_code == 201 and r.json()[0]["code"] == "TXROLLBACK"  # answered as if written…
        assert _sql(bakery_api[1], "SELECT count(*) FROM promo_codes WHERE code = 'TXROLLBACK'") == [(0,)]  # …not kept


@pytest.mark.parametrize(
    "payload",
    [
        "'; DROP TABLE products; --",
        '"); DROP TABLE products; --',
        "1) OR (1=1",
        "x\\",
    ],
)
def test_injection_payloads_never_reach_sql_as_code(bakery_api: tuple[str, str], payload: str) -> None:
    base, db = bakery_api
    with httpx.Client(base_url=base, headers=APP_USER) as h:
        for params in (
            {"name": f"eq.{payload}"},
            {"name": f"in.({payload})"},
            {"select": payload},
            {"order": payload},
            {"or": f"(name.eq.{payload})"},
            {"select": f"name->{payload}"},
            {"select": f"name::{payload}"},
        ):
            r = h.get("/products", params=params)
            assert r.status_code in (200, 400), (params, r.text)
        # writes: columns=, on_conflict=, body keys (column names) and values
        for params in ({"columns": payload}, {"on_conflict": payload}, {"columns": f"name,{payload}"}):
            r = h.post(
                "/promo_codes", params=params, json={"code": "INJ"}, headers={"Prefer": "resolution=merge-duplicates"}
            )
            assert r.status_code in (400, 404, 409), (params, r.text)
        r = h.post("/promo_codes", json={payload: 1}, headers={"Prefer": "tx=rollback"})
        assert r.status_code == 400 and r.json()["code"] == "PGRST204", r.text
        r = h.patch("/delivery_schedules?id=eq.00000000-0000-0000-0000-000000000000", json={payload: 1})
        assert r.status_code == 400, r.text
        # headers: schema profiles, preferences, ranges, media types, the bearer token
        for headers in (
            {"Accept-Profile": payload},
            {"Prefer": f"count={payload}"},
            {"Prefer": f"handling=strict, {payload}"},
            {"Range": payload},
            {"Accept": payload},
            {"Authorization": f"Bearer {payload}"},
        ):
            r = h.get("/products?limit=1", headers=headers)
            assert r.status_code in (200, 400, 401, 406), (headers, r.text)
        r = h.post("/delivery_schedules", json={}, headers={"Content-Profile": payload})
        assert r.status_code == 406, r.text
        # functions: the name and the argument names and values
        for path in (f"/rpc/{payload}", "/rpc/add_them"):
            r = h.get(path, params={"a": payload, payload: "1"})
            assert r.status_code in (400, 404), (path, r.text)
    assert _sql(db, "SELECT to_regclass('public.products') IS NOT NULL") == [(True,)]
    assert _sql(db, "SELECT count(*) FROM promo_codes WHERE code = 'INJ'") == [(0,)]


def test_rpc(client: SyncPostgrestClient, bakery_api: tuple[str, str]) -> None:
    base, db = bakery_api
    assert client.rpc("add_them", {"a": 2, "b": 3}).execute().data == 5
    assert client.rpc("add_them", {"a": 2}).execute().data == 3  # the default
    cheap = client.rpc("cheap_products", {"max_price": 50}).select("name,price").order("price").execute()
    expected = _sql(db, "SELECT name FROM products WHERE price <= 50 ORDER BY price")
    assert [p["name"] for p in cheap.data] == [n for (n,) in expected]
    with httpx.Client(base_url=base, headers=APP_USER) as h:
        r = h.get("/rpc/add_them?a=40&b=2")  # GET for an immutable function, arguments in the query string
        assert r.status_code == 200 and r.json() == 42
        r = h.get("/rpc/cheap_products?max_price=50&select=name&price=gt.10")
        assert r.status_code == 200 and len(r.json()) == len(
            _sql(db, "SELECT 1 FROM products WHERE price <= 50 AND price > 10")
        )
        before = _sql(db, "SELECT sum(stock) FROM products")[0][0]
        r = h.post("/rpc/restock", json={"amount": 1})
        assert r.status_code == 204 and _sql(db, "SELECT sum(stock) FROM products")[0][0] == before + len(
            _sql(db, "SELECT 1 FROM products")
        )
        r = h.get("/rpc/restock?amount=1")  # a volatile function that writes cannot run in a read-only GET
        assert r.status_code == 405 and r.json()["code"] == "25006"
        (oid,) = _sql(db, "SELECT order_id FROM order_items LIMIT 1")[0]
        r = h.post("/rpc/order_summary", json={"oid": str(oid)})
        items = _sql(db, "SELECT count(*) FROM order_items WHERE order_id = %s", oid)[0][0]
        assert r.status_code == 200 and r.json()[0]["items"] == items
        r = h.post("/rpc/nosuch", json={})
        assert r.status_code == 404 and r.json()["code"] == "PGRST202"
        r = h.post("/rpc/add_them", json={"x": 1})
        assert r.status_code == 404 and r.json()["code"] == "PGRST202"


def test_schema_cache_reloads_on_notify(bakery_api: tuple[str, str]) -> None:
    base, db = bakery_api
    with httpx.Client(base_url=base) as h:
        assert h.get("/widgets").status_code == 404
        with psycopg.connect(db, autocommit=True) as conn:
            conn.execute("CREATE TABLE widgets (id int PRIMARY KEY); INSERT INTO widgets VALUES (7)")
            conn.execute("GRANT SELECT ON widgets TO readonly_user")  # anonymous requests run as readonly_user
            conn.execute("NOTIFY pgrst, 'reload schema'")
        deadline = time.monotonic() + 10
        while (r := h.get("/widgets")).status_code == 404:
            assert time.monotonic() < deadline, "the cache was not reloaded"
            time.sleep(0.1)
        assert r.json() == [{"id": 7}]
        # the statement remembered for this URL was built against the old cache: a reload forgets it
        with psycopg.connect(db, autocommit=True) as conn:
            conn.execute("ALTER TABLE widgets ADD COLUMN label text DEFAULT 'new'")
            conn.execute("NOTIFY pgrst, 'reload schema'")
        deadline = time.monotonic() + 10
        while (r := h.get("/widgets")).json() == [{"id": 7}]:
            assert time.monotonic() < deadline, "a remembered statement outlived the reload"
            time.sleep(0.1)
        assert r.json() == [{"id": 7, "label": "new"}]


def test_openapi_describes_every_relation_and_function(bakery_api: tuple[str, str]) -> None:
    from openapi_spec_validator import validate

    with httpx.Client(base_url=bakery_api[0]) as h:
        doc = h.get("/openapi.json").json()
        assert h.get("/").json() == doc
    validate(doc)  # a valid OpenAPI 3.1 document (an independent validator)
    assert doc["openapi"] == "3.1.0"
    assert {"/products", "/orders", "/order_items", "/rpc/add_them"} <= set(doc["paths"])
    products = doc["components"]["schemas"]["products"]
    assert products["properties"]["price"]["type"] == "number" and "name" in products["required"]
    assert "id" not in products["required"]  # it has a default
    assert doc["paths"]["/rpc/add_them"]["post"]["requestBody"]["content"]["application/json"]["schema"][
        "required"
    ] == ["a"]


def _doc_rls_block() -> str:
    """The bakery doc's own RLS SQL: its "Row Level Security (Future Enhancement)" section, which `up`
    leaves out as not current, with the user_orders policy the issue names."""
    from schemadoc.parse.blocks import split_blocks

    doc = split_blocks(str(SEEDS["bakery"]), SEEDS["bakery"].read_text(encoding="utf-8"))
    found = [
        b.text
        for b in doc.blocks
        if b.kind == "fence" and b.heading and "Row Level Security" in b.heading.text and "CREATE POLICY" in b.text
    ]
    assert len(found) == 1, found
    return found[0]


def test_jwt_roles_and_rls(bakery_api: tuple[str, str]) -> None:
    """PostgREST's model: the token's role runs the statement, its claims reach RLS policies — the
    bakery doc's own user_orders policy, run as the doc writes it, for the doc's own app_user (which
    `up` created with the doc's grants)."""
    from schemadoc.rest.auth import AuthConfig

    _, db = bakery_api
    granted = "SELECT has_table_privilege('app_user', 'orders', 'SELECT'), has_table_privilege('app_user', 'orders', 'INSERT')"
    assert _sql(db, granted) == [(True, True)]
    with psycopg.connect(db, autocommit=True) as conn:
        conn.execute(
            "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'sdt_web_anon') "
            "THEN CREATE ROLE sdt_web_anon NOLOGIN; END IF; END $$"
        )
        conn.execute("GRANT USAGE ON SCHEMA public TO sdt_web_anon; GRANT SELECT ON products TO sdt_web_anon")
        conn.execute(_doc_rls_block())  # type: ignore[arg-type]
        conn.execute(
            "CREATE OR REPLACE FUNCTION slow() RETURNS text LANGUAGE sql STABLE "
            "AS $$ SELECT pg_sleep(1)::text || current_setting('statement_timeout') $$;"
            "CREATE OR REPLACE FUNCTION whoami() RETURNS text LANGUAGE sql STABLE "
            "AS $$ SELECT current_user || ' ' || (current_setting('request.jwt.claims', true)::json->>'sub') $$"
        )
    users = [str(u) for (u,) in _sql(db, "SELECT user_id FROM orders GROUP BY user_id ORDER BY count(*) DESC LIMIT 2")]
    auth = AuthConfig(
        SECRET,
        anon_role="sdt_web_anon",
        claim_settings={"app.current_user_id": "sub"},
        statement_timeouts={"app_user": "200ms"},
    )
    try:
        served = authenticator_url(db, "sdt_web_anon", "app_user", "readonly_user")
        with _serve(create_app(served, auth=auth)) as base, httpx.Client(base_url=base) as h:
            assert h.get("/products?select=id&limit=1").status_code == 200  # anonymous may read products
            r = h.get("/orders")
            assert r.status_code == 401 and r.json()["code"] == "42501"  # …not orders
            assert h.post("/products", json={"name": "x", "price": 1}).status_code == 401
            for user in users:
                bearer = {"Authorization": f"Bearer {_token({'role': 'app_user', 'sub': user})}"}
                mine = h.get("/orders?select=user_id", headers=bearer).json()
                assert mine and {o["user_id"] for o in mine} == {user}  # one user's rows, under RLS
                assert len(mine) == _sql(db, "SELECT count(*) FROM orders WHERE user_id = %s", user)[0][0]
                assert h.get("/rpc/whoami", headers=bearer).json() == f"app_user {user}"
                slow = h.get("/rpc/slow", headers=bearer)  # the role's statement_timeout (200ms) stops it
                assert slow.json()["code"] == "57014", slow.text
                reader = {"Authorization": f"Bearer {_token({'role': 'sdt_web_anon', 'sub': user})}"}
                r = h.delete("/products?id=not.is.null", headers=reader)
                assert r.status_code == 403 and r.json()["code"] == "42501"  # authenticated, not allowed
            # a signed token naming a role the authenticator was not granted: refused before any SQL
            for role in ("postgres", "pg_read_server_files", "pg_write_server_files", "no_such_role"):
                r = h.get("/products?limit=1", headers={"Authorization": f"Bearer {_token({'role': role})}"})
                assert r.status_code == 403 and r.json() == {
                    "code": "42501", "message": f'permission denied to set role "{role}"', "details": None, "hint": None,
                }, r.text  # fmt: skip
            forged = _token({"role": "postgres"}, key="another-secret-of-at-least-thirty-two-bytes")
            expired = _token({"role": "app_user", "exp": int(time.time()) - 60})
            unsigned = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJyb2xlIjoicG9zdGdyZXMifQ."  # alg "none", role postgres
            for bad, message in (
                (forged, "JWSError"),
                (expired, "JWT expired"),
                (unsigned, "algorithm"),
                ("x.y.z", "JWSError"),
            ):
                r = h.get("/orders", headers={"Authorization": f"Bearer {bad}"})
                assert r.status_code == 401 and r.json()["code"] == "PGRST301", r.text
                assert message in r.json()["message"] and "invalid_token" in r.headers["www-authenticate"]
            # a token is verified once and remembered, but only until it expires
            exp = int(time.time()) + 2
            brief = {"Authorization": f"Bearer {_token({'role': 'app_user', 'exp': exp})}"}
            assert h.get("/products?limit=1", headers=brief).status_code == 200
            assert h.get("/products?limit=1", headers=brief).status_code == 200
            time.sleep(max(0.0, exp + 1.1 - time.time()))
            r = h.get("/products?limit=1", headers=brief)
            assert r.status_code == 401 and r.json()["message"] == "JWT expired", r.text
        closed = AuthConfig(SECRET)  # no anonymous role: a request without a token is refused
        with _serve(create_app(served, auth=closed)) as base, httpx.Client(base_url=base) as h:
            r = h.get("/products")
            assert r.status_code == 401 and r.json()["code"] == "PGRST302"
    finally:
        with psycopg.connect(db, autocommit=True) as conn:
            conn.execute(
                "DROP POLICY user_orders ON orders; ALTER TABLE orders DISABLE ROW LEVEL SECURITY;"
                "ALTER TABLE reviews DISABLE ROW LEVEL SECURITY; ALTER TABLE loyalty_points DISABLE ROW LEVEL SECURITY"
            )


def test_serve_from_the_command_line(bakery_api: tuple[str, str]) -> None:
    """`schemadoc serve --workers 2` with JWT, a claim mapped to a setting and a role's statement timeout:
    every worker gets the whole configuration."""
    import os
    import subprocess
    import sys

    import jwt

    _, db = bakery_api
    with psycopg.connect(db, autocommit=True) as conn:
        conn.execute(
            "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'sdt_cli_web') THEN "
            "CREATE ROLE sdt_cli_web NOLOGIN; END IF; END $$"
        )
        conn.execute("GRANT USAGE ON SCHEMA public TO sdt_cli_web")
        conn.execute("GRANT SELECT ON products TO sdt_cli_web")
        conn.execute(
            "CREATE OR REPLACE FUNCTION whoami() RETURNS text LANGUAGE sql STABLE AS "
            "$$ SELECT current_setting('app.current_user_id', true) || ' ' || current_setting('statement_timeout') $$"
        )
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    secret = "a-secret-of-at-least-thirty-two-bytes!"
    proc = subprocess.Popen(
        [sys.executable, "-m", "schemadoc.cli", "serve", "--database-url", authenticator_url(db, "sdt_cli_web"), "--port", str(port),
         "--workers", "2", "--jwt-secret", secret, "--anon-role", "sdt_cli_web",
         "--claim-setting", "app.current_user_id=sub", "--statement-timeout", "sdt_cli_web=1500ms",
         str(SEEDS["bakery"])],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        r = _first_answer(proc, f"http://127.0.0.1:{port}/products?select=name&limit=2", 30)
        assert r.status_code == 200 and len(r.json()) == 2  # as the anonymous role
        assert httpx.get(f"http://127.0.0.1:{port}/orders").status_code == 401  # the role may not read orders
        token = jwt.encode({"role": "sdt_cli_web", "sub": "user-42"}, secret, algorithm="HS256")
        for _ in range(8):  # requests land on both workers
            r = httpx.get(f"http://127.0.0.1:{port}/rpc/whoami", headers={"Authorization": f"Bearer {token}"})
            assert r.status_code == 200 and r.json() == "user-42 1500ms", r.text
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=20)
    assert "serving" in err and "Traceback" not in err


@pytest.fixture(scope="session")
def postgrest_js() -> Path:
    """@supabase/postgrest-js from npm, installed once under build/node (the JS client we test against)."""
    import shutil
    import subprocess

    from .conftest import ROOT

    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("node/npm are not installed: the JavaScript client cannot run")
    prefix = ROOT / "build" / "node"
    if not (prefix / "node_modules" / "@supabase" / "postgrest-js").exists():
        prefix.mkdir(parents=True, exist_ok=True)
        r = subprocess.run(
            ["npm", "install", "--prefix", str(prefix), "--no-audit", "--no-fund", "@supabase/postgrest-js@2"],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert r.returncode == 0, r.stderr[-2000:]
    script = prefix / "postgrest_client.mjs"
    script.write_text((Path(__file__).parent / "js" / "postgrest_client.mjs").read_text())
    return script


def test_the_javascript_client(bakery_api: tuple[str, str], postgrest_js: Path) -> None:
    import json
    import subprocess

    base, db = bakery_api
    token = APP_USER["Authorization"].removeprefix("Bearer ")
    r = subprocess.run(["node", str(postgrest_js), base, token], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-3000:]
    out = json.loads(r.stdout)
    errors = {k: v["error"] for k, v in out.items() if v.get("error") and k not in ("duplicate", "missing")}
    assert errors == {}
    expected = _sql(db, "SELECT name FROM products WHERE price > 10 ORDER BY price DESC, name LIMIT 5")
    assert [p["name"] for p in out["select"]["data"]] == [n for (n,) in expected]
    assert len(out["page"]["data"]) == 4 and out["page"]["count"] == _sql(db, "SELECT count(*) FROM products")[0][0]
    n = _sql(db, "SELECT count(*) FROM orders WHERE status IN ('pending','delivered') AND payment_status <> 'failed'")
    assert len(out["filters"]["data"]) == n[0][0]
    for order in out["embed"]["data"]:
        assert set(order) == {"id", "user", "order_items"} and "email" in order["user"]
    pending = _sql(db, "SELECT count(DISTINCT user_id) FROM orders WHERE status = 'pending'")[0][0]
    assert len(out["embedFilter"]["data"]) == pending
    assert all(all(o for o in u["orders"]) for u in out["embedFilter"]["data"])
    assert out["single"]["data"] == {"name": _sql(db, "SELECT name FROM products ORDER BY name LIMIT 1")[0][0]}
    assert out["maybeSingle"]["data"] is None and out["maybeSingle"]["error"] is None
    assert out["insert"]["status"] == 201 and out["insert"]["data"][0]["code"] == "JS1"
    assert out["duplicate"]["status"] == 409 and out["duplicate"]["error"]["code"] == "23505"
    assert out["upsert"]["data"][0]["usage_limit"] == 7
    assert out["update"]["data"] == [{"code": "JS1", "used_count": 3}]
    assert out["remove"]["data"] == [{"code": "JS1"}]
    assert out["rpc"]["data"] == 42
    cheap = _sql(db, "SELECT name FROM products WHERE price <= 50 ORDER BY name")
    assert [p["name"] for p in out["rpcGet"]["data"]] == [c for (c,) in cheap]
    assert out["head"]["count"] == _sql(db, "SELECT count(*) FROM orders")[0][0] and out["head"]["data"] is None
    assert out["missing"]["status"] == 404 and out["missing"]["error"]["code"] == "PGRST205"


def test_csv_counts_profiles_and_embedded_order(bakery_api: tuple[str, str]) -> None:
    import csv
    import io

    base, db = bakery_api
    with httpx.Client(base_url=base) as h:
        r = h.get("/products?select=name,price,description&order=name&limit=4", headers={"Accept": "text/csv"})
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(r.text)))  # an independent CSV reader
        expected = _sql(db, "SELECT name, price::text, coalesce(description, '') FROM products ORDER BY name LIMIT 4")
        assert rows[0] == ["name", "price", "description"]
        assert [tuple(x) for x in rows[1:]] == expected  # quoting, commas and newlines survive
        tricky = 'Comma, "quoted"\nand a newline'
        with psycopg.connect(db, autocommit=True) as conn:
            conn.execute("INSERT INTO products (name, price, stock) VALUES (%s, 1, 1)", (tricky,))
        r = h.get("/products", params={"select": "name", "name": f"eq.{tricky}"}, headers={"Accept": "text/csv"})
        assert list(csv.reader(io.StringIO(r.text))) == [["name"], [tricky]]
        with psycopg.connect(db, autocommit=True) as conn:
            conn.execute("DELETE FROM products WHERE name = %s", (tricky,))
        total = _sql(db, "SELECT count(*) FROM order_items")[0][0]
        for mode in ("exact", "planned", "estimated"):
            r = h.get("/order_items?select=id&limit=1", headers={"Prefer": f"count={mode}"})
            got = int(r.headers["content-range"].split("/")[1])
            assert got == total if mode != "planned" else got > 0, (mode, got, total)
        assert h.get("/products", headers={"Accept-Profile": "public"}).status_code == 200
        r = h.get("/products", headers={"Accept-Profile": "private"})
        assert r.status_code == 406 and r.json()["code"] == "PGRST106"
        # order by an embedded to-one column; filter an embed by its path
        r = h.get("/orders?select=id,users(email)&order=users(email).desc&limit=10")
        emails = [o["users"]["email"] for o in r.json()]
        assert emails == sorted(emails, reverse=True)
        r = h.get("/users?select=email,orders(status)&orders.status=eq.pending&limit=10")
        assert r.status_code == 200 and all(o["status"] == "pending" for u in r.json() for o in u["orders"])


def test_views_that_cannot_change_answer_405_and_rpc_bad_values_400(bakery_api: tuple[str, str]) -> None:
    """Found by schemathesis: these were 500s."""
    with httpx.Client(base_url=bakery_api[0]) as h:
        assert h.get("/daily_sales?limit=1").status_code == 200
        r = h.post("/daily_sales", json={"order_count": 1})
        assert r.status_code == 405 and r.json()["code"] == "55000"
        assert "post" not in h.get("/openapi.json").json()["paths"]["/daily_sales"]
        r = h.post("/rpc/add_them", json={"a": {"x": 1}})
        assert r.status_code == 400 and r.json()["code"] == "22P02"


def test_schemathesis_finds_no_server_error(bakery_api: tuple[str, str], tmp_path: Path) -> None:
    """schemathesis (an independent fuzzer) generates requests from our OpenAPI: no 5xx answer. (DELETE is
    left out so the module's shared rows survive for the figures the other tests compare.)"""
    import shutil
    import subprocess
    import sys
    from pathlib import Path as _Path

    st = shutil.which("st", path=str(_Path(sys.executable).parent)) or shutil.which("st")
    if st is None:
        pytest.skip("schemathesis is not installed")
    r = subprocess.run(
        [st, "run", f"{bakery_api[0]}/openapi.json", "--checks", "not_a_server_error", "--max-examples", "8",
         "--phases", "examples,coverage,fuzzing", "--seed", "1", "--exclude-method", "DELETE"],
        cwd=tmp_path,  # its crash cache (.schemathesis/) is written there, not into the checkout
        capture_output=True,
        text=True,
        timeout=600,
    )  # fmt: skip
    assert r.returncode == 0, r.stdout[-4000:]
    assert "passed" in r.stdout


def test_put_headers_only_and_missing_default(bakery_api: tuple[str, str]) -> None:
    import uuid

    base, db = bakery_api
    pid = str(uuid.uuid4())
    with httpx.Client(base_url=base, headers=APP_USER) as h:
        row = {"id": pid, "name": "Put cake", "price": 12.5, "stock": 3}
        r = h.put(f"/products?id=eq.{pid}", json=row, headers={"Prefer": "return=representation"})
        assert r.status_code == 201 and r.json()[0]["name"] == "Put cake"  # created
        again = h.put(f"/products?id=eq.{pid}", json=row, headers={"Prefer": "return=representation"})
        assert again.status_code == 200 and again.json()[0]["name"] == "Put cake"  # replaced
        r = h.put(f"/products?id=eq.{pid}", json={**row, "name": "Put cake v2"})
        assert r.status_code == 204
        assert _sql(db, "SELECT name, stock FROM products WHERE id = %s", pid) == [("Put cake v2", 3)]
        r = h.put(f"/products?id=eq.{uuid.uuid4()}", json=row)
        assert r.status_code == 400 and r.json()["code"] == "PGRST115"
        r = h.put("/products?name=eq.x", json=row)
        assert r.status_code == 405 and r.json()["code"] == "PGRST105"
        # headers-only: where the new row is
        r = h.post("/products", json={"name": "Located", "price": 2}, headers={"Prefer": "return=headers-only"})
        assert r.status_code == 201 and r.headers["location"].startswith("/products?id=eq.")
        located = h.get(r.headers["location"]).json()
        assert [p["name"] for p in located] == ["Located"]
        # missing=default: a key one row lacks takes the column's default, not NULL
        rows = [{"name": "Bulk A", "price": 1, "stock": 9}, {"name": "Bulk B", "price": 1}]
        r = h.post("/products", json=rows, headers={"Prefer": "missing=default,return=representation"})
        assert r.status_code == 201, r.text
        assert {p["name"]: p["stock"] for p in r.json()} == {"Bulk A": 9, "Bulk B": 0}
        assert all(p["id"] and p["created_at"] for p in r.json())
        r = h.post("/products", json=[{"name": "Bulk C", "price": 1, "stock": 1}, {"name": "Bulk D", "price": 1}])
        assert r.status_code == 400 and r.json()["code"] == "23502"  # without it: NULL, which stock refuses
        h.delete("/products?name=in.(Bulk A,Bulk B,Located,Put cake v2)")


def test_the_docs_redis_layout_rate_limits_and_caches(bakery_api: tuple[str, str], redis_url: str) -> None:
    """Seed 003's rate_limit:{ip_address}:{endpoint} (15 min) and product:{product_id} (1 h) in front of the API."""
    import redis

    _, db = bakery_api
    kv = schemadoc.keyspaces(SEEDS["bakery"], redis_url)
    r = redis.Redis.from_url(redis_url)
    (pid,) = _sql(db, "SELECT id::text FROM products WHERE category IS NOT NULL ORDER BY name LIMIT 1")[0]
    with _serve(_bakery_app(db, keyspaces=kv, rate_limit=20)) as base, httpx.Client(base_url=base) as h:
        url = f"/products?id=eq.{pid}&select=id,name,price"
        first = h.get(url)
        assert first.status_code == 200 and first.headers["x-cache"] == "miss"
        assert 3590 < r.ttl(f"product:{pid}") <= 3600
        second = h.get(url)
        assert second.headers["x-cache"] == "hit" and second.json() == first.json()
        assert "x-cache" not in h.get(f"/products?id=eq.{pid}&select=id,description").headers  # not documented
        assert h.patch(f"/products?id=eq.{pid}", json={"price": 99.5}, headers=APP_USER).status_code == 204
        assert r.exists(f"product:{pid}") == 0  # the write dropped the cached copy
        again = h.get(url)
        assert again.headers["x-cache"] == "miss" and again.json()[0]["price"] == 99.5
        assert kv["product"].get(product_id=pid)["price"] == 99.5  # the cache holds the documented shape
        # rate limiting: 20 requests per endpoint and address in the window, then 429 until it ends
        for _ in range(20):
            assert h.get("/users?select=id&limit=1").status_code == 200
        limited = h.get("/users?select=id&limit=1")
        assert limited.status_code == 429 and limited.json()["code"] == "PGRST429"
        assert 0 < int(limited.headers["retry-after"]) <= 900
        assert h.get("/orders?select=id&limit=1").status_code == 200  # another endpoint has its own count
        for _ in range(20):  # function calls count as well
            assert h.get("/rpc/add_them?a=1").status_code == 200
        assert h.get("/rpc/add_them?a=1").status_code == 429
        assert 0 < r.ttl("rate_limit:127.0.0.1:/users") <= 900


def test_csv_payload(bakery_api: tuple[str, str]) -> None:
    base, db = bakery_api
    body = 'delivery_date,delivery_time,rider_id\n2031-02-03,09:00,\n2031-02-04,"10:00, sharp",\n'
    with httpx.Client(base_url=base, headers=APP_USER) as h:
        r = h.post(
            "/delivery_schedules",
            content=body,
            headers={"Content-Type": "text/csv", "Prefer": "return=representation"},
        )
        assert r.status_code == 201, r.text
        got = sorted((x["delivery_date"], x["delivery_time"], x["rider_id"]) for x in r.json())
        assert got == [("2031-02-03", "09:00", None), ("2031-02-04", "10:00, sharp", None)]
        bad = h.post("/delivery_schedules", content="a,b\n1\n", headers={"Content-Type": "text/csv"})
        assert bad.status_code == 400 and bad.json()["code"] == "PGRST102"
    assert _sql(db, "SELECT count(*) FROM delivery_schedules WHERE delivery_date >= '2031-01-01'") == [(2,)]


def test_json_bodies_in_every_encoding_json_allows(bakery_api: tuple[str, str]) -> None:
    """UTF-8 (with or without a byte-order mark), UTF-16 and UTF-32 bodies are read; the text goes to
    PostgreSQL as sent, the time's text included."""
    base, db = bakery_api
    row = '{"delivery_date": "2032-05-0%d", "delivery_time": "%s"}'
    bodies = [
        (row % (1, "09:00 ☕")).encode(),
        b"\xef\xbb\xbf" + (row % (2, "10:00")).encode(),
        (row % (3, "11:00 é")).encode("utf-16"),
        (row % (4, "12:00")).encode("utf-32-le"),
    ]
    with httpx.Client(base_url=base, headers=APP_USER) as h:
        for body in bodies:
            r = h.post("/delivery_schedules", content=body, headers={"Content-Type": "application/json"})
            assert r.status_code == 201, r.text
        bad = h.post("/delivery_schedules", content=b"\xff\xfe{", headers={"Content-Type": "application/json"})
        assert bad.status_code == 400 and bad.json()["code"] == "PGRST102"
    got = _sql(db, "SELECT delivery_time FROM delivery_schedules WHERE delivery_date >= '2032-05-01' ORDER BY 1")
    assert got == [("09:00 ☕",), ("10:00",), ("11:00 é",), ("12:00",)]
    with psycopg.connect(db) as conn:
        conn.execute("DELETE FROM delivery_schedules WHERE delivery_date >= '2032-05-01'")


def test_prefer_handling_max_affected_and_routes(bakery_api: tuple[str, str]) -> None:
    base, db = bakery_api
    before = _sql(db, "SELECT count(*) FROM order_items")
    with httpx.Client(base_url=base, headers=APP_USER) as h:
        # max-affected counts with handling=strict: past it, 400 and nothing is kept
        strict = {"Prefer": "handling=strict, max-affected=1"}
        r = h.delete("/order_items?quantity=gte.0", headers=strict)
        assert r.status_code == 400 and r.json()["code"] == "PGRST124"
        assert _sql(db, "SELECT count(*) FROM order_items") == before
        one = _sql(db, "SELECT id::text, quantity FROM order_items ORDER BY id LIMIT 1")[0]
        r = h.patch(f"/order_items?id=eq.{one[0]}", json={"quantity": 77}, headers=strict)
        assert r.status_code == 204
        assert _sql(db, "SELECT quantity FROM order_items WHERE id = %s", one[0]) == [(77,)]
        h.patch(f"/order_items?id=eq.{one[0]}", json={"quantity": one[1]})
        # lenient handling (the default) ignores it, as PostgREST does
        slots = [{"delivery_date": "2032-05-06", "delivery_time": t} for t in ("09:00", "10:00")]
        assert h.post("/delivery_schedules", json=slots).status_code == 201
        r = h.patch(
            "/delivery_schedules?delivery_date=eq.2032-05-06", json={"status": "assigned"},
            headers={"Prefer": "max-affected=1"},
        )  # fmt: skip
        assert r.status_code == 204
        assert _sql(
            db, "SELECT count(*) FROM delivery_schedules WHERE delivery_date = '2032-05-06' AND status = 'assigned'"
        ) == [(2,)]
        # handling=strict refuses preferences it does not know
        r = h.get("/products", headers={"Prefer": "handling=strict, foo, count=bogus"})
        assert r.status_code == 400 and r.json()["code"] == "PGRST122"
        assert r.json()["details"] == "Invalid preferences: foo, count=bogus"
        assert h.get("/products?limit=1", headers={"Prefer": "handling=lenient, foo"}).status_code == 200
        # paths and methods outside the API
        r = h.get("/products/1")
        assert r.status_code == 404 and r.json()["code"] == "PGRST125"
        r = h.delete("/")
        assert r.status_code == 405 and r.json()["code"] == "PGRST117"
        r = h.put("/rpc/add_them", json={"a": 1})
        assert r.status_code == 405
        r = h.head("/products?limit=2")
        assert r.status_code == 200 and r.content == b"" and r.headers["content-range"] == "0-1/*"


def test_remembered_statements_take_each_requests_values(bakery_api: tuple[str, str]) -> None:
    """A statement is built once per URL and body keys; each request still gets its own values."""
    base, db = bakery_api
    rep = {"Prefer": "return=representation"}
    with httpx.Client(base_url=base, headers=APP_USER) as h:
        got = [
            h.post("/delivery_schedules?select=delivery_time", json={"delivery_date": "2033-01-01", "delivery_time": t}, headers=rep).json()
            for t in ("07:00", "08:00", "09:00")
        ]  # fmt: skip
        assert got == [[{"delivery_time": "07:00"}], [{"delivery_time": "08:00"}], [{"delivery_time": "09:00"}]]
        # the same URL with other body keys is another statement
        r = h.post("/delivery_schedules?select=status", json={"delivery_date": "2033-01-01", "delivery_time": "x", "status": "completed"}, headers=rep)  # fmt: skip
        assert r.json() == [{"status": "completed"}]
        for status in ("assigned", "available"):
            r = h.patch(
                "/delivery_schedules?delivery_time=eq.07:00&select=status", json={"status": status}, headers=rep
            )
            assert r.json() == [{"status": status}]
        assert h.delete("/delivery_schedules?delivery_date=eq.2033-01-01").status_code == 204
        assert h.delete("/delivery_schedules?delivery_date=eq.2033-01-01").status_code == 204
    assert _sql(db, "SELECT count(*) FROM delivery_schedules WHERE delivery_date = '2033-01-01'") == [(0,)]


def test_schemadocs_own_migrations_reload_the_api(bakery_api: tuple[str, str], tmp_path: Path) -> None:
    """`schemadoc migrate apply` (and `up` when it changes a database) notifies the API: no restart."""
    from schemadoc.migrate.history import apply, rollback

    base, db = bakery_api
    mg = tmp_path / "20260101T000000_gizmos"
    mg.mkdir()
    (mg / "up.sql").write_text(
        "CREATE TABLE gizmos (id int PRIMARY KEY); INSERT INTO gizmos VALUES (3); GRANT SELECT ON gizmos TO readonly_user;\n"
    )
    (mg / "down.sql").write_text("DROP TABLE gizmos;\n")
    with httpx.Client(base_url=base) as h:
        assert h.get("/gizmos").status_code == 404
        assert [a.id for a in apply(tmp_path, db)] == [mg.name]
        deadline = time.monotonic() + 10
        while (r := h.get("/gizmos")).status_code == 404:
            assert time.monotonic() < deadline, "the API did not reload after the migration"
            time.sleep(0.1)
        assert r.json() == [{"id": 3}]
        assert rollback(tmp_path, db) == [mg.name]
        while h.get("/gizmos").status_code != 404:
            assert time.monotonic() < deadline + 10, "the API did not reload after the rollback"
            time.sleep(0.1)


def test_a_request_that_cannot_get_a_connection_is_504(
    bakery_api: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pool is bounded and its wait too: PGRST003 when every connection stays busy."""
    import concurrent.futures

    from schemadoc.rest import sessions

    _, db = bakery_api
    with psycopg.connect(db, autocommit=True) as conn:
        conn.execute(
            "CREATE OR REPLACE FUNCTION nap() RETURNS int LANGUAGE sql STABLE AS 'SELECT 1 FROM pg_sleep(1.5)'"
        )
    monkeypatch.setattr(sessions, "ACQUIRE_TIMEOUT", 0.3)
    with _serve(_bakery_app(db, pool_size=1)) as base, concurrent.futures.ThreadPoolExecutor(2) as ex:
        slow = ex.submit(httpx.get, f"{base}/rpc/nap", timeout=10)
        time.sleep(0.3)
        r = httpx.get(f"{base}/products?limit=1", timeout=10)
        assert r.status_code == 504 and r.json()["code"] == "PGRST003", r.text
        assert slow.result().json() == 1
        assert httpx.get(f"{base}/products?limit=1", timeout=10).status_code == 200  # free again


def test_up_then_serve(server_url: str) -> None:
    """`schemadoc up DOC --serve`: from a doc to a running API in one command."""
    import os
    import subprocess
    import sys

    from schemadoc.servers.database import with_database

    name = "sdt_up_serve"
    admin = with_database(server_url, "postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "schemadoc.cli", "up", "--database-url", server_url, "--dbname", name, "--serve",
         "--port", str(port), str(SEEDS["bakery"])],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        r = _first_answer(proc, f"http://127.0.0.1:{port}/products?select=name", 60)
        assert r.status_code == 200 and r.json() == []  # the doc's tables, empty
        r = httpx.get(f"http://127.0.0.1:{port}/orders?select=id,users(email)")
        assert r.status_code == 200
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=20)
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    assert name in out and "serving" in err and "Traceback" not in err
