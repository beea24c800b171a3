"""Rules for code in the doc that runs and misbehaves: trigger functions and time-dependent CHECKs."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from pglast.parser import ParseError, parse_plpgsql_json

from schemadoc import model as m
from schemadoc.errors import Severity
from schemadoc.lint import Finding, rule
from schemadoc.parse import LoadedDocument


@lru_cache(maxsize=256)
def _plpgsql(body: str) -> dict[str, Any] | None:
    """The PL/pgSQL parse tree of a trigger function body (PostgreSQL's own PL/pgSQL parser)."""
    tag = "$sd$"
    while tag in body:
        tag = tag[:-1] + "x$"
    try:
        tree = json.loads(
            parse_plpgsql_json(f"CREATE FUNCTION f() RETURNS trigger AS {tag}{body}{tag} LANGUAGE plpgsql")
        )
    except (ParseError, ValueError):
        return None
    fn = tree[0].get("PLpgSQL_function") if tree else None
    return fn if isinstance(fn, dict) else None


def _record_use(fn: dict[str, Any]) -> tuple[set[str], set[str]]:
    """(fields read from NEW, fields read from OLD)."""
    new_no, old_no = fn.get("new_varno", 0), fn.get("old_varno", 1)
    datums = fn.get("datums", [])
    new_fields: set[str] = set()
    old_fields: set[str] = set()
    for d in datums:
        rf = d.get("PLpgSQL_recfield")
        if rf is not None:
            parent = rf.get("recparentno", 0)
            (new_fields if parent == new_no else old_fields if parent == old_no else set()).add(rf["fieldname"])
    return new_fields, old_fields


def _returned(body: str) -> set[str]:
    """Records the function returns ('new', 'old', 'null'). libpg_query's JSON leaves the returned
    variable out of RETURN statements, so this reads the (comment-free) source text."""
    code = re.sub(r"--[^\n]*|/\*.*?\*/", "", body, flags=re.S)
    return {w.lower() for w in re.findall(r"\bRETURN\s+(NEW|OLD|NULL)\b", code, re.I)}


def _trigger_functions(doc: LoadedDocument) -> Iterator[tuple[m.Trigger, m.Function]]:
    functions = {m.qualify(f.schema, f.name): f for f in doc.schema.functions}
    for t in doc.schema.triggers:
        f = functions.get(t.function)
        if f is not None and f.language == "plpgsql" and t.for_each_row:
            yield t, f


def _null_record_reads(
    doc: LoadedDocument, event: str, record: str
) -> Iterator[tuple[m.Trigger, m.Function, set[str]]]:
    """Row triggers fired by `event` whose function reads fields of `record`, which is NULL there."""
    for t, f in _trigger_functions(doc):
        tree = _plpgsql(f.body)
        if tree is None or event not in t.events or _branches_on_op(f):
            continue
        fields = _record_use(tree)[0 if record == "new" else 1]
        if fields:
            yield t, f, fields


def _branches_on_op(f: m.Function) -> bool:
    return bool(re.search(r"\bTG_OP\b", f.body, re.I))


@rule(
    "SD301",
    "new-in-delete-trigger",
    Severity.WARNING,
    "runtime",
    """
    In a row trigger fired by DELETE, NEW is NULL: every NEW.field reads NULL, so statements such as
    `UPDATE orders ... WHERE id = NEW.order_id` quietly do nothing on deletes. Branch on TG_OP and use
    OLD for DELETE, or fire the trigger for INSERT OR UPDATE only.""",
)
def new_in_delete_trigger(doc: LoadedDocument) -> Iterator[Finding]:
    for t, f, new_fields in _null_record_reads(doc, "DELETE", "new"):
        yield Finding(
            f'trigger "{t.name}" fires on DELETE, where NEW is NULL, but {f.name}() reads '
            f"NEW.{', NEW.'.join(sorted(new_fields))}",
            t.span,
            help=f"use COALESCE(NEW, OLD) or IF TG_OP = 'DELETE' THEN … OLD.{sorted(new_fields)[0]} … in {f.name}()",
        )


@rule(
    "SD302",
    "old-in-insert-trigger",
    Severity.WARNING,
    "runtime",
    """
    In a row trigger fired by INSERT, OLD is NULL: every OLD.field reads NULL. Branch on TG_OP, or do
    not fire the trigger on INSERT.""",
)
def old_in_insert_trigger(doc: LoadedDocument) -> Iterator[Finding]:
    for t, f, old_fields in _null_record_reads(doc, "INSERT", "old"):
        yield Finding(
            f'trigger "{t.name}" fires on INSERT, where OLD is NULL, but {f.name}() reads '
            f"OLD.{', OLD.'.join(sorted(old_fields))}",
            t.span,
            help="branch on TG_OP, or leave INSERT out of the trigger's events",
        )


@rule(
    "SD303",
    "before-delete-returns-new",
    Severity.WARNING,
    "runtime",
    """
    A BEFORE row trigger that returns NULL cancels the operation for that row. On DELETE, NEW is NULL,
    so a BEFORE DELETE trigger whose function ends with RETURN NEW silently keeps every row it was
    asked to delete. Return OLD on DELETE.""",
)
def before_delete_returns_new(doc: LoadedDocument) -> Iterator[Finding]:
    for t, f in _trigger_functions(doc):
        tree = _plpgsql(f.body)
        if tree is None or t.timing != "BEFORE" or "DELETE" not in t.events or _branches_on_op(f):
            continue
        if "new" in _returned(f.body):
            yield Finding(
                f'BEFORE DELETE trigger "{t.name}" returns NEW, which is NULL on DELETE: the delete is '
                "skipped for every row",
                t.span,
                help=f"RETURN OLD when TG_OP = 'DELETE' in {f.name}()",
            )


@rule(
    "SD304",
    "after-trigger-return-ignored",
    Severity.INFO,
    "runtime",
    """
    The value an AFTER row trigger returns is ignored: changes made to NEW in it never reach the table.
    Returning NEW there is harmless, but assignments to NEW.field in an AFTER trigger are lost.""",
)
def after_trigger_assigns_new(doc: LoadedDocument) -> Iterator[Finding]:
    for t, f in _trigger_functions(doc):
        if t.timing != "AFTER":
            continue
        if re.search(r"\bNEW\s*\.\s*\w+\s*:?=(?!=)", f.body, re.I):
            yield Finding(
                f'AFTER trigger "{t.name}" assigns to NEW in {f.name}(); the change is discarded',
                t.span,
                help="make the trigger BEFORE if it is meant to change the row",
            )


_TIME_DEPENDENT = re.compile(
    r"\b(CURRENT_TIMESTAMP|CURRENT_DATE|CURRENT_TIME|LOCALTIMESTAMP|LOCALTIME|now\s*\(|clock_timestamp\s*\(|"
    r"statement_timestamp\s*\(|transaction_timestamp\s*\(|timeofday\s*\(|random\s*\()",
    re.I,
)


@rule(
    "SD305",
    "time-dependent-check",
    Severity.WARNING,
    "runtime",
    """
    PostgreSQL checks a CHECK constraint only when a row is written. A CHECK that compares with the
    current time (`expires_at > CURRENT_TIMESTAMP`) is true when the row is inserted and becomes false
    later; the row then cannot be updated without failing, and a dump no longer restores. Enforce such
    rules in queries (WHERE expires_at > now()) or with a scheduled cleanup.""",
)
def time_dependent_check(doc: LoadedDocument) -> Iterator[Finding]:
    for t in doc.schema.tables:
        for c in t.checks:
            mt = _TIME_DEPENDENT.search(c.expression)
            if mt:
                yield Finding(
                    f'CHECK "{c.name}" on "{t.name}" depends on the time it is evaluated '
                    f"({mt.group(1).rstrip('( ')}): rows that passed become invalid later",
                    c.span,
                    help="filter expired rows in queries instead of constraining them",
                )
