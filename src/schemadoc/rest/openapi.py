"""The API's description as OpenAPI 3.1, from the schema cache: a path per relation and function."""

from __future__ import annotations

from typing import Any

from schemadoc.rest.cache import Column, Relation, SchemaCache


def json_schema(pg_type: str) -> dict[str, Any]:
    """The JSON Schema of a PostgreSQL type as its values appear in the API's JSON."""
    t = pg_type.lower()
    if t.endswith("[]"):
        return {"type": "array", "items": json_schema(t[:-2])}
    if t in ("smallint", "integer", "bigint"):
        return {"type": "integer", "format": {"smallint": "int16", "integer": "int32", "bigint": "int64"}[t]}
    if t.startswith(("numeric", "real", "double precision")):
        return {"type": "number"}
    if t == "boolean":
        return {"type": "boolean"}
    if t in ("json", "jsonb"):
        return {}
    if t == "uuid":
        return {"type": "string", "format": "uuid"}
    if t.startswith("timestamp"):
        return {"type": "string", "format": "date-time"}
    if t == "date":
        return {"type": "string", "format": "date"}
    return {"type": "string"}


def _column(c: Column) -> dict[str, Any]:
    schema = json_schema(c.type)
    schema["description"] = f"PostgreSQL type: {c.type}"
    if c.nullable and "type" in schema:
        schema["type"] = [schema["type"], "null"]
    return schema


_COMMON = {
    "select": {"name": "select", "in": "query", "schema": {"type": "string"}, "description": "columns and embeds"},
    "order": {"name": "order", "in": "query", "schema": {"type": "string"}},
    "limit": {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 0}},
    "offset": {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0}},
    "prefer": {"name": "Prefer", "in": "header", "schema": {"type": "string"}},
}


def _responses(schema_ref: str | None) -> dict[str, Any]:
    content = {"application/json": {"schema": {"type": "array", "items": {"$ref": schema_ref}}}} if schema_ref else {}
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    return {
        "200": {"description": "OK", **({"content": content} if content else {})},
        "400": {"description": "Bad request", "content": error},
        "404": {"description": "Not found", "content": error},
    }


def document(cache: SchemaCache, title: str = "schemadoc API") -> dict[str, Any]:
    paths: dict[str, Any] = {}
    schemas: dict[str, Any] = {
        "Error": {
            "type": "object",
            "properties": {k: {"type": ["string", "null"]} for k in ("code", "message", "details", "hint")},
        }
    }
    for (schema, name), rel in sorted(cache.relations.items()):
        if schema != cache.schemas[0]:
            continue
        ref = f"#/components/schemas/{name}"
        schemas[name] = _relation_schema(rel)
        filters = [
            {"name": c, "in": "query", "schema": {"type": "string"}, "description": "a filter: eq.1, in.(1,2), …"}
            for c in rel.columns
        ]
        read = [_COMMON["select"], _COMMON["order"], _COMMON["limit"], _COMMON["offset"], _COMMON["prefer"], *filters]
        body = {"required": True, "content": {"application/json": {"schema": {"$ref": ref}}}}
        item: dict[str, Any] = {
            "get": {"operationId": f"get_{name}", "parameters": read, "responses": _responses(ref)},
        }
        if rel.allows("INSERT"):
            item["post"] = {
                "operationId": f"post_{name}",
                "parameters": [_COMMON["select"], _COMMON["prefer"]],
                "requestBody": body,
                "responses": {**_responses(ref), "201": {"description": "Created"}},
            }
        if rel.allows("UPDATE"):
            item["patch"] = {
                "operationId": f"patch_{name}",
                "parameters": [_COMMON["prefer"], *filters],
                "requestBody": body,
                "responses": {**_responses(ref), "204": {"description": "No content"}},
            }
        if rel.allows("DELETE"):
            item["delete"] = {
                "operationId": f"delete_{name}",
                "parameters": [_COMMON["prefer"], *filters],
                "responses": {**_responses(ref), "204": {"description": "No content"}},
            }
        paths[f"/{name}"] = item
    for (schema, name), overloads in sorted(cache.functions.items()):
        if schema != cache.schemas[0]:
            continue
        fn = overloads[0]
        args = {
            "type": "object",
            "properties": {a.name: json_schema(a.type) for a in fn.arguments},
            "required": [a.name for a in fn.arguments if not a.has_default],
        }
        paths[f"/rpc/{name}"] = {
            "post": {
                "operationId": f"rpc_{name}",
                "requestBody": {"required": True, "content": {"application/json": {"schema": args}}},
                "responses": {"200": {"description": "OK"}, "204": {"description": "No content"}},
            }
        }
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": "1"},
        "paths": paths,
        "components": {"schemas": schemas},
    }


def _relation_schema(rel: Relation) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {c.name: _column(c) for c in rel.columns.values()},
        "required": [c.name for c in rel.columns.values() if not c.nullable and not c.has_default],
    }
