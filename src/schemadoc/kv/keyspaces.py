"""The doc's Redis key layouts as typed keyspaces.

    kv = schemadoc.keyspaces("docs/DATABASE.md", "redis://localhost:6379/0")
    kv["cart"].set(user_id=uid, value={...})   # validated against the documented shape, TTL applied
    kv["cart"].get(user_id=uid)
    kv["rate_limit"].incr(ip_address="10.0.0.1", endpoint="/api/orders")

A value that breaks the documented shape raises `ShapeError` naming the field, and nothing is written.
Writes of a whole value replace the key and set its TTL in one MULTI/EXEC, so no reader sees a key
without its expiry. `scan` walks the keyspace with SCAN (never KEYS).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import fastjsonschema
import redis
from jsonschema import Draft202012Validator, FormatChecker

from schemadoc import model as m
from schemadoc.errors import SchemadocError
from schemadoc.parse import LoadedDocument, document


class ShapeError(SchemadocError):
    """A value that does not have the documented shape; `problems` name each field."""

    def __init__(self, pattern: str, problems: list[str]) -> None:
        super().__init__(f"{pattern}: " + "; ".join(problems))
        self.problems = problems


_formats = FormatChecker()


@_formats.checks("date-time", raises=ValueError)
def _is_datetime(value: object) -> bool:
    if isinstance(value, str):
        if not re.match(r"\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d", value):
            raise ValueError("not a date and time")
        dt.datetime.fromisoformat(value.replace("z", "Z"))
    return True


@_formats.checks("date", raises=ValueError)
def _is_date(value: object) -> bool:
    if isinstance(value, str):
        dt.date.fromisoformat(value)
    return True


def _datetime_ok(value: str) -> bool:
    try:
        return _is_datetime(value)
    except ValueError:
        return False


def _date_ok(value: str) -> bool:
    try:
        return _is_date(value)
    except ValueError:
        return False


_UUID_RE = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def _uuid_ok(value: str) -> bool:
    return bool(_UUID_RE.fullmatch(value))


def _where(path: Any) -> str:
    out = ""
    for part in path:
        out += "[]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "the value"


def problems(schema: dict[str, Any], value: Any) -> list[str]:
    """Every way `value` breaks `schema`, each naming the field (`items[].quantity: 'two' is not of type 'integer'`)."""
    out = []
    for e in sorted(
        Draft202012Validator(schema, format_checker=_formats).iter_errors(value), key=lambda e: list(e.path)
    ):
        if e.validator == "additionalProperties":
            extra = sorted(set(e.instance) - set(e.schema.get("properties", {})))
            for name in extra:
                prefix = _where(e.path)
                out.append(f"{prefix + '.' if prefix != 'the value' else ''}{name}: not a documented field")
        elif e.validator == "required":
            missing = re.search(r"'([^']+)' is a required property", e.message)
            prefix = _where(e.path)
            name = missing.group(1) if missing else "?"
            out.append(f"{prefix + '.' if prefix != 'the value' else ''}{name}: missing")
        else:
            out.append(f"{_where(e.path)}: {e.message}")
    return out


_IP = re.compile(r"(^|[{_])ip(_?addr(ess)?)?($|[}_])", re.I)


class Keyspace:
    """One documented key layout, bound to a Redis connection."""

    def __init__(self, layout: m.Keyspace, client: redis.Redis) -> None:
        self.layout = layout
        self.r = client
        names = [p.name for p in layout.placeholders]
        self.names = names
        regex = ""
        pieces = re.split(r"(\{[\w.-]+\})", layout.pattern)
        last = max((i for i, p in enumerate(pieces) if p.startswith("{")), default=-1)
        for i, piece in enumerate(pieces):
            if not piece.startswith("{"):
                regex += re.escape(piece)
            elif i == last:  # the last placeholder may hold colons
                regex += "(.+)"
            elif _IP.search(piece):  # an IP address: IPv6 holds colons, but only hex digits, dots and colons
                regex += "([0-9A-Fa-f:.]+)"
            else:
                regex += "([^:]+)"
        self._regex = re.compile(regex + r"\Z")
        self.glob = re.sub(r"\{[\w.-]+\}", "*", re.sub(r"([?\[\]\\])", r"\\\1", layout.pattern))

    @cached_property
    def schema(self) -> dict[str, Any] | None:
        return json.loads(self.layout.value_schema) if self.layout.value_schema else None

    def __repr__(self) -> str:
        return f"<Keyspace {self.layout.pattern} {self.layout.redis_type} ttl={self.layout.ttl}>"

    # -- keys --

    def key(self, **parts: Any) -> str:
        """The key for these placeholder values; every placeholder, and only those."""
        missing = [n for n in self.names if n not in parts]
        extra = [n for n in parts if n not in self.names]
        if missing or extra:
            said = ", ".join([f"missing {n}" for n in missing] + [f"unknown {n}" for n in extra])
            raise SchemadocError(f"{self.layout.pattern}: {said} (placeholders: {', '.join(self.names)})")
        key = self.layout.pattern
        for i, n in enumerate(self.names):
            value = str(parts[n])
            colons_ok = i == len(self.names) - 1 or (_IP.search(n) and re.fullmatch(r"[0-9A-Fa-f:.]+", value))
            if not value or (":" in value and not colons_ok):
                raise SchemadocError(f"{self.layout.pattern}: {n}={value!r} would make the key ambiguous")
            key = key.replace("{" + n + "}", value, 1)
        return key

    def parse(self, key: str | bytes) -> dict[str, str] | None:
        """The placeholder values of a key of this layout, or None when it is not one."""
        text = key.decode() if isinstance(key, bytes) else key
        mt = self._regex.match(text)
        if mt is None:
            return None
        values = list(mt.groups())
        return dict(zip(self.names, values, strict=True))

    # -- values --

    def check(self, value: Any) -> list[str]:
        """How `value` breaks the documented shape (empty when it does not)."""
        t = self.layout.redis_type
        if t == "counter":
            return (
                []
                if isinstance(value, int) and not isinstance(value, bool)
                else [f"the value: {value!r} is not an integer"]
            )
        if t in ("set", "list"):
            if not isinstance(value, (list, tuple, set, frozenset)):
                return [f"the value: a {t} takes a list of members, not {type(value).__name__}"]
            return []
        if t == "zset":
            if not isinstance(value, Mapping) or not all(isinstance(s, (int, float)) for s in value.values()):
                return ["the value: a sorted set takes {member: score}"]
            return []
        if t == "hash" and not isinstance(value, Mapping):
            return [f"the value: a hash takes {{field: value}}, not {type(value).__name__}"]
        if self.schema is not None:
            try:
                self._fast(value)
                return []
            except fastjsonschema.JsonSchemaException:
                return problems(self.schema, value)  # the full account, field by field
        return []

    @cached_property
    def _fast(self) -> Callable[[Any], Any]:
        """The schema compiled to Python (fastjsonschema): the check every value goes through; jsonschema
        only explains a value this refuses."""
        return fastjsonschema.compile(
            self.schema or {}, formats={"date-time": _datetime_ok, "date": _date_ok, "uuid": _uuid_ok}
        )

    def set(self, value: Any, *, into: Any = None, **parts: Any) -> str:
        """Validate and write the whole value, with its TTL, atomically; the key. `into`: a transaction
        pipeline of the caller's that queues the writes (they happen when it is executed)."""
        found = self.check(value)
        if found:
            raise ShapeError(self.layout.pattern, found)
        key = self.key(**parts)
        ttl = self.layout.ttl
        t = self.layout.redis_type
        pipe = self.r.pipeline(transaction=True) if into is None else into
        if t in ("json", "string", "counter"):
            data = json.dumps(value, separators=(",", ":"), default=str) if t == "json" else str(value)
            pipe.set(key, data, ex=ttl)
        else:
            pipe.delete(key)
            if t == "hash":
                pipe.hset(key, mapping={k: _scalar(v) for k, v in value.items()})
            elif t == "set" and value:
                pipe.sadd(key, *[_scalar(v) for v in value])
            elif t == "list" and value:
                pipe.rpush(key, *[_scalar(v) for v in value])
            elif t == "zset" and value:
                pipe.zadd(key, {_scalar(k): float(v) for k, v in value.items()})
            elif t == "stream":
                pipe.xadd(key, {k: _scalar(v) for k, v in value.items()})
            if ttl:
                pipe.expire(key, ttl)
        if into is None:
            pipe.execute()
        return key

    def get(self, **parts: Any) -> Any:
        """The value, decoded by its type (JSON, int, dict, set, list, [(member, score)]); None when absent."""
        key = self.key(**parts)
        return self.decode(key)

    def decode(self, key: str) -> Any:
        t = self.layout.redis_type
        if t in ("json", "string", "counter"):
            raw = self.r.get(key)
            if raw is None:
                return None
            text = raw.decode() if isinstance(raw, bytes) else str(raw)
            if t == "json":
                return json.loads(text)
            return int(text) if t == "counter" else text
        if t == "hash":
            return {_text(k): _text(v) for k, v in self.r.hgetall(key).items()} or None
        if t == "set":
            return {_text(v) for v in self.r.smembers(key)} or None
        if t == "list":
            return [_text(v) for v in self.r.lrange(key, 0, -1)] or None
        if t == "zset":
            pairs: list[tuple[Any, float]] = list(self.r.zrange(key, 0, -1, withscores=True))  # type: ignore[arg-type]
            return [(_text(member), score) for member, score in pairs] or None
        return self.r.xrange(key) or None

    def incr(self, by: int = 1, **parts: Any) -> int:
        """Add to a counter; a new counter gets the documented TTL (a window that does not slide)."""
        key = self.key(**parts)
        pipe = self.r.pipeline(transaction=True)
        pipe.incrby(key, by)
        if self.layout.ttl:
            pipe.expire(key, self.layout.ttl, nx=True)
        result = pipe.execute()
        return int(result[0])

    def delete(self, **parts: Any) -> bool:
        return bool(self.r.delete(self.key(**parts)))

    def touch(self, **parts: Any) -> bool:
        """Restart the key's TTL (a session kept alive); False when the key does not exist."""
        key = self.key(**parts)
        if self.layout.ttl:
            return bool(self.r.expire(key, self.layout.ttl))
        return bool(self.r.exists(key))

    def scan(self, count: int = 1000) -> Iterator[tuple[str, dict[str, str]]]:
        """(key, placeholder values) of every key of this layout, by SCAN."""
        for raw in self.r.scan_iter(match=self.glob, count=count):
            key = _text(raw)
            parts = self.parse(key)
            if parts is not None:
                yield key, parts


def _scalar(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"), default=str)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


class Keyspaces(Mapping[str, Keyspace]):
    """The document's keyspaces by name (`cart`, `room:members`) or by pattern (`cart:{user_id}`)."""

    def __init__(self, layouts: Iterable[m.Keyspace], client: redis.Redis) -> None:
        self.redis = client
        self._by_name = {ks.name: Keyspace(ks, client) for ks in layouts}
        self._by_pattern = {k.layout.pattern: k for k in self._by_name.values()}

    @classmethod
    def on(cls, layouts: Iterable[m.Keyspace], redis_url: str) -> Keyspaces:
        """The key layouts on the Redis at `redis_url`."""
        return cls(layouts, redis.Redis.from_url(redis_url))

    def __getitem__(self, name: str) -> Keyspace:
        found = self._by_name.get(name) or self._by_pattern.get(name)
        if found is None:
            known = ", ".join(sorted(self._by_name)) or "none"
            raise KeyError(f"the document has no key layout {name!r} (it has: {known})")
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_name)

    def __len__(self) -> int:
        return len(self._by_name)

    @cached_property
    def _specific_first(self) -> list[Keyspace]:
        return sorted(self._by_name.values(), key=lambda k: -len(re.sub(r"\{[^}]*\}", "", k.layout.pattern)))

    def match(self, key: str) -> tuple[Keyspace, dict[str, str]] | None:
        """The layout a key belongs to (the most specific pattern first), with its placeholder values."""
        for ks in self._specific_first:
            parts = ks.parse(key)
            if parts is not None:
                return ks, parts
        return None


def keyspaces(doc: str | Path | LoadedDocument, redis_url: str | None = None) -> Keyspaces:
    """The doc's Redis key layouts on the Redis at `redis_url` (default: $REDIS_URL)."""
    import os

    loaded = document(doc)
    target = redis_url or os.environ.get("REDIS_URL")
    if not target:
        raise SchemadocError("no Redis: give a URL or set REDIS_URL")
    return Keyspaces.on(loaded.schema.keyspaces, target)


# ---- audit ------------------------------------------------------------------------------------------

_REDIS_TYPE = {"json": "string", "string": "string", "counter": "string", "hash": "hash", "set": "set",
               "list": "list", "zset": "zset", "stream": "stream"}  # fmt: skip


@dataclass
class AuditReport:
    """What `kv audit` found: counts and a few example keys per kind of finding."""

    keys: int = 0
    by_layout: dict[str, int] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)  # unmatched, missing_ttl, wrong_type, bad_shape, dangling
    examples: dict[str, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(self.counts.values())

    def add(self, kind: str, example: str, sample: int) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + 1
        shown = self.examples.setdefault(kind, [])
        if len(shown) < sample:
            shown.append(example)

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "keys": self.keys,
            "by_layout": self.by_layout,
            "counts": self.counts,
            "examples": self.examples,
            "notes": self.notes,
        }


def audit(kv: Keyspaces, conn: Any = None, *, sample: int = 5, batch: int = 1000) -> AuditReport:
    """Walk the whole Redis with SCAN: keys no layout documents, keys without their TTL, values of the
    wrong type or shape, and (given a PostgreSQL connection) references to rows that do not exist."""
    report = AuditReport()
    refs: dict[str, dict[str, str]] = {}  # "public.products.id" → {value: an example key holding it}
    fetch = kv.redis.register_script(_FETCH_LUA)  # loaded once, EVALSHA per batch
    cursor = 0
    while True:
        cursor, raw_keys = kv.redis.scan(cursor=cursor, count=batch)
        keys = [_text(k) for k in raw_keys]
        matched = [(key, kv.match(key)) for key in keys]
        # one round trip per batch: type, TTL and (for strings and documented hashes) the value of each key
        wants = ["h" if f is not None and f[0].layout.redis_type == "hash" else "" for _, f in matched]
        results = list(fetch(keys=keys, args=wants)) if keys else []
        for (key, found), (kind, pttl, *rest) in zip(matched, results, strict=True):
            value = rest[0] if rest else None
            report.keys += 1
            if found is None:
                report.add("unmatched", key, sample)
                continue
            ks, parts = found
            layout = ks.layout
            report.by_layout[layout.pattern] = report.by_layout.get(layout.pattern, 0) + 1
            if _text(kind) != _REDIS_TYPE.get(layout.redis_type, layout.redis_type):
                report.add("wrong_type", f"{key} ({_text(kind)}, documented {layout.redis_type})", sample)
                continue
            if layout.ttl and pttl == -1:
                report.add("missing_ttl", f"{key} (documented {layout.ttl} s)", sample)
            for part in layout.placeholders:
                if part.references:
                    refs.setdefault(part.references, {}).setdefault(parts[part.name], key)
            try:
                decoded = _audit_value(layout, value)
                found_problems = ks.check(decoded) if layout.redis_type not in ("hash", "string", "counter") else []
            except ValueError as e:
                found_problems = [str(e)]
            if found_problems:
                report.add("bad_shape", f"{key}: {'; '.join(found_problems[:3])}", sample)
                continue
            for f in layout.fields:
                if f.references:
                    for v in _at_path(decoded, f.path):
                        if isinstance(v, (str, int)):
                            refs.setdefault(f.references, {}).setdefault(str(v), key)
        if cursor == 0:
            break
    if conn is not None:
        _dangling(conn, refs, report, sample)
    elif refs:
        report.notes.append("references to PostgreSQL rows were not checked (no database)")
    return report


_FETCH_LUA = """
local out = {}
for i, k in ipairs(KEYS) do
  local t = redis.call('TYPE', k)['ok']
  local row = {t, redis.call('PTTL', k)}
  if t == 'string' then row[3] = redis.call('GET', k)
  elseif t == 'hash' and ARGV[i] == 'h' then row[3] = redis.call('HGETALL', k) end
  out[i] = row
end
return out
"""


def _audit_value(layout: m.Keyspace, value: Any) -> Any:
    """The value decoded for validation; ValueError naming the problem when it cannot be."""
    t = layout.redis_type
    if t == "json":
        try:
            return json.loads(_text(value))
        except ValueError:
            raise ValueError("not JSON") from None
    if t == "counter":
        text = _text(value)
        if not re.fullmatch(r"-?\d+", text):
            raise ValueError(f"{text[:30]!r} is not an integer")
        return int(text)
    if t == "string":
        return _text(value)
    if t == "hash":
        flat = list(value or [])
        return {_text(flat[i]): _text(flat[i + 1]) for i in range(0, len(flat), 2)}
    return value


def _at_path(value: Any, path: str) -> Iterator[Any]:
    """The values at `items[].product_id` in a decoded value."""
    current = [value]
    for part in re.findall(r"[^.\[\]]+|\[\]", path):
        nxt: list[Any] = []
        for v in current:
            if part == "[]":
                nxt.extend(v if isinstance(v, list) else [])
            elif isinstance(v, dict) and part in v:
                nxt.append(v[part])
        current = nxt
    yield from current


def _dangling(conn: Any, refs: dict[str, dict[str, str]], report: AuditReport, sample: int) -> None:
    """Referenced values that name no row, per column, in chunks (one query per 50,000 values)."""
    from psycopg import sql

    for target, values in refs.items():
        schema, table, column = target.rsplit(".", 2)
        ids = list(values)
        for start in range(0, len(ids), 50_000):
            chunk = ids[start : start + 50_000]
            q = sql.SQL("SELECT v FROM unnest(%s::text[]) v EXCEPT SELECT {c}::text FROM {t} WHERE {c}::text = ANY(%s)")
            rows = conn.execute(
                q.format(c=sql.Identifier(column), t=sql.Identifier(schema, table)), (chunk, chunk)
            ).fetchall()
            for (v,) in rows:
                report.add("dangling", f"{values[v]} → {table}.{column} = {v} (no such row)", sample)
    conn.rollback()
