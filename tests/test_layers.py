"""The architecture, enforced: pure layers never reach for a database, layers import only leftwards."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "schemadoc"

# errors <- model <- parse <- sql <- {introspect, database} <- {apply, migrate} <- cli; parse and sql need no database
PURE = ["errors.py", "model.py", "names.py", "types.py", "parse", "lint", "sql", "compare.py", "fixes.py"]
DATABASE_MODULES = {
    "psycopg",
    "schemadoc.server",
    "schemadoc.database",
    "schemadoc.apply",
    "schemadoc.introspect",
    "schemadoc.cli",
}


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


def _unit(module: str) -> str:
    """The part of schemadoc a module belongs to: its top-level module or subpackage."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def import_graph() -> dict[str, set[str]]:
    """unit -> the units it imports, counting imports inside functions too (a lazy import is still an arrow)."""
    graph: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(".__init__")
        me = _unit(module)
        arrows = graph.setdefault(me, set())
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("schemadoc"):
                targets = [f"schemadoc.{a.name}" for a in node.names] if node.module == "schemadoc" else [node.module]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names if a.name.startswith("schemadoc.")]
            else:
                continue
            arrows |= {_unit(t) for t in targets if _unit(t) not in (me, "schemadoc")}
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one unit (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_import_cycles_between_parts() -> None:
    """apply (up, drift) and migrate (plan) stand on database; neither part reaches back into the other."""
    graph = import_graph()
    assert _cycles(graph) == []
    assert not graph["database"] & {"apply", "migrate", "cli", "rest"}, graph["database"]
    assert "apply" not in graph["migrate"]


def test_the_cycle_check_can_fail() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
