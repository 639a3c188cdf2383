"""The layout is part of the design: these checks keep the folder tree reading as the pipeline.

    config → crawl → store → match → report → cli        (docs/architecture.md)

Imports are read statically by tests/support/imports.py (``ast``), including imports inside
functions, so a cycle or a forbidden dependency cannot hide behind a late import. Imports under
``if TYPE_CHECKING:`` are ignored: they are annotations, not dependencies.
"""

from __future__ import annotations

import pytest

from tests.conftest import ROOT
from tests.support.imports import cycles, import_graph, imports_of, project_modules

MAX_LINES = 400
#: generated tables, exempt from the size rule (say why in the module)
GENERATED = {"parity/match/calibration.py"}

#: layer → the layers it may import (besides itself). The dependency rule of docs/architecture.md.
ALLOWED: dict[str, set[str]] = {
    "parity": set(),  # the empty package __init__
    "parity.core": set(),
    "parity.config": {"parity.core"},
    "parity.store": {"parity.core", "parity.config"},
    "parity.distributed": {"parity.core"},  # what crawl workers share in Redis (no Scrapy): issue 14
    "parity.match": {"parity.core", "parity.config"},
    "crawler": {"parity.core", "parity.config", "parity.store", "parity.distributed"},
    "parity.report": {"parity.core", "parity.config", "parity.store"},
    "parity.demo": {"parity.core", "parity.config"},  # the demo world writes its config with the config's writer
    "parity.audit": {"parity.core", "parity.config", "parity.store", "parity.match", "parity.report", "crawler",
                     "parity.demo"},
    "parity.cli": {"parity.core", "parity.config", "parity.audit"},
}
#: crawler/pages: pure functions from bytes to records — no Scrapy, no network
PAGES_FORBIDDEN = ("scrapy", "twisted", "requests", "urllib.request", "http.client", "socket", "httpx", "aiohttp")


def _layer(module: str) -> str:
    for layer in sorted(ALLOWED, key=len, reverse=True):
        if module == layer or module.startswith(layer + "."):
            return layer
    raise AssertionError(f"{module}: in no layer of ALLOWED — add it to the dependency rule")


def test_no_module_is_over_the_size_limit() -> None:
    too_long = []
    for path in project_modules().values():
        rel = path.relative_to(ROOT).as_posix()
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_LINES and rel not in GENERATED:
            too_long.append(f"{rel}: {lines} lines")
    assert not too_long, "split these modules by job:\n" + "\n".join(too_long)


def test_no_import_cycle() -> None:
    # a package's __init__ importing its own submodules is how packages expose their API;
    # a cycle through __init__ is still a cycle when a submodule imports the package back
    found = cycles(import_graph())
    assert not found, "import cycles:\n" + "\n".join(" → ".join(c) for c in found[:10])


def test_every_import_follows_the_dependency_rule() -> None:
    wrong = []
    for module, targets in import_graph().items():
        layer = _layer(module)
        for target in sorted(targets):
            other = _layer(target)
            if other != layer and other not in ALLOWED[layer]:
                wrong.append(f"{module} → {target} ({layer} may not import {other})")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("module", sorted(m for m in project_modules() if m.startswith("crawler.pages")))
def test_page_objects_import_no_scrapy_or_network_code(module: str) -> None:
    bad = sorted(n for n in imports_of(module) if n.split(".")[0] in {p.split(".")[0] for p in PAGES_FORBIDDEN}
                 and any(n == p or n.startswith(p + ".") for p in PAGES_FORBIDDEN))
    assert not bad, f"{module} imports {bad}"
