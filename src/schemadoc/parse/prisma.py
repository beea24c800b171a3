"""Read the Prisma schema language and map it to PostgreSQL exactly as Prisma Migrate does."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from schemadoc.errors import Severity, Span
from schemadoc.parse.builder import SchemaBuilder

SCALARS = {
    "String": "text",
    "Int": "integer",
    "BigInt": "bigint",
    "Float": "double precision",
    "Decimal": "numeric(65,30)",
    "Boolean": "boolean",
    "DateTime": "timestamp(3) without time zone",
    "Json": "jsonb",
    "Bytes": "bytea",
}

# MySQL's native types (a Prisma schema written for MySQL), as PostgreSQL holds the same values
MYSQL_NATIVE = {
    "TinyText": "text",
    "MediumText": "text",
    "LongText": "text",
    "TinyInt": "smallint",
    "UnsignedTinyInt": "smallint",
    "UnsignedSmallInt": "integer",
    "MediumInt": "integer",
    "UnsignedMediumInt": "integer",
    "UnsignedInt": "bigint",
    "UnsignedBigInt": "numeric(20,0)",
    "Double": "double precision",
    "Float": "real",
    "Year": "integer",
    "Binary": "bytea",
    "VarBinary": "bytea",
    "TinyBlob": "bytea",
    "Blob": "bytea",
    "MediumBlob": "bytea",
    "LongBlob": "bytea",
    "DateTime": "timestamp(3) without time zone",
}

NATIVE = {
    "Text": "text",
    "VarChar": "character varying",
    "Char": "character",
    "Uuid": "uuid",
    "Citext": "citext",
    "Inet": "inet",
    "Money": "money",
    "Xml": "xml",
    "Bit": "bit",
    "VarBit": "bit varying",
    "Oid": "oid",
    "SmallInt": "smallint",
    "Integer": "integer",
    "Int": "integer",
    "BigInt": "bigint",
    "Real": "real",
    "DoublePrecision": "double precision",
    "Decimal": "numeric",
    "Boolean": "boolean",
    "Date": "date",
    "Json": "json",
    "JsonB": "jsonb",
    "ByteA": "bytea",
}
TIME_NATIVE = {
    "Timestamp": "timestamp({p}) without time zone",
    "Timestamptz": "timestamp({p}) with time zone",
    "Time": "time({p}) without time zone",
    "Timetz": "time({p}) with time zone",
}

ACTIONS = {
    "Cascade": "CASCADE",
    "Restrict": "RESTRICT",
    "NoAction": "NO ACTION",
    "SetNull": "SET NULL",
    "SetDefault": "SET DEFAULT",
}

# database-side defaults for ids Prisma generates in the client, so any client can insert a row
CUID_DEFAULT = "schemadoc.cuid()"
UUID_DEFAULT_TEXT = "(gen_random_uuid())::text"
UUID_DEFAULT = "gen_random_uuid()"


@dataclass(slots=True)
class Attribute:
    name: str  # "id", "default", "db.VarChar", "relation", "@map" for block attributes, …
    args: list[object]  # positional values
    kwargs: dict[str, object]
    line: int | None = None  # where a block attribute (@@index, @@unique) is written


@dataclass(slots=True)
class PField:
    name: str
    type: str
    optional: bool
    is_list: bool
    attributes: list[Attribute]
    line: int
    comment: str | None = None

    def attr(self, name: str) -> Attribute | None:
        return next((a for a in self.attributes if a.name == name), None)


@dataclass(slots=True)
class PModel:
    name: str
    fields: list[PField]
    attributes: list[Attribute]
    line: int
    origin: str = "prisma"
    end_line: int = 0  # its closing brace's

    def attr(self, name: str) -> Attribute | None:
        return next((a for a in self.attributes if a.name == name), None)

    def attrs(self, name: str) -> list[Attribute]:
        return [a for a in self.attributes if a.name == name]


@dataclass(slots=True)
class PEnum:
    name: str
    values: list[tuple[str, str]]  # (prisma name, db name)
    db_name: str
    line: int


@dataclass(slots=True)
class PrismaSchema:
    models: dict[str, PModel] = field(default_factory=dict)
    enums: dict[str, PEnum] = field(default_factory=dict)


# -- attribute argument parsing ---------------------------------------------------------------

_TOKEN = re.compile(
    r'\s*(?:(?P<str>"(?:[^"\\]|\\.)*")|(?P<num>-?\d+(?:\.\d+)?)|(?P<ident>[A-Za-z_][\w.]*)|(?P<punct>[\[\](),:]))'
)


def tokenize(pattern: re.Pattern[str], text: str) -> tuple[list[tuple[str, str]], int]:
    """(kind, text) tokens of `text` by a pattern of named groups, and where they stopped."""
    tokens: list[tuple[str, str]] = []
    pos = 0
    while pos < len(text):
        mt = pattern.match(text, pos)
        if not mt or mt.end() == pos:
            break
        kind = mt.lastgroup or ""
        tokens.append((kind, mt.group(kind)))
        pos = mt.end()
    return tokens, pos


class _ArgParser:
    def __init__(self, text: str) -> None:
        self.tokens, pos = tokenize(_TOKEN, text)
        if text[pos:].strip():
            raise ValueError(f"unexpected {text[pos : pos + 10]!r}")
        self.i = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        if self.i >= len(self.tokens):
            raise ValueError("the attribute ends before its closing bracket")
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def value(self) -> object:
        kind, text = self.take()
        if kind == "str":
            return bytes(text[1:-1], "utf-8").decode("unicode_escape")
        if kind == "num":
            return float(text) if "." in text else int(text)
        if kind == "punct" and text == "[":
            items = []
            while self.peek() and self.peek() != ("punct", "]"):
                items.append(self.value())
                if self.peek() == ("punct", ","):
                    self.take()
            self.take()
            return items
        if kind == "ident":
            if self.peek() == ("punct", "("):
                self.take()
                args, kwargs = self.arguments()
                return ("call", text, args, kwargs)
            return ("ident", text)
        raise ValueError(f"unexpected {text!r}")

    def arguments(self) -> tuple[list[object], dict[str, object]]:
        args: list[object] = []
        kwargs: dict[str, object] = {}
        while self.peek() and self.peek() != ("punct", ")"):
            if (
                self.peek()[0] == "ident"  # type: ignore[index]
                and self.i + 1 < len(self.tokens)
                and self.tokens[self.i + 1] == ("punct", ":")
            ):
                key = self.take()[1]
                self.take()
                kwargs[key] = self.value()
            else:
                args.append(self.value())
            if self.peek() == ("punct", ","):
                self.take()
        if self.peek():
            self.take()
        return args, kwargs


def _split_attributes(text: str) -> list[tuple[str, str]]:
    """'@id @default(cuid()) @map("x")' -> [("id", ""), ("default", "cuid()"), ("map", '"x"')]."""
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(text):
        if text[i] != "@":
            i += 1
            continue
        j = i + 1
        while j < len(text) and (text[j].isalnum() or text[j] in "_.@"):
            j += 1
        name = text[i + 1 : j]
        args = ""
        if j < len(text) and text[j] == "(":
            depth, k, in_str = 0, j, False
            while k < len(text):
                ch = text[k]
                if in_str:
                    if ch == "\\":
                        k += 1
                    elif ch == '"':
                        in_str = False
                elif ch == '"':
                    in_str = True
                elif ch == "(":
                    depth += 1
                elif ch == ")":
                    depth -= 1
                    if depth == 0:
                        break
                k += 1
            args = text[j + 1 : k]
            j = k + 1
        out.append((name, args))
        i = j
    return out


def _attribute(name: str, args: str) -> Attribute:
    parser = _ArgParser(args)
    a, kw = parser.arguments()
    return Attribute(name, a, kw)


def _strip_comment(line: str) -> tuple[str, str | None]:
    in_str = False
    for i, ch in enumerate(line):
        if ch == '"':
            in_str = not in_str
        elif not in_str and line.startswith("//", i):
            return line[:i], line[i + 2 :].strip().lstrip("/").strip() or None
    return line, None


_BLOCK_START = re.compile(r"^\s*(model|enum|datasource|generator|view|type)\s+(\w+)\s*\{\s*$")
_FIELD = re.compile(r"^\s*(\w+)\s+([\w.]+(?:\([^)]*\))?)(\[\])?(\?)?\s*(.*)$")


def parse_prisma(text: str, base_line: int, path: str, into: PrismaSchema, builder: SchemaBuilder) -> None:
    """Add the models and enums of one Prisma block to `into`; report what cannot be read."""
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        raw, _ = _strip_comment(lines[i])
        line_no = base_line + i
        mt = _BLOCK_START.match(raw)
        if not mt:
            stripped = raw.strip()
            if stripped.startswith("import "):
                builder.report(
                    "SD020",
                    Severity.INFO,
                    f"Prisma import {stripped[7:].strip()} is resolved against the other "
                    "Prisma blocks of this document",
                    Span(path, line_no, 1),
                )
            elif stripped.startswith("@") or _FIELD.match(raw):
                # a fragment: fields or @@attributes shown outside their model (an excerpt, not a schema)
                start = i
                while i + 1 < len(lines) and not _BLOCK_START.match(_strip_comment(lines[i + 1])[0]):
                    i += 1
                builder.report(
                    "SD024",
                    Severity.INFO,
                    f"Prisma lines outside any model ({i - start + 1} line(s)): an excerpt, not applied",
                    Span(path, line_no, 1),
                )
            elif stripped:
                builder.report(
                    "SD021", Severity.WARNING, f"cannot read Prisma line: {stripped!r}", Span(path, line_no, 1)
                )
            i += 1
            continue
        kind, name = mt.group(1), mt.group(2)
        body: list[tuple[int, str]] = []
        i += 1
        while i < len(lines) and lines[i].strip() != "}":
            body.append((base_line + i, lines[i]))
            i += 1
        if i >= len(lines):
            builder.report(
                "SD021", Severity.ERROR, f"Prisma {kind} {name} is never closed with '}}'", Span(path, line_no, 1)
            )
        i += 1
        try:
            if kind == "model":
                into.models[name] = _model(name, body, line_no)
            elif kind == "enum":
                into.enums[name] = _enum(name, body, line_no)
            elif kind in ("view", "type"):
                builder.report(
                    "SD022", Severity.WARNING, f"Prisma {kind} {name} is not supported", Span(path, line_no, 1)
                )
        except ValueError as e:
            builder.report("SD021", Severity.ERROR, f"cannot read Prisma {kind} {name}: {e}", Span(path, line_no, 1))


def _model(name: str, body: list[tuple[int, str]], line: int) -> PModel:
    fields: list[PField] = []
    attrs: list[Attribute] = []
    for line_no, raw_line in body:
        raw, comment = _strip_comment(raw_line)
        s = raw.strip()
        if not s:
            continue
        if s.startswith("@@"):
            for n, a in _split_attributes(s[1:]):
                attrs.append(replace(_attribute(n, a), line=line_no))
            continue
        mt = _FIELD.match(s)
        if not mt:
            raise ValueError(f"line {line_no}: cannot read field {s!r}")
        fname, ftype, is_list, optional, rest = mt.groups()
        fattrs = [_attribute(n, a) for n, a in _split_attributes(rest)]
        fields.append(PField(fname, ftype, bool(optional), bool(is_list), fattrs, line_no, comment))
    return PModel(name, fields, attrs, line, end_line=body[-1][0] + 1 if body else line + 1)


def _enum(name: str, body: list[tuple[int, str]], line: int) -> PEnum:
    values: list[tuple[str, str]] = []
    db_name = name
    for _, raw_line in body:
        raw, _c = _strip_comment(raw_line)
        s = raw.strip()
        if not s:
            continue
        if s.startswith("@@map"):
            db_name = str(_attribute("map", s[s.index("(") + 1 : s.rindex(")")]).args[0])
            continue
        if s.startswith("@@"):
            continue
        parts = s.split(None, 1)
        db = parts[0]
        if len(parts) > 1:
            for n, a in _split_attributes(parts[1]):
                if n == "map":
                    db = str(_attribute(n, a).args[0])
        values.append((parts[0], db))
    return PEnum(name, values, db_name, line)


# -- mapping to PostgreSQL ---------------------------------------------------------------------


def table_name(model: PModel) -> str:
    a = model.attr("map")
    return str(a.args[0]) if a and a.args else model.name


def column_name(f: PField) -> str:
    a = f.attr("map")
    return str(a.args[0]) if a and a.args else f.name


def field_names(value: object) -> list[str]:
    if isinstance(value, list):
        out = []
        for v in value:
            if isinstance(v, tuple) and v[0] == "ident":
                out.append(v[1])
            elif isinstance(v, tuple) and v[0] == "call":
                out.append(v[1])  # a(sort: Desc)
        return out
    return []


def sort_orders(value: object) -> dict[str, str]:
    """Per-field sort orders in @@index([a(sort: Desc)])."""
    out: dict[str, str] = {}
    if isinstance(value, list):
        for v in value:
            if isinstance(v, tuple) and v[0] == "call":
                sort = v[3].get("sort")
                if isinstance(sort, tuple) and sort[1] == "Desc":
                    out[v[1]] = "DESC"
    return out
