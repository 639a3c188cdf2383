"""The links of an HTML page: feeds it advertises, documents it offers, everything it links."""

from __future__ import annotations

from typing import Any

from bs4 import Tag

from crawler.pages.appregistry import iter_states
from crawler.pages.linkutil import absolute, document_type, rel_values
from crawler.pages.text import normalize_space, tree_label_text
from crawler.pages.tree import Document, Element, Scope, first, iter_tags, string_of
from crawler.pages.types import DocumentLink

_FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
    "application/json",
    "application/rdf+xml",
)


class Resolver:
    """:func:`absolute` against one page's base, once per distinct ``href`` (menus repeat them)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self._cache: dict[str, str | None] = {}

    def __call__(self, href: str) -> str | None:
        try:
            return self._cache[href]
        except KeyError:
            url = self._cache[href] = absolute(self.base, href)
            return url


def _anchors(scope: Scope) -> list[Element]:
    return [a for a in iter_tags(scope, "a") if a.get("href") is not None]


def document_links(document: Document, resolve: Resolver) -> tuple[DocumentLink, ...]:
    """Links to files (PDF, Word, …) with the text a sighted reader sees, then AppRegistry file lists.

    ``document``: a :func:`crawler.pages.tree.parse_html` tree.
    """
    seen: dict[str, DocumentLink] = {}
    for anchor in _anchors(document):
        url = resolve(anchor.get("href") or "")
        if not url:
            continue
        kind = document_type(url, anchor.get("type") or "")
        if kind and url not in seen:
            text = tree_label_text(anchor) or normalize_space(anchor.get("title") or "") or url.rsplit("/", 1)[-1]
            seen[url] = DocumentLink(url=url, text=text, type=kind)
    # Sitevision file-share apps list their files only in AppRegistry JSON.
    for script in iter_tags(document, "script"):
        code = string_of(script) or ""
        if "registerInitialState" not in code or '"files"' not in code:
            continue
        for _portlet, state, _s, _e in iter_states(code):
            files = state.get("files") if isinstance(state, dict) else None
            for item in files if isinstance(files, list) else []:
                if not isinstance(item, dict):
                    continue
                url = absolute(resolve.base, item.get("url") or item.get("uri"))
                kind = document_type(url or "", item.get("mimeType")) if url else None
                if url and kind and url not in seen:
                    seen[url] = DocumentLink(url=url, text=normalize_space(str(item.get("name") or "")), type=kind)
    return tuple(seen.values())


def all_links(document: Document, resolve: Resolver) -> tuple[str, ...]:
    """Every http(s) link in the body, absolute, without fragments, first occurrence first."""
    seen: dict[str, None] = {}
    body = first(document, "body")
    for anchor in _anchors(body if body is not None else document):
        url = resolve(anchor.get("href") or "")
        if url:
            seen.setdefault(url, None)
    return tuple(seen)


def feed_urls(doc: Any, base: str) -> tuple[str, ...]:
    """``<link rel=alternate>`` RSS/Atom/JSON Feed URLs: the first thing to try on a site.

    ``doc``: a BeautifulSoup document or a :func:`crawler.pages.tree.parse_html` tree.
    """
    if isinstance(doc, Tag):
        links = doc.find_all("link", href=True)
    else:
        links = [link for link in iter_tags(doc, "link") if link.get("href") is not None]
    seen: dict[str, None] = {}
    for link in links:
        rels = rel_values(link)
        kind = str(link.get("type") or "").lower().split(";")[0].strip()
        if "alternate" in rels and kind in _FEED_TYPES:
            url = absolute(base, str(link.get("href")))
            if url:
                seen.setdefault(url, None)
    return tuple(seen)
