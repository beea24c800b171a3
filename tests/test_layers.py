"""The architecture, enforced: pure layers never reach for a database, layers import only leftwards."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "schemadoc"

# errors <- model <- parse <- sql <- {introspect, apply} <- cli; parse and sql need no database
PURE = ["errors.py", "model.py", "names.py", "types.py", "parse", "lint", "sql", "compare.py", "fixes.py"]
DATABASE_MODULES = {"psycopg", "schemadoc.server", "schemadoc.apply", "schemadoc.introspect", "schemadoc.cli"}


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_pure_layers_do_not_touch_the_database() -> None:
    checked = 0
    for entry in PURE:
        target = PACKAGE / entry
        for path in [target] if target.is_file() else sorted(target.rglob("*.py")):
            bad = {i for i in imports_of(path) if any(i == d or i.startswith(d + ".") for d in DATABASE_MODULES)}
            assert not bad, f"{path.relative_to(PACKAGE)} imports {sorted(bad)}"
            checked += 1
    assert checked >= 15


def test_nothing_imports_the_cli() -> None:
    for path in PACKAGE.rglob("*.py"):
        if path.name != "cli.py":
            assert "schemadoc.cli" not in imports_of(path), path
