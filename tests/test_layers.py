"""The package's import graph: no circles, and the foundation imports nothing above it.

Every `import` of an auteur module anywhere in a file counts, inside functions too: a late import
still ties the two files together.
"""

import ast
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FOUNDATION = "auteur.core"
INTERFACES = {"auteur.models.director": "auteur.models.", "auteur.models.renderer": "auteur.models."}


def modules() -> dict[str, Path]:
    package_dirs = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-dir"]
    found = {}
    for package, folder in package_dirs.items():
        for file in (ROOT / folder).glob("*.py"):
            found[package if file.stem == "__init__" else f"{package}.{file.stem}"] = file
    return found


def import_graph() -> dict[str, set[str]]:
    mods = modules()
    graph = {}
    for name, file in mods.items():
        deps = set()
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                deps.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                deps.update(f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in mods else node.module
                            for a in node.names)
        graph[name] = {d for d in deps if d in mods and d != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index, low, on_stack, stack, found, counter = {}, {}, set(), [], [], [0]

    def visit(root: str) -> None:
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter[0]; counter[0] += 1
        stack.append(root); on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        top = stack.pop(); on_stack.discard(top); component.append(top)
                        if top == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
            elif child not in index:
                index[child] = low[child] = counter[0]; counter[0] += 1
                stack.append(child); on_stack.add(child)
                work.append((child, iter(sorted(graph[child]))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])

    for name in sorted(graph):
        if name not in index:
            visit(name)
    return found


def test_the_walk_sees_the_whole_package():
    graph = import_graph()
    assert {"auteur.core.schema", "auteur.pipeline.graph", "auteur.pipeline.cli", "auteur.models.mot.model",
            "auteur.tools.editing.assemble", "auteur.tools.evaluation.score"} <= set(graph)
    assert "auteur.core.schema" in graph["auteur.pipeline.graph"]


def test_no_import_circles():
    assert cycles(import_graph()) == []


def test_the_cycle_finder_finds_a_circle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_the_foundation_imports_nothing_above_it():
    upward = {name: sorted(d for d in deps if not d.startswith(FOUNDATION))
              for name, deps in import_graph().items() if name.startswith(FOUNDATION)}
    assert {name: deps for name, deps in upward.items() if deps} == {}


@pytest.mark.parametrize("interface", sorted(INTERFACES))
def test_seam_interfaces_import_none_of_their_backends(interface):
    graph = import_graph()
    backends = sorted(d for d in graph[interface] if d.startswith(INTERFACES[interface]))
    assert backends == []
