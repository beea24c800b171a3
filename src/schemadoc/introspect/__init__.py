"""Read a live database (pg_catalog) into the same Schema model the document parses into."""

from __future__ import annotations

from collections import defaultdict
from functools import cache
from importlib.resources import files
from typing import Any

import psycopg
from psycopg.rows import dict_row

from schemadoc import model as m

_FK_ACTIONS = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}
_VOLATILITY = {"i": "IMMUTABLE", "s": "STABLE", "v": "VOLATILE"}
_MODES = {"i": "IN", "o": "OUT", "b": "INOUT", "v": "VARIADIC", "t": "TABLE"}


@cache
def query(name: str, server_version: int = 10**6, extension_members: bool = False, clones: bool = False) -> str:
    """The catalog query `name` for a server of `server_version` (libpq's number, 140005 for 14.5).

    Catalog columns that newer servers added are read between `-- @since N` and `-- @else` (or
    `-- @end`); what older servers get instead follows `-- @else`. A line ending `-- @own` leaves out
    what an extension owns; with `extension_members` it is dropped, and those objects are read too. A
    line ending `-- @clones: ALTERNATIVE` is ALTERNATIVE with `clones`: the query then reads what partitions
    hold from their parent (cloned keys and indexes) instead of what tables hold of their own."""
    text = files("schemadoc.introspect").joinpath("sql", f"{name}.sql").read_text()
    lines = []
    for line in text.splitlines(keepends=True):
        if extension_members and line.rstrip().endswith("-- @own"):
            continue
        head, marker, alternative = line.partition("-- @clones:")
        lines.append((alternative.strip() + "\n" if clones else head.rstrip() + "\n") if marker else line)
    return for_version("".join(lines), server_version)


def for_version(text: str, server_version: int) -> str:
    kept: list[str] = []
    keep = [True]
    for line in text.splitlines(keepends=True):
        directive = line.strip()
        if directive.startswith("-- @since "):
            keep.append(keep[-1] and server_version >= int(directive.split()[2]) * 10000)
        elif directive == "-- @else":
            since_ok = keep.pop()
            keep.append(keep[-1] and not since_ok)
        elif directive == "-- @end":
            keep.pop()
        elif keep[-1]:
            kept.append(line)
    return "".join(kept)


def rows(
    conn: psycopg.Connection[Any],
    name: str,
    params: dict[str, Any] | None = None,
    extension_members: bool = False,
    clones: bool = False,
) -> list[dict[str, Any]]:
    """The rows of the catalog query `name`, as dicts."""
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(query(name, conn.info.server_version, extension_members, clones), params)
        return cur.fetchall()


def partition_clones(conn: psycopg.Connection[Any]) -> m.Schema:
    """What partitions hold from their parents: the keys, foreign keys and indexes PostgreSQL clones into each
    (the model has them once, on the parent). A partition detached keeps them as its own."""
    keyed: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for r in rows(conn, "constraints", clones=True):
        keyed[(r["table_schema"], r["table_name"])].append(r)
    tables = [m.Table(schema, name, (), **_constraints(found)) for (schema, name), found in sorted(keyed.items())]
    return m.Schema.build(tables=tables, indexes=[_index(r) for r in rows(conn, "indexes", clones=True)])


def introspect(
    conn: psycopg.Connection[Any], role_names: tuple[str, ...] = (), *, extension_members: bool = False
) -> m.Schema:
    """The schema of the connected database; system, extension-owned and schemadoc's own objects excluded.

    Roles are cluster-wide, so only the ones this database's grants and policies name, and those in
    `role_names`, are read. `extension_members`: what extensions own is read too (the REST API exposes
    an extension's tables and functions as PostgREST does; a migration never touches them).
    """

    def _rows(name: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        return rows(conn, name, params, extension_members)

    columns: dict[int, list[m.Column]] = defaultdict(list)
    for r in _rows("columns"):
        columns[r["table_oid"]].append(
            m.Column(
                r["name"],
                r["type"],
                r["not_null"],
                r["default"],
                r["identity"],
                r["generated"],
                r["comment"],
                collation=r["collation"],
                inherited=r["inherited"],
            )
        )
    constraints: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for r in _rows("constraints"):
        constraints[r["table_oid"]].append(r)
    tables = []
    namespaces: set[str] = set()
    for t in _rows("tables"):
        namespaces.add(t["schema"])
        tables.append(
            m.Table(
                schema=t["schema"],
                name=t["name"],
                columns=tuple(columns[t["oid"]]),
                **_constraints(constraints[t["oid"]]),
                partition_by=t["partition_by"],
                partition_of=t["partition_of"],
                partition_bound=t["partition_bound"],
                rls_enabled=t["rls_enabled"],
                rls_forced=t["rls_forced"],
                comment=t["comment"],
                unlogged=t["unlogged"],
                inherits=tuple(t["inherits"]),
            )
        )
    indexes = [_index(r) for r in _rows("indexes")]
    enums, composites, domains = [], [], []
    for r in _rows("types"):
        if r["kind"] == "e":
            enums.append(m.Enum(r["schema"], r["name"], tuple(r["enum_values"])))
        elif r["kind"] == "c":
            attributes = tuple((a.split(" ", 1)[0], a.split(" ", 1)[1]) for a in r["attributes"])
            composites.append(m.CompositeType(r["schema"], r["name"], attributes))
        else:
            domain_checks = tuple(m.Check(*c.split("\x1f", 1)) for c in r["checks"])
            domains.append(m.Domain(r["schema"], r["name"], r["base_type"], r["not_null"], r["default"], domain_checks))
    grants = _grants(_rows("grants"))
    policies = [
        m.Policy(
            r["schema"],
            r["table_name"],
            r["name"],
            r["command"],
            r["permissive"],
            tuple(sorted(r["roles"])),
            r["using"],
            r["check"],
        )
        for r in _rows("policies")
    ]
    view_deps: dict[str, list[str]] = defaultdict(list)
    for r in _rows("view_deps"):
        view_deps[r["view"]].append(r["depends_on"])
    wanted = set(role_names) | {g.grantee for g in grants} | {r for p in policies for r in p.roles}
    wanted -= {"public", "current_user", "session_user", "current_role"}
    return m.Schema.build(
        schemas=(namespaces | {r["name"] for r in _rows("schemas")}) - {"public"},  # empty ones too
        extensions=[m.Extension(r["name"], None, version=r["version"]) for r in _rows("extensions")],
        collations=[m.Collation(**r) for r in _rows("collations")],
        enums=enums,
        composites=composites,
        domains=domains,
        sequences=[_sequence(r) for r in _rows("sequences")],
        tables=tables,
        indexes=indexes,
        functions=[_function(r) for r in _rows("functions")],
        views=[
            m.View(
                r["schema"],
                r["name"],
                r["definition"].strip().rstrip(";"),
                r["materialized"],
                tuple(view_deps.get(f"{r['schema']}.{r['name']}", ())),
            )
            for r in _rows("views")
        ],
        triggers=[_trigger(r) for r in _rows("triggers")],
        policies=policies,
        roles=[m.Role(r["name"], r["login"]) for r in _rows("roles", {"names": sorted(wanted)})],
        grants=grants,
        comments=[m.Comment(r["object_kind"], r["object_name"], r["text"]) for r in _rows("comments")],
    )


def _constraints(found: list[dict[str, Any]]) -> dict[str, Any]:
    """A table's keys and constraints from its rows of constraints.sql, as m.Table's fields."""
    pk = None
    uniques, checks, fks, exclusions = [], [], [], []
    for c in found:
        cols = tuple(c["columns"])
        if c["kind"] == "p":
            pk = m.PrimaryKey(c["name"], cols, deferrable=c["deferrable"], initially_deferred=c["initially_deferred"])
        elif c["kind"] == "u":
            uniques.append(m.Unique(c["name"], cols, c["nulls_not_distinct"], c["deferrable"], c["initially_deferred"]))
        elif c["kind"] == "x":
            exclusions.append(m.Exclusion(c["name"], c["expression"]))
        elif c["kind"] == "c":
            checks.append(m.Check(c["name"], c["expression"], c["no_inherit"]))
        elif c["kind"] == "f":
            fks.append(
                m.ForeignKey(
                    c["name"],
                    cols,
                    c["ref_schema"],
                    c["ref_table"],
                    tuple(c["ref_columns"]),
                    _FK_ACTIONS[c["on_delete"]],
                    _FK_ACTIONS[c["on_update"]],
                    c["match_type"] == "f",
                    c["deferrable"],
                    c["initially_deferred"],
                )
            )
    return {
        "primary_key": pk,
        "uniques": tuple(sorted(uniques, key=lambda u: u.name)),
        "checks": tuple(sorted(checks, key=lambda c: c.name)),
        "foreign_keys": tuple(sorted(fks, key=lambda f: f.name)),
        "exclusions": tuple(sorted(exclusions, key=lambda x: x.name)),
    }


def _index(r: dict[str, Any]) -> m.Index:
    return m.Index(
        r["schema"],
        r["name"],
        r["table_name"],
        tuple(r["keys"][: r["key_count"]]),
        r["is_unique"],
        r["method"],
        r["where"],
        tuple(r["keys"][r["key_count"] :]),
        r["nulls_not_distinct"],
    )


_TYPE_MAX = {"smallint": 2**15 - 1, "integer": 2**31 - 1, "bigint": 2**63 - 1}


def _sequence(r: dict[str, Any]) -> m.Sequence:
    """A sequence, with bounds that are the defaults for its type and direction left unsaid (None)."""
    top = _TYPE_MAX.get(r["type"], 2**63 - 1)
    ascending = r["increment"] > 0
    default_min, default_max = (1, top) if ascending else (-top - 1, -1)
    return m.Sequence(
        r["schema"],
        r["name"],
        r["type"],
        r["start"],
        r["increment"],
        None if r["min_value"] == default_min else r["min_value"],
        None if r["max_value"] == default_max else r["max_value"],
        r["cache"],
        r["cycle"],
    )


def _function(r: dict[str, Any]) -> m.Function:
    names, modes, types = r["arg_names"], r["arg_modes"], r["arg_types"]
    args = []
    for i, typ in enumerate(types):
        mode = _MODES[modes[i]] if modes else "IN"
        if mode == "TABLE":
            continue
        args.append(m.Argument(names[i] if i < len(names) and names[i] else None, typ, mode))
    if r["default_count"]:
        defaults = _split_defaults(r["arg_defaults"])
        inputs = [i for i, a in enumerate(args) if a.mode in ("IN", "INOUT", "VARIADIC")]
        for idx, value in zip(inputs[-len(defaults) :], defaults, strict=False):
            args[idx] = m.replace(args[idx], default=value)
    return m.Function(
        r["schema"],
        r["name"],
        tuple(args),
        r["returns"] or "",  # a procedure has no result
        r["language"],
        r["body"],
        _VOLATILITY[r["volatility"]],
        r["strict"],
        r["security_definer"],
        "procedure" if r["kind"] == "p" else "function",
        standard_body=bool(r["standard_body"]),
    )


def _split_defaults(text: str) -> list[str]:
    """pg_get_expr of proargdefaults is a comma-separated list; split at top-level commas."""
    out, depth, quote, start = [], 0, False, 0
    for i, ch in enumerate(text):
        if ch == "'":
            quote = not quote
        elif not quote and ch in "([":
            depth += 1
        elif not quote and ch in ")]":
            depth -= 1
        elif not quote and depth == 0 and ch == ",":
            out.append(text[start:i].strip())
            start = i + 1
    out.append(text[start:].strip())
    return out


def _trigger(r: dict[str, Any]) -> m.Trigger:
    bits = r["type_bits"]
    timing = "BEFORE" if bits & 2 else "INSTEAD OF" if bits & 64 else "AFTER"
    events = tuple(name for bit, name in ((4, "INSERT"), (8, "DELETE"), (16, "UPDATE"), (32, "TRUNCATE")) if bits & bit)
    raw: bytes = bytes(r["args"]) if r["args"] is not None else b""
    args = tuple(a.decode() for a in raw.split(b"\x00")[: r["nargs"]]) if r["nargs"] else ()
    return m.Trigger(
        r["schema"],
        r["table_name"],
        r["name"],
        timing,
        events,
        r["function"],
        bool(bits & 1),
        tuple(r["update_columns"]),
        args,
        r["when"],
    )


def _grants(rows: list[dict[str, Any]]) -> list[m.Grant]:
    merged: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for r in rows:
        merged[(r["object_kind"], r["object_name"], r["grantee"])].add(r["privilege"])
    return [m.Grant(kind, name, grantee, tuple(sorted(privs))) for (kind, name, grantee), privs in merged.items()]
