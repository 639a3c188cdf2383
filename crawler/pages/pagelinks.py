"""The links of an HTML page: feeds it advertises, documents it offers, everything it links."""

from __future__ import annotations

from bs4 import BeautifulSoup

from crawler.pages.appregistry import iter_states
from crawler.pages.linkutil import absolute, attr_text, document_type, rel_values
from crawler.pages.text import label_text, normalize_space
from crawler.pages.types import DocumentLink

_FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
    "application/json",
    "application/rdf+xml",
)


def document_links(soup: BeautifulSoup, base: str) -> tuple[DocumentLink, ...]:
    """Links to files (PDF, Word, …) with the text a sighted reader sees, then AppRegistry file lists."""
    seen: dict[str, DocumentLink] = {}
    for anchor in soup.find_all("a", href=True):
        url = absolute(base, str(anchor["href"]))
        if not url:
            continue
        kind = document_type(url, attr_text(anchor.get("type")))
        if kind and url not in seen:
            text = label_text(anchor) or normalize_space(attr_text(anchor.get("title"))) or url.rsplit("/", 1)[-1]
            seen[url] = DocumentLink(url=url, text=text, type=kind)
    # Sitevision file-share apps list their files only in AppRegistry JSON.
    for script in soup.find_all("script"):
        code = script.string or ""
        if "registerInitialState" not in code or '"files"' not in code:
            continue
        for _portlet, state, _s, _e in iter_states(code):
            files = state.get("files") if isinstance(state, dict) else None
            for item in files if isinstance(files, list) else []:
                if not isinstance(item, dict):
                    continue
                url = absolute(base, item.get("url") or item.get("uri"))
                kind = document_type(url or "", item.get("mimeType")) if url else None
                if url and kind and url not in seen:
                    seen[url] = DocumentLink(url=url, text=normalize_space(str(item.get("name") or "")), type=kind)
    return tuple(seen.values())


def all_links(soup: BeautifulSoup, base: str) -> tuple[str, ...]:
    """Every http(s) link in the body, absolute, without fragments, first occurrence first."""
    seen: dict[str, None] = {}
    for anchor in (soup.body or soup).find_all("a", href=True):
        url = absolute(base, str(anchor["href"]))
        if url:
            seen.setdefault(url, None)
    return tuple(seen)


def feed_urls(soup: BeautifulSoup, base: str) -> tuple[str, ...]:
    """``<link rel=alternate>`` RSS/Atom/JSON Feed URLs: the first thing to try on a site."""
    seen: dict[str, None] = {}
    for link in soup.find_all("link", href=True):
        rels = rel_values(link)
        kind = str(link.get("type") or "").lower().split(";")[0].strip()
        if "alternate" in rels and kind in _FEED_TYPES:
            url = absolute(base, str(link["href"]))
            if url:
                seen.setdefault(url, None)
    return tuple(seen)
