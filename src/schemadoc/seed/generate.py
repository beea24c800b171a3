"""`schemadoc seed`: realistic rows that honour every constraint, generated fast, in one transaction.

How constraints are honoured:
- foreign keys: tables are filled in dependency order, each reference drawn from the keys its parent
  table really holds (read back after the parent is filled, so identity and default keys work); a
  cycle or a self-reference is broken through a nullable key, filled by an UPDATE afterwards;
- primary keys and unique constraints: values are made unique by construction where the column's
  kind allows (emails, slugs, codes carry a counter), one-to-one keys are drawn without replacement,
  and PostgreSQL has the last word (`ON CONFLICT DO NOTHING`);
- CHECK constraints: rows go through COPY into a scratch table, and only the rows that satisfy every
  CHECK of the table — evaluated by PostgreSQL itself, so any expression works — move on to the real
  table; values are shaped to pass (ranges read from the CHECKs, ordered timestamp pairs) so few are
  lost, and another round makes up any shortfall;
- NOT NULL, enums and defaults: always a value for a NOT NULL column, enum values from the type,
  database defaults left to the database for keys (identity, serial, uuid, cuid).
The document's own seed rows (INSERT statements) go in first; generated keys never collide with them.
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TextIO

import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb

from schemadoc import model as m
from schemadoc.errors import DatabaseError, SchemadocError, Span
from schemadoc.introspect import introspect
from schemadoc.names import quote_ident
from schemadoc.parse import LoadedDocument
from schemadoc.parse.expressions import check_values
from schemadoc.seed.allowed import (
    check_bounds,
    check_patterns,
    domains_resolved,
    in_partitions,
    listed_values,
    matching,
    one_of,
    partition_bounds,
    some_of,
)
from schemadoc.seed.shapes import JSON_TYPES, default_example, examples, is_shaped
from schemadoc.seed.values import Values
from schemadoc.types import PG_CATALOG_TYPES

ROUNDS = 40  # at most, to reach a table's row count when CHECKs or uniqueness filter rows out
STALLED = 3  # rounds in a row that add nothing: the table cannot take more rows of this kind


@dataclass(frozen=True, slots=True)
class Shortfall:
    """A table that got fewer rows than asked, and why."""

    table: str
    asked: int
    made: int
    why: str

    def __str__(self) -> str:
        return f"{self.table}: {self.made:,} of {self.asked:,} rows ({self.why})"


@dataclass(slots=True)
class SeedReport:
    rows: dict[str, int] = field(default_factory=dict)  # table -> rows generated and kept
    doc_rows: int = 0  # the document's own INSERT statements that ran
    skipped: list[str] = field(default_factory=list)  # doc statements that failed, with why
    short: list[Shortfall] = field(default_factory=list)  # tables that got fewer rows than asked
    seed_value: int = 0  # the random seed used: `--seed` with it gives the same data again


def parse_rows(spec: str | None, default: int, tables: Iterable[str]) -> dict[str, int | tuple[float, str]]:
    """`1000`, `users=1000,orders=50000`, `orders=5/users` (five orders per user)."""
    names = list(tables)
    out: dict[str, int | tuple[float, str]] = {t: default for t in names}
    if not spec:
        return out
    short = {t.partition(".")[2]: t for t in names}
    for part in spec.split(","):
        part = part.strip()
        if not part:
            continue
        if "=" not in part:
            if not part.isdigit():
                raise SchemadocError(f"--rows {part!r}: give a number, TABLE=N or TABLE=K/OTHER")
            base: dict[str, int | tuple[float, str]] = {t: int(part) for t in names}
            out = base | {k: v for k, v in out.items() if v != default}
            continue
        name, _, value = part.partition("=")
        key = short.get(name.strip(), name.strip())
        if key not in out:
            raise SchemadocError(f"--rows: no table {name.strip()!r} in the document")
        if "/" in value:
            ratio, _, other = value.partition("/")
            other_key = short.get(other.strip(), other.strip())
            if other_key not in out:
                raise SchemadocError(f"--rows: no table {other.strip()!r} in the document")
            out[key] = (float(ratio), other_key)
        elif value.strip().isdigit():
            out[key] = int(value)
        else:
            raise SchemadocError(f"--rows {part!r}: give TABLE=N or TABLE=K/OTHER")
    return out


class Progress:
    """One line per table on a terminal, redrawn as rows are generated: count, target, rows/second."""

    def __init__(self, out: TextIO | None) -> None:
        self.out = out
        self.name = ""
        self.target = 0
        self.t0 = 0.0

    def start(self, name: str, target: int) -> None:
        self.name, self.target, self.t0 = name, target, time.perf_counter()
        self._line(f"generating 0 / {target:,}")

    def update(self, generated: int) -> None:
        rate = generated / max(time.perf_counter() - self.t0, 1e-9)
        self._line(f"generating {min(generated, self.target):,} / {self.target:,}  {rate:,.0f} rows/s")

    def finish(self, kept: int) -> None:
        seconds = time.perf_counter() - self.t0
        self._line(f"{kept:,} rows in {seconds:.1f} s ({kept / max(seconds, 1e-9):,.0f} rows/s)", end="\n")

    def _line(self, text: str, end: str = "") -> None:
        if self.out is not None:
            self.out.write(f"\r\x1b[K  {self.name}: {text}{end}")
            self.out.flush()


# ---- values -----------------------------------------------------------------------------------


# ---- CHECK bounds -----------------------------------------------------------------------------


# ---- the run ----------------------------------------------------------------------------------


def _auto(col: m.Column) -> bool:
    """Filled by the database: identity, serial and generated-key defaults, generated columns."""
    if col.identity or col.generated:
        return True
    d = col.default or ""
    return bool(re.search(r"nextval\(|gen_random_uuid\(|uuid_generate_v|cuid\(", d))


def _order(schema: m.Schema) -> tuple[list[str], set[tuple[str, str]]]:
    """Tables in dependency order (the schema's one order, partitions left to their parents' rows), and
    the (table, fk name) references filled afterwards: cycles, and a table's references to itself."""
    order = schema.table_order()
    partitions = {t.key for t in schema.tables if t.partition_of is not None}
    deferred = {(t.key, fk.name) for t, fk in order.later if not {t.key, fk.ref_key} & partitions}
    for t in order.tables:
        deferred |= {(t.key, fk.name) for fk in t.foreign_keys if fk.ref_key == t.key}
    return [t.key for t in order.tables if t.key not in partitions], deferred


def seed(
    conn: psycopg.Connection[Any],
    doc: LoadedDocument,
    rows: str | dict[str, int | tuple[float, str]] | None = None,
    *,
    default_rows: int = 100,
    seed_value: int = 0,
    progress: bool = False,
    then: Callable[[psycopg.Connection[Any]], None] | None = None,
) -> SeedReport:
    """Fill the connected database (whose schema is the document's) in one transaction.

    `rows`: a --rows spec (`1000`, `users=10,orders=5/users`) or its parsed form; other tables get `default_rows`.
    `then` runs inside the transaction once the rows are in, before it commits (another store's writes
    that must happen with them or not at all: the doc's Redis keys).
    """
    report = SeedReport(seed_value=seed_value)
    schema = introspect(conn).with_inherited_checks()  # a child's rows answer to its parents' CHECKs too
    conn.commit()
    if not schema.tables:
        raise SchemadocError("the database has no tables: run `schemadoc up` first")
    if isinstance(rows, str) or rows is None:
        rows = parse_rows(rows, default_rows, [t.key for t in schema.tables if t.partition_of is None])
    wanted = rows
    values = Values(seed_value)
    # by key, and by a bare name that is no pg_catalog type's (that name is pg_catalog's: see own_type_ref)
    enums = {e.key: e for e in schema.enums} | {e.name: e for e in schema.enums if e.name not in PG_CATALOG_TYPES}
    values.composites = {c.key: c for c in schema.composites}
    values.composites |= {c.name: c for c in schema.composites if c.name not in PG_CATALOG_TYPES}
    order, deferred = _order(schema)
    tables = {t.key: t for t in schema.tables}
    shapes = examples(doc)
    meter = Progress(sys.stderr if progress else None)
    with conn.transaction():
        _doc_rows(conn, doc, report)
        _advance_sequences(conn, schema)
        for key in order:
            t = tables[key]
            target = wanted.get(key, default_rows)
            if isinstance(target, tuple):
                ratio, other = target
                target = int(ratio * report.rows.get(other, 0))
            if target <= 0:
                continue
            meter.start(t.name, target)
            done, why = _fill(
                conn,
                domains_resolved(t, schema),
                target,
                values,
                enums,
                deferred,
                _examples(conn, t, shapes),
                meter,
                listed_values(doc, t),
                _unique_keys(schema, t),
            )
            report.rows[key] = done
            if done < target:
                report.short.append(Shortfall(key, target, done, why))
            meter.finish(done)
        _fill_deferred(conn, schema, deferred, values)
        if then is not None:
            then(conn)
    return report


def _examples(conn: psycopg.Connection[Any], t: m.Table, shapes: dict[tuple[str, str], Any]) -> dict[str, Any]:
    """Per JSON/array column, the value whose shape generated ones follow: a row already there (the
    doc's own INSERTs), else what the doc shows for it, else its default."""
    out: dict[str, Any] = {}
    for c in t.columns:
        if not is_shaped(c):
            continue
        row = conn.execute(
            sql.SQL("SELECT {c} FROM {t} WHERE {c} IS NOT NULL AND {c}::text NOT IN ('{{}}', '[]') LIMIT 1").format(
                c=sql.Identifier(c.name), t=sql.Identifier(t.schema, t.name)
            )
        ).fetchone()
        found = row[0] if row else shapes.get((t.key, c.name))
        out[c.name] = found if found is not None else default_example(c.default)
    return out


def _doc_rows(conn: psycopg.Connection[Any], doc: LoadedDocument, report: SeedReport) -> None:
    for extra in doc.extras:
        if extra.kind != "seed":
            continue
        st = extra.statement
        try:
            with conn.transaction():
                conn.execute(st.text.encode())
            report.doc_rows += 1
        except psycopg.Error as e:
            where = Span(doc.path, st.line, st.col)
            report.skipped.append(f"{where}: {(e.diag.message_primary or str(e)).strip()}")
    _script_rows(conn, doc, report)


def _script_rows(conn: psycopg.Connection[Any], doc: LoadedDocument, report: SeedReport) -> None:
    """The rows of the doc's Prisma seed script (`prisma.user.create({ data })`), in the script's order."""
    from schemadoc.seed.script import Resolver, Unsupported, calls

    resolver = Resolver(doc.prisma)
    for call in calls(doc):
        if isinstance(call, tuple):
            report.skipped.append(f"{Span(doc.path, call[0], 1)}: {call[1]}")
            continue
        where = Span(doc.path, call.line, 1)
        try:
            rows = resolver.rows(call)
            model = resolver.model(call.model)
            with conn.transaction():
                for row in rows:
                    record = _insert_returning(conn, row.schema, row.table, row.values, row.json_columns)
                    if model is not None and record is not None:
                        resolver.returned(call, model, record)
            report.doc_rows += 1
        except Unsupported as e:
            report.skipped.append(f"{where}: prisma.{call.model}.{call.method}: {e}; skipped")
        except psycopg.Error as e:
            report.skipped.append(f"{where}: {(e.diag.message_primary or str(e)).strip()}")


def _insert_returning(
    conn: psycopg.Connection[Any], schema: str, table: str, values: dict[str, Any], json_columns: frozenset[str]
) -> dict[str, Any] | None:
    """INSERT … ON CONFLICT DO NOTHING; the new row, or the one already there with these values."""
    params = [Jsonb(v) if c in json_columns else v for c, v in values.items()]
    target = sql.Identifier(schema, table)
    if values:
        q = sql.SQL("INSERT INTO {t} ({cols}) VALUES ({vals}) ON CONFLICT DO NOTHING RETURNING *").format(
            t=target,
            cols=sql.SQL(", ").join(sql.Identifier(c) for c in values),
            vals=sql.SQL(", ").join(sql.Placeholder() * len(values)),
        )
    else:
        q = sql.SQL("INSERT INTO {t} DEFAULT VALUES RETURNING *").format(t=target)
    cur = conn.execute(q, params)
    row = cur.fetchone()
    if row is None and values:
        cur = conn.execute(
            sql.SQL("SELECT * FROM {t} WHERE {cond} LIMIT 1").format(
                t=target,
                cond=sql.SQL(" AND ").join(
                    sql.SQL("{} IS NOT DISTINCT FROM {}").format(sql.Identifier(c), sql.Placeholder()) for c in values
                ),
            ),
            params,
        )
        row = cur.fetchone()
    if row is None or cur.description is None:
        return None
    return {d.name: v for d, v in zip(cur.description, row, strict=True)}


def _advance_sequences(conn: psycopg.Connection[Any], schema: m.Schema) -> None:
    """After the doc's rows gave explicit ids, move each identity/serial sequence past them."""
    for t in schema.tables:
        for c in t.columns:
            if c.identity or (c.default and "nextval(" in c.default):
                conn.execute(
                    sql.SQL(
                        "SELECT setval(s, GREATEST((SELECT coalesce(max({c}), 0) FROM {t}), 1), "
                        "(SELECT count(*) > 0 FROM {t})) FROM pg_get_serial_sequence({lit}, {col}) s WHERE s IS NOT NULL"
                    ).format(
                        c=sql.Identifier(c.name),
                        t=sql.Identifier(t.schema, t.name),
                        lit=sql.Literal(f"{quote_ident(t.schema)}.{quote_ident(t.name)}"),
                        col=sql.Literal(c.name),
                    )
                )


def _status_like(c: m.Column) -> bool:
    name = c.name.lower()
    text = re.sub(r"\(.*\)", "", c.type).strip() in ("text", "character varying", "varchar", "character")
    return text and bool(re.search(r"(status|state|type|role|kind|category|level|tier|plan|stage)$", name))


def _values_there(conn: psycopg.Connection[Any], t: m.Table, column: str) -> list[str]:
    """The distinct values of `column` in the rows already in `t` (at most 30: a vocabulary, not data)."""
    q = sql.SQL("SELECT DISTINCT {c}::text FROM {t} WHERE {c} IS NOT NULL LIMIT 31").format(
        c=sql.Identifier(column), t=sql.Identifier(t.schema, t.name)
    )
    found = [str(r[0]) for r in conn.execute(q).fetchall()]
    return sorted(found) if len(found) <= 30 else []


def _unique_keys(schema: m.Schema, t: m.Table) -> list[tuple[str, ...]]:
    """The column sets no two rows may share: UNIQUE constraints, and unique indexes on plain columns
    (Prisma's @unique and @@unique are indexes, not constraints)."""
    keys = [u.columns for u in t.uniques]
    for ix in schema.indexes:
        if ix.unique and ix.where is None and ix.schema == t.schema and ix.table == t.name:
            columns = tuple(k.strip('"') for k in ix.keys)
            if all(t.column(c) is not None for c in columns):
                keys.append(columns)
    return keys


def _pool(
    conn: psycopg.Connection[Any],
    table: m.Table,
    columns: tuple[str, ...],
    unused_by: tuple[m.Table, tuple[str, ...]] | None = None,
) -> list[tuple[Any, ...]]:
    """The parent keys a new row may reference; `unused_by` (a one-to-one key): only those no row of
    that table references yet, so a second run still finds parents to pair with."""
    cols = sql.SQL(", ").join(sql.Identifier(c) for c in columns)
    cond = sql.SQL(" AND ").join(sql.SQL("{} IS NOT NULL").format(sql.Identifier(c)) for c in columns)
    q = sql.SQL("SELECT DISTINCT {cols} FROM {t} WHERE {cond}").format(
        cols=cols, t=sql.Identifier(table.schema, table.name), cond=cond
    )
    if unused_by is not None:
        child, child_cols = unused_by
        q = sql.SQL("{q} EXCEPT SELECT {child_cols} FROM {child}").format(
            q=q,
            child_cols=sql.SQL(", ").join(sql.Identifier(c) for c in child_cols),
            child=sql.Identifier(child.schema, child.name),
        )
    return [tuple(r) for r in conn.execute(q).fetchall()]


def _fill(
    conn: psycopg.Connection[Any],
    t: m.Table,
    target: int,
    values: Values,
    enums: dict[str, m.Enum],
    deferred: set[tuple[str, str]],
    shapes: dict[str, Any] | None = None,
    meter: Progress | None = None,
    listed: dict[str, list[str]] | None = None,
    unique_keys: list[tuple[str, ...]] | None = None,
) -> tuple[int, str]:
    """Rows for `t` (up to `target`): (how many went in, why fewer when fewer)."""
    keys = unique_keys if unique_keys is not None else [u.columns for u in t.uniques]
    unique_cols = {k[0] for k in keys if len(k) == 1}
    if t.primary_key and len(t.primary_key.columns) == 1:
        unique_cols.add(t.primary_key.columns[0])
    bounds = check_bounds(t)
    fk_by_col: dict[str, tuple[m.ForeignKey, int]] = {}
    pools: dict[str, list[tuple[Any, ...]]] = {}
    one_to_one: set[str] = set()
    for fk in t.foreign_keys:
        if (t.key, fk.name) in deferred:
            continue
        if fk.columns in keys or (t.primary_key and fk.columns == t.primary_key.columns):
            one_to_one.add(fk.name)
        unused_by = (t, fk.columns) if fk.name in one_to_one else None
        pools[fk.name] = _pool(conn, m.Table(fk.ref_schema, fk.ref_table), fk.ref_columns, unused_by)
        for i, name in enumerate(fk.columns):
            fk_by_col[name] = (fk, i)
    nullable = {fk.name: not any((col := t.column(x)) and col.not_null for x in fk.columns) for fk in t.foreign_keys}
    deferred_cols = {n for fk in t.foreign_keys if (t.key, fk.name) in deferred for n in fk.columns}
    columns = [c for c in t.columns if not _auto(c) and c.name not in deferred_cols]
    asked = target
    for fk_name in one_to_one:
        target = min(target, len(pools[fk_name]))
    for fk in t.foreign_keys:
        if fk.name in pools and not pools[fk.name] and not nullable[fk.name]:
            return 0, f"its required parent {fk.ref_table} has no rows"  # nothing can reference it
    makers = {
        c.name: values.maker(
            t, c, c.name in unique_cols, bounds.get(c.name, (None, None)), enums, (shapes or {}).get(c.name)
        )
        for c in columns
    }
    for c in columns:  # a status-like text column: the values the rows already there use (the doc's own)
        if c.name in makers and c.name not in unique_cols and _status_like(c):
            seen = _values_there(conn, t, c.name)
            if len(seen) >= 2:
                makers[c.name] = one_of(seen, values.rng)
    for name, choices in (listed or {}).items():  # values the doc lists for a column ("active", "expired")
        listed_col = t.column(name)
        if name not in makers or name in unique_cols or listed_col is None or listed_col.type in JSON_TYPES:
            continue  # (a JSON column's listed words are its keys: its shape says what goes in it)
        if listed_col.type.endswith("[]"):  # an array column's listed values are its elements
            makers[name] = some_of(choices, values.rng)
        else:
            makers[name] = one_of(choices, values.rng)
    for check in t.checks:  # a CHECK that lists a column's values is that column's enum
        in_check = check_values(check.expression)
        if in_check is not None and in_check[0] in makers:
            makers[in_check[0]] = one_of(in_check[1], values.rng)
    for name, (pattern, insensitive) in check_patterns(t).items():
        if name in makers:
            makers[name] = matching(makers[name], pattern, insensitive, name in unique_cols, values.rng, values.fake)
    rng = values.rng
    if t.partition_by:  # rows of a range-partitioned table fall into the partitions there are
        ranged = in_partitions(conn, t, rng)
        if ranged is not None and ranged[0] in makers:
            makers[ranged[0]] = ranged[1]
    names = [c.name for c in columns]
    stage = f"schemadoc_seed_{t.name}"[:63]
    if names:
        conn.execute(
            sql.SQL("CREATE TEMP TABLE {s} ON COMMIT DROP AS SELECT {cols} FROM {t} WITH NO DATA").format(
                s=sql.Identifier(stage),
                cols=sql.SQL(", ").join(
                    [  # by base type: a value a domain refuses is filtered out below, not an error in COPY
                        sql.SQL("{}::{} AS {}").format(sql.Identifier(c.name), sql.SQL(c.type), sql.Identifier(c.name))
                        for c in columns
                    ]
                    + [  # the others stay NULL, so CHECKs that name them can be evaluated here
                        sql.SQL("NULL::{} AS {}").format(sql.SQL(c.type), sql.Identifier(c.name))
                        for c in t.columns
                        if c.name not in names
                    ]
                ),
                t=sql.Identifier(t.schema, t.name),
            )
        )
    table_id = sql.Identifier(t.schema, t.name)
    kept = 0
    # generated values are tagged with a running number: a second run goes on from the rows there are,
    # so its unique values (slugs, codes, emails) do not collide with the first run's
    there = conn.execute(sql.SQL("SELECT count(*) FROM {}").format(table_id)).fetchone()
    counter = first = int(there[0]) if there else 0
    shuffled = {name: rng.sample(pool, len(pool)) for name, pool in pools.items() if name in one_to_one}
    # CHECK passes unless false; columns the database fills (ids) are NULL in the scratch table
    checks: list[sql.Composable] = [sql.SQL("(" + c.expression + ") IS NOT FALSE") for c in t.checks]
    if t.partition_by:  # a row must fall into one of the partitions
        bounds_sql = partition_bounds(conn, t)
        if not bounds_sql:
            return 0, "it is partitioned and has no partition to hold a row"
        checks.append(sql.SQL("(" + " OR ".join(f"({b})" for b in bounds_sql) + ")"))
    # rows whose unique key a row already in the table has are skipped before LIMIT picks the ones to
    # insert (ON CONFLICT would drop them after it, and a round could insert nothing while fresh rows wait)
    for key in [*keys, *([t.primary_key.columns] if t.primary_key else [])]:
        if key and all(k in names for k in key):
            checks.append(
                sql.SQL("NOT EXISTS (SELECT FROM {t} x WHERE {match})").format(
                    t=sql.Identifier(t.schema, t.name),
                    match=sql.SQL(" AND ").join(
                        sql.SQL("x.{c} = {s}.{c}").format(c=sql.Identifier(k), s=sql.Identifier(stage)) for k in key
                    ),
                )
            )
    where = sql.SQL(" WHERE ") + sql.SQL(" AND ").join(checks) if checks else sql.SQL("")
    cols = sql.SQL(", ").join(sql.Identifier(n) for n in names)
    made = 0  # rows generated so far, against `kept`: the share the CHECKs and unique keys let through
    stalled = 0
    for _ in range(ROUNDS):
        need = target - kept
        if need <= 0 or stalled >= STALLED:
            break
        if not names:
            conn.execute(sql.SQL("INSERT INTO {} DEFAULT VALUES").format(table_id))
            kept += 1
            continue
        accepted = kept / made if made and kept else 0.2 if made else 1.0
        batch = min(int(need / max(accepted, 0.02) * 1.3) + 5, need * 50 + 5)
        made += batch
        with conn.cursor() as cur:
            with cur.copy(
                sql.SQL("COPY {} ({}) FROM STDIN").format(
                    sql.Identifier(stage), sql.SQL(", ").join(sql.Identifier(n) for n in names)
                )
            ) as copy:
                for _ in range(batch):
                    counter += 1
                    if meter is not None and not counter % 10_000:
                        meter.update(counter)
                    row = []
                    chosen: dict[str, tuple[Any, ...] | None] = {}
                    for c in columns:
                        if c.name in fk_by_col:
                            fk, pos = fk_by_col[c.name]
                            if fk.name not in chosen:
                                pool = shuffled.get(fk.name) or pools[fk.name]
                                if not pool or (nullable[fk.name] and rng.random() < 0.1):
                                    chosen[fk.name] = None
                                elif fk.name in shuffled:
                                    chosen[fk.name] = pool[(counter - first) % len(pool)]
                                else:
                                    chosen[fk.name] = pool[rng.randrange(len(pool))]
                            picked = chosen[fk.name]
                            row.append(None if picked is None else picked[pos])
                        elif not c.not_null and c.default is None and rng.random() < 0.1 and c.name not in bounds:
                            row.append(None)
                        else:
                            row.append(makers[c.name](counter))
                    copy.write_row(row)
        try:
            with conn.transaction():
                cur = conn.execute(
                    sql.SQL(
                        "INSERT INTO {t} ({cols}) SELECT {cols} FROM {s}{where} LIMIT {n} ON CONFLICT DO NOTHING"
                    ).format(t=table_id, cols=cols, s=sql.Identifier(stage), where=where, n=sql.Literal(need))
                )
                kept += cur.rowcount
                stalled = 0 if cur.rowcount > 0 else stalled + 1
        except psycopg.Error as e:
            raise DatabaseError(
                f"seeding {t.name}: PostgreSQL rejected the generated rows: {(e.diag.message_primary or str(e)).strip()}"
                + (f" ({e.diag.message_detail})" if e.diag.message_detail else ""),
                sqlstate=e.sqlstate,
                span=t.span,
            ) from None
        conn.execute(sql.SQL("TRUNCATE {}").format(sql.Identifier(stage)))
    if kept >= asked:
        return kept, ""
    if kept >= target:
        return kept, "one row per parent row of its one-to-one key, and every parent row has one"
    limits = [c.name for c in columns if c.name in unique_cols or c.name in (listed or {})]
    why = "the generated rows its CHECKs and unique keys accept ran out"
    return kept, why + (f" (unique or listed: {', '.join(limits)})" if limits else "")


def _fill_deferred(
    conn: psycopg.Connection[Any], schema: m.Schema, deferred: set[tuple[str, str]], values: Values
) -> None:
    """References left NULL to break a cycle (or a self-reference): most rows now point at a real row."""
    rng = values.rng
    tables = {t.key: t for t in schema.tables}
    for key, fk_name in sorted(deferred):
        t = tables[key]
        fk = next(f for f in t.foreign_keys if f.name == fk_name)
        if not t.primary_key:
            continue
        pool = _pool(conn, tables[fk.ref_key], fk.ref_columns) if fk.ref_key in tables else []
        if not pool:
            continue
        pk = t.primary_key.columns
        ids = _pool(conn, t, pk)
        self_ref = fk.ref_key == key and tuple(fk.ref_columns) == tuple(pk)
        updates = []
        for i, row_id in enumerate(ids):
            if rng.random() < 0.3:
                continue
            candidates = ids[:i] if self_ref else pool  # a self-reference points at an earlier row: a tree
            if not candidates:
                continue
            updates.append((*candidates[rng.randrange(len(candidates))], *row_id))
        if not updates:
            continue
        sets = sql.SQL(", ").join(sql.SQL("{} = %s").format(sql.Identifier(c)) for c in fk.columns)
        cond = sql.SQL(" AND ").join(sql.SQL("{} = %s").format(sql.Identifier(c)) for c in pk)
        with conn.cursor() as cur:
            cur.executemany(
                sql.SQL("UPDATE {} SET {} WHERE {}").format(sql.Identifier(t.schema, t.name), sets, cond), updates
            )
