"""SQL written for another database (MySQL/MariaDB, SQLite, SQL Server, Oracle), translated to PostgreSQL.

A statement PostgreSQL's parser rejects is read with sqlglot in the dialect its fence names, else the one
its words suggest (backticks and AUTO_INCREMENT: MySQL; AUTOINCREMENT: SQLite; [brackets] and IDENTITY:
SQL Server; VARCHAR2: Oracle), then rewritten the way PostgreSQL says it: AUTO_INCREMENT an identity,
ENUM(...) a type of its own, `KEY idx (c)` a CREATE INDEX, COMMENT a COMMENT ON, ON UPDATE
CURRENT_TIMESTAMP a trigger that keeps the column current, other databases' types PostgreSQL's; table
options (ENGINE, CHARSET) are dropped. Each change is said in a note; PostgreSQL's parser then reads the
result like any other SQL. What has no PostgreSQL form (SQLite's virtual tables, triggers with bodies
in another language) stays documentation.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from schemadoc.names import quote_literal
from schemadoc.types import translate_type

NAMES = {"mysql": "MySQL", "sqlite": "SQLite", "tsql": "SQL Server", "oracle": "Oracle"}
_MARKERS = (
    ("mysql", re.compile(r"`|\bAUTO_INCREMENT\b|\bENGINE\s*=|\bUNSIGNED\b|\bON\s+UPDATE\s+CURRENT_TIMESTAMP|"
                         r"\b(TINYINT|MEDIUMINT|LONGTEXT|MEDIUMTEXT|DATETIME)\b|\bENUM\s*\(|^\s*(UNIQUE\s+)?KEY\s", re.I | re.M)),
    ("sqlite", re.compile(r"\bAUTOINCREMENT\b|\bWITHOUT\s+ROWID\b|\bSTRICT\s*;?\s*$|datetime\('now'\)", re.I | re.M)),
    ("tsql", re.compile(r"\[\w+\]|\bIDENTITY\s*\(|\bNVARCHAR\b|\bUNIQUEIDENTIFIER\b|\bDATETIME2\b|^\s*GO\s*$", re.I | re.M)),
    ("oracle", re.compile(r"\bVARCHAR2\b|\bNUMBER\s*\(|\bCLOB\b", re.I)),
)  # fmt: skip


@dataclass(slots=True)
class Translation:
    dialect: str
    statements: list[str] = field(default_factory=list)  # PostgreSQL, in order
    notes: list[str] = field(default_factory=list)  # what was changed, in words
    updated_at: list[tuple[str, str]] = field(default_factory=list)  # (table, column) ON UPDATE CURRENT_TIMESTAMP


def dialects_for(text: str, hint: str | None) -> list[str]:
    """The dialects to try, the named or most likely first."""
    order = [d for d, rx in _MARKERS if rx.search(text)]
    if hint in NAMES:
        order.insert(0, hint)
    return list(dict.fromkeys([*order, "mysql", "sqlite", "tsql", "oracle"]))


def translate(text: str, hint: str | None = None) -> Translation | None:
    """The statement in PostgreSQL, when a dialect reads it; None when none does."""
    import sqlglot
    from sqlglot import exp
    from sqlglot.errors import SqlglotError

    logging.getLogger("sqlglot").setLevel(logging.ERROR)  # what it cannot read it says here, in our words
    for dialect in dialects_for(text, hint):
        try:
            parsed = sqlglot.parse(text, read=dialect)
        except SqlglotError:
            continue
        out = Translation(NAMES[dialect])
        ok = True
        for node in parsed:
            if node is None:
                continue
            if dialect == "tsql":
                _default_schema(node)
            if isinstance(node, exp.Create) and str(node.args.get("kind", "")).upper() == "TABLE":
                ok = _table(node, dialect, out) and ok
            elif isinstance(node, exp.Create) and str(node.args.get("kind", "")).upper() == "INDEX":
                _strip_null_order(node)
                out.statements.append(node.sql("postgres"))
            elif isinstance(node, exp.Create) and str(node.args.get("kind", "")).upper() == "VIEW":
                if node.args.get("exists"):
                    node.set("exists", False)  # PostgreSQL: CREATE OR REPLACE VIEW, not IF NOT EXISTS
                    node.set("replace", True)
                out.statements.append(node.sql("postgres"))
            else:
                ok = False
        if ok and out.statements:
            return out
    return None


def _table(node: object, dialect: str, out: Translation) -> bool:
    from sqlglot import exp

    assert isinstance(node, exp.Create)
    schema = node.this
    if not isinstance(schema, exp.Schema):
        return False  # CREATE TABLE … AS SELECT
    table = schema.this
    table_name = table.name
    quoted_table = table.sql("postgres")
    kept: list[exp.Expression] = []
    after: list[str] = []
    for item in schema.expressions:
        if isinstance(item, exp.ColumnDef):
            kept.append(item)
            _column(item, table_name, quoted_table, dialect, out, after)
        elif isinstance(item, exp.IndexColumnConstraint):
            cols = ", ".join(c.sql("postgres") for c in item.expressions)
            name = item.this.sql("postgres") if item.this else ""
            kind = str(item.args.get("kind") or "").upper()
            if kind == "FULLTEXT":
                out.notes.append(
                    f"{table_name}: FULLTEXT KEY {item.this.name if item.this else ''} left out (use a tsvector column and a GIN index)"
                )
                continue
            after.append(
                f"CREATE INDEX {name} ON {quoted_table} ({cols})"
                if name
                else f"CREATE INDEX ON {quoted_table} ({cols})"
            )
            out.notes.append(f"{table_name}: KEY {item.this.name if item.this else ''} is a CREATE INDEX")
        elif isinstance(item, exp.UniqueColumnConstraint) and isinstance(item.this, exp.Schema) and item.this.this:
            # MySQL's UNIQUE KEY name (cols): PostgreSQL's CONSTRAINT name UNIQUE (cols)
            columns = [c.this if isinstance(c, exp.Column) else c for c in item.this.expressions]
            unique = exp.UniqueColumnConstraint(this=exp.Schema(expressions=columns))
            kept.append(exp.Constraint(this=item.this.this, expressions=[unique]))
        else:
            kept.append(item)
    schema.set("expressions", kept)
    properties = node.args.get("properties")
    if properties is not None:
        for prop in properties.expressions:
            if isinstance(prop, exp.SchemaCommentProperty):
                after.append(f"COMMENT ON TABLE {quoted_table} IS {prop.this.sql('postgres')}")
        dropped = [p.sql(dialect) for p in properties.expressions if not isinstance(p, exp.SchemaCommentProperty)]
        if dropped:
            out.notes.append(f"{table_name}: table options left out ({', '.join(dropped)})")
        node.set("properties", None)
    out.statements.append(node.sql("postgres"))
    out.statements.extend(after)
    return True


def _column(col: object, table_name: str, quoted_table: str, dialect: str, out: Translation, after: list[str]) -> None:
    from sqlglot import exp

    assert isinstance(col, exp.ColumnDef)
    name = col.name
    kind = col.args.get("kind")
    if isinstance(kind, exp.DataType):
        if kind.this == exp.DataType.Type.ENUM:
            values = [v.this for v in kind.expressions if isinstance(v, exp.Literal)]
            type_name = f"{table_name}_{name}"
            literal = ", ".join(quote_literal(v) for v in values)
            out.statements.append(f'CREATE TYPE "{type_name}" AS ENUM ({literal})')
            col.set("kind", exp.DataType.build(f'"{type_name}"', dialect="postgres", udt=True))
            out.notes.append(f"{table_name}.{name}: ENUM is type {type_name}")
        elif kind.this == exp.DataType.Type.SET:
            col.set("kind", exp.DataType.build("text[]", dialect="postgres"))
            out.notes.append(f"{table_name}.{name}: SET is text[]")
        else:
            written = kind.sql(dialect)
            pg = translate_type(written)
            if (
                kind.this == exp.DataType.Type.BIT
                and dialect in ("tsql", "mysql")
                and written.upper() in ("BIT", "BIT(1)")
            ):
                pg = "boolean"  # SQL Server's and MySQL's one-bit flag
            if pg is not None and pg not in ("serial", "bigserial", "smallserial"):
                col.set("kind", exp.DataType.build(pg, dialect="postgres", udt=True))
            if pg == "boolean":
                _boolean_default(col)
    constraints = []
    identity = False
    for c in col.args.get("constraints") or []:
        k = c.args.get("kind")
        if isinstance(k, exp.AutoIncrementColumnConstraint):
            identity = True
            continue
        if isinstance(k, exp.GeneratedAsIdentityColumnConstraint):
            identity = True
            continue
        if isinstance(k, exp.OnUpdateColumnConstraint):
            out.updated_at.append((table_name, name))
            out.notes.append(f"{table_name}.{name}: ON UPDATE CURRENT_TIMESTAMP is kept current by a trigger")
            continue
        if isinstance(k, exp.CommentColumnConstraint):
            after.append(f'COMMENT ON COLUMN {quoted_table}."{name}" IS {k.this.sql("postgres")}')
            continue
        if isinstance(k, (exp.CharacterSetColumnConstraint, exp.CollateColumnConstraint)):
            continue
        constraints.append(c)
    if identity:
        constraints.insert(0, exp.ColumnConstraint(kind=exp.GeneratedAsIdentityColumnConstraint(this=False)))
        if isinstance(kind, exp.DataType) and kind.this not in (
            exp.DataType.Type.SMALLINT, exp.DataType.Type.INT, exp.DataType.Type.BIGINT
        ):  # fmt: skip
            col.set("kind", exp.DataType.build("bigint", dialect="postgres"))
        out.notes.append(
            f"{table_name}.{name}: {'AUTO_INCREMENT' if dialect == 'mysql' else 'auto-increment'} is an identity column"
        )
    col.set("constraints", constraints)


def _boolean_default(col: object) -> None:
    """A flag's default written 0 or 1 (MySQL, SQL Server) is false or true."""
    from sqlglot import exp

    assert isinstance(col, exp.ColumnDef)
    for c in col.args.get("constraints") or []:
        k = c.args.get("kind")
        if isinstance(k, exp.DefaultColumnConstraint):
            value = k.this.this if isinstance(k.this, exp.Paren) else k.this
            if isinstance(value, exp.Literal) and not value.is_string and value.this in ("0", "1"):
                k.set("this", exp.Boolean(this=value.this == "1"))


def _default_schema(node: object) -> None:
    """SQL Server's default schema dbo is PostgreSQL's public: [dbo].[Users] is a table of the doc's
    default schema."""
    from sqlglot import exp

    assert isinstance(node, exp.Expression)
    for table in node.find_all(exp.Table):
        if table.args.get("db") is not None and table.args["db"].name.lower() == "dbo":
            table.set("db", None)


def _strip_null_order(node: object) -> None:
    """MySQL's and SQLite's NULL ordering, which sqlglot spells out in an index's columns, is no part of
    the index PostgreSQL builds for them."""
    from sqlglot import exp

    assert isinstance(node, exp.Expression)
    for ordered in node.find_all(exp.Ordered):
        ordered.set("nulls_first", None)
