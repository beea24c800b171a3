"""Every fix schemadoc makes, one per diagnostic code: `check --fix` edits the document's text, `up --fix`
repairs the model read from it, both from the one Fixer the code registers here.

A text fix is a list of edits at the reader's positions in the document. Safe fixes keep what the
database means (a redundant index, a password that is never applied); unsafe ones change behaviour and
run only with --unsafe-fixes. Edits never overlap; everything outside them is preserved byte for byte.
A model repair applies to a diagnostic that carries a `Fix` (the reader saw the instance is fixable and
records what the repair needs) and makes the schema one PostgreSQL accepts: a parent partitioned, an
object that cannot stand left out.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from schemadoc import model as m
from schemadoc.errors import Diagnostic, Severity, Span
from schemadoc.parse import LoadedDocument
from schemadoc.parse.statements import statement_ranges


@dataclass(frozen=True, slots=True)
class Edit:
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Fixer:
    safe: bool
    description: str
    # check --fix: the text edits that fix the finding in the document (None: it has none)
    edits: Callable[[LoadedDocument, Diagnostic], list[Edit] | None] | None = None
    # up --fix: the schema with the finding repaired, for a diagnostic that carries its Fix's data
    repair: Callable[[m.Schema, dict[str, str]], m.Schema] | None = None

    def applies_to(self) -> str:
        """Which commands make this fix: `check --fix`, `up --fix`, or both."""
        return " and ".join(f for f, has in (("check --fix", self.edits), ("up --fix", self.repair)) if has)


def _offset(text: str, span: Span) -> int:
    offset = 0
    for _ in range(span.line - 1):  # lines as markdown-it counts them: split at \n only
        offset = text.index("\n", offset) + 1
    return offset + span.col - 1


def _line_at(doc: LoadedDocument, span: Span) -> tuple[int, str]:
    """(offset of `span`, the rest of its line)."""
    start = _offset(doc.text, span)
    line_end = doc.text.find("\n", start)
    return start, doc.text[start : len(doc.text) if line_end < 0 else line_end]


def _statement_end(text: str, start: int) -> int:
    """Offset just past the statement starting at `start` (its ';', or the end of its code block),
    split the way the reader splits SQL blocks (quotes, dollar quotes and comments respected)."""
    fence = text.find("\n```", start)
    segment = text[start : len(text) if fence < 0 else fence + 1]
    ranges = statement_ranges(segment)
    return start + (ranges[0][1] if ranges else len(segment))


def _delete_statement(doc: LoadedDocument, d: Diagnostic) -> list[Edit] | None:
    if d.span is None:
        return None
    text = doc.text
    start = _offset(text, d.span)
    if re.match(r"\s*@@index\s*\(", text[start:]):
        line_end = text.find("\n", start)
        return [Edit(start, len(text) if line_end < 0 else line_end + 1, "")]  # a Prisma @@index line
    if not re.match(r"CREATE\s+(UNIQUE\s+)?INDEX\b", text[start:], re.I):
        return None  # an index from a prose list: no statement of its own to remove
    end = _statement_end(text, start)
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end + 1
    if not text[line_start:start].strip() and not text[end:line_end].strip():
        return [Edit(line_start, line_end, "")]  # the statement had its lines to itself
    return [Edit(start, end, "")]


_PASSWORD = re.compile(r"(\s+WITH)?\s+(ENCRYPTED\s+)?PASSWORD\s+'(?:[^']|'')*'", re.I)


def _drop_password(doc: LoadedDocument, d: Diagnostic) -> list[Edit] | None:
    if d.span is None:
        return None
    start = _offset(doc.text, d.span)
    stmt_start = doc.text.rfind("\n", 0, start) + 1
    end = _statement_end(doc.text, stmt_start)
    mt = _PASSWORD.search(doc.text, stmt_start, end)
    if mt is None:
        return None
    return [Edit(mt.start(), mt.end(), "")]


_COLUMN_PK = re.compile(r"\s+PRIMARY\s+KEY\b", re.I)


def _partition_parent(doc: LoadedDocument, d: Diagnostic) -> list[Edit] | None:
    """Seed 001's audit_logs: PARTITION BY RANGE (column) on the parent, primary key widened to it."""
    if d.fix is None or not d.related:
        return None
    data = dict(d.fix.data)
    column = data["column"]
    text = doc.text
    start = _offset(text, d.related[0])
    end = _statement_end(text, start)
    close = text.rfind(")", start, end)
    body = text[start:close]
    table = doc.schema.table(data["table"])
    if table is None or table.primary_key is None or close < 0:
        return None
    pk_cols = [c for c in table.primary_key.columns if c != column]
    edits: list[Edit] = []
    table_pk = re.search(r"PRIMARY\s+KEY\s*\(([^)]*)\)", body, re.I)
    if table_pk is not None:
        edits.append(Edit(start + table_pk.start(1), start + table_pk.end(1), ", ".join([*pk_cols, column])))
    else:
        col_pk = _COLUMN_PK.search(body)
        if col_pk is None:
            return None
        edits.append(Edit(start + col_pk.start(), start + col_pk.end(), ""))
        last = body.rstrip()
        indent = re.search(r"\n([ \t]+)\S", body)
        pad = indent.group(1) if indent else "  "
        edits.append(
            Edit(start + len(last), start + len(last), f",\n{pad}PRIMARY KEY ({', '.join([*pk_cols, column])})")
        )
    edits.append(Edit(close + 1, close + 1, f" PARTITION BY RANGE ({column})"))
    return edits


def _index_foreign_key(doc: LoadedDocument, d: Diagnostic) -> list[Edit] | None:
    """CREATE INDEX for the foreign key's columns, right after the CREATE TABLE that declares it."""
    from schemadoc.names import choose_name, quote_ident

    found = next(((t, fk) for t in doc.schema.tables for fk in t.foreign_keys if fk.span == d.span), None)
    if found is None:
        return None
    table, fk = found
    if table.span is None:
        return None
    start = _offset(doc.text, table.span)
    if not re.match(r"CREATE\s+(UNLOGGED\s+)?TABLE\b", doc.text[start:], re.I):
        return _index_foreign_key_elsewhere(doc, table)
    end = _statement_end(doc.text, start)
    taken = {ix.name for ix in doc.schema.indexes}
    name = choose_name(table.name, "_".join(fk.columns), "idx", taken)
    qualified = (
        quote_ident(table.name)
        if table.schema == "public"
        else f"{quote_ident(table.schema)}.{quote_ident(table.name)}"
    )
    cols = ", ".join(quote_ident(c) for c in fk.columns)
    return [Edit(end, end, f"\nCREATE INDEX {quote_ident(name)} ON {qualified} ({cols});")]


def _section(doc: LoadedDocument, line: int) -> tuple[int, int]:
    """Offsets of the Markdown section whose heading is at `line`: up to the next heading (of any level)."""
    start = _offset(doc.text, Span(doc.path, line, 1))
    after = [s.line for s in doc.sections if s.line > line]
    return start, _offset(doc.text, Span(doc.path, after[0], 1)) if after else len(doc.text)


def _prisma_model(doc: LoadedDocument, span: Span) -> tuple[int, int] | None:
    """Offsets of a Prisma model's body (after its `{`, to the start of its closing `}` line, where its
    reader says the model ends)."""
    head = re.compile(r"model\s+\w+\s*\{").match(doc.text, _offset(doc.text, span))
    if head is None or span.end_line <= span.line:
        return None
    return head.end(), _offset(doc.text, Span(span.file, span.end_line, 1))


def _index_foreign_key_elsewhere(doc: LoadedDocument, table: m.Table) -> list[Edit] | None:
    """Indexes for every unindexed foreign key of the table, in one edit, in the form the document
    writes the table: Prisma @@index lines, or lines of the table's index list."""

    assert table.span is not None
    keys = [fk.columns for t, fk in doc.schema.unindexed_foreign_keys() if t.key == table.key]
    start = _offset(doc.text, table.span)
    model = _prisma_model(doc, table.span)
    if model is not None:
        body = doc.text[model[0] : model[1]]
        indent = re.search(r"\n([ \t]+)\S", body)
        pad = indent.group(1) if indent else "  "
        lines = []
        lines_of = doc.text.splitlines()
        for columns in keys:
            fields = []
            for col in columns:
                # the field is the first word of the line its reader found the column on (@map or not)
                column = table.column(col)
                line = lines_of[column.span.line - 1].split() if column and column.span else []
                if not line or not model[0] <= _offset(doc.text, column.span) < model[1]:  # type: ignore[union-attr, arg-type]
                    return None
                fields.append(line[0])
            lines.append(f"{pad}@@index([{', '.join(fields)}])\n")
        return [Edit(model[1], model[1], "".join(lines))]
    if not doc.text.startswith("#", start):
        return None
    section_start, section_end = _section(doc, table.span.line)
    section = doc.text[section_start:section_end]
    entry = "".join(f"- Index on ({', '.join(columns)})\n" for columns in keys)
    listed = re.search(r"\*\*Indexes:?\*\*:?[ \t]*\n((?:[ \t]*[-*][^\n]*\n)+)", section)
    if listed is not None:
        at = section_start + listed.end(1)
        return [Edit(at, at, entry)]
    rows = list(re.finditer(r"^\|[^\n]*\n", section, re.M))
    if not rows:
        return None
    at = section_start + rows[-1].end()
    return [Edit(at, at, f"\n**Indexes:**\n{entry}")]


def _maintain_updated_at(doc: LoadedDocument, d: Diagnostic) -> list[Edit] | None:
    """A BEFORE UPDATE trigger using the doc's own updated_at function, after its existing triggers."""
    from schemadoc.names import quote_ident

    found = next(((t, c) for t in doc.schema.tables for c in t.columns if c.span == d.span), None)
    if found is None:
        return None
    table, column = found
    setter = re.compile(rf"\bNEW\s*\.\s*\"?{re.escape(column.name)}\"?\s*:?=", re.I)
    function = next((f for f in doc.schema.functions if setter.search(f.body)), None)
    if function is None:
        return None  # the doc has no function that sets the column: nothing to reuse
    users = [t for t in doc.schema.triggers if t.function == f"{function.schema}.{function.name}" and t.span]
    if not users:
        return None
    last = max(users, key=lambda t: (t.span.line, t.span.col) if t.span else (0, 0))
    assert last.span is not None
    end = _statement_end(doc.text, _offset(doc.text, last.span))
    name = f"update_{table.name}_{column.name}"[:63]
    return [
        Edit(
            end,
            end,
            f"\n\nCREATE TRIGGER {quote_ident(name)} BEFORE UPDATE ON {quote_ident(table.name)}\n"
            f"    FOR EACH ROW EXECUTE FUNCTION {quote_ident(function.name)}();",
        )
    ]


_FLOAT_SQL = re.compile(r"\s+(DOUBLE\s+PRECISION|FLOAT[48]?(?:\s*\(\s*\d+\s*\))?|REAL)\b", re.I)
_TIMESTAMP_SQL = re.compile(
    r"\s+(TIMESTAMP(?:\s*\(\s*\d\s*\))?(?:\s+WITHOUT\s+TIME\s+ZONE)?)(?!\s*WITH\b)(?![\w(])", re.I
)


def _retype_column(
    sql: re.Pattern[str], sql_type: str, prisma: tuple[str, str, str], cell: tuple[str, str] | None
) -> Callable[[LoadedDocument, Diagnostic], list[Edit] | None]:
    """A fixer that changes the column's type where its definition writes it: SQL, Prisma or a table row."""

    def edits(doc: LoadedDocument, d: Diagnostic) -> list[Edit] | None:
        if d.span is None:
            return None
        start, line = _line_at(doc, d.span)
        indent = len(line) - len(line.lstrip(" \t"))
        start, line = start + indent, line[indent:]
        name = re.match(r'"?[\w$]+"?', line)
        if name is None:
            return None
        in_prisma = any(
            b.kind == "fence" and b.language == "prisma" and b.line <= d.span.line <= b.end_line for b in doc.blocks
        )
        found = None if in_prisma else sql.match(line, name.end())
        if found is not None:
            return [Edit(start + found.start(1), start + found.end(1), sql_type)]
        word, new_word, attribute = prisma
        field = re.match(rf"([\w$]+\s+){word}(\?|\[\])?(?=\s|$)(?![^\n]*@db\.)", line)
        if field is not None:
            marker = field.group(2) or ""
            return [Edit(start + field.end(1), start + field.end(), f"{new_word}{marker} {attribute}")]
        if cell is not None and line.startswith("|"):
            cells = [m for m in re.finditer(r"\|([^|\n]*)", line)]
            if len(cells) > 1 and cells[1].group(1).strip() == cell[0]:
                inner = cells[1]
                text = inner.group(1).replace(cell[0], cell[1], 1)
                return [Edit(start + inner.start(1), start + inner.end(1), text)]
        return None

    return edits


def _qualify_own_type(doc: LoadedDocument, d: Diagnostic) -> list[Edit] | None:
    """`kind point` -> `kind public.point`, where the document creates a type `point` in public (SD325)."""
    if d.span is None:
        return None
    own = {t.name for t in doc.schema.named_types() if t.schema == "public"}
    start, line = _line_at(doc, d.span)
    head = re.match(r'\s*(?:CREATE\s+DOMAIN\s+)?("(?:[^"]|"")+"|[\w$.]+)(?:\s+AS)?\s+', line, re.I)
    if head is None:
        return None
    word = re.match(r'("?)([\w$]+)\1(?![\w$."])', line[head.end() :])
    if word is None or word.group(2) not in own:
        return None
    at = start + head.end()
    return [Edit(at, at + word.end(), f"public.{word.group(0)}")]


_FROZEN_SQL = re.compile(
    r"\bDEFAULT\s+((?:CAST\s*\(\s*)?'(now|today|tomorrow|yesterday)'"
    r"(?:\s*::\s*[a-z]+(?:\s+with(?:out)?\s+time\s+zone)?|\s+AS\s+[^)]*\))?)",
    re.I,
)


def _per_row_default(doc: LoadedDocument, d: Diagnostic) -> list[Edit] | None:
    """DEFAULT 'now' -> DEFAULT now() (CURRENT_DATE and its neighbours for dates and the other words; SD326)."""
    from schemadoc.lint.datatypes import per_row_default

    if d.span is None:
        return None
    start, line = _line_at(doc, d.span)
    found = _FROZEN_SQL.search(line)
    date_column = re.match(r'\s*"?[\w$]+"?\s+date\b', line, re.I) is not None
    if found is None:
        return None
    new = per_row_default(found.group(2), "date" if date_column else "timestamp")
    return [Edit(start + found.start(1), start + found.end(1), new)]


def _partition_parent_model(schema: m.Schema, data: dict[str, str]) -> m.Schema:
    """PARTITION BY RANGE (column) on the parent; its primary and unique keys widened to include it."""
    key, column = data["table"], data["column"]
    tables = []
    for t in schema.tables:
        if t.key == key:
            pk = t.primary_key
            if pk is not None and column not in pk.columns:
                pk = replace(pk, columns=(*pk.columns, column))
            uniques = tuple(u if column in u.columns else replace(u, columns=(*u.columns, column)) for u in t.uniques)
            cols = tuple(replace(c, not_null=True) if c.name == column else c for c in t.columns)
            t = replace(t, partition_by=f"RANGE ({column})", primary_key=pk, uniques=uniques, columns=cols)
        tables.append(t)
    return schema.with_(tables=tuple(tables))


def _leave_out(schema: m.Schema, data: dict[str, str]) -> m.Schema:
    """The schema without one object the rest cannot stand on (a foreign key to a table the doc does not
    define, an index on one, a trigger on one or executing an undefined function)."""
    kind, key = data["kind"], data["key"]
    if kind == "foreign-key":
        return schema.with_(
            tables=tuple(
                replace(t, foreign_keys=tuple(fk for fk in t.foreign_keys if fk.name != key))
                if t.key == data["table"]
                else t
                for t in schema.tables
            )
        )
    field = {"index": "indexes", "trigger": "triggers", "policy": "policies"}[kind]
    return schema.with_(**{field: tuple(o for o in getattr(schema, field) if o.key != key)})


def _left_out(schema: m.Schema, _data: dict[str, str]) -> m.Schema:
    return schema  # a statement the reader could not read, so never part of the schema


_LEAVE_OUT_KEY = Fixer(True, "leave the foreign key out (its column stays)", repair=_leave_out)

FIXERS: dict[str, Fixer] = {
    "SD320": Fixer(
        False,
        "store the money in numeric(12,2) (Prisma: Decimal @db.Decimal(12, 2))",
        _retype_column(_FLOAT_SQL, "numeric(12,2)", ("Float", "Decimal", "@db.Decimal(12, 2)"), ("Float", "Decimal")),
    ),
    "SD321": Fixer(
        False,
        "store the instant as timestamptz (Prisma: @db.Timestamptz(3))",
        _retype_column(_TIMESTAMP_SQL, "timestamptz", ("DateTime", "DateTime", "@db.Timestamptz(3)"), None),
    ),
    "SD325": Fixer(False, "qualify the type with its schema: public.point", _qualify_own_type),
    "SD326": Fixer(False, "evaluate the default per row: now(), CURRENT_DATE", _per_row_default),
    "SD310": Fixer(True, "remove the duplicate index", _delete_statement),
    "SD311": Fixer(True, "remove the index the key already provides", _delete_statement),
    "SD050": Fixer(True, "remove the password (it is never applied)", _drop_password),
    "SD306": Fixer(False, "add the trigger the doc's own updated_at function is meant for", _maintain_updated_at),
    "SD313": Fixer(True, "index the foreign key's columns", _index_foreign_key),
    "SD111": Fixer(
        True,
        "partition the parent by range of its timestamp, primary key widened",
        _partition_parent,
        _partition_parent_model,
    ),
    "SD104": _LEAVE_OUT_KEY,
    "SD105": _LEAVE_OUT_KEY,
    "SD113": _LEAVE_OUT_KEY,
    "SD106": Fixer(True, "leave the index out", repair=_leave_out),
    "SD107": Fixer(True, "leave the trigger out", repair=_leave_out),
    "SD108": Fixer(True, "leave the trigger out", repair=_leave_out),
    "SD109": Fixer(True, "leave the policy out", repair=_leave_out),
    "SD016": Fixer(True, "apply the rest of the document without the statement", repair=_left_out),
}


def fix_text(doc: LoadedDocument, diagnostics: list[Diagnostic], unsafe: bool = False) -> tuple[str, list[Diagnostic]]:
    """(the fixed document text, the diagnostics whose fixes were applied)."""
    edits: list[Edit] = []
    applied: list[Diagnostic] = []
    for d in diagnostics:
        fixer = FIXERS.get(d.code)
        if fixer is None or fixer.edits is None or (not fixer.safe and not unsafe):
            continue
        found = fixer.edits(doc, d)
        if found and all(e in edits for e in found):
            applied.append(d)  # one edit that fixes several findings at once (all of a table's indexes)
            continue
        if not found or any(e.start < o.end and o.start < e.end for e in found for o in edits):
            continue
        edits.extend(found)
        applied.append(d)
    text = doc.text
    # right to left, so offsets stay valid; insertions at one place keep the order they were made in
    for _, e in sorted(enumerate(edits), key=lambda p: (p[1].start, p[1].end, p[0]), reverse=True):
        text = text[: e.start] + e.text + text[e.end :]
    return text, applied


def repair(schema: m.Schema, diagnostics: list[Diagnostic]) -> tuple[m.Schema, list[Diagnostic], list[Diagnostic]]:
    """`up --fix`: (the schema with every safe repair made, the diagnostics still standing, those repaired).
    A diagnostic is repaired when its code's fixer has a model repair and the diagnostic carries a Fix."""
    remaining, fixed = [], []
    for d in diagnostics:
        fixer = FIXERS.get(d.code)
        if d.fix is not None and fixer is not None and fixer.repair is not None and fixer.safe:
            schema = fixer.repair(schema, dict(d.fix.data))
            fixed.append(d)
        else:
            remaining.append(d)
    return schema, remaining, fixed


def errors(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    return [d for d in diagnostics if d.severity == Severity.ERROR]
