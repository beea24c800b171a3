"""PostgREST's role model for `serve`: an authenticator that connects, and the roles requests switch to.

The authenticator logs in and can do nothing itself (`LOGIN NOINHERIT NOSUPERUSER`); each request runs as
the anonymous role, or as the role its token names, which must be one the authenticator was granted.
`provision` sets this up for `up --serve`, idempotently and with no password from the doc: the
authenticator, and the anonymous role — the doc's own read-only role when it declares one, else a role
that may read the doc's tables and nothing else. What anonymous clients may write is a grant someone
chooses; provisioning never makes one.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from schemadoc import model as m
from schemadoc import platforms
from schemadoc.errors import SchemadocError

AUTHENTICATOR = "schemadoc_authenticator"
ANON = "schemadoc_anon"
# columns an anonymous role is not given by default: credentials and what unlocks them
SECRET_COLUMN = re.compile(r"passw(or)?d|passphrase|secret|token|api_?key|private_?key|(^|_)(hash|salt|otp)(_|$)", re.I)
# a doc role's name that says it is for the public (preferred when several roles only read)
_PUBLIC_NAME = re.compile(r"anon|web|public|guest|read_?only|reader|viewer", re.I)

_ME = """
SELECT current_user, r.rolsuper, r.rolbypassrls, r.rolinherit
FROM pg_roles r WHERE r.rolname = current_user
"""

# the roles a request may become: for an authenticator, those granted to it (directly or through other
# grants), superusers never; a superuser (served only with --allow-superuser) may become any role
# but a superuser or one of PostgreSQL's predefined pg_* roles
_SWITCHABLE = """
WITH RECURSIVE granted(oid) AS (
    SELECT m.roleid FROM pg_auth_members m JOIN pg_roles me ON me.oid = m.member WHERE me.rolname = current_user
    UNION
    SELECT m.roleid FROM pg_auth_members m JOIN granted g ON m.member = g.oid
)
SELECT r.rolname FROM pg_roles r
WHERE NOT r.rolsuper AND r.rolname <> current_user
  AND (r.oid IN (SELECT oid FROM granted) OR (%(super)s AND r.rolname NOT LIKE 'pg\\_%%'))
"""

# a role's own settings (ALTER ROLE … SET, for this database or all), which SET ROLE does not apply:
# PostgREST applies them per request, and so does serve
_ROLE_SETTINGS = """
SELECT r.rolname, s.setconfig
FROM pg_db_role_setting s JOIN pg_roles r ON r.oid = s.setrole
WHERE s.setdatabase IN (0, (SELECT oid FROM pg_database WHERE datname = current_database()))
  AND r.rolname = ANY(%s)
ORDER BY s.setdatabase  -- the database's own settings last: they win
"""
# settings any role may change in its transaction (a role's setting of another kind is not applied)
_USER_SETTINGS = "SELECT name FROM pg_settings WHERE context = 'user'"


@dataclass(frozen=True)
class Authenticator:
    """The role serve connects as, and what requests may become through it."""

    name: str
    superuser: bool
    bypassrls: bool
    switchable: frozenset[str]
    settings: dict[str, dict[str, str]] = field(default_factory=dict)  # role -> its own settings
    statement_timeout: str = "0"  # its own, as it connects

    @property
    def privileged(self) -> bool:
        return self.superuser or self.bypassrls


def read_authenticator(conn: psycopg.Connection[Any]) -> Authenticator:
    row = conn.execute(_ME).fetchone()
    assert row is not None
    name, superuser, bypassrls, _ = row
    switchable = frozenset(r for (r,) in conn.execute(_SWITCHABLE, {"super": bool(superuser)}).fetchall())
    settings: dict[str, dict[str, str]] = {}
    settable = {n for (n,) in conn.execute(_USER_SETTINGS).fetchall()}
    for role, config in conn.execute(_ROLE_SETTINGS, (sorted(switchable),)).fetchall():
        for item in config or ():
            key, _, value = item.partition("=")
            if key in settable or "." in key:
                settings.setdefault(role, {})[key] = value
    row = conn.execute("SELECT current_setting('statement_timeout')").fetchone()
    conn.rollback()
    return Authenticator(name, bool(superuser), bool(bypassrls), switchable, settings, row[0] if row else "0")


def refuse_privileged(auth: Authenticator, allow_superuser: bool) -> None:
    """A superuser (or a role that bypasses row-level security) serves only when the caller says so."""
    if not auth.privileged or allow_superuser:
        return
    what = "a superuser" if auth.superuser else "a role with BYPASSRLS"
    raise SchemadocError(
        f'serve connects as "{auth.name}", {what}: every request could read and change everything, '
        "whatever the grants and policies say; nothing was served.\n"
        "  hint: `schemadoc up DOC --serve` creates an authenticator role and an anonymous role and serves "
        "through them; or create them yourself and connect as the authenticator:\n"
        f"    CREATE ROLE {ANON} NOLOGIN;  GRANT USAGE ON SCHEMA public TO {ANON};  "
        f"GRANT SELECT ON <tables> TO {ANON};\n"
        f"    CREATE ROLE {AUTHENTICATOR} LOGIN NOINHERIT NOSUPERUSER PASSWORD '…';  GRANT {ANON} TO {AUTHENTICATOR};\n"
        f"    DATABASE_URL=postgresql://{AUTHENTICATOR}:…@host/db schemadoc serve DOC --anon-role {ANON}\n"
        "  --allow-superuser serves as it is"
    )


def check_anon_role(auth: Authenticator, anon_role: str | None) -> None:
    if anon_role is not None and anon_role not in auth.switchable:
        raise SchemadocError(
            f'the anonymous role "{anon_role}" is not one "{auth.name}" may switch to; nothing was served\n'
            f"  hint: GRANT {quote(anon_role)} TO {quote(auth.name)}; (and the role must not be a superuser)"
        )


def quote(name: str) -> str:
    return sql.Identifier(name).as_string(None)


@dataclass(frozen=True)
class ServeRoles:
    """What `provision` set up: the authenticator and its password, the anonymous role, the columns kept
    from it, and the doc's roles a token may name."""

    authenticator: str
    password: str
    anon: str
    anon_from_doc: bool
    readable: tuple[str, ...]  # relations the anonymous role may read
    withheld: dict[str, tuple[str, ...]]  # relation -> columns it may not read
    token_roles: tuple[str, ...]

    def url(self, admin_url: str, dbname: str) -> str:
        """The authenticator's connection string: the admin URL's server and options, its own user."""
        params = conninfo_to_dict(admin_url)
        params.update(user=self.authenticator, password=self.password, dbname=dbname)
        return make_conninfo("", **params)


def stored_password(home: Path, server_url: str) -> str:
    """The authenticator's password for this server, kept under `home` (never in the doc): the same one
    on every run from here, made on the first."""
    p = conninfo_to_dict(server_url)
    where = re.sub(r"[^\w.-]", "_", f"{p.get('host') or 'local'}-{p.get('port') or 5432}")
    path = home / "serve" / f"{AUTHENTICATOR}@{where}"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    password = secrets.token_urlsafe(24)
    path.touch(mode=0o600)
    path.write_text(password, encoding="utf-8")
    return password


def _read_only_roles(schema: m.Schema) -> list[str]:
    """The doc's roles granted SELECT on tables and nothing else that writes (USAGE and CONNECT aside)."""
    privileges: dict[str, set[str]] = {}
    for g in schema.grants:
        privileges.setdefault(g.grantee, set()).update(p.upper() for p in g.privileges)
    declared = {r.name for r in schema.roles}
    out = [
        name
        for name, privs in privileges.items()
        if name in declared and "SELECT" in privs and privs <= {"SELECT", "USAGE", "CONNECT"}
    ]
    return sorted(out, key=lambda n: (not _PUBLIC_NAME.search(n), n))


def provision(conn: psycopg.Connection[Any], schema: m.Schema, schemas: tuple[str, ...], password: str) -> ServeRoles:
    """The authenticator and the anonymous role for serving `schema` (already applied), in one transaction."""
    doc_roles = [r.name for r in schema.roles]
    readers = _read_only_roles(schema)
    anon = readers[0] if readers else ANON
    hosted = platforms.of(schema)
    if hosted:  # a Supabase doc: its API roles, with the privileges the platform grants them
        anon, readers = hosted[0].anon_role, [hosted[0].anon_role]
        doc_roles += [r for p in hosted for r in p.roles]
    tables = [t for t in schema.tables if t.schema in schemas and not t.partition_of]
    views = [v for v in schema.views if v.schema in schemas]
    withheld: dict[str, tuple[str, ...]] = {}
    with conn.transaction():
        _ensure_role(
            conn,
            AUTHENTICATOR,
            sql.SQL("LOGIN NOINHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS"),
        )
        conn.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(sql.Identifier(AUTHENTICATOR), sql.Literal(password)))
        conn.execute(
            sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(
                sql.Identifier(conn.info.dbname), sql.Identifier(AUTHENTICATOR)
            )
        )
        if not readers:
            _ensure_role(conn, ANON, sql.SQL("NOLOGIN NOSUPERUSER NOBYPASSRLS"))
            for s in schemas:
                conn.execute(sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(sql.Identifier(s), sql.Identifier(ANON)))
            for v in views:  # a view shows what its author chose to show
                conn.execute(
                    sql.SQL("GRANT SELECT ON {} TO {}").format(sql.Identifier(v.schema, v.name), sql.Identifier(ANON))
                )
            for t in tables:
                secret = tuple(c.name for c in t.columns if SECRET_COLUMN.search(c.name))
                target = sql.Identifier(t.schema, t.name)
                if secret:
                    shown = [c.name for c in t.columns if c.name not in secret]
                    withheld[t.key] = secret
                    if shown:
                        conn.execute(
                            sql.SQL("GRANT SELECT ({}) ON {} TO {}").format(
                                sql.SQL(", ").join(sql.Identifier(c) for c in shown), target, sql.Identifier(ANON)
                            )
                        )
                else:
                    conn.execute(sql.SQL("GRANT SELECT ON {} TO {}").format(target, sql.Identifier(ANON)))
        token_roles = []
        for name in dict.fromkeys([anon, *doc_roles]):
            row = conn.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", (name,)).fetchone()
            if row is None or row[0]:
                continue  # not created (a doc role up could not make), or a superuser: never granted
            conn.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(name), sql.Identifier(AUTHENTICATOR)))
            token_roles.append(name)
    readable = tuple([t.key for t in tables if len(withheld.get(t.key, ())) < len(t.columns)] + [v.key for v in views])
    return ServeRoles(AUTHENTICATOR, password, anon, bool(readers), readable, withheld, tuple(token_roles))


def _ensure_role(conn: psycopg.Connection[Any], name: str, attributes: sql.SQL) -> None:
    """Create the role, or bring an existing one to these attributes (concurrent creators tolerated)."""
    role = sql.Identifier(name)
    exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone()
    if exists is None:
        try:
            with conn.transaction():
                conn.execute(sql.SQL("CREATE ROLE {} {}").format(role, attributes))
            return
        except (psycopg.errors.DuplicateObject, psycopg.errors.UniqueViolation):
            pass  # another run made it meanwhile
    conn.execute(sql.SQL("ALTER ROLE {} {}").format(role, attributes))
