"""``crawler/pages`` imports no Scrapy, Twisted or network code (issue 10), checked two ways.

Page objects are pure functions of a stored response; a network or reactor import
would make them untestable on fixtures and unusable outside a crawl. The first
test reads every module's import statements (ast, so a lazy import inside a
function counts too); the second imports every module in a fresh interpreter and
looks at what got loaded (third-party libraries included).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PAGES = Path(__file__).resolve().parents[2] / "crawler" / "pages"
#: Top-level modules a page object may not import: Scrapy and its reactor, HTTP clients, sockets.
FORBIDDEN = frozenset(
    {"scrapy", "twisted", "requests", "socket", "urllib3", "http", "httpx", "aiohttp", "ssl", "asyncio", "selectors"}
)
#: ``urllib.request`` fetches; ``urllib.parse`` is only string handling.
FORBIDDEN_SUBMODULES = frozenset({"urllib.request", "urllib.robotparser"})
#: Inside this project, only these may be imported: the page objects themselves and the core records/rules.
ALLOWED_OWN = ("crawler.pages", "parity.core")


def _modules() -> list[Path]:
    return sorted(PAGES.rglob("*.py"))


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: inside crawler.pages by construction
                continue
            module = node.module or ""
            found.append((node.lineno, module))
            found.extend((node.lineno, f"{module}.{alias.name}") for alias in node.names)
    return found


def _violation(name: str) -> str | None:
    top = name.split(".")[0]
    if top in FORBIDDEN:
        return "network or Scrapy module"
    if any(name == sub or name.startswith(sub + ".") for sub in FORBIDDEN_SUBMODULES):
        return "network module"
    if top in ("crawler", "parity") and not name.startswith(ALLOWED_OWN) and name not in ("crawler", "parity"):
        return "project module outside crawler.pages and parity.core (spiders, store, CLI pull Scrapy/network in)"
    return None


def test_every_page_module_is_found() -> None:
    names = {p.relative_to(PAGES).as_posix() for p in _modules()}
    assert {"page_input.py", "text.py", "web/article.py", "social/mastodon.py"} <= names


@pytest.mark.parametrize("path", _modules(), ids=lambda p: p.relative_to(PAGES).as_posix())
def test_page_module_imports_no_network_code(path: Path) -> None:
    bad = [f"line {line}: {name} ({why})" for line, name in _imports(path) if (why := _violation(name))]
    assert not bad, f"{path.relative_to(PAGES.parent.parent)} imports " + "; ".join(bad)


def test_the_check_catches_what_it_is_for() -> None:
    """The rule would fail a module that imports Scrapy, requests, a socket or a spider."""
    for name in ("scrapy.http", "twisted.internet.reactor", "requests", "socket", "urllib.request",
                 "crawler.spiders.web", "parity.store"):
        assert _violation(name), name
    for name in ("urllib.parse", "lxml.etree", "crawler.pages.tree", "parity.core.records", "bs4"):
        assert _violation(name) is None, name


def test_importing_every_page_module_loads_no_scrapy_or_twisted() -> None:
    modules = [
        "crawler.pages." + p.relative_to(PAGES).with_suffix("").as_posix().replace("/", ".").removesuffix(".__init__")
        for p in _modules()
    ]
    code = (
        f"import importlib, sys\nfor m in {modules!r}: importlib.import_module(m.removesuffix('.__init__'))\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('scrapy', 'twisted'))\n"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
