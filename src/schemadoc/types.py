"""Type names as PostgreSQL's format_type() prints them, from pglast TypeName nodes or from text."""

from __future__ import annotations

import re
from functools import lru_cache

from pglast import ast, parse_sql
from pglast.parser import ParseError

from schemadoc.names import quote_ident

# internal name -> format_type() spelling (without typmods)
_CANONICAL = {
    "int2": "smallint",
    "int4": "integer",
    "int8": "bigint",
    "int": "integer",
    "integer": "integer",
    "smallint": "smallint",
    "bigint": "bigint",
    "float4": "real",
    "float8": "double precision",
    "real": "real",
    "bool": "boolean",
    "boolean": "boolean",
    "varchar": "character varying",
    "bpchar": "character",
    "char": "character",
    "numeric": "numeric",
    "decimal": "numeric",
    "timestamp": "timestamp without time zone",
    "timestamptz": "timestamp with time zone",
    "time": "time without time zone",
    "timetz": "time with time zone",
    "interval": "interval",
    "varbit": "bit varying",
    "bit": "bit",
}

# built-in (and common extension) types that print under their own name
_PLAIN = frozenset(
    (
        "text",
        "uuid",
        "json",
        "jsonb",
        "bytea",
        "date",
        "inet",
        "cidr",
        "macaddr",
        "money",
        "xml",
        "tsvector",
        "tsquery",
        "point",
        "line",
        "lseg",
        "box",
        "path",
        "polygon",
        "circle",
        "oid",
        "regclass",
        "void",
        "trigger",
        "record",
        "citext",
        "name",
        "int4range",
        "int8range",
        "numrange",
        "tsrange",
        "tstzrange",
        "daterange",
        "hstore",
        "ltree",
        "vector",
        "geometry",
        "geography",
        "anyelement",
        "anyarray",
    )
)

# The names of pg_catalog's own types (PostgreSQL 15's catalog, arrays and catalog row types left out; 13–18
# differ only in multiranges, 14+). pg_catalog comes first on every search path, so a type a document creates
# in its default schema under one of these names is found by that bare name only qualified: `public.point`.
PG_CATALOG_TYPES = frozenset(
    """
    aclitem any anyarray anycompatible anycompatiblearray anycompatiblemultirange anycompatiblenonarray
    anycompatiblerange anyelement anyenum anymultirange anynonarray anyrange bit bool box bpchar bytea char cid
    cidr circle cstring date datemultirange daterange event_trigger fdw_handler float4 float8 gtsvector
    index_am_handler inet int2 int4 int4multirange int4range int8 int8multirange int8range internal interval json
    jsonb jsonpath language_handler line lseg macaddr macaddr8 money name numeric nummultirange numrange oid path
    pg_brin_bloom_summary pg_brin_minmax_multi_summary pg_ddl_command pg_dependencies pg_lsn pg_mcv_list
    pg_ndistinct pg_node_tree pg_snapshot point polygon record refcursor regclass regcollation regconfig
    regdictionary regnamespace regoper regoperator regproc regprocedure regrole regtype table_am_handler text tid
    time timestamp timestamptz timetz trigger tsm_handler tsmultirange tsquery tsrange tstzmultirange tstzrange
    tsvector txid_snapshot unknown uuid varbit varchar void xid xid8 xml
    """.split()
)


def own_type_ref(name: str) -> str:
    """A column's reference to a type the document creates in its default schema: the bare name, quoted
    where needed, or qualified where a bare name would find pg_catalog's type of that name instead."""
    return f"public.{quote_ident(name)}" if name in PG_CATALOG_TYPES else quote_ident(name)


_SERIALS = {
    "serial": "integer",
    "serial4": "integer",
    "bigserial": "bigint",
    "serial8": "bigint",
    "smallserial": "smallint",
    "serial2": "smallint",
}

# types whose first typmod is a precision written inside the name: timestamp(3) without time zone
_TIME_TYPES = {"timestamp", "timestamptz", "time", "timetz"}


class TypeSyntaxError(ValueError):
    pass


def serial_base(type_name: ast.TypeName) -> str | None:
    """'integer' for serial, 'bigint' for bigserial, …; None when the type is not a serial."""
    names = [n.sval for n in type_name.names or ()]
    if len(names) == 1 and names[0].lower() in _SERIALS and not type_name.arrayBounds:
        return _SERIALS[names[0].lower()]
    return None


def _typmods(type_name: ast.TypeName) -> list[str]:
    mods: list[str] = []
    for m in type_name.typmods or ():
        if isinstance(m, ast.A_Const) and isinstance(m.val, ast.Integer):
            mods.append(str(m.val.ival))
        elif isinstance(m, ast.A_Const) and m.val is not None:
            mods.append(str(getattr(m.val, "sval", getattr(m.val, "fval", ""))))
        elif isinstance(m, ast.ColumnRef):
            mods.append(".".join(getattr(f, "sval", "*") for f in m.fields or ()))
    return mods


def format_type(type_name: ast.TypeName, default_schema: str = "public") -> str:
    """The format_type() spelling of a parsed type, e.g. 'character varying(255)[]'."""
    names = [n.sval for n in type_name.names or ()]
    if names[0] == "pg_catalog":
        names = names[1:]
    base = names[-1]
    mods = _typmods(type_name)
    low = base.lower() if len(names) == 1 else base
    if len(names) == 1 and low in _CANONICAL:
        canonical = _CANONICAL[low]
        if low in _TIME_TYPES:
            # INTERVAL typmods are encoded field masks; only timestamps/times carry precision here
            head, _, tail = canonical.partition(" ")
            text = f"{head}({mods[0]}) {tail}".strip() if mods else canonical
        elif low == "interval":
            text = "interval"
        elif low in ("bpchar", "char") and not mods:
            text = "bpchar"  # format_type() of an unbounded bpchar
        else:
            text = f"{canonical}({','.join(mods)})" if mods else canonical
    elif len(names) == 1 and low in _PLAIN:
        text = low + (f"({','.join(mods)})" if mods else "")
    else:
        # user-defined or extension type: qualified outside the default schema, and in it where the bare
        # name is a pg_catalog type's, as format_type() prints a type its bare name does not find
        if len(names) == 2 and (names[0] != default_schema or names[1] in PG_CATALOG_TYPES):
            text = f"{quote_ident(names[0])}.{quote_ident(names[1])}"
        else:
            text = quote_ident(names[-1])
        if mods:
            text += f"({','.join(mods)})"
    if type_name.arrayBounds:
        text += "[]" * len(type_name.arrayBounds)
    if type_name.setof:
        text = "SETOF " + text
    return text


@lru_cache(maxsize=4096)
def parse_type(text: str) -> ast.TypeName:
    """Parse a type written as SQL ('VARCHAR(255)', 'timestamp with time zone', 'text[]')."""
    try:
        stmts = parse_sql(f"SELECT NULL::{text}")
    except ParseError as e:
        raise TypeSyntaxError(f"not a type: {text!r}") from e
    if len(stmts) != 1:
        raise TypeSyntaxError(f"not a type: {text!r}")
    target = stmts[0].stmt.targetList  # type: ignore[union-attr]
    if not target or len(target) != 1 or not isinstance(target[0].val, ast.TypeCast):
        raise TypeSyntaxError(f"not a type: {text!r}")
    tn = target[0].val.typeName
    assert isinstance(tn, ast.TypeName)
    return tn


def canonical_type(text: str, default_schema: str = "public") -> str:
    return format_type(parse_type(text), default_schema)


def base_type(type_text: str) -> str:
    """The type without its typmod and array brackets: 'character varying(20)[]' -> 'character varying'."""
    t = type_text
    while t.endswith("[]"):
        t = t[:-2]
    if "(" in t:
        head, _, rest = t.partition("(")
        tail = rest.partition(")")[2]
        t = (head + tail).strip()
    return t


def is_known_type(type_text: str) -> bool:
    """True for PostgreSQL's built-in types (and common extensions'), spelled as format_type() prints them."""
    base = base_type(type_text)
    return base in _PLAIN or base in _CANONICAL.values() or base == "bpchar"


# What other databases' types are in PostgreSQL, where sqlglot's PostgreSQL rendering is not a type
# PostgreSQL has (unsigned and MySQL-only integers, T-SQL's bit, MySQL's year)
_FOREIGN_INTEGERS = {
    "utinyint": "smallint",
    "usmallint": "integer",
    "mediumint": "integer",
    "umediumint": "integer",
    "uint": "bigint",
    "ubigint": "numeric(20)",
    "year": "smallint",
    "int128": "numeric(39)",
    "uint128": "numeric(39)",
}
_DIALECTS = ("mysql", "tsql", "sqlite", "oracle")


@lru_cache(maxsize=2048)
def translate_type(text: str) -> str | None:
    """A column type as PostgreSQL spells it: a PostgreSQL type as it is; another database's type
    (MySQL's `datetime`, `tinyint(1)`, `int unsigned`, SQL Server's `nvarchar(max)`, `bit`,
    `uniqueidentifier`, Oracle's `varchar2`, `number(10,2)`) as sqlglot translates it. None when no
    dialect knows it."""
    t = " ".join(text.split())
    low = t.lower()
    if low in ("serial", "bigserial", "smallserial", "serial4", "serial8", "serial2"):
        return {"serial4": "serial", "serial8": "bigserial", "serial2": "smallserial"}.get(low, low)
    unsigned = re.fullmatch(
        r"(tinyint|smallint|mediumint|int|integer|bigint)(\s*\(\d+\))?\s+unsigned(\s+zerofill)?", low
    )
    if unsigned:  # the next wider signed type holds every value
        return {"tinyint": "smallint", "smallint": "integer", "mediumint": "integer", "int": "bigint",
                "integer": "bigint", "bigint": "numeric(20)"}[unsigned.group(1)]  # fmt: skip
    try:
        found = canonical_type(t)
        if is_known_type(found) and _plausible_modifiers(found):
            return found
    except TypeSyntaxError:
        pass
    if low in ("tinyint(1)", "bit", "bit(1)"):
        return "boolean"  # MySQL's and SQL Server's booleans
    number = re.fullmatch(r"number\s*\(\s*(\d+)\s*(?:,\s*0\s*)?\)", low)
    if number:  # Oracle's whole numbers as ora2pg maps them (PG_INTEGER_TYPE)
        digits = int(number.group(1))
        return (
            "smallint"
            if digits < 5
            else "integer"
            if digits < 10
            else "bigint"
            if digits < 19
            else f"numeric({digits})"
        )

    if low in ("tinyblob", "mediumblob", "longblob", "varbinary", "binary", "image") or low.startswith("varbinary("):
        return "bytea"
    if low.endswith("(max)"):
        t = t[: -len("(max)")]  # SQL Server: no length limit
    from sqlglot import exp
    from sqlglot.errors import SqlglotError

    for dialect in _DIALECTS:
        try:
            built = exp.DataType.build(t, dialect=dialect)
        except (SqlglotError, ValueError):
            continue
        if built.this == exp.DataType.Type.ENUM:
            return None  # a list of values: an enum type, which the reader makes
        rendered = built.sql("postgres")
        head = rendered.split("(")[0].strip().lower()
        if head in _FOREIGN_INTEGERS:
            return _FOREIGN_INTEGERS[head]
        if head in ("smallint", "integer", "int", "bigint", "double precision", "real"):
            rendered = head  # MySQL's display widths: int(11) is an integer
        try:
            found = canonical_type(rendered)
        except TypeSyntaxError:
            continue
        if is_known_type(found) and _plausible_modifiers(found):
            return found
    return None


def _plausible_modifiers(type_text: str) -> bool:
    """Whether a type's modifiers are numbers (varchar(20), numeric(10,2)), not words: `UUID (PK, manual)`
    is a uuid with a note, not a uuid with modifiers."""
    mods = re.findall(r"\(([^)]*)\)", type_text.replace("[]", ""))
    return all(re.fullmatch(r"\s*\d+\s*(,\s*-?\d+\s*)?", m) for m in mods)
