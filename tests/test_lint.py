"""Every lint rule: documented, with a fixture that triggers it and one that does not."""

from __future__ import annotations

from pathlib import Path

import pytest

import schemadoc
from schemadoc.lint import lint, rules

FIXTURES = Path(__file__).parent / "lint"
CODES = [r.code for r in rules()]


def test_every_rule_is_documented_and_has_fixtures() -> None:
    assert len(CODES) >= 16
    for r in rules():
        assert len(r.explanation) > 80, r.code
        assert (FIXTURES / r.code / "bad.md").exists() and (FIXTURES / r.code / "good.md").exists(), r.code
    assert sorted(p.name for p in FIXTURES.iterdir()) == sorted(CODES)


@pytest.mark.parametrize("code", CODES)
def test_rule_fires_on_bad_fixture(code: str) -> None:
    doc = schemadoc.load(FIXTURES / code / "bad.md")
    found = [d for d in lint(doc, [code])]
    assert found, f"{code} did not fire"
    assert all(d.span is not None and d.span.line > 0 for d in found)


@pytest.mark.parametrize("code", CODES)
def test_rule_is_quiet_on_good_fixture(code: str) -> None:
    doc = schemadoc.load(FIXTURES / code / "good.md")
    assert lint(doc, [code]) == []


def _fixed(tmp_path: Path, text: str, unsafe: bool) -> tuple[str, list[str]]:
    from schemadoc.lint import check
    from schemadoc.lint.fixes import fix_text

    doc_path = tmp_path / "doc.md"
    doc_path.write_text(text)
    doc = schemadoc.load(doc_path)
    fixed, applied = fix_text(doc, check(doc), unsafe=unsafe)
    return fixed, [d.code for d in applied]


MIXED = """# Shop

```sql
CREATE TABLE orders (
  id int PRIMARY KEY,
  total_price DOUBLE PRECISION NOT NULL,
  created_at TIMESTAMP NOT NULL DEFAULT now(),
  paid_at timestamptz
);
```

```prisma
model Invoice {
  id        Int      @id
  amount    Float?
  createdAt DateTime @default(now())
  userId    Int      @map("user_id")
  payerId   Int
  user      User     @relation("owner", fields: [userId], references: [id])
  payer     User     @relation("payer", fields: [payerId], references: [id])
}

model User {
  id       Int       @id
  invoices Invoice[] @relation("owner")
  paid     Invoice[] @relation("payer")
}
```
"""


def test_money_and_timestamp_fixes_are_unsafe_and_keep_each_format(tmp_path: Path) -> None:
    safe, codes = _fixed(tmp_path, MIXED, unsafe=False)
    assert "SD320" not in codes and "SD321" not in codes
    assert "total_price DOUBLE PRECISION" in safe
    fixed, codes = _fixed(tmp_path, MIXED, unsafe=True)
    assert codes.count("SD320") == 2 and codes.count("SD321") == 2
    assert "  total_price numeric(12,2) NOT NULL,\n  created_at timestamptz NOT NULL DEFAULT now()," in fixed
    assert "  amount    Decimal? @db.Decimal(12, 2)\n  createdAt DateTime @db.Timestamptz(3) @default(now())" in fixed
    after = schemadoc.loads(fixed, str(tmp_path / "doc.md"))
    assert not [d for d in after.diagnostics if d.severity >= schemadoc.Severity.ERROR]
    invoice = after.schema.table("public.Invoice")
    assert invoice is not None
    assert {c.name: c.type for c in invoice.columns}["amount"] == "numeric(12,2)"
    assert {c.name: c.type for c in invoice.columns}["createdAt"] == "timestamp(3) with time zone"


def test_foreign_key_index_fix_in_prisma_uses_field_names_in_one_edit(tmp_path: Path) -> None:
    fixed, codes = _fixed(tmp_path, MIXED, unsafe=False)
    assert codes.count("SD313") == 2
    assert (
        '  payer     User     @relation("payer", fields: [payerId], references: [id])\n  @@index([userId])\n  @@index([payerId])\n}'
        in fixed
    )
    assert schemadoc.loads(fixed, str(tmp_path / "doc.md")).schema.unindexed_foreign_keys() == []


TABLE_DOC = """# Photo shop (Prisma)

This project uses Prisma.

### Order

| Column | Type | Constraints | Description |
|--------|------|-------------|-------------|
| id | String (CUID) | Primary Key | id |
| userId | String | Foreign Key (User.id), Not Null | buyer |
| addressId | String | Foreign Key (Address.id), Nullable | where to |

### Address

| Column | Type | Constraints | Description |
|--------|------|-------------|-------------|
| id | String (CUID) | Primary Key | id |

**Indexes:**
- Unique constraint on id

### User

| Column | Type | Constraints | Description |
|--------|------|-------------|-------------|
| id | String (CUID) | Primary Key | id |
"""


def test_foreign_key_index_fix_in_a_column_table_doc_adds_an_index_list(tmp_path: Path) -> None:
    fixed, codes = _fixed(tmp_path, TABLE_DOC, unsafe=False)
    assert codes.count("SD313") == 2
    assert (
        "| addressId | String | Foreign Key (Address.id), Nullable | where to |\n\n**Indexes:**\n- Index on (userId)\n- Index on (addressId)\n\n### Address"
        in fixed
    )
    assert schemadoc.loads(fixed, str(tmp_path / "doc.md")).schema.unindexed_foreign_keys() == []


def test_postgres_version_must_be_a_major_version(tmp_path: Path) -> None:
    from schemadoc.config import find_config
    from schemadoc.errors import SchemadocError

    (tmp_path / "schemadoc.toml").write_text('postgres-version = "fourteen"\n')
    with pytest.raises(SchemadocError, match="postgres-version must be a major version"):
        find_config(tmp_path / "doc.md")
    (tmp_path / "schemadoc.toml").write_text("postgres-version = 13\n")
    assert find_config(tmp_path / "doc.md").postgres_version == 13


def test_foreign_key_index_fix_in_prisma_names_the_field_not_the_mapped_column(tmp_path: Path) -> None:
    """The field is found where the reader read the column (its line), so `@map` needs no text search."""
    doc = (
        "# Shop\n\n```prisma\nmodel User {\n  id Int @id\n}\n\nmodel Order {\n  id     Int  @id\n"
        '  buyerId Int @map("buyer_id")\n  buyer  User @relation(fields: [buyerId], references: [id])\n}\n```\n'
    )
    fixed, codes = _fixed(tmp_path, doc, unsafe=False)
    assert codes.count("SD313") == 1
    assert "@relation(fields: [buyerId], references: [id])\n  @@index([buyerId])\n}" in fixed, fixed
    assert schemadoc.loads(fixed, str(tmp_path / "doc.md")).schema.unindexed_foreign_keys() == []


SHADOWED = """# Parcels

```sql
CREATE TYPE point AS ENUM ('start', 'end');
CREATE TYPE box AS (width int, height int);
CREATE DOMAIN wrapper AS box;
CREATE TABLE parcels (
  id int PRIMARY KEY,
  "box" box,
  kind point NOT NULL,
  at pg_catalog.point,
  size wrapper
);
```
"""


def test_a_type_named_like_a_builtin_is_qualified_by_the_unsafe_fix(tmp_path: Path) -> None:
    """SD325 fires where a bare name means pg_catalog's type though the doc creates one of that name (not
    where pg_catalog is written); its fix, which changes the column's type, runs only with unsafe fixes."""
    doc = schemadoc.loads(SHADOWED, str(tmp_path / "doc.md"))
    found = [d for d in lint(doc, ["SD325"])]
    assert sorted(d.span.line for d in found if d.span) == [6, 9, 10]
    safe, codes = _fixed(tmp_path, SHADOWED, unsafe=False)
    assert "SD325" not in codes and safe == SHADOWED
    fixed, codes = _fixed(tmp_path, SHADOWED, unsafe=True)
    assert codes.count("SD325") == 3
    assert (
        "CREATE DOMAIN wrapper AS public.box;" in fixed
        and '  "box" public.box,\n  kind public.point NOT NULL,\n  at pg_catalog.point,' in fixed
    )
    after = schemadoc.loads(fixed, str(tmp_path / "doc.md"))
    assert lint(after, ["SD325"]) == []
    parcels = after.schema.table("public.parcels")
    assert parcels is not None
    assert {c.name: c.type for c in parcels.columns} == {
        "id": "integer", "box": "public.box", "kind": "public.point", "at": "point", "size": "wrapper"
    }  # fmt: skip


FROZEN = """# Events

```sql
CREATE TABLE events (
  id serial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT 'now',
  on_day date DEFAULT 'today'::date,
  later timestamp DEFAULT 'tomorrow'::timestamp without time zone,
  note text DEFAULT 'now'
);
```
"""


def test_a_time_default_frozen_at_create_is_made_per_row_by_the_unsafe_fix(tmp_path: Path) -> None:
    doc = schemadoc.loads(FROZEN, str(tmp_path / "doc.md"))
    assert sorted(d.span.line for d in lint(doc, ["SD326"]) if d.span) == [6, 7, 8]  # not the text column
    fixed, codes = _fixed(tmp_path, FROZEN, unsafe=True)
    assert codes.count("SD326") == 3
    assert (
        "  at timestamptz NOT NULL DEFAULT now(),\n  on_day date DEFAULT CURRENT_DATE,\n"
        "  later timestamp DEFAULT CURRENT_DATE + 1,\n  note text DEFAULT 'now'\n" in fixed
    )
    after = schemadoc.loads(fixed, str(tmp_path / "doc.md"))
    assert lint(after, ["SD326"]) == []
    assert _fixed(tmp_path, FROZEN, unsafe=False)[0] == FROZEN
