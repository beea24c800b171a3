"""Python ORM models — SQLAlchemy (declarative, 2.0 `Mapped` and classic `Table`), SQLModel and Django —
read with Python's own parser (`ast`), never executed, and mapped as each ORM's PostgreSQL backend
creates the tables.

A doc's Python blocks form one module (a model in one block, its enum in another). SQLAlchemy: the
`__tablename__` (Flask-SQLAlchemy: the class name in snake case), `Column`/`mapped_column` with their
types, `primary_key`, `nullable` (a column is nullable unless it is a key or says not), `unique`,
`index=True` (an index `ix_<table>_<column>`), `ForeignKey("t.c", ondelete=…)`, `__table_args__`; an
integer primary key is an identity column; `Enum(PyEnum)` is a type named after the enum class in lower
case whose labels are the members' names (SQLAlchemy stores names). SQLModel: `table=True` classes, the
class name in lower case, types from the annotations, `Optional[…]` nullable, `Field(primary_key=…,
foreign_key=…)`. Django: `models.Model` classes, `Meta.db_table` (else the model's name), the field types
of Django's PostgreSQL backend, NOT NULL unless `null=True`, an automatic `id`.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

from schemadoc import model as m
from schemadoc.errors import Severity, Span
from schemadoc.names import quote_ident, quote_literal, snake_case
from schemadoc.parse.builder import ConstraintDraft, SchemaBuilder, TableDraft
from schemadoc.parse.orm import DJANGO_USER_BASE, inherit_django_user
from schemadoc.types import own_type_ref

_SA_TYPES = {
    "integer": "integer", "int": "integer", "biginteger": "bigint", "bigint": "bigint", "smallinteger": "smallint",
    "smallint": "smallint", "string": "character varying", "varchar": "character varying", "unicode": "character varying",
    "text": "text", "unicodetext": "text", "boolean": "boolean", "bool": "boolean",
    "datetime": "timestamp without time zone", "timestamp": "timestamp without time zone", "date": "date",
    "time": "time without time zone", "interval": "interval", "float": "double precision",
    "double": "double precision", "real": "real", "numeric": "numeric", "decimal": "numeric", "json": "json",
    "jsonb": "jsonb", "uuid": "uuid", "uuidtype": "uuid", "largebinary": "bytea", "binary": "bytea",
    "pickletype": "bytea", "inet": "inet", "cidr": "cidr", "char": "character", "tsvector": "tsvector",
    "citext": "citext", "money": "money", "hstore": "hstore", "bytea": "bytea",
}  # fmt: skip
# Python annotations (SQLModel, SQLAlchemy 2.0's Mapped[...]) as the ORM maps them
_ANNOTATIONS = {
    "int": "integer", "str": "character varying", "float": "double precision", "bool": "boolean",
    "datetime": "timestamp without time zone", "date": "date", "time": "time without time zone",
    "timedelta": "interval", "decimal": "numeric", "uuid": "uuid", "bytes": "bytea", "dict": "json", "list": "json",
}  # fmt: skip
_DJANGO_RELATIONS = {"foreignkey": False, "onetoonefield": True}


@dataclass(slots=True)
class _Class:
    name: str
    bases: list[str]
    keywords: dict[str, ast.expr]
    body: list[ast.stmt]
    line: int
    end_line: int = 0


@dataclass(slots=True)
class PythonModels:
    """The classes of a doc's Python blocks, gathered before any is mapped (a model may use an enum or a
    table defined further on)."""

    classes: list[_Class] = field(default_factory=list)
    tables: list[tuple[ast.Call, str | None, int]] = field(default_factory=list)  # classic Table(...) calls

    def add(self, text: str, first_line: int, b: SchemaBuilder, path: str) -> bool:
        """Read one block; True when it holds models or enums."""
        try:
            tree = ast.parse(_dedent(text))
        except SyntaxError as e:
            if not re.search(r"^\s*class\s+\w+\s*\(", text, re.M):
                return False
            b.report(
                "SD018",
                Severity.WARNING,
                f"Python block that Python cannot read: {e.msg}; its models are not applied",
                Span(path, first_line + (e.lineno or 1) - 1, e.offset or 1),
            )
            return False
        found = False
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                bases = [ast.unparse(base) for base in node.bases]
                keywords = {k.arg: k.value for k in node.keywords if k.arg}
                self.classes.append(
                    _Class(
                        node.name,
                        bases,
                        keywords,
                        node.body,
                        first_line + node.lineno - 1,
                        first_line + (node.end_lineno or node.lineno) - 1,
                    )
                )
                found = found or _is_model(bases, keywords, node.body) or _is_enum(bases)
            elif (
                isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) and _call_name(node.value) == "table"
            ):
                self.tables.append((node.value, None, first_line + node.lineno - 1))
                found = True
        return found


def looks_like_models(text: str) -> bool:
    return bool(
        re.search(
            r"^\s*class\s+\w+\s*\(.*\b(Base|Model|SQLModel|DeclarativeBase|db\.Model|models\.Model)\b", text, re.M
        )
        or re.search(r"\b(Column|mapped_column)\s*\(|=\s*Table\s*\(", text)
    )


def map_models(models: PythonModels, b: SchemaBuilder, path: str) -> dict[str, str]:
    """Every model class and classic Table of the doc's Python, as tables of the schema; which table
    each model class is (a key to `Author` is a key to blog_author)."""
    enums = {c.name: c for c in models.classes if _is_enum(c.bases)}
    mapper = _Mapper(b, path, enums)
    tables: dict[str, str] = {}
    for cls in models.classes:
        if _is_model(cls.bases, cls.keywords, cls.body):
            name = mapper.model(cls)
            if name is not None:
                tables[cls.name] = name
    for call, _, line in models.tables:
        mapper.classic(call, line)
    return tables


class _Mapper:
    def __init__(self, b: SchemaBuilder, path: str, enums: dict[str, _Class]) -> None:
        self.b, self.path, self.enums = b, path, enums

    def span(self, line: int) -> Span:
        return Span(self.path, line, 1)

    # -- one class -----------------------------------------------------------------------------------

    def model(self, cls: _Class) -> str | None:
        user_base = next((mt.group(1) for b in cls.bases if (mt := DJANGO_USER_BASE.search(b))), None)
        django = (
            any(b.endswith("Model") and "models." in b for b in cls.bases)
            or "models.Model" in cls.bases
            or user_base is not None
        )
        sqlmodel = "SQLModel" in cls.bases
        name = self._table_name(cls, django, sqlmodel)
        d = TableDraft("public", name, "orm", Span(self.path, cls.line, 1, cls.end_line))
        pk: list[str] = []
        for stmt in cls.body:
            target, annotation, value, line = _assignment(stmt, cls.line)
            if target is None or target.startswith("__") or target == "Meta":
                continue
            if django:
                self._django_field(d, target, value, line, pk)
            else:
                self._sa_field(d, target, annotation, value, line, pk, sqlmodel)
        for stmt in cls.body:
            if isinstance(stmt, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "__table_args__" for t in stmt.targets
            ):
                self._table_args(d, stmt.value, cls.line + stmt.lineno - cls.body[0].lineno)
        if django and not pk and "id" not in d.columns:
            d.columns = {"id": m.Column("id", "bigint", not_null=True, identity="by default", span=d.span), **d.columns}
            pk = ["id"]
        if user_base is not None:
            inherit_django_user(d, user_base, d.span)
        if pk:
            d.constraints.insert(0, ConstraintDraft("primary", None, tuple(pk), span=d.span))
            if len(pk) == 1 and d.columns[pk[0]].type in ("integer", "bigint", "smallint") and not django:
                col = d.columns[pk[0]]
                if col.default is None and col.identity is None:
                    d.columns[pk[0]] = m.replace(col, identity="by default")  # SQLAlchemy's autoincrement
        if not d.columns:
            return None
        self.b.add_table(d)
        return name

    def _table_name(self, cls: _Class, django: bool, sqlmodel: bool) -> str:
        for stmt in cls.body:
            target, _, value, _ = _assignment(stmt, cls.line)
            if target == "__tablename__" and isinstance(value, ast.Constant) and isinstance(value.value, str):
                return value.value
            if django and isinstance(stmt, ast.ClassDef) and stmt.name == "Meta":
                for inner in stmt.body:
                    t, _, v, _ = _assignment(inner, cls.line)
                    if t == "db_table" and isinstance(v, ast.Constant) and isinstance(v.value, str):
                        return v.value
        if sqlmodel or django:
            return cls.name.lower()
        return snake_case(cls.name)  # Flask-SQLAlchemy's default

    # -- SQLAlchemy and SQLModel -------------------------------------------------------------------------

    def _sa_field(
        self,
        d: TableDraft,
        attr: str,
        annotation: ast.expr | None,
        value: ast.expr | None,
        line: int,
        pk: list[str],
        sqlmodel: bool,
    ) -> None:
        call = value if isinstance(value, ast.Call) else None
        kind = _call_name(call) if call is not None else ""
        if kind in ("relationship", "relation", "backref", "association_proxy", "synonym", "column_property"):
            return
        if call is None or kind not in ("column", "mapped_column", "field"):
            if sqlmodel and annotation is not None and kind != "relationship":
                call = ast.Call(ast.Name("Field"), [], [])  # `name: str` alone is a column in SQLModel
                kind = "field"
            elif annotation is not None and _mapped(annotation) is not None and call is None:
                call = ast.Call(ast.Name("mapped_column"), [], [])
                kind = "mapped_column"
            else:
                return
        kw = {k.arg: k.value for k in call.keywords if k.arg}
        if kind == "field" and "sa_column" in kw and isinstance(kw["sa_column"], ast.Call):
            inner = kw["sa_column"]
            call, kind, kw = inner, "column", {k.arg: k.value for k in inner.keywords if k.arg}
        args = list(call.args)
        column = attr
        first = args[0] if args else None
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            column = first.value
            args.pop(0)
        label = kw.get("name")
        if isinstance(label, ast.Constant) and isinstance(label.value, str):
            column = label.value
        span = self.span(line)
        sql_type = None
        foreign: list[ast.Call] = []
        for arg in args:
            if isinstance(arg, ast.Call) and _call_name(arg) == "foreignkey":
                foreign.append(arg)
            elif sql_type is None:
                sql_type = self._sa_type(arg, d.name, column)
        optional = False
        inner_annotation = _mapped(annotation) if annotation is not None else None
        if sqlmodel and annotation is not None:
            inner_annotation = annotation
        if inner_annotation is not None:
            optional, base = _optional(inner_annotation)
            if sql_type is None:
                sql_type = self._annotation_type(base, d.name, column)
        if sql_type is None and "foreign_key" in kw:
            sql_type = "integer"
        if sql_type is None:
            sql_type = "character varying"
        is_pk = _truthy(kw.get("primary_key"))
        if "nullable" in kw:
            not_null = not _truthy(kw["nullable"])
        elif kind in ("mapped_column", "field") and inner_annotation is not None:
            not_null = not optional
        else:
            not_null = False
        default = _default(kw.get("server_default")) or _default(kw.get("default"), literal_only=True)
        if kind == "field" and _is_none(kw.get("default")) and not is_pk:
            not_null = not_null and not optional
        d.columns[column] = m.Column(column, sql_type, not_null=not_null or is_pk, default=default, span=span)
        if is_pk:
            pk.append(column)
        if _truthy(kw.get("unique")) and not is_pk:
            d.constraints.append(ConstraintDraft("unique", None, (column,), span=span))
        if _truthy(kw.get("index")):
            name = f"ix_{d.name}_{column}"
            unique = _truthy(kw.get("unique"))
            self.b.indexes[m.qualify("public", name)] = m.Index("public", name, d.name, (column,), unique, span=span)
        for fk in foreign:
            self._foreign_key(d, (column,), fk.args[0] if fk.args else None, fk, span)
        if "foreign_key" in kw:
            self._foreign_key(d, (column,), kw["foreign_key"], None, span)

    def _foreign_key(
        self, d: TableDraft, columns: tuple[str, ...], target: ast.expr | None, call: ast.Call | None, span: Span
    ) -> None:
        text = _reference_text(target)
        if text is None:
            return
        table, _, ref = text.rpartition(".")
        if not table:  # ForeignKey(User.id) spelled as a class attribute: Class.column
            return
        kw = {k.arg: k.value for k in call.keywords if k.arg} if call is not None else {}
        ref_table = table.split(".")[-1]
        schema = table.split(".")[0] if table.count(".") == 1 else "public"
        d.constraints.append(
            ConstraintDraft(
                "foreign",
                None,
                columns,
                ref_schema=schema if schema != ref_table else "public",
                ref_table=ref_table,
                ref_columns=(ref,),
                on_delete=_action(kw.get("ondelete")),
                on_update=_action(kw.get("onupdate")),
                span=span,
            )
        )

    def _table_args(self, d: TableDraft, value: ast.expr, line: int) -> None:
        items = value.elts if isinstance(value, ast.Tuple | ast.List) else [value]
        for item in items:
            if not isinstance(item, ast.Call):
                continue
            kind = _call_name(item)
            names = [a.value for a in item.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            kw = {k.arg: k.value for k in item.keywords if k.arg}
            label = kw.get("name")
            name = label.value if isinstance(label, ast.Constant) and isinstance(label.value, str) else None
            span = d.span
            if kind == "uniqueconstraint" and names:
                d.constraints.append(ConstraintDraft("unique", name, tuple(names), span=span))
            elif kind == "index" and len(names) >= 2:
                ix = names[0]
                unique = _truthy(kw.get("unique"))
                self.b.indexes[m.qualify("public", ix)] = m.Index(
                    "public", ix, d.name, tuple(names[1:]), unique, span=span
                )
            elif kind == "checkconstraint" and names:
                d.constraints.append(ConstraintDraft("check", name, expression=names[0], span=span))
            elif kind == "primarykeyconstraint" and names:
                d.constraints.insert(0, ConstraintDraft("primary", name, tuple(names), span=span))
            elif kind == "foreignkeyconstraint" and len(item.args) >= 2:
                cols = _strings(item.args[0])
                refs = _strings(item.args[1])
                if cols and refs and all("." in r for r in refs):
                    table = refs[0].rsplit(".", 1)[0]
                    d.constraints.append(
                        ConstraintDraft(
                            "foreign", name, tuple(cols), ref_table=table.split(".")[-1],
                            ref_columns=tuple(r.rsplit(".", 1)[1] for r in refs), on_delete=_action(kw.get("ondelete")),
                            span=span,
                        )
                    )  # fmt: skip

    def _sa_type(self, node: ast.expr, table: str, column: str) -> str | None:
        """A SQLAlchemy type expression (`String(64)`, `DateTime(timezone=True)`, `Enum(Status)`, `ARRAY(Integer)`)."""
        call = node if isinstance(node, ast.Call) else None
        name = (_call_name(call) if call is not None else _last_name(node)).lower()
        args = call.args if call is not None else []
        kw = {k.arg: k.value for k in call.keywords if k.arg} if call is not None else {}
        if name == "enum":
            return self._enum_type(args, kw, table, column)
        if name == "array" and args:
            inner = self._sa_type(args[0], table, column)
            return f"{inner}[]" if inner else None
        if name in ("datetime", "timestamp") and _truthy(kw.get("timezone")):
            return "timestamp with time zone"
        base = _SA_TYPES.get(name)
        if base is None:
            return None
        numbers = [str(a.value) for a in args if isinstance(a, ast.Constant) and isinstance(a.value, int)]
        if "length" in kw and isinstance(kw["length"], ast.Constant):
            numbers = [str(kw["length"].value)]
        precision, scale = kw.get("precision"), kw.get("scale")
        if isinstance(precision, ast.Constant) and base == "numeric":
            numbers = [str(precision.value)] + ([str(scale.value)] if isinstance(scale, ast.Constant) else [])
        if numbers and base in ("character varying", "character", "numeric"):
            return f"{base}({','.join(numbers[:2])})"
        return base

    def _annotation_type(self, node: ast.expr, table: str, column: str) -> str | None:
        name = _last_name(node)
        if name in self.enums:
            return self._enum_type([ast.Name(name)], {}, table, column)
        return _ANNOTATIONS.get(name.lower())

    def _enum_type(self, args: list[ast.expr], kw: dict[str, ast.expr], table: str, column: str) -> str:
        """SQLAlchemy's Enum: a PostgreSQL enum named after the Python enum (lower case) holding its
        members' names — or `name=` — or, for literal values `Enum("a", "b")`, those values."""
        values: list[str] = [a.value for a in args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        type_name = None
        if args and not values:
            enum_class = self.enums.get(_last_name(args[0]))
            if enum_class is not None:
                values = _members(enum_class)
                type_name = enum_class.name.lower()
        label = kw.get("name")
        if isinstance(label, ast.Constant) and isinstance(label.value, str):
            type_name = label.value
        type_name = type_name or f"{table}_{column}"
        if not values:
            return "text"
        self.b.enums.setdefault(m.qualify("public", type_name), m.Enum("public", type_name, tuple(values)))
        return own_type_ref(type_name)

    # -- Django -----------------------------------------------------------------------------------------

    def _django_field(self, d: TableDraft, attr: str, value: ast.expr | None, line: int, pk: list[str]) -> None:
        from schemadoc.parse.orm import orm_type

        if not isinstance(value, ast.Call):
            return
        kind = _call_name(value)
        kw = {k.arg: k.value for k in value.keywords if k.arg}
        span = self.span(line)
        if kind == "manytomanyfield":
            return  # a join table Django makes; the doc shows no columns of its own
        column = attr
        if kind in _DJANGO_RELATIONS:
            column = attr + "_id"
            target = value.args[0] if value.args else kw.get("to")
            ref = _reference_text(target) or ""
            ref = ref.split(".")[-1]
            d.columns[column] = m.Column(column, "bigint", not_null=not _truthy(kw.get("null")), span=span)
            d.constraints.append(
                ConstraintDraft(
                    "foreign", None, (column,), ref_table="",
                    on_delete=_action(kw.get("on_delete")), span=span,
                    candidates=(d.name,) if ref.lower() == "self" else (ref,) if ref else (),
                )
            )  # fmt: skip
            if _DJANGO_RELATIONS[kind]:
                d.constraints.append(ConstraintDraft("unique", None, (column,), span=span))
            return
        text = ast.unparse(value).split(".")[-1]
        ot = orm_type(text)
        sql_type = ot.sql if ot is not None and ot.sql else "text"
        is_pk = _truthy(kw.get("primary_key"))
        d.columns[column] = m.Column(
            column,
            sql_type,
            not_null=not _truthy(kw.get("null")) or is_pk,
            identity="by default" if ot is not None and ot.identity else None,
            span=span,
        )
        if is_pk or (ot is not None and ot.identity):
            pk.append(column)
        if _truthy(kw.get("unique")) and not is_pk:
            d.constraints.append(ConstraintDraft("unique", None, (column,), span=span))
        if ot is not None and ot.check_non_negative:
            d.constraints.append(
                ConstraintDraft(
                    "check", None, expression=f"{quote_ident(column)} >= 0", expression_columns=(column,), span=span
                )
            )

    # -- classic Table() -----------------------------------------------------------------------------------

    def classic(self, call: ast.Call, line: int) -> None:
        """`users = Table("users", metadata, Column("id", Integer, primary_key=True), …)`."""
        if not call.args or not isinstance(call.args[0], ast.Constant) or not isinstance(call.args[0].value, str):
            return
        name = call.args[0].value
        d = TableDraft("public", name, "orm", self.span(line))
        pk: list[str] = []
        for arg in call.args[1:]:
            if isinstance(arg, ast.Call) and _call_name(arg) == "column" and arg.args:
                first = arg.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    self._sa_field(d, first.value, None, arg, line, pk, False)
            elif isinstance(arg, ast.Call):
                self._table_args(d, arg, line)
        if pk:
            d.constraints.insert(0, ConstraintDraft("primary", None, tuple(pk), span=d.span))
        if d.columns:
            self.b.add_table(d)


# -- small helpers over the syntax tree ------------------------------------------------------------------


def _dedent(text: str) -> str:
    lines = text.splitlines()
    indents = [len(line) - len(line.lstrip()) for line in lines if line.strip()]
    cut = min(indents) if indents else 0
    return "\n".join(line[cut:] for line in lines)


def _is_model(bases: list[str], keywords: dict[str, ast.expr], body: list[ast.stmt]) -> bool:
    if any(
        re.search(r"\b(models\.Model|db\.Model|DeclarativeBase|Base|Model|AbstractUser|AbstractBaseUser)$", b)
        for b in bases
    ):
        return not any(b.endswith(("Enum", "BaseModel", "TypedDict", "Schema")) for b in bases)
    if "SQLModel" in bases:
        return _truthy(keywords.get("table"))
    return any(_assignment(s, 0)[0] == "__tablename__" for s in body)


def _is_enum(bases: list[str]) -> bool:
    return any(re.search(r"\b(Enum|IntEnum|StrEnum)$", b) for b in bases)


def _members(cls: _Class) -> list[str]:
    out = []
    for stmt in cls.body:
        target, _, value, _ = _assignment(stmt, 0)
        if target and not target.startswith("_") and value is not None and not isinstance(value, ast.Call | ast.Lambda):
            out.append(target)
    return out


def _assignment(stmt: ast.stmt, base_line: int) -> tuple[str | None, ast.expr | None, ast.expr | None, int]:
    """(name, annotation, value, line) of `name = value` or `name: annotation = value`."""
    line = base_line + getattr(stmt, "lineno", 1) - 1
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
        return stmt.targets[0].id, None, stmt.value, line
    if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
        return stmt.target.id, stmt.annotation, stmt.value, line
    return None, None, None, line


def _call_name(call: ast.Call | None) -> str:
    return _last_name(call.func).lower() if call is not None else ""


def _last_name(node: ast.expr | None) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Subscript):
        return _last_name(node.value)
    if isinstance(node, ast.Call):
        return _last_name(node.func)
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return ""


def _mapped(annotation: ast.expr) -> ast.expr | None:
    """The type inside `Mapped[...]`, or None when the annotation is not one."""
    if isinstance(annotation, ast.Subscript) and _last_name(annotation.value) == "Mapped":
        return annotation.slice
    return None


def _optional(annotation: ast.expr) -> tuple[bool, ast.expr]:
    """(nullable, the type) of `Optional[X]`, `X | None`, `Union[X, None]`, or X."""
    if isinstance(annotation, ast.Subscript) and _last_name(annotation.value) == "Optional":
        return True, annotation.slice
    if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
        for side, other in ((annotation.left, annotation.right), (annotation.right, annotation.left)):
            if _is_none(side):
                return True, other
    if isinstance(annotation, ast.Subscript) and _last_name(annotation.value) == "Union":
        items = annotation.slice.elts if isinstance(annotation.slice, ast.Tuple) else [annotation.slice]
        rest = [i for i in items if not _is_none(i)]
        if len(rest) < len(items) and rest:
            return True, rest[0]
    return False, annotation


def _is_none(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _truthy(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Constant) and bool(node.value)


def _strings(node: ast.expr) -> list[str]:
    items = node.elts if isinstance(node, ast.List | ast.Tuple) else [node]
    return [i.value for i in items if isinstance(i, ast.Constant) and isinstance(i.value, str)]


def _reference_text(node: ast.expr | None) -> str | None:
    """`"users.id"`, `User` or `"app.User"` as written; `User.id` as "User.id"."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name | ast.Attribute):
        return ast.unparse(node)
    return None


def _action(node: ast.expr | None) -> str:
    text = (node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else _last_name(node)).upper()
    text = text.replace("_", " ")
    return (
        text
        if text in ("CASCADE", "SET NULL", "RESTRICT", "SET DEFAULT", "NO ACTION")
        else ("CASCADE" if text == "CASCADE" else "NO ACTION")
    )


def _default(node: ast.expr | None, literal_only: bool = False) -> str | None:
    """A column default as SQL: `server_default=text("now()")` or a literal (`default=0`, `default="en"`);
    a Python callable (`default=datetime.utcnow`) runs in the client and is no default of the table."""
    if node is None:
        return None
    if isinstance(node, ast.Call) and _call_name(node) in ("text", "literal_column") and node.args:
        arg = node.args[0]
        return arg.value if isinstance(arg, ast.Constant) and isinstance(arg.value, str) else None
    if isinstance(node, ast.Call) and _call_name(node) == "now":
        return "now()"
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool):
            return "true" if node.value else "false"
        if isinstance(node.value, int | float):
            return str(node.value)
        if isinstance(node.value, str):
            return quote_literal(node.value)
    if not literal_only and isinstance(node, ast.Constant):
        return repr(node.value)
    return None
