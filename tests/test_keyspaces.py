"""Redis key layouts: read from each way docs write them, linked to the relational model, linted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import schemadoc
from schemadoc import model as m
from schemadoc.parse.redis import redis_type, ttl_amounts

from .conftest import SEEDS

FIXTURES = Path(__file__).parent / "fixtures"


def _by_pattern(doc: schemadoc.LoadedDocument) -> dict[str, m.Keyspace]:
    return {ks.pattern: ks for ks in doc.schema.keyspaces}


def test_seed_003_key_blocks() -> None:
    doc = schemadoc.load(SEEDS["bakery"])
    ks = _by_pattern(doc)
    assert sorted(ks) == [
        "cart:{user_id}",
        "product:{product_id}",
        "rate_limit:{ip_address}:{endpoint}",
        "session:{session_id}",
    ]
    cart = ks["cart:{user_id}"]
    assert (cart.name, cart.redis_type, cart.ttl) == ("cart", "json", 86400)
    assert cart.placeholders == (m.KeyPart("user_id", "public.users.id"),)
    fields = {f.path: f for f in cart.fields}
    assert fields["items[].product_id"].references == "public.products.id"
    assert fields["items[].quantity"].type == "integer" and fields["items[].unit_price"].type == "number"
    assert fields["updated_at"].format == "date-time" and fields["user_id"].format == "uuid"
    schema = json.loads(cart.value_schema or "")
    assert schema["required"] == ["user_id", "items", "total_amount", "updated_at"]
    assert schema["properties"]["items"]["items"]["required"] == ["product_id", "quantity", "unit_price", "subtotal"]
    assert cart.span is not None and doc.text.splitlines()[cart.span.line - 1] == "Key: cart:{user_id}"
    assert ks["session:{session_id}"].ttl == 30 * 86400
    assert {f.path: f.format for f in ks["session:{session_id}"].fields}["email"] == "email"
    product = ks["product:{product_id}"]
    assert product.ttl == 3600 and {f.path: f.references for f in product.fields}["id"] == "public.products.id"
    limit = ks["rate_limit:{ip_address}:{endpoint}"]
    assert (limit.redis_type, limit.ttl, json.loads(limit.value_schema or "")) == ("counter", 900, {"type": "integer"})
    assert [p.references for p in limit.placeholders] == [None, None]


def test_a_table_of_key_patterns() -> None:
    ks = _by_pattern(schemadoc.load(FIXTURES / "redis_table.md"))
    got = {p: (k.name, k.redis_type, k.ttl) for p, k in ks.items()}
    assert got == {
        "presence:{account_id}": ("presence", "string", 90),
        "room:{room_id}:members": ("room:members", "set", None),
        "room:{room_id}:recent": ("room:recent", "list", 2 * 86400),
        "leaderboard:{week}": ("leaderboard", "zset", 8 * 86400),
        "account:{account_id}:profile": ("account:profile", "hash", 3600),
        "unread:{account_id}": ("unread", "counter", None),
        "room_cache:{room_id}": ("room_cache", "json", None),
    }
    assert ks["room:{room_id}:members"].placeholders == (m.KeyPart("room_id", "public.rooms.id"),)
    assert ks["presence:{account_id}"].description.endswith("Last heartbeat of an account")


def test_prose_with_a_json_example() -> None:
    doc = schemadoc.load(FIXTURES / "redis_prose.md")
    ks = _by_pattern(doc)
    basket = ks["basket:{customer_id}"]
    assert (basket.redis_type, basket.ttl) == ("json", 7200)
    fields = {f.path: f for f in basket.fields}
    assert fields["coupon"].required is False  # "// optional" in the example
    assert fields["lines[].product_id"].references == "public.products.id"
    assert fields["customer_id"].references == "public.customers.id"
    assert (ks["product_view:{product_id}"].redis_type, ks["product_view:{product_id}"].ttl) == ("json", 600)
    assert (ks["login_attempts:{email}"].redis_type, ks["login_attempts:{email}"].ttl) == ("counter", 900)
    assert ks["wishlist:{shopper_id}"].redis_type == "set" and ks["wishlist:{shopper_id}"].ttl is None


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("24 hours (86400 seconds)", [86400, 86400]),
        ("15 min", [900]),
        ("90s", [90]),
        ("1.5 hours", [5400]),
        ("2 weeks", [1209600]),
        ("500ms", [0]),
        ("none", []),
    ],
)
def test_ttl_in_any_unit(text: str, seconds: list[int]) -> None:
    assert ttl_amounts(text) == seconds


def test_redis_types_by_their_words() -> None:
    words = ["String (JSON)", "String (Counter)", "Hash", "Sorted Set", "ZSET", "Set", "List", "Stream", "String"]
    got = [redis_type(w) for w in words]
    assert got == ["json", "counter", "hash", "zset", "zset", "set", "list", "stream", "string"]


def test_check_lints_the_layouts() -> None:
    from schemadoc.lint import check

    found = {(d.code, d.message) for d in check(schemadoc.load(FIXTURES / "redis_table.md"))}
    assert ("SD390", "room_cache:{room_id} is a cache but has no TTL") in found
    bakery = [d for d in check(schemadoc.load(SEEDS["bakery"])) if d.code.startswith("SD39")]
    assert [(d.code, d.message) for d in bakery] == [
        ("SD392", "{session_id} in session:{session_id} names no table or column")
    ]


def test_key_layouts_are_not_part_of_schema_equality() -> None:
    doc = schemadoc.load(SEEDS["bakery"]).schema
    assert doc.keyspaces and doc == doc.with_(keyspaces=())


def test_json_examples_keep_urls_and_drop_comments() -> None:
    from schemadoc.parse.redis import parse_json_example

    text = '{\n  "avatar": "https://cdn.example.com/a.png", // optional\n  "tags": ["a",], // a list\n}'
    assert parse_json_example(text) == ({"avatar": "https://cdn.example.com/a.png", "tags": ["a"]}, {"avatar"})
    assert parse_json_example('{"a": "// not a comment"}') == ({"a": "// not a comment"}, set())
    assert parse_json_example("{not json") is None
