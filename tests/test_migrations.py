"""The diff fixture suite: each case plans before → after against a real database, matches its golden
plan, and converges: the up migration gives exactly the after schema (a second plan is empty), and the
down migration gives back exactly the before schema."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import uuid
from dataclasses import replace
from pathlib import Path

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict

from schemadoc import model as m
from schemadoc.introspect import introspect
from schemadoc.migrate import order
from schemadoc.migrate.compare import differences
from schemadoc.migrate.normalize import align, column_order_free
from schemadoc.migrate.plan import build
from schemadoc.migrate.run import run_steps, steps_of
from schemadoc.migrate.shadow import materialize
from schemadoc.migrate.up import up
from schemadoc.parse import load
from schemadoc.servers.database import prepare, with_database

CASES = Path(__file__).parent / "migrations"
CASE_NAMES = sorted(p.name for p in CASES.iterdir() if p.is_dir())


def _roles(case: Path) -> tuple[str, ...]:
    names = {r.name for doc in ("before.md", "after.md") for r in load(case / doc).schema.roles}
    return tuple(sorted(names))


def _schema(url: str, roles: tuple[str, ...]) -> m.Schema:
    with psycopg.connect(url, autocommit=True) as conn:
        return column_order_free(introspect(conn, roles))


def _golden(case: Path, major: int) -> Path:
    """The plan golden for a server of `major`: PostgreSQL 16 stopped qualifying a single-table view's
    columns (`SELECT items.name` became `SELECT name`), and plans carry view bodies as the server prints
    them, so a case with a view has a second golden, `plan.pg16.sql`, for 16 and later."""
    newer = case / "plan.pg16.sql"
    return newer if major >= 16 and newer.exists() else case / "plan.sql"


def _golden_text(case: Path, up_sql: str, down_sql: str) -> str:
    text = (up_sql + "\n" + down_sql).replace(str(case) + "/", "")
    return re.sub(r"database sdt_\w+", "database <fresh>", text)


def _migra_finds_nothing(migrated: str, doc: Path, server_url: str) -> None:
    """migra, an independent diff tool, sees no difference between the migrated database and the doc built fresh."""
    migra = shutil.which("migra", path=str(Path(sys.executable).parent)) or shutil.which("migra")
    if migra is None:
        return  # the suite's install has it; a bare environment only lacks this second opinion
    name = f"sdt_ref_{uuid.uuid4().hex[:10]}"
    admin = with_database(server_url, "postgres")
    try:
        up(doc, server_url, dbname=name)
        reference = with_database(server_url, name)

        def sqlalchemy_url(url: str) -> str:
            p = conninfo_to_dict(url)
            auth = p.get("user", "") + (f":{p['password']}" if p.get("password") else "")
            host = p.get("host", "localhost")
            return f"postgresql+psycopg2://{auth}@/{p['dbname']}?host={host}&port={p.get('port', 5432)}"

        r = subprocess.run(
            [migra, "--unsafe", sqlalchemy_url(migrated), sqlalchemy_url(reference)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert r.returncode == 0 and not r.stdout.strip(), f"migra still finds changes:\n{r.stdout}{r.stderr}"
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_there_are_at_least_60_cases() -> None:
    assert len(CASE_NAMES) >= 60


def _skip_without_the_extensions(case: Path, url: str) -> None:
    """A case that creates extensions needs a server with them (contrib), at the versions it pins."""
    wanted = {(e.name, e.version) for doc in ("before.md", "after.md") for e in load(case / doc).schema.extensions}
    if not wanted:
        return
    with psycopg.connect(url) as conn:
        have = set(conn.execute("SELECT name, version FROM pg_available_extension_versions").fetchall())
    names = {n for n, _ in have}
    missing = sorted(f"{n} {v}" if v else n for n, v in wanted if ((n, v) not in have if v else n not in names))
    if missing:
        pytest.skip(f"this PostgreSQL lacks {', '.join(missing)}")


@pytest.mark.parametrize("name", CASE_NAMES)
def test_case_plans_and_converges(
    name: str, fresh_db: str, server_url: str, update_goldens: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = CASES / name
    roles = _roles(case)
    _skip_without_the_extensions(case, fresh_db)
    if [e.code for e in load(case / "before.md").errors] != ["SD001"]:  # "before" may be nothing: no schema
        up(case / "before.md", fresh_db)
    start = _schema(fresh_db, roles)
    plan = build(case / "after.md", fresh_db)
    with psycopg.connect(fresh_db) as conn:
        major = conn.info.server_version // 10000
    golden = _golden(case, major)
    text = _golden_text(case, plan.script("up"), plan.script("down"))
    if update_goldens:
        if major >= 16 and text != (case / "plan.sql").read_text(encoding="utf-8"):
            golden = case / "plan.pg16.sql"  # the base golden stays the 13–15 spelling
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8"), f"plan for {name} differs from {golden}"
    assert not plan.empty
    assert not [n.message for n in plan.notices if "could not follow every dependency" in n.message]

    with psycopg.connect(fresh_db, autocommit=True) as conn:
        run_steps(conn, steps_of(plan.script("up"), f"{name}/up"))
    target = column_order_free(materialize(prepare(load(case / "after.md"), False)[0], server_url))
    after = _schema(fresh_db, roles)
    # (text equality up to PostgreSQL's own non-fixed-point printings, see migrate/normalize.py)
    assert differences(align(after, target), target) == []
    again = build(case / "after.md", fresh_db)
    assert again.empty, [op.what for op in again.up]
    if not (case / "migra-skip").exists():  # the file says why migra cannot judge that case
        _migra_finds_nothing(fresh_db, case / "after.md", server_url)

    with psycopg.connect(fresh_db, autocommit=True) as conn:
        run_steps(conn, steps_of(plan.script("down"), f"{name}/down"))
    assert differences(align(_schema(fresh_db, roles), start), start) == []
    if plan.down_undoes:  # the oracle: the way back planned by comparing must get there too
        compared = replace(plan, down=plan.compared)
        with psycopg.connect(fresh_db, autocommit=True) as conn:
            run_steps(conn, steps_of(plan.script("up"), f"{name}/up again"))
            run_steps(conn, steps_of(compared.script("down"), f"{name}/down compared"))
        assert differences(align(_schema(fresh_db, roles), start), start) == []

    # the order rests on dependencies alone: the phases only break ties, so with them (and the order
    # planned) reversed, the same steps still apply and still give the after schema
    monkeypatch.setattr(order, "priority", lambda op, i: (-op.phase, -i))
    backwards = build(case / "after.md", fresh_db)
    assert sorted(op.sql for op in backwards.up) == sorted(op.sql for op in plan.up)
    assert not [n.message for n in backwards.notices if "could not follow every dependency" in n.message]
    with psycopg.connect(fresh_db, autocommit=True) as conn:
        run_steps(conn, steps_of(backwards.script("up"), f"{name}/up, ties broken backwards"))
    assert differences(align(_schema(fresh_db, roles), target), target) == []


def test_the_migra_check_can_fail(fresh_db: str, server_url: str) -> None:
    """The oracle is not a formality: on an unmigrated database it reports the changes."""
    assert shutil.which("migra", path=str(Path(sys.executable).parent)) or shutil.which("migra")
    up(CASES / "79_many_changes" / "before.md", fresh_db)
    with pytest.raises(AssertionError, match="migra still finds changes"):
        _migra_finds_nothing(fresh_db, CASES / "79_many_changes" / "after.md", server_url)
