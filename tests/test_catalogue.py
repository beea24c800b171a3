"""One catalogue of diagnostics: every code the reader, the apply step, `check --live` and the lint rules
emit is registered with a name, a default severity and an explanation; each has a fixture that shows it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from schemadoc.lint import check
from schemadoc.lint.catalogue import entries, entry
from schemadoc.parse import load

from .test_cli import run

SRC = Path(__file__).parent.parent / "src" / "schemadoc"
TESTS = Path(__file__).parent
FIXTURES = TESTS / "diagnostics"
# codes that guard against a state the reader no longer reaches; kept so a regression reports, not crashes
GUARDS = {
    "SD120": "a diagram relationship naming an entity with no table: every entity and Prisma model gets one",
}


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
