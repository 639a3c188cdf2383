"""An article page's own text: its main region, trafilatura's extraction, and what to add when that misses.

trafilatura extracts the main text from the HTML text itself (its own parse keeps
its output exactly what it would be on its own; reusing our tree would save
~0.1 ms of 3–4 ms a page but feed it comments and a differently repaired tree).
When it returns little or one unbroken line, the page's main region read with
:func:`crawler.pages.text.element_text` is the fallback; event apps rendered in
the browser give their AppRegistry state; contact ``<address>`` blocks are added.
"""

from __future__ import annotations

import copy
import functools
import re
from typing import Any

import trafilatura
from trafilatura.settings import Extractor

from crawler.pages.appregistry import iter_states
from crawler.pages.text import element_text, html_to_text, normalize_space
from crawler.pages.tree import HtmlTree, Scope, ancestors, class_text, first, has_text, iter_tags, select_one, string_of
from crawler.pages.web.pagedates import in_chrome

#: Below this many characters trafilatura has probably missed the content
#: (event pages, pages whose text is a list of files); read the main region instead.
SHORT_TEXT = 300
#: Candidates for the page's main region, best first.
MAIN_SELECTORS = (
    "main",
    "[role=main]",
    "article",
    "#content",
    ".content-area",
    ".pagecontent",
    "#main",
    ".main-content",
)
#: AppRegistry state keys whose string values are content a reader sees.
_STATE_TEXT_KEYS = frozenset(
    {
        "title",
        "name",
        "heading",
        "header",
        "ingress",
        "preamble",
        "description",
        "summary",
        "text",
        "body",
        "formatted",
        "date",
        "time",
        "location",
        "locations",
        "adress",
        "address",
        "place",
        "venue",
        "fromDate",
        "toDate",
        "startDate",
        "endDate",
        "occasions",
        "dateRange",
        "metadata",
        "organizer",
    }
)


def main_region(document: HtmlTree) -> Scope:
    """The element holding the page's own content (first match of :data:`MAIN_SELECTORS`);
    else the body, else the whole document."""
    for selector in MAIN_SELECTORS:
        found = select_one(document, selector)
        if found is not None and has_text(found):
            return found
    body = first(document, "body")
    return body if body is not None else document


def _state_strings(node: Any, out: list[str], depth: int = 0, key: str | None = None) -> None:
    if depth > 6 or len(out) > 200:
        return
    if isinstance(node, dict):
        for name, value in node.items():
            if name in _STATE_TEXT_KEYS:
                _state_strings(value, out, depth + 1, name)
    elif isinstance(node, list):
        for value in node[:50]:
            _state_strings(value, out, depth + 1, key)
    elif isinstance(node, str) and key is not None:
        text = html_to_text(node) if "<" in node else normalize_space(node)
        if text and not re.fullmatch(r"[\d\-:., T]+", text):  # raw ISO values duplicate "formatted"
            out.append(text)


_CONTENT_NAME = re.compile(r"content|main|mitten", re.I)


def _state_text(document: HtmlTree) -> list[str]:
    """Readable strings of AppRegistry states placed in the page content (not header/footer)."""
    lines: list[str] = []
    for script in iter_tags(document, "script"):
        code = string_of(script) or ""
        if "registerInitialState" not in code or in_chrome(script):
            continue
        in_content = any(
            p.tag in ("main", "article")
            or p.get("role") == "main"
            or _CONTENT_NAME.search(class_text(p) + " " + (p.get("id") or ""))
            for p in ancestors(script)
            if p.tag not in ("html", "body")
        )
        if not in_content:
            continue
        for _portlet, state, _s, _e in iter_states(code):
            _state_strings(state, lines)
    return lines


#: How we call trafilatura.extract (besides the HTML and the URL).
_TRAFILATURA_ARGS: dict[str, Any] = {
    "favor_recall": True,
    "include_comments": False,
    "include_tables": True,
    "deduplicate": False,
}
_TRAFILATURA_OPTIONS = {
    "recall": True,
    "comments": False,
    "tables": True,
    "dedup": False,
}


@functools.lru_cache(maxsize=1)
def _options_template() -> Extractor | None:
    """trafilatura's options for :data:`_TRAFILATURA_ARGS`, built once.

    ``extract`` builds them on every call, reading its config's numbers through
    ConfigParser (~70 µs a page); a copy with the page's URL is the same
    object. None (build them per call) when a page's URL would change more than
    ``url`` and ``source``, checked here on a sample URL.
    """
    try:
        template = Extractor(**_TRAFILATURA_OPTIONS)
        sample = "https://www.exempelby.se/nyheter/a?b=1"
        return template if _same_options(_with_url(template, sample), Extractor(**_TRAFILATURA_OPTIONS, url=sample)) else None
    except Exception:  # noqa: BLE001 - an unexpected trafilatura version: use its own keyword path
        return None


def _with_url(template: Extractor, url: str) -> Extractor:
    options = copy.copy(template)
    options.url = url
    options.source = url.encode("utf-8", "replace").decode("utf-8")
    return options


def _same_options(a: Extractor, b: Extractor) -> bool:
    slots = [name for cls in type(a).__mro__ for name in getattr(cls, "__slots__", ())]
    return bool(slots) and all(getattr(a, name, None) == getattr(b, name, None) for name in slots)


def _trafilatura_text(html: str, url: str) -> str | None:
    template = _options_template()
    if template is None:
        return trafilatura.extract(html, url=url, **_TRAFILATURA_ARGS)  # type: ignore[no-any-return]
    return trafilatura.extract(html, url=url, options=_with_url(template, url))  # type: ignore[no-any-return]


def main_text(html: str, url: str, document: HtmlTree, region: Scope) -> str:
    """The page's text: trafilatura's, else (short or flattened) the main region's, plus what it missed."""
    extracted = _trafilatura_text(html, url) or ""
    text = extracted.strip()
    # Short, or one unbroken line (trafilatura's baseline fallback flattens paragraphs):
    # the main region read directly keeps both the content and its structure.
    if len(text) < SHORT_TEXT or "\n" not in text:
        fallback = element_text(region)
        if len(fallback) > len(text) or ("\n" not in text and len(fallback) >= 0.8 * len(text)):
            text = fallback
        if len(text) < SHORT_TEXT:
            # apps rendered in the browser: their state is the page's content
            lines = [text]
            _append_missing(lines, _state_text(document))
            text = "\n".join(line for line in lines if line)
    # Contact details are key facts the matcher checks; trafilatura drops <address>.
    lines = [text]
    _append_missing(lines, [element_text(a) for a in iter_tags(region, "address")])
    return "\n".join(line for line in lines if line).strip()


def _append_missing(lines: list[str], extra: list[str]) -> None:
    have = normalize_space(" ".join(lines)).lower()
    for item in extra:
        flat = normalize_space(item).lower()
        if flat and flat not in have:
            lines.append(item.strip())
            have += " " + flat


