"""Benchmark: `up` per seed against `psql -f` of the same DDL, and parse+emit of a 2,000-table document.

Run: .venv/bin/python bench/up.py [--runs N]
Uses $DATABASE_URL when set, else the embedded server (its start-up is excluded from every figure).
Targets (issue 3): up within 1.5x of psql -f; parse+emit of 2,000 tables under 2 s.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg

import schemadoc
from schemadoc.servers import postgres as server
from schemadoc.servers.database import with_database

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ["photobook", "shop-api", "venta", "bakery", "finity"]


def fresh(url: str) -> str:
    name = f"bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(with_database(url, "postgres"), autocommit=True) as c:
        c.execute(f'CREATE DATABASE "{name}"')
    return with_database(url, name)


def drop(url: str) -> None:
    name = psycopg.conninfo.conninfo_to_dict(url)["dbname"]
    with psycopg.connect(with_database(url, "postgres"), autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def time_up(url: str, doc: Path) -> float:
    target = fresh(url)
    try:
        t0 = time.perf_counter()
        schemadoc.up(doc, target, fix=True)
        return time.perf_counter() - t0
    finally:
        drop(target)


def time_psql(url: str, script: str, psql: str) -> float:
    target = fresh(url)
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as fh:
        fh.write("BEGIN;\n" + script + "\nCOMMIT;\n")
    try:
        t0 = time.perf_counter()
        subprocess.run(
            [psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", fh.name, target], check=True, capture_output=True
        )
        return time.perf_counter() - t0
    finally:
        os.unlink(fh.name)
        drop(target)


def generated_doc(tables: int) -> str:
    parts = ["# Generated schema", ""]
    for i in range(tables):
        ref = f"    parent_id bigint REFERENCES t{i - 1}(id),\n" if i else ""
        parts += [
            f"### t{i}",
            "",
            "```sql",
            f"CREATE TABLE t{i} (\n    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n{ref}"
            f"    name varchar(200) NOT NULL UNIQUE,\n    amount numeric(12,2) CHECK (amount >= 0),\n"
            f"    created_at timestamptz NOT NULL DEFAULT now()\n);",
            f"CREATE INDEX t{i}_created_idx ON t{i} (created_at DESC);",
            "```",
            "",
        ]
    return "\n".join(parts)


@contextmanager
def bench_server() -> Iterator[str]:
    """$DATABASE_URL, else an embedded server started for the run (its start-up excluded from figures)."""
    url = os.environ.get("DATABASE_URL")
    if url:
        yield url
        return
    home = Path(tempfile.mkdtemp(prefix="schemadoc-bench-"))
    try:
        yield server.start(home).url()
    finally:
        server.stop(home)
        shutil.rmtree(home, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    psql = shutil.which("psql") or str(server.find_bindir() / "psql")
    with bench_server() as url:
        print(f"{'seed':<12}{'up (s)':>10}{'psql -f (s)':>14}{'ratio':>8}")
        for name in SEEDS:
            doc = ROOT / "examples" / f"{name}.md"
            loaded = schemadoc.load(doc)
            from schemadoc.servers.database import prepare

            schema, _, _ = prepare(loaded, fix=True)
            script = "SET check_function_bodies = off;\n" + "\n".join(s.sql for s in schemadoc.emit(schema))
            ups = [time_up(url, doc) for _ in range(args.runs)]
            psqls = [time_psql(url, script, psql) for _ in range(args.runs)]
            up_t, psql_t = statistics.median(ups), statistics.median(psqls)
            print(f"{name:<12}{up_t:>10.3f}{psql_t:>14.3f}{up_t / psql_t:>8.2f}x")
        text = generated_doc(2000)
        t0 = time.perf_counter()
        doc2k = schemadoc.loads(text, "generated.md")
        t1 = time.perf_counter()
        ddl = schemadoc.emit_script(doc2k.schema)
        t2 = time.perf_counter()
        print(
            f"\n2,000-table document ({len(text) / 1e6:.1f} MB): parse {t1 - t0:.2f} s + emit {t2 - t1:.2f} s "
            f"= {t2 - t0:.2f} s (target < 2 s); {len(doc2k.schema.tables)} tables, {len(ddl) / 1e6:.1f} MB DDL"
        )


if __name__ == "__main__":
    main()
