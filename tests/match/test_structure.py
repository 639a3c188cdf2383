"""The shape of parity.match: no import cycle, no reach into later stages, small modules, and
feature names written only in the registry (parity.match.features)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MATCH = ROOT / "parity" / "match"
FORBIDDEN = ("crawler", "parity.report", "parity.cli", "parity.audit")  # later stages (dependency rule)


def _module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(MATCH.rglob("*.py"))}


def _imports(path: Path, modules: dict[str, Path]) -> set[str]:
    """Every module ``path`` imports, anywhere in it (functions and TYPE_CHECKING blocks too);
    ``from pkg import name`` counts as importing ``pkg.name`` when that is a module."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                out.add(sub if sub in modules else base)
    return out


def test_no_import_cycle_inside_parity_match() -> None:
    modules = _modules()
    graph = {m: {i for i in _imports(p, modules) if i in modules and i != m} for m, p in modules.items()}
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(m: str) -> None:
        state[m] = 1
        path.append(m)
        for nxt in sorted(graph[m]):
            if state.get(nxt) == 1:
                pytest.fail("import cycle: " + " → ".join(path[path.index(nxt):] + [nxt]))
            if nxt not in state:
                visit(nxt)
        path.pop()
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m)


def test_match_imports_nothing_from_later_stages() -> None:
    modules = _modules()
    bad = sorted(
        f"{m} imports {i}" for m, p in modules.items() for i in _imports(p, modules)
        if any(i == f or i.startswith(f + ".") for f in FORBIDDEN)
    )
    assert bad == []


def test_no_module_over_400_lines() -> None:
    long = {m: n for m, p in _modules().items()
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 400 and not m.endswith(".calibration")}
    assert long == {}


def test_feature_names_are_written_only_in_the_registry() -> None:
    from parity.match.features import F

    names = {f.value for f in F}
    files = [p for p in MATCH.rglob("*.py") if p.name != "features.py"] + sorted((ROOT / "benchmarks").glob("match_*.py"))
    bare = sorted(
        f"{p.relative_to(ROOT)}:{node.lineno}: {node.value!r}"
        for p in files for node in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in names
    )
    assert bare == []
