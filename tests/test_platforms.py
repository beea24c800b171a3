"""A doc written for Supabase references what Supabase provides (auth.users, auth.uid(), auth.jwt(),
storage.objects, the anon/authenticated/service_role roles): check resolves it, up creates a minimal
stand-in where it is missing and leaves a real platform's objects alone, serve runs requests as the
platform's roles so the doc's policies decide."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx
import psycopg
import pytest

import schemadoc
from schemadoc.lint import lint
from schemadoc.migrate.plan import build
from schemadoc.migrate.up import drift
from schemadoc.rest.app import create_app
from schemadoc.rest.auth import AuthConfig
from schemadoc.rest.roles import provision

from .conftest import TEST_PASSWORD
from .test_rest_api import SECRET, _serve, _token

DOC = Path(__file__).parent / "formats" / "supabase" / "notes.md"


def _dbname(url: str) -> str:
    return str(psycopg.conninfo.conninfo_to_dict(url)["dbname"])


def test_check_resolves_what_supabase_provides() -> None:
    doc = schemadoc.load(DOC)
    assert doc.schema.platforms == ("supabase",)
    assert [d for d in doc.diagnostics if d.severity >= schemadoc.Severity.ERROR] == []
    note = next(d for d in doc.diagnostics if d.code == "SD047")
    assert note.span is not None and note.span.line == 7 and "Supabase (it uses auth.users)" in note.message
    assert lint(doc, ["SD332", "SD335"]) == []  # policies for authenticated/anon are not for unknown roles


def test_a_doc_that_merely_mentions_auth_is_not_a_supabase_doc() -> None:
    doc = schemadoc.loads("# X\n\n```sql\nCREATE TABLE auth_tokens (id int PRIMARY KEY, user_id int);\n```\n")
    assert doc.schema.platforms == ()
    own = schemadoc.loads(
        "# X\n\n```sql\nCREATE SCHEMA auth;\nCREATE TABLE auth.users (id uuid PRIMARY KEY);\n"
        "CREATE TABLE posts (id int PRIMARY KEY, author uuid REFERENCES auth.users (id));\n```\n"
    )
    assert own.schema.platforms == ()  # the doc defines auth.users itself


def test_a_public_table_without_row_level_security_is_reported() -> None:
    doc = schemadoc.loads(
        "# X\n\n```sql\nCREATE TABLE posts (\n  id int PRIMARY KEY,\n  author uuid REFERENCES auth.users (id)\n);\n```\n"
    )
    found = lint(doc, ["SD335"])
    assert len(found) == 1 and found[0].span is not None and found[0].span.line == 4
    assert "anyone with the anon key" in found[0].message


def test_the_stand_in_behaves_as_supabase_does(tmp_path: Path, fresh_db: str) -> None:
    schemadoc.up(DOC, fresh_db)
    user = uuid.uuid4()
    with psycopg.connect(fresh_db) as conn:
        # Supabase Auth inserting a user fires the doc's trigger
        conn.execute(
            "INSERT INTO auth.users (id, email, raw_user_meta_data) VALUES (%s, 'a@example.com', '{\"username\": \"ada\"}')",
            (user,),
        )
        assert conn.execute("SELECT id, username FROM profiles").fetchall() == [(user, "ada")]
        # auth.uid() and auth.jwt() read PostgREST's request.jwt.claims
        claims = f'{{"sub": "{user}", "role": "authenticated", "app_metadata": {{"role": "admin"}}}}'
        conn.execute("SELECT set_config('request.jwt.claims', %s, true)", (claims,))
        conn.execute("INSERT INTO notes (body) VALUES ('hello')")
        assert conn.execute("SELECT owner_id FROM notes").fetchall() == [(user,)]
        assert conn.execute("SELECT auth.role(), auth.jwt() -> 'app_metadata' ->> 'role'").fetchone() == (
            "authenticated",
            "admin",
        )
        assert conn.execute("SELECT storage.foldername('abc/x/photo.png')").fetchone() == (["abc", "x"],)
        roles = conn.execute(
            "SELECT rolname, rolcanlogin FROM pg_roles WHERE rolname IN ('anon', 'authenticated', 'service_role') "
            "ORDER BY 1"
        ).fetchall()
        assert roles == [("anon", False), ("authenticated", False), ("service_role", False)]
    assert schemadoc.up(DOC, fresh_db).applied == 0  # a second up finds nothing to do
    assert drift(DOC, fresh_db, dbname=_dbname(fresh_db))[1] == []


def test_a_real_supabase_database_keeps_what_the_doc_does_not_define(fresh_db: str) -> None:
    """On Supabase, auth and storage hold far more than the stand-in; up adds the doc's objects (its
    trigger on auth.users, its policies on storage.objects) and changes nothing else there."""
    with psycopg.connect(fresh_db, autocommit=True) as conn:
        conn.execute(
            "CREATE SCHEMA auth; CREATE SCHEMA storage;"
            "CREATE TABLE auth.users (id uuid PRIMARY KEY, email varchar(255), raw_user_meta_data jsonb,"
            "  confirmation_token varchar(255));"
            "CREATE TABLE auth.sessions (id uuid PRIMARY KEY, user_id uuid REFERENCES auth.users (id));"
            "CREATE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE AS "
            "  $$ SELECT nullif(current_setting('request.jwt.claim.sub', true), '')::uuid $$;"
            "CREATE FUNCTION auth.jwt() RETURNS jsonb LANGUAGE sql STABLE AS "
            "  $$ SELECT nullif(current_setting('request.jwt.claims', true), '')::jsonb $$;"
            "CREATE TABLE storage.buckets (id text PRIMARY KEY, name text NOT NULL);"
            "CREATE TABLE storage.objects (id uuid PRIMARY KEY DEFAULT gen_random_uuid(),"
            "  bucket_id text REFERENCES storage.buckets (id), name text, owner uuid);"
            "CREATE FUNCTION storage.foldername(name text) RETURNS text[] LANGUAGE sql IMMUTABLE AS "
            "  $$ SELECT (string_to_array(name, '/'))[1:1] $$;"
            "CREATE FUNCTION storage.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN new; END $$;"
            "CREATE TRIGGER update_objects_updated_at BEFORE UPDATE ON storage.objects "
            "  FOR EACH ROW EXECUTE FUNCTION storage.touch();"
            "CREATE POLICY platform_own ON storage.objects FOR SELECT USING (true);"
            "CREATE TABLE public.keep_me (id int PRIMARY KEY);"  # not the doc's, but in public: the plan says so
        )
    plan = build(DOC, fresh_db, dbname=_dbname(fresh_db))
    script = plan.script("up")
    assert "auth.sessions" not in script and "storage.touch" not in script and "platform_own" not in script
    assert "to_regclass('auth.users')" not in script  # the platform is there: no stand-in
    assert "CREATE TRIGGER on_auth_user_created" in script and '"avatars are public"' in script
    with psycopg.connect(fresh_db, autocommit=True) as conn:
        conn.execute("DROP TABLE public.keep_me")
    schemadoc.up(DOC, fresh_db)
    with psycopg.connect(fresh_db) as conn:
        columns = conn.execute(
            "SELECT attname FROM pg_attribute WHERE attrelid = 'auth.users'::regclass AND attnum > 0 ORDER BY attnum"
        ).fetchall()
        assert [c for (c,) in columns] == ["id", "email", "raw_user_meta_data", "confirmation_token"]
        assert conn.execute("SELECT to_regclass('auth.sessions') IS NOT NULL").fetchone() == (True,)
        policies = conn.execute("SELECT policyname FROM pg_policies WHERE tablename = 'objects' ORDER BY 1").fetchall()
        assert policies == [("avatars are public",), ("platform_own",), ("users upload to their own folder",)]
        triggers = conn.execute(
            "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgrelid IN "
            "('auth.users'::regclass, 'storage.objects'::regclass) ORDER BY 1"
        ).fetchall()
        assert triggers == [("on_auth_user_created",), ("update_objects_updated_at",)]
    assert drift(DOC, fresh_db, dbname=_dbname(fresh_db))[1] == []
    assert build(DOC, fresh_db, dbname=_dbname(fresh_db)).empty


@pytest.fixture
def notes_api(fresh_db: str) -> tuple[str, str]:
    schemadoc.up(DOC, fresh_db)
    with psycopg.connect(fresh_db, autocommit=True) as conn:
        roles = provision(conn, schemadoc.load(DOC).schema, ("public",), TEST_PASSWORD)
    assert roles.anon == "anon" and {"authenticated", "service_role"} <= set(roles.token_roles)
    return fresh_db, roles.url(fresh_db, _dbname(fresh_db))


def test_serve_runs_requests_as_supabase_roles_and_the_policies_decide(notes_api: tuple[str, str]) -> None:
    db, url = notes_api
    ada, bob = uuid.uuid4(), uuid.uuid4()
    with psycopg.connect(db) as conn:
        conn.execute("INSERT INTO auth.users (id, email) VALUES (%s, 'ada@x.org'), (%s, 'bob@x.org')", (ada, bob))

    def as_user(user: uuid.UUID) -> dict[str, str]:
        return {"Authorization": f"Bearer {_token({'role': 'authenticated', 'sub': str(user)})}"}

    app = create_app(url, pool_size=2, auth=AuthConfig(SECRET, anon_role="anon"))
    with _serve(app) as base, httpx.Client(base_url=base) as h:
        profiles = h.get("/profiles", params={"select": "id"}).json()  # made by the trigger; public
        assert sorted(p["id"] for p in profiles) == sorted([str(ada), str(bob)])
        assert h.get("/notes").json() == []  # anonymous: no policy lets anon see a note
        r = h.post("/notes", json={"body": "anon"})
        assert r.status_code == 401 and r.json()["code"] == "42501", r.text
        r = h.post("/notes", json={"body": "mine"}, headers={**as_user(ada), "Prefer": "return=representation"})
        assert r.status_code == 201 and r.json()[0]["owner_id"] == str(ada), r.text
        r = h.post("/notes", json={"body": "forged", "owner_id": str(ada)}, headers=as_user(bob))
        assert r.status_code == 403 and r.json()["code"] == "42501", r.text
        assert [n["body"] for n in h.get("/notes", headers=as_user(ada)).json()] == ["mine"]
        assert h.get("/notes", headers=as_user(bob)).json() == []
        service = {"Authorization": f"Bearer {_token({'role': 'service_role'})}"}
        assert [n["body"] for n in h.get("/notes", headers=service).json()] == ["mine"]  # bypasses RLS
