"""No input crashes the reader: random Markdown, SQL and Prisma fragments end in a model or a SchemadocError."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

import schemadoc
from schemadoc.errors import SchemadocError
from schemadoc.lint import check

_PIECES = [
    "# Title\n",
    "## users\n",
    "### Order\n",
    "```sql\n",
    "```prisma\n",
    "```mermaid\nerDiagram\n",
    "```\n",
    "CREATE TABLE t (id int PRIMARY KEY);\n",
    "CREATE TABLE u (a text REFERENCES t(id));\n",
    "CREATE INDEX ON t (",
    "model A {\n",
    "  id String @id @default(cuid())\n",
    '  b B[] @relation("x")\n',
    "}\n",
    "enum E {\n  X\n}\n",
    "| Column | Type | Constraints |\n",
    "|---|---|---|\n",
    "| id | String (CUID) | Primary Key |\n",
    "| ref | Int | Foreign Key (A.id) |\n",
    "- Unique constraint on (a, b)\n",
    "A ||--o{ B : has\n",
    "<!-- schemadoc: ignore -->\n",
    "$$ BEGIN",
    "'",
    '"',
    "(",
    ")",
    ";",
    "\n",
    '@@map("x")\n',
    "--",
    "/*",
    "CREATE FUNCTION f() RETURNS trigger AS $$ BEGIN RETURN NEW; END $$ LANGUAGE plpgsql;\n",
    "CREATE TRIGGER tr BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION f();\n",
    "ALTER TABLE t ADD CONSTRAINT c CHECK (id > 0);\n",
    "CREATE TABLE p PARTITION OF t FOR VALUES IN (1);\n",
    "CREATE VIEW v AS SELECT t.id, count(u.a) FROM t LEFT JOIN u ON t.id = u.a LEFT JOIN w ON t.id = w.b GROUP BY 1;\n",
    "CREATE TRIGGER d AFTER DELETE ON t FOR EACH ROW EXECUTE FUNCTION f();\n",
    "CREATE INDEX ON t (id);\n",
    "- `id` (UUID): key\n",
    "| x | enum | a, b |\n",
    "GRANT SELECT ON t TO PUBLIC;\n",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_PIECES), st.text(max_size=20)), max_size=40))
def test_loads_never_crashes(parts: list[str]) -> None:
    text = "".join(parts)
    try:
        doc = schemadoc.loads(text, "fuzz.md")
    except SchemadocError:
        return
    schemadoc.emit(doc.schema)  # whatever was read can be rendered
    check(doc)  # and every lint rule copes with it
    for d in doc.diagnostics:
        assert d.span is None or d.span.line >= 1
