"""Benchmark: plan a 2,000-table database against a changed document.

Run: .venv/bin/python bench/plan.py [--tables N]
Uses $DATABASE_URL when set, else the embedded server (its start-up is excluded from every figure).
Printed side by side, measured in the same run on the same pair of databases:
  - introspection of the live database (target, issue 5: under 1 s for 2,000 tables),
  - the catalog queries alone (the floor for introspection),
  - diff + render of the plan, and the whole `plan` (with the doc applied to a shadow database),
  - migra on the same two databases (live vs the changed doc built fresh), when it is installed.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
from psycopg.conninfo import conninfo_to_dict

sys.path.insert(0, str(Path(__file__).resolve().parent))

from up import bench_server, drop, fresh, generated_doc  # noqa: E402

import schemadoc  # noqa: E402
from schemadoc.introspect import introspect, rows  # noqa: E402
from schemadoc.migrate.diff import diff  # noqa: E402
from schemadoc.migrate.plan import Plan, build, render  # noqa: E402
from schemadoc.migrate.shadow import materialize  # noqa: E402

QUERIES = [
    "columns",
    "constraints",
    "tables",
    "indexes",
    "types",
    "grants",
    "policies",
    "extensions",
    "sequences",
    "functions",
    "views",
    "view_deps",
    "triggers",
    "comments",
]


def changed_doc(tables: int) -> str:
    """The generated doc with a change every tenth table: a new column, a new index, a widened type."""
    text = generated_doc(tables)
    for i in range(0, tables, 10):
        text = text.replace(
            f"    created_at timestamptz NOT NULL DEFAULT now()\n);\nCREATE INDEX t{i}_created_idx",
            f"    created_at timestamptz NOT NULL DEFAULT now(),\n    note text\n);\n"
            f"CREATE INDEX t{i}_name_lower_idx ON t{i} (lower(name));\nCREATE INDEX t{i}_created_idx",
            1,
        )
    return text


def sqlalchemy_url(url: str) -> str:
    p = conninfo_to_dict(url)
    auth = p.get("user", "") + (f":{p['password']}" if p.get("password") else "")
    return f"postgresql+psycopg2://{auth}@/{p['dbname']}?host={p.get('host', 'localhost')}&port={p.get('port', 5432)}"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tables", type=int, default=2000)
    args = ap.parse_args()
    with bench_server() as url:
        run(url, args.tables)


def run(url: str, tables: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="schemadoc-plan-bench-"))
    live = fresh(url)
    reference = fresh(url)
    try:
        before, after = work / "before.md", work / "after.md"
        before.write_text(generated_doc(tables))
        after.write_text(changed_doc(tables))
        schemadoc.up(before, live)
        schemadoc.up(after, reference)

        with psycopg.connect(live) as conn:
            t0 = time.perf_counter()
            for q in QUERIES:
                rows(conn, q, {"names": []} if q == "roles" else None)
            queries = time.perf_counter() - t0
            t0 = time.perf_counter()
            current = introspect(conn)
            intro = time.perf_counter() - t0
        doc = schemadoc.load(after)
        target = materialize(doc.schema, url)
        t0 = time.perf_counter()
        d = diff(current, target)
        text = render(Plan("database", str(after), d.ops, [], d.notices))
        diff_render = time.perf_counter() - t0
        t0 = time.perf_counter()
        plan = build(after, live)
        whole = time.perf_counter() - t0

        print(
            f"{tables:,} tables, {len(current.indexes):,} indexes; plan: {len(plan.up):,} statements up, "
            f"{len(plan.down):,} down, {len(text) / 1e3:.0f} kB"
        )
        print(f"{'introspection':<40}{intro:>8.3f} s   (target < 1 s)")
        print(f"{'  catalog queries alone':<40}{queries:>8.3f} s   (ratio {intro / queries:.2f}x)")
        print(f"{'diff + render':<40}{diff_render:>8.3f} s")
        print(f"{'whole plan (shadow apply + 2 introspections)':<40}{whole:>8.3f} s")
        migra = shutil.which("migra", path=str(Path(sys.executable).parent)) or shutil.which("migra")
        if migra:
            t0 = time.perf_counter()
            r = subprocess.run(
                [migra, "--unsafe", sqlalchemy_url(live), sqlalchemy_url(reference)], capture_output=True, text=True
            )
            migra_t = time.perf_counter() - t0
            print(
                f"{'migra, same two databases':<40}{migra_t:>8.3f} s   "
                f"(introspection + diff + render is {(intro + diff_render) / migra_t:.2f}x migra; exit {r.returncode})"
            )
        else:
            print("migra not installed: pip install migra psycopg2-binary for the side-by-side figure")
    finally:
        drop(live)
        drop(reference)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
