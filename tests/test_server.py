"""The embedded server: one per project, found from the doc's folder; a port that outlives restarts;
`status` and `down` from anywhere; the PostgreSQL installations schemadoc can run."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from schemadoc.errors import ServerError
from schemadoc.introspect import for_version
from schemadoc.servers import pgbin
from schemadoc.servers import postgres as server

from .conftest import EXAMPLES
from .test_cli import run


def _project(root: Path) -> Path:
    """A project folder with a doc two levels down, as teams keep them (docs/db/DATABASE.md)."""
    (root / "docs" / "db").mkdir(parents=True)
    (root / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    doc = root / "docs" / "db" / "DATABASE.md"
    shutil.copy(EXAMPLES / "venta.md", doc)
    return doc


def test_project_home_is_found_from_the_doc_not_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SCHEMADOC_HOME", raising=False)
    doc = _project(tmp_path / "shop")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert server.project_home(doc) == tmp_path / "shop" / ".schemadoc"
    assert server.project_home(doc.parent) == tmp_path / "shop" / ".schemadoc"
    # a folder of the project with nothing above it marking a root: the doc's own folder
    loose = tmp_path / "loose" / "notes.md"
    loose.parent.mkdir()
    loose.write_text("# x\n")
    assert server.project_home(loose) == tmp_path / "loose" / ".schemadoc"
    monkeypatch.setenv("SCHEMADOC_HOME", str(tmp_path / "explicit"))
    assert server.project_home(doc) == tmp_path / "explicit"


def test_one_server_per_project_with_a_stable_port_status_and_down_from_anywhere(tmp_path: Path) -> None:
    doc = _project(tmp_path / "shop")

    def cli(*args: str, cwd: Path) -> tuple[int, str, str]:
        """The CLI with no SCHEMADOC_HOME: the home is the project's, wherever it runs from."""
        base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SCHEMADOC_HOME", "REDIS_URL")}
        # a registry of its own: `down --all` here must not stop the servers of the rest of the suite
        base["SCHEMADOC_CACHE"] = str(tmp_path / "cache")
        r = subprocess.run(
            [sys.executable, "-m", "schemadoc.cli", *args],
            capture_output=True,
            text=True,
            env=base,
            cwd=cwd,
            timeout=300,
        )
        return r.returncode, r.stdout, r.stderr

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    home = tmp_path / "shop" / ".schemadoc"
    try:
        rc, out, err = cli("up", str(doc), cwd=elsewhere)  # run from another folder
        assert rc == 0, err
        url = out.strip().splitlines()[-1]
        assert (home / "pgdata" / "PG_VERSION").exists() and not (elsewhere / ".schemadoc").exists()
        port = server.status(home).port
        assert port is not None and f":{port}/" in url
        # status from a subfolder of the project, as JSON
        rc, out, err = cli("status", "--format", "json", cwd=doc.parent)
        st = json.loads(out)
        assert rc == 0 and st["running"] and st["port"] == port and st["home"] == str(home)
        # down from outside the project, naming the doc; the port survives a restart
        rc, _, err = cli("down", str(doc), cwd=elsewhere)
        assert rc == 0 and "embedded PostgreSQL stopped" in err
        assert not server.status(home).running
        rc, out, err = cli("up", str(doc), cwd=doc.parent)
        assert rc == 0, err
        assert out.strip().splitlines()[-1] == url  # the URL `up` printed before still works
        with psycopg.connect(url) as conn:
            assert conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone() == (5,)
        # every server on this machine, from anywhere
        rc, out, _ = cli("status", "--all", "--format", "json", cwd=elsewhere)
        assert str(home) in [s["home"] for s in json.loads(out)]
        rc, _, err = cli("down", "--all", cwd=elsewhere)
        assert rc == 0 and f"embedded PostgreSQL stopped ({home})" in err
        assert str(home) not in [
            s["home"] for s in json.loads(cli("status", "--all", "--format", "json", cwd=elsewhere)[1])
        ]
    finally:
        server.stop(home, purge=True)
    assert not (home / "pgdata").exists()


def test_a_cluster_of_another_major_is_not_started_on_the_wrong_binaries(tmp_path: Path) -> None:
    home = tmp_path / "h"
    (home / "pgdata").mkdir(parents=True)
    (home / "pgdata" / "PG_VERSION").write_text("13\n")
    other = 14 if pgbin.server(download=False).major != 14 else 16
    with pytest.raises(ServerError, match=f"is PostgreSQL 13, not {other}.*down --purge"):
        server.start(home, major=other)


def test_version_lists_the_postgresql_found() -> None:
    r = run("--version")
    assert r.returncode == 0
    lines = r.stdout.splitlines()
    assert lines[0].startswith("schemadoc ")
    machine = pgbin.server(download=False)
    assert f"PostgreSQL {machine.version} server: {machine.bindir} ({machine.source})" in lines


def test_unsupported_versions_are_refused_clearly() -> None:
    r = run("--pg-version", "12", "status")
    assert r.returncode == 64 and "invalid choice" in r.stderr and "Traceback" not in r.stderr
    with pytest.raises(ServerError, match="PostgreSQL 12 is not supported"):
        pgbin.server(12)


def test_catalog_queries_read_only_what_the_server_version_has() -> None:
    text = "SELECT a,\n-- @since 15\n  b AS x\n-- @else\n  false AS x\n-- @end\nFROM t\n"
    assert for_version(text, 150004) == "SELECT a,\n  b AS x\nFROM t\n"
    assert for_version(text, 140011) == "SELECT a,\n  false AS x\nFROM t\n"
    nested = "-- @since 14\na\n-- @since 16\nb\n-- @end\n-- @end\nc\n"
    assert for_version(nested, 150000) == "a\nc\n"
    assert for_version(nested, 160000) == "a\nb\nc\n"
    assert for_version(nested, 130000) == "c\n"


def test_the_configuration_names_the_servers_folder_and_version(tmp_path: Path) -> None:
    """[tool.schemadoc] home = … and pg-version = …: the embedded server lives there and runs that major."""
    if shutil.which("npm") is None and not any(i.major == 16 for i in pgbin.installations()):
        pytest.skip("PostgreSQL 16 is neither on this machine nor downloadable (no npm)")
    root = tmp_path / "shop"
    doc = _project(root)
    (root / "pyproject.toml").write_text("[tool.schemadoc]\nhome = 'var/pg'\npg-version = 16\n")
    home = root / "var" / "pg"
    base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SCHEMADOC_HOME", "SCHEMADOC_PG_VERSION")}
    base["SCHEMADOC_CACHE"] = str(pgbin.cache_dir())  # the shared download cache, a registry of its own below
    try:
        r = subprocess.run(
            [sys.executable, "-m", "schemadoc.cli", "up", str(doc)],
            capture_output=True,
            text=True,
            env=base,
            cwd=tmp_path,
            timeout=600,
        )
        assert r.returncode == 0, r.stderr
        assert server.project_home(doc) == home and (home / "pgdata" / "PG_VERSION").read_text().strip() == "16"
        with psycopg.connect(r.stdout.strip().splitlines()[-1]) as conn:
            assert conn.info.server_version // 10000 == 16
    finally:
        server.stop(home, purge=True)
    bad = root / "pyproject.toml"
    bad.write_text("[tool.schemadoc]\npg-version = 12\n")
    r = run("up", str(doc), env={"DATABASE_URL": ""})
    assert r.returncode == 1 and "pg-version must be a PostgreSQL major from 13 to 18" in r.stderr
