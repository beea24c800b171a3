"""One SQL statement per request, the JSON built by PostgreSQL.

Reads: the relation's rows with the requested columns, filters, order and range, embeds as correlated
subqueries (`row_to_json` for to-one, `json_agg` for to-many, through a join table for many-to-many),
aggregated with `json_agg` into the response body text, with the total when a count is asked for.
Writes: INSERT/UPDATE/DELETE in a CTE whose RETURNING rows are aggregated the same way, or the bare
command when no rows are wanted back. Identifiers come from the schema cache and are quoted; every
value is a bind parameter.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from psycopg import sql

from schemadoc.rest.cache import TEXT, Relation, Relationship, SchemaCache, TypeRef
from schemadoc.rest.query import (
    Field,
    Filter,
    Logic,
    Operation,
    OrderTerm,
    Query,
    SelectField,
    SelectItem,
    SelectRelation,
)
from schemadoc.rest.statement import PAYLOAD, ApiError, Statement

_SIMPLE = {
    "eq": "=", "neq": "<>", "gt": ">", "gte": ">=", "lt": "<", "lte": "<=", "like": "LIKE", "ilike": "ILIKE",
    "match": "~", "imatch": "~*", "cs": "@>", "cd": "<@", "ov": "&&", "sl": "<<", "sr": ">>", "nxr": "&<",
    "nxl": "&>", "adj": "-|-", "isdistinct": "IS DISTINCT FROM",
}  # fmt: skip
# the builder's own words for what a request chose among fixed alternatives
_WORDS = {"->": "->", "->>": "->>", "any": "ANY", "all": "ALL", "asc": "ASC", "desc": "DESC",
          "nullsfirst": "NULLS FIRST", "nullslast": "NULLS LAST"}  # fmt: skip
_IS = {"null": "NULL", "not_null": "NOT NULL", "true": "TRUE", "false": "FALSE", "unknown": "UNKNOWN"}
_FTS = {"fts": "to_tsquery", "plfts": "plainto_tsquery", "phfts": "phraseto_tsquery", "wfts": "websearch_to_tsquery"}


# CSV built by PostgreSQL: a header of the first row's keys, each value quoted only when it must be
_CSV = sql.SQL(
    "coalesce((SELECT string_agg(k, ',' ORDER BY o) FROM json_object_keys((array_agg(row_to_json(pgrst_t)))[1]) "
    "WITH ORDINALITY AS h(k, o)) || E'\\n', '') || coalesce(string_agg((SELECT string_agg(CASE WHEN v IS NULL "
    "THEN '' WHEN v ~ '[\",\\n\\r]' THEN '\"' || replace(v, '\"', '\"\"') || '\"' ELSE v END, ',' ORDER BY o) "
    "FROM json_each_text(row_to_json(pgrst_t)) WITH ORDINALITY AS c(k, v, o)), E'\\n'), '')"
)


class Builder:
    def __init__(self, cache: SchemaCache, schema: str) -> None:
        self.cache, self.schema = cache, schema
        self.track_changes = True  # writes return the changed rows' keys (for caches to drop)
        self.params: dict[str, Any] = {}
        self.n = 0

    def bind(self, value: Any) -> sql.Composable:
        name = f"p{len(self.params)}"
        self.params[name] = value
        return sql.Placeholder(name)

    def payload(self, text: str) -> sql.Composable:
        """The request body's JSON: always the parameter PAYLOAD, so a statement built for one body
        serves another with the same keys."""
        self.params[PAYLOAD] = text
        return sql.Placeholder(PAYLOAD)

    def alias(self) -> str:
        self.n += 1
        return f"pgrst_{self.n}"

    def cast(self, written: str) -> sql.Composable:
        """The type a `::cast` names, as the catalog names it; a name the server does not know is 42704."""
        found = self.cache.cast_type(written)
        if found is None:
            raise ApiError(400, "42704", f'type "{written}" does not exist')
        return found.sql()

    def relation(self, name: str) -> Relation:
        rel = self.cache.relation(self.schema, name)
        if rel is None:
            raise ApiError(
                404, "PGRST205", f"Could not find the table '{self.schema}.{name}' in the schema cache", hint=None
            )
        return rel

    # -- expressions --

    def column(self, rel: Relation, alias: str, f: Field) -> sql.Composable:
        if f.name not in rel.columns:
            raise ApiError(400, "42703", f"column {rel.name}.{f.name} does not exist")
        expr: sql.Composable = sql.SQL("{}.{}").format(sql.Identifier(alias), sql.Identifier(f.name))
        if f.json and rel.columns[f.name].type not in ("json", "jsonb"):
            expr = sql.SQL("to_jsonb({})").format(expr)  # composite and array columns: arrows reach their fields
        for step in f.json:
            key = self.bind(int(step.key) if step.index else step.key)
            cast = sql.SQL("::int") if step.index else sql.SQL("::text")
            expr = sql.SQL("({} {} {}{})").format(expr, sql.SQL(_WORDS[step.arrow]), key, cast)
        return expr

    def condition(
        self, rel: Relation, alias: str, node: Filter | Logic, embeds: dict[str, sql.Composable] | None = None
    ) -> sql.Composable:
        if isinstance(node, Logic):
            joiner = sql.SQL(" AND " if node.op == "and" else " OR ")
            inner = sql.SQL("({})").format(joiner.join(self.condition(rel, alias, c, embeds) for c in node.children))
            return sql.SQL("NOT {}").format(inner) if node.negated else inner
        found = (embeds or {}).get(node.field.name) if not node.field.json else None
        if found is not None and node.operation.op == "is" and node.operation.value in ("null", "not_null"):
            # `actors=not.is.null`: rows with a (filtered) embedded row; `is.null`: rows without one
            exists = found if node.operation.value == "not_null" else sql.SQL("NOT ({})").format(found)
            return sql.SQL("NOT ({})").format(exists) if node.negated else exists
        col = self.column(rel, alias, node.field)
        ctype = rel.columns[node.field.name].type_ref if not node.field.json else TEXT
        cond = self.operation(col, ctype, node.operation, bool(node.field.json))
        return sql.SQL("NOT ({})").format(cond) if node.negated else cond

    def operation(self, col: sql.Composable, ctype: TypeRef, op: Operation, is_json: bool) -> sql.Composable:
        typed = ctype.sql()
        if op.op == "in":
            values = list(op.value) if isinstance(op.value, tuple) else []
            return sql.SQL("{} = ANY({}::{})").format(col, self.bind(values), ctype.array_of().sql())
        if op.op == "is":
            return sql.SQL("{} IS {}").format(col, sql.SQL(_IS[str(op.value)]))
        value = str(op.value)
        if op.op in _FTS:
            fn = sql.SQL(_FTS[op.op])
            if op.language:
                return sql.SQL("{} @@ {}({}::regconfig, {})").format(col, fn, self.bind(op.language), self.bind(value))
            return sql.SQL("{} @@ {}({})").format(col, fn, self.bind(value))
        operator = sql.SQL(_SIMPLE[op.op])
        if op.op in ("like", "ilike"):
            value = value.replace("*", "%")
        if op.quantifier:
            inner = value.strip("{}")
            items = [v.strip().strip('"') for v in inner.split(",")] if inner else []
            if op.op in ("like", "ilike"):
                items = [v.replace("*", "%") for v in items]
            cast = (TEXT if op.op in ("like", "ilike", "match", "imatch") else ctype).array_of().sql()
            return sql.SQL("{} {} {}({}::{})").format(
                col, operator, sql.SQL(_WORDS[op.quantifier]), self.bind(items), cast
            )
        if op.op in ("like", "ilike", "match", "imatch") or is_json:
            return sql.SQL("{}::text {} {}").format(col, operator, self.bind(value))
        return sql.SQL("{} {} {}::{}").format(col, operator, self.bind(value), typed)

    # -- reads --

    def read(self, name: str, q: Query, count: str | None = None, csv: bool = False) -> Statement:
        """Rows as JSON (or CSV) text; `count`: exact (in the statement), planned or estimated (the
        statement's `count_query` is EXPLAINed, and counted exactly when the plan says it is small)."""
        rel = self.relation(name)
        _no_stray_params(q)
        alias = self.alias()
        body = self.select_from(rel, alias, q, (), correlation=None)
        total: sql.Composable = sql.SQL("NULL::bigint")
        count_query = None
        if count:
            count_query = self.count_of(rel, q)
            if count == "exact":
                total = sql.SQL("({})").format(count_query)
        rows = sql.SQL("coalesce(json_agg(pgrst_t), '[]')::text") if not csv else _CSV
        query = sql.SQL("SELECT {total} AS total, count(*) AS page, {rows} AS body FROM ({body}) pgrst_t").format(
            total=total, rows=rows, body=body
        )
        return Statement(query, self.params, count_query if count in ("planned", "estimated") else None, count)

    def count_of(self, rel: Relation, q: Query, source: sql.Composable | None = None) -> sql.Composed:
        """count(*) of the rows the request's filters (embedded ones too) select, before the page is cut."""
        whole = _embedded_only(q, "order", "limits", "offsets")
        body = self.select_from(rel, self.alias(), whole, (), None, source=source)
        return sql.SQL("SELECT count(*) FROM ({}) pgrst_c").format(body)

    def where(
        self,
        rel: Relation,
        alias: str,
        q: Query,
        path: tuple[str, ...],
        extra: list[sql.Composable] | None = None,
        embeds: dict[str, sql.Composable] | None = None,
    ) -> sql.Composable:
        conds = list(extra or [])
        conds += [self.condition(rel, alias, f, embeds) for p, f in q.filters if p == path]
        conds += [self.condition(rel, alias, lg, embeds) for p, lg in q.logic if p == path]
        if not conds:
            return sql.SQL("")
        return sql.SQL(" WHERE ") + sql.SQL(" AND ").join(conds)

    def select_from(
        self,
        rel: Relation,
        alias: str,
        q: Query,
        path: tuple[str, ...],
        correlation: sql.Composable | None,
        items: tuple[SelectItem, ...] | None = None,
        source: sql.Composable | None = None,
    ) -> sql.Composable:
        items = q.select if items is None else items
        cols: list[sql.Composable] = []
        extra: list[sql.Composable] = []
        embeds: dict[str, sql.Composable] = {}  # label -> "has an embedded row"
        if correlation is not None:
            extra.append(correlation)
        for item in items:
            if isinstance(item, SelectField):
                if item.field.name == "*":
                    cols.append(sql.SQL("{}.*").format(sql.Identifier(alias)))
                    continue
                expr = self.column(rel, alias, item.field)
                if item.cast:
                    expr = sql.SQL("{}::{}").format(expr, self.cast(item.cast))
                label = item.alias or (item.field.json[-1].key if item.field.json else item.field.name)
                cols.append(sql.SQL("{} AS {}").format(expr, sql.Identifier(label)))
            else:
                if item.spread:
                    cols.extend(self.spread(rel, alias, item, q, path))
                    continue
                label = item.alias or item.name
                sub, exists = self.embed(rel, alias, item, q, path)
                embeds[label] = exists
                if item.children:  # `rel()` filters and is not shown
                    cols.append(sql.SQL("{} AS {}").format(sub, sql.Identifier(label)))
                if item.join == "inner":
                    extra.append(exists)
        if not cols:
            cols.append(sql.SQL("{}.*").format(sql.Identifier(alias)) if not embeds else sql.SQL("1"))
        where = self.where(rel, alias, q, path, extra, embeds)
        order = self.order(rel, alias, q, path)
        text = sql.SQL("SELECT {} FROM {} AS {}{}{}").format(
            sql.SQL(", ").join(cols), source if source is not None else _ident(rel), sql.Identifier(alias), where, order
        )
        limit = q.limits.get(path)
        offset = q.offsets.get(path)
        if limit is not None:
            text = sql.SQL("{} LIMIT {}").format(text, self.bind(limit))
        if offset is not None:
            text = sql.SQL("{} OFFSET {}").format(text, self.bind(offset))
        return text

    def order(self, rel: Relation, alias: str, q: Query, path: tuple[str, ...]) -> sql.Composable:
        terms: list[OrderTerm] = [t for p, ts in q.order if p == path for t in ts]
        if not terms:
            return sql.SQL("")
        parts = []
        for t in terms:
            expr: sql.Composable
            if t.relation:
                target = self.one_relationship(rel, t.relation)
                other = self.cache.relations[target.target]
                oalias = self.alias()
                expr = sql.SQL("(SELECT {} FROM {} AS {} WHERE {})").format(
                    self.column(other, oalias, t.field),
                    _ident(other),
                    sql.Identifier(oalias),
                    self.join_condition(target, alias, oalias),
                )
            else:
                expr = self.column(rel, alias, t.field)
            text = sql.SQL("{} {}").format(expr, sql.SQL(_WORDS[t.direction or "asc"]))
            if t.nulls:
                text = sql.SQL("{} {}").format(text, sql.SQL(_WORDS[t.nulls]))
            parts.append(text)
        return sql.SQL(" ORDER BY ") + sql.SQL(", ").join(parts)

    def one_relationship(self, rel: Relation, name: str, hint: str | None = None) -> Relationship:
        found = self.cache.relationships(rel.key, name, hint)
        if not found:
            raise ApiError(
                400,
                "PGRST200",
                f"Could not find a relationship between '{rel.name}' and '{name}' in the schema cache",
                f"Searched for a foreign key relationship between '{rel.name}' and '{name}' in the schema "
                f"'{rel.schema or self.schema}', but no matches were found.",
                hint=f"Perhaps you meant '{name}s'?" if self.cache.relation(rel.schema, name + "s") else None,
            )
        if len(found) > 1:
            e = ApiError(
                300,
                "PGRST201",
                f"Could not embed because more than one relationship was found for '{rel.name}' and '{name}'",
                hint=f"Try changing '{name}' to one of the following: "
                + ", ".join(f"'{name}!{r.junction[1] if r.junction else r.constraint}'" for r in found)
                + ". Find the desired relationship in the 'details' key.",
            )
            e.detail_list = [_describe(rel, r) for r in found]
            raise e
        return found[0]

    def join_condition(self, r: Relationship, outer: str, inner: str) -> sql.Composable:
        return sql.SQL(" AND ").join(
            sql.SQL("{}.{} = {}.{}").format(
                sql.Identifier(inner), sql.Identifier(o), sql.Identifier(outer), sql.Identifier(s)
            )
            for s, o in zip(r.own, r.other, strict=True)
        )

    def embed(
        self, rel: Relation, alias: str, item: SelectRelation, q: Query, path: tuple[str, ...]
    ) -> tuple[sql.Composable, sql.Composable]:
        """The embed's JSON, and the condition that it has a row (for !inner and `rel=not.is.null`)."""
        r = self.one_relationship(rel, item.name, item.hint)
        other = self.cache.relations[r.target]
        inner = self.alias()
        sub_path = (*path, item.alias or item.name)
        correlation: sql.Composable
        if r.junction is not None:
            j = self.cache.relations[r.junction]
            jalias = self.alias()
            correlation = sql.SQL("EXISTS (SELECT 1 FROM {} AS {} WHERE {} AND {})").format(
                sql.Identifier(j.schema, j.name),
                sql.Identifier(jalias),
                sql.SQL(" AND ").join(
                    sql.SQL("{}.{} = {}.{}").format(
                        sql.Identifier(jalias), sql.Identifier(jc), sql.Identifier(alias), sql.Identifier(oc)
                    )
                    for jc, oc in zip(r.junction_own, r.own, strict=True)
                ),
                sql.SQL(" AND ").join(
                    sql.SQL("{}.{} = {}.{}").format(
                        sql.Identifier(jalias), sql.Identifier(jc), sql.Identifier(inner), sql.Identifier(oc)
                    )
                    for jc, oc in zip(r.junction_other, r.other, strict=True)
                ),
            )
        else:
            correlation = self.join_condition(r, alias, inner)
        body = self.select_from(other, inner, q, sub_path, correlation, item.children)
        e = self.alias()
        exists = sql.SQL("EXISTS ({})").format(body)
        if r.cardinality == "one":
            sub = sql.SQL("(SELECT row_to_json({e}) FROM ({body}) {e})").format(e=sql.Identifier(e), body=body)
        else:
            sub = sql.SQL("(SELECT coalesce(json_agg({e}), '[]') FROM ({body}) {e})").format(
                e=sql.Identifier(e), body=body
            )
        return sub, exists

    def spread(
        self, rel: Relation, alias: str, item: SelectRelation, q: Query, path: tuple[str, ...]
    ) -> list[sql.Composable]:
        """`...client(name)`: a to-one embed's columns as the row's own."""
        r = self.one_relationship(rel, item.name, item.hint)
        if r.cardinality != "one" or r.junction is not None:
            raise ApiError(
                400, "PGRST119", f"A spread operation on '{item.name}' is only possible on a to-one relationship"
            )
        other = self.cache.relations[r.target]
        out: list[sql.Composable] = []
        for child in item.children:
            if not isinstance(child, SelectField):
                raise ApiError(400, "PGRST100", "nested embeds inside a spread are not supported")
            fields = [SelectField(Field(c)) for c in other.columns] if child.field.name == "*" else [child]
            for f in fields:
                inner = self.alias()
                expr = self.column(other, inner, f.field)
                label = f.alias or (f.field.json[-1].key if f.field.json else f.field.name)
                out.append(
                    sql.SQL("(SELECT {} FROM {} AS {} WHERE {}) AS {}").format(
                        expr, _ident(other), sql.Identifier(inner), self.join_condition(r, alias, inner),
                        sql.Identifier(label),
                    )
                )  # fmt: skip
        return out

    # -- functions --

    def rpc(
        self, name: str, args: dict[str, Any], q: Query, count: str | None = None, body: str | None = None
    ) -> Statement:
        """The call of `name` with named arguments: a scalar as its JSON, a row as an object, a set as an
        array. An argument given as a JSON object, or as an array to a json/jsonb parameter, is read from
        the request's JSON `body` by PostgreSQL (every digit of its numbers kept)."""
        import json as _json

        from schemadoc.rest.cache import Column as _Column
        from schemadoc.rest.cache import Relation as _Relation

        candidates = [f for f in self.cache.functions.get((self.schema, name), []) if f.matches(set(args))]
        if not candidates:
            listed = ", ".join(sorted(args))
            raise ApiError(
                404,
                "PGRST202",
                f"Could not find the function {self.schema}.{name}({listed}) in the schema cache",
                hint="Perhaps the function's arguments are named differently",
            )
        fn = candidates[0]
        types = {a.name: a.type for a in fn.arguments}
        refs = {a.name: a.type_ref for a in fn.arguments}

        def value(k: str, v: Any) -> sql.Composable:
            if not (isinstance(v, dict) or (isinstance(v, list) and "json" in types[k])):
                return self.bind(v)
            if body is None:  # arguments from the query string: text already
                return self.bind(_json.dumps(v))
            # as json_to_record reads it: a json parameter takes the value, another type its text
            op = sql.SQL("->" if "json" in types[k] else "->>")
            return sql.SQL("({}::json {} {})").format(self.payload(body), op, sql.Literal(k))

        call = sql.SQL("{}({})").format(
            sql.Identifier(fn.schema, fn.name),
            sql.SQL(", ").join(
                sql.SQL("{} => {}::{}").format(sql.Identifier(k), value(k, v), refs[k].sql()) for k, v in args.items()
            ),
        )
        if fn.return_type == "void":
            query = sql.SQL(
                "SELECT NULL::bigint AS total, 1 AS page, NULL::text AS body FROM (SELECT {}) pgrst_v"
            ).format(call)
            return Statement(query, self.params)
        if fn.scalar and not fn.returns_set:
            query = sql.SQL("SELECT {}::bigint AS total, 1 AS page, to_json({})::text AS body").format(
                sql.SQL("1" if count else "NULL"), call
            )
            return Statement(query, self.params)
        if fn.scalar:
            query = sql.SQL("SELECT {}, count(*), coalesce(json_agg(pgrst_r), '[]')::text FROM {} pgrst_r").format(
                sql.SQL("count(*)" if count else "NULL::bigint"), call
            )
            return Statement(query, self.params)
        if fn.row_of:
            schema, table = fn.row_of.split(".", 1)
            rel = self.cache.relations.get((schema, table)) or _Relation(schema, table, "r", {})
        else:
            rel = _Relation("", name, "f", {c: _Column(c, t, True, False) for c, t in fn.columns})
        alias = self.alias()
        shaped = self.select_from(rel, alias, q, (), None, source=call)
        agg = sql.SQL("coalesce(json_agg(pgrst_t), '[]')::text" if fn.returns_set else "(json_agg(pgrst_t)->0)::text")
        total = sql.SQL("({})").format(self.count_of(rel, q, call)) if count else sql.SQL("NULL::bigint")
        query = sql.SQL("SELECT {} AS total, count(*) AS page, {} AS body FROM ({}) pgrst_t").format(total, agg, shaped)
        return Statement(query, self.params)

    # -- writes --

    def writable(self, name: str, command: str) -> Relation:
        """The relation, when `command` can change it (a view with GROUP BY cannot): else 405."""
        rel = self.relation(name)
        if not rel.allows(command):
            raise ApiError(
                405,
                "55000",
                f'cannot {command.lower()} {"into " if command == "INSERT" else ""}view "{name}"',
                hint="The view is not automatically updatable",
            )
        return rel

    def insert(
        self,
        name: str,
        rows: list[dict[str, Any]],
        body: str,
        q: Query,
        on_conflict: str | None,
        returning: bool,
        missing_default: bool = False,
        conflict_keys: tuple[str, ...] | None = None,
    ) -> Statement:
        """INSERT of the payload's rows (`body`: their JSON array, as text); a key some rows lack is NULL
        for them, or (Prefer: missing=default) the column's default."""
        rel = self.writable(name, "INSERT")
        columns = list(q.columns) if q.columns else list(dict.fromkeys(k for row in rows for k in row))
        for c in columns:
            if c not in rel.columns:
                raise ApiError(400, "PGRST204", f"Could not find the '{c}' column of '{rel.name}' in the schema cache")
        target = sql.Identifier(rel.schema, rel.name)
        cols = sql.SQL(", ").join(sql.Identifier(c) for c in columns)
        source: sql.Composable
        if not columns:  # `{}` rows: every column its default; `[]`: no row at all (as PostgREST)
            source = sql.SQL("SELECT FROM json_array_elements({p}::json)").format(p=self.payload(body))
        elif missing_default:
            values = []
            for c in columns:
                typed = sql.SQL("(jsonb_populate_record(NULL::{t}, pgrst_r)).{c}").format(t=target, c=sql.Identifier(c))
                values.append(
                    sql.SQL("CASE WHEN pgrst_r ? {k} THEN {typed} ELSE {d} END").format(
                        k=sql.Literal(c),
                        typed=typed,
                        d=rel.columns[c].default_sql(),
                    )
                )
            source = sql.SQL("SELECT {vals} FROM jsonb_array_elements({p}::jsonb) pgrst_r").format(
                vals=sql.SQL(", ").join(values), p=self.payload(body)
            )
        else:
            source = sql.SQL("SELECT {cols} FROM json_populate_recordset(NULL::{t}, {p}::json)").format(
                cols=cols, t=target, p=self.payload(body)
            )
        conflict: sql.Composable = sql.SQL("")
        if on_conflict is not None:
            keys = list(conflict_keys or q.on_conflict or rel.primary_key)
            if not keys:
                raise ApiError(400, "PGRST100", "on_conflict needs a key")
            if on_conflict == "ignore-duplicates":
                conflict = sql.SQL(" ON CONFLICT ({}) DO NOTHING").format(
                    sql.SQL(", ").join(sql.Identifier(k) for k in keys)
                )
            else:
                sets = [c for c in columns if c not in keys] or keys
                conflict = sql.SQL(" ON CONFLICT ({}) DO UPDATE SET {}").format(
                    sql.SQL(", ").join(sql.Identifier(k) for k in keys),
                    sql.SQL(", ").join(sql.SQL("{0} = EXCLUDED.{0}").format(sql.Identifier(c)) for c in sets),
                )
        upsert = on_conflict == "merge-duplicates"
        returned = self.returned(target, rel, returning or upsert)
        if upsert:  # which rows were inserted, not updated: the status tells (201 or 200), as PostgREST's
            returned = sql.SQL("{}, ({}.xmax = 0) AS pgrst_inserted").format(returned, target)
        listed = sql.SQL(" ({})").format(cols) if columns else sql.SQL("")
        stmt = sql.SQL("INSERT INTO {t}{cols} {source}{conflict}{r}").format(
            t=target, cols=listed, source=source, conflict=conflict, r=returned
        )
        return self.wrap(stmt, rel, q, returning, upsert)

    def update(self, name: str, row: dict[str, Any], body: str, q: Query, returning: bool) -> Statement:
        """UPDATE of the filtered rows with the columns of `row` (`body`: its JSON object, as text)."""
        rel = self.writable(name, "UPDATE")
        _no_stray_params(q)
        for c in row:
            if c not in rel.columns:
                raise ApiError(400, "PGRST204", f"Could not find the '{c}' column of '{rel.name}' in the schema cache")
        if not row:
            raise ApiError(400, "PGRST100", "an empty PATCH changes nothing")
        alias = self.alias()
        cols = sql.SQL(", ").join(sql.Identifier(c) for c in row)
        sets = sql.SQL("({cols}) = (SELECT {cols} FROM json_populate_record(NULL::{t}, {p}::json))").format(
            cols=cols, t=sql.Identifier(rel.schema, rel.name), p=self.payload(body)
        )
        where = self.where(rel, alias, q, ())
        stmt = sql.SQL("UPDATE {t} AS {a} SET {sets}{where}{r}").format(
            t=sql.Identifier(rel.schema, rel.name), a=sql.Identifier(alias), sets=sets, where=where,
            r=self.returned(sql.Identifier(alias), rel, returning),
        )  # fmt: skip
        return self.wrap(stmt, rel, q, returning)

    def delete(self, name: str, q: Query, returning: bool) -> Statement:
        rel = self.writable(name, "DELETE")
        _no_stray_params(q)
        alias = self.alias()
        where = self.where(rel, alias, q, ())
        stmt = sql.SQL("DELETE FROM {t} AS {a}{where}{r}").format(
            t=sql.Identifier(rel.schema, rel.name), a=sql.Identifier(alias), where=where,
            r=self.returned(sql.Identifier(alias), rel, returning),
        )  # fmt: skip
        return self.wrap(stmt, rel, q, returning)

    def needs_rows(self, rel: Relation, returning: bool) -> bool:
        """Whether a write must return its rows: they are shown, or their keys are wanted for caches to
        drop (one-column primary keys); else its command's row count is all it answers."""
        return returning or (self.track_changes and len(rel.primary_key) == 1)

    def returned(self, row: sql.Composable, rel: Relation, returning: bool) -> sql.Composable:
        return sql.SQL(" RETURNING {}.*").format(row) if self.needs_rows(rel, returning) else sql.SQL("")

    def wrap(self, stmt: sql.Composed, rel: Relation, q: Query, returning: bool, upsert: bool = False) -> Statement:
        """The changed rows, shaped by `select` when the representation is returned; without rows to
        return, the bare command (no CTE around it: PostgreSQL does less, the count is its own). An
        upsert's rows carry pgrst_inserted: the count of inserted ones is the result's fifth column."""
        if not upsert and not self.needs_rows(rel, returning):
            return Statement(stmt, self.params, bare=True)
        # the written rows, named pgrst_changed; an upsert's flag counted beside them, off the relation's columns
        ctes = sql.SQL("pgrst_changed AS ({})").format(stmt)
        inserted: sql.Composable = sql.SQL("NULL::bigint")
        if upsert:
            ctes = sql.SQL("pgrst_written AS ({}), pgrst_changed AS (SELECT {} FROM pgrst_written)").format(
                stmt, sql.SQL(", ").join(sql.Identifier(c) for c in rel.columns)
            )
            inserted = sql.SQL("(SELECT count(*) FROM pgrst_written WHERE pgrst_inserted)")
        # the changed rows' keys (one-column primary keys), for caches to drop
        keys: sql.Composable = sql.SQL("NULL::text")
        if self.track_changes and len(rel.primary_key) == 1:
            keys = sql.SQL("(SELECT json_agg({}::text)::text FROM pgrst_changed)").format(
                sql.Identifier(rel.primary_key[0])
            )
        if returning:
            alias = self.alias()
            # the changed rows read as the relation (its embeds), root filters having chosen them already
            shown = _embedded_only(q, "filters", "logic", "limits", "offsets")
            shaped = self.select_from(rel, alias, shown, (), None, source=sql.Identifier("pgrst_changed"))
            query = sql.SQL(
                "WITH {ctes} SELECT NULL::bigint AS total, count(*) AS page, "
                "coalesce(json_agg(pgrst_t), '[]')::text AS body, {keys} AS changed, {inserted} AS inserted "
                "FROM ({shaped}) pgrst_t"
            ).format(ctes=ctes, shaped=shaped, keys=keys, inserted=inserted)
        else:
            query = sql.SQL(
                "WITH {ctes} SELECT NULL::bigint AS total, count(*) AS page, NULL::text AS body, "
                "{keys} AS changed, {inserted} AS inserted FROM pgrst_changed"
            ).format(ctes=ctes, keys=keys, inserted=inserted)
        return Statement(query, self.params)


def _ident(rel: Relation) -> sql.Identifier:
    return sql.Identifier(rel.schema, rel.name) if rel.schema else sql.Identifier(rel.name)


def _embedded_only(q: Query, *parts: str) -> Query:
    """`q` with these parts (filters, logic, order, limits, offsets) kept for embeds only, not the root."""
    changes: dict[str, Any] = {}
    for part in parts:
        value = getattr(q, part)
        if isinstance(value, dict):
            changes[part] = {path: v for path, v in value.items() if path}
        else:
            changes[part] = tuple((path, v) for path, v in value if path)
    return replace(q, **changes)


def _describe(rel: Relation, r: Relationship) -> dict[str, str]:
    """A relationship as PostgREST lists it when an embed is ambiguous (PGRST201's details)."""

    def cols(names: tuple[str, ...]) -> str:
        return "(" + ", ".join(names) + ")"

    if r.junction is not None:
        first, _, second = r.constraint.partition(",")
        cardinality = "many-to-many"
        how = f"{r.junction[1]} using {first}{cols(r.junction_own)} and {second}{cols(r.junction_other)}"
    else:
        cardinality = {"one": "many-to-one", "many": "one-to-many"}[r.cardinality]
        how = f"{r.constraint} using {rel.name}{cols(r.own)} and {r.name}{cols(r.other)}"
    return {"cardinality": cardinality, "embedding": f"{rel.name} with {r.name}", "relationship": how}


def _no_stray_params(q: Query) -> None:
    """A query parameter that is neither a filter nor one PostgREST knows is refused, as PostgREST does."""
    for key, value in q.params:
        raise ApiError(
            400,
            "PGRST100",
            f'"failed to parse filter ({value})" (line 1, column 1)',
            f'unexpected "{value[:1]}" expecting "not" or operator (eq, gt, ...)' if value else f"no filter on {key}",
        )
