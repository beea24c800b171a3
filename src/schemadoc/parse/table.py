"""Read Markdown column tables ("| Column | Type | Constraints |") and enum value lists."""

from __future__ import annotations

import re

from schemadoc import model as m
from schemadoc.errors import Severity, Span
from schemadoc.names import quote_ident, quote_literal, snake_case
from schemadoc.parse.blocks import Block
from schemadoc.parse.builder import ConstraintDraft, SchemaBuilder, TableDraft
from schemadoc.parse.orm import DJANGO_USER_BASE, OrmType, enum_values, inherit_django_user, orm_type
from schemadoc.parse.prisma import SCALARS, Attribute, PEnum, PField, PModel, PrismaSchema
from schemadoc.parse.references import find_table, foreign_key_note, name_stem, stem_tables
from schemadoc.parse.tablerows import (
    NOT_TABLE_SECTIONS,
    REMARK,
    ColumnRow,
    clean_cell,
    in_tables_section,
    prose_rows,
    read_rows,
    table_heading,
)
from schemadoc.types import TypeSyntaxError, canonical_type

_DEFAULT = re.compile(r"default\s*[:=]?\s*(.+?)\s*(?:,|;|$)", re.I)
_UNIQUE_PROSE = re.compile(r"\b(unique)\b(?:\s+(?:constraint|index))?\s+on\s+\(?([\w`\s,+.]+?)\)?\s*$", re.I)
_INDEX_PROSE = re.compile(r"\bindex\s+on\s+\(?([\w`\s,+.]+?)\)?\s*$", re.I)


class TableReader:
    """Turns column tables into Prisma models (in a Prisma doc) or table drafts (otherwise)."""

    def __init__(self, builder: SchemaBuilder, path: str, prisma: bool, schema: PrismaSchema) -> None:
        self.b = builder
        self.path = path
        self.prisma = prisma
        self.schema = schema
        self.django = False  # set by the loader when the doc says it uses Django
        self.model_tables: dict[str, str] = {}  # "CustomUser" -> "users_customuser", from the headings
        # (model, relation field, its key) of relations whose model is found once all are known
        self.pending: list[tuple[str, PField, ConstraintDraft, bool]] = []  # … and whether a type was given

    def resolve_relations(self, models: dict[str, PModel]) -> None:
        """The model each described relation references (the one its notes name, else the one its
        column's name names), its key the referenced model's id; relations no model matches are dropped
        (with a warning when the doc said it is a key)."""
        for model_name, field, fk, typed in self.pending:
            model = models.get(model_name)
            if model is None:
                continue
            target = _target_model(fk, models, model_name)
            if fk.guessed and target == model_name:
                target = None  # a name never suggests a self-reference (providerAccountId on Account)
            id_field = _id_field(models[target]) if target is not None else None
            column = fk.columns[0]
            scalar = next((f for f in model.fields if f.name == column), None)
            # a key only its name suggests must be of the key's type, unless the doc gave it no type
            compatible = (
                id_field is not None
                and scalar is not None
                and (not fk.guessed or not typed or scalar.type == id_field.type)
            )
            if target is None or id_field is None or not compatible:
                model.fields = [f for f in model.fields if f is not field]
                if not fk.guessed:
                    report_unresolved(self.b, fk, model_name)
                continue
            field.type = target
            field.attributes[0].kwargs["references"] = [("ident", id_field.name)]
            if scalar is not None and scalar.type != id_field.type and (not fk.guessed or not typed):
                scalar.type = id_field.type  # a key takes the referenced key's type
            if fk.guessed:
                report_guessed(self.b, fk, model_name, target)
        self.pending = []

    def span(self, line: int) -> Span:
        return Span(self.path, line, 1)

    def read(self, block: Block, lead_in: str = "") -> str | None:
        """The table of a column table; `lead_in`: the prose just above it in its section (a Django model
        that extends `AbstractUser` there inherits Django's auth fields)."""
        return self.read_columns(block, read_rows(block), lead_in)

    def read_list(self, block: Block) -> str | None:
        """A bullet list of columns ("- `email` (VARCHAR): login address") under a table's heading."""
        rows = prose_rows(block)
        if rows is None:
            return None
        if any(NOT_TABLE_SECTIONS.search(clean_cell(h.text)) for h in block.headings) and not in_tables_section(
            block.headings
        ):
            return None
        return self.read_columns(block, rows)

    def read_columns(self, block: Block, rows: list[ColumnRow], lead_in: str = "") -> str | None:
        found = table_heading(block.headings, self.prisma)
        if found is None:
            self.b.report(
                "SD030",
                Severity.WARNING,
                "column table without a heading naming its table is not applied",
                self.span(block.line),
                help="put the table under a heading such as '### users'",
            )
            return None
        name, heading = found
        model = re.match(r"^[\W\d_]*([A-Za-z_]\w*)", clean_cell(heading.text).split("(")[0].split(" - ")[0])
        if model is not None:
            self.model_tables.setdefault(model.group(1), name)
        return self.add_rows(name, rows, heading.line, lead_in)

    def add_rows(self, name: str, rows: list[ColumnRow], line: int, lead_in: str = "") -> str:
        """The table `name` of these rows (a Prisma model in a Prisma doc)."""
        if self.prisma:
            self.schema.models[name] = self._model(name, rows, line)
            return name
        d = self._draft(name, rows, line)
        user_base = DJANGO_USER_BASE.search(lead_in) if self.django else None
        if user_base is not None:
            inherit_django_user(d, user_base.group(1), self.span(line))
        self.b.add_table(d)
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
            is_pk = "primary key" in c or bool(re.search(r"\bpk\b", c))
            fk = _foreign_key(r.name, r, is_pk, self.span(r.line))
            if fk is not None:
                actions = {}
                if fk.on_delete == "CASCADE" or re.search(r"cascade\s+delete|delete\s+cascade", c):
                    actions["onDelete"] = ("ident", "Cascade")
                elif fk.on_delete == "SET NULL":
                    actions["onDelete"] = ("ident", "SetNull")
                relation = PField(
                    f"{r.name}__relation",
                    "",  # the model it references: found once every model is known (resolve_relations)
                    optional,
                    False,
                    [Attribute("relation", [], {"fields": [("ident", r.name)], **actions})],
                    r.line,
                )
                fields.append(relation)
                self.pending.append((name, relation, fk, bool(r.raw_type)))
        model_attrs = []
        if pk_composite:
            model_attrs.append(Attribute("id", [[("ident", n) for n in pk_composite]], {}))
        elif not any(f.attr("id") for f in fields):
            id_field = next((f for f in fields if f.name == "id"), None)
            if id_field is not None:
                id_field.attributes = [a for a in id_field.attributes if a.name != "unique"]
                id_field.attributes.append(Attribute("id", [], {}))
                id_field.optional = False
                self._id_taken(name, line)
        return PModel(name, fields, model_attrs, line, origin="table")

    def _id_taken(self, table: str, line: int) -> None:
        self.b.report(
            "SD044",
            Severity.INFO,
            f'{table} names no primary key; its "id" column is taken as the primary key',
            self.span(line),
            help="say Primary Key on the id column",
        )

    # -- SQL convention -----------------------------------------------------------------------------

    def _draft(self, name: str, rows: list[ColumnRow], line: int) -> TableDraft:
        d = TableDraft("public", name, "table", self.span(line))
        django = self.django or any(re.search(r"Field\b|ForeignKey|OneToOne", r.raw_type) for r in rows)
        pk: list[str] = []
        for r in rows:
            # a type's parenthesised remark ("UUID (PK, manual)") says what the constraints column would
            c = (r.constraints + (", " + r.note if r.note and REMARK.search(r.note) else "")).lower()
            span = self.span(r.line)
            remark = bool(r.note) and bool(REMARK.search(r.note))  # "UUID (PK, manual)", not "ForeignKey(Author)"
            noted = orm_type(r.type_text) if remark else None
            ot = noted if noted is not None else orm_type(r.raw_type or r.type_text)
            if ot is None:
                self.b.report(
                    "SD031",
                    Severity.WARNING,
                    f'cannot read type "{r.type_text}" of {name}.{r.name}; using text',
                    span,
                    help="write a PostgreSQL type (e.g. varchar(255), timestamptz, numeric(10,2))",
                )
                ot = OrmType("text")
            if ot.many_to_many:
                self.b.report(
                    "SD043",
                    Severity.INFO,
                    f"many-to-many field {name}.{r.name} has no column; its join table is not "
                    "described, so it is not created",
                    span,
                )
                continue
            column = r.name
            sql_type = ot.sql or ""
            if ot.relation is not None:
                if django and not column.endswith("_id"):
                    column += "_id"  # Django stores ForeignKey `author` in author_id
                sql_type = RELATION_KEY  # the target's key type, once every table is known
                d.constraints.append(
                    ConstraintDraft(
                        "foreign",
                        None,
                        (column,),
                        ref_table=ot.relation,
                        on_delete="CASCADE" if "cascade" in c else "SET NULL" if "set null" in c else "NO ACTION",
                        span=span,
                    )
                )
                if ot.one_to_one:
                    d.constraints.append(ConstraintDraft("unique", None, (column,), span=span))
            elif ot.enum:
                values = enum_values(r.raw_type or r.type_text, r.description, r.constraints)
                if values:
                    enum = m.Enum("public", f"{name}_{column}", tuple(values), span=span)
                    self.b.enums[enum.key] = enum
                    sql_type = quote_ident(enum.name)
                else:
                    self.b.report(
                        "SD031",
                        Severity.WARNING,
                        f"enum {name}.{r.name} lists no values; using text",
                        span,
                        help="list the values, e.g. `enum('draft', 'sent')` or in the notes",
                    )
                    sql_type = "text"
            default = None
            dm = _DEFAULT.search(r.constraints)
            if dm:
                default = _sql_default(dm.group(1), sql_type)
            serial = sql_type in ("serial", "bigserial")
            if serial:
                sql_type = "integer" if sql_type == "serial" else "bigint"
                default = f"nextval('{name}_{column}_seq'::regclass)"
            auto = bool(re.search(r"auto[\s_-]?increment", c)) and sql_type in ("smallint", "integer", "bigint")
            if auto:  # "AUTO_INCREMENT", "自增": an identity column
                ot = OrmType(ot.sql, identity=True, relation=ot.relation, one_to_one=ot.one_to_one)
            is_pk = bool(re.search(r"\bprimary key\b|\bpk\b", c))
            if django:  # Django columns are NOT NULL unless null=True
                not_null = not re.search(r"\bnull\b(?!\s*=\s*false)", c.replace("not null", "")) or is_pk
            else:
                not_null = "not null" in c or "required" in c or "non-null" in c
            d.columns[column] = m.Column(
                column,
                sql_type,
                not_null=not_null or serial or ot.identity,
                default=default,
                identity="by default" if ot.identity else None,
                comment=r.description or None,
                span=span,
            )
            if is_pk:
                pk.append(column)
            if re.search(r"\bunique\b", c) and not is_pk:
                d.constraints.append(ConstraintDraft("unique", None, (column,), span=span))
            if ot.check_non_negative:
                d.constraints.append(
                    ConstraintDraft(
                        "check", None, expression=f"{quote_ident(column)} >= 0", expression_columns=(column,), span=span
                    )
                )
            if ot.relation is None:
                fk = _foreign_key(column, r, is_pk, span)
                if fk is not None:
                    d.constraints.append(fk)
                    if not r.raw_type:  # no type given: the key's type, once the referenced table is known
                        d.columns[column] = m.replace(d.columns[column], type=RELATION_KEY)
        if not pk and "id" in d.columns:
            pk = ["id"]
            d.columns["id"] = m.replace(d.columns["id"], not_null=True)
            d.constraints = [c for c in d.constraints if not (c.kind == "unique" and c.columns == ("id",))]
            self._id_taken(name, line)
        if not pk and django and "id" not in d.columns:
            d.columns = {
                "id": m.Column("id", "bigint", not_null=True, identity="by default", span=self.span(line)),
                **d.columns,
            }
            pk = ["id"]
            self.b.report(
                "SD042",
                Severity.INFO,
                f"Django gives {name} an automatic primary key: id bigint GENERATED BY DEFAULT AS IDENTITY",
                self.span(line),
            )
        if pk:
            d.constraints.insert(0, ConstraintDraft("primary", None, tuple(pk), span=self.span(line)))
        return d

    def prose_indexes(self, block: Block, table: str) -> None:
        """'Unique constraint on (provider, providerAccountId)' under a table's heading."""
        for line, text in block.items:
            t = clean_cell(text)
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
            v = clean_cell(text).split(" ")[0].strip(",;:")
            if not re.match(r"^[\w-]+$", v):
                return False
            values.append(v)
        if not values:
            return False
        line = block.heading.line if block.heading else block.line
        db_name = name if self.prisma or name.islower() else snake_case(name)
        self.schema.enums[name] = PEnum(name, [(v, v) for v in values], db_name, line)
        return True


def _foreign_key(column: str, r: ColumnRow, is_pk: bool, span: Span) -> ConstraintDraft | None:
    """The foreign key a row describes (`FK → users`, "Foreign key to jobs.id"), or — for a column named
    for a table, `organization_id` — the one its name suggests; its table is found once all are known."""
    note = foreign_key_note(r.constraints, r.description)
    if note is not None:
        on_delete = note.on_delete or ("CASCADE" if "cascade" in r.constraints.lower() else "NO ACTION")
        return ConstraintDraft(
            "foreign",
            None,
            (column,),
            ref_table="",
            ref_columns=(note.column,) if note.column else (),
            on_delete=on_delete,
            span=span,
            candidates=(note.table,) if note.table else (),
            guessed=not note.strong,  # an arrow alone ("open → closed") may be prose: kept only if it resolves
        )
    if not is_pk and name_stem(column) is not None:
        return ConstraintDraft("foreign", None, (column,), ref_table="", span=span, guessed=True)
    return None


def _target_model(fk: ConstraintDraft, models: dict[str, PModel], own: str) -> str | None:
    for word in fk.candidates:
        found = find_table(word, models)
        if found is not None:
            return found
    stem = name_stem(fk.columns[0])
    if stem is None:
        return None
    found = stem_tables(stem, models)
    if found is None and stem.lower() in ("parent", "manager", "reports_to"):
        return own if stem.lower() == "parent" else None
    return found


def _id_field(model: PModel) -> PField | None:
    return next((f for f in model.fields if f.attr("id")), None)


def report_unresolved(b: SchemaBuilder, fk: ConstraintDraft, table: str) -> None:
    said = f'"{fk.candidates[0]}"' if fk.candidates else "no table"
    b.report(
        "SD123",
        Severity.WARNING,
        f"{table}.{fk.columns[0]} is described as a foreign key to {said}, but no table of the document "
        "matches; the column has no key",
        fk.span,
        help="name the referenced table as the document defines it (e.g. FK → users)",
    )


def report_guessed(b: SchemaBuilder, fk: ConstraintDraft, table: str, target: str) -> None:
    b.report(
        "SD124",
        Severity.INFO,
        f"{table}.{fk.columns[0]} is taken as a foreign key to {target}, which its name names",
        fk.span,
        help=f"say so in the document (FK → {target}) to make it explicit",
    )


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


RELATION_KEY = "<key of the referenced table>"
_CLOCK_WORDS = ("now", "today", "current time", "current timestamp", "current date", "timestamp")


def _sql_default(text: str, column_type: str | None = None) -> str:
    t = text.strip().strip("`")
    if column_type and re.match(r"(timestamp|date|time)\b", column_type) and t.lower() in _CLOCK_WORDS:
        # "Default Now": the time of the insert; the literal 'now' would be the time the table was made
        return "CURRENT_DATE" if column_type == "date" or t.lower() == "today" else "CURRENT_TIMESTAMP"
    if re.match(r"^(\w+)\(\s*\)$", t) or re.match(r"^-?\d+(\.\d+)?$", t):
        return "CURRENT_TIMESTAMP" if t.lower() == "now()" else t
    if t.lower() in ("true", "false", "null", "current_timestamp", "current_date"):
        return t.upper() if t.lower().startswith("current") else t.lower()
    if t.startswith("'") and t.endswith("'") and "'" not in t[1:-1].replace("''", ""):
        return t
    if _is_sql_value(t):  # '{}'::jsonb, gen_random_uuid(), ARRAY[]::text[], now() + interval '1 day'
        return t
    return quote_literal(t.strip('"'))


def _is_sql_value(text: str) -> bool:
    """Whether a default cell is already a SQL expression that names no column (a bare word like
    `active` is a value to quote, not a column)."""
    if not re.search(r"::|\(|^'|^array\b", text, re.I):
        return False
    from pglast import ast, parse_sql
    from pglast.parser import ParseError
    from pglast.visitors import Visitor

    try:
        statements = parse_sql(f"SELECT {text}")
    except ParseError:
        return False
    select = statements[0].stmt if len(statements) == 1 else None
    if not isinstance(select, ast.SelectStmt) or not select.targetList or len(select.targetList) != 1:
        return False

    class Columns(Visitor):
        found = False

        def visit_ColumnRef(self, ancestors: object, node: object) -> None:
            self.found = True

    seen = Columns()
    seen(select.targetList[0])
    return not seen.found and select.fromClause is None
