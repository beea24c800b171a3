"""Read Markdown column tables ("| Column | Type | Constraints |") and enum value lists."""

from __future__ import annotations

import re
from dataclasses import dataclass

from schemadoc import model as m
from schemadoc.errors import Severity, Span
from schemadoc.names import snake_case
from schemadoc.parse.blocks import Block
from schemadoc.parse.builder import ConstraintDraft, SchemaBuilder, TableDraft
from schemadoc.parse.prisma import SCALARS, Attribute, PEnum, PField, PModel, PrismaSchema
from schemadoc.types import TypeSyntaxError, canonical_type

_NAME_HEADERS = ("column", "field", "name", "attribute", "column name", "field name", "property")
_TYPE_HEADERS = ("type", "data type", "datatype", "sql type", "db type", "postgres type")
_CONSTRAINT_HEADERS = (
    "constraints",
    "constraint",
    "attributes",
    "key",
    "keys",
    "null",
    "nullable",
    "default",
    "modifiers",
    "properties",
    "options",
    "required",
    "pk",
    "fk",
)
_DESC_HEADERS = ("description", "notes", "comment", "comments", "remarks", "purpose", "details")

_FK = re.compile(
    r"(?:foreign\s+key|fk|references|ref)\s*(?:to\s*)?[(:→>-]*\s*`?(\w+)`?\s*(?:\.\s*`?(\w+)`?|\(\s*`?(\w+)`?\s*\))",
    re.I,
)
_DEFAULT = re.compile(r"default\s*[:=]?\s*(.+?)\s*(?:,|;|$)", re.I)
_TYPE_NOTE = re.compile(r"^\s*`?([\w .\[\]]+?(?:\([\d, ]+\))?)`?\s*(?:\(([^)]*)\))?\s*(\[\])?\s*(\?)?\s*$")
_UNIQUE_PROSE = re.compile(r"\b(unique)\b(?:\s+(?:constraint|index))?\s+on\s+\(?([\w`\s,+.]+?)\)?\s*$", re.I)
_INDEX_PROSE = re.compile(r"\bindex\s+on\s+\(?([\w`\s,+.]+?)\)?\s*$", re.I)


@dataclass(slots=True)
class ColumnRow:
    name: str
    type_text: str
    note: str  # the type's parenthesised note: "CUID", "Enum"
    constraints: str
    description: str
    line: int


def _header_index(header: list[str], names: tuple[str, ...]) -> int | None:
    for i, h in enumerate(header):
        if _clean(h).lower() in names:
            return i
    return None


def _clean(cell: str) -> str:
    return cell.replace("**", "").replace("`", "").strip()


def is_column_table(block: Block) -> bool:
    if block.kind != "table" or len(block.rows) < 2:
        return False
    header = block.rows[0]
    return _header_index(header, _NAME_HEADERS) is not None and _header_index(header, _TYPE_HEADERS) is not None


def table_name_from_heading(text: str, prisma: bool) -> str | None:
    t = _clean(text)
    t = re.sub(r"^\s*(\d+[.)]\s*)+", "", t)  # "1. Users Table"
    t = re.sub(r"\s*\((?:table|model|entity)\)\s*$", "", t, flags=re.I)
    t = re.sub(r"\s+(table|model|entity|collection)\s*$", "", t, flags=re.I)
    t = re.sub(r"^(table|model|entity)\s*[:\s]\s*", "", t, flags=re.I)
    t = t.strip().strip(":")
    if not t or not re.match(r"^[A-Za-z_][\w ]*$", t):
        return None
    if prisma:
        return t.replace(" ", "")
    return snake_case(t.replace(" ", "_"))


def read_rows(block: Block) -> list[ColumnRow]:
    header = block.rows[0]
    ni = _header_index(header, _NAME_HEADERS)
    ti = _header_index(header, _TYPE_HEADERS)
    ci = [i for i, h in enumerate(header) if _clean(h).lower() in _CONSTRAINT_HEADERS]
    di = _header_index(header, _DESC_HEADERS)
    rows: list[ColumnRow] = []
    for row, line in zip(block.rows[1:], block.row_lines[1:], strict=True):
        if ni is None or ti is None or ni >= len(row) or ti >= len(row):
            continue
        name = _clean(row[ni])
        if not name or not re.match(r"^[\w$]+$", name):
            continue
        type_cell = _clean(row[ti])
        mt = _TYPE_NOTE.match(type_cell)
        type_text, note = (type_cell, "")
        if mt:
            type_text = mt.group(1).strip() + (mt.group(3) or "") + (mt.group(4) or "")
            note = (mt.group(2) or "").strip()
        constraints = ", ".join(
            (f"{_clean(header[i])}: {_clean(row[i])}" if _clean(header[i]).lower() == "default" else _clean(row[i]))
            for i in ci
            if i < len(row)
        )
        desc = _clean(row[di]) if di is not None and di < len(row) else ""
        rows.append(ColumnRow(name, type_text, note, constraints, desc, line))
    return rows


class TableReader:
    """Turns column tables into Prisma models (in a Prisma doc) or table drafts (otherwise)."""

    def __init__(self, builder: SchemaBuilder, path: str, prisma: bool, schema: PrismaSchema) -> None:
        self.b = builder
        self.path = path
        self.prisma = prisma
        self.schema = schema

    def span(self, line: int) -> Span:
        return Span(self.path, line, 1)

    def read(self, block: Block) -> str | None:
        heading = block.heading
        name = table_name_from_heading(heading.text, self.prisma) if heading else None
        if name is None:
            self.b.report(
                "SD030",
                Severity.WARNING,
                "column table without a heading naming its table is not applied",
                self.span(block.line),
                help="put the table under a heading such as '### users'",
            )
            return None
        rows = read_rows(block)
        if self.prisma:
            self.schema.models[name] = self._model(name, rows, heading.line if heading else block.line)
        else:
            self.b.add_table(self._draft(name, rows, heading.line if heading else block.line))
        return name

    # -- Prisma convention ------------------------------------------------------------------------

    def _model(self, name: str, rows: list[ColumnRow], line: int) -> PModel:
        fields: list[PField] = []
        pk_composite: list[str] = []
        for r in rows:
            c = r.constraints.lower()
            attrs: list[Attribute] = []
            ptype = _prisma_type(r.type_text)
            is_list = r.type_text.endswith("[]")
            if "primary key (composite)" in c or "composite primary" in c or "part of primary key" in c:
                pk_composite.append(r.name)
            elif "primary key" in c or re.search(r"\bpk\b", c):
                attrs.append(Attribute("id", [], {}))
            if re.search(r"\bunique\b", c):
                attrs.append(Attribute("unique", [], {}))
            note = r.note.lower() or (r.type_text.lower() if r.type_text.lower() in ("cuid", "uuid") else "")
            if note in ("cuid", "cuid2"):
                attrs.append(Attribute("default", [("call", "cuid", [], {})], {}))
            elif note in ("uuid",):
                attrs.append(Attribute("default", [("call", "uuid", [], {})], {}))
            elif note in ("autoincrement", "serial", "auto increment"):
                attrs.append(Attribute("default", [("call", "autoincrement", [], {})], {}))
            dm = _DEFAULT.search(r.constraints)
            if dm:
                attrs.append(Attribute("default", [_prisma_default(dm.group(1))], {}))
            optional = ("nullable" in c or "optional" in c) and "not null" not in c
            fields.append(
                PField(r.name, ptype, optional and not is_list, is_list, attrs, r.line, r.description or None)
            )
            if "last updated" in r.description.lower() or "updated at" in r.description.lower():
                pass  # the reconcile step adds the trigger for "last updated" columns
            fk = _FK.search(r.constraints)
            if fk:
                target, target_col = fk.group(1), fk.group(2) or fk.group(3)
                actions = {}
                if re.search(r"cascade\s+delete|on\s+delete\s+cascade|delete\s+cascade", c):
                    actions["onDelete"] = ("ident", "Cascade")
                elif re.search(r"on\s+delete\s+set\s+null", c):
                    actions["onDelete"] = ("ident", "SetNull")
                fields.append(
                    PField(
                        f"{r.name}__relation",
                        target,
                        optional,
                        False,
                        [
                            Attribute(
                                "relation",
                                [],
                                {"fields": [("ident", r.name)], "references": [("ident", target_col)], **actions},
                            )
                        ],
                        r.line,
                    )
                )
        model_attrs = []
        if pk_composite:
            model_attrs.append(Attribute("id", [[("ident", n) for n in pk_composite]], {}))
        return PModel(name, fields, model_attrs, line, origin="table")

    # -- SQL convention -----------------------------------------------------------------------------

    def _draft(self, name: str, rows: list[ColumnRow], line: int) -> TableDraft:
        d = TableDraft("public", name, "table", self.span(line))
        pk: list[str] = []
        for r in rows:
            c = r.constraints.lower()
            sql_type = _sql_type(r.type_text, r.note)
            if sql_type is None:
                self.b.report(
                    "SD031",
                    Severity.WARNING,
                    f'cannot read type "{r.type_text}" of {name}.{r.name}; using text',
                    self.span(r.line),
                )
                sql_type = "text"
            default = None
            dm = _DEFAULT.search(r.constraints)
            if dm:
                default = _sql_default(dm.group(1))
            serial = sql_type in ("serial", "bigserial")
            if serial:
                sql_type = "integer" if sql_type == "serial" else "bigint"
                default = f"nextval('{name}_{r.name}_seq'::regclass)"
            not_null = "not null" in c or "required" in c or serial
            d.columns[r.name] = m.Column(
                r.name,
                sql_type,
                not_null=not_null,
                default=default,
                comment=r.description or None,
                span=self.span(r.line),
            )
            if "primary key" in c or re.search(r"\bpk\b", c):
                pk.append(r.name)
            if re.search(r"\bunique\b", c):
                d.constraints.append(ConstraintDraft("unique", None, (r.name,), span=self.span(r.line)))
            fk = _FK.search(r.constraints)
            if fk:
                target = fk.group(1)
                d.constraints.append(
                    ConstraintDraft(
                        "foreign",
                        None,
                        (r.name,),
                        ref_table=target if target.islower() else snake_case(target),
                        ref_columns=(fk.group(2) or fk.group(3),),
                        on_delete="CASCADE" if "cascade" in c else "NO ACTION",
                        span=self.span(r.line),
                    )
                )
        if pk:
            d.constraints.insert(0, ConstraintDraft("primary", None, tuple(pk), span=self.span(line)))
        return d

    def prose_indexes(self, block: Block, table: str) -> None:
        """'Unique constraint on (provider, providerAccountId)' under a table's heading."""
        for line, text in block.items:
            t = _clean(text)
            u = _UNIQUE_PROSE.search(t)
            i = _INDEX_PROSE.search(t)
            if not (u or i):
                continue
            cols = [c.strip().split(".")[-1] for c in re.split(r"[,+]", (u.group(2) if u else i.group(1))) if c.strip()]  # type: ignore[union-attr]
            if self.prisma and table in self.schema.models:
                model = self.schema.models[table]
                if u and len(cols) == 1:
                    f = next((f for f in model.fields if f.name == cols[0]), None)
                    if f is not None and not f.attr("unique"):
                        f.attributes.append(Attribute("unique", [], {}))
                    continue
                model.attributes.append(Attribute("unique" if u else "index", [[("ident", c) for c in cols]], {}))
            else:
                d = self.b.tables.get(m.qualify("public", table))
                if d is None:
                    continue
                if u:
                    d.constraints.append(ConstraintDraft("unique", None, tuple(cols), span=self.span(line)))
                else:
                    from schemadoc.names import make_object_name

                    ix_name = make_object_name(table, "_".join(cols), "idx")
                    self.b.indexes[m.qualify("public", ix_name)] = m.Index(
                        "public", ix_name, table, tuple(cols), span=self.span(line)
                    )

    def enum_values(self, block: Block, name: str) -> bool:
        values = []
        for _, text in block.items:
            v = _clean(text).split(" ")[0].strip(",;:")
            if not re.match(r"^[\w-]+$", v):
                return False
            values.append(v)
        if not values:
            return False
        line = block.heading.line if block.heading else block.line
        self.schema.enums[name] = PEnum(name, [(v, v) for v in values], name, line)
        if not self.prisma:
            e = m.Enum("public", name if name.islower() else snake_case(name), tuple(values), span=self.span(line))
            self.b.enums[e.key] = e
        return True


def _prisma_type(text: str) -> str:
    t = text.strip().rstrip("?").removesuffix("[]").strip()
    lookup = {s.lower(): s for s in SCALARS}
    lookup.update(
        {
            "text": "String",
            "varchar": "String",
            "integer": "Int",
            "int": "Int",
            "bool": "Boolean",
            "number": "Float",
            "timestamp": "DateTime",
            "datetime": "DateTime",
            "jsonb": "Json",
            "uuid": "String",
            "date": "DateTime",
            "cuid": "String",
            "cuid2": "String",
            "ulid": "String",
            "objectid": "String",
            "longtext": "String",
            "mediumtext": "String",
            "double": "Float",
            "decimal": "Decimal",
            "timestamptz": "DateTime",
            "bigint": "BigInt",
            "json": "Json",
            "blob": "Bytes",
            "bytes": "Bytes",
        }
    )
    return lookup.get(t.lower(), t)


def _prisma_default(text: str) -> object:
    t = text.strip().strip("`")
    call = re.match(r"^(\w+)\(\s*\)$", t)
    if call:
        return ("call", call.group(1), [], {})
    if re.match(r"^-?\d+(\.\d+)?$", t):
        return float(t) if "." in t else int(t)
    if t.lower() in ("true", "false"):
        return ("ident", t.lower())
    if t.startswith(("'", '"')) and t.endswith(("'", '"')) and len(t) >= 2:
        return t[1:-1]
    if re.match(r"^[A-Z][A-Z0-9_]*$", t):
        return ("ident", t)  # an enum value
    return t


_PRISMA_TO_SQL = {k.lower(): v for k, v in SCALARS.items()}
_PRISMA_TO_SQL.update({"datetime": "timestamp with time zone", "string": "text", "float": "double precision"})


def _sql_type(text: str, note: str) -> str | None:
    t = text.strip()
    if t.lower() in ("serial", "bigserial"):
        return t.lower()
    if t.lower().rstrip("[]") in _PRISMA_TO_SQL:
        return _PRISMA_TO_SQL[t.lower().rstrip("[]")] + ("[]" if t.endswith("[]") else "")
    try:
        return canonical_type(t)
    except TypeSyntaxError:
        return None


def _sql_default(text: str) -> str:
    t = text.strip().strip("`")
    if re.match(r"^(\w+)\(\s*\)$", t) or re.match(r"^-?\d+(\.\d+)?$", t):
        return "CURRENT_TIMESTAMP" if t.lower() == "now()" else t
    if t.lower() in ("true", "false", "null", "current_timestamp", "current_date"):
        return t.upper() if t.lower().startswith("current") else t.lower()
    if t.startswith("'") and t.endswith("'"):
        return t
    return "'" + t.strip('"').replace("'", "''") + "'"
