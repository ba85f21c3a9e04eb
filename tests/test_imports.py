"""The package's module import graph, read with `ast`, has no cycles (function-local and TYPE_CHECKING
imports count too: a cycle hidden inside a function is still a cycle)."""

import ast
from pathlib import Path

import pytest

import llamo

ROOT = Path(llamo.__file__).parent


def module_name(path: Path) -> str:
    parts = ("llamo", *path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path, modules: set[str]) -> set[str]:
    """The llamo modules `path` imports anywhere in its body: `from .x import y` counts as llamo…x.y when that
    is a module, else as llamo…x (a package's __init__ included, since importing it runs it)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            target = ".".join(p for p in (base, node.module) if p)
            found |= {f"{target}.{a.name}" if f"{target}.{a.name}" in modules else target for a in node.names}
    return {m for m in found if m in modules and m != name}


def import_graph() -> dict[str, set[str]]:
    files = sorted(ROOT.rglob("*.py"))
    modules = {module_name(f) for f in files}
    return {module_name(f): imported_modules(f, modules) for f in files}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle as [a, b, ..., a], or None; depth-first search with an explicit path."""
    state: dict[str, str] = {}  # module → "open" while on the path, "done" after

    def visit(node: str, path: list[str]) -> list[str] | None:
        state[node] = "open"
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (cycle := visit(nxt, [*path, nxt])):
                return cycle
        state[node] = "done"
        return None

    for start in sorted(graph):
        if start not in state and (cycle := visit(start, [start])):
            return cycle
    return None


def test_the_graph_sees_the_package():
    graph = import_graph()
    assert len(graph) > 50 and "llamo.model.llamo" in graph
    assert "llamo.model.configuration" in graph["llamo.model.llamo"]


def test_no_import_cycles():
    graph = import_graph()
    assert find_cycle(graph) is None, f"import cycle: {' → '.join(find_cycle(graph))}"


@pytest.mark.parametrize("graph, cycle", [
    ({"a": {"b"}, "b": {"a"}}, ["a", "b", "a"]),
    ({"a": {"b"}, "b": {"c"}, "c": {"b"}}, ["b", "c", "b"]),
    ({"a": {"b"}, "b": set()}, None),
])
def test_find_cycle(graph, cycle):
    assert find_cycle(graph) == cycle
