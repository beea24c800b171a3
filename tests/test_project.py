"""The front door: every command reads and parses the document once, and a worker never reads it at all."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from schemadoc import commands, parse
from schemadoc.cli import main
from schemadoc.errors import SchemadocError
from schemadoc.parse import load
from schemadoc.project import Project
from schemadoc.rest.app import app_from_env
from schemadoc.rest.config import ENV, ServeConfig

from .conftest import SEEDS, scratch_database

DOC = SEEDS["bakery"]  # key layouts, roles, RLS, seed rows: every command has something to do with it


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How often each document was read from disk ("read") and parsed ("parsed") since the fixture began."""
    counts: Counter[str] = Counter()
    read_text, loads = parse.read_text, parse.loads

    def counting_read(path: str | Path) -> str:
        counts["read"] += 1
        return read_text(path)

    def counting_loads(text: str, path: str = "<doc>") -> parse.LoadedDocument:
        counts["parsed"] += 1
        return loads(text, path)

    monkeypatch.setattr(parse, "read_text", counting_read)
    monkeypatch.setattr(parse, "loads", counting_loads)
    return counts


@pytest.fixture
def derived(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How often the safe fixes were worked out ("fixed") and the target server resolved ("resolved")."""
    from schemadoc.servers import database

    counts: Counter[str] = Counter()
    repair, server_url = database.repair, database.server_url

    def counting_fixes(*args: Any) -> Any:
        counts["fixed"] += 1
        return repair(*args)

    def counting_server(*args: Any) -> Any:
        counts["resolved"] += 1
        return server_url(*args)

    monkeypatch.setattr(database, "repair", counting_fixes)
    monkeypatch.setattr(database, "server_url", counting_server)
    return counts


@pytest.fixture
def database(server_url: str) -> Iterator[str]:
    with scratch_database(server_url) as url:
        yield url


def test_each_command_reads_the_document_once(
    database: str,
    redis_url: str,
    reads: Counter[str],
    derived: Counter[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    served: list[tuple[Any, dict[str, Any]]] = []
    import uvicorn

    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: served.append((app, kw)))
    at = ["--database-url", database]
    doc = str(DOC)
    commands = [
        ["check", doc],
        ["sql", "--fix", doc],
        ["diagram", "--format", "mermaid", "--out", str(tmp_path / "er.mmd"), doc],
        ["docs", "--out", str(tmp_path / "site"), doc],
        ["up", "--fix", *at, doc],
        ["plan", "--fix", *at, doc],
        ["drift", "--fix", *at, doc],
        ["seed", "--fix", "--rows", "3", "--keys", "2", "--redis-url", redis_url, *at, doc],
        ["stats", *at, doc],
        ["health", "--fix", *at, doc],
        ["maintain", *at, doc],
        ["backup", *at, "--out", str(tmp_path / "b.dump"), doc],
        ["kv", "audit", "--redis-url", redis_url, *at, doc],
        ["migrate", "--fix", "--dir", str(tmp_path / "migrations"), *at, "new", doc, "first"],
        ["migrate", "--dir", str(tmp_path / "migrations"), *at, "status", doc],
        ["up", "--fix", "--serve", "--redis-url", redis_url, *at, doc],
        ["serve", "--workers", "2", "--redis-url", redis_url, "--allow-superuser", *at, doc],
    ]
    for argv in commands:
        reads.clear()
        derived.clear()
        code = main(argv)
        assert code in (0, 1, 2), (argv, code)  # findings or drift are answers; a crash is not
        assert reads == Counter({"read": 1, "parsed": 1}), (argv, dict(reads))
        # what is derived from the document is derived once too: its safe fixes, its target database
        assert derived["fixed"] == ("--fix" in argv), (argv, dict(derived))
        assert derived["resolved"] <= 1, (argv, dict(derived))
    assert len(served) == 2  # both serving commands got as far as starting the server


def test_a_worker_gets_the_model_not_a_path(redis_url: str, reads: Counter[str]) -> None:
    """serve --workers N hands each worker a typed configuration with the doc's key layouts: building a
    worker's app reads no document."""
    doc = load(DOC)
    reads.clear()
    config = ServeConfig(
        "postgresql://nobody@127.0.0.1:1/none", pool=2, keyspaces=doc.schema.keyspaces, redis_url=redis_url
    )
    config.export()
    try:
        assert ServeConfig.imported() == config
        app = app_from_env()
    finally:
        ServeConfig.forget()
    assert app.keyspaces is not None and set(app.keyspaces) == {ks.name for ks in doc.schema.keyspaces}
    assert not reads, dict(reads)


def test_a_large_configuration_goes_through_a_private_file(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    config = ServeConfig("postgresql://x@127.0.0.1/y", jwt_secret="s" * 100_000)
    config.export()
    try:
        held = os.environ[ENV]
        assert held.startswith("@")
        path = Path(held[1:])
        assert path.stat().st_mode & 0o077 == 0  # nobody else's to read
        assert ServeConfig.imported() == config
    finally:
        ServeConfig.forget()
    assert not path.exists() and ENV not in os.environ
    with pytest.raises(Exception, match="not set"):
        ServeConfig.imported()


def test_a_project_around_a_loaded_document_reads_nothing(reads: Counter[str]) -> None:
    doc = load(DOC)
    reads.clear()
    project = Project.of(doc, fix=True)
    assert project.doc is doc and project.text == doc.text
    assert project.fixed_doc.schema == project.prepared.schema
    again = project.reread(doc.text + "\n")
    assert again is not doc and reads == Counter({"parsed": 1})


def test_the_library_commands_take_a_project_and_answer_in_json(
    database: str, reads: Counter[str], tmp_path: Path
) -> None:
    import json

    project = Project(str(DOC), database_url=database, fix=True)
    brought = commands.up(project, allow_data_loss=False)
    assert brought.result.applied > 0 and project.target.name == brought.result.database
    answer = json.loads(json.dumps(brought.as_dict()))
    assert answer["ok"] and answer["database"] == brought.result.database and answer["redis_url"] is None
    again = commands.up(project)
    assert again.result.applied == 0  # up to date

    seeded = commands.seed(project, "3", keys=0, seed_value=7)
    assert seeded.report.seed_value == 7 and sum(seeded.report.rows.values()) > 0 and seeded.note is None
    assert json_roundtrip(seeded.as_dict())["rows"] == seeded.report.rows
    maintained = commands.maintain(project)
    assert maintained.ok and maintained.steps
    assert json_roundtrip(maintained.as_dict())["database"] == project.target.name
    healthy = commands.health(project, long_after=300, idle_after=60, max_lag=60)
    assert healthy.ok, healthy.problems
    with project.connect(autocommit=True) as conn:
        conn.execute("ALTER TABLE products ADD COLUMN not_in_the_doc int")
    drifted = commands.health(project, long_after=300, idle_after=60, max_lag=60)
    assert not drifted.ok and any("difference(s) from the document" in p for p in drifted.problems)
    assert commands.health(project, long_after=300, idle_after=60, max_lag=60, with_drift=False).ok

    roles = commands.api_roles(project)
    api = ServeConfig("", anon_role=roles.anon)
    serving = commands.serving(project, commands.ServeOptions(api, pool=6, workers=2))
    assert serving.config.pool == 2 and serving.config.anon_role == roles.anon  # (6 - 2 listeners) / 2
    with pytest.raises(SchemadocError, match="too small for 3 worker"):
        commands.serving(project, commands.ServeOptions(pool=5, workers=3))
    assert reads == Counter({"read": 1, "parsed": 1}), dict(reads)


def test_check_fixes_in_memory_on_disk_or_as_a_diff(tmp_path: Path) -> None:
    doc = tmp_path / "shop-api.md"
    original = SEEDS["shop-api"].read_text()
    doc.write_text(original)
    before = commands.check(Project(str(doc)))
    assert any(d.fix is not None for d in before.diagnostics), [d.code for d in before.diagnostics]
    shown = commands.check(Project(str(doc)), fix="diff")
    assert shown.fixed >= 1 and shown.diff and shown.diff.startswith("--- a/") and doc.read_text() == original
    in_memory = commands.check(Project(str(doc)), fix="memory")
    assert in_memory.fixed == shown.fixed and not in_memory.wrote and doc.read_text() == original
    assert len(in_memory.diagnostics) < len(before.diagnostics)
    written = commands.check(Project(str(doc)), fix="write")
    assert written.wrote and doc.read_text() == in_memory.doc.text != original
    assert [d.message for d in written.diagnostics] == [d.message for d in in_memory.diagnostics]
    assert json_roundtrip(written.as_dict())["fixed"] == written.fixed


def json_roundtrip(value: object) -> Any:
    import json

    return json.loads(json.dumps(value))
