"""The headers PostgREST reads and writes besides the body: `Prefer` and `Preference-Applied`, `Range` and
`Content-Range`, and a read's `Content-Location`."""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from urllib.parse import parse_qsl, quote

from schemadoc.rest.http import Request
from schemadoc.rest.query import Query
from schemadoc.rest.statement import ApiError

PREFERENCES = {
    "return": ("minimal", "headers-only", "representation"),
    "count": ("exact", "planned", "estimated"),
    "resolution": ("merge-duplicates", "ignore-duplicates"),
    "missing": ("default", "null"),
    "tx": ("commit", "rollback"),
    "handling": ("strict", "lenient"),
}


def preferences(request: Request) -> dict[str, str]:
    """The request's `Prefer` header; with `handling=strict`, one PostgREST does not know is an error."""
    prefer = request.prefer()
    if prefer.get("handling") == "strict":
        bad = [
            k if not v else f"{k}={v}"
            for k, v in prefer.items()
            if not (k == "max-affected" and v.isdigit()) and v not in PREFERENCES.get(k, ())
        ]
        if bad:
            raise ApiError(
                400,
                "PGRST122",
                "Invalid preferences given with handling=strict",
                "Invalid preferences: " + ", ".join(bad),
            )
    return prefer


_APPLIED_ORDER = ("resolution", "return", "count", "tx", "missing", "handling", "max-affected")


def applied(prefer: dict[str, str], honoured: tuple[str, ...], has_key: bool = True) -> dict[str, str]:
    """`Preference-Applied`: the preferences of the request this route honoured, in PostgREST's order."""
    parts = []
    for k in _APPLIED_ORDER:
        v = prefer.get(k)
        if v is None or k not in honoured or (k == "resolution" and not has_key):
            continue
        if v in PREFERENCES.get(k, ()) or (k == "max-affected" and v.isdigit()):
            parts.append(f"{k}={v}")
    return {"Preference-Applied": ", ".join(parts)} if parts else {}


def chosen(prefer: dict[str, str], key: str) -> str | None:
    """The request's preference for `key` when it is one PostgREST knows (else as if not given)."""
    value = prefer.get(key)
    return value if value in PREFERENCES[key] else None


def max_affected(prefer: dict[str, str]) -> int | None:
    """`max-affected=N` counts with `handling=strict` only, as in PostgREST (lenient handling ignores it)."""
    value = prefer.get("max-affected", "")
    return int(value) if prefer.get("handling") == "strict" and value.isdigit() else None


def content_range(offset: int, page: int, total: int | None) -> str:
    size = "*" if total is None else str(total)
    if page == 0:
        return f"*/{size}"
    return f"{offset}-{offset + page - 1}/{size}"


def with_range(request: Request, q: Query) -> Query:
    """`Range: 0-9` (Range-Unit: items) as the root's limit and offset, unless the query sets them."""
    header = request.headers.get("range")
    mt = re.fullmatch(r"\s*(?:items=)?(\d+)-(\d*)\s*", header or "")
    if not mt:
        return q
    start = int(mt.group(1))
    limits, offsets = dict(q.limits), dict(q.offsets)
    offsets.setdefault((), start)
    if mt.group(2):
        limits.setdefault((), int(mt.group(2)) - start + 1)
    return replace(q, limits=limits, offsets=offsets)


@lru_cache(maxsize=4096)
def location_of(name: str, query: str) -> str:
    """A read's Content-Location, as PostgREST writes it: the path with the query's parameters sorted by
    name, a repeated name's values joined by commas, everything but letters, digits and -_.~ escaped."""
    values: dict[str, list[str]] = {}
    for k, v in sorted(parse_qsl(query, keep_blank_values=True), key=lambda kv: kv[0]):
        values.setdefault(k, []).append(quote(v, safe=""))
    canonical = "&".join(f"{quote(k, safe='')}={','.join(vs)}" for k, vs in values.items())
    return f"/{name}?{canonical}" if canonical else f"/{name}"
