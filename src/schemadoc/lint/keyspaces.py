"""Rules for the doc's Redis key layouts: expiry, examples that contradict themselves, loose references."""

from __future__ import annotations

import re
from collections.abc import Iterator

from schemadoc.errors import Severity, Span
from schemadoc.lint import Finding, rule
from schemadoc.parse import LoadedDocument
from schemadoc.parse.redis import parse_json_example, ttl_amounts

_SHOULD_EXPIRE = re.compile(r"cach|rate[ _-]?limit|throttl|\botp\b|one[- ]time|\block\b|nonce|verification", re.I)


@rule(
    "SD390",
    "cache-key-without-ttl",
    Severity.WARNING,
    "redis",
    """
    A key the doc calls a cache (or a rate-limit window, a lock, a one-time code) is only right while it
    expires: without a TTL, Redis keeps it until memory runs out, every stale copy stays served, and a
    rate-limit counter never resets. Give the layout its TTL (SET … EX n), or say that it never expires.""",
)
def cache_key_without_ttl(doc: LoadedDocument) -> Iterator[Finding]:
    for ks in doc.schema.keyspaces:
        if ks.ttl is None and _SHOULD_EXPIRE.search(f"{ks.pattern} {ks.description}"):
            if ks.ttl_text and re.search(r"\b(none|never|no expiry|persistent)\b", ks.ttl_text, re.I):
                continue  # the doc says, on purpose, that it does not expire
            yield Finding(f"{ks.pattern} is a cache but has no TTL", ks.span, help="give it a TTL, e.g. TTL: 1 hour")


@rule(
    "SD391",
    "key-example-contradicts",
    Severity.WARNING,
    "redis",
    """
    The layout says one thing and shows another: a TTL written twice with different amounts ("1 hour (7200
    seconds)"), a counter whose example is not an integer, a hash, set or list whose example is a plain
    value. Code written from either half is wrong for the other; one of them must change.""",
)
def key_example_contradicts(doc: LoadedDocument) -> Iterator[Finding]:
    for ks in doc.schema.keyspaces:
        amounts = ttl_amounts(ks.ttl_text or "")
        if len(set(amounts)) > 1:
            yield Finding(
                f"the TTL of {ks.pattern} is written as {' and as '.join(f'{a:,} s' for a in dict.fromkeys(amounts))}",
                ks.span,
                help="keep one amount",
            )
        example = (ks.example or "").strip()
        if not example:
            continue
        parsed = parse_json_example(example)
        value: object = parsed[0] if parsed else example
        literal = re.fullmatch(r"-?\d+(\.\d+)?|[\[{\"].*", example, re.S)  # not prose such as "Request count"
        if ks.redis_type == "counter" and literal and not re.fullmatch(r"-?\d+", example):
            yield Finding(f"{ks.pattern} is a counter but its example {example[:40]!r} is not an integer", ks.span)
        if ks.redis_type in ("hash", "set", "list", "zset") and isinstance(value, (int, float, bool)):
            yield Finding(f"{ks.pattern} is a {ks.redis_type} but its example is a single value", ks.span)
        if ks.redis_type == "hash" and isinstance(value, list):
            yield Finding(f"{ks.pattern} is a hash but its example is a list", ks.span)


@rule(
    "SD392",
    "key-reference-unlinked",
    Severity.INFO,
    "redis",
    """
    A key placeholder or value field named like a row id ({user_id}, items[].product_id) whose name
    matches no table or foreign key: schemadoc cannot check that the keys point at rows that exist (kv
    audit), nor seed them from real rows. Name it after the table (customer_id for customers), or ignore
    this when it is not a row id (a session token).""",
)
def key_reference_unlinked(doc: LoadedDocument) -> Iterator[Finding]:
    if not doc.schema.tables:
        return
    for ks in doc.schema.keyspaces:
        for part in ks.placeholders:
            if part.references is None and re.search(r"(^|_)id$", part.name, re.I):
                yield Finding(f"{{{part.name}}} in {ks.pattern} names no table or column", ks.span)
        for f in ks.fields:
            last = f.path.rsplit(".", 1)[-1]
            if f.references is None and re.search(r"(^|_)id$", last, re.I) and f.type == "string":
                line = _field_line(doc, ks.span, last)
                yield Finding(f"{f.path} in {ks.pattern} names no table or column", line)


def _field_line(doc: LoadedDocument, span: Span | None, name: str) -> Span | None:
    """The line of a field's example below the layout's key line, for a precise position."""
    if span is None:
        return None
    lines = doc.text.splitlines()
    for no in range(span.line, min(span.line + 60, len(lines))):
        if f'"{name}"' in lines[no]:
            return Span(span.file, no + 1)
    return span
