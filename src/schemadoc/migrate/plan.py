"""`schemadoc plan`: the migration from the live database (or another version of the doc) to the doc."""

from __future__ import annotations

import re
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from schemadoc import model as m
from schemadoc.errors import SchemadocError
from schemadoc.introspect import introspect, partition_clones
from schemadoc.migrate.diff import Renames, diff
from schemadoc.migrate.fresh import support_ops
from schemadoc.migrate.normalize import comparable
from schemadoc.migrate.ops import Notice, Operation, undo
from schemadoc.migrate.shadow import materialize_with_clones
from schemadoc.parse import LoadedDocument, document, load
from schemadoc.servers.database import DatabaseMissing, connect, prepare, target_database, with_database
from schemadoc.sql.emit import SESSION_SETUP

DEFAULT_LOCK_TIMEOUT = "5s"


_DURATION = re.compile(r"\d+(\.\d+)?\s*(us|ms|s|min|h|d)?")


def duration(value: str) -> str:
    """`value` when it is a PostgreSQL duration (`5s`, `500ms`, `2min`, `0`), for lock_timeout; else an error
    (it is written into the script, so nothing else may pass)."""
    if not _DURATION.fullmatch(value.strip()):
        raise SchemadocError(f"not a duration: {value!r} (write it as 5s, 500ms, 2min or 0)")
    return value.strip()


class DataLossRefused(SchemadocError):
    """The plan destroys data and --allow-data-loss was not given."""

    exit_code = 3


class PlanBlocked(SchemadocError):
    """Rows of the database would make the plan fail."""


@dataclass(slots=True)
class Plan:
    source: str  # what the plan starts from: "database shop" / "docs/old.md"
    target: str  # the document
    up: list[Operation]
    down: list[Operation]
    notices: list[Notice] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)  # table -> estimated rows (live statistics)
    at_stake: dict[int, int] = field(default_factory=dict)  # index into up -> rows whose data is lost
    blocked: dict[int, int] = field(default_factory=dict)  # index into notices -> rows that make it fail
    lock_timeout: str = DEFAULT_LOCK_TIMEOUT
    down_undoes: bool = True  # the down plan is the up plan's steps undone, last first (else: diffed back)
    compared: list[Operation] = field(default_factory=list)  # the way back planned by comparing back

    def __post_init__(self) -> None:
        self.lock_timeout = duration(self.lock_timeout)

    @property
    def empty(self) -> bool:
        return not self.up

    def destructive(self) -> list[tuple[Operation, int | None]]:
        return [(op, self.at_stake.get(i)) for i, op in enumerate(self.up) if op.loses]

    def refuse_data_loss(self) -> None:
        lost = self.destructive()
        if not lost:
            return
        lines = []
        for op, rows in lost:
            count = "" if rows is None else f" — {rows:,} row(s)"
            where = f"{op.span}: " if op.span else ""
            lines.append(f"  {where}{op.what}: loses {op.loses}{count}")
        raise DataLossRefused(
            f"the plan destroys data in {len(lost)} operation(s); nothing was done:\n"
            + "\n".join(lines)
            + "\n  hint: back up first (pg_dump), then re-run with --allow-data-loss if that is what you mean"
        )

    def refuse_blocked(self) -> None:
        """Refuse to start a plan that rows of the database would make fail (NULLs where NOT NULL comes, rows
        no partition takes): it would change nothing but take locks and time to find out."""
        blocked = [(self.notices[i], rows) for i, rows in sorted(self.blocked.items())]
        if not blocked:
            return
        lines = [f"  {f'{n.span}: ' if n.span else ''}{n.message}: {rows:,} row(s) now" for n, rows in blocked]
        raise PlanBlocked(
            "rows of the database would make the plan fail; nothing was done:\n"
            + "\n".join(lines)
            + "\n  hint: change those rows (or the document), then run it again"
        )

    def script(self, direction: str = "up") -> str:
        return render(self, direction)

    def as_dict(self) -> dict[str, object]:
        """The plan as `plan --format json` prints it: each step with its SQL, lock, what it rewrites, scans
        or loses (with the rows at stake) and its doc line; the notices with the rows that block them."""

        def step(op: Operation, i: int | None) -> dict[str, object]:
            return {
                "sql": op.sql,
                "what": op.what,
                "lock": op.lock or None,
                "table": op.table,
                "rewrites": op.rewrites,
                "scans": op.scans,
                "loses": op.loses,
                "rows_at_stake": self.at_stake.get(i) if i is not None else None,
                "transactional": op.transactional,
                "summary": describe(self, op, i),
                "file": op.span.file if op.span else None,
                "line": op.span.line if op.span else None,
            }

        return {
            "from": self.source,
            "to": self.target,
            "up": [step(op, i) for i, op in enumerate(self.up)],
            "down": [step(op, None) for op in self.down],
            "notices": [
                {"message": n.message, "line": n.span.line if n.span else None, "rows": self.blocked.get(i)}
                for i, n in enumerate(self.notices)
            ],
        }


def _rows_note(plan: Plan, table: str | None) -> str:
    if table is None or table not in plan.rows:
        return ""
    n = plan.rows[table]
    if n < 0:
        return " (not analyzed yet)"
    if n == 0:
        return " (empty)"
    if n >= 1_000_000:
        return f" (~{n / 1_000_000:.1f} M rows)"
    if n >= 1_000:
        return f" (~{n / 1_000:.1f} k rows)"
    return f" (~{n} rows)"


def describe(plan: Plan, op: Operation, index: int | None) -> str:
    """`ACCESS EXCLUSIVE on orders, rewrites table orders (~1.2 M rows)` and friends."""
    bits = []
    name = op.table.partition(".")[2] if op.table else ""
    if op.lock:
        bits.append(f"{op.lock} on {name}")
    if op.rewrites:
        bits.append(f"rewrites table {name}{_rows_note(plan, op.table)}")
    elif op.scans:
        bits.append(f"scans {name}{_rows_note(plan, op.table)}")
    if op.loses:
        stake = plan.at_stake.get(index) if index is not None else None
        bits.append(f"LOSES {op.loses}" + (f": {stake:,} row(s)" if stake is not None else ""))
    if not op.transactional:
        bits.append("outside a transaction")
    return ", ".join(bits)


def render(plan: Plan, direction: str = "up") -> str:
    """The migration as SQL a reviewer can read: each statement under a comment saying what it does."""
    ops = plan.up if direction == "up" else plan.down
    head = [
        f"-- schemadoc migration ({direction}): {plan.source} -> {plan.target}"
        if direction == "up"
        else f"-- schemadoc migration ({direction}): {plan.target} -> {plan.source}"
    ]
    if not ops:
        return "\n".join(head + ["-- nothing to do: the database matches", ""])
    outside = sum(1 for op in ops if not op.transactional)
    lossy = sum(1 for op in ops if op.loses)
    head.append(
        f"-- {len(ops)} statement(s)"
        + (f", {outside} outside a transaction" if outside else ", in one transaction")
        + (f", {lossy} LOSE DATA" if lossy else "")
    )
    if direction == "down":
        head.append(
            "-- the up plan's steps undone, last first"
            if plan.down_undoes
            else "-- planned by comparing back: a step of the up plan cannot be undone on its own"
        )
    if direction == "up":
        for i, n in enumerate(plan.notices):
            where = f"{n.span}: " if n.span else ""
            blocked = plan.blocked.get(i)
            extra = f" ({blocked:,} row(s) now)" if blocked else ""
            head.append(f"-- NOTE {where}{n.message}{extra}")
    body = [f"SET lock_timeout = '{plan.lock_timeout}';\n{SESSION_SETUP};"]
    for i, op in enumerate(ops):
        comment = f"-- {op.what}"
        detail = describe(plan, op, i if direction == "up" else None)
        if detail:
            comment += f" — {detail}"
        if op.span and direction == "up":
            comment += f" [{op.span}]"
        lines = [comment]
        if op.note:
            lines.append(f"--   {op.note}")
        lines.append(op.sql)
        body.append("\n".join(lines))
    return "\n".join(head) + "\n\n" + "\n\n".join(body) + "\n"


# ---- building a plan --------------------------------------------------------------------------

_RENAMED = re.compile(r"schemadoc:\s*renamed-from\s*=\s*([\w.$]+)")


def declared_renames(doc: LoadedDocument, current: m.Schema, target: m.Schema) -> tuple[Renames, list[Notice]]:
    """The renames the doc declares, each bound to the object defined on (or next after) its line."""
    renames = Renames()
    notices = []
    cur_tables = {t.key: t for t in current.tables}
    for lineno, line in enumerate(doc.text.splitlines(), 1):
        for match in _RENAMED.finditer(line):
            old = match.group(1)
            if not _bind_rename(renames, old, lineno, current, target, cur_tables):
                notices.append(
                    Notice(f"renamed-from={old} (line {lineno}) names nothing the database has that the doc lost")
                )
    return renames, notices


def _bind_rename(
    renames: Renames, old: str, line: int, current: m.Schema, target: m.Schema, cur_tables: dict[str, m.Table]
) -> bool:
    tables = sorted((t for t in target.tables if t.span), key=lambda t: t.span.line)  # type: ignore[union-attr]
    # a column on this very line (a comment at the end of its definition) or the next column after it
    for t in tables:
        before = cur_tables.get(t.key) or cur_tables.get(next((o for o, n in renames.tables.items() if n == t.key), ""))
        if before is None or before.column(old) is None or t.column(old) is not None:
            continue
        cols = sorted((c for c in t.columns if c.span and c.span.line >= line), key=lambda c: c.span.line)  # type: ignore[union-attr]
        if cols and t.span and t.span.line <= line and before.column(cols[0].name) is None:
            renames.columns[(t.key, old)] = cols[0].name
            return True
    following = [t for t in tables if t.span and t.span.line >= line]
    if following:
        t = following[0]
        old_key = old if "." in old else m.qualify(t.schema, old)
        if old_key in cur_tables and target.table(old_key) is None and t.key not in cur_tables:
            renames.tables[old_key] = t.key
            return True
    enums = sorted((e for e in target.enums if e.span and e.span.line <= line), key=lambda e: e.span.line)  # type: ignore[union-attr]
    cur_enums = {e.key: e for e in current.enums}
    for e in reversed(enums):
        before_enum = cur_enums.get(e.key)
        if before_enum is None or old not in before_enum.values or old in e.values:
            continue
        added = [v for v in e.values if v not in before_enum.values]
        if len(added) == 1:
            renames.enum_values[(e.key, old)] = added[0]
            return True
    return False


def reverse_renames(r: Renames) -> Renames:
    tables = {new: old for old, new in r.tables.items()}
    columns = {}
    for (table_key, old), new in r.columns.items():
        columns[(tables.get(table_key, table_key), new)] = old
    return Renames(tables, columns, {(k, new): old for (k, old), new in r.enum_values.items()})


def load_revision(path: str | Path, rev: str) -> LoadedDocument:
    """The document as it was at git revision `rev`."""
    p = Path(path).resolve()
    try:
        top = subprocess.run(
            ["git", "-C", str(p.parent), "rev-parse", "--show-toplevel"], capture_output=True, text=True, check=True
        ).stdout.strip()
        rel = p.relative_to(top).as_posix()
        text = subprocess.run(
            ["git", "-C", top, "show", f"{rev}:{rel}"], capture_output=True, text=True, check=True
        ).stdout
    except (subprocess.CalledProcessError, FileNotFoundError, ValueError) as e:
        detail = getattr(e, "stderr", "") or str(e)
        raise SchemadocError(f"cannot read {path} at revision {rev}: {detail.strip()}") from None
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / p.name
        copy.write_text(text, encoding="utf-8")
        doc = load(copy)
    doc.path = f"{path}@{rev}"
    return doc


def live_statistics(conn: psycopg.Connection[Any]) -> dict[str, int]:
    rows = conn.execute(  # never analyzed (-1) but no pages: empty
        "SELECT n.nspname || '.' || c.relname, "
        "CASE WHEN c.reltuples < 0 AND c.relpages = 0 THEN 0 ELSE c.reltuples::bigint END FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p', 'm') "
        "AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
    ).fetchall()
    return {r[0]: int(r[1]) for r in rows}


def _update_paths(
    conn: psycopg.Connection[Any] | None, current: m.Schema, target: m.Schema
) -> frozenset[tuple[str, str, str]] | None:
    """The version updates the server can make for each extension whose version changes (either way)."""
    if conn is None:
        return None
    theirs = {e.name: e.version for e in target.extensions}
    changing = sorted(e.name for e in current.extensions if e.version and theirs.get(e.name) not in (None, e.version))
    found: set[tuple[str, str, str]] = set()
    for name in changing:
        rows = conn.execute(
            "SELECT source, target FROM pg_extension_update_paths(%s) WHERE path IS NOT NULL", (name,)
        ).fetchall()
        found |= {(name, source, to) for source, to in rows}
    return frozenset(found)


def _count(conn: psycopg.Connection[Any], query: sql.Composed) -> int | None:
    try:
        with conn.transaction():
            conn.execute("SET LOCAL statement_timeout = '10s'")
            row = conn.execute(query).fetchone()
        return int(row[0]) if row else None
    except psycopg.Error:
        return None


def build(
    doc: str | Path | LoadedDocument,
    database_url: str | None = None,
    *,
    from_: str | None = None,
    dbname: str | None = None,
    home: str | Path | None = None,
    fix: bool = False,
    online: bool = True,
    renames: Renames | None = None,
    lock_timeout: str = DEFAULT_LOCK_TIMEOUT,
) -> Plan:
    """The plan from the database (or `from_`: another doc file or a git revision) to the document."""
    doc = document(doc)
    schema, _, _ = prepare(doc, fix)
    url, name, _ = target_database(doc, database_url, dbname, home)
    return build_for(
        doc, schema, url, name, from_=from_, fix=fix, online=online, renames=renames, lock_timeout=lock_timeout
    )


def build_for(
    doc: LoadedDocument,
    schema: m.Schema,
    server: str,
    name: str,
    *,
    from_: str | None = None,
    fix: bool = False,
    online: bool = True,
    renames: Renames | None = None,
    lock_timeout: str = DEFAULT_LOCK_TIMEOUT,
) -> Plan:
    """The plan from database `name` on `server` (or `from_`: another doc file or a git revision, prepared
    with `fix` too) to `schema`, the document's, prepared."""
    target, target_clones = materialize_with_clones(schema, server, fix)
    options: dict[str, Any] = {"renames": renames, "online": online, "lock_timeout": lock_timeout,
                               "target_clones": target_clones}  # fmt: skip
    if from_ is not None:
        old = load(from_) if Path(from_).is_file() else load_revision(doc.path, from_)
        old_schema, _, _ = prepare(old, fix)
        current, clones = materialize_with_clones(old_schema, server, fix)
        return plan_between(current, target, doc, None, source=old.path, clones=clones, **options)
    try:
        conn = connect(with_database(server, name), autocommit=True)
    except DatabaseMissing:
        return plan_between(m.Schema(), target, doc, None, source=f"database {name} (not created yet)", **options)
    with conn:
        current = introspect(conn, tuple(r.name for r in schema.roles))
        return plan_between(current, target, doc, conn, source=f"database {name}", **options)


def plan_between(
    current: m.Schema,
    target: m.Schema,
    doc: LoadedDocument,
    conn: psycopg.Connection[Any] | None,
    *,
    source: str,
    renames: Renames | None = None,
    online: bool = True,
    lock_timeout: str = DEFAULT_LOCK_TIMEOUT,
    clones: m.Schema | None = None,
    target_clones: m.Schema | None = None,
) -> Plan:
    """The plan from `current` to `target` (read from `conn`'s database, or built from a document), and back.
    `clones` and `target_clones`: what the partitions of either hold from their parents, which a partition
    detached keeps (read from `conn` when it is given)."""
    # what a hosted platform owns (Supabase's auth and storage) is compared only where the doc defines it
    current, target = comparable(current, target, doc.schema)
    declared, notices = declared_renames(doc, current, target)
    if renames:
        declared.tables.update(renames.tables)
        declared.columns.update(renames.columns)
        declared.enum_values.update(renames.enum_values)
    paths = _update_paths(conn, current, target)
    # what partitions hold from their parents, should one be detached (read only where there are partitions)
    if conn is not None and any(t.partition_of for t in current.tables):
        clones = partition_clones(conn)
    forward = diff(
        current,
        target,
        declared,
        support=lambda: support_ops(conn, doc.schema),
        online=online,
        update_paths=paths,
        clones=clones,
        target_clones=target_clones,
    )
    # the way back: the up plan undone step by step where each step can be; else planned by comparing back,
    # which is planned anyway, as the oracle the undone steps must agree with (tests/test_migrations.py)
    back = diff(target, current, reverse_renames(declared), online=online, update_paths=paths, clones=target_clones)
    undone = undo(forward.ops)
    plan = Plan(source, str(doc.path), forward.ops, undone if undone is not None else back.ops,
                notices + forward.notices, lock_timeout=lock_timeout, down_undoes=undone is not None,
                compared=back.ops)  # fmt: skip
    if conn is not None:
        plan.rows = live_statistics(conn)
        for i, op in enumerate(plan.up):
            if op.at_stake:
                count = _count(conn, op.at_stake)
                if count is not None:
                    plan.at_stake[i] = count
        for i, n in enumerate(plan.notices):
            if n.blocker:
                count = _count(conn, n.blocker)
                if count:
                    plan.blocked[i] = count
    return plan
