"""The reading of one document: each block to the reader of its format, then the pieces joined into one
schema (relations resolved, conventions applied, platforms' objects provided) with its diagnostics."""

from __future__ import annotations

import functools
import re
from collections.abc import Sized
from pathlib import Path

from schemadoc import model as m
from schemadoc.errors import Diagnostic, Fix, Severity, Span
from schemadoc.names import loose_key, snake_case
from schemadoc.parse import conventions, formats
from schemadoc.parse.blocks import Block, Document, split_blocks
from schemadoc.parse.builder import ConstraintDraft, SchemaBuilder, TableDraft
from schemadoc.parse.codemodel import map_tables
from schemadoc.parse.dbml import DbmlReader
from schemadoc.parse.deferred import apply_deferred
from schemadoc.parse.erdiagram import apply_diagram
from schemadoc.parse.laravel import LaravelMigrations, looks_like_laravel
from schemadoc.parse.loaded import LoadedDocument
from schemadoc.parse.mermaid import Diagram, is_er_diagram, parse_mermaid
from schemadoc.parse.prisma import Attribute, PField, PModel, PrismaSchema, parse_prisma
from schemadoc.parse.prismamap import PrismaMapper
from schemadoc.parse.pyorm import PythonModels, map_models
from schemadoc.parse.redis import read as read_keyspaces
from schemadoc.parse.sql import SqlReader
from schemadoc.parse.statements import Extra, Statement, split_statements
from schemadoc.parse.table import TableReader
from schemadoc.parse.tablerows import (
    ColumnRow,
    in_tables_section,
    is_column_table,
    name_type,
    names_other_section,
    table_heading,
    table_name_from_heading,
)
from schemadoc.parse.tsorm import TsModels, looks_like_orm
from schemadoc.platforms import PLATFORMS, of, referenced

_SCHEMA_WORDS = re.compile(r"^\s*(CREATE|ALTER|COMMENT\s+ON|GRANT)\b", re.I | re.M)


# what a block of schema says in any format (a block that says it and gives nothing is SD002)
_LOOKS_LIKE_SCHEMA = re.compile(
    r"\bcreate\s+(?:or\s+replace\s+)?(?:temp\w*\s+|unlogged\s+)?(?:table|type|view|index|function)\b"
    r"|^\s*(?:model|table|enum|entity)\s+[\w.\"`]+\s*(?:\[[^\]\n]*\]\s*)?\{"
    r"|\berDiagram\b|\b(?:pg|mysql|sqlite)Table\s*\(|@Entity\b|\bmodels\.Model\b|__tablename__"
    r"|Schema::(?:create|table)\b|\.createTable\s*\(|\bsequelize\.define\s*\(|\bDataTypes\.\w+",
    re.I | re.M,
)


_DB_NAME_PATTERNS = (
    re.compile(r"POSTGRES_DB\s*[:=]\s*['\"]?([\w-]+)"),
    re.compile(r"postgres(?:ql)?://[^/\s'\"]*/([\w-]+)"),
    re.compile(r"\bDB_NAME\s*[:=]\s*['\"]?([\w-]+)"),
)


def platforms_used(b: SchemaBuilder, schema: m.Schema) -> m.Schema:
    """The schema marked with the hosted platforms (Supabase) whose objects it uses without defining."""
    found = []
    for platform in PLATFORMS.values():
        first = referenced(platform, schema)
        if first is None:
            continue
        found.append(platform.name)
        what, span = first
        b.report(
            "SD047",
            Severity.INFO,
            f"the document is written for {platform.title} (it uses {what}): what {platform.title} provides "
            f"({platform.summary}) is taken as given, and up creates a minimal stand-in where it is missing",
            span,
        )
    return schema.with_(platforms=found) if found else schema


@functools.cache
def _platform_schema(name: str) -> m.Schema:
    return read_document(f"```sql\n{PLATFORMS[name].ddl}\n```\n", f"<{name}>").schema


def provided(schema: m.Schema) -> m.Schema:
    """What the doc's platforms provide (their tables, functions, roles), as one schema."""
    parts = [_platform_schema(p.name) for p in of(schema)]
    return m.Schema.build(
        tables=[t for s in parts for t in s.tables],
        functions=[f for s in parts for f in s.functions],
        roles=[m.Role(r) for p in of(schema) for r in p.roles],
    )


def read_document(text: str, path: str) -> LoadedDocument:
    fmt = formats.by_extension(Path(path).suffix)
    if fmt is not None:
        block = Block("fence", 1, (), info=fmt.name, text=text, end_line=len(text.splitlines()))
        doc = Document(path, text, [block], [])
    else:
        doc = split_blocks(path, text)
    return Loader(doc).run()


class Loader:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.b = SchemaBuilder()
        self.b.diagnostics.extend(doc.diagnostics)
        self.sql = SqlReader(self.b, doc.path)
        self.prisma = PrismaSchema()
        self.table_models = PrismaSchema()
        self.prisma_conventions = bool(re.search(r"\bprisma\b", doc.text, re.I))
        self.tables = TableReader(self.b, doc.path, self.prisma_conventions, self.table_models)
        self.tables.django = bool(re.search(r"\bdjango\b", doc.text, re.I))
        self.diagrams: list[Diagram] = []
        self.python = PythonModels()
        self.ts = TsModels()
        self.php = LaravelMigrations()
        self.redis: list[Block] = []
        self.db_names: list[str] = []
        self.current_table: str | None = None
        self.previous: Block | None = None
        self.kept_count = 0  # SD014 notes ("not schema; kept"): saying so is not reading anything

    def span(self, line: int) -> Span:
        return Span(self.doc.path, line, 1)

    def run(self) -> LoadedDocument:
        for block in self.doc.blocks:
            self.block(block)
        self.heading_tables()
        self.finish_prisma()
        self.tables.model_tables.update(map_models(self.python, self.b, self.doc.path))
        self.tables.model_tables.update(map_tables(self.ts, self.b, self.doc.path))
        self.tables.model_tables.update(map_tables(self.php, self.b, self.doc.path))
        for diagram in self.diagrams:
            apply_diagram(self.b, diagram, self.doc.path, self.prisma_conventions, self.prisma, self.table_models)
        conventions.resolve_relations(self.b, self.tables.model_tables)
        conventions.check_table_types(self.b)
        apply_deferred(self.b, self.sql.default_schema)
        conventions.add_updated_at_triggers(self.b)
        conventions.add_needed_extensions(self.b)
        schema = platforms_used(self.b, self.b.build())
        conventions.check_structure(self.b, schema, provided(schema))
        keyspaces, found = read_keyspaces(self.doc.blocks, self.doc.path, schema)
        if keyspaces:
            schema = schema.with_(keyspaces=keyspaces)
        elif not _has_schema(schema) and not any(d.severity >= Severity.ERROR for d in self.b.diagnostics):
            self.b.report(
                "SD001",
                Severity.ERROR,
                "no schema found: no table (nor type, view or function) is described here in any format schemadoc reads",
                self.span(1),
                help="describe the tables as SQL DDL, Prisma or DBML, an ORM's models, or Markdown tables of "
                "columns under headings naming them; `schemadoc check -v` says what each block was read as",
            )
        self.b.diagnostics.extend(found)
        names = self.db_names + self.sql.database_names
        return LoadedDocument(
            path=self.doc.path,
            text=self.doc.text,
            schema=schema,
            diagnostics=sorted(self.b.diagnostics, key=_diagnostic_order),
            extras=self.sql.extras,
            blocks=self.doc.blocks,
            sections=self.doc.sections,
            database_name=names[0] if names else None,
            prisma_conventions=self.prisma_conventions,
            prisma=PrismaSchema(
                models={**self.prisma.models, **self.table_models.models},
                enums={**self.prisma.enums, **self.table_models.enums},
            ),
        )

    # -- blocks -------------------------------------------------------------------------------------

    def block(self, block: Block) -> None:
        before = self.read_so_far()
        try:
            self._block(block)
        finally:
            self.previous = block
        if block.kind in ("fence", "table") and self.read_so_far() == before:
            self.nothing_read(block)

    def read_so_far(self) -> tuple[int, ...]:
        """A fingerprint of everything read and said: unchanged by a block, the block gave nothing."""
        b = self.b
        kinds: list[Sized] = [b.indexes, b.enums, b.composites, b.domains, b.extensions, b.sequences, b.functions]
        kinds += [b.views, b.triggers, b.policies, b.roles, b.grants, b.comments, b.deferred, self.prisma.models]
        kinds += [self.prisma.enums, self.table_models.models, self.tables.pending, self.diagrams, self.redis]
        kinds += [self.sql.extras, self.python.classes, self.python.tables, self.ts.tables, self.ts.enums]
        kinds += [self.php.tables, *(t.columns for t in self.php.tables)]
        columns = sum(len(d.columns) + 1 for d in b.tables.values())
        return (len(b.diagnostics) - self.kept_count, columns, *map(len, kinds))

    def nothing_read(self, block: Block) -> None:
        """A block that looks like schema and gave nothing is said, never silently dropped (SD002)."""
        if block.kind == "table":
            looks = "a table of columns" if is_column_table(block) else None
        else:
            found = _LOOKS_LIKE_SCHEMA.search(block.text)
            looks = " ".join(found.group(0).split()) if found else None
        if looks is None:
            return
        what = "table" if block.kind == "table" else f"```{block.language} block" if block.language else "code block"
        here = self.span(block.line)
        self.b.diagnostics = [d for d in self.b.diagnostics if not (d.code == "SD014" and d.span == here)]
        self.b.report(
            "SD002",
            Severity.WARNING,
            f"this {what} looks like schema ({looks}) but nothing in it was read; none of it is applied",
            here,
            help="write it in a format schemadoc reads (SQL, Prisma, DBML, an ORM's models, a table of "
            "columns under a heading naming the table), or mark it <!-- schemadoc: ignore -->",
        )

    def _block(self, block: Block) -> None:
        if "ignore" in block.directives:
            self.b.report("SD006", Severity.INFO, "block ignored by a schemadoc directive", self.span(block.line))
            return
        stale = block.not_current
        if stale is not None and "include" not in block.directives and block.kind in ("fence", "table"):
            if block.kind == "table" or _SCHEMA_WORDS.search(block.text):
                self.b.report(
                    "SD005",
                    Severity.INFO,
                    f'section "{stale.text}" says it is not current, so this block is not applied',
                    self.span(block.line),
                    help="add <!-- schemadoc: include --> before the block to apply it",
                )
            return
        if block.kind == "fence":
            self.fence(block)
            return
        fmt = formats.by_kind(block.kind)
        if fmt is not None:
            getattr(self, f"read_{fmt.name}")(block)

    def fence(self, block: Block) -> None:
        """A code block to the reader of its format: by its language, else by its content."""
        lang = block.language
        fmt = formats.by_language(lang) if lang else formats.sniff(block.text)
        if fmt is None:
            self.scan_names(block.text)
            self.kept(block, f"```{lang} block" if lang else "unlabelled code block")
            return
        getattr(self, f"read_{fmt.name}")(block)

    # -- one method per format (formats.FORMATS) ----------------------------------------------------

    def read_sql(self, block: Block) -> None:
        self.sql_block(block)

    def read_prisma(self, block: Block) -> None:
        parse_prisma(block.text, block.line, self.doc.path, self.prisma, self.b)

    def read_mermaid(self, block: Block) -> None:
        if is_er_diagram(block.text):
            self.diagrams.append(parse_mermaid(block.text, block.line))

    def read_dbml(self, block: Block) -> None:
        DbmlReader(self.b, self.doc.path).read(block.text, block.line)

    def read_outline(self, block: Block) -> None:
        """Tables outlined in a code block (parse/outline.py), read as a Markdown table's rows are."""
        from schemadoc.parse.outline import read

        for table in read(block.text, block.line):
            rows = [
                ColumnRow(c.name, c.type_text or name_type(c.name), "", c.note, "", c.line, c.type_text)
                for c in table.columns
            ]
            name = table.name if self.prisma_conventions or table.name.islower() else snake_case(table.name)
            self.tables.add_rows(name, rows, table.line)

    def read_python(self, block: Block) -> None:
        """ORM models (SQLAlchemy, SQLModel, Django), gathered now and mapped once every block is read."""
        if not self.python.add(block.text, block.line, self.b, self.doc.path):
            self.kept(block, "```python block without models")

    def read_typescript(self, block: Block) -> None:
        """ORM code (Drizzle, TypeORM, MikroORM, Sequelize, Knex), gathered now and mapped once every block
        is read."""
        javascript = block.language in ("javascript", "js", "jsx", "mjs", "cjs", "node")
        if not looks_like_orm(block.text) or not self.ts.add(block.text, block.line, javascript):
            self.kept(block, f"```{block.language or 'typescript'} block without tables")

    def read_php(self, block: Block) -> None:
        """Laravel migrations (Schema::create), gathered now and mapped once every block is read."""
        if not looks_like_laravel(block.text) or not self.php.add(block.text, block.line):
            self.kept(block, f"```{block.language or 'php'} block without migrations")

    def read_redis(self, block: Block) -> None:
        self.redis.append(block)
        self.kept(block, "Redis key layout")

    def kept(self, block: Block, what: str) -> None:
        self.kept_count += 1
        self.b.report("SD014", Severity.INFO, f"{what} is not schema; kept as documentation", self.span(block.line))

    def sql_block(self, block: Block) -> None:
        heading = block.heading.text if block.heading else ""
        hint = formats.SQL_DIALECTS.get(block.language)
        try:
            statements = _join_trigger_bodies(split_statements(block.text, block.line))
        except RecursionError:
            self.too_deep(block.line)
            return
        for st in statements:
            if st.node is None or (hint or _FOREIGN_TABLE.search(st.text)) and _CREATE_TABLE.match(st.text):
                # rejected — or read by PostgreSQL's parser as something else: MySQL's `INDEX i (c)` in a
                # CREATE TABLE parses as a column named index
                if self.foreign_sql(st, heading, hint) or st.node is None:
                    continue
            try:
                self.sql.read(st, heading)
            except RecursionError:
                self.too_deep(st.line)

    def too_deep(self, line: int) -> None:
        self.b.report(
            "SD009",
            Severity.ERROR,
            "an expression here is nested deeper than schemadoc reads; the statement is not applied",
            self.span(line),
            help="split the expression (a CHECK of many ORs reads as col IN (…) or = ANY(ARRAY[…]))",
        )

    def foreign_sql(self, st: Statement, heading: str, hint: str | None) -> bool:
        """A statement PostgreSQL's parser rejects: another database's SQL, translated (parse/dialects.py);
        else documentation — and, for a CREATE of a table, index, type or view, an error at its line."""
        span = Span(self.doc.path, st.line, st.col)
        first = st.text.splitlines()[0][:60] if st.text else ""
        creates = _CREATE.match(st.text)
        if creates and not _PLACEHOLDER.search(st.text):
            from schemadoc.parse.dialects import translate

            found = translate(st.text, hint)
            if found is not None:
                before = set(self.b.tables)
                for text in found.statements:
                    for pst in split_statements(text, st.line):
                        if pst.node is not None:
                            self.sql.read(
                                Statement(pst.text, st.line, st.col, pst.node, last_line=st.end_line), heading
                            )
                for key in set(self.b.tables) - before:
                    self.b.tables[key].dialect = found.dialect
                for table, column in found.updated_at:
                    self.b.updated_at_columns.append((m.qualify(self.sql.default_schema, table), column, span))
                self.b.report(
                    "SD015",
                    Severity.INFO,
                    f"{found.dialect} SQL, read as PostgreSQL" + (": " + "; ".join(found.notes) if found.notes else ""),
                    span,
                )
                return True
            if st.node is not None:
                return False
            virtual = re.match(r"^\s*create\s+virtual\b", st.text, re.I)  # SQLite's: no PostgreSQL form
            if creates.group(1).lower() in ("table", "index", "unique index", "type", "view") and not virtual:
                self.sql.extras.append(Extra("not-sql", st, heading))
                message, where = self.parser_error(st)
                help = "correct the statement (up --fix applies the rest of the document without it)"
                comma = self.missing_comma(where)
                if comma is not None:
                    help = f"is a comma missing at the end of line {comma}? " + help
                self.b.report(
                    "SD016",
                    Severity.ERROR,
                    f"CREATE {creates.group(1).upper()} {_name_of(st.text)}that neither PostgreSQL nor another "
                    f"SQL dialect reads: {message}",
                    where,
                    help=help,
                    fix=Fix(f"left out CREATE {creates.group(1).upper()} {_name_of(st.text)}".rstrip()),
                )
                return True
        if st.node is not None:
            return False
        self.sql.extras.append(Extra("not-sql", st, heading))
        self.b.report(
            "SD012",
            Severity.INFO,
            f"not valid PostgreSQL, kept as documentation and not applied: {first!r}",
            span,
        )
        return True

    def parser_error(self, st: Statement) -> tuple[str, Span]:
        """PostgreSQL's parser message and the place it points at ("at index 105": the statement's
        105th byte), else the statement's start."""
        message = st.error or "syntax error"
        at = re.search(r",? at index (\d+)$", message)
        if at is None:
            return message, Span(self.doc.path, st.line, st.col)
        before = st.text.encode()[: int(at.group(1))].decode(errors="ignore")
        line = st.line + before.count("\n")
        col = len(before) - before.rfind("\n") if "\n" in before else st.col + len(before)
        return message[: at.start()], Span(self.doc.path, line, col)

    def missing_comma(self, where: Span) -> int | None:
        """The line before an error at the start of a line, when it ends a column without a comma."""
        lines = self.doc.text.splitlines()
        here = lines[where.line - 1] if where.line <= len(lines) else ""
        if where.line < 2 or here[: where.col - 1].strip():
            return None
        before = next((n for n in range(where.line - 1, 0, -1) if lines[n - 1].split("--")[0].strip()), None)
        if before is None or lines[before - 1].split("--")[0].rstrip().endswith((",", "(")):
            return None
        return before

    def scan_names(self, text: str) -> None:
        for pattern in _DB_NAME_PATTERNS:
            for mt in pattern.finditer(text):
                name = mt.group(1)
                if name.lower() not in ("db", "database", "dbname", "postgres") and "$" not in name:
                    self.db_names.append(name)

    def read_markdown_table(self, block: Block) -> None:
        if is_column_table(block):
            before = self.previous
            lead_in = before.text if before and before.kind == "paragraph" and before.headings == block.headings else ""
            self.current_table = self.tables.read(block, lead_in)

    def read_prose(self, block: Block) -> None:
        """A list: an enum's values, a table's prose indexes, its columns, or SQL column definitions."""
        headings = block.headings
        enum_context = any("enum" in h.text.lower() for h in headings)
        if enum_context and block.heading is not None and "enum" not in block.heading.text.lower().split()[-1:]:
            name = table_name_from_heading(block.heading.text, True)
            if name and self.tables.enum_values(block, name):
                return
        if self.current_table and block.heading is not None:
            table_heading = table_name_from_heading(block.heading.text, self.prisma_conventions)
            if table_heading == self.current_table:
                self.tables.prose_indexes(block, self.current_table)
                return
        lead_in = (
            self.previous is not None
            and self.previous.kind == "paragraph"
            and self.previous.headings == block.headings  # "**Indexes:**" right above, in the same section
            and (names_other_section(self.previous.text))
        )
        if (block.not_current is None or "include" in block.directives) and not lead_in:
            name = self.pseudo_sql(block) or self.tables.read_list(block)
            if name is not None:
                self.current_table = name

    def pseudo_sql(self, block: Block) -> str | None:
        r"""A list of SQL column definitions under a table's heading (`- \`id\`: INT AUTO_INCREMENT PRIMARY
        KEY`): the table, read as the CREATE TABLE it spells (parse/pseudo.py)."""
        from schemadoc.parse.pseudo import column_definitions, create_table

        columns = column_definitions(block.items)
        found = table_heading(block.headings, self.prisma_conventions) if columns else None
        if columns is None or found is None:
            return None
        name, heading = found
        self.sql_block(Block("fence", heading.line, block.headings, info="sql", text=create_table(name, columns)))
        draft = self.b.tables.get(m.qualify(self.sql.default_schema, name))
        if draft is None:
            return None
        for column, _, line in columns:  # each column at its own item
            if column in draft.columns:
                draft.columns[column] = m.replace(draft.columns[column], span=self.span(line))
        return name

    def heading_tables(self) -> None:
        """A table the doc names in a section of tables ("#### **DocumentType** - Tipi di documento") but
        describes no column of: created with its key, so what references it can (SD046)."""

        seen: set[int] = set()
        named = {loose_key(k.split(".")[-1]) for k in self.b.tables} | {loose_key(k) for k in self.table_models.models}
        for block in self.doc.blocks:
            for depth in range(1, len(block.headings) + 1):
                stack = block.headings[:depth]
                h = stack[-1]
                if h.line in seen or not in_tables_section(stack) or names_other_section(h.text):
                    continue
                seen.add(h.line)
                if not re.match(r"^[\W\d_]*(\*\*|`)[A-Za-z_][\w]*(\*\*|`)", h.text.strip()):
                    continue  # a name set off as one (**DocumentType**, `bus`), not a topic in words
                if any(b.line > h.line and b.headings[:depth] == stack and b.kind in ("table", "list") and
                       b.headings[-1] != h for b in self.doc.blocks):  # fmt: skip
                    continue  # it has subsections: a group, not a table
                name = table_name_from_heading(h.text, self.prisma_conventions)
                if not name or loose_key(name) in named:
                    continue
                named.add(loose_key(name))
                self.key_only_table(name, h.line)

    def key_only_table(self, name: str, line: int) -> None:
        span = self.span(line)
        if self.prisma_conventions:
            id_type = _dominant(
                [f.type for mdl in self.table_models.models.values() for f in mdl.fields if f.attr("id")]
            )
            field = PField("id", id_type or "Int", False, False, [Attribute("id", [], {})], line)
            if (id_type or "Int") == "Int":
                field.attributes.append(Attribute("default", [("call", "autoincrement", [], {})], {}))
            self.table_models.models[name] = PModel(name, [field], [], line, origin="table")
        else:
            id_type = _dominant(
                [
                    d.columns[c.columns[0]].type
                    for d in self.b.tables.values()
                    for c in d.constraints
                    if c.kind == "primary" and len(c.columns) == 1 and c.columns[0] in d.columns
                ]  # fmt: skip
            )
            draft = TableDraft("public", name, "table", span, key_only=True)
            identity = None if id_type and id_type not in ("integer", "bigint") else "by default"
            draft.columns["id"] = m.Column("id", id_type or "bigint", not_null=True, identity=identity, span=span)
            draft.constraints.append(ConstraintDraft("primary", None, ("id",), span=span))
            self.b.add_table(draft)
        self.b.report(
            "SD046",
            Severity.INFO,
            f"{name} is named among the tables but no column of it is described: created with its key (id)",
            span,
            help="describe its columns to have them created",
        )

    # -- Prisma ----------------------------------------------------------------------------------------

    def finish_prisma(self) -> None:
        if self.prisma.models or self.prisma.enums:
            PrismaMapper(self.prisma, self.b, self.doc.path).map_all()
        for e in self.table_models.enums.values():
            self.add_listed_enum(m.Enum("public", e.db_name, tuple(db for _, db in e.values), span=self.span(e.line)))
        if self.table_models.models:
            merged = PrismaSchema(
                models={**self.prisma.models, **self.table_models.models},
                enums={**self.prisma.enums, **self.table_models.enums},
            )
            self.tables.resolve_relations(merged.models)
            mapper = PrismaMapper(merged, self.b, self.doc.path)
            for model in self.table_models.models.values():
                mapper.map_model(model)
                for f in model.fields:
                    if f.comment and re.search(r"\blast\s+(updated|modified|changed)\b", f.comment, re.I):
                        self.b.updated_at_columns.append((m.qualify("public", model.name), f.name, self.span(f.line)))

    def add_listed_enum(self, enum: m.Enum) -> None:
        """An enum from a Markdown value list; a code block's definition of it wins, disagreement is reported."""
        old = self.b.enums.get(enum.key)
        if old is None:
            self.b.enums[enum.key] = enum
        elif old.values != enum.values:
            self.b.report(
                "SD362",
                Severity.WARNING,
                f"enum {enum.name} lists {', '.join(enum.values)} here but {', '.join(old.values)} "
                "in another description; the other is used",
                enum.span,
                related=(old.span,) if old.span else (),
                help="make both descriptions list the same values",
            )


def _dominant(types: list[str]) -> str | None:
    """The type most of the doc's keys have."""
    return max(set(types), key=types.count) if types else None


_CREATE = re.compile(
    r"^\s*create\s+(?:or\s+replace\s+)?(?:temporary\s+|temp\s+|unlogged\s+|virtual\s+)?"
    r"(table|unique\s+index|index|type|materialized\s+view|view|trigger|function|procedure|sequence|domain)\b",
    re.I,
)


_CREATE_TABLE = re.compile(r"^\s*create\s+(?:temporary\s+|temp\s+)?table\b", re.I)


# MySQL's and SQLite's words in a CREATE TABLE that PostgreSQL's parser may still accept as something else
_FOREIGN_TABLE = re.compile(
    r"`|\bAUTO_?INCREMENT\b|\bENGINE\s*=|\bUNSIGNED\b|\bON\s+UPDATE\s+CURRENT_TIMESTAMP|^\s*(UNIQUE\s+|FULLTEXT\s+)?(KEY|INDEX)\s+\w+\s*\(|"
    r"\bENUM\s*\(|\bWITHOUT\s+ROWID\b",
    re.I | re.M,
)


_PLACEHOLDER = re.compile(r"\.\.\.|…|\(\s*\.\.\s*\)|<[a-z_ ]+>", re.I)  # `CREATE TABLE users (...)`: pseudo-SQL


def _join_trigger_bodies(statements: list[Statement]) -> list[Statement]:
    """Another database's CREATE TRIGGER … BEGIN …; …; END (SQLite, MySQL) is one statement: the pieces
    the top-level split made of its body are joined again."""
    out: list[Statement] = []
    open_body: list[Statement] = []
    for st in statements:
        if open_body:
            open_body.append(st)
            if re.search(r"\bEND\s*;?\s*$", st.text, re.I):
                first = open_body[0]
                joined = "; ".join(p.text for p in open_body)
                out.append(Statement(joined, first.line, first.col, None, first.error, last_line=st.end_line))
                open_body = []
            continue
        if (
            st.node is None
            and re.match(r"^\s*create\s+trigger\b", st.text, re.I)
            and re.search(r"\bBEGIN\b", st.text, re.I)
            and not re.search(r"\bEND\s*;?\s*$", st.text, re.I)
        ):
            open_body = [st]
            continue
        out.append(st)
    if open_body:
        out.extend(open_body)
    return out


def _has_schema(schema: m.Schema) -> bool:
    """Whether the doc defines anything of a database: tables, views, types, functions, sequences,
    extensions, collations."""
    kinds = (schema.tables, schema.views, schema.enums, schema.domains, schema.composites, schema.functions)
    return any(kinds) or bool(schema.sequences or schema.extensions or schema.collations)


def _name_of(create: str) -> str:
    found = re.match(
        r"(?is)\s*create\s+(?:or\s+replace\s+)?(?:\w+\s+)*?(?:table|index|type|view)\s+"
        r"(?:if\s+not\s+exists\s+)?([\w.\"`\[\]]+)",
        create,
    )
    return f"{found.group(1)} " if found and found.group(1).lower() not in ("on", "if") else ""


def _diagnostic_order(d: Diagnostic) -> tuple[int, int, str]:
    return (d.span.line if d.span else 0, d.span.col if d.span else 0, d.code)
