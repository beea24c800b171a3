"""What `check` says about documents that are wrong, exactly as a user reads it (message, line, caret, help,
fix), one golden file per case in tests/golden/errors/: a statement PostgreSQL rejects, objects the doc
never defines, a doc with no schema, a block in a format nothing reads, a Prisma model cut short."""

from __future__ import annotations

from pathlib import Path

import pytest

from schemadoc.cli import main

CASES = Path(__file__).parent / "golden" / "errors"


@pytest.mark.parametrize("doc", sorted(CASES.glob("*.md")), ids=lambda p: p.stem)
def test_check_output_golden(
    doc: Path, update_goldens: bool, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(CASES)  # paths in the output as the user typed them
    monkeypatch.setenv("NO_COLOR", "1")
    code = main(["check", doc.name])
    captured = capsys.readouterr()
    text = f"exit {code}\n{captured.out}{captured.err}"
    golden = doc.with_suffix(".check.txt")
    if update_goldens:
        golden.write_text(text)
    assert text == golden.read_text(), "check output changed; review and run pytest --update-goldens"
    assert "Traceback" not in text
