"""migra's own fixture suite run against schemadoc: each case's a.sql and b.sql as design documents.

    python tools/migra_fixtures.py PATH/TO/migra-checkout [--database-url URL] [CASE ...]

For each `tests/FIXTURES/<case>/{a.sql,b.sql}` of a migra checkout (https://github.com/djrobstep/migra; its
files are read from there, never copied here): a.sql and b.sql are wrapped in ```sql fences; `schemadoc up
a.md` builds a fresh database, `schemadoc up b.md --allow-data-loss` migrates it, `schemadoc plan b.md` must
then find nothing, and migra itself (`--unsafe --with-privileges`) must find no difference between that
database and one where b.sql was run as it is. Then the way back, twice: the down migration `plan --down`
printed before `up b.md` is run, and migra must find the database identical to a.sql run as it is; and
(where a.sql holds anything) `up b.md` again, then `up a.md --allow-data-loss`, judged the same way.
Prints one line per case and the count that converged both ways.
Needs a PostgreSQL server ($DATABASE_URL or --database-url; default: the local one) and migra on PATH.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import psycopg
from psycopg.conninfo import conninfo_to_dict

from schemadoc.errors import DatabaseError
from schemadoc.migrate.run import run_steps, steps_of
from schemadoc.servers.database import with_database as _with_database


def _sqlalchemy(url: str) -> str:
    p = conninfo_to_dict(url)
    auth = p.get("user", "") + (f":{p['password']}" if p.get("password") else "")
    return f"postgresql+psycopg2://{auth}@/{p['dbname']}?host={p.get('host', 'localhost')}&port={p.get('port', 5432)}"


def _schemadoc(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "schemadoc.cli", *args], capture_output=True, text=True, timeout=600, check=False
    )


def _first_error(r: subprocess.CompletedProcess[str]) -> str:
    lines = [line for line in (r.stderr + r.stdout).splitlines() if line.startswith("error")]
    return (lines or (r.stderr + r.stdout).strip().splitlines()[-1:] or ["(no output)"])[0]


def _migra_differs(migra: str, ours: str, theirs: str) -> str:
    """What migra finds between two databases (empty: nothing)."""
    r = subprocess.run(
        [migra, "--unsafe", "--with-privileges", _sqlalchemy(ours), _sqlalchemy(theirs)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    if r.returncode not in (0, 2) or r.stdout.strip():
        return " | ".join((r.stdout.strip() or r.stderr.strip()).splitlines()[:3]) or f"exit {r.returncode}"
    return ""


def run_case(case: Path, server: str, migra: str, work: Path) -> tuple[bool, str]:
    """(converged both ways, what happened) for one fixture."""
    docs, sql = {}, {}
    for side in ("a", "b"):
        sql[side] = (case / f"{side}.sql").read_text()
        docs[side] = work / f"{case.name}_{side}.md"
        docs[side].write_text(f"# {case.name} ({side})\n\n```sql\n{sql[side]}\n```\n")
    names = {k: f"sdm_{uuid.uuid4().hex[:10]}" for k in ("ours", "a", "b")}
    admin = _with_database(server, "postgres")
    url = {k: _with_database(server, v) for k, v in names.items()}
    with psycopg.connect(admin, autocommit=True) as conn:
        # migra's own suite makes this role before each case (tests/test_migra.py); the fixtures assume it
        if not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = 'schemainspect_test_role'").fetchone():
            conn.execute("CREATE ROLE schemainspect_test_role")
        for name in names.values():
            conn.execute(f'CREATE DATABASE "{name}"')
    try:
        for side in ("a", "b"):  # each side as its SQL builds it, for migra to compare with
            with psycopg.connect(url[side], autocommit=True) as conn:
                try:
                    conn.execute(sql[side].encode())
                except psycopg.Error as e:
                    return False, f"{side}.sql itself does not run here: {str(e).strip().splitlines()[0]}"
        at = ["--database-url", url["ours"]]
        if sql["a"].strip():
            r = _schemadoc("up", *at, str(docs["a"]))
            if r.returncode != 0:
                return False, f"up a.md: {_first_error(r)}"
        down = _schemadoc("plan", "--down", "--allow-data-loss", *at, str(docs["b"]))
        if down.returncode != 0:
            return False, f"plan --down b.md: {_first_error(down)}"
        r = _schemadoc("up", "--allow-data-loss", *at, str(docs["b"]))
        if r.returncode != 0:
            return False, f"up b.md: {_first_error(r)}"
        r = _schemadoc("plan", *at, str(docs["b"]))
        if r.returncode != 0 or "no changes" not in r.stderr:
            return False, f"plan b.md after up is not empty: {_first_error(r)}"
        if found := _migra_differs(migra, url["ours"], url["b"]):
            return False, "a to b: migra finds: " + found
        with psycopg.connect(url["ours"], autocommit=True) as conn:
            try:
                run_steps(conn, steps_of(down.stdout, f"{case.name}/down"))
            except (DatabaseError, psycopg.Error) as e:
                return False, f"the down migration fails: {str(e).strip().splitlines()[0]}"
        if found := _migra_differs(migra, url["ours"], url["a"]):
            return False, "b to a, down migration: migra finds: " + found
        if not sql["a"].strip():
            return True, "converges both ways (a is empty: the down migration is the way back)"
        for doc in ("b", "a"):
            r = _schemadoc("up", "--allow-data-loss", *at, str(docs[doc]))
            if r.returncode != 0:
                return False, f"up {doc}.md {'again' if doc == 'b' else 'from b'}: {_first_error(r)}"
        if found := _migra_differs(migra, url["ours"], url["a"]):
            return False, "b to a, up a.md: migra finds: " + found
        return True, "converges both ways"
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            for name in names.values():
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("checkout", type=Path, help="a migra checkout (its tests/FIXTURES)")
    ap.add_argument("cases", nargs="*", help="only these cases")
    ap.add_argument(
        "--database-url", default=os.environ.get("DATABASE_URL") or "postgresql://postgres@127.0.0.1/postgres"
    )
    args = ap.parse_args()
    migra = shutil.which("migra", path=str(Path(sys.executable).parent)) or shutil.which("migra")
    if migra is None:
        print("migra is not installed (pip install migra psycopg2-binary)", file=sys.stderr)
        return 2
    fixtures = args.checkout / "tests" / "FIXTURES"
    cases = sorted(
        p for p in fixtures.iterdir() if (p / "b.sql").is_file() and (not args.cases or p.name in args.cases)
    )
    if not cases:
        print(f"no fixtures under {fixtures}", file=sys.stderr)
        return 2
    converged = 0
    with tempfile.TemporaryDirectory() as tmp:
        for case in cases:
            ok, what = run_case(case, args.database_url, migra, Path(tmp))
            converged += ok
            print(f"{'ok  ' if ok else 'FAIL'} {case.name}: {what}", flush=True)
    print(f"{converged}/{len(cases)} of migra's fixtures converge both ways")
    return 0 if converged == len(cases) else 1


if __name__ == "__main__":
    sys.exit(main())
