"""One catalogue of diagnostics: every code the reader, the apply step, `check --live` and the lint rules
emit is registered with a name, a default severity and an explanation; each has a fixture that shows it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from schemadoc.lint import check
from schemadoc.lint.catalogue import entries, entry
from schemadoc.parse import LoadedDocument, load, loads

from .test_cli import run

SRC = Path(__file__).parent.parent / "src" / "schemadoc"
TESTS = Path(__file__).parent
FIXTURES = TESTS / "diagnostics"
# codes that guard against a state the reader no longer reaches; kept so a regression reports, not crashes
GUARDS = {
    "SD120": "a diagram relationship naming an entity with no table: every entity and Prisma model gets one",
}


# one of each finding the reader marks fixable by `up --fix`
FIXABLE = """# Shop

```sql
CREATE TABLE events (id bigint PRIMARY KEY, at timestamptz NOT NULL);
CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id));
CREATE INDEX carts_idx ON carts (id);
CREATE TRIGGER t1 BEFORE UPDATE ON carts FOR EACH ROW EXECUTE FUNCTION touch();
CREATE TRIGGER t2 BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION nowhere();
CREATE POLICY p ON carts USING (true);
CREATE TABLE broken (id bigint PRIMARY KEY name text);
```
"""


def load_text(text: str) -> LoadedDocument:
    return loads(text, "fixable.md")


def _emitted() -> set[str]:
    return {code for f in SRC.rglob("*.py") for code in re.findall(r"\"(SD\d{3})\"", f.read_text())}


def test_every_emitted_code_is_registered() -> None:
    registered = {e.code for e in entries()}
    assert _emitted() - registered == set()


def test_every_registered_code_has_a_fixture() -> None:
    shown = {
        code
        for f in TESTS.rglob("*")
        if f.is_file() and f.suffix in (".py", ".txt", ".md", ".json") and f.name != Path(__file__).name
        for code in re.findall(r"SD\d{3}", f.read_text(errors="ignore"))
    }
    shown |= {d.name for d in (TESTS / "lint").iterdir() if d.is_dir()}  # bad.md fires, good.md does not
    shown |= {p.stem for p in FIXTURES.glob("SD*.md")}  # each shows its code (the test below)
    missing = {e.code for e in entries()} - shown - set(GUARDS)
    assert missing == set(), f"registered codes no test or fixture shows: {sorted(missing)}"


@pytest.mark.parametrize("doc", sorted(FIXTURES.glob("SD*.md")), ids=lambda p: p.stem)
def test_each_fixture_shows_its_code(doc: Path) -> None:
    found = check(load(doc))
    assert doc.stem in {d.code for d in found}, [(d.code, d.message) for d in found]
    known = entry(doc.stem)
    assert known is not None and known.explanation


def test_rules_lists_every_code_and_rule_explains_each() -> None:
    listed = run("rules").stdout
    assert all(e.code in listed for e in entries())
    for code in ("SD001", "SD111", "SD351", "SD082", "SD301"):
        r = run("rule", code)
        assert r.returncode == 0 and r.stdout.startswith(code) and len(r.stdout) > 60, r.stdout
    assert run("rule", "no-schema").stdout.startswith("SD001 no-schema (error, reader)")
    assert run("rule", "SD999").returncode == 1


def test_each_rule_carries_its_fix() -> None:
    """One fix mechanism: every fix is a Fixer under a registered code, making text edits (`check --fix`),
    a model repair (`up --fix`) or both; a diagnostic the reader marks fixable has a repair for `up --fix`."""
    from schemadoc.lint.fixes import FIXERS, errors, repair

    registered = {e.code: e for e in entries()}
    for code, fixer in FIXERS.items():
        assert code in registered, code
        assert fixer.edits is not None or fixer.repair is not None, code
        assert registered[code].fix is not None and fixer.description in str(registered[code].fix)
    doc = load_text(FIXABLE)
    marked = [d for d in doc.diagnostics if d.fix is not None]
    assert {d.code for d in marked} == {"SD016", "SD104", "SD106", "SD107", "SD108", "SD109", "SD111"}
    for d in marked:
        fixer = FIXERS.get(d.code)
        assert fixer is not None and fixer.repair is not None, d.code
    schema, remaining, fixed = repair(doc.schema, list(doc.diagnostics))
    assert errors(remaining) == [] and len(fixed) == len(marked)
    events = schema.table("public.events")
    assert events is not None and events.partition_by == "RANGE (at)"
    assert events.primary_key is not None and events.primary_key.columns == ("id", "at")
    orders = schema.table("public.orders")
    assert orders is not None and orders.foreign_keys == () and orders.column("customer_id") is not None
    assert (schema.indexes, schema.triggers, schema.policies) == ((), (), ())
    both = run("rule", "SD111").stdout
    assert "fix: partition the parent" in both and "check --fix and up --fix" in both, both
    unsafe = run("rule", "SD320").stdout
    assert "(check --fix, with --unsafe-fixes)" in unsafe, unsafe
    assert "fix:" not in run("rule", "SD001").stdout
