"""Benchmark: `kv audit` over 1 M keys of seed 003's layouts, keys/second next to a plain SCAN + GET loop
(one GET per key, as a script would be written) and SCAN with the GETs pipelined per batch (the Redis
side's limit for reading every value), all in one run on one private redis-server.

Run: .venv/bin/python bench/kv_audit.py [--keys 1000000]
Target (issue 8): the audit at least half of the plain SCAN + GET loop's rate. The audit here is the
Redis side (type, TTL, shape of every value); the PostgreSQL reference check is one query per 50,000
referenced values and is left out so that the figures compare the same work on the same server.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import tempfile
import time
import uuid
from pathlib import Path

import redis

import schemadoc
from schemadoc.kv.keyspaces import audit
from schemadoc.servers import redis as redis_server

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "examples" / "bakery.md"


def fill(r: redis.Redis, n: int) -> None:
    rng = random.Random(1)
    products = [str(uuid.UUID(int=rng.getrandbits(128))) for _ in range(500)]
    pipe = r.pipeline(transaction=False)
    for i in range(n):
        kind = i % 4
        if kind == 0:
            user = str(uuid.UUID(int=rng.getrandbits(128)))
            lines = [
                {"product_id": rng.choice(products), "quantity": q, "unit_price": 2.5, "subtotal": 2.5 * q}
                for q in range(1, rng.randint(2, 4))
            ]
            value = {
                "user_id": user,
                "items": lines,
                "total_amount": sum(x["subtotal"] for x in lines),
                "updated_at": "2024-01-15T10:30:00Z",
            }
            pipe.set(f"cart:{user}", json.dumps(value), ex=86400)
        elif kind == 1:
            pipe.set(f"rate_limit:10.0.{i % 250}.{i % 199}:/api/{i}", rng.randint(1, 90), ex=900)
        elif kind == 2:
            product = {
                "id": rng.choice(products),
                "name": "Chocolate Cake",
                "price": 25.99,
                "stock": 15,
                "category": "cakes",
                "is_customizable": True,
            }
            pipe.set(f"product:{i}", json.dumps(product), ex=3600)
        else:
            session = {
                "user_id": str(uuid.UUID(int=rng.getrandbits(128))),
                "email": "user@example.com",
                "role": "customer",
                "created_at": "2024-01-15T10:30:00Z",
                "last_activity": "2024-01-15T12:45:00Z",
            }
            pipe.set(f"session:{i}", json.dumps(session), ex=2592000)
        if i % 10_000 == 9_999:
            pipe.execute()
    pipe.execute()


def plain_loop(r: redis.Redis) -> int:
    n = 0
    for key in r.scan_iter(count=1000):
        r.get(key)
        n += 1
    return n


def pipelined(r: redis.Redis) -> int:
    n, cursor = 0, 0
    while True:
        cursor, keys = r.scan(cursor=cursor, count=1000)
        pipe = r.pipeline(transaction=False)
        for k in keys:
            pipe.get(k)
        n += len(pipe.execute())
        if cursor == 0:
            return n


def timed(fn: object, *args: object) -> tuple[int, float]:
    t0 = time.perf_counter()
    n = fn(*args)  # type: ignore[operator]
    return int(n), time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--keys", type=int, default=1_000_000)
    args = ap.parse_args()
    home = Path(tempfile.mkdtemp(prefix="schemadoc-bench-redis-"))
    try:
        url = redis_server.start(home)
        r = redis.Redis.from_url(url)
        t0 = time.perf_counter()
        fill(r, args.keys)
        print(f"filled {r.dbsize():,} keys in {time.perf_counter() - t0:.1f} s")
        kv = schemadoc.keyspaces(DOC, url)
        figures: dict[str, tuple[int, float]] = {
            "plain SCAN + GET loop": timed(plain_loop, r),
            "SCAN + pipelined GET": timed(pipelined, r),
        }
        t0 = time.perf_counter()
        report = audit(kv)
        figures["schemadoc kv audit"] = (report.keys, time.perf_counter() - t0)
        assert report.ok, report.as_dict()
        base = figures["plain SCAN + GET loop"]
        base_rate = base[0] / base[1]
        for name, (n, seconds) in figures.items():
            rate = n / seconds
            print(
                f"{name:<28}{n:>10,} keys {seconds:>7.1f} s {rate:>10,.0f} keys/s {rate / base_rate:>6.2f}x of the loop"
            )
        print("target: schemadoc kv audit >= 0.50x of the plain loop")
    finally:
        redis_server.stop(home)
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
