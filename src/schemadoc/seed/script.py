"""The doc's Prisma seed scripts as rows: `prisma.user.create({ data: { … } })` and friends.

A doc that uses Prisma often shows its development data as a `seed.ts`. Its calls are read, not run:
`create`, `createMany` and `upsert` (its `create` part) on a model, with literal values, enum
members, `new Date(…)`, `connect: { id: … }` on a relation, and references to records an earlier
call returned (`userId: user.id`). Field and model names go through the doc's @map/@@map. A value
that is computed (a function call, arithmetic, a spread) makes the call be skipped with a note: the
reader does not guess what a program would have done.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from schemadoc.parse import LoadedDocument
from schemadoc.parse.prisma import PModel, PrismaSchema, column_name, field_names, table_name, tokenize

_CALL = re.compile(
    r"(?:(?:const|let|var)\s+(?P<var>\w+)\s*=\s*)?(?:await\s+)?\w+\.(?P<model>\w+)\."
    r"(?P<method>create|createMany|upsert)\s*\(",
)
_TOKEN = re.compile(
    r"""\s*(?:(?P<str>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|`(?:[^`\\$]|\\.)*`)|(?P<num>-?\d+(?:\.\d+)?(?:e-?\d+)?)"""
    r"""|(?P<ident>[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)|(?P<punct>\.\.\.|[{}\[\](),:])|(?P<other>\S))"""
)


class Unsupported(Exception):
    """A value the reader will not evaluate."""


@dataclass(frozen=True)
class Ref:
    """`user.id`: a field of a record an earlier call returned, or an enum member."""

    path: tuple[str, ...]


@dataclass(frozen=True)
class Call:
    model: str  # the client's name: prisma.user → "user"
    method: str
    args: dict[str, Any]
    var: str | None
    line: int


class _Reader:
    def __init__(self, text: str) -> None:
        self.tokens = [(kind or "other", value) for kind, value in tokenize(_TOKEN, text)[0]]
        self.i = 0

    def peek(self) -> tuple[str, str]:
        return self.tokens[self.i] if self.i < len(self.tokens) else ("eof", "")

    def take(self, expect: str | None = None) -> tuple[str, str]:
        tok = self.peek()
        if expect is not None and tok[1] != expect:
            raise Unsupported(f"expected {expect!r}, found {tok[1]!r}")
        self.i += 1
        return tok

    def value(self) -> Any:
        kind, text = self.take()
        if kind == "str":
            if text.startswith("`") and "${" in text:
                raise Unsupported("a template string")
            body = text[1:-1]
            return json.loads('"' + body.replace('\\"', '"').replace('"', '\\"').replace("\\'", "'") + '"')
        if kind == "num":
            return float(text) if re.search(r"[.e]", text) else int(text)
        if text == "{":
            return self.object()
        if text == "[":
            items = []
            while self.peek()[1] != "]":
                items.append(self.value())
                if self.peek()[1] == ",":
                    self.take()
            self.take("]")
            return items
        if kind == "ident":
            if text in ("true", "false"):
                return text == "true"
            if text in ("null", "undefined"):
                return None
            if text == "new" and self.peek()[1] == "Date":
                self.take()
                self.take("(")
                arg = None if self.peek()[1] == ")" else self.value()
                self.take(")")
                return arg if arg is not None else Ref(("now()",))
            if self.peek()[1] == "(":
                raise Unsupported(f"a call of {text}()")
            return Ref(tuple(text.split(".")))
        raise Unsupported(f"{text!r}")

    def object(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        while self.peek()[1] != "}":
            kind, key = self.take()
            if key == "...":
                raise Unsupported("a spread")
            if kind == "str":
                key = key[1:-1]
            if self.peek()[1] in (",", "}"):
                out[key] = Ref((key,))  # shorthand { email }
            else:
                self.take(":")
                out[key] = self.value()
            if self.peek()[1] == ",":
                self.take()
            elif self.peek()[1] != "}":
                raise Unsupported(f"{self.peek()[1]!r} in an object")
        self.take("}")
        return out


def calls(doc: LoadedDocument) -> list[Call | tuple[int, str]]:
    """The seed calls of the doc's TypeScript/JavaScript blocks, in order; (line, reason) for unreadable ones."""
    out: list[Call | tuple[int, str]] = []
    for block in doc.blocks:
        if block.kind != "fence" or block.language not in ("ts", "typescript", "js", "javascript", "tsx", "jsx"):
            continue
        for mt in _CALL.finditer(block.text):
            line = block.line + block.text.count("\n", 0, mt.start())
            reader = _Reader(block.text[mt.end() :])
            try:
                args = reader.object() if reader.take("{") else {}
            except Unsupported as e:
                out.append((line, f"prisma.{mt.group('model')}.{mt.group('method')}: {e}; skipped"))
                continue
            out.append(Call(mt.group("model"), mt.group("method"), args, mt.group("var"), line))
    return out


@dataclass
class Row:
    """One row to insert: table, column values, the call's line; `var` names the record for later refs."""

    schema: str
    table: str
    values: dict[str, Any]
    json_columns: frozenset[str]
    var: str | None
    line: int


class Resolver:
    """Turns calls into rows with the doc's Prisma names mapped; refs resolved from returned records."""

    def __init__(self, prisma: PrismaSchema) -> None:
        self.prisma = prisma
        self.records: dict[str, dict[str, Any]] = {}  # var → {field or column name: value}

    def model(self, client_name: str) -> PModel | None:
        for name, model in self.prisma.models.items():
            if name[:1].lower() + name[1:] == client_name or name == client_name:
                return model
        return None

    def resolve(self, value: Any) -> Any:
        if isinstance(value, Ref):
            if value.path == ("now()",):
                return "now"
            head, *rest = value.path
            if head in self.records and len(rest) == 1 and rest[0] in self.records[head]:
                return self.records[head][rest[0]]
            enum = self.prisma.enums.get(head)
            if enum and len(rest) == 1:
                return next((db for name, db in enum.values if name == rest[0]), rest[0])
            raise Unsupported(f"{'.'.join(value.path)} is not a record an earlier call returned")
        if isinstance(value, dict):
            return {k: self.resolve(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        return value

    def rows(self, call: Call) -> list[Row]:
        model = self.model(call.model)
        if model is None:
            raise Unsupported(f"prisma.{call.model}: the doc has no such model")
        if call.method == "upsert":
            data = [call.args.get("create", {})]
        else:
            raw = call.args.get("data", {})
            data = raw if isinstance(raw, list) else [raw]
        fields = {f.name: f for f in model.fields}
        out = []
        for item in data:
            values: dict[str, Any] = {}
            json_cols = set()
            for key, raw_value in item.items():
                f = fields.get(key)
                if f is None:
                    raise Unsupported(f"{model.name} has no field {key!r}")
                if f.type in self.prisma.models:  # a relation: connect sets its foreign key
                    rel = f.attr("relation")
                    target = raw_value.get("connect") if isinstance(raw_value, dict) else None
                    if rel is None or not isinstance(target, dict) or "fields" not in rel.kwargs:
                        raise Unsupported(f"{key}: only connect on the side holding the key is read")
                    own = field_names(rel.kwargs["fields"])
                    refs = field_names(rel.kwargs.get("references", []))
                    for mine, theirs in zip(own, refs, strict=False):
                        if theirs not in target:
                            raise Unsupported(f"{key}: connect by {', '.join(target)} (not the key)")
                        values[column_name(fields[mine])] = self.resolve(target[theirs])
                    continue
                value = self.resolve(raw_value)
                enum = self.prisma.enums.get(f.type)
                if enum and isinstance(value, str):
                    value = next((db for name, db in enum.values if name == value), value)
                if f.type == "Json":
                    json_cols.add(column_name(f))
                values[column_name(f)] = value
            mapped = model.attr("schema")
            schema = str(mapped.args[0]) if mapped and mapped.args else "public"
            out.append(Row(schema, table_name(model), values, frozenset(json_cols), call.var, call.line))
        return out

    def returned(self, call: Call, model: PModel, record: dict[str, Any]) -> None:
        """Remember what a `const x = await prisma.m.create(…)` returned, by column and by field name."""
        if call.var is None:
            return
        by_name = dict(record)
        for f in model.fields:
            col = column_name(f)
            if col in record:
                by_name[f.name] = record[col]
        self.records[call.var] = by_name
