"""Benchmark: `schemadoc seed` on the bakery doc (seed 003), order_items rows per second, next to
(a) a naive loop of Faker + one INSERT per row, (b) COPY of rows generated beforehand (the ingest
limit), (c) INSERT … SELECT generate_series (the in-database limit) — all in one run, on the same server,
each into a fresh database with the same parents (users, products, orders) already in place.

Run: .venv/bin/python bench/seed.py [--items 1000000] [--no-doc-triggers]
Target (issue 6): schemadoc seed at least half of (b). The doc's own AFTER INSERT trigger on
order_items (it recomputes the order's total per row) is part of every figure.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))

from up import bench_server, drop, fresh  # noqa: E402

import schemadoc  # noqa: E402
from schemadoc.seed.generate import seed  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "examples" / "bakery.md"
PARENTS = "users=2000,products=500,orders=20000"


DOC_TRIGGERS = True  # --no-doc-triggers: order_items' own trigger disabled, to measure the loading alone


@contextmanager
def prepared(url: str) -> Iterator[psycopg.Connection]:  # type: ignore[type-arg]
    """A connection to a fresh bakery database with the parents seeded and no order items yet."""
    target = fresh(url)
    try:
        schemadoc.up(DOC, target)
        with psycopg.connect(target) as conn:
            seed(conn, schemadoc.load(DOC), PARENTS, default_rows=0, seed_value=1)
            if not DOC_TRIGGERS:
                conn.execute("ALTER TABLE order_items DISABLE TRIGGER USER")
                conn.commit()
            yield conn
    finally:
        drop(target)


def keys(conn: psycopg.Connection) -> tuple[list, list]:  # type: ignore[type-arg]
    orders = [r[0] for r in conn.execute("SELECT id FROM orders")]
    products = [r[0] for r in conn.execute("SELECT id FROM products")]
    return orders, products


def naive(url: str, n: int) -> float:
    from faker import Faker

    fake = Faker()
    with prepared(url) as conn:
        orders, products = keys(conn)
        t0 = time.perf_counter()
        for _ in range(n):
            quantity, price = fake.random_int(1, 5), Decimal(str(fake.pyfloat(2, 2, True)))
            conn.execute(
                "INSERT INTO order_items (order_id, product_id, quantity, unit_price, subtotal) "
                "VALUES (%s, %s, %s, %s, %s)",
                (random.choice(orders), random.choice(products), quantity, price, quantity * price),
            )
        conn.commit()
        return n / (time.perf_counter() - t0)


def copy_pregenerated(url: str, n: int) -> float:
    with prepared(url) as conn:
        orders, products = keys(conn)
        rng = random.Random(1)
        rows = [(rng.choice(orders), rng.choice(products), 2, Decimal("9.99"), Decimal("19.98")) for _ in range(n)]
        t0 = time.perf_counter()
        with (
            conn.cursor() as cur,
            cur.copy("COPY order_items (order_id, product_id, quantity, unit_price, subtotal) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        conn.commit()
        return n / (time.perf_counter() - t0)


def generate_series(url: str, n: int) -> float:
    with prepared(url) as conn:
        t0 = time.perf_counter()
        conn.execute(
            """
            WITH o AS (SELECT array_agg(id) a FROM orders), p AS (SELECT array_agg(id) a FROM products)
            INSERT INTO order_items (order_id, product_id, quantity, unit_price, subtotal)
            SELECT o.a[1 + (g %% array_length(o.a, 1))], p.a[1 + (g %% array_length(p.a, 1))], 1 + g %% 5, 9.99,
                   (1 + g %% 5) * 9.99
            FROM generate_series(1, %s) g, o, p
            """,
            (n,),
        )
        conn.commit()
        return n / (time.perf_counter() - t0)


def schemadoc_seed(url: str, n: int) -> float:
    with prepared(url) as conn:
        t0 = time.perf_counter()
        report = seed(conn, schemadoc.load(DOC), f"order_items={n}", default_rows=0, seed_value=2)
        return report.rows.get("public.order_items", 0) / (time.perf_counter() - t0)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--items", type=int, default=1_000_000)
    ap.add_argument("--naive-items", type=int, default=20_000, help="the naive loop is slow: fewer rows")
    ap.add_argument("--no-doc-triggers", action="store_true", help="disable order_items' own trigger everywhere")
    args = ap.parse_args()
    global DOC_TRIGGERS
    DOC_TRIGGERS = not args.no_doc_triggers
    with bench_server() as url:
        figures = {
            "schemadoc seed": schemadoc_seed(url, args.items),
            "(a) Faker + INSERT per row": naive(url, args.naive_items),
            "(b) COPY, rows generated beforehand": copy_pregenerated(url, args.items),
            "(c) INSERT … SELECT generate_series": generate_series(url, args.items),
        }
    base = figures["(b) COPY, rows generated beforehand"]
    print(
        f"bakery order_items, {args.items:,} rows (naive loop: {args.naive_items:,}), "
        f"the doc's trigger on order_items {'on' if DOC_TRIGGERS else 'disabled'}"
    )
    for name, rate in figures.items():
        print(f"{name:<40}{rate:>12,.0f} rows/s{rate / base:>8.2f}x of (b)")
    print("target: schemadoc seed >= 0.50x of (b)")


if __name__ == "__main__":
    main()
