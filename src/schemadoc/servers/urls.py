"""The database URLs users paste, as libpq reads them.

Docs and `.env` files carry URLs written for other tools: Prisma's (`?schema=public&connection_limit=20
&pool_timeout=20&pgbouncer=true`), Heroku's `postgres://`, percent-encoded passwords. libpq rejects a
query parameter it does not know, so each is translated or dropped with a note: Prisma's `schema` is the
search_path (as Prisma uses it), its pool and client settings belong to Prisma's client and mean nothing
here. A URL libpq still cannot read is an error that says why, never a traceback.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, quote, urlsplit, urlunsplit

from psycopg import pq
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from schemadoc.errors import SchemadocError

# libpq's own keywords (host, sslmode, connect_timeout, options, application_name, …)
_LIBPQ = frozenset(d.keyword.decode() for d in pq.Conninfo.get_defaults())
# what Prisma's connection URL carries for its own client (prisma.io/docs: connection URLs)
_PRISMA_CLIENT = {
    "connection_limit": "Prisma's pool size",
    "pool_timeout": "Prisma's pool wait",
    "pgbouncer": "Prisma's PgBouncer mode",
    "socket_timeout": "Prisma's socket timeout",
    "statement_cache_size": "Prisma's statement cache",
    "sslaccept": "Prisma's certificate check (use sslmode)",
    "sslidentity": "Prisma's client identity (use sslcert and sslkey)",
    "schema": "",  # translated: the search_path
}


@dataclass(frozen=True)
class DatabaseUrl:
    """A URL as libpq reads it, and what was changed to get there."""

    conninfo: str
    notes: tuple[str, ...] = field(default=())


def normalize(url: str) -> DatabaseUrl:
    """`url` (a postgres:// or postgresql:// URL, or libpq's key=value form) as libpq accepts it."""
    text = url.strip()
    if "://" in text:
        scheme = text.split("://", 1)[0].lower()
        if scheme not in ("postgres", "postgresql"):
            raise SchemadocError(f"not a PostgreSQL URL (scheme {scheme}://): use postgresql://user@host/dbname")
        text, notes = _translate_query(text)
    else:
        notes = []
    try:
        params = conninfo_to_dict(text)
    except Exception as e:  # psycopg's ProgrammingError, and what its parser raises on a malformed URL
        raise SchemadocError(f"cannot read the database URL: {_without_password(str(e))}") from None
    port = str(params.get("port") or "")
    if port and not all(p.strip().isdigit() for p in port.split(",")):
        raise SchemadocError(f'cannot read the database URL: the port "{port}" is not a number')
    return DatabaseUrl(text, tuple(notes))


def _translate_query(url: str) -> tuple[str, list[str]]:
    parts = urlsplit(url)
    kept: list[tuple[str, str]] = []
    notes: list[str] = []
    search_path = None
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if key in _LIBPQ:
            kept.append((key, value))
        elif key == "schema":
            search_path = value
        elif key in _PRISMA_CLIENT:
            notes.append(f"?{key}= is {_PRISMA_CLIENT[key]}, not a PostgreSQL setting; ignored")
        else:
            notes.append(f"?{key}= is not a PostgreSQL connection parameter; ignored")
    if search_path:
        option = "-c search_path=" + search_path.replace("\\", "\\\\").replace(" ", "\\ ")
        previous = next((v for k, v in kept if k == "options"), "")
        kept = [(k, v) for k, v in kept if k != "options"] + [("options", f"{previous} {option}".strip())]
        notes.append(f"?schema={search_path} is Prisma's: the connection's search_path")
    query = "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in kept)
    return urlunsplit(parts._replace(query=query)), notes


def _without_password(message: str) -> str:
    """psycopg's message may quote the URL; a password in it is not for the terminal."""
    import re

    return re.sub(r"(://[^:/@\s]*:)[^@\s]*@", r"\1***@", message)


# the parts of a connection a doc's configuration names by variable (`host: ${DB_HOST}`, `DB_PORT=5432`,
# `process.env.DB_USER`, `env("DB_PASSWORD")`): the variable's last word says which part it is
_PARTS = {
    "HOST": "host",
    "HOSTNAME": "host",
    "SERVER": "host",
    "PORT": "port",
    "NAME": "dbname",
    "DB": "dbname",
    "DATABASE": "dbname",
    "DBNAME": "dbname",
    "USER": "user",
    "USERNAME": "user",
    "PASSWORD": "password",
    "PASS": "password",
    "PWD": "password",
}
_VARIABLE = re.compile(
    r"\$\{?((?:DB|DATABASE|POSTGRES|POSTGRESQL|PG|PSQL)_?(?:[A-Z]+_)*?(?:"
    + "|".join(sorted(_PARTS, key=len, reverse=True))
    + r"))\b"
    r"|\benv\(\s*['\"]((?:DB|DATABASE|POSTGRES|PG)_?[A-Z_]+)['\"]"
    r"|process\.env\.((?:DB|DATABASE|POSTGRES|PG)_?[A-Z_]+)"
    r"|^\s*(?:export\s+)?((?:DB|DATABASE|POSTGRES|PG)_?[A-Z_]*?(?:HOST|PORT|NAME|USER|USERNAME|PASSWORD|DB))\s*=",
    re.MULTILINE,
)


def connection_variables(text: str) -> dict[str, str]:
    """{libpq keyword: environment variable} for the connection parts a doc's configuration names."""
    found: dict[str, str] = {}
    for mt in _VARIABLE.finditer(text):
        name = next(g for g in mt.groups() if g)
        last = name.rsplit("_", 1)[-1] if "_" in name else name[-4:]
        part = _PARTS.get(last) or next((p for w, p in _PARTS.items() if name.endswith(w)), None)
        if part and name != "DATABASE_URL":
            found.setdefault(part, name)
    return found


def from_variables(variables: dict[str, str], environ: Mapping[str, str]) -> DatabaseUrl | None:
    """The connection the doc's variables give, when its host variable is set; None otherwise (a database
    name alone, `DB_NAME` set for a backup script, says nothing of which server)."""
    given = {part: environ[var] for part, var in variables.items() if environ.get(var)}
    if "host" not in given:
        return None
    if "port" in given and not given["port"].strip().isdigit():
        raise SchemadocError(f'{variables["port"]}="{given["port"]}" is not a port number')
    conninfo = make_conninfo("", **given)
    names = ", ".join(variables[p] for p in given)
    unset = [v for p, v in variables.items() if p not in given]
    note = f"connecting with {names} as the doc's configuration names them" + (
        f" ({', '.join(unset)} unset: libpq's default)" if unset else ""
    )
    return DatabaseUrl(conninfo, (note,))
