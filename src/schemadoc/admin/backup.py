"""`schemadoc backup` / `restore`: pg_dump's custom format, with a manifest that makes a restore checkable.

The manifest (`FILE.json` beside the dump) records the database, the server version, the document
the schema came from (path, sha256, git commit when it is in a repository), a fingerprint of the
schema as schemadoc reads it, and the exact row count of every table. `restore` puts the dump into a
new database and verifies it against the manifest: the same schema fingerprint, the same row counts.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict

from schemadoc import __version__
from schemadoc.docs.render import schema_as_json
from schemadoc.errors import DatabaseError, SchemadocError
from schemadoc.introspect import introspect
from schemadoc.migrate.normalize import canonicalized, column_order_free
from schemadoc.servers import pgbin
from schemadoc.servers.database import connect, with_database


def _run(tool: Path, args: list[str], what: str) -> None:
    r = subprocess.run([str(tool), *args], capture_output=True, text=True)
    if r.returncode != 0:
        raise DatabaseError(f"{what} failed: {r.stderr.strip()[-1500:]}")


def database_grants(conn: psycopg.Connection[Any]) -> list[tuple[str, list[str]]]:
    """GRANT … ON DATABASE: part of the database, not of its dump (pg_dump keeps them only with --create)."""
    return [(g.grantee, list(g.privileges)) for g in introspect(conn).grants if g.object_kind == "DATABASE"]


def snapshot(conn: psycopg.Connection[Any]) -> tuple[str, dict[str, int]]:
    """(schema fingerprint, exact row count per table) of the connected database."""
    schema = canonicalized(column_order_free(introspect(conn)))
    fingerprint = hashlib.sha256(schema_as_json(schema).encode()).hexdigest()
    counts: dict[str, int] = {}
    for t in schema.tables:
        if t.partition_by:  # its rows are counted in its partitions
            continue
        row = conn.execute(sql.SQL("SELECT count(*) FROM ONLY {}").format(sql.Identifier(t.schema, t.name))).fetchone()
        counts[t.key] = int(row[0]) if row else 0
    conn.rollback()
    return fingerprint, counts


def _doc_info(doc: str | Path | None) -> dict[str, Any] | None:
    if doc is None:
        return None
    path = Path(doc)
    info: dict[str, Any] = {"path": str(path), "sha256": hashlib.sha256(path.read_bytes()).hexdigest(), "commit": None}
    try:
        r = subprocess.run(
            ["git", "-C", str(path.resolve().parent), "log", "-1", "--format=%H", "--", path.name],
            capture_output=True,
            text=True,
            timeout=10,
        )
        if r.returncode == 0 and r.stdout.strip():
            info["commit"] = r.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    return info


@dataclass(slots=True)
class Backup:
    path: Path
    manifest: dict[str, Any]


def backup(url: str, out: str | Path, doc: str | Path | None = None) -> Backup:
    """Dump the database at `url` to `out` (custom format) and write `out`.json beside it."""
    out = Path(out)
    with connect(url) as conn:
        major = conn.info.server_version // 10000
        fingerprint, counts = snapshot(conn)
        grants = database_grants(conn)
        version = conn.execute("SHOW server_version").fetchone()
    _run(
        pgbin.client("pg_dump", major), ["--format=custom", "--no-owner", f"--file={out}", f"--dbname={url}"], "pg_dump"
    )
    manifest = {
        "schemadoc": __version__,
        "database": conninfo_to_dict(url).get("dbname"),
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "server_version": version[0] if version else None,
        "doc": _doc_info(doc),
        "schema_sha256": fingerprint,
        "tables": counts,
        "database_grants": grants,
        "dump_sha256": hashlib.sha256(out.read_bytes()).hexdigest(),
    }
    Path(f"{out}.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return Backup(out, manifest)


@dataclass(slots=True)
class Restored:
    database: str
    verified: bool
    problems: list[str]


def restore(file: str | Path, url: str, into: str) -> Restored:
    """Restore `file` into the new database `into` on the server at `url`, then check it against its manifest."""
    file = Path(file)
    if not file.exists():
        raise SchemadocError(f"{file}: no such backup")
    manifest_path = Path(f"{file}.json")
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else None
    problems: list[str] = []
    if manifest and manifest.get("dump_sha256") != hashlib.sha256(file.read_bytes()).hexdigest():
        raise SchemadocError(f"{file} does not match its manifest (sha256 differs): the file changed after the backup")
    with connect(with_database(url, "postgres"), autocommit=True, what="PostgreSQL") as admin:
        if admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (into,)).fetchone():
            raise SchemadocError(f"database {into} already exists; restore goes into a new database (--into NAME)")
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(into)))
        major = admin.info.server_version // 10000
    target = with_database(url, into)
    try:
        _run(
            pgbin.client("pg_restore", major),
            ["--no-owner", "--exit-on-error", "--single-transaction", f"--dbname={target}", str(file)],
            "pg_restore",
        )
    except SchemadocError:
        with connect(with_database(url, "postgres"), autocommit=True, what="PostgreSQL") as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(into)))
        raise
    if manifest is None:
        return Restored(into, False, ["no manifest beside the backup: restored, not verified"])
    with connect(target, autocommit=True) as conn:
        for grantee, privileges in manifest.get("database_grants", []):
            role = sql.SQL("PUBLIC") if grantee == "public" else sql.Identifier(grantee)
            conn.execute(
                sql.SQL("GRANT {} ON DATABASE {} TO {}").format(
                    sql.SQL(", ").join(sql.SQL(p) for p in privileges if p.isalpha()), sql.Identifier(into), role
                )
            )
    with connect(target) as conn:
        fingerprint, counts = snapshot(conn)
    if fingerprint != manifest["schema_sha256"]:
        problems.append("the restored schema differs from the one backed up")
    for table, n in manifest["tables"].items():
        if counts.get(table) != n:
            problems.append(f"{table}: {counts.get(table)} row(s) restored, {n} backed up")
    return Restored(into, not problems, problems)
