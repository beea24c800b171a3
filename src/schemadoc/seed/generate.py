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

import datetime as dt
import random
import re
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal
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
from schemadoc.seed.shapes import Shaper, default_example, examples, is_shaped

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


class Values:
    """Realistic values per column, by name and type, from Faker with a fixed seed."""

    def __init__(self, seed: int, locale: str = "en_US") -> None:
        from faker import Faker

        self.fake = Faker(locale)
        self.fake.seed_instance(seed)
        self.rng = random.Random(seed)
        self.now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)

    def maker(
        self,
        table: m.Table,
        col: m.Column,
        unique: bool,
        bounds: tuple[float | None, float | None],
        enums: dict[str, m.Enum],
        example: Any = None,
    ) -> Callable[[int], Any]:
        """Values for `col`; `example`: a JSON/array value the doc shows for it, whose shape to follow."""
        f, rng = self.fake, self.rng
        name = col.name.lower()
        t = col.type
        base = re.sub(r"\(.*\)", "", t).strip()
        lo, hi = bounds
        enum = enums.get(t) or enums.get(t.strip('"')) or enums.get(f"public.{t.strip(chr(34))}")
        if enum is not None:
            values = enum.values
            return lambda i: values[rng.randrange(len(values))]
        if t.endswith("[]"):
            inner = base.removesuffix("[]")
            if "int" in inner or inner in ("numeric", "real", "double precision"):
                return lambda i: [rng.randint(1, 100) for _ in range(rng.randint(0, 3))]
            shaper = self.shaper(table)
            shape = example if isinstance(example, list) else []
            return lambda i: shaper.make(shape, name)
        if base in ("smallint", "integer", "bigint", "numeric", "real", "double precision", "money"):
            return self._number(name, base, t, lo, hi, unique)
        if base == "boolean":
            return lambda i: rng.random() < 0.5
        if base.startswith("timestamp") or base == "date":
            return self._time(name, base)
        if base in ("time without time zone", "time with time zone"):
            return lambda i: dt.time(rng.randrange(24), rng.randrange(60))
        if base == "interval":
            return lambda i: dt.timedelta(minutes=rng.randrange(1, 10000))
        if base == "uuid":
            return lambda i: self.fake.uuid4()
        if base in ("json", "jsonb"):
            shaper = self.shaper(table)
            shape = example if example is not None else {}
            return lambda i: Jsonb(shaper.make(shape, name))
        if base == "inet":
            return lambda i: f.ipv4()
        if base == "bytea":
            return lambda i: rng.randbytes(16)
        return self._text(table, name, t, unique)

    def shaper(self, table: m.Table) -> Shaper:
        """Values shaped like an example, with strings made by key name as for columns of `table`."""
        makers: dict[str, Callable[[int], Any]] = {}

        def text(key: str) -> str:
            if key not in makers:
                makers[key] = self._text(table, key.lower(), "text", False)
            return str(makers[key](0))

        return Shaper(self.rng, text)

    def _number(
        self, name: str, base: str, t: str, lo: float | None, hi: float | None, unique: bool
    ) -> Callable[[int], Any]:
        rng = self.rng
        scale = 0
        mt = re.search(r"numeric\((\d+),(\d+)\)", t)
        precision = None
        if mt:
            precision, scale = int(mt.group(1)), int(mt.group(2))
        if lo is None and hi is None and base in ("numeric", "real", "double precision"):
            if name in ("lat", "latitude") or name.endswith("_lat") or name.endswith("_latitude"):
                lo, hi = -90, 90
            elif name in ("lng", "lon", "long", "longitude") or name.endswith(("_lng", "_lon", "_longitude")):
                lo, hi = -180, 180
        if lo is None:
            lo = 0 if re.search(r"price|amount|total|cost|qty|quantity|count|stock|points|rating|age|fee", name) else 1
        if hi is None:
            hi = {"rating": 5, "stars": 5}.get(name, 5 if "rating" in name else 10_000 if base != "smallint" else 1000)
            if "percent" in name or "discount" in name:
                hi = 100
            if precision is not None:
                hi = min(hi, 10 ** (precision - scale) - 1)
        lo_v, hi_v = float(lo), float(hi)
        if base in ("smallint", "integer", "bigint"):
            if unique:
                return lambda i: int(lo_v) + i
            return lambda i: rng.randint(int(lo_v), max(int(lo_v), int(hi_v)))
        if base == "numeric" or base == "money":
            places = scale if mt else 2
            return lambda i: Decimal(str(round(rng.uniform(lo_v, hi_v), places)))
        return lambda i: round(rng.uniform(lo_v, hi_v), 2)

    def _time(self, name: str, base: str) -> Callable[[int], Any]:
        rng = self.rng
        # later for the end of a span, so `ends_at > starts_at` style CHECKs hold
        later = bool(re.search(r"(updated|end|to$|_to_|until|expires|expiry|finished|completed|closed|last)", name))
        future = bool(re.search(r"(expires|expiry|due|scheduled|delivery|until|valid_to|end)", name))

        def make(i: int) -> Any:
            if future:
                value = self.now + dt.timedelta(days=rng.randint(30 if later else 1, 400))
            else:
                days = rng.randint(0, 300) if later else rng.randint(300, 700)
                value = self.now - dt.timedelta(days=days, seconds=rng.randrange(86400))
            if base == "date":
                return value.date()
            if "without" in base:
                return value.replace(tzinfo=None)
            return value

        return make

    def _named(self, table: str) -> Callable[[], str]:
        """A name that fits what `table` (or a column's word for it) holds: people's, companies',
        products', categories', places'; else the thing's own noun and a word."""
        f, rng = self.fake, self.rng
        kind = _kind_of(table)
        if kind == "person":
            return f.name
        if kind == "organization":
            return f.company
        if kind == "goods":
            return lambda: f"{rng.choice(_QUALITIES)} {f.word().title()}"
        if kind == "group":
            return lambda: f.word().title()
        if kind == "place":
            return f.city
        noun = _singular(table).replace("_", " ").strip().title() or "Item"
        return lambda: f"{noun} {f.word().title()}"

    def _text(self, table: m.Table, name: str, t: str, unique: bool) -> Callable[[int], Any]:
        f, rng = self.fake, self.rng
        limit = None
        mt = re.search(r"\((\d+)\)", t)
        if mt:
            limit = int(mt.group(1))

        def cut(text: str) -> str:
            return text[:limit] if limit else text

        def tagged(make: Callable[[], str]) -> Callable[[int], str]:
            if unique:
                return lambda i: cut(f"{make()}-{i}") if not limit or limit > 8 else cut(f"{i}")
            return lambda i: cut(make())

        if "email" in name:
            return lambda i: cut(f"{f.user_name()}{i}@{f.free_email_domain()}" if unique else f.email())
        if name in ("first_name", "firstname", "given_name"):
            return tagged(f.first_name)
        if name in ("last_name", "lastname", "surname", "family_name"):
            return tagged(f.last_name)
        if name in ("full_name", "fullname", "display_name", "author", "contact_name", "customer_name"):
            return tagged(f.name)
        if name in ("username", "user_name", "login", "handle"):
            return tagged(f.user_name)
        if name in ("name", "label"):
            return tagged(self._named(table.name))
        if name.endswith("_name") and _kind_of(name.removesuffix("_name")) is not None:  # company_name, city_name
            return tagged(self._named(name.removesuffix("_name")))
        if "phone" in name or name == "mobile":
            return tagged(lambda: f.numerify("+1-###-###-####"))
        if "slug" in name:
            return lambda i: cut(f"{f.slug()}-{i}" if unique else f.slug())
        if "url" in name or "website" in name or "link" in name or "image" in name or "avatar" in name:
            return tagged(f.url)
        if name in ("city", "town"):
            return tagged(f.city)
        if name in ("country",):
            return tagged(f.country)
        if name in ("country_code",) or (limit == 2 and "country" in name):
            return lambda i: f.country_code()
        if "currency" in name:
            return lambda i: "USD" if not limit or limit >= 3 else "US"
        if "address" in name or "street" in name:
            return tagged(f.street_address)
        if "zip" in name or "postal" in name:
            return tagged(f.postcode)
        if "state" in name and "status" not in name:
            return tagged(f.state_abbr)
        if "password" in name or "hash" in name or "token" in name or "secret" in name or name.endswith("_key"):
            return lambda i: cut(f"{f.sha256()}{i if unique else ''}")
        if "color" in name or "colour" in name:
            return tagged(f.hex_color)
        if name in ("title", "subject", "headline"):
            return tagged(lambda: f.sentence(nb_words=4).rstrip("."))
        if "description" in name or name in ("body", "content", "bio", "notes", "note", "comment", "message", "text"):
            return tagged(lambda: f.paragraph(nb_sentences=2))
        if name in ("code", "sku", "reference", "ref") or name.endswith("_code") or name.endswith("_number"):
            return lambda i: cut(f"{f.bothify('??-####').upper()}-{i}" if unique else f.bothify("??-####").upper())
        if "ip" == name or name.endswith("_ip") or "ip_address" in name:
            return tagged(f.ipv4)
        if "lat" == name or "latitude" in name:
            return lambda i: str(f.latitude())
        if name in ("lng", "lon", "long", "longitude"):
            return lambda i: str(f.longitude())
        if "permission" in name or name in ("scope", "scopes"):
            return tagged(lambda: f"{f.word()}:{rng.choice(['read', 'write', 'create', 'update', 'delete'])}")
        if name in ("pro", "pros", "con", "cons", "feature", "features", "highlight", "highlights"):
            return tagged(lambda: f.sentence(nb_words=3).rstrip("."))
        if name.endswith(("time", "_slot", "timeslot")) and (not limit or limit >= 5):

            def slot() -> str:  # a time of day as text: "14:30", or a window "09:00-11:00" where it fits
                start = rng.randrange(7, 20)
                if not limit or limit >= 11:
                    return f"{start:02d}:00-{start + 2:02d}:00"
                return f"{start:02d}:{rng.choice(('00', '30'))}"

            return tagged(slot)
        if "status" in name or "type" in name or "role" in name or "kind" in name:
            return tagged(lambda: rng.choice(["active", "pending", "archived"]))
        return tagged(lambda: f.word())


_QUALITIES = ("Classic", "Deluxe", "Organic", "Premium", "Mini", "Family", "Signature", "Seasonal", "Fresh", "Vintage")
_KINDS = {
    "person": (
        "user account customer person people member employee staff author rider driver student teacher "
        "patient doctor contact client profile admin owner agent player guest subscriber candidate buyer "
        "seller courier instructor reviewer participant attendee passenger tenant volunteer"
    ),
    "organization": (
        "company vendor brand store organization org shop supplier merchant business restaurant bakery "
        "partner manufacturer retailer agency team tenant_org publisher provider"
    ),
    "goods": "product item menu_item dish cake good offering service plan course book recipe ingredient variant sku",
    "group": "category tag genre topic label collection department type group kind section",
    "place": "city location region branch venue warehouse site area zone",
}


def _singular(word: str) -> str:
    w = word.lower()
    for plural, one in (("ies", "y"), ("sses", "ss"), ("ches", "ch"), ("shes", "sh"), ("xes", "x"), ("s", "")):
        if w.endswith(plural) and len(w) > len(plural) + 1:
            return w[: -len(plural)] + one
    return w


def _kind_of(table: str) -> str | None:
    """What a table holds, by its name's last word: person, organization, goods, group or place."""
    last = _singular(re.split(r"[_\s]+|(?<=[a-z])(?=[A-Z])", table)[-1] or table)
    whole = _singular(table)
    for kind, words in _KINDS.items():
        vocabulary = words.split()
        if last in vocabulary or whole in vocabulary:
            return kind
    return None


# ---- CHECK bounds -----------------------------------------------------------------------------

_CMP = re.compile(r"^\(*\s*\(?\"?(\w+)\"?\)?(?:::[\w ]+)?\s*(>=|>|<=|<)\s*\(?(-?\d+(?:\.\d+)?)\)?(?:::[\w ]+)?\s*\)*$")
_BETWEEN = re.compile(r"^\(*\s*\"?(\w+)\"?\s+BETWEEN\s+(-?\d+(?:\.\d+)?)\s+AND\s+(-?\d+(?:\.\d+)?)\s*\)*$", re.I)


def check_bounds(table: m.Table) -> dict[str, tuple[float | None, float | None]]:
    """Numeric ranges the CHECKs put on columns: `rating >= 1 AND rating <= 5`, BETWEEN, comparisons."""
    out: dict[str, list[float | None]] = {}
    for c in table.checks:
        for part in re.split(r"\s+AND\s+", c.expression, flags=re.I):
            part = part.strip()
            mt = _BETWEEN.match(part)
            if mt:
                b = out.setdefault(mt.group(1), [None, None])
                b[0], b[1] = float(mt.group(2)), float(mt.group(3))
                continue
            mt = _CMP.match(part)
            if mt:
                col, op, num = mt.group(1), mt.group(2), float(mt.group(3))
                b = out.setdefault(col, [None, None])
                if op in (">", ">="):
                    b[0] = num + (1 if op == ">" else 0)
                else:
                    b[1] = num - (1 if op == "<" else 0)
    return {k: (v[0], v[1]) for k, v in out.items()}


_REGEX = re.compile(r"^\(*\s*\(?\"?(\w+)\"?\)?(?:::[\w ]+)?\s*(~\*?)\s*'((?:[^']|'')*)'(?:::[\w ]+)?\s*\)*$")


def check_patterns(table: m.Table) -> dict[str, tuple[str, bool]]:
    """Column → (regular expression, case-insensitive) from CHECKs such as `sku ~ '^[A-Z]{3}-[0-9]{4}$'`."""
    out: dict[str, tuple[str, bool]] = {}
    for c in table.checks:
        for part in re.split(r"\s+AND\s+", c.expression, flags=re.I):
            mt = _REGEX.match(part.strip())
            if mt:
                out[mt.group(1)] = (mt.group(3).replace("''", "'"), mt.group(2) == "~*")
    return out


def _matching(
    maker: Callable[[int], Any], pattern: str, insensitive: bool, unique: bool, rng: random.Random, fake: Any
) -> Callable[[int], Any]:
    """A maker whose strings match `pattern`: the column's own when they already do (emails for an
    email pattern), else strings generated from the expression itself."""
    try:
        rx = re.compile(pattern, re.I if insensitive else 0)
    except re.error:
        return maker  # a POSIX-only expression: PostgreSQL filters the rows
    candidates = [maker]
    if "@" in pattern:
        candidates.append(lambda i: f"{fake.user_name()}{i}@{fake.free_email_domain()}")
    for candidate in candidates:
        if all(isinstance(v, str) and rx.search(v) for v in (candidate(i) for i in range(20))):
            return candidate
    import rstr

    gen = rstr.Rstr(rng)
    if not unique:
        return lambda i: gen.xeger(pattern)
    seen: set[str] = set()

    def fresh(i: int) -> str:
        for _ in range(20):
            value = gen.xeger(pattern)
            if value not in seen:
                break
        seen.add(value)
        return value

    return fresh


def _domains_resolved(t: m.Table, schema: m.Schema) -> m.Table:
    """The table as its values are made: domain columns typed by their base type, the domains' CHECKs
    (VALUE read as the column) added to the table's, so bounds and patterns apply and rows are filtered."""
    domains = {d.key: d for d in schema.domains} | {d.name: d for d in schema.domains}
    columns, checks = [], list(t.checks)
    for c in t.columns:
        d = domains.get(c.type) or domains.get(c.type.strip('"'))
        if d is None:
            columns.append(c)
            continue
        columns.append(replace(c, type=d.type, not_null=c.not_null or d.not_null))
        for k in d.checks:
            expression = re.sub(r"\bVALUE\b", quote_ident(c.name), _strip_check(k.expression))
            checks.append(m.Check(f"{k.name} on {c.name}", expression))
    return replace(t, columns=tuple(columns), checks=tuple(checks))


def _strip_check(expression: str) -> str:
    mt = re.fullmatch(r"\s*CHECK\s*\((.*)\)\s*", expression, re.S | re.I)
    return mt.group(1) if mt else expression


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
    enums = {e.key: e for e in schema.enums} | {e.name: e for e in schema.enums}
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
                _domains_resolved(t, schema),
                target,
                values,
                enums,
                deferred,
                _examples(conn, t, shapes),
                meter,
                _listed_values(doc, t),
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
                makers[c.name] = _one_of(seen, values.rng)
    for name, choices in (listed or {}).items():  # values the doc lists for a column ("active", "expired")
        if name in makers and name not in unique_cols:
            makers[name] = _one_of(choices, values.rng)
    for check in t.checks:  # a CHECK that lists a column's values is that column's enum
        in_check = check_values(check.expression)
        if in_check is not None and in_check[0] in makers:
            makers[in_check[0]] = _one_of(in_check[1], values.rng)
    for name, (pattern, insensitive) in check_patterns(t).items():
        if name in makers:
            makers[name] = _matching(makers[name], pattern, insensitive, name in unique_cols, values.rng, values.fake)
    rng = values.rng
    if t.partition_by:  # rows of a range-partitioned table fall into the partitions there are
        ranged = _in_partitions(conn, t, rng)
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
        bounds_sql = _partition_bounds(conn, t)
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


_LISTED = re.compile(r"""["'`]([^"'`,|]{1,40})["'`]""")


def _listed_values(doc: LoadedDocument, t: m.Table) -> dict[str, list[str]]:
    """Per column, the values the doc lists for it where its type does not: a comment on a line that
    defines it (`status String // "active", "cancelled", "expired"`, `status text -- 'draft' | 'sent'`),
    in any of the doc's descriptions of the table (the Prisma model as well as the SQL), or its comment."""
    mine = doc.schema.table(t.key)
    if mine is None:
        return {}
    lines = doc.text.splitlines()
    out: dict[str, list[str]] = {}
    for col in mine.columns:
        texts = [col.comment or ""]
        for number, line in enumerate(lines):
            words = line.split()
            if not words or words[0].strip('"`,') != col.name:
                continue
            at = min((i for i in (line.find("//"), line.find("--"), line.find(" #")) if i >= 0), default=-1)
            if at >= 0 and _describes(lines, number, t.name):
                texts.append(line[at:])
        for text in texts:
            found = [v.strip() for v in _LISTED.findall(text) if v.strip()]
            if len(found) >= 2 and len(set(found)) == len(found):
                out[col.name] = found
                break
    return out


_OPENS = re.compile(
    r"""^\s*(?:model|create\s+table(?:\s+if\s+not\s+exists)?|table|type|interface|class|enum|#+)\s+[`"\[]?(?:\w+\.)?(\w+)""",
    re.I,
)


def _describes(lines: list[str], number: int, table: str) -> bool:
    """Whether line `number` sits in a description of `table`: the nearest model, CREATE TABLE, class or
    heading above it names the table (singular or plural, any case)."""
    for line in reversed(lines[max(0, number - 80) : number]):
        opened = _OPENS.match(line)
        if opened:
            return _singular(opened.group(1).lower()) == _singular(table.lower())
    return False


def _one_of(choices: list[str], rng: random.Random) -> Callable[[int], Any]:
    return lambda i: choices[rng.randrange(len(choices))]


def _in_partitions(
    conn: psycopg.Connection[Any], t: m.Table, rng: random.Random
) -> tuple[str, Callable[[int], Any]] | None:
    """(column, maker) for a table partitioned by RANGE on one time or number column: values drawn
    uniformly from a random partition's FROM … TO bounds."""
    mt = re.fullmatch(r'RANGE \("?(\w+)"?\)', t.partition_by or "", re.I)
    col = t.column(mt.group(1)) if mt else None
    if col is None:
        return None
    rows = conn.execute(
        "SELECT pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "WHERE i.inhparent = %s::regclass",
        (f"{quote_ident(t.schema)}.{quote_ident(t.name)}",),
    ).fetchall()
    spans: list[tuple[Any, Any]] = []
    for (bound,) in rows:
        b = re.fullmatch(r"FOR VALUES FROM \('?([^')]+)'?\) TO \('?([^')]+)'?\)", bound or "")
        if not b or "MINVALUE" in bound or "MAXVALUE" in bound:
            continue
        lo, hi = b.group(1), b.group(2)
        try:
            if col.type.startswith(("timestamp", "date")):
                spans.append((_instant(lo), _instant(hi)))
            else:
                spans.append((float(lo), float(hi)))
        except ValueError:
            continue
    if not spans:
        return None
    is_date = col.type == "date"
    is_int = col.type in ("smallint", "integer", "bigint")

    def make(i: int) -> Any:
        lo, hi = spans[rng.randrange(len(spans))]
        if isinstance(lo, dt.datetime):
            value = lo + (hi - lo) * rng.random()
            return value.date() if is_date else value
        if is_int:
            return rng.randrange(int(lo), int(hi))
        return lo + (hi - lo) * rng.random()

    return col.name, make


def _instant(text: str) -> dt.datetime:
    value = dt.datetime.fromisoformat(re.sub(r"([+-]\d\d)$", r"\1:00", text.strip()))
    return value


def _partition_bounds(conn: psycopg.Connection[Any], t: m.Table) -> list[str]:
    rows = conn.execute(
        "SELECT pg_get_partition_constraintdef(i.inhrelid) FROM pg_inherits i WHERE i.inhparent = %s::regclass",
        (f"{quote_ident(t.schema)}.{quote_ident(t.name)}",),
    ).fetchall()
    return [r[0] for r in rows if r[0]]


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
