"""A list page's further pages: ``rel=next`` and "Nästa" links, then higher ``?page=N`` links.

Read for news lists (:mod:`crawler.pages.web.listing`) and for notice boards whose
first page shows only part of their notices (the notice-board spider).
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

from crawler.pages.links import absolute, base_url, rel_values, same_site
from crawler.pages.page_input import PageInput
from crawler.pages.text import normalize_space
from crawler.pages.tree import get_text, iter_tags

#: Query parameters that number a list's pages.
PAGE_PARAMS = ("page", "sida", "p", "pageindex", "pagenr", "pagenum", "pagenumber", "currentpage")
_NEXT_TEXT = re.compile(r"^(nästa( sida)?|next( page)?|fler|visa fler|»|›|>|→)$", re.IGNORECASE)
_NEXT_LABEL = re.compile(r"\b(nästa|next)\b", re.IGNORECASE)


def _page_number(url: str) -> int | None:
    """The page number a list URL asks for (``?page=3``), or None."""
    for key, value in parse_qsl(urlsplit(url).query, keep_blank_values=True):
        if key.lower() in PAGE_PARAMS and value.isdigit():
            return int(value)
    return None


def is_pagination(url: str, listing_url: str) -> bool:
    """Another page of the same list (same path, a page number in the query)."""
    return urlsplit(url).path.rstrip("/") == urlsplit(listing_url).path.rstrip("/") and _page_number(url) is not None


def next_pages(page: PageInput) -> list[str]:
    """Links to the list's further pages: rel=next / "Nästa" first, then higher ``?page=N`` links."""
    document = page.tree
    if document is None:
        return []
    listing_url = page.url
    base = base_url(document, listing_url)
    current = _page_number(listing_url) or 1
    labelled: list[str] = []
    numbered: list[tuple[int, str]] = []
    for tag in iter_tags(document, "link", "a"):
        href = tag.get("href")
        if href is None:
            continue
        url = absolute(base, href)
        if not url or url == listing_url or not same_site(url, listing_url):
            continue
        rels = rel_values(tag)
        text = normalize_space(get_text(tag, " ")) if tag.tag == "a" else ""
        label = normalize_space(tag.get("aria-label") or tag.get("title") or "")
        number = _page_number(url)
        if "next" in rels or _NEXT_TEXT.match(text) or (label and _NEXT_LABEL.search(label)):
            if number is None or number > current:
                labelled.append(url)
        elif tag.tag == "a" and is_pagination(url, listing_url) and number is not None and number > current:
            numbered.append((number, url))
    ordered = labelled + [url for _n, url in sorted(numbered, key=lambda item: item[0])]
    return list(dict.fromkeys(ordered))
