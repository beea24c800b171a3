"""The architecture, enforced: pure layers never reach for a database, parts import only downwards."""

from __future__ import annotations

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "schemadoc"

# The declared order of schemadoc's parts, lowest first: a part imports only parts on lower rows.
LAYERS = [
    {"errors", "names", "graph"},
    {"types", "model", "config", "report"},
    {"platforms"},
    {"parse"},
    {"sql", "lint", "introspect"},
    {"servers"},
    {"migrate"},
    {"docs"},
    {"seed", "admin"},
    {"kv"},
    {"rest"},
    {"project"},
    {"commands"},
    {"cli", "schemadoc"},
]
# parse, lint, sql and the comparison need no database
PURE = [
    "errors.py",
    "graph.py",
    "model.py",
    "names.py",
    "types.py",
    "parse",
    "lint",
    "sql",
    "docs",
    "migrate/compare.py",
]
DATABASE_MODULES = {
    "psycopg",
    "schemadoc.servers",
    "schemadoc.migrate.up",
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
    checked = 0
    for path in PACKAGE.rglob("*.py"):
        if path.relative_to(PACKAGE).parts[0] != "cli":
            cli = {i for i in imports_of(path) if i == "schemadoc.cli" or i.startswith("schemadoc.cli.")}
            assert not cli, path
            checked += 1
    assert checked >= 100


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
            arrows |= {_unit(t) for t in targets if _unit(t) not in (me, "schemadoc", "__version__")}
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
    graph = import_graph()
    assert _cycles(graph) == []


def _against_the_order(graph: dict[str, set[str]]) -> list[str]:
    row = {unit: i for i, units in enumerate(LAYERS) for unit in units}
    return sorted(f"{a} -> {b}" for a, targets in graph.items() for b in targets if row[b] >= row[a])


def test_parts_import_only_downwards() -> None:
    """Every part is on a row of LAYERS (a new top-level module or package must be placed there), and every
    arrow (lazy imports counted) goes to a lower row: up/drift and plan stand on the database layer, the REST
    API on keyspaces, nothing below the CLI reaches up into it."""
    graph = import_graph()
    declared = set().union(*LAYERS)
    assert set(graph) <= declared, f"not placed in LAYERS: {sorted(set(graph) - declared)}"
    assert _against_the_order(graph) == []


def test_the_order_check_can_fail() -> None:
    assert _against_the_order({"sql": {"servers"}, "servers": {"sql"}}) == ["sql -> servers"]


def test_the_cycle_check_can_fail() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_every_module_says_what_it_owns_and_stays_small() -> None:
    """A module opens with a docstring saying what it owns, and stays around 600 lines (650 at most): past
    that it holds two concerns, and the tree stops showing the design."""
    too_long, undocumented = [], []
    for path in sorted(PACKAGE.rglob("*.py")):
        text = path.read_text()
        if not ast.get_docstring(ast.parse(text)):
            undocumented.append(str(path.relative_to(PACKAGE)))
        if len(text.splitlines()) > 650:
            too_long.append(f"{path.relative_to(PACKAGE)} ({len(text.splitlines())} lines)")
    assert not undocumented, undocumented
    assert not too_long, too_long


def test_one_literal_quoter() -> None:
    """Text becomes a SQL string literal in one place (names.quote_literal); a second hand-written quoter is
    where a missed quote slips in."""
    pattern = re.compile(r"""\.replace\(\s*["']'["']\s*,\s*["']''["']\s*\)""")
    found = [
        f"{path.relative_to(PACKAGE)}:{no}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.name != "names.py"
        for no, line in enumerate(path.read_text().splitlines(), 1)
        if pattern.search(line)
    ]
    assert found == []
    assert pattern.search("""x = "'" + t.replace("'", "''") + "'" """)  # the check can fail


def test_lint_rules_read_nothing_from_disk() -> None:
    """A rule reads the document as loaded (its configuration came with it), never a file of its own."""
    found = [
        f"{path.relative_to(PACKAGE)}: {word}"
        for path in sorted((PACKAGE / "lint").glob("*.py"))
        for word in ("find_config", "open(", "read_text", "read_bytes")
        if word in path.read_text()
    ]
    assert found == []
