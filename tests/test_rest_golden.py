"""Golden request/response cases: PostgREST's documented behaviour, written down as our own fixtures
(tests/rest_golden/*.yaml over tests/rest_golden/schema.sql, the sample databases of its docs with our
rows), replayed against `schemadoc serve` on a real PostgreSQL.

A case is `request: METHOD /path?query`, optional `headers`, a `json` or `text` body, and `expect`:
`status`, `headers` (a value of null: the header must be absent), and the body as `json` (equal),
`subset` (these keys of a JSON object) or `text`. The cases of a file run in order. The expectations
are hand-written from PostgREST's documentation and source; they are never regenerated from our output.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
import yaml

from schemadoc.rest.app import create_app

from .conftest import authenticator_url, scratch_database
from .test_rest_api import _serve

GOLDEN = Path(__file__).parent / "rest_golden"
FILES = ["read", "embed", "write", "rpc", "errors"]


def _cases() -> Iterator[Any]:
    for stem in FILES:
        for i, case in enumerate(yaml.safe_load((GOLDEN / f"{stem}.yaml").read_text(encoding="utf-8"))):
            yield pytest.param(case, id=f"{stem}-{i:02d}-{case['name'][:60]}")


# PostgREST's own test suite serves its fixtures to an anonymous role that may do everything with them
GRANTS = """
DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'sdt_golden_anon') THEN
  CREATE ROLE sdt_golden_anon NOLOGIN; END IF; END $$;
GRANT USAGE ON SCHEMA public TO sdt_golden_anon;
GRANT ALL ON ALL TABLES IN SCHEMA public TO sdt_golden_anon;
GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO sdt_golden_anon;
"""


@pytest.fixture(scope="module")
def golden_api(server_url: str) -> Iterator[httpx.Client]:
    """A client of the API over schema.sql in a scratch database, served as `serve` serves: through an
    authenticator, anonymous requests as a role granted everything on the sample tables."""
    from schemadoc.rest.auth import AuthConfig

    with scratch_database(server_url) as db:
        with psycopg.connect(db, autocommit=True) as conn:
            conn.execute((GOLDEN / "schema.sql").read_text(encoding="utf-8"))  # type: ignore[arg-type]
            conn.execute(GRANTS)
        app = create_app(authenticator_url(db, "sdt_golden_anon"), auth=AuthConfig(anon_role="sdt_golden_anon"))
        with _serve(app) as base, httpx.Client(base_url=base, timeout=30) as client:
            yield client


@pytest.mark.parametrize("case", list(_cases()))
def test_golden(golden_api: httpx.Client, case: dict[str, Any]) -> None:
    method, _, target = case["request"].partition(" ")
    headers = {k: str(v) for k, v in (case.get("headers") or {}).items()}
    content: bytes | None = None
    if "json" in case:
        content = json.dumps(case["json"]).encode()
        headers.setdefault("Content-Type", "application/json")
    elif "text" in case:
        content = case["text"].encode()
    r = golden_api.request(method, target, headers=headers, content=content)
    expect = case["expect"]
    got = f"{r.status_code} {dict(r.headers)} {r.text[:2000]}"
    assert r.status_code == expect["status"], got
    for key, value in (expect.get("headers") or {}).items():
        if value is None:
            assert key.lower() not in r.headers, f"{key} should be absent: {got}"
        else:
            assert r.headers.get(key) == str(value), f"{key}: {got}"
    if "json" in expect:
        assert r.json() == expect["json"], got
    if "subset" in expect:
        body = r.json()
        assert {k: body.get(k) for k in expect["subset"]} == expect["subset"], got
    if "text" in expect:
        assert r.text == expect["text"], got
