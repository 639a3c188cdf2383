"""The project's import graph, read statically: the one reader behind the layout tests.

Imports are read with ``ast``, including imports inside functions, so a cycle or a forbidden
dependency cannot hide behind a late import. ``from pkg import name`` counts as importing
``pkg.name`` when that is a module of the project (it depends on the submodule, not on
``pkg/__init__``). Imports under ``if TYPE_CHECKING:`` are annotations, not dependencies: left
out unless ``type_checking=True`` is asked for.
"""

from __future__ import annotations

import ast
from functools import lru_cache
from pathlib import Path

from tests.conftest import ROOT

PACKAGES = ("parity", "crawler")


@lru_cache(maxsize=1)
def project_modules() -> dict[str, Path]:
    """Dotted name → file, for every module of :data:`PACKAGES` (a package by its ``__init__``)."""
    found: dict[str, Path] = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


@lru_cache(maxsize=None)
def imports_of(module: str, type_checking: bool = False) -> frozenset[str]:
    """Every name ``module`` imports, anywhere in it, relative imports resolved."""
    path = project_modules()[module]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    is_package = path.name == "__init__.py"
    names: set[str] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child) and not type_checking:
                for sub in child.orelse:
                    visit(sub)
                continue
            if isinstance(child, ast.Import):
                names.update(alias.name for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    base = module.split(".") if is_package else module.split(".")[:-1]
                    base = base[: len(base) - (child.level - 1)]
                    target = ".".join([*base, child.module] if child.module else base)
                else:
                    target = child.module or ""
                for alias in child.names:
                    sub = f"{target}.{alias.name}"
                    names.add(sub if sub in project_modules() else target)
            visit(child)

    visit(tree)
    return frozenset(names)


def internal(name: str) -> str | None:
    """The project module an import name refers to (longest known prefix), or None."""
    modules = project_modules()
    parts = name.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in modules:
            return candidate
        parts.pop()
    return None


def import_graph(type_checking: bool = False) -> dict[str, set[str]]:
    """Module → the project modules it imports (itself left out)."""
    graph: dict[str, set[str]] = {}
    for module in project_modules():
        targets = {internal(name) for name in imports_of(module, type_checking)}
        graph[module] = {t for t in targets if t and t != module}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Import cycles found by a depth-first walk, each as a path that ends where it starts."""
    seen: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def dfs(node: str) -> None:
        seen[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if seen.get(nxt) == 1:
                found.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in seen:
                dfs(nxt)
        stack.pop()
        seen[node] = 2

    for module in sorted(graph):
        if module not in seen:
            dfs(module)
    return found
