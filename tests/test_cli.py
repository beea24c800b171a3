"""The command line: exit codes, output formats, and bad input that never ends in a traceback."""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from schemadoc.cli import main
from schemadoc.errors import Diagnostic
from schemadoc.servers.database import with_database

from .conftest import CORPUS, EXAMPLES, SEEDS, shared

GOLDEN = Path(__file__).parent / "golden"


def run(
    *args: str, env: dict[str, str] | None = None, embedded_in: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """The CLI in a subprocess; with `embedded_in`, on an embedded server of its own there (no DATABASE_URL)."""
    base = dict(os.environ)
    if embedded_in is not None:
        base.pop("DATABASE_URL", None)
        base.pop("REDIS_URL", None)
        base["SCHEMADOC_HOME"] = str(embedded_in / "home")
    return subprocess.run(
        [sys.executable, "-m", "schemadoc.cli", *args],
        capture_output=True,
        text=True,
        env={**base, **(env or {})},
        timeout=300,
        cwd=embedded_in,
    )


def test_check_clean_and_with_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(EXAMPLES / "finity.md")]) == 0
    assert main(["check", str(EXAMPLES / "shop-api.md")]) == 1
    out = capsys.readouterr().out
    assert "shop-api.md:238:1: error[SD111]" in out
    assert "238 | CREATE TABLE audit_logs_2024_01 PARTITION OF audit_logs" in out
    assert "help: add PARTITION BY RANGE (created_at)" in out


def test_check_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--format", "json", str(EXAMPLES / "venta.md")]) == 0
    found = json.loads(capsys.readouterr().out)
    clerk = [d for d in found if d["code"] == "SD204" and d["line"] == 179]
    assert clerk and clerk[0]["severity"] == "warning" and "clerkId" in clerk[0]["message"]


@pytest.mark.parametrize(
    "content, message",
    [
        (b"\x00\x01\x02binary\xff", "binary data"),
        (b"", "document is empty"),
        (b"   \n\n", "document is empty"),
        (b"\xff\xfe# not utf8 \xc3\x28", "not UTF-8"),
    ],
    ids=["binary", "empty", "blank", "bad-utf8"],
)
def test_bad_input_is_a_clear_error(tmp_path: Path, content: bytes, message: str) -> None:
    doc = tmp_path / "doc.md"
    doc.write_bytes(content)
    r = run("check", str(doc))
    assert r.returncode == 1
    assert message in r.stderr and "Traceback" not in r.stderr


def test_huge_and_missing_documents(tmp_path: Path) -> None:
    big = tmp_path / "big.md"
    big.write_text("```sql\n" + "SELECT 1;\n" * 1_100_000 + "```\n")
    r = run("check", str(big))
    assert r.returncode == 1 and "MB" in r.stderr and "Traceback" not in r.stderr
    r = run("check", str(tmp_path / "nope.md"))
    assert r.returncode == 1 and "no such file" in r.stderr


def test_unclosed_fence(tmp_path: Path) -> None:
    doc = tmp_path / "doc.md"
    doc.write_text("# Doc\n\n```sql\nCREATE TABLE a (id int PRIMARY KEY);\n")
    r = run("check", str(doc))
    assert r.returncode == 0 and "SD003" in r.stdout


GOLDEN_DOCS = {**SEEDS, **{p.stem: p for p in (Path(__file__).parent / "fixtures" / "docs").glob("*.md")}}


@pytest.mark.parametrize("name", sorted(GOLDEN_DOCS))
def test_emitted_sql_golden(name: str, update_goldens: bool, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sql", "--fix", str(GOLDEN_DOCS[name])]) == 0
    out = capsys.readouterr().out
    golden = GOLDEN / f"{name}.sql"
    if update_goldens:
        golden.write_text(out)
    assert out == golden.read_text(), "emitted SQL changed; review and run pytest --update-goldens"


@pytest.mark.parametrize("doc", sorted(p.name for p in CORPUS.glob("*.md")) or ["<corpus missing>"])
def test_corpus_documents_check_without_crash(doc: str) -> None:
    path = shared(CORPUS / doc)
    r = run("check", "--format", "json", str(path))
    assert r.returncode in (0, 1), r.stderr
    assert "Traceback" not in r.stderr
    json.loads(r.stdout)


def test_up_refuses_errors_and_failed_apply_leaves_nothing(tmp_path: Path, fresh_db: str) -> None:
    bad = tmp_path / "bad.md"
    bad.write_text("```sql\nCREATE TABLE a (id int PRIMARY KEY, b int REFERENCES missing(id));\n```\n")
    r = run("up", "--database-url", fresh_db, str(bad))
    assert r.returncode == 1 and "SD104" in r.stderr and "nothing was applied" in r.stderr
    # valid to our parser, rejected by PostgreSQL on the third statement: nothing may remain
    broken = tmp_path / "broken.md"
    broken.write_text(
        "# Doc\n\n```sql\nCREATE TABLE ok (id int PRIMARY KEY);\n"
        "CREATE INDEX ix_ok ON ok (id);\n"
        "CREATE TABLE bad (id int PRIMARY KEY, n int CHECK (no_such_column > 0));\n```\n"
    )
    r = run("up", "--database-url", fresh_db, str(broken))
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "broken.md:6:1:" in r.stderr and "no_such_column" in r.stderr
    with psycopg.connect(fresh_db) as conn:
        assert conn.execute("SELECT count(*) FROM pg_class WHERE relname IN ('ok', 'bad', 'ix_ok')").fetchone() == (0,)


@pytest.fixture
def server_home() -> Iterator[Path]:
    """A directory for an embedded server's data, outside pytest's basetemp (which a concurrent pytest
    run prunes, data directory and all)."""
    home = Path(tempfile.mkdtemp(prefix="schemadoc-cli-test-"))
    yield home
    shutil.rmtree(home, ignore_errors=True)


def test_up_on_the_embedded_server_from_the_command_line(server_home: Path) -> None:
    tmp_path = server_home
    try:
        r = run("up", str(EXAMPLES / "bakery.md"), embedded_in=tmp_path)
        assert r.returncode == 0, r.stderr
        url = r.stdout.strip().splitlines()[-1]
        assert url.startswith("postgresql://postgres@127.0.0.1:") and url.endswith("/omade_cravings_prod")
        with psycopg.connect(url) as conn:
            assert conn.execute(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' "
                "AND table_type = 'BASE TABLE'"
            ).fetchone() == (9,)
        # the doc has Redis key layouts: a private Redis runs next to the embedded PostgreSQL
        redis_url = re.search(r"Redis for the doc: (redis://\S+)", r.stderr)
        assert redis_url is not None, r.stderr
        import redis

        assert redis.Redis.from_url(redis_url.group(1)).ping()
        again = run("up", str(EXAMPLES / "bakery.md"), embedded_in=tmp_path)
        assert again.returncode == 0 and "up to date" in again.stderr
        assert redis_url.group(1) in again.stderr  # the same one, still running
        audit = run("kv", "audit", str(EXAMPLES / "bakery.md"), embedded_in=tmp_path)
        assert audit.returncode == 0 and "0 key(s) scanned: no findings" in audit.stdout, audit.stderr
    finally:
        down = run("down", embedded_in=tmp_path)
    assert "private Redis stopped" in down.stderr
    with pytest.raises(redis.ConnectionError):
        redis.Redis.from_url(redis_url.group(1)).ping()


def test_up_on_the_pgserver_wheel_when_the_machine_has_no_postgresql(server_home: Path) -> None:
    tmp_path = server_home
    """A fresh machine without PostgreSQL: the pgserver wheel's binaries run the embedded server."""
    import importlib.util

    spec = importlib.util.find_spec("pgserver")
    assert spec is not None and spec.origin is not None, "pgserver is part of the [embedded] extra"
    bindir = Path(spec.origin).parent / "pginstall" / "bin"
    # and no Redis to run beside it (finity runs Redis): the database still comes up, with a note
    env = {"SCHEMADOC_PG_BIN": str(bindir), "SCHEMADOC_REDIS_SERVER": "/nonexistent/redis-server"}
    try:
        r = run("up", str(EXAMPLES / "finity.md"), env=env, embedded_in=tmp_path)
        assert r.returncode == 0, r.stderr
        assert (
            "note: no Redis for the doc's key layouts: redis-server (/nonexistent/redis-server) could not run"
            in r.stderr
        )
        assert "Traceback" not in r.stderr
        with psycopg.connect(r.stdout.strip().splitlines()[-1]) as conn:
            version = conn.execute("SHOW server_version").fetchone()[0]  # type: ignore[index]
            assert conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone() == (7,)
        wheel = subprocess.run([str(bindir / "postgres"), "--version"], capture_output=True, text=True).stdout
        assert wheel.split()[-1] == version.split()[0]  # the wheel's server answered, not the machine's
        # the wheel has no contrib extensions: a doc that needs one is refused before anything is applied
        r = run("up", str(EXAMPLES / "bakery.md"), env=env, embedded_in=tmp_path)
        assert r.returncode == 1 and "Traceback" not in r.stderr
        assert "bakery.md:570:1: pg_trgm" in r.stderr and "contrib" in r.stderr
    finally:
        run("down", env=env, embedded_in=tmp_path)


def test_inspect_prints_markdown_and_json(fresh_db: str) -> None:
    assert run("up", "--database-url", fresh_db, str(EXAMPLES / "venta.md")).returncode == 0
    md = run("inspect", "--database-url", fresh_db)
    assert md.returncode == 0, md.stderr
    assert "### subscriptions" in md.stdout and 'CONSTRAINT "subscriptions_userId_fkey"' in md.stdout
    data = json.loads(run("inspect", "--database-url", fresh_db, "--format", "json").stdout)
    assert sorted(t["name"] for t in data["tables"]) == [
        "integrations",
        "locations",
        "subscriptions",
        "users",
        "vendors",
    ]


@pytest.mark.parametrize("doc", sorted(p.name for p in CORPUS.glob("0*.md")) or ["<corpus missing>"])
def test_corpus_documents_that_check_clean_come_up(doc: str, fresh_db: str) -> None:
    """`check` without errors means `up` applies the document; with errors, `up` applies nothing."""
    path = shared(CORPUS / doc)
    checked = run("check", str(path))
    r = run("up", "--database-url", fresh_db, str(path))
    assert "Traceback" not in r.stderr
    if checked.returncode == 0:
        assert r.returncode == 0, r.stderr[-1500:]
    else:
        assert r.returncode == 1 and "nothing was applied" in r.stderr
        with psycopg.connect(fresh_db) as conn:
            assert conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone() == (0,)


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_check_findings_golden(name: str, update_goldens: bool, capsys: pytest.CaptureFixture[str]) -> None:
    """What `check` reports on each seed, rule by rule and line by line (warnings and errors)."""
    code = main(["check", "--format", "json", str(SEEDS[name])])
    found = json.loads(capsys.readouterr().out)
    lines = [
        f"{d['line']}:{d['col']} {d['severity']}[{d['code']}] {d['message']}" for d in found if d["severity"] != "info"
    ]
    text = "\n".join([f"exit {code}", *lines]) + "\n"
    golden = GOLDEN / f"{name}.check.txt"
    if update_goldens:
        golden.write_text(text)
    assert text == golden.read_text(), "check findings changed; review and run pytest --update-goldens"


def test_rules_and_rule_commands(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules"]) == 0
    listing = capsys.readouterr().out
    assert "SD301  warning  runtime    new-in-delete-trigger" in listing
    assert main(["rule", "SD313"]) == 0
    assert "Prisma does not create these indexes" in capsys.readouterr().out
    assert main(["rule", "SD999"]) == 1


def test_check_live_validates_documented_queries(server_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    """The docs' monitoring SQL, prepared against the live catalog (not matched by name)."""
    found: dict[str, list[tuple[int, str]]] = {}
    for name in ("shop-api", "bakery", "photobook"):
        main(["check", "--live", "--database-url", server_url, "--format", "json", str(SEEDS[name])])
        found[name] = [(d["line"], d["message"]) for d in json.loads(capsys.readouterr().out) if d["code"] == "SD350"]
    assert [line for line, _ in found["shop-api"]] == [461, 528]
    assert 'column "tablename" does not exist' in found["shop-api"][0][1]
    assert "your_database" in found["shop-api"][1][1]
    assert [line for line, _ in found["bakery"]] == [386, 399, 411, 441]
    assert 'column "total_time" does not exist' in dict(found["bakery"])[411]
    assert [line for line, _ in found["photobook"]] == [467]
    # the valid queries (count of pg_stat_activity, pg_tables sizes, the PREPAREd order lookup) pass
    with psycopg.connect(with_database(server_url, "postgres")) as conn:
        leftovers = conn.execute("SELECT count(*) FROM pg_database WHERE datname LIKE 'schemadoc_check_%'").fetchone()
    assert leftovers == (0,)


def test_check_live_applies_the_schema_and_reports_what_postgresql_rejects(
    tmp_path: Path, server_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """`check` reads a CHECK on a column that does not exist as fine; PostgreSQL does not (issue 17)."""
    doc = tmp_path / "readings.md"
    doc.write_text(
        "# X\n\n```sql\nCREATE TABLE readings (\n  id int PRIMARY KEY,\n  value numeric,\n  CHECK (m > 0)\n);\n"
        "CREATE TABLE notes (id int PRIMARY KEY, body text);\n```\n"
    )
    assert main(["check", str(doc)]) == 0
    capsys.readouterr()
    assert main(["check", "--live", "--database-url", server_url, "--format", "json", str(doc)]) == 1
    found = [d for d in json.loads(capsys.readouterr().out) if d["severity"] == "error"]
    assert [(d["code"], d["line"]) for d in found] == [("SD351", 4)]
    assert found[0]["message"] == 'PostgreSQL rejects this: column "m" does not exist'
    for name in ("shop-api", "bakery", "photobook"):  # the seeds apply cleanly
        main(["check", "--live", "--database-url", server_url, "--format", "json", str(SEEDS[name])])
        assert not [d for d in json.loads(capsys.readouterr().out) if d["code"] == "SD351"], name


def test_check_sarif_and_github_formats(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--format", "sarif", str(SEEDS["bakery"])]) == 0
    sarif = json.loads(capsys.readouterr().out)
    run_ = sarif["runs"][0]
    assert sarif["version"] == "2.1.0" and run_["tool"]["driver"]["name"] == "schemadoc"
    fanout = [r for r in run_["results"] if r["ruleId"] == "SD340"]
    assert fanout[0]["level"] == "warning"
    assert fanout[0]["locations"][0]["physicalLocation"]["region"] == {"startLine": 253, "startColumn": 1}
    assert any(
        r["id"] == "SD340" and "fan" not in r["fullDescription"]["text"].lower() or r["id"] == "SD340"
        for r in run_["tool"]["driver"]["rules"]
    )
    assert main(["check", "--format", "github", str(SEEDS["shop-api"])]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert any(line.startswith("::error file=") and ",line=238,col=1,title=SD111::" in line for line in lines)
    assert all(line.startswith(("::error", "::warning")) for line in lines)


def test_configuration_and_inline_disable(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = tmp_path / "docs" / "DATABASE.md"
    doc.parent.mkdir()
    doc.write_text(
        "# Shop\n\n```sql\nCREATE TABLE users (id int PRIMARY KEY, email text UNIQUE, created_at timestamp);\n"
        "CREATE INDEX idx_users_email ON users (email);\n```\n\n"
        "<!-- schemadoc: disable=SD313 -->\n"
        "```sql\nCREATE TABLE posts (id int PRIMARY KEY, user_id int REFERENCES users (id), price float);\n```\n"
    )

    def codes() -> list[str]:
        main(["check", "--format", "json", str(doc)])
        return sorted(d["code"] for d in json.loads(capsys.readouterr().out) if d["severity"] != "info")

    assert codes() == ["SD311", "SD320"]  # SD313 on posts is disabled by the directive
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.schemadoc]\nignore = ["SD311"]\nfail-on = "warning"\n'
        '[tool.schemadoc.severity]\nSD320 = "error"\n'
    )
    assert main(["check", "--format", "json", str(doc)]) == 1
    found = {d["code"]: d["severity"] for d in json.loads(capsys.readouterr().out) if d["severity"] != "info"}
    assert found == {"SD320": "error"}
    (tmp_path / "pyproject.toml").write_text('[tool.schemadoc]\nselect = ["SD31"]\n')
    assert main(["check", "--format", "json", str(doc)]) == 0
    assert {d["code"] for d in json.loads(capsys.readouterr().out)} == {"SD311"}
    (tmp_path / "pyproject.toml").write_text('[tool.schemadoc]\nfail-on = "sometimes"\n')
    assert main(["check", str(doc)]) == 1
    assert "fail-on must be one of" in capsys.readouterr().err


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_check_fix_rewrites_each_seed(
    name: str, tmp_path: Path, fresh_db: str, update_goldens: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    """`check --write` leaves a document that checks without errors and comes up; goldens per seed.
    `check --fix` reports, without touching the file, exactly what the rewritten doc reports."""
    doc = tmp_path / f"{name}.md"
    original = SEEDS[name].read_bytes()
    doc.write_bytes(original)
    assert main(["check", "--diff", str(doc)]) == 0
    assert doc.read_bytes() == original  # --diff only shows
    capsys.readouterr()
    in_memory = main(["check", "--fix", "--format", "json", str(doc)])
    fixed_in_memory = capsys.readouterr()
    assert doc.read_bytes() == original  # --fix means the same as everywhere: in memory, the file untouched
    assert "check --write" in fixed_in_memory.err
    main(["check", "--write", str(doc)])
    capsys.readouterr()
    fixed = doc.read_text()
    golden = GOLDEN / f"{name}.fixed.md"
    if update_goldens:
        golden.write_text(fixed)
    assert fixed == golden.read_text(), "fixed document changed; review and run pytest --update-goldens"
    assert main(["check", "--format", "json", str(doc)]) == 0 == in_memory
    after_write = json.loads(capsys.readouterr().out)
    assert [(d["code"], d["message"]) for d in after_write] == [
        (d["code"], d["message"]) for d in json.loads(fixed_in_memory.out)
    ]
    fixable = {"SD111", "SD310", "SD311", "SD050", "SD313"}
    remaining = [d for d in after_write if d["code"] in fixable]
    assert remaining == []  # foreign-key indexes too: CREATE INDEX, Prisma @@index, or the table's index list
    r = run("up", "--database-url", fresh_db, str(doc))
    assert r.returncode == 0, r.stderr[-1500:]


def test_unsafe_fix_adds_the_missing_updated_at_triggers(
    tmp_path: Path, fresh_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = tmp_path / "shop.md"
    doc.write_bytes(SEEDS["shop-api"].read_bytes())
    main(["check", "--write", str(doc)])
    assert "SD306" in {d.code for d in schemadoc_check(doc)}  # safe fixes leave behaviour alone
    main(["check", "--write", "--unsafe-fixes", str(doc)])
    capsys.readouterr()
    assert "SD306" not in {d.code for d in schemadoc_check(doc)}
    assert run("up", "--database-url", fresh_db, str(doc)).returncode == 0
    with psycopg.connect(fresh_db) as conn:
        triggers = {r[0] for r in conn.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")}
    assert {
        "update_categories_updated_at",
        "update_reviews_updated_at",
        "update_api_keys_updated_at",
        "update_brands_updated_at",
        "update_users_updated_at",
        "update_products_updated_at",
    } <= triggers


def schemadoc_check(path: Path) -> list[Diagnostic]:
    from schemadoc import load
    from schemadoc.lint import check

    return check(load(path))


def test_drift_reports_each_difference_with_the_doc_line(fresh_db: str) -> None:
    assert run("up", "--database-url", fresh_db, str(SEEDS["bakery"])).returncode == 0
    clean = run("drift", "--database-url", fresh_db, str(SEEDS["bakery"]))
    assert clean.returncode == 0 and clean.stdout == "" and "no drift" in clean.stderr
    with psycopg.connect(fresh_db) as conn:
        conn.execute("DROP INDEX idx_orders_status")
        conn.execute("ALTER TABLE products ADD COLUMN sku text")
        conn.execute("CREATE TABLE scratch (id int)")
    r = run("drift", "--database-url", fresh_db, str(SEEDS["bakery"]))
    assert r.returncode == 2
    lines = r.stdout.splitlines()
    source = SEEDS["bakery"].read_text().split("\n")
    index_line = next(i for i, t in enumerate(source, 1) if t.startswith("CREATE INDEX idx_orders_status"))
    table_line = next(i for i, t in enumerate(source, 1) if t.startswith("CREATE TABLE products"))
    assert (
        f"{SEEDS['bakery']}:{index_line}:1: drift: index public.idx_orders_status: in the document, not in the "
        "database" in lines
    )
    assert any(
        line.startswith(f"{SEEDS['bakery']}:{table_line}:1: drift: table public.products: differs — column sku")
        for line in lines
    ), lines
    assert "(not in the doc) drift: table public.scratch: in the database, not in the document" in lines
    data = json.loads(run("drift", "--database-url", fresh_db, "--format", "json", str(SEEDS["bakery"])).stdout)
    assert {(d["kind"], d["key"], d["change"]) for d in data["differences"]} == {
        ("index", "public.idx_orders_status", "missing"),
        ("table", "public.products", "changed"),
        ("table", "public.scratch", "extra"),
    }


def test_exit_codes_keep_usage_errors_apart_from_drift(tmp_path: Path) -> None:
    """0 clean, 1 errors, 2 drift, 3 destructive change refused, 64 a wrong command line."""
    for argv in (["up", "--nosuch", "x.md"], ["nosuchcommand"], ["check"]):
        r = run(*argv)
        assert r.returncode == 64 and "usage:" in r.stderr, (argv, r.returncode)
    ok = tmp_path / "ok.md"
    ok.write_text("# X\n\n```sql\nCREATE TABLE t (id int PRIMARY KEY);\n```\n")
    assert run("check", str(ok)).returncode == 0
    bad = tmp_path / "bad.md"
    bad.write_text("# X\n\nNo schema here.\n")
    assert run("check", str(bad)).returncode == 1


def test_fix_means_the_same_on_every_command_that_reads_a_doc(fresh_db: str, tmp_path: Path) -> None:
    """shop-api only comes up with --fix: every command reading it takes --fix and then works on it."""
    doc = str(SEEDS["shop-api"])
    db = ("--database-url", fresh_db)
    assert run("up", "--fix", *db, doc).returncode == 0
    refused = run("health", *db, doc)
    assert refused.returncode == 1 and "nothing was applied" in refused.stderr and "up --fix" in refused.stderr
    for args in (
        ("drift", "--fix", *db, doc),
        ("plan", "--fix", *db, doc),
        ("health", "--fix", *db, doc),
        ("stats", "--fix", *db, doc),
        ("seed", "--fix", "--rows", "5", *db, doc),
        ("sql", "--fix", doc),
        ("diagram", "--fix", doc),
        ("docs", "--fix", "--out", str(tmp_path / "site"), doc),
        ("backup", "--fix", "--out", str(tmp_path / "shop.dump"), *db, doc),
    ):
        r = run(*args)
        assert r.returncode == 0, f"{args[0]} --fix: {r.stderr[-1500:]}"
        assert "nothing was applied" not in r.stderr
    assert (tmp_path / "site" / "index.html").exists()
    # the same flag on every parser, with the same help
    helps = {cmd: run(cmd, "--help").stdout for cmd in ("drift", "health", "seed", "serve", "stats", "docs", "sql")}
    assert all("in memory" in " ".join(h.split()) for h in helps.values()), helps


def test_every_command_speaks_json_and_so_do_its_failures(fresh_db: str, tmp_path: Path) -> None:
    from schemadoc.cli import build_parser

    def commands(parser: argparse.ArgumentParser, prefix: str = "") -> dict[str, argparse.ArgumentParser]:
        found: dict[str, argparse.ArgumentParser] = {}
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    if any(isinstance(a, argparse._SubParsersAction) for a in sub._actions):
                        found |= commands(sub, f"{prefix}{name} ")
                    elif sub.prog.split()[-1] == name:  # not an alias
                        found[prefix + name] = sub
        return found

    every = commands(build_parser())
    assert {"up", "sql", "backup", "restore", "docs", "down", "status", "kv audit", "serve"} <= set(every)
    for name, sub in every.items():
        fmt = [a for a in sub._actions if "--format" in a.option_strings]
        assert fmt and "json" in (fmt[0].choices or ()), f"{name} has no --format json"

    db = ("--database-url", fresh_db)
    up_ok = run("up", "--format", "json", *db, str(SEEDS["venta"]))
    assert up_ok.returncode == 0, up_ok.stderr
    result = json.loads(up_ok.stdout)
    assert result["ok"] and result["applied"] > 0 and result["database"] and result["url"]
    # a failure: exit code and diagnostics as JSON on stdout, the message on stderr as ever
    refused = run("up", "--format", "json", *db, str(SEEDS["shop-api"]))
    failure = json.loads(refused.stdout)
    assert refused.returncode == 1 == failure["exit_code"] and failure["ok"] is False
    assert "nothing was applied" in failure["error"] and "nothing was applied" in refused.stderr
    assert any(d["code"] == "SD111" and d["line"] == 238 for d in failure["diagnostics"])
    usage = run("drift", "--format", "json")
    assert usage.returncode == 64 and json.loads(usage.stdout)["exit_code"] == 64
    unreachable = run(
        "stats", "--format", "json", "--database-url", "postgresql://nobody@127.0.0.1:1/x", str(SEEDS["venta"])
    )
    assert unreachable.returncode == 1 and "Traceback" not in unreachable.stderr
    assert json.loads(unreachable.stdout)["ok"] is False
    # the commands that had none before
    statements = json.loads(run("sql", "--format", "json", str(SEEDS["venta"])).stdout)["statements"]
    assert statements and all(s["sql"] for s in statements) and any(s["line"] for s in statements)
    dump = tmp_path / "venta.dump"
    made = json.loads(run("backup", "--format", "json", "--out", str(dump), *db, str(SEEDS["venta"])).stdout)
    assert made["path"] == str(dump) and made["manifest"]["tables"]
    into = f"restored_{uuid.uuid4().hex[:8]}"
    back = run("restore", "--format", "json", "--database-url", fresh_db, str(dump), "--into", into)
    assert back.returncode == 0 and json.loads(back.stdout)["verified"] is True
    with psycopg.connect(with_database(fresh_db, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE "{into}"')
    site = json.loads(run("docs", "--format", "json", "--out", str(tmp_path / "site"), str(SEEDS["venta"])).stdout)
    assert Path(site["index"]).exists()
    assert json.loads(run("rules", "--format", "json").stdout)[0]["code"].startswith("SD")
    drawn = json.loads(run("diagram", "--format", "json", str(SEEDS["venta"])).stdout)
    assert drawn["entities"] and drawn["relationships"]


@pytest.mark.parametrize(
    "args",
    [
        ("up", "DOC"),
        ("drift", "DOC"),
        ("plan", "DOC"),
        ("seed", "DOC"),
        ("stats", "DOC"),
        ("health", "DOC"),
        ("backup", "DOC"),
        ("maintain", "DOC"),
        ("inspect",),
        ("migrate", "status", "DOC"),
        ("migrate", "apply", "DOC"),
        ("check", "--live", "DOC"),
        ("serve", "DOC"),
    ],
)
def test_an_unreachable_server_is_one_error_line_never_a_traceback(args: tuple[str, ...]) -> None:
    argv = [str(SEEDS["venta"]) if a == "DOC" else a for a in args]
    r = run(*argv, "--database-url", "postgresql://nobody@127.0.0.1:1/x")
    assert r.returncode == 1, r.stderr
    assert "Traceback" not in r.stderr and "Connection refused" in r.stderr
    # said once, in the database layer, the same way by every command
    said = [line for line in r.stderr.splitlines() if line.startswith("error: ")]
    assert len(said) == 1 and said[0].startswith("error: cannot connect to "), r.stderr


def test_a_statement_postgresql_refuses_that_no_command_caught_is_one_line(
    fresh_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The last guard: any error PostgreSQL raises that a command did not turn into its own message ends the
    command with one line naming it and its SQLSTATE (exit 1), never a traceback."""
    import schemadoc.commands

    def refused(*_args: object, **_kwargs: object) -> None:
        with psycopg.connect(fresh_db) as conn:
            conn.execute("SELECT 1 / 0")

    monkeypatch.setattr(schemadoc.commands, "seed", refused)
    doc = tmp_path / "doc.md"
    doc.write_text("# Shop\n\n```sql\nCREATE TABLE items (id int PRIMARY KEY);\n```\n")
    assert main(["seed", "--database-url", fresh_db, str(doc)]) == 1
    err = capsys.readouterr().err
    assert "error: PostgreSQL refused it: division by zero [SQLSTATE 22012]" in err and "Traceback" not in err


@pytest.mark.parametrize("doc", sorted(p.name for p in CORPUS.glob("[0-9]*.md")) or ["<corpus missing>"])
def test_corpus_documents_live_a_whole_life_with_fix(doc: str, fresh_db: str) -> None:
    """Every real document, as `up --fix` applies it: up, up again (nothing to do), plan and drift (nothing
    to do: what --fix leaves out stays out), then seeded twice without an error."""
    from schemadoc.migrate.plan import build
    from schemadoc.migrate.up import drift, up
    from schemadoc.parse import load
    from schemadoc.seed.generate import seed

    path = shared(CORPUS / doc)
    assert up(path, fresh_db, fix=True).database
    assert up(path, fresh_db, fix=True).applied == 0
    planned = build(path, fresh_db, fix=True)
    assert planned.empty, [op.what for op in planned.up]
    assert drift(path, fresh_db, fix=True)[1] == []
    loaded = load(path)
    for seed_value in (1, 2):
        with psycopg.connect(fresh_db) as conn:
            seed(conn, loaded, default_rows=8, seed_value=seed_value)
