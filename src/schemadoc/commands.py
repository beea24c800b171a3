"""The library's commands: each takes a Project and returns a result with a JSON form; the CLI only prints it."""

from __future__ import annotations

import difflib
import os
import random
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal

from schemadoc import model as m
from schemadoc.admin.stats import Health, MaintenanceStep
from schemadoc.errors import Diagnostic, SchemadocError
from schemadoc.kv.keyspaces import AuditReport as Audited
from schemadoc.kv.keyspaces import Keyspaces
from schemadoc.lint import check as lint
from schemadoc.lint.fixes import fix_text
from schemadoc.migrate.compare import Difference
from schemadoc.migrate.diff import Renames
from schemadoc.migrate.plan import DEFAULT_LOCK_TIMEOUT, Plan, build_for
from schemadoc.migrate.up import UpResult, drift_of, up_to
from schemadoc.parse import LoadedDocument
from schemadoc.project import Project
from schemadoc.rest.config import ServeConfig
from schemadoc.rest.roles import ServeRoles
from schemadoc.seed.generate import SeedReport
from schemadoc.servers.database import server_url

FixMode = Literal["memory", "write", "diff"]


@dataclass(slots=True)
class Checked:
    """What `check` found: the document checked (the fixed one, when fixes were made) and its findings after
    the configuration's severities; with fixes, how many were made and, for `diff`, the unified diff."""

    doc: LoadedDocument
    diagnostics: list[Diagnostic]
    fixed: int = 0
    wrote: bool = False
    diff: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "doc": self.doc.path,
            "diagnostics": [d.as_dict() for d in self.diagnostics],
            "fixed": self.fixed,
            "wrote": self.wrote,
        }


def check(project: Project, *, fix: FixMode | None = None, unsafe: bool = False, live: bool = False) -> Checked:
    """The document's findings. `fix`: "memory" checks the text with the safe fixes made (the file is left
    alone), "write" rewrites the file with them, "diff" only says what they would change. `live`: every
    documented query is also run past a real server."""
    doc = project.doc
    diagnostics = lint(doc)
    result = Checked(doc, diagnostics)
    if fix is not None:
        fixed_text, applied = fix_text(doc, project.config.apply(diagnostics), unsafe=unsafe)
        result.fixed = len(applied)
        if fix == "diff":
            lines = difflib.unified_diff(
                doc.text.splitlines(keepends=True),
                fixed_text.splitlines(keepends=True),
                f"a/{project.path}",
                f"b/{project.path}",
            )
            result.diff = "".join(lines)
            return result
        if fix == "write" and applied:
            with open(project.path, "w", encoding="utf-8", newline="") as fh:
                fh.write(fixed_text)
            result.wrote = True
        if fix == "memory" or result.wrote:
            result.doc = project.reread(fixed_text if fix == "memory" else None)
            result.diagnostics = lint(result.doc)
    if live:
        from schemadoc.admin.live import validate_queries

        url, _ = server_url(project.database_url, project.home, project.config.pg_version)
        result.diagnostics = sorted(
            result.diagnostics + validate_queries(result.doc, url),
            key=lambda d: (d.span.line if d.span else 0, d.span.col if d.span else 0, d.code),
        )
    result.diagnostics = project.config.apply(result.diagnostics)
    return result


@dataclass(slots=True)
class Up:
    """`up`'s outcome: the database brought up, and the private Redis started beside an embedded server for
    a doc that uses one (or why there is none)."""

    result: UpResult
    redis_url: str | None = None
    redis_note: str | None = None

    def as_dict(self) -> dict[str, Any]:
        r = self.result
        return {
            "ok": True,
            "url": r.url,
            "database": r.database,
            "created_database": r.created_database,
            "applied": r.applied,
            "embedded": r.embedded,
            "redis_url": self.redis_url,
            "fixed": [d.as_dict() for d in r.fixed],
            "diagnostics": [d.as_dict() for d in r.diagnostics],
        }


def up(project: Project, *, allow_data_loss: bool = False) -> Up:
    """The database the document describes, created or migrated to it; on the embedded server, a private
    Redis beside it when the doc uses Redis and no $REDIS_URL names one."""
    prepared, target = project.prepared, project.target
    result = up_to(
        project.doc,
        prepared.schema,
        target.server,
        target.name,
        embedded=target.embedded,
        remaining=prepared.remaining,
        fixed=prepared.fixed,
        allow_data_loss=allow_data_loss,
        best_effort=project.fix,
    )
    # later steps (serving) use this database on this server (its URL keeps any password; result.url does not)
    project.use_database(result.database)
    outcome = Up(result)
    if result.embedded and not os.environ.get("REDIS_URL") and project.doc.uses_redis:
        from schemadoc.servers import redis as redis_server

        try:
            outcome.redis_url = redis_server.start(project.home / "redis")
        except SchemadocError as e:  # the database is up; Redis is beside it, not a reason to fail
            outcome.redis_note = str(e)
    return outcome


def drift(project: Project) -> list[Difference]:
    """Every difference between the document (prepared as `up` applies it) and its live database."""
    return drift_of(project.schema, project.target.server, project.target.name, project.fix)


def plan(
    project: Project,
    *,
    from_: str | None = None,
    online: bool = True,
    renames: Renames | None = None,
    lock_timeout: str = DEFAULT_LOCK_TIMEOUT,
) -> Plan:
    """The migration from the live database (or `from_`: another doc file or a git revision) to the document."""
    return build_for(
        project.doc,
        project.schema,
        project.target.server,
        project.target.name,
        from_=from_,
        fix=project.fix,
        online=online,
        renames=renames,
        lock_timeout=lock_timeout,
    )


def health(
    project: Project, *, long_after: float, idle_after: float, max_lag: float, with_drift: bool = True
) -> Health:
    """The database's health; with `with_drift`, a difference from the document is a problem too."""
    from schemadoc.admin.stats import health as server_health

    with project.connect() as conn:
        found = server_health(conn, long_after=long_after, idle_after=idle_after, max_lag=max_lag)
    if with_drift:
        differences = drift(project)
        if differences:
            found.problems.append(f"{len(differences)} difference(s) from the document (schemadoc drift)")
            found.ok = False
    return found


@dataclass(frozen=True, slots=True)
class ServeOptions:
    """How the API is served, as `serve`'s options say it: the API's own options (`api`: schemas, JWT,
    limits; its DSN, pool and key layouts are filled in here), the connections in all, the workers, the
    role it connects as (default: the doc's database URL) and the Redis."""

    api: ServeConfig = ServeConfig("")
    pool: int = 10  # connections in all, shared out among the workers
    workers: int = 1
    authenticator_url: str | None = None
    redis_url: str | None = None


@dataclass(frozen=True, slots=True)
class Serving:
    """The configuration each worker's app is built from, and the Redis the doc's key layouts are on."""

    config: ServeConfig
    keyspaces: Keyspaces | None = field(default=None, repr=False)  # bound to Redis, for this process's app

    @property
    def redis_url(self) -> str | None:
        return self.config.redis_url


def serving(project: Project, options: ServeOptions) -> Serving:
    """The API's configuration: --pool split among the workers (each listens for schema changes on one of
    its share and runs requests on the rest), the doc's key layouts on its Redis, the JWT options."""
    per_worker = (options.pool - options.workers) // options.workers
    if per_worker < 1:
        raise SchemadocError(
            f"--pool {options.pool} is too small for {options.workers} worker(s): each needs one connection to "
            f"listen for schema changes and at least one for requests (--pool {2 * options.workers} or more)"
        )
    doc = project.fixed_doc
    keyspaces = None
    redis_url = None
    if doc.schema.keyspaces:
        redis_url = project.redis_url(options.redis_url)
        if redis_url is not None:
            keyspaces = Keyspaces.on(doc.schema.keyspaces, redis_url)
    api = options.api
    config = replace(
        api,
        dsn=options.authenticator_url or project.target.url,
        pool=per_worker,
        jwt_secret=api.jwt_secret or os.environ.get("SCHEMADOC_JWT_SECRET") or os.environ.get("PGRST_JWT_SECRET"),
        keyspaces=doc.schema.keyspaces if keyspaces is not None else (),
        redis_url=redis_url if keyspaces is not None else None,
    )
    return Serving(config, keyspaces)


def api_roles(project: Project, schemas: tuple[str, ...] = ("public",)) -> ServeRoles:
    """The API's roles in the project's database, made idempotently: the authenticator (its password kept
    in the project's home, never in the doc) and the anonymous role."""
    import psycopg

    from schemadoc.rest.roles import provision, stored_password

    target = project.target
    try:
        with project.connect() as conn:
            return provision(conn, project.doc.schema, schemas, stored_password(project.home, target.url))
    except psycopg.Error as e:
        raise SchemadocError(f"cannot set up the API's roles in {target.name}: {str(e).strip()}") from None


@dataclass(slots=True)
class Seeded:
    """What `seed` put in: the rows (with the document's own statements), and the Redis keys made from them;
    `note` says why the doc's keyspaces were left unseeded, when they were."""

    database: str
    report: SeedReport
    redis_keys: dict[str, int] = field(default_factory=dict)
    note: str | None = None

    def as_dict(self) -> dict[str, Any]:
        r = self.report
        return {
            "database": self.database,
            "rows": r.rows,
            "short": [asdict(s) for s in r.short],
            "seed": r.seed_value,
            "doc_statements": r.doc_rows,
            "skipped": r.skipped,
            "redis_keys": self.redis_keys,
        }


def seed(
    project: Project,
    rows: str | None = None,
    *,
    keys: int = 100,
    default_rows: int = 100,
    seed_value: int | None = None,
    redis_url: str | None = None,
    progress: bool = False,
) -> Seeded:
    """Realistic rows for every table (`rows`: "1000", "users=1000,orders=5/users"), the doc's own seed
    rows, and `keys` Redis keys per documented key layout when a Redis is there; `seed_value` makes the same
    data again (default: a random one, reported)."""
    from schemadoc.kv.seed import seed_with_keys

    doc = project.fixed_doc
    kv = None
    note = None
    if doc.schema.keyspaces and keys > 0:
        url = project.redis_url(redis_url)
        if url is None:
            note = "the doc's Redis keyspaces will not be seeded: no Redis (--redis-url or REDIS_URL)"
        else:
            kv = Keyspaces.on(doc.schema.keyspaces, url)
    if seed_value is None:
        seed_value = random.SystemRandom().randrange(2**31)
    with project.connect() as conn:
        report, made = seed_with_keys(
            conn,
            doc,
            rows,
            kv=kv,
            keys=keys,
            default_rows=default_rows,
            seed_value=seed_value,
            progress=progress,
        )
    return Seeded(project.target.name, report, made, note)


def kv_audit(project: Project, *, redis_url: str | None = None, database: bool = True, sample: int = 5) -> Audited:
    """Every key in the Redis checked against the doc's key layouts (and, with `database`, the rows the
    keys refer to)."""
    from schemadoc.kv.keyspaces import audit

    doc = project.fixed_doc
    if not doc.schema.keyspaces:
        raise SchemadocError(f"{project.path}: the document has no Redis key layouts")
    url = project.redis_url(redis_url)
    if url is None:
        raise SchemadocError("no Redis: give --redis-url, set REDIS_URL, or run `schemadoc up` to start one")
    kv = Keyspaces.on(doc.schema.keyspaces, url)
    if not database:
        return audit(kv, None, sample=sample)
    with project.connect() as conn:
        return audit(kv, conn, sample=sample)


@dataclass(slots=True)
class Maintained:
    """The maintenance the document prescribes, as it ran."""

    database: str
    steps: list[MaintenanceStep]

    @property
    def ok(self) -> bool:
        return not any(s.status == "failed" for s in self.steps)

    def as_dict(self) -> dict[str, Any]:
        return {"database": self.database, "steps": [asdict(s) for s in self.steps]}


def maintain(project: Project, *, allow_full: bool = False) -> Maintained:
    """The document's ANALYZE / VACUUM / REINDEX steps run in order, each timed (VACUUM FULL only when
    allowed)."""
    from schemadoc.admin.stats import maintain as run_steps

    with project.connect(autocommit=True) as conn:
        return Maintained(project.target.name, run_steps(conn, project.fixed_doc, allow_full=allow_full))


def inspect(server: str) -> m.Schema:
    """The schema of the live database at `server`, as schemadoc models it."""
    from schemadoc.introspect import introspect
    from schemadoc.servers.database import connect

    with connect(server) as conn:
        return introspect(conn)
