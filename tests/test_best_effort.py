"""`up --fix` brings a doc up with everything that can come up; each thing left out is a warning at its
line saying why. Without --fix, `up` refuses errors and applies nothing."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

import schemadoc
from schemadoc.errors import SchemadocError

DOC = """# Shop

```sql
CREATE TABLE orders (
  id int PRIMARY KEY,
  customer_id int REFERENCES customers(id),
  settings json DEFAULT '{not json',
  total numeric CHECK (total >= 0)
);
CREATE INDEX idx_ghost ON ghosts (id);
CREATE TRIGGER orders_audit AFTER INSERT ON orders FOR EACH ROW EXECUTE FUNCTION audit_row();
CREATE TABLE items (id int PRIMARY KEY, order_id int REFERENCES orders(nosuch));
CREATE TABLE notes (id int PRIMARY KEY, body text);
```
"""


def _tables(db: str) -> dict[str, list[str]]:
    with psycopg.connect(db) as conn:
        rows = conn.execute(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' "
            "ORDER BY table_name, ordinal_position"
        ).fetchall()
    out: dict[str, list[str]] = {}
    for t, c in rows:
        out.setdefault(t, []).append(c)
    return out


def test_without_fix_nothing_is_applied(tmp_path: Path, fresh_db: str) -> None:
    doc = tmp_path / "shop.md"
    doc.write_text(DOC)
    with pytest.raises(SchemadocError, match="nothing was applied"):
        schemadoc.up(doc, fresh_db)
    assert _tables(fresh_db) == {}


def test_fix_applies_what_it_can_and_says_what_it_left_out(tmp_path: Path, fresh_db: str) -> None:
    doc = tmp_path / "shop.md"
    doc.write_text(DOC)
    result = schemadoc.up(doc, fresh_db, fix=True)
    assert _tables(fresh_db) == {
        "items": ["id", "order_id"],
        "notes": ["id", "body"],
        "orders": ["id", "customer_id", "settings", "total"],  # the column of the dropped key stays
    }
    fixed = {d.code: d for d in result.fixed}
    assert fixed["SD104"].span is not None and fixed["SD104"].span.line == 6  # customers is not defined
    assert fixed["SD106"].span is not None and fixed["SD106"].span.line == 10
    assert fixed["SD108"].span is not None and fixed["SD108"].span.line == 11
    assert "SD105" in fixed  # orders(nosuch)
    # PostgreSQL rejected the json default: the table came up without its defaults and checks, said at its line
    left = [d for d in result.diagnostics if d.code == "SD080"]
    assert len(left) == 1 and left[0].span is not None and left[0].span.line == 4
    assert "table orders was created without its defaults and checks" in left[0].message
    assert "invalid input syntax for type json" in left[0].message
    with psycopg.connect(fresh_db) as conn:
        fks = conn.execute("SELECT count(*) FROM pg_constraint WHERE contype = 'f'").fetchone()
    assert fks == (0,)


def test_a_statement_postgresql_rejects_is_an_error_at_its_place_and_fix_leaves_it_out(fresh_db: str) -> None:
    doc = Path(__file__).parent / "golden" / "errors" / "missing-comma.md"
    with pytest.raises(SchemadocError, match="nothing was applied"):
        schemadoc.up(doc, fresh_db)
    assert _tables(fresh_db) == {}
    result = schemadoc.up(doc, fresh_db, fix=True)
    assert _tables(fresh_db) == {"customers": ["id", "name"]}
    (left,) = [d for d in result.fixed if d.code == "SD016"]
    assert left.span is not None and (left.span.line, left.span.col) == (9, 3)
    assert 'syntax error at or near "total"' in left.message


def test_a_doc_with_no_schema_is_refused(tmp_path: Path, fresh_db: str) -> None:
    doc = tmp_path / "notes.md"
    doc.write_text("# Notes\n\nWe keep users and orders in PostgreSQL.\n")
    for fix in (False, True):
        with pytest.raises(SchemadocError, match="1 error") as refused:
            schemadoc.up(doc, fresh_db, fix=fix)
        assert [d.code for d in refused.value.diagnostics if d.severity >= schemadoc.Severity.ERROR] == ["SD001"]
        assert "--fix" not in refused.value.message  # nothing a fix could do
