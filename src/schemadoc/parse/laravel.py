"""Laravel migrations — `Schema::create('flights', function (Blueprint $table) { … })` — read with
tree-sitter's PHP grammar (never run) and mapped as Laravel's PostgreSQL schema grammar creates them.

`$table->id()` is a bigint identity key; `string('name', 100)` varchar(100) (255 by default); columns are
NOT NULL unless `->nullable()`; `enum('status', [...])` is varchar(255) with a CHECK … IN; `timestamps()`
and `softDeletes()` are nullable timestamp(0) columns; `foreignId('user_id')->constrained()` is a bigint
referencing users(id) (the table from the column's name, in the plural, as Laravel's Str::plural makes
it); `->unique()`, `->index()`, `->primary()`, `$table->unique([...])`, `$table->foreign('x')->
references('id')->on('t')->onDelete('cascade')` are the constraints and indexes Laravel names
`<table>_<columns>_unique`/`_index`/`_foreign`. `Schema::table()` adds columns to a table created before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from schemadoc.names import quote_literal, snake_case
from schemadoc.parse.codemodel import CodeColumn, CodeTable, CodeTables, action, plural, sql_literal

# Blueprint methods -> PostgreSQL types (Illuminate\Database\Schema\Grammars\PostgresGrammar)
_TYPES = {
    "id": "bigint", "bigincrements": "bigint", "increments": "integer", "integerincrements": "integer",
    "mediumincrements": "integer", "smallincrements": "smallint", "tinyincrements": "smallint",
    "biginteger": "bigint", "unsignedbiginteger": "bigint", "integer": "integer", "unsignedinteger": "integer",
    "mediuminteger": "integer", "unsignedmediuminteger": "integer", "smallinteger": "smallint",
    "unsignedsmallinteger": "smallint", "tinyinteger": "smallint", "unsignedtinyinteger": "smallint",
    "foreignid": "bigint", "foreignuuid": "uuid", "foreignulid": "character(26)", "uuid": "uuid",
    "ulid": "character(26)", "string": "character varying", "char": "character", "text": "text",
    "tinytext": "character varying(255)", "mediumtext": "text", "longtext": "text", "boolean": "boolean",
    "float": "double precision", "double": "double precision", "decimal": "numeric",
    "unsigneddecimal": "numeric", "date": "date", "datetime": "timestamp(0) without time zone",
    "datetimetz": "timestamp(0) with time zone", "time": "time(0) without time zone",
    "timetz": "time(0) with time zone", "timestamp": "timestamp(0) without time zone",
    "timestamptz": "timestamp(0) with time zone", "year": "integer", "binary": "bytea", "json": "json",
    "jsonb": "jsonb", "ipaddress": "inet", "macaddress": "macaddr", "enum": "character varying(255)",
    "set": "character varying(255)", "geometry": "geometry", "point": "point",
}  # fmt: skip
_INCREMENTS = {"id", "bigincrements", "increments", "integerincrements", "mediumincrements", "smallincrements",
               "tinyincrements"}  # fmt: skip
_STAMPS = {"timestamps": "timestamp(0) without time zone", "nullabletimestamps": "timestamp(0) without time zone",
           "timestampstz": "timestamp(0) with time zone"}  # fmt: skip


@dataclass(slots=True)
class Call:
    """`$table->string('email')->nullable()` as Call("string", ["email"], [("nullable", [])])."""

    name: str
    args: list[Any]
    chain: list[tuple[str, list[Any]]]


class LaravelMigrations(CodeTables):
    """The tables a doc's PHP blocks create, gathered before any is mapped."""

    def add(self, text: str, first_line: int) -> bool:
        before = (len(self.tables), sum(len(t.columns) for t in self.tables))
        root = _parse(text)
        stack = [root]
        while stack:
            node = stack.pop()
            if node.type == "scoped_call_expression" and _text(node.child_by_field_name("scope")) == "Schema":
                method = _text(node.child_by_field_name("name")).lower()
                if method in ("create", "table"):
                    self.schema_call(node, method == "create", first_line)
                    continue
            stack.extend(reversed(node.named_children))
        return (len(self.tables), sum(len(t.columns) for t in self.tables)) != before

    def schema_call(self, node: Any, create: bool, first_line: int) -> None:
        args = _arguments(node)
        name = _value(args[0]) if args else None
        body = next((a for a in args[1:] if a.type in ("anonymous_function", "arrow_function")), None)
        if not isinstance(name, str) or body is None:
            return
        line = first_line + int(node.start_point[0])
        table = next((t for t in self.tables if t.name == name), None)
        if table is None:
            table = CodeTable(name, line, name)
            self.tables.append(table)
        elif create:
            table.columns.clear()
        builder = _builder_variable(body)
        inner = body.child_by_field_name("body")
        if inner is None:
            return
        # a closure's statements, or an arrow function's one expression (fn (Blueprint $t) => $t->id())
        statements = inner.named_children if inner.type == "compound_statement" else [inner]
        for stmt in statements:
            expr = stmt.named_children[0] if stmt.type == "expression_statement" and stmt.named_children else stmt
            call = _blueprint_call(expr, builder)
            if call is not None:
                self.blueprint(table, call, first_line + int(stmt.start_point[0]))

    def blueprint(self, table: CodeTable, call: Call, line: int) -> None:
        method = call.name.lower()
        chain = {n.lower(): a for n, a in call.chain}
        first = call.args[0] if call.args else None
        if method in ("primary", "unique", "index", "foreign"):
            cols = tuple(str(c) for c in (first if isinstance(first, list) else [first]) if isinstance(c, str))
            label = call.args[1] if len(call.args) > 1 and isinstance(call.args[1], str) else None
            if not cols:
                return
            if method == "primary":
                table.primary = cols
            elif method == "unique":
                table.uniques.append(cols)
            elif method == "index":
                table.indexes.append((label or f"{table.name}_{'_'.join(cols)}_index", cols, False))
            else:
                column = next((c for c in table.columns if c.name == cols[0]), None)
                if column is not None:
                    _reference(column, chain)
            return
        if method in _STAMPS:
            for stamp in ("created_at", "updated_at"):
                table.columns.append(CodeColumn(stamp, _STAMPS[method], line))
            return
        if method in ("softdeletes", "softdeletestz"):
            kind = "with" if method.endswith("tz") else "without"
            name = first if isinstance(first, str) else "deleted_at"
            table.columns.append(CodeColumn(name, f"timestamp(0) {kind} time zone", line))
            return
        if method == "remembertoken":
            table.columns.append(CodeColumn("remember_token", "character varying(100)", line))
            return
        if method in ("morphs", "nullablemorphs", "uuidmorphs", "nullableuuidmorphs") and isinstance(first, str):
            null = not method.startswith("nullable")
            key = "uuid" if "uuid" in method else "bigint"
            table.columns.append(CodeColumn(f"{first}_type", "character varying(255)", line, not_null=null))
            table.columns.append(CodeColumn(f"{first}_id", key, line, not_null=null))
            table.indexes.append(
                (f"{table.name}_{first}_type_{first}_id_index", (f"{first}_type", f"{first}_id"), False)
            )
            return
        if method == "foreignidfor" and isinstance(first, _Class):
            name = (
                call.args[1] if len(call.args) > 1 and isinstance(call.args[1], str) else f"{snake_case(first.name)}_id"
            )
            column = CodeColumn(name, "bigint", line, not_null=True)
            column.ref = (plural(snake_case(first.name)), "id")
            self.modifiers(table, column, chain)
            return
        sql_type = _TYPES.get(method)
        if sql_type is None:
            return
        column_name = first if isinstance(first, str) else "id" if method == "id" else None
        if column_name is None:
            return
        name = column_name
        numbers = [a for a in call.args[1:] if isinstance(a, int)]
        if method in ("string", "char"):
            sql_type = f"{sql_type}({numbers[0] if numbers else 255})"
        elif method in ("decimal", "unsigneddecimal"):
            sql_type = f"numeric({numbers[0] if numbers else 8},{numbers[1] if len(numbers) > 1 else 2})"
        elif method in ("datetime", "datetimetz", "timestamp", "timestamptz", "time", "timetz") and numbers:
            sql_type = sql_type.replace("(0)", f"({numbers[0]})")
        column = CodeColumn(name, sql_type, line, not_null=True)
        if method in _INCREMENTS:
            column.pk = column.identity = True
        if method in ("enum", "set") and len(call.args) > 1 and isinstance(call.args[1], list):
            allowed = ", ".join(quote_literal(str(v)) for v in call.args[1])
            column.check = f'("{name}")::text = ANY (ARRAY[{allowed}]::text[])' if allowed else None
        if method in ("foreignid", "foreignuuid", "foreignulid") and "constrained" in chain:
            target = chain["constrained"]
            owner = target[0] if target and isinstance(target[0], str) else plural(re.sub(r"_id$", "", name))
            column.ref = (owner, target[1] if len(target) > 1 and isinstance(target[1], str) else "id")
        self.modifiers(table, column, chain)

    @staticmethod
    def modifiers(table: CodeTable, column: CodeColumn, chain: dict[str, list[Any]]) -> None:
        """->nullable() ->default() ->useCurrent() ->unique() ->index() ->primary() ->references()->on()."""
        if "nullable" in chain:  # ->nullable(), or ->nullable(false)
            column.not_null = bool(chain["nullable"]) and chain["nullable"][0] is False
        if "default" in chain and chain["default"]:
            column.default = _literal(chain["default"][0])
        if "usecurrent" in chain:
            column.default = "CURRENT_TIMESTAMP"
        if "primary" in chain:
            column.pk = column.not_null = True
        if "unique" in chain:
            column.unique = True
        if "index" in chain:
            column.index = True
        if "autoincrement" in chain:
            column.identity = True
        _reference(column, chain)
        for action_name in ("cascadeondelete", "nullondelete", "restrictondelete", "nullonupdate"):
            if action_name in chain and column.ref is not None and action_name.endswith("ondelete"):
                column.on_delete = {"cascadeondelete": "CASCADE", "nullondelete": "SET NULL"}.get(
                    action_name, "RESTRICT"
                )
        table.columns = [c for c in table.columns if c.name != column.name] + [column]


def _reference(column: CodeColumn, chain: dict[str, list[Any]]) -> None:
    refs, on = chain.get("references"), chain.get("on")
    if refs and isinstance(refs[0], str) and on and isinstance(on[0], str):
        column.ref = (on[0], refs[0])
    if column.ref is not None and chain.get("ondelete"):
        column.on_delete = action(chain["ondelete"][0])


@dataclass(slots=True)
class _Class:
    """`User::class`."""

    name: str


def looks_like_laravel(text: str) -> bool:
    return bool(re.search(r"\bSchema::(create|table)\s*\(", text))


def _parse(text: str) -> Any:
    from tree_sitter import Language, Parser
    from tree_sitter_php import language_php, language_php_only

    grammar = language_php() if text.lstrip().startswith("<?php") else language_php_only()
    return Parser(Language(grammar)).parse(text.encode("utf-8")).root_node


def _text(node: Any) -> str:
    return node.text.decode("utf-8", "replace") if node is not None and node.text is not None else ""


def _arguments(node: Any) -> list[Any]:
    args = node.child_by_field_name("arguments")
    out = []
    for a in args.named_children if args is not None else []:
        out.append(a.named_children[-1] if a.type == "argument" and a.named_children else a)
    return out


def _value(node: Any) -> Any:
    """A PHP literal as Python: strings, numbers, booleans, null, arrays (lists), `X::class`."""
    t = node.type
    if t in ("string", "encapsed_string"):
        return "".join(_text(c) for c in node.named_children if c.type == "string_content")
    if t == "integer":
        try:
            return int(_text(node).replace("_", ""), 0)
        except ValueError:
            return None
    if t == "float":
        return float(_text(node).replace("_", ""))
    if t == "boolean":
        return _text(node).lower() == "true"
    if t == "null":
        return None
    if t == "array_creation_expression":
        return [_value(e.named_children[-1]) for e in node.named_children if e.named_children]
    if t == "class_constant_access_expression" and _text(node).endswith("::class"):
        return _Class(_text(node.named_children[0]).split("\\")[-1])
    return _Raw(_text(node))


@dataclass(slots=True)
class _Raw:
    """An expression that is not a literal (`DB::raw('now()')`, a constant): kept as written."""

    text: str


def _literal(v: Any) -> str | None:
    if isinstance(v, _Raw):
        raw = re.fullmatch(r"""(?:DB::raw|new\s+Expression)\(\s*['"](.+)['"]\s*\)""", v.text)
        return raw.group(1) if raw and re.fullmatch(r"[\w() ]+", raw.group(1)) else None
    return sql_literal(v)


def _builder_variable(function: Any) -> str:
    params = function.child_by_field_name("parameters")
    for p in params.named_children if params is not None else []:
        var = next((c for c in p.named_children if c.type == "variable_name"), None)
        if var is not None:
            return _text(var).lstrip("$")
    return "table"


def _blueprint_call(node: Any, builder: str) -> Call | None:
    """`$table->a(x)->b(y)` as Call("a", [x], [("b", [y])]); None when it is not a call on the builder."""
    chain: list[tuple[str, list[Any]]] = []
    while node is not None and node.type in ("member_call_expression", "nullsafe_member_call_expression"):
        obj = node.child_by_field_name("object")
        name = _text(node.child_by_field_name("name"))
        args = [_value(a) for a in _arguments(node)]
        if obj is not None and obj.type == "variable_name" and _text(obj).lstrip("$") == builder:
            return Call(name, args, chain)
        chain.insert(0, (name, args))
        node = obj
    return None
