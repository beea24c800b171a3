"""Benchmark: `schemadoc serve` next to PostGraphile 5 and to pgbench running the same SQL, with wrk.

PostgREST's benchmark set on the bakery doc (seed 003) with seeded rows: a single row by key, a single
row with an embed, a list with a three-level embed, POST of one row, POST of 1,000 rows, an RPC. Each at
10 and 50 connections, requests/second and p50/p95 latency, in one run on one machine (loopback).
PostGraphile 5 runs on Node 22 from npm (installed under build/bench-node on first use); pgbench runs
an equivalent SQL statement directly: the database's own limit.

Run: .venv/bin/python bench/api.py [--duration 10] [--workers 2] [--load]
Beside them, "Python floor" (bench/floor_app.py): an ASGI app that only runs the single-row query on the
same server, driver and pool — what any Python API can reach here, for reading the pgbench ratio.
Targets (issue 7): at least PostGraphile's throughput on every case; at least half of pgbench's on the
single-row reads. --load: 60 s at 100 connections, which must finish with zero errors and bounded memory.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path

import httpx
import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))

from up import bench_server, drop, fresh  # noqa: E402

import schemadoc  # noqa: E402
from schemadoc.seed.generate import seed  # noqa: E402
from schemadoc.servers.postgres import find_bindir  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "examples" / "bakery.md"
NODE = ROOT / "build" / "bench-node"

_DONE = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRK {"requests": %d, "duration_us": %d, "p50": %d, "p95": %d, "max": %d, "errors": %d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95), latency.max,
    e.connect + e.read + e.write + e.status + e.timeout))
end
"""


def _lua(method: str, body: str | None, headers: dict[str, str]) -> str:
    lines = [f'wrk.method = "{method}"']
    if body is not None:
        lines.append("wrk.body = " + json.dumps(body))
    for k, v in headers.items():
        lines.append(f'wrk.headers["{k}"] = "{v}"')
    return "\n".join(lines) + "\n" + _DONE


def wrk(url: str, conns: int, seconds: int, method: str = "GET", body: str | None = None,
        headers: dict[str, str] | None = None) -> dict[str, float]:  # fmt: skip
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(_lua(method, body, headers or {}))
    try:
        out = subprocess.run(
            ["wrk", "-t2", f"-c{conns}", f"-d{seconds}s", "-s", fh.name, url], capture_output=True, text=True
        ).stdout
    finally:
        os.unlink(fh.name)
    mt = re.search(r"WRK (\{.*\})", out)
    if not mt:
        raise RuntimeError(f"wrk printed no summary:\n{out}")
    data = json.loads(mt.group(1))
    return {
        "rps": data["requests"] / (data["duration_us"] / 1e6),
        "p50": data["p50"] / 1000,
        "p95": data["p95"] / 1000,
        "max": data["max"] / 1000,
        "errors": data["errors"],
    }


def pgbench(db: str, statement: str, conns: int, seconds: int) -> dict[str, float]:
    params = psycopg.conninfo.conninfo_to_dict(db)
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as fh:
        fh.write(statement + "\n")
    try:
        out = subprocess.run(
            [str(find_bindir() / "pgbench"), "-n", "-M", "prepared", "-f", fh.name, "-c", str(conns), "-j", "2",
             "-T", str(seconds), "-h", str(params.get("host", "127.0.0.1")), "-p", str(params.get("port", 5432)),
             "-U", str(params.get("user", "postgres")), str(params["dbname"])],
            capture_output=True, text=True,
        ).stdout  # fmt: skip
    finally:
        os.unlink(fh.name)
    tps = re.search(r"tps = ([\d.]+)", out)
    lat = re.search(r"latency average = ([\d.]+) ms", out)
    if not tps:
        raise RuntimeError(f"pgbench failed:\n{out}")
    return {
        "rps": float(tps.group(1)),
        "p50": float(lat.group(1)) if lat else float("nan"),
        "p95": float("nan"),
        "errors": 0,
    }


def measure(repeat: int, db: str, run: Callable[[], dict[str, float]]) -> dict[str, float]:
    """The median (by req/s) of `repeat` runs, each on an idle, checkpointed database."""
    runs = []
    for _ in range(max(1, repeat)):
        settle(db)
        runs.append(run())
    return sorted(runs, key=lambda r: r["rps"])[len(runs) // 2]


def settle(db: str, timeout: float = 60) -> None:
    """Wait until the database runs nothing but us: requests a server still works on after wrk hung up (a
    bulk POST queue), or autovacuum after one, must not land in the next figure."""
    deadline = time.monotonic() + timeout
    with psycopg.connect(db, autocommit=True) as conn:
        conn.execute("CHECKPOINT")  # what the last figure wrote goes to disk now, not during the next one
        while time.monotonic() < deadline:
            row = conn.execute(  # clients still at work, or autovacuum after a bulk POST phase
                "SELECT count(*) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND ((state = 'active' "
                "AND backend_type = 'client backend') OR backend_type = 'autovacuum worker')"
            ).fetchone()
            if row is not None and row[0] == 0:
                return
            time.sleep(0.2)


def _wait(url: str, proc: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.HTTPError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{url} did not come up") from None
            time.sleep(0.2)


@contextmanager
def running(cmd: list[str], probe: str, env: dict[str, str] | None = None) -> Iterator[subprocess.Popen[bytes]]:
    proc = subprocess.Popen(
        cmd, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        _wait(probe, proc)
        wrk(probe, 10, 2)  # warm-up, not measured: every worker up, pools open, JITs warm
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()


def ensure_postgraphile() -> tuple[str, str]:
    node, cli = NODE / "node_modules" / ".bin" / "node", NODE / "node_modules" / ".bin" / "postgraphile"
    if not cli.exists():
        NODE.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["npm", "install", "--prefix", str(NODE), "--no-audit", "--no-fund", "--loglevel=error", "node@22",
             "postgraphile@5"],
            check=True,
        )  # fmt: skip
    return str(node), str(cli)


def autogroup() -> str:
    """Linux's per-session CPU groups: on, PostgreSQL (a session of its own) competes as one group with the
    API's and wrk's; on the 2-core VM of the README's figures, runnable backends then went without CPU for
    1-6 s at a time under the load test (/proc: state R, CPU time still), which wrk counts as timeouts."""
    try:
        return Path("/proc/sys/kernel/sched_autogroup_enabled").read_text().strip()
    except OSError:
        return "n/a"


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children, in MB."""
    total = 0
    for p in [
        pid,
        *[int(x) for x in subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()],
    ]:
        try:
            status = Path(f"/proc/{p}/status").read_text()
        except OSError:
            continue
        mt = re.search(r"VmRSS:\s+(\d+) kB", status)
        total += int(mt.group(1)) if mt else 0
    return total / 1024


def prepare(url: str) -> tuple[str, str, str, str]:
    """(database URL, the API's authenticator URL, a product id, an order id): the doc up and seeded,
    with the roles `up --serve` makes; the bench's writes are a grant it chooses for the anonymous role."""
    from schemadoc.rest.roles import provision

    db = fresh(url)
    schemadoc.up(DOC, db)
    with psycopg.connect(db) as conn:
        seed(
            conn,
            schemadoc.load(DOC),
            "users=1000,products=500,orders=5000,order_items=20000,reviews=2000",
            seed_value=1,
        )
        conn.execute("CREATE FUNCTION add_them(a int, b int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT a + b'")
        conn.execute("ALTER TABLE order_items DISABLE TRIGGER USER")  # reads only; the doc's trigger is not measured
        pid = conn.execute("SELECT id::text FROM products ORDER BY id LIMIT 1").fetchone()[0]  # type: ignore[index]
        oid = conn.execute("SELECT id::text FROM orders ORDER BY id LIMIT 1").fetchone()[0]  # type: ignore[index]
        conn.commit()
    with psycopg.connect(db, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
        roles = provision(conn, schemadoc.load(DOC).schema, ("public",), "bench-authenticator")
        conn.execute(f"GRANT INSERT ON delivery_schedules TO {roles.anon}")  # the bench's writes, anonymous
    return db, roles.url(db, psycopg.conninfo.conninfo_to_dict(db)["dbname"]), pid, oid


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--load", action="store_true", help="also the 60 s, 100-connection load test")
    ap.add_argument("--only", action="append", default=None, help="a case to run (repeatable); default: every case")
    ap.add_argument("--repeat", type=int, default=1, help="measure each figure K times and report the median run")
    args = ap.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (Debian: apt install wrk)")
    node, pgl = ensure_postgraphile()
    with bench_server() as url:
        db, api_url, pid, oid = prepare(url)
        try:
            run(db, api_url, pid, oid, args, node, pgl)
        finally:
            drop(db)


def run(db: str, api_url: str, pid: str, oid: str, args: argparse.Namespace, node: str, pgl: str) -> None:
    bulk = json.dumps([{"delivery_date": "2026-01-01", "delivery_time": "10:00"}] * 1000)
    three = "id,email,orders(id,order_items(id,quantity,products(name)))"
    rest = {
        "single row": ("GET", f"/products?id=eq.{pid}", None),
        "single + embed": ("GET", f"/orders?id=eq.{oid}&select=*,users(*)", None),
        "list, 3-level embed": ("GET", f"/users?select={three}&limit=10&order=id", None),
        "POST single": (
            "POST",
            "/delivery_schedules",
            json.dumps({"delivery_date": "2026-01-01", "delivery_time": "10:00"}),
        ),
        "POST 1,000 rows": ("POST", "/delivery_schedules", bulk),
        "RPC": ("GET", "/rpc/add_them?a=1&b=2", None),
    }
    gql = {
        "single row": f'{{ productByRowId(rowId: "{pid}") {{ rowId name description price category stock imageUrl isCustomizable createdAt updatedAt }} }}',
        "single + embed": f'{{ orderByRowId(rowId: "{oid}") {{ rowId userId totalAmount status paymentStatus paymentReference deliveryScheduleId createdAt updatedAt userByUserId {{ rowId email name phone role createdAt updatedAt }} }} }}',
        "list, 3-level embed": "{ allUsers(first: 10, orderBy: ROW_ID_ASC) { nodes { rowId email ordersByUserId { nodes { rowId orderItemsByOrderId { nodes { rowId quantity productByProductId { name } } } } } } } }",
        "POST single": 'mutation { createDeliverySchedule(input: {deliverySchedule: {deliveryDate: "2026-01-01", deliveryTime: "10:00"}}) { clientMutationId } }',
        "RPC": "{ addThem(a: 1, b: 2) }",
        # PostGraphile has no bulk create: 1,000 aliased creates in one request (one input variable, to
        # stay under its 100 kB request limit) is its equivalent
        "POST 1,000 rows": "mutation($i: CreateDeliveryScheduleInput!) { " + " ".join(
            f"m{i}: createDeliverySchedule(input: $i) {{ clientMutationId }}" for i in range(1000)) + " }",
    }  # fmt: skip

    users_sql = (
        "SELECT json_agg(u) FROM (SELECT u.id, u.email, (SELECT coalesce(json_agg(o), '[]') FROM (SELECT o.id, "
        "(SELECT coalesce(json_agg(i), '[]') FROM (SELECT i.id, i.quantity, (SELECT row_to_json(p) FROM (SELECT "
        "p.name FROM products p WHERE p.id = i.product_id) p) AS products FROM order_items i WHERE i.order_id = o.id) i) "
        "AS order_items FROM orders o WHERE o.user_id = u.id) o) AS orders FROM users u ORDER BY u.id LIMIT 10) u;"
    )
    sql_equivalents = {
        "single row": f"SELECT json_agg(p) FROM products p WHERE id = '{pid}';",
        "single + embed": f"SELECT json_agg(x) FROM (SELECT o.*, (SELECT row_to_json(u) FROM users u WHERE u.id = o.user_id) AS users FROM orders o WHERE o.id = '{oid}') x;",
        "list, 3-level embed": users_sql,
        "POST single": "INSERT INTO delivery_schedules (delivery_date, delivery_time) VALUES ('2026-01-01', '10:00');",
        "POST 1,000 rows": "INSERT INTO delivery_schedules (delivery_date, delivery_time) SELECT '2026-01-01', '10:00' FROM generate_series(1, 1000);",
        "RPC": "SELECT add_them(1, 2);",
    }  # fmt: skip
    if args.only:
        rest = {k: v for k, v in rest.items() if k in args.only}
        gql = {k: v for k, v in gql.items() if k in args.only}
        sql_equivalents = {k: v for k, v in sql_equivalents.items() if k in args.only}
    results: dict[tuple[str, int], dict[str, dict[str, float]]] = {}
    # as `up --serve` serves: through the authenticator, anonymous requests as the doc's read-only role;
    # --pool counts every connection (each worker listens on one), so 10 + workers keeps 10 for requests
    serve = [sys.executable, "-m", "schemadoc.cli", "serve", "--database-url", api_url, "--port", "3911",
             "--workers", str(args.workers), "--pool", str(10 + args.workers), "--anon-role", "readonly_user",
             "--statement-timeout", "readonly_user=60s", str(DOC)]  # fmt: skip
    with running(serve, "http://127.0.0.1:3911/products?limit=1") as proc:
        for case, (method, path, body) in rest.items():
            check = httpx.request(
                method, f"http://127.0.0.1:3911{path}", content=body, headers={"Content-Type": "application/json"}
            )
            assert check.is_success, (case, check.status_code, check.text[:300])  # measure answers, not errors
            headers = {"Content-Type": "application/json"} if body else {}
            wrk(f"http://127.0.0.1:3911{path}", 10, 2, method, body, headers)  # this case warmed up, not measured
            for conns in (10, 50):
                results.setdefault((case, conns), {})["schemadoc"] = measure(
                    args.repeat,
                    db,
                    partial(wrk, f"http://127.0.0.1:3911{path}", conns, args.duration, method, body, headers),
                )
        if args.load:
            settle(db)
            before = rss_mb(proc.pid)
            load = wrk(f"http://127.0.0.1:3911/orders?id=eq.{oid}&select=*,users(*)", 100, 60)
            after = rss_mb(proc.pid)
            print(f"load test: 60 s at 100 connections: {load['rps']:,.0f} req/s, p95 {load['p95']:.1f} ms, "
                  f"max {load['max']:,.0f} ms, errors {int(load['errors'])} (autogroup={autogroup()}), "
                  f"memory {before:.0f} MB -> {after:.0f} MB")  # fmt: skip
    # the floor: the least a Python ASGI app can do per request (one query, nothing else), same server and driver
    floor_env = {"FLOOR_DSN": db, "FLOOR_SQL": "SELECT json_agg(p)::text FROM products p WHERE id = %s::uuid",
                 "FLOOR_POOL": str(max(1, -(-10 // args.workers))), "PYTHONPATH": str(ROOT)}  # fmt: skip
    floor_cmd = [sys.executable, "-m", "uvicorn", "--factory", "bench.floor_app:app", "--workers", str(args.workers),
                 "--port", "3913", "--log-level", "warning", "--no-access-log"]  # fmt: skip
    for label, env in (("Python floor", floor_env), ("HTTP only", {**floor_env, "FLOOR_SQL": ""})):
        with running(floor_cmd, f"http://127.0.0.1:3913/{pid}", env):
            for conns in (10, 50) if "single row" in rest else ():
                results.setdefault(("single row", conns), {})[label] = measure(
                    args.repeat, db, partial(wrk, f"http://127.0.0.1:3913/{pid}", conns, args.duration)
                )
    info = psycopg.conninfo.conninfo_to_dict(db)
    pg_url = f"postgresql://{info.get('user', 'postgres')}@{info.get('host', '127.0.0.1')}:{info.get('port', 5432)}/{info['dbname']}"
    pgl_cmd = [node, pgl, "-c", pg_url, "-s", "public", "-P", "postgraphile/presets/amber", "--port", "3912"]
    with running(pgl_cmd, "http://127.0.0.1:3912/graphql", {"GRAPHILE_ENV": "production"}):
        for case, query in gql.items():
            variables = {"i": {"deliverySchedule": {"deliveryDate": "2026-01-01", "deliveryTime": "10:00"}}}
            payload = {"query": query, **({"variables": variables} if "$i" in query else {})}
            check = httpx.post("http://127.0.0.1:3912/graphql", json=payload, timeout=60)
            assert check.is_success and "errors" not in check.json(), (case, check.text[:300])
            wrk(
                "http://127.0.0.1:3912/graphql",
                10,
                2,
                "POST",
                json.dumps(payload),
                {"Content-Type": "application/json"},
            )
            for conns in (10, 50):
                results.setdefault((case, conns), {})["PostGraphile 5"] = measure(
                    args.repeat, db, partial(wrk, "http://127.0.0.1:3912/graphql", conns, args.duration, "POST",
                                             json.dumps(payload), {"Content-Type": "application/json"}),
                )  # fmt: skip
    for case, statement in sql_equivalents.items():
        for conns in (10, 50):
            results.setdefault((case, conns), {})["pgbench (SQL)"] = pgbench(db, statement, conns, args.duration)
    print(f"\nbakery doc, seeded; {args.duration} s per figure (median of {args.repeat}); "
          f"schemadoc serve with {args.workers} worker(s); "
          f"kernel.sched_autogroup_enabled={autogroup()}")  # fmt: skip
    print(
        f"{'case':<22}{'conns':>6}  {'server':<16}{'req/s':>10}{'p50 ms':>9}{'p95 ms':>9}{'errors':>8}{'vs schemadoc':>14}"
    )
    for (case, conns), by in results.items():
        ours = by.get("schemadoc", {}).get("rps", 0)
        for name, f in by.items():
            ratio = f"{ours / f['rps']:.2f}x" if name != "schemadoc" and f["rps"] else ""
            print(
                f"{case:<22}{conns:>6}  {name:<16}{f['rps']:>10,.0f}{f['p50']:>9.2f}{f['p95']:>9.2f}{int(f['errors']):>8}{ratio:>14}"
            )
    print("targets: schemadoc >= PostGraphile on every case; >= 0.5x pgbench on the single-row reads")
    print("(Python floor: an ASGI app that only runs the query, on the same server and driver: the most a Python")
    print(" API can answer here; HTTP only: the same app without the query; PostgreSQL, wrk and the API share")
    print(" the machine's cores)")
    print("(pgbench's latency column is its average; it reports no percentiles)")


if __name__ == "__main__":
    main()
