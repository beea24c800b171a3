"""Prisma models mapped to tables as Prisma Migrate creates them on PostgreSQL: column types (native types
too), defaults, keys, relations and their actions, @@map/@map names, implicit many-to-many join tables."""

from __future__ import annotations

from schemadoc import model as m
from schemadoc.errors import Severity, Span
from schemadoc.names import prisma_name, quote_ident, quote_literal
from schemadoc.parse.builder import ConstraintDraft, SchemaBuilder, TableDraft
from schemadoc.parse.prisma import (
    ACTIONS,
    CUID_DEFAULT,
    MYSQL_NATIVE,
    NATIVE,
    SCALARS,
    TIME_NATIVE,
    UUID_DEFAULT,
    UUID_DEFAULT_TEXT,
    Attribute,
    PField,
    PModel,
    PrismaSchema,
    column_name,
    field_names,
    sort_orders,
    table_name,
)
from schemadoc.types import own_type_ref


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
            t = own_type_ref(self.s.enums[f.type].db_name)
        elif f.type in SCALARS:
            t = SCALARS[f.type]
            for a in f.attributes:
                if a.name.startswith("db."):
                    native = a.name[3:]
                    args = [str(x) for x in a.args]
                    if native in TIME_NATIVE:
                        t = TIME_NATIVE[native].format(p=args[0] if args else "6")
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
            Span(self.path, model.line, 1, model.end_line),
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
            cols = tuple(by_field.get(n, n) for n in field_names(a.kwargs.get("fields", a.args[0] if a.args else [])))
            name = _map_arg(a) or f"{tname}_pkey"
            d.constraints.append(ConstraintDraft("primary", name, cols, span=self.span(model.line)))
        for kind in ("unique", "index"):
            for a in model.attrs(kind):
                fields_value = a.kwargs.get("fields", a.args[0] if a.args else [])
                names = field_names(fields_value)
                sorts = sort_orders(fields_value)
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
            fields = field_names(rel.kwargs["fields"])
            refs = field_names(rel.kwargs.get("references", []))
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
    return quote_literal(value)
