"""backup / restore against a real PostgreSQL: the restore is compared with the source by schema and rows."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg

from schemadoc.admin.backup import backup, restore, snapshot
from schemadoc.servers.database import with_database

from .conftest import SEEDS
from .test_cli import run


def test_backup_and_verified_restore(fresh_db: str, server_url: str, tmp_path: Path) -> None:
    doc = SEEDS["bakery"]
    assert run("up", "--database-url", fresh_db, str(doc)).returncode == 0
    assert run("seed", "--database-url", fresh_db, "--default-rows", "40", str(doc)).returncode == 0
    out = tmp_path / "bakery.dump"
    r = run("backup", "--database-url", fresh_db, "--out", str(out), str(doc))
    assert r.returncode == 0, r.stderr
    manifest = json.loads(Path(f"{out}.json").read_text())
    assert manifest["doc"]["path"] == str(doc) and len(manifest["doc"]["sha256"]) == 64
    assert manifest["tables"]["public.users"] == 43  # 40 generated + the doc's 3
    into = f"{psycopg.conninfo.conninfo_to_dict(fresh_db)['dbname']}_restored"
    try:
        r = run("restore", "--database-url", server_url, "--into", into, str(out))
        assert r.returncode == 0, r.stderr
        assert "verified against the manifest" in r.stderr
        with psycopg.connect(fresh_db) as a, psycopg.connect(with_database(server_url, into)) as b:
            assert snapshot(a) == snapshot(b)  # same schema fingerprint, same row counts
        again = run("restore", "--database-url", server_url, "--into", into, str(out))
        assert again.returncode == 1 and "already exists" in again.stderr
    finally:
        with psycopg.connect(with_database(server_url, "postgres"), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{into}" WITH (FORCE)')


def test_restore_notices_a_changed_dump_and_row_counts(fresh_db: str, server_url: str, tmp_path: Path) -> None:
    doc = SEEDS["finity"]
    assert run("up", "--database-url", fresh_db, str(doc)).returncode == 0
    out = tmp_path / "f.dump"
    made = backup(fresh_db, out, doc)
    # a manifest that promised other rows: the restore is reported unverified, with the table named
    manifest = dict(made.manifest)
    manifest["tables"] = dict(manifest["tables"], **{"public.users": 5})
    Path(f"{out}.json").write_text(json.dumps(manifest))
    into = f"{psycopg.conninfo.conninfo_to_dict(fresh_db)['dbname']}_r2"
    try:
        done = restore(out, server_url, into)
        assert not done.verified and done.problems == ["public.users: 0 row(s) restored, 5 backed up"]
    finally:
        with psycopg.connect(with_database(server_url, "postgres"), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{into}" WITH (FORCE)')
    out.write_bytes(out.read_bytes() + b"x")
    bad = run("restore", "--database-url", server_url, "--into", into + "x", str(out))
    assert bad.returncode == 1 and "does not match its manifest" in bad.stderr
