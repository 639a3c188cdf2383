"""The shape of parity.match: no reach into later stages, and feature names written only in the
registry (parity.match.features). No import cycle and no module over 400 lines: tests/test_layout.py,
for every package."""

from __future__ import annotations

import ast

from tests.conftest import ROOT
from tests.support.imports import imports_of, project_modules

MATCH = ROOT / "parity" / "match"
FORBIDDEN = ("crawler", "parity.report", "parity.cli", "parity.audit")  # later stages (dependency rule)


def test_match_imports_nothing_from_later_stages() -> None:
    """Type-only imports count here too: the matcher must not even name a later stage's types."""
    bad = sorted(
        f"{m} imports {i}" for m in project_modules() if m == "parity.match" or m.startswith("parity.match.")
        for i in imports_of(m, type_checking=True)
        if any(i == f or i.startswith(f + ".") for f in FORBIDDEN)
    )
    assert bad == []


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
