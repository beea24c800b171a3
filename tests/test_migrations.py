"""The diff fixture suite: each case plans before → after against a real database, matches its golden
plan, and converges: the up migration gives exactly the after schema (a second plan is empty), and the
down migration gives back exactly the before schema."""

from __future__ import annotations

import re
from pathlib import Path

import psycopg
import pytest

from schemadoc import model as m
from schemadoc.apply import normalized, prepare, up
from schemadoc.compare import differences
from schemadoc.introspect import introspect
from schemadoc.migrate.plan import build
from schemadoc.migrate.run import run_steps, steps_of
from schemadoc.migrate.shadow import materialize
from schemadoc.parse import load

CASES = Path(__file__).parent / "migrations"
CASE_NAMES = sorted(p.name for p in CASES.iterdir() if p.is_dir())


def _roles(case: Path) -> tuple[str, ...]:
    names = {r.name for doc in ("before.md", "after.md") for r in load(case / doc).schema.roles}
    return tuple(sorted(names))


def _schema(url: str, roles: tuple[str, ...]) -> m.Schema:
    with psycopg.connect(url, autocommit=True) as conn:
        return normalized(introspect(conn, roles))


def _golden_text(case: Path, up_sql: str, down_sql: str) -> str:
    text = (up_sql + "\n" + down_sql).replace(str(case) + "/", "")
    return re.sub(r"database sdt_\w+", "database <fresh>", text)


def test_there_are_at_least_60_cases() -> None:
    assert len(CASE_NAMES) >= 60


@pytest.mark.parametrize("name", CASE_NAMES)
def test_case_plans_and_converges(name: str, fresh_db: str, server_url: str, update_goldens: bool) -> None:
    case = CASES / name
    roles = _roles(case)
    up(case / "before.md", fresh_db)
    start = _schema(fresh_db, roles)
    plan = build(case / "after.md", fresh_db)
    golden = case / "plan.sql"
    text = _golden_text(case, plan.script("up"), plan.script("down"))
    if update_goldens:
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8"), f"plan for {name} differs from {golden}"
    assert not plan.empty

    with psycopg.connect(fresh_db, autocommit=True) as conn:
        run_steps(conn, steps_of(plan.script("up"), f"{name}/up"))
    target = normalized(materialize(prepare(load(case / "after.md"), False)[0], server_url))
    after = _schema(fresh_db, roles)
    assert differences(after, target) == []
    again = build(case / "after.md", fresh_db)
    assert again.empty, [op.what for op in again.up]

    with psycopg.connect(fresh_db, autocommit=True) as conn:
        run_steps(conn, steps_of(plan.script("down"), f"{name}/down"))
    assert differences(_schema(fresh_db, roles), start) == []
