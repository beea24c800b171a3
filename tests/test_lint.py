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
