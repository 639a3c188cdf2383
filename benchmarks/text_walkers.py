"""HTML → text walkers compared: same output as the page objects' fixtures, and how fast.

    .venv/bin/python benchmarks/text_walkers.py [--rounds 5] [--base 25dda24]

Why: the page objects once had two walkers with the same rules, one over the lxml
tree the article page object parses, one over BeautifulSoup (issue 10 §6). This
script is the measurement behind keeping one. Candidates, each on the same pages:

* **lxml walker** — :func:`crawler.pages.text.element_text` (the one kept) over
  :func:`crawler.pages.tree.parse_html`'s tree: the baseline (ratio 1.00);
* **BeautifulSoup walker** — the same rules over a ``BeautifulSoup(html, "lxml")``
  tree, as ``html_to_text`` walked it until the change; its code is read from git
  history (``--base``, default the last commit that had it), so no copy lives here;
* **html-text** (PyPI ``html-text``, if installed) — ``extract_text`` (its cleaner +
  walker) and ``etree_to_text`` (walker only) over an ``lxml.html`` tree.

Pages: the article fixtures (``tests/fixtures/article``), the real pages in
``../shared/reference/web/`` and 20 pages of the crawl benchmark's generated site;
fragments: every entry's HTML in the feed fixtures (what social-feed and feed
page objects convert). Equality is exact string equality with the baseline,
on the whole document, on the article's main region (its fallback text) and on
each fragment; "fixture fields" runs the article fixtures with the candidate in
place of the walker and counts fields that no longer meet ``expected.json``.
Times are the median of ``--rounds`` passes, the parse of each tree counted
separately (the article page object has its lxml tree already; a BeautifulSoup
or ``lxml.html`` tree would be a second parse).
"""

from __future__ import annotations

import argparse
import ast
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import feedparser  # noqa: E402
from bs4 import BeautifulSoup, Tag  # noqa: E402
from bs4.element import Comment, NavigableString  # noqa: E402

from crawler.pages import text as text_module  # noqa: E402
from crawler.pages.tree import parse_html, top_level  # noqa: E402
from crawler.pages.web.article import extract_article  # noqa: E402
from crawler.pages.web.main_text import main_region  # noqa: E402
from crawler.pages.page_input import PageInput  # noqa: E402
from tests.pages.harness import load_cases, jsonable, mismatch  # noqa: E402

SHARED = ROOT.parent / "shared"
element_text = text_module.element_text

# --- the BeautifulSoup walker, from history ------------------------------------------------------------------

_BS_NAMES = {"DROP_TAGS", "_PARAGRAPH_TAGS", "_LINE_TAGS", "_CELL_TAGS", "_BLANK_LINES", "_walk", "_assemble",
             "normalize_space", "html_to_text"}


def bs_walker(base: str) -> Callable[[Any], str] | None:
    """``html_to_text`` over BeautifulSoup as it was at ``base`` (None when git cannot show it)."""
    try:
        source = subprocess.run(["git", "show", f"{base}:crawler/pages/text.py"], cwd=ROOT, check=True,
                                capture_output=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    tree = ast.parse(source)
    keep = [node for node in tree.body
            if (isinstance(node, ast.FunctionDef) and node.name in _BS_NAMES)
            or (isinstance(node, ast.Assign) and any(getattr(t, "id", "") in _BS_NAMES for t in node.targets))]
    namespace: dict[str, Any] = {"re": re, "Any": Any, "BeautifulSoup": BeautifulSoup, "Tag": Tag,
                                 "Comment": Comment, "NavigableString": NavigableString}
    exec(compile(ast.Module(body=keep, type_ignores=[]), f"{base}:crawler/pages/text.py", "exec"), namespace)
    return namespace["html_to_text"]  # type: ignore[no-any-return]


def html_text_module() -> Any:
    try:
        import html_text  # type: ignore[import-not-found]
    except ImportError:
        return None
    return html_text


# --- corpus ----------------------------------------------------------------------------------------------------


def article_pages() -> list[tuple[str, str, Any, bytes]]:
    """``(name, url, headers, body)`` of the article fixtures, the reference pages and generated pages."""
    pages = []
    for case in load_cases():
        if case.page_type == "article":
            pages.append((case.id, case.meta["url"], case.meta.get("headers"), case.body_path(SHARED).read_bytes()))
    for path in sorted((SHARED / "reference" / "web").rglob("*.html")):
        pages.append((f"reference/{path.name}", f"https://example.se/{path.name}", None, path.read_bytes()))
    from crawl_site import GeneratedSite

    site = GeneratedSite(20)
    for number in range(1, 21):
        body = site.page_html("http://127.0.0.1:8000", number).encode("utf-8")
        pages.append((f"generated/nyhet-{number}", f"http://127.0.0.1:8000/nyheter/nyhet-{number}", None, body))
    return pages


def fragments() -> list[str]:
    """Every entry's content and summary HTML in the feed fixtures."""
    found = []
    for case in load_cases():
        if case.page_type != "feed":
            continue
        parsed = feedparser.parse(case.body_path(SHARED).read_bytes())
        for entry in parsed.get("entries") or []:
            found += [str(part.get("value") or "") for part in entry.get("content") or []]
            found.append(str(entry.get("summary") or ""))
    return [f for f in found if f.strip()]


# --- the same element in another tree ---------------------------------------------------------------------------


def element_path(el: Any) -> list[int]:
    """Indices among element children from the top of the document down to ``el``."""
    path = []
    while el.getparent() is not None:
        parent = el.getparent()
        path.append([c for c in parent if isinstance(c.tag, str)].index(el))
        el = parent
    tops = [t for t in top_level(el.getroottree()) if isinstance(t.tag, str)]
    path.append(tops.index(el))
    return path[::-1]


def soup_at(soup: BeautifulSoup, path: list[int]) -> Tag:
    node: Any = soup
    for index in path:
        node = [c for c in node.children if isinstance(c, Tag)][index]
    return node  # type: ignore[no-any-return]


def lxml_html_at(root: Any, path: list[int]) -> Any:
    node = [t for t in top_level(root.getroottree()) if isinstance(t.tag, str)][path[0]]
    for index in path[1:]:
        node = [c for c in node if isinstance(c.tag, str)][index]
    return node


# --- runs ----------------------------------------------------------------------------------------------------------


def timed(function: Callable[[], Any], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--base", default="25dda24", help="commit whose text.py still had the BeautifulSoup walker")
    args = parser.parse_args()
    bs_html_to_text = bs_walker(args.base)
    ht = html_text_module()

    docs = []
    for name, url, headers, body in article_pages():
        html = PageInput(url, headers, body).text
        root = parse_html(html)
        if root is None or not html.strip():
            continue
        document = root.getroottree()
        docs.append((name, html, document, element_path(main_region(document)) if main_region(document) is not
                     document else None))
    frags = fragments()
    print(f"corpus: {len(docs)} pages ({sum(len(d[1]) for d in docs) / 1e6:.2f} M characters), "
          f"{len(frags)} feed fragments; rounds {args.rounds}")

    # trees, parsed once for the walk-only times
    lxml_trees = [d[2] for d in docs]
    soups = [BeautifulSoup(d[1], "lxml") for d in docs] if bs_html_to_text else []
    ht_trees = [ht.parse_html(d[1]) for d in docs] if ht else []

    def regions_lxml() -> list[Any]:
        return [main_region(d[2]) for d in docs]

    rows: list[tuple[str, float, float, str, str, str]] = []
    base_docs = [element_text(t) for t in lxml_trees]
    base_regions = [element_text(r) for r in regions_lxml()]
    base_frags = [element_text_of_fragment(f) for f in frags]

    def equal(outputs: list[str], reference: list[str]) -> str:
        return f"{sum(a == b for a, b in zip(outputs, reference, strict=True))}/{len(reference)}"

    walk = timed(lambda: [element_text(t) for t in lxml_trees], args.rounds)
    parse = timed(lambda: [parse_html(d[1]) for d in docs], args.rounds)
    fragment_time = timed(lambda: [element_text_of_fragment(f) for f in frags], args.rounds)
    rows.append(("lxml walker (kept)", walk, parse + walk, "baseline", "baseline", "baseline"))
    base_walk, base_total, base_fragments = walk, parse + walk, fragment_time
    fragment_times = {"lxml walker (kept)": fragment_time}

    if bs_html_to_text:
        docs_out = [bs_html_to_text(s) for s in soups]
        regions_out = [bs_html_to_text(soup_at(s, d[3])) if d[3] else bs_html_to_text(s) for s, d in zip(soups, docs)]
        walk = timed(lambda: [bs_html_to_text(s) for s in soups], args.rounds)
        parse = timed(lambda: [BeautifulSoup(d[1], "lxml") for d in docs], args.rounds)
        fragment_times["BeautifulSoup walker"] = timed(lambda: [bs_html_to_text(f) for f in frags], args.rounds)
        rows.append(("BeautifulSoup walker", walk, parse + walk, equal(docs_out, base_docs),
                     equal(regions_out, base_regions), equal([bs_html_to_text(f) for f in frags], base_frags)))
    if ht:
        for label, function in (("html-text extract_text", ht.extract_text), ("html-text etree_to_text", ht.etree_to_text)):
            docs_out = [function(t) for t in ht_trees]
            regions_out = [function(lxml_html_at(t, d[3])) if d[3] else function(t) for t, d in zip(ht_trees, docs)]
            walk = timed(lambda function=function: [function(t) for t in ht_trees], args.rounds)
            parse = timed(lambda: [ht.parse_html(d[1]) for d in docs], args.rounds)
            fragment_times[label] = timed(lambda function=function: [function(ht.parse_html(f)) for f in frags],
                                          args.rounds)
            frag_out = [function(ht.parse_html(f)) for f in frags]
            rows.append((label, walk, parse + walk, equal(docs_out, base_docs), equal(regions_out, base_regions),
                         equal(frag_out, base_frags)))

    fields = fixture_fields(bs_html_to_text, ht)
    print(f"\n{'candidate':26} {'walk ms/page':>12} {'ratio':>6} {'parse+walk':>11} {'ratio':>6} "
          f"{'fragments ms':>12} {'ratio':>6}  {'=document':>9} {'=region':>8} {'=fragment':>9}  fixture fields failing")
    for label, walk, total, same_doc, same_region, same_frag in rows:
        per = 1000 / len(docs)
        frag_ms = fragment_times[label] * 1000
        print(f"{label:26} {walk * per:12.3f} {walk / base_walk:6.2f} {total * per:11.3f} {total / base_total:6.2f} "
              f"{frag_ms:12.2f} {fragment_times[label] / base_fragments:6.2f}  {same_doc:>9} {same_region:>8} "
              f"{same_frag:>9}  {fields.get(label, '-')}")
    if not bs_html_to_text:
        print(f"(BeautifulSoup walker: git could not show {args.base}:crawler/pages/text.py)")
    if not ht:
        print("(html-text is not installed: pip install html-text to measure it)")


def element_text_of_fragment(fragment: str) -> str:
    return text_module.html_to_text(fragment)


def fixture_fields(bs_html_to_text: Callable[[Any], str] | None, ht: Any) -> dict[str, str]:
    """Per candidate: article fixture fields that fail ``expected.json`` with the candidate as the walker."""
    cases = [c for c in load_cases() if c.page_type == "article"]
    candidates: dict[str, Callable[[Any], str]] = {"lxml walker (kept)": element_text}
    current: dict[str, Any] = {}  # the page being extracted, and its other trees by builder

    def other_tree(el: Any, build: Callable[[str], Any]) -> Any:
        if build not in current:
            current[build] = build(current["html"])
        return current[build]

    def soup(html: str) -> BeautifulSoup:
        return BeautifulSoup(html, "lxml")

    if bs_html_to_text:
        candidates["BeautifulSoup walker"] = lambda el: bs_html_to_text(
            soup_at(other_tree(el, soup), element_path(el)))
    if ht:
        candidates["html-text extract_text"] = lambda el: ht.extract_text(
            lxml_html_at(other_tree(el, ht.parse_html), element_path(el)))
        candidates["html-text etree_to_text"] = lambda el: ht.etree_to_text(
            lxml_html_at(other_tree(el, ht.parse_html), element_path(el)))
    results = {}
    for label, candidate in candidates.items():
        failing = []
        with replaced(element_text, candidate):
            for case in cases:
                page = PageInput(case.meta["url"], case.meta.get("headers"), case.body_path(SHARED).read_bytes())
                current.clear()
                current["html"] = page.text
                try:
                    actual = jsonable(extract_article(page))
                except Exception as exc:  # noqa: BLE001 - a PageError is an output too
                    actual = {"error": str(exc)}
                for field, want in case.expected.items():
                    if mismatch(want, actual.get(field)):
                        failing.append(f"{case.name}.{field}")
        results[label] = f"{len(failing)}" + (f" ({', '.join(failing[:6])}{' …' if len(failing) > 6 else ''})"
                                                if failing else "")
    return results


class replaced:
    """Every module of ``crawler.pages`` that imported ``old`` by name sees ``new`` inside the block."""

    def __init__(self, old: Callable[..., Any], new: Callable[..., Any]) -> None:
        self.old, self.new, self.patched = old, new, []

    def __enter__(self) -> None:
        for name, module in list(sys.modules.items()):
            if name.startswith("crawler.pages"):
                for attr, value in list(vars(module).items()):
                    if value is self.old:
                        setattr(module, attr, self.new)
                        self.patched.append((module, attr))

    def __exit__(self, *exc: object) -> None:
        for module, attr in self.patched:
            setattr(module, attr, self.old)


if __name__ == "__main__":
    main()
