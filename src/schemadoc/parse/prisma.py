"""Read the Prisma schema language and map it to PostgreSQL exactly as Prisma Migrate does."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from schemadoc import model as m
from schemadoc.errors import Severity, Span
from schemadoc.names import prisma_name, quote_ident
from schemadoc.parse.builder import ConstraintDraft, SchemaBuilder, TableDraft

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
_TIME_NATIVE = {
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
    return PModel(name, fields, attrs, line)


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


def _names_of(value: object) -> list[str]:
    if isinstance(value, list):
        out = []
        for v in value:
            if isinstance(v, tuple) and v[0] == "ident":
                out.append(v[1])
            elif isinstance(v, tuple) and v[0] == "call":
                out.append(v[1])  # a(sort: Desc)
        return out
    return []


def _sort_of(value: object) -> dict[str, str]:
    """Per-field sort orders in @@index([a(sort: Desc)])."""
    out: dict[str, str] = {}
    if isinstance(value, list):
        for v in value:
            if isinstance(v, tuple) and v[0] == "call":
                sort = v[3].get("sort")
                if isinstance(sort, tuple) and sort[1] == "Desc":
                    out[v[1]] = "DESC"
    return out


class PrismaMapper:
    def __init__(self, schema: PrismaSchema, builder: SchemaBuilder, path: str) -> None:
        self.s = schema
        self.b = builder
        self.path = path

    def span(self, line: int) -> Span:
        return Span(self.path, line, 1)

    def is_relation(self, f: PField) -> bool:
        return f.type in self.s.models

    def column_type(self, model: PModel, f: PField) -> str:
        if f.type in self.s.enums:
            t = quote_ident(self.s.enums[f.type].db_name)
        elif f.type in SCALARS:
            t = SCALARS[f.type]
            for a in f.attributes:
                if a.name.startswith("db."):
                    native = a.name[3:]
                    args = [str(x) for x in a.args]
                    if native in _TIME_NATIVE:
                        t = _TIME_NATIVE[native].format(p=args[0] if args else "6")
                    elif native in NATIVE:
                        t = NATIVE[native] + (f"({','.join(args)})" if args else "")
                    elif native in MYSQL_NATIVE:
                        t = MYSQL_NATIVE[native]
                        self.b.report(
                            "SD025",
                            Severity.INFO,
                            f"@db.{native} on {model.name}.{f.name} is MySQL's type; on PostgreSQL it is {t}",
                            self.span(f.line),
                        )
                    else:
                        self.b.report(
                            "SD023",
                            Severity.WARNING,
                            f"unknown native type @db.{native} on {model.name}.{f.name}",
                            self.span(f.line),
                        )
        elif f.type.startswith("Unsupported("):
            t = f.type[len('Unsupported("') : -2]
        else:
            self.b.report(
                "SD101",
                Severity.ERROR,
                f'field {model.name}.{f.name} has unknown type "{f.type}"',
                self.span(f.line),
                help="define the model or enum, or use a Prisma scalar type",
            )
            t = "text"
        return t + ("[]" if f.is_list else "")

    def default(self, model: PModel, f: PField, col_type: str) -> tuple[str | None, bool]:
        """(SQL default, is_serial) for a field's @default."""
        a = f.attr("default")
        if a is None or not a.args:
            return None, False
        v = a.args[0]
        if isinstance(v, tuple) and v[0] == "call":
            fn = v[1]
            if fn == "autoincrement":
                return None, True
            if fn == "now":
                return "CURRENT_TIMESTAMP", False
            if fn == "dbgenerated":
                return (str(v[2][0]) if v[2] else None), False
            if fn == "uuid":
                return (UUID_DEFAULT if col_type == "uuid" else UUID_DEFAULT_TEXT), False
            if fn in ("cuid", "nanoid", "ulid"):
                return CUID_DEFAULT, False
            if fn == "sequence":
                return None, True
            self.b.report("SD024", Severity.WARNING, f"@default({fn}()) is not supported", self.span(f.line))
            return None, False
        if isinstance(v, tuple) and v[0] == "ident":
            if v[1] in ("true", "false"):
                return v[1], False
            enum = self.s.enums.get(f.type)
            value = next((db for name, db in enum.values if name == v[1]), v[1]) if enum else v[1]
            return _sql_string(value), False
        if isinstance(v, bool):
            return str(v).lower(), False
        if isinstance(v, (int, float)):
            return str(v), False
        if isinstance(v, str):
            if f.type == "Json":
                return _sql_string(v), False
            return _sql_string(v), False
        if isinstance(v, list):
            return "ARRAY[]" if not v else None, False
        return None, False

    def map_all(self) -> None:
        for e in self.s.enums.values():
            enum = m.Enum("public", e.db_name, tuple(db for _, db in e.values), span=self.span(e.line))
            self.b.add_unique_object(self.b.enums, enum.key, enum, "type")
        for model in self.s.models.values():
            self.map_model(model)
        self.map_implicit_many_to_many()

    def map_model(self, model: PModel) -> None:
        tname = table_name(model)
        d = TableDraft(
            "public",
            tname,
            model.origin if model.origin != "prisma" else "prisma",
            self.span(model.line),
            naming="prisma",
        )
        by_field: dict[str, str] = {}
        for f in model.fields:
            if self.is_relation(f):
                continue
            cname = column_name(f)
            by_field[f.name] = cname
            ctype = self.column_type(model, f)
            default, serial = self.default(model, f, ctype)
            col = m.Column(
                cname,
                ctype,
                not_null=not f.optional and not f.is_list,
                default=default,
                comment=f.comment if model.origin == "table" else None,
                span=self.span(f.line),
            )
            if serial:
                base = "bigint" if f.type == "BigInt" else "smallint" if ctype == "smallint" else "integer"
                col = m.replace(
                    col, type=base, not_null=True, default=f"nextval('{quote_ident(f'{tname}_{cname}_seq')}'::regclass)"
                )
            d.columns[cname] = col
            if f.attr("id"):
                name = _map_arg(f.attr("id")) or f"{tname}_pkey"
                d.constraints.append(ConstraintDraft("primary", name, (cname,), span=self.span(f.line)))
            if f.attr("unique"):
                name = _map_arg(f.attr("unique")) or prisma_name(tname, [cname], "key")
                self.b.add_unique_object(
                    self.b.indexes,
                    m.qualify("public", name),
                    m.Index("public", name, tname, (cname,), unique=True, span=self.span(f.line)),
                    "index",
                )
            if f.attr("updatedAt"):
                self.b.updated_at_columns.append((d.key, cname, self.span(f.line)))
        for a in model.attrs("id"):
            cols = tuple(by_field.get(n, n) for n in _names_of(a.kwargs.get("fields", a.args[0] if a.args else [])))
            name = _map_arg(a) or f"{tname}_pkey"
            d.constraints.append(ConstraintDraft("primary", name, cols, span=self.span(model.line)))
        for kind in ("unique", "index"):
            for a in model.attrs(kind):
                fields_value = a.kwargs.get("fields", a.args[0] if a.args else [])
                names = _names_of(fields_value)
                sorts = _sort_of(fields_value)
                cols = tuple(by_field.get(n, n) for n in names)
                name = _map_arg(a) or prisma_name(tname, cols, "key" if kind == "unique" else "idx")
                method = a.kwargs.get("type")
                keys = tuple(c + (" DESC" if sorts.get(n) else "") for c, n in zip(cols, names, strict=True))
                ix = m.Index(
                    "public",
                    name,
                    tname,
                    keys,
                    unique=kind == "unique",
                    method=method[1].lower() if isinstance(method, tuple) else "btree",
                    span=self.span(a.line or model.line),
                )
                self.b.add_unique_object(self.b.indexes, ix.key, ix, "index")
        for f in model.fields:
            if not self.is_relation(f):
                continue
            rel = f.attr("relation")
            if rel is None or "fields" not in rel.kwargs:
                continue
            target = self.s.models[f.type]
            fields = _names_of(rel.kwargs["fields"])
            refs = _names_of(rel.kwargs.get("references", []))
            cols = tuple(by_field.get(n, n) for n in fields)
            target_cols = {tf.name: column_name(tf) for tf in target.fields}
            ref_cols = tuple(target_cols.get(n, n) for n in refs)
            required = all(
                not next((x for x in model.fields if x.name == n), PField(n, "", True, False, [], 0)).optional
                for n in fields
            )
            on_delete = rel.kwargs.get("onDelete")
            on_update = rel.kwargs.get("onUpdate")
            d.constraints.append(
                ConstraintDraft(
                    "foreign",
                    _map_arg(rel) or prisma_name(tname, cols, "fkey"),
                    cols,
                    ref_table=table_name(target),
                    ref_columns=ref_cols,
                    on_delete=ACTIONS.get(on_delete[1], "NO ACTION")
                    if isinstance(on_delete, tuple)
                    else ("RESTRICT" if required else "SET NULL"),
                    on_update=ACTIONS.get(on_update[1], "NO ACTION") if isinstance(on_update, tuple) else "CASCADE",
                    span=self.span(f.line),
                )
            )
        self.b.add_table(d)

    def map_implicit_many_to_many(self) -> None:
        """List fields on both sides with no @relation(fields:) make Prisma's _AToB join table."""
        seen: set[tuple[str, str, str]] = set()
        for model in self.s.models.values():
            for f in model.fields:
                if not (self.is_relation(f) and f.is_list):
                    continue
                other = self.s.models[f.type]
                rel_name = _relation_name(f)
                back = [
                    g
                    for g in other.fields
                    if g.type == model.name and g.is_list and _relation_name(g) == rel_name and (g is not f)
                ]
                if not back:
                    continue
                a, b = sorted([model.name, other.name])
                key = (a, b, rel_name or "")
                if key in seen:
                    continue
                seen.add(key)
                self.add_join_table(self.s.models[a], self.s.models[b], rel_name, model.line)

    def add_join_table(self, a: PModel, b: PModel, rel_name: str | None, line: int) -> None:
        name = f"_{rel_name}" if rel_name else f"_{a.name}To{b.name}"
        d = TableDraft("public", name, "prisma", self.span(line), naming="prisma")
        for col, model in (("A", a), ("B", b)):
            idf = next((f for f in model.fields if f.attr("id")), None)
            if idf is None:
                self.b.report(
                    "SD025",
                    Severity.ERROR,
                    f"model {model.name} has no single @id for the many-to-many relation",
                    self.span(model.line),
                )
                return
            d.columns[col] = m.Column(col, self.column_type(model, idf).removesuffix("[]"), not_null=True)
            d.constraints.append(
                ConstraintDraft(
                    "foreign",
                    f"{name}_{col}_fkey",
                    (col,),
                    ref_table=table_name(model),
                    ref_columns=(column_name(idf),),
                    on_delete="CASCADE",
                    on_update="CASCADE",
                    span=self.span(line),
                )
            )
        d.constraints.insert(0, ConstraintDraft("primary", f"{name}_AB_pkey", ("A", "B"), span=self.span(line)))
        self.b.add_table(d)
        ix = m.Index("public", f"{name}_B_index", name, ("B",), span=self.span(line))
        self.b.add_unique_object(self.b.indexes, ix.key, ix, "index")


def _relation_name(f: PField) -> str | None:
    rel = f.attr("relation")
    if rel is None:
        return None
    if rel.args and isinstance(rel.args[0], str):
        return rel.args[0]
    name = rel.kwargs.get("name")
    return name if isinstance(name, str) else None


def _map_arg(a: Attribute | None) -> str | None:
    if a is None:
        return None
    v = a.kwargs.get("map")
    return v if isinstance(v, str) else None


def _sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"
