"""Each of our first users' documents comes up on a real PostgreSQL exactly as the doc means it."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

import schemadoc
from schemadoc.introspect import introspect
from schemadoc.lint.fixes import repair
from schemadoc.migrate.compare import differences
from schemadoc.migrate.normalize import spelled_by_server
from schemadoc.model import Schema, Table
from schemadoc.model import replace as m_replace

from .conftest import SEEDS


def _up(name: str, url: str) -> tuple[Schema, Schema]:
    """Bring seed `name` up in the database at `url`; (doc schema as applied, introspected schema)."""
    result = schemadoc.up(SEEDS[name], url, fix=True)
    assert result.applied > 0
    doc = schemadoc.load(SEEDS[name])
    schema, _, _ = repair(doc.schema, list(doc.diagnostics))
    with psycopg.connect(url) as conn:
        db = introspect(conn, tuple(r.name for r in schema.roles))
    return schema, db


def _table(db: Schema, name: str) -> Table:
    t = db.table(f"public.{name}")
    assert t is not None, f"table {name} missing"
    return t


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_round_trip_has_no_drift(name: str, fresh_db: str) -> None:
    doc, db = _up(name, fresh_db)
    assert differences(spelled_by_server(doc, db), db) == []
    assert spelled_by_server(doc, db) == db
    again = schemadoc.up(SEEDS[name], fresh_db, fix=True)
    assert again.applied == 0 and again.created_database is False


def test_photobook_prisma_tables(fresh_db: str) -> None:
    _, db = _up("photobook", fresh_db)
    assert {t.name for t in db.tables} >= {"User", "Account", "Order", "OrderItem", "PhotoTag", "_PhotoToPhotoTag"}
    user = _table(db, "User")
    assert user.column("id").type == "text" and user.column("id").default == "schemadoc.cuid()"  # type: ignore[union-attr]
    assert user.column("createdAt").type == "timestamp(3) without time zone"  # type: ignore[union-attr]
    assert user.column("createdAt").default == "CURRENT_TIMESTAMP"  # type: ignore[union-attr]
    assert user.column("name").not_null is False  # type: ignore[union-attr]
    order = _table(db, "Order")
    assert order.column("totalAmount").type == "double precision"  # type: ignore[union-attr]
    assert order.column("status").type == '"OrderStatus"'  # type: ignore[union-attr]
    assert order.column("status").default == "'PENDING'::\"OrderStatus\""  # type: ignore[union-attr]
    assert order.column("currency").default == "'USD'::text"  # type: ignore[union-attr]
    fks = {f.name: f for f in order.foreign_keys}
    assert fks["Order_userId_fkey"].on_delete == "CASCADE" and fks["Order_userId_fkey"].on_update == "CASCADE"
    assert fks["Order_shippingAddressId_fkey"].on_delete == "SET NULL"
    item = _table(db, "OrderItem")
    assert {f.name: f.on_delete for f in item.foreign_keys}["OrderItem_productId_fkey"] == "RESTRICT"
    vt = _table(db, "VerificationToken")
    assert vt.primary_key is not None and vt.primary_key.columns == ("identifier", "token")
    indexes = {i.name: i for i in db.indexes}
    assert indexes["User_email_key"].unique and indexes["User_email_key"].keys == ("email",)
    assert indexes["Account_provider_providerAccountId_key"].keys == ("provider", "providerAccountId")
    assert indexes["VerificationToken_token_key"].unique
    join = _table(db, "_PhotoToPhotoTag")
    assert join.primary_key is not None and join.primary_key.columns == ("A", "B")
    assert {(f.columns, f.ref_table, f.on_delete) for f in join.foreign_keys} == {
        (("A",), "Photo", "CASCADE"),
        (("B",), "PhotoTag", "CASCADE"),
    }
    assert [e.values for e in db.enums if e.name == "OrderStatus"] == [
        ("PENDING", "CONFIRMED", "PROCESSING", "SHIPPED", "DELIVERED", "CANCELLED")
    ]
    touched = {t.table for t in db.triggers if t.function == "schemadoc.touch_updated_at"}
    assert "User" in touched and "VerificationToken" not in touched


def test_photobook_ids_and_updated_at_work_for_any_client(fresh_db: str) -> None:
    _up("photobook", fresh_db)
    with psycopg.connect(fresh_db) as conn:
        uid, created, updated = conn.execute(
            'INSERT INTO "User" (email) VALUES (%s) RETURNING id, "createdAt", "updatedAt"', ("a@example.com",)
        ).fetchone()  # type: ignore[misc]
        assert uid.startswith("c") and len(uid) == 25
        conn.execute("SELECT pg_sleep(0.01)")
        conn.commit()
        (after,) = conn.execute(
            'UPDATE "User" SET name = %s WHERE id = %s RETURNING "updatedAt"', ("A", uid)
        ).fetchone()  # type: ignore[misc]
        assert after > updated


def test_shop_api_sql(fresh_db: str) -> None:
    _, db = _up("shop-api", fresh_db)
    assert {e.name for e in db.extensions} == {"uuid-ossp"}
    users = _table(db, "users")
    assert users.column("email").type == "character varying(255)"  # type: ignore[union-attr]
    assert users.column("roles").type == "text[]"  # type: ignore[union-attr]
    assert users.column("created_at").type == "timestamp without time zone"  # type: ignore[union-attr]
    assert {c.name for c in users.checks} == {"email_format"}
    assert {u.name for u in users.uniques} == {"users_email_key"}
    products = _table(db, "products")
    assert {c.name for c in products.checks} == {
        "price_compare",
        "products_price_check",
        "products_stock_quantity_check",
    }
    assert {f.name: f.ref_table for f in products.foreign_keys} == {
        "products_category_id_fkey": "categories",
        "products_brand_id_fkey": "brands",
        "products_created_by_fkey": "users",
        "products_updated_by_fkey": "users",
    }
    audit = _table(db, "audit_logs")
    assert audit.partition_by == "RANGE (created_at)"
    assert audit.primary_key is not None and audit.primary_key.columns == ("id", "created_at")
    part = _table(db, "audit_logs_2024_01")
    assert part.partition_of == "public.audit_logs"
    assert part.partition_bound == "FOR VALUES FROM ('2024-01-01 00:00:00') TO ('2024-02-01 00:00:00')"
    rp = _table(db, "role_permissions")
    assert rp.primary_key is not None and rp.primary_key.columns == ("role", "permission_id")
    migrations = _table(db, "migrations")
    assert migrations.column("id").default == "nextval('migrations_id_seq'::regclass)"  # type: ignore[union-attr]
    indexes = {i.name: i for i in db.indexes}
    assert indexes["idx_users_roles"].method == "gin"
    assert indexes["idx_products_created"].keys == ("created_at DESC",)
    assert indexes["idx_products_featured"].where == "deleted_at IS NULL AND is_active = true"
    assert {f.name for f in db.functions} == {"update_updated_at_column", "soft_delete", "search_products"}
    assert {t.name for t in db.triggers} == {"update_users_updated_at", "update_products_updated_at"}
    assert {v.name for v in db.views} == {"v_active_users", "v_product_summary"}


def test_bakery_sql_triggers_views_roles(fresh_db: str) -> None:
    doc, db = _up("bakery", fresh_db)
    orders = _table(db, "orders")
    assert {f.name: (f.ref_table, f.on_delete) for f in orders.foreign_keys} == {
        "orders_user_id_fkey": ("users", "CASCADE"),
        "orders_delivery_schedule_id_fkey": ("delivery_schedules", "NO ACTION"),
    }
    assert orders.column("created_at").type == "timestamp with time zone"  # type: ignore[union-attr]
    promo = _table(db, "promo_codes")
    assert {c.name for c in promo.checks} == {
        "promo_codes_amount_check",
        "promo_codes_check",
        "promo_codes_check1",
        "promo_codes_discount_type_check",
        "promo_codes_usage_limit_check",
        "promo_codes_used_count_check",
    }
    lp = _table(db, "loyalty_points")
    assert [u.columns for u in lp.uniques] == [("user_id",)]
    assert {t.name for t in db.triggers} == {
        "update_users_updated_at",
        "update_products_updated_at",
        "update_orders_updated_at",
        "update_loyalty_points_updated_at",
        "update_order_total",
    }
    total = next(t for t in db.triggers if t.name == "update_order_total")
    assert total.timing == "AFTER" and total.events == ("INSERT", "DELETE", "UPDATE")
    assert {v.name for v in db.views} == {"product_stats", "user_order_summary", "daily_sales"}
    assert {e.name for e in db.extensions} == {"uuid-ossp", "pg_trgm"}
    # the RLS section is marked "Future Enhancement": not applied unless the doc opts in
    assert db.policies == () and not orders.rls_enabled
    assert {r.name for r in db.roles} == {"readonly_user", "app_user"}
    grants = {(g.object_kind, g.object_name, g.grantee): g.privileges for g in db.grants}
    assert grants[("TABLE", "public.orders", "app_user")] == ("DELETE", "INSERT", "SELECT", "UPDATE")
    assert grants[("TABLE", "public.daily_sales", "readonly_user")] == ("SELECT",)
    assert grants[("DATABASE", "", "app_user")] == ("CONNECT",)
    with psycopg.connect(fresh_db) as conn:
        # the doc's passwords are never applied
        assert conn.execute("SELECT rolpassword FROM pg_authid WHERE rolname = 'app_user'").fetchone() == (None,)


def test_venta_split_prisma(fresh_db: str) -> None:
    _, db = _up("venta", fresh_db)
    assert {t.name for t in db.tables} == {"users", "subscriptions", "vendors", "locations", "integrations"}
    users = _table(db, "users")
    assert users.column("clerkId").type == "text"  # type: ignore[union-attr]
    assert users.column("updatedAt").default is None  # type: ignore[union-attr]
    vendors = _table(db, "vendors")
    assert vendors.column("lat").type == "double precision" and not vendors.column("lat").not_null  # type: ignore[union-attr]
    subs = _table(db, "subscriptions")
    assert [(f.name, f.on_delete, f.on_update) for f in subs.foreign_keys] == [
        ("subscriptions_userId_fkey", "CASCADE", "CASCADE")
    ]
    indexes = {i.name: i for i in db.indexes}
    assert indexes["idx_users_clerk_id"].keys == ("clerkId",)
    assert indexes["integrations_service_externalId_key"].unique
    assert indexes["subscriptions_userId_idx"].keys == ("userId",)
    assert {t.table for t in db.triggers} == {"users", "subscriptions", "vendors", "integrations"}


def test_finity_prisma_map(fresh_db: str) -> None:
    _, db = _up("finity", fresh_db)
    articles = _table(db, "articles")
    assert articles.column("user_id") is not None and articles.column("userId") is None
    assert articles.column("html_content").type == "text"  # type: ignore[union-attr]
    assert articles.column("status").type == '"ArticleStatus"'  # type: ignore[union-attr]
    users = _table(db, "users")
    assert users.column("id").default == "(gen_random_uuid())::text"  # type: ignore[union-attr]
    media = _table(db, "media_assets")
    assert {f.name: f.on_delete for f in media.foreign_keys} == {
        "media_assets_user_id_fkey": "CASCADE",
        "media_assets_article_id_fkey": "SET NULL",
    }
    settings = _table(db, "settings")
    assert settings.column("preferences").default == "'{}'::jsonb"  # type: ignore[union-attr]
    indexes = {i.name: i for i in db.indexes}
    assert indexes["api_keys_user_id_provider_key"].unique
    assert indexes["settings_user_id_key"].unique
    assert indexes["articles_slug_idx"].keys == ("slug",)
    assert {e.name for e in db.enums} == {"ArticleStatus", "Provider", "MediaType"}


@pytest.mark.parametrize("name", ["bakery", "photobook", "shop-api"])
def test_inspect_markdown_builds_the_same_database(name: str, server_url: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """database -> `inspect --format md` -> `up` into a new database -> the same catalog."""
    from schemadoc.docs.render import schema_as_markdown
    from schemadoc.servers.database import with_database

    first, second = (with_database(server_url, f"inspect_{name.replace('-', '_')}_{i}") for i in (1, 2))
    with psycopg.connect(with_database(server_url, "postgres"), autocommit=True) as conn:
        for url in (first, second):
            db = psycopg.conninfo.conninfo_to_dict(url)["dbname"]
            conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{db}"')
    schemadoc.up(SEEDS[name], first, fix=True)
    roles = tuple(r.name for r in schemadoc.load(SEEDS[name]).schema.roles)
    with psycopg.connect(first) as conn:
        original = introspect(conn, roles)
    doc = tmp_path / "inspected.md"
    doc.write_text(schema_as_markdown(original))
    loaded = schemadoc.load(doc)
    assert [d for d in loaded.diagnostics if d.severity >= 1] == []
    schemadoc.up(doc, second)
    with psycopg.connect(second) as conn:
        rebuilt = introspect(conn, roles)
    # PostgreSQL's own printing of a CHECK is not a fixed point: `status IN ('a')` on varchar prints as
    # `= ANY ((ARRAY['a'::varchar])::text[])`, which reads back with the cast pushed into the elements
    # (pg_dump shows the same). CHECKs are compared by name and count; everything else exactly.
    checks = {t.key: {c.name: c for c in t.checks} for t in original.tables}
    rebuilt = rebuilt.with_(
        tables=tuple(
            m_replace(t, checks=tuple(checks.get(t.key, {}).get(c.name, c) for c in t.checks)) for t in rebuilt.tables
        )
    )
    assert differences(rebuilt, original) == []


FIXTURE_DOCS = sorted((Path(__file__).parent / "fixtures" / "docs").glob("*.md"))


@pytest.mark.parametrize("doc", FIXTURE_DOCS, ids=[p.stem for p in FIXTURE_DOCS])
def test_fixture_documents_round_trip(doc: Path, fresh_db: str) -> None:
    """Every object kind the reader knows comes back from the catalog as the document wrote it."""
    result = schemadoc.up(doc, fresh_db)
    assert result.applied > 0
    loaded = schemadoc.load(doc)
    assert loaded.errors == []
    with psycopg.connect(fresh_db) as conn:
        db = introspect(conn, tuple(r.name for r in loaded.schema.roles))
    assert differences(spelled_by_server(loaded.schema, db), db) == []
    assert schemadoc.up(doc, fresh_db).applied == 0
