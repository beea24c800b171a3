"""TypeScript and JavaScript ORM code — Drizzle, TypeORM, MikroORM, Sequelize, Knex — read with tree-sitter's
grammars (never run, never matched with regular expressions) and mapped as each ORM creates the tables.

Drizzle: `pgTable("name", { col: text("col").primaryKey().notNull().unique().default(…).references(() =>
users.id, { onDelete: "cascade" }) }, (t) => [index(…).on(t.col), primaryKey({ columns: […] })])`, also
`mysqlTable`/`sqliteTable`, `pgEnum`. TypeORM: `@Entity("name")` classes (the class name in snake case),
`@Column`, `@PrimaryGeneratedColumn`, `@PrimaryColumn`, `@CreateDateColumn`, `@ManyToOne`/`@OneToOne` (a
key column `<property>Id`, or `@JoinColumn({ name })`); NOT NULL unless `nullable: true`. MikroORM: the
same decorators' cousins (`@PrimaryKey`, `@Property`), snake-cased columns. Sequelize: `define("User",
{…}, { tableName })` and `Model.init`, its automatic `id` and timestamps, a model name pluralised.
Knex: `createTable("users", (t) => { t.increments("id"); t.string("email").notNullable().unique();
t.integer("user_id").references("users.id") })`. A doc's code blocks form one program: a key may name a
table declared in another block.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from schemadoc.names import quote_ident, snake_case
from schemadoc.parse.codemodel import CodeColumn, CodeTable, CodeTables, action, plural, sql_literal
from schemadoc.types import own_type_ref, translate_type

# Drizzle's column builders (pg-core, mysql-core, sqlite-core) as the types they create
_DRIZZLE = {
    "serial": "integer", "bigserial": "bigint", "smallserial": "smallint", "integer": "integer", "int": "integer",
    "bigint": "bigint", "smallint": "smallint", "tinyint": "smallint", "mediumint": "integer", "text": "text",
    "varchar": "character varying", "char": "character", "boolean": "boolean", "timestamp": "timestamp without time zone",
    "datetime": "timestamp without time zone", "date": "date", "time": "time without time zone", "interval": "interval",
    "numeric": "numeric", "decimal": "numeric", "real": "real", "doubleprecision": "double precision",
    "double": "double precision", "float": "double precision", "json": "json", "jsonb": "jsonb", "uuid": "uuid",
    "inet": "inet", "cidr": "cidr", "macaddr": "macaddr", "blob": "bytea", "bytea": "bytea", "citext": "citext",
}  # fmt: skip
_SERIALS = {"serial", "bigserial", "smallserial"}
# TypeScript's types as TypeORM and MikroORM map them to PostgreSQL
_TS_TYPES = {"number": "integer", "string": "character varying", "boolean": "boolean", "date": "timestamp without time zone",
             "bigint": "bigint", "buffer": "bytea", "object": "jsonb", "record": "jsonb"}  # fmt: skip
# Sequelize's DataTypes
_SEQUELIZE = {
    "string": "character varying(255)", "text": "text", "citext": "citext", "integer": "integer", "bigint": "bigint",
    "smallint": "smallint", "tinyint": "smallint", "mediumint": "integer", "float": "real", "real": "real",
    "double": "double precision", "decimal": "numeric", "boolean": "boolean", "date": "timestamp with time zone",
    "dateonly": "date", "time": "time without time zone", "uuid": "uuid", "uuidv4": "uuid", "json": "json",
    "jsonb": "jsonb", "blob": "bytea", "inet": "inet", "char": "character(255)",
}  # fmt: skip
# Knex's table builder methods
_KNEX = {
    "increments": "integer", "bigincrements": "bigint", "integer": "integer", "biginteger": "bigint",
    "tinyint": "smallint", "smallint": "smallint", "mediumint": "integer", "text": "text", "string": "character varying",
    "float": "real", "double": "double precision", "decimal": "numeric", "boolean": "boolean", "date": "date",
    "datetime": "timestamp with time zone", "timestamp": "timestamp with time zone", "time": "time without time zone",
    "binary": "bytea", "json": "json", "jsonb": "jsonb", "uuid": "uuid",
}  # fmt: skip


@dataclass(slots=True)
class Ref:
    """An identifier or member expression as written: `users.id`, `User`."""

    text: str


@dataclass(slots=True)
class Call:
    name: str  # the called function's last name
    args: list[Any]
    chain: list[tuple[str, list[Any]]] = field(default_factory=list)  # .method(args) after it, in order
    node: Any = None


@dataclass(slots=True)
class TsModels(CodeTables):
    """The tables of a doc's TypeScript/JavaScript blocks, gathered before any is mapped."""

    def add(self, text: str, first_line: int, javascript: bool = False) -> bool:
        root = _parse(text, javascript)
        before = len(self.tables)
        _Reader(self, first_line).walk(root)
        return len(self.tables) > before


def looks_like_orm(text: str) -> bool:
    return bool(
        re.search(
            r"\b(pgTable|mysqlTable|sqliteTable|pgEnum)\s*\(|@Entity\s*\(|createTable\s*\(|\.define\s*\(|"
            r"\.init\s*\(\s*\{|DataTypes\.\w+",
            text,
        )  # fmt: skip
    )


def _parse(text: str, javascript: bool) -> Any:
    from tree_sitter import Language, Parser

    if javascript:
        import tree_sitter_javascript

        language = Language(tree_sitter_javascript.language())
    else:
        import tree_sitter_typescript

        language = Language(tree_sitter_typescript.language_typescript())
    return Parser(language).parse(text.encode("utf-8")).root_node


def _text(node: Any) -> str:
    return node.text.decode("utf-8", "replace") if node is not None and node.text is not None else ""


def value(node: Any) -> Any:
    """A JavaScript expression as Python: strings, numbers, booleans, objects (dicts), arrays, references,
    calls with their method chains; the body of an arrow function."""
    if node is None:
        return None
    t = node.type
    if t == "string":
        return "".join(_text(c) for c in node.children if c.type == "string_fragment")
    if t == "template_string":
        return _text(node).strip("`")
    if t == "number":
        try:
            return int(_text(node))
        except ValueError:
            return float(_text(node))
    if t in ("true", "false"):
        return t == "true"
    if t in ("null", "undefined"):
        return None
    if t == "object":
        out = {}
        for pair in node.named_children:
            if pair.type == "pair":
                key = pair.child_by_field_name("key")
                out[_text(key).strip("'\"")] = pair.child_by_field_name("value")
            elif pair.type == "shorthand_property_identifier":
                out[_text(pair)] = pair
        return out
    if t == "array":
        return [value(c) for c in node.named_children]
    if t in ("identifier", "member_expression", "property_identifier", "this"):
        return Ref(_text(node))
    if t == "arrow_function":
        body = node.child_by_field_name("body")
        if body is not None and body.type == "statement_block":
            ret = next((c for c in body.named_children if c.type == "return_statement"), None)
            return value(ret.named_children[0]) if ret is not None and ret.named_children else None
        return value(body)
    if t == "parenthesized_expression" and node.named_children:
        return value(node.named_children[0])
    if t == "call_expression":
        return _call(node)
    if t in ("as_expression", "satisfies_expression", "non_null_expression") and node.named_children:
        return value(node.named_children[0])
    if t == "new_expression":
        return _call(node)
    return Ref(_text(node))


def _call(node: Any) -> Call:
    """`a(x).b(y).c()` as Call("a", [x], chain=[("b", [y]), ("c", [])])."""
    chain: list[tuple[str, list[Any]]] = []
    while node is not None and node.type in ("call_expression", "new_expression"):
        fn = node.child_by_field_name("function") or node.child_by_field_name("constructor")
        args_node = node.child_by_field_name("arguments")
        args = [value(a) for a in args_node.named_children] if args_node is not None else []
        if fn is not None and fn.type == "member_expression" and fn.child_by_field_name("object") is not None:
            obj = fn.child_by_field_name("object")
            prop = _text(fn.child_by_field_name("property"))
            if obj.type in ("call_expression", "new_expression"):
                chain.insert(0, (prop, args))
                node = obj
                continue
            return Call(prop, args, chain, node)  # knex.schema.createTable(…): the last name
        return Call(_text(fn).split(".")[-1], args, chain, node)
    return Call("", [], chain, node)


def _methods(call: Call) -> dict[str, list[Any]]:
    return {name.lower(): args for name, args in call.chain}


def _obj(v: Any) -> dict[str, Any]:
    """An object literal's properties as Python values."""
    return {k: value(n) for k, n in v.items()} if isinstance(v, dict) else {}


class _Reader:
    def __init__(self, models: TsModels, first_line: int) -> None:
        self.models, self.first_line = models, first_line

    def line(self, node: Any) -> int:
        return self.first_line + int(node.start_point[0])

    def end_line(self, node: Any) -> int:
        return self.first_line + int(node.end_point[0])

    def walk(self, node: Any) -> None:
        stack = [node]
        while stack:
            n = stack.pop()
            if n.type == "variable_declarator":
                init = n.child_by_field_name("value")
                if init is not None and init.type == "call_expression":
                    self.declaration(_text(n.child_by_field_name("name")), init)
            elif n.type == "class_declaration":
                self.entity(n)
            elif n.type == "call_expression":
                fn = n.child_by_field_name("function")
                prop = fn.child_by_field_name("property") if fn is not None and fn.type == "member_expression" else None
                if prop is not None and _text(prop) == "createTable":  # knex.schema.createTable("t", (t) => {…})
                    args = [value(a) for a in n.child_by_field_name("arguments").named_children]
                    if args and isinstance(args[0], str):
                        self.knex(args[0], n)
                elif n.parent is not None and n.parent.type == "expression_statement":
                    self.declaration("", n)
            stack.extend(reversed(n.named_children))

    # -- calls: Drizzle tables and enums, Sequelize define/init, Knex createTable -----------------------

    def declaration(self, variable: str, node: Any) -> None:
        call = _call(node)
        name = call.name.lower()
        if name in ("pgtable", "mysqltable", "sqlitetable") and call.args and isinstance(call.args[0], str):
            self.drizzle(variable, call, node)
        elif name in ("pgenum", "mysqlenum") and len(call.args) >= 2 and isinstance(call.args[1], list):
            self.models.enums[variable] = (str(call.args[0]), tuple(str(v) for v in call.args[1]))
        elif name == "define" and len(call.args) >= 2 and isinstance(call.args[0], str):
            options = _obj(call.args[2]) if len(call.args) > 2 else {}
            self.sequelize(call.args[0], call.args[1], options, node, variable or call.args[0])
        elif name == "init" and call.args and isinstance(call.args[0], dict):
            options = _obj(call.args[1]) if len(call.args) > 1 else {}
            model = _text(node.child_by_field_name("function")).split(".")[0]
            self.sequelize(str(options.get("modelName") or model), call.args[0], options, node, model)

    def drizzle(self, variable: str, call: Call, node: Any) -> None:
        table = CodeTable(
            str(call.args[0]), self.line(node), variable or str(call.args[0]), end_line=self.end_line(node)
        )
        columns = call.args[1] if len(call.args) > 1 and isinstance(call.args[1], dict) else {}
        keys: dict[str, str] = {}
        for key, col_node in columns.items():
            built = value(col_node)
            if not isinstance(built, Call):
                continue
            col = self.drizzle_column(key, built, col_node)
            if col is not None:
                table.columns.append(col)
                keys[key] = col.name
        extra = call.args[2] if len(call.args) > 2 else None
        items = list(extra.values()) if isinstance(extra, dict) else extra if isinstance(extra, list) else []
        for item in items:
            item = value(item) if not isinstance(item, Call | Ref | str | list | dict) else item
            if not isinstance(item, Call):
                continue
            on = _methods(item).get("on", [])
            cols = tuple(keys.get(r.text.split(".")[-1], r.text.split(".")[-1]) for r in on if isinstance(r, Ref))
            kind = item.name.lower()
            label = item.args[0] if item.args and isinstance(item.args[0], str) else None
            if kind in ("index", "uniqueindex") and cols:
                table.indexes.append((label, cols, kind == "uniqueindex"))
            elif kind == "unique" and cols:
                table.uniques.append(cols)
            elif kind == "primarykey" and item.args:
                spec = _obj(item.args[0]) if isinstance(item.args[0], dict) else {}
                listed = spec.get("columns") or [a for a in item.args if isinstance(a, Ref)]
                if isinstance(listed, list):
                    table.primary = tuple(
                        keys.get(r.text.split(".")[-1], r.text.split(".")[-1]) for r in listed if isinstance(r, Ref)
                    )
        self.models.tables.append(table)

    def drizzle_column(self, key: str, built: Call, node: Any) -> CodeColumn | None:
        builder = built.name
        name = built.args[0] if built.args and isinstance(built.args[0], str) else key
        options = _obj(built.args[-1]) if built.args and isinstance(built.args[-1], dict) else {}
        if builder in self.models.enums:
            sql_type = own_type_ref(self.models.enums[builder][0])
        else:
            base = _DRIZZLE.get(builder.lower())
            if base is None:
                return None
            sql_type = base
            if base in ("character varying", "character") and isinstance(options.get("length"), int):
                sql_type = f"{base}({options['length']})"
            if base == "numeric" and isinstance(options.get("precision"), int):
                scale = options.get("scale")
                sql_type = f"numeric({options['precision']}" + (f",{scale})" if isinstance(scale, int) else ")")
            if base.startswith("timestamp") and options.get("withTimezone") is True:
                sql_type = "timestamp with time zone"
            if builder.lower() == "integer" and options.get("mode") == "boolean":
                sql_type = "boolean"  # sqlite-core's integer({ mode: "boolean" })
        col = CodeColumn(name, sql_type, self.line(node), identity=builder.lower() in _SERIALS)
        for method, args in built.chain:
            low = method.lower()
            if low == "primarykey":
                col.pk = col.not_null = True
            elif low == "notnull":
                col.not_null = True
            elif low == "unique":
                col.unique = True
            elif low == "defaultnow":
                col.default = "now()"
            elif low == "default" and args:
                col.default = _literal(args[0])
            elif low == "array":
                col.sql_type += "[]"
            elif low == "generatedalwaysasidentity" or low == "generatedbydefaultasidentity":
                col.identity = True
            elif low == "references" and args:
                target = args[0] if isinstance(args[0], Ref) else None
                if target is not None:
                    table, _, column = target.text.rpartition(".")
                    col.ref = (table, column or None)
                actions = _obj(args[1]) if len(args) > 1 and isinstance(args[1], dict) else {}
                col.on_delete = action(actions.get("onDelete"))
        return col

    def sequelize(self, model: str, attributes: Any, options: dict[str, Any], node: Any, key: str) -> None:
        table_name = options.get("tableName")
        name = str(table_name) if isinstance(table_name, str) else plural(model)
        table = CodeTable(name, self.line(node), key, end_line=self.end_line(node))
        for attr, spec_node in attributes.items() if isinstance(attributes, dict) else []:
            raw = value(spec_node)
            spec = _obj(raw) if isinstance(raw, dict) else {"type": raw}
            sql_type = self.sequelize_type(spec.get("type"), name, attr)
            if sql_type is None:
                continue
            column = str(spec.get("field") or attr)
            col = CodeColumn(column, sql_type, self.line(spec_node))
            col.pk = spec.get("primaryKey") is True
            col.not_null = spec.get("allowNull") is False or col.pk
            col.unique = spec.get("unique") is True
            col.identity = spec.get("autoIncrement") is True
            if "defaultValue" in spec and not isinstance(spec["defaultValue"], Ref | Call):
                col.default = _literal(spec["defaultValue"])
            refs = _obj(spec["references"]) if isinstance(spec.get("references"), dict) else {}
            if refs:
                target = refs.get("model")
                target_name = target if isinstance(target, str) else target.text if isinstance(target, Ref) else None
                if target_name:
                    col.ref = (target_name, str(refs.get("key") or "id"))
                col.on_delete = action(spec.get("onDelete"))
            table.columns.append(col)
        if not any(c.pk for c in table.columns):
            table.columns.insert(0, CodeColumn("id", "integer", table.line, not_null=True, pk=True, identity=True))
        if options.get("timestamps") is not False:
            for stamp in ("createdAt", "updatedAt"):
                if not any(c.name == stamp for c in table.columns):
                    table.columns.append(CodeColumn(stamp, "timestamp with time zone", table.line, not_null=True))
        self.models.tables.append(table)

    def sequelize_type(self, t: Any, table: str, column: str) -> str | None:
        if isinstance(t, Ref):
            return _SEQUELIZE.get(t.text.split(".")[-1].lower())
        if isinstance(t, Call):
            name = t.name.lower()
            if name == "enum":
                values = tuple(str(v) for v in t.args if isinstance(v, str))
                self.models.enums[f"enum_{table}_{column}"] = (f"enum_{table}_{column}", values)
                return quote_ident(f"enum_{table}_{column}")
            if name == "array" and t.args:
                inner = self.sequelize_type(t.args[0], table, column)
                return f"{inner}[]" if inner else None
            base = _SEQUELIZE.get(name)
            numbers = [str(a) for a in t.args if isinstance(a, int)]
            if base is not None and numbers and name in ("string", "char", "decimal"):
                return re.sub(r"\(\d+\)", "", base) + f"({','.join(numbers[:2])})"
            return base
        return None

    def knex(self, name: str, node: Any) -> None:
        table = CodeTable(name, self.line(node), name, end_line=self.end_line(node))
        arguments = node.child_by_field_name("arguments")
        functions = [
            c
            for c in (arguments.named_children if arguments is not None else [])
            if c.type in ("arrow_function", "function_expression", "function")
        ]
        if not functions:
            return
        body_fn = functions[0]
        params = body_fn.child_by_field_name("parameters") or body_fn.child_by_field_name("parameter")
        builder = _text(params).strip("()").split(",")[0].split(":")[0].strip() if params is not None else "table"
        body = body_fn.child_by_field_name("body")
        for stmt in body.named_children if body is not None else []:
            if stmt.type != "expression_statement" or not stmt.named_children:
                continue
            expr = stmt.named_children[0]
            if expr.type != "call_expression":
                continue
            c = self.knex_call(expr, builder)
            if c is None:
                continue
            method, args, chain = c
            self.knex_column(table, method, args, chain, self.line(stmt))
        self.models.tables.append(table)

    def knex_call(self, node: Any, builder: str) -> tuple[str, list[Any], list[tuple[str, list[Any]]]] | None:
        """`t.string("email").notNullable()` as ("string", ["email"], [("notNullable", [])])."""
        chain: list[tuple[str, list[Any]]] = []
        while node is not None and node.type == "call_expression":
            fn = node.child_by_field_name("function")
            args = [value(a) for a in node.child_by_field_name("arguments").named_children]
            if fn is None or fn.type != "member_expression":
                return None
            obj = fn.child_by_field_name("object")
            prop = _text(fn.child_by_field_name("property"))
            if obj is not None and obj.type == "identifier" and _text(obj) == builder:
                return prop, args, chain
            chain.insert(0, (prop, args))
            node = obj
        return None

    def knex_column(
        self, table: CodeTable, method: str, args: list[Any], chain: list[tuple[str, list[Any]]], line: int
    ) -> None:
        low = method.lower()
        if low == "timestamps":
            for stamp in ("created_at", "updated_at"):
                table.columns.append(
                    CodeColumn(
                        stamp, "timestamp with time zone", line, default="now()" if args and args[-1] is True else None
                    )
                )
            return
        if low in ("primary", "unique", "index", "foreign"):
            cols = tuple(
                str(a) for a in (args[0] if args and isinstance(args[0], list) else args[:1]) if isinstance(a, str)
            )
            if low == "primary":
                table.primary = cols
            elif low == "unique":
                table.uniques.append(cols)
            elif low == "index":
                table.indexes.append((args[1] if len(args) > 1 and isinstance(args[1], str) else None, cols, False))
            elif low == "foreign" and cols:
                col = next((c for c in table.columns if c.name == cols[0]), None)
                if col is not None:
                    self.knex_reference(col, chain)
            return
        if low in ("enu", "enum", "specifictype") and len(args) >= 2 and isinstance(args[1], list):
            type_name = f"{table.name}_{args[0]}"
            self.models.enums[type_name] = (type_name, tuple(str(v) for v in args[1]))
            sql_type = quote_ident(type_name)
        else:
            base = _KNEX.get(low)
            if base is None or not args or not isinstance(args[0], str):
                return
            sql_type = base
            numbers = [str(a) for a in args[1:] if isinstance(a, int)]
            if low == "string":
                sql_type = f"character varying({numbers[0] if numbers else 255})"
            elif low == "decimal":
                sql_type = f"numeric({','.join(numbers or ['8', '2'])})"
        col = CodeColumn(str(args[0]), sql_type, line)
        if low in ("increments", "bigincrements"):
            col.pk = col.not_null = col.identity = True
        methods = {name.lower(): a for name, a in chain}
        col.not_null = col.not_null or "notnullable" in methods
        col.pk = col.pk or "primary" in methods
        col.unique = "unique" in methods
        if "unsigned" in methods and col.sql_type == "integer":
            col.sql_type = "bigint"
        if "defaultto" in methods and methods["defaultto"]:
            col.default = _literal(methods["defaultto"][0])
        if "index" in methods:
            col.index = True
        self.knex_reference(col, chain)
        table.columns.append(col)

    @staticmethod
    def knex_reference(col: CodeColumn, chain: list[tuple[str, list[Any]]]) -> None:
        methods = {name.lower(): a for name, a in chain}
        refs = methods.get("references")
        if not refs or not isinstance(refs[0], str):
            return
        target = refs[0]
        in_table = methods.get("intable")
        if in_table and isinstance(in_table[0], str):
            col.ref = (in_table[0], target)
        elif "." in target:
            t, _, c = target.rpartition(".")
            col.ref = (t, c)
        on_delete = methods.get("ondelete")
        col.on_delete = action(on_delete[0] if on_delete else None)

    # -- classes: TypeORM and MikroORM entities ---------------------------------------------------------

    def entity(self, node: Any) -> None:
        decorators = [c for c in node.children if c.type == "decorator"]
        if node.parent is not None and node.parent.type == "export_statement":
            decorators += [c for c in node.parent.children if c.type == "decorator"]
        entity = next((d for d in decorators if _decorator(d)[0] == "entity"), None)
        if entity is None:
            return
        class_name = _text(node.child_by_field_name("name"))
        args = _decorator(entity)[1]
        label = args[0] if args and isinstance(args[0], str) else None
        if args and isinstance(args[0], dict):
            label = _obj(args[0]).get("name") or _obj(args[0]).get("tableName")
        mikro = "@mikro-orm" in _text(
            node.parent.parent if node.parent is not None and node.parent.parent is not None else node
        )
        table = CodeTable(
            str(label or snake_case(class_name)), self.line(node), class_name, end_line=self.end_line(node)
        )
        body = node.child_by_field_name("body")
        for member in body.named_children if body is not None else []:
            if member.type not in ("public_field_definition", "field_definition"):
                continue
            decos = [c for c in member.children if c.type == "decorator"]
            prop = member.child_by_field_name("name")
            annotation = member.child_by_field_name("type")
            optional = any(c.type == "?" for c in member.children)
            for deco in decos:
                self.entity_field(table, _text(prop), annotation, optional, deco, decos, mikro)
        self.models.tables.append(table)

    def entity_field(
        self, table: CodeTable, prop: str, annotation: Any, optional: bool, deco: Any, decos: list[Any], mikro: bool
    ) -> None:
        kind, args = _decorator(deco)
        options: dict[str, Any] = {}
        type_arg: Any = None
        for a in args:
            if isinstance(a, dict):
                options = _obj(a)
            elif type_arg is None:
                type_arg = a
        column_name = str(options.get("name") or (snake_case(prop) if mikro else prop))
        ts_type = _text(annotation).lstrip(":").strip() if annotation is not None else ""
        line = self.line(deco)
        if kind in ("manytoone", "onetoone"):
            join = next((d for d in decos if _decorator(d)[0] == "joincolumn"), None)
            if kind == "onetoone" and join is None and not mikro:
                return  # the other side of a one-to-one holds no key
            target = type_arg.text if isinstance(type_arg, Ref) else ts_type
            if isinstance(type_arg, str):
                target = type_arg
            join_opts = (
                _obj(_decorator(join)[1][0])
                if join is not None and _decorator(join)[1] and isinstance(_decorator(join)[1][0], dict)
                else {}
            )
            name = str(join_opts.get("name") or (snake_case(prop) + "_id" if mikro else prop + "Id"))
            col = CodeColumn(name, "", line)
            col.ref = (target.split(".")[-1].split("=>")[-1].strip(), None)
            col.not_null = options.get("nullable") is False or (
                mikro and options.get("nullable") is not True and not optional
            )
            col.unique = kind == "onetoone"
            col.on_delete = action(options.get("onDelete"))
            table.columns.append(col)
            return
        if kind not in ("column", "primarycolumn", "primarygeneratedcolumn", "createdatecolumn", "updatedatecolumn",
                        "deletedatecolumn", "versioncolumn", "primarykey", "property", "enum"):  # fmt: skip
            return
        written = (
            type_arg
            if isinstance(type_arg, str)
            else options.get("type")
            if isinstance(options.get("type"), str)
            else None
        )
        if kind == "primarygeneratedcolumn":
            key_type = "uuid" if written == "uuid" else "integer"
            col = CodeColumn(column_name, key_type, line, not_null=True, pk=True, identity=key_type == "integer")
            if key_type == "uuid":
                col.default = "gen_random_uuid()"
            table.columns.append(col)
            return
        if kind in ("createdatecolumn", "updatedatecolumn", "deletedatecolumn"):
            col = CodeColumn(column_name, "timestamp without time zone", line, not_null=kind != "deletedatecolumn")
            col.default = "now()" if kind != "deletedatecolumn" else None
            table.columns.append(col)
            return
        sql_type: str | None = None
        if written is not None:
            sql_type = translate_type(written) or ("jsonb" if written in ("simple-json",) else None)
            if written == "enum" or kind == "enum":
                values = options.get("enum")
                if isinstance(values, list):
                    type_name = f"{table.name}_{column_name}_enum"
                    self.models.enums[type_name] = (type_name, tuple(str(v) for v in values))
                    sql_type = quote_ident(type_name)
        if sql_type is None:
            base = ts_type.replace("?", "").split("|")[0].strip().lower()
            sql_type = _TS_TYPES.get(base, "character varying" if not mikro else "character varying(255)")
            if mikro and base == "date":
                sql_type = "timestamp with time zone"
            if mikro and sql_type == "character varying":
                sql_type = "character varying(255)"  # MikroORM's string
        length = options.get("length")
        if isinstance(length, int) and sql_type.startswith("character"):
            sql_type = f"{sql_type.split('(')[0]}({length})"
        col = CodeColumn(column_name, sql_type, line)
        col.pk = kind in ("primarycolumn", "primarykey") or options.get("primary") is True
        nullable = options.get("nullable") is True or (mikro and optional)
        col.not_null = col.pk or not nullable
        col.unique = options.get("unique") is True
        if "default" in options and not isinstance(options["default"], Ref | Call):
            col.default = _literal(options["default"])
        if kind == "primarykey" and sql_type == "integer":
            col.identity = True
        table.columns.append(col)


def _decorator(node: Any) -> tuple[str, list[Any]]:
    """`@Column({ unique: true })` as ("column", [{…}])."""
    inner = node.named_children[0] if node.named_children else None
    if inner is None:
        return "", []
    if inner.type == "call_expression":
        call = _call(inner)
        return call.name.lower(), call.args
    return _text(inner).split(".")[-1].lower(), []


def _literal(v: Any) -> str | None:
    if isinstance(v, Ref) and v.text.lower() in ("sql`now()`", "now"):
        return "now()"
    return sql_literal(v)
