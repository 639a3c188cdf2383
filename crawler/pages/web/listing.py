"""A news/list page → :class:`Listing` (entries + further pages).

There is no common list markup across Swedish municipal sites, so readers are
tried from the most to the least specific: the source's own CSS selectors
from config, AppRegistry JSON (lists rendered in the browser), Sitevision
``sv-channel`` items, old EPiServer teasers (uppsala.se), repeated
``<article>`` teasers, and finally any link under the ``follow`` path with a
date near it. ``Listing.strategy`` says which one produced the entries, so a
spider can warn when configured selectors stop matching. Configured selectors
are read as Scrapy's ``response.css()`` reads them (cssselect; see
:func:`crawler.pages.tree.select`), so they can be tried in ``scrapy shell``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

from crawler.pages.appregistry import app_registry_states, find_lists, first
from crawler.pages.dates import find_date_in_text, parse_datetime
from crawler.pages.links import absolute, base_url, same_site, sitevision_file_time
from crawler.pages.page_input import PageInput
from crawler.pages.text import html_to_text, label_text, normalize_space
from crawler.pages.tree import (
    Element,
    HtmlTree,
    InvalidSelector,
    Scope,
    ancestors,
    class_matches,
    get_text,
    iter_tags,
    select,
    select_one,
)
from crawler.pages.types import Listing, ListingEntry, PageError
from crawler.pages.web.pagination import is_pagination, next_pages

SELECTOR_KEYS = frozenset({"item", "link", "title", "date", "summary"})
#: AppRegistry list names that hold news or notices (not menus: "items" is too generic).
LIST_NAMES = ("news", "articles", "announcements", "pages", "initialNotices", "entries", "newsItems")
_WEAK_TITLE = re.compile(r"^(läs mer|läs hela|mer|read more|more|visa|se mer|»|›)$", re.IGNORECASE)


def _clean(text: str | None) -> str | None:
    value = normalize_space(text)
    return value or None


def _time_of(node: Element | None) -> dt.datetime | None:
    """A teaser's machine-readable date: ``<time datetime>`` or a ``datetime``/``content`` attribute."""
    if node is None:
        return None
    candidates = [node] if node.tag == "time" else []
    candidates += node.iterdescendants("time")
    for time_tag in candidates:
        value = parse_datetime(time_tag.get("datetime")) or parse_datetime(normalize_space(get_text(time_tag)))
        if value:
            return value
    for attr in ("datetime", "content", "data-date", "data-published"):
        value = parse_datetime(node.get(attr)) if node.get(attr) else None
        if value:
            return value
    return None


def _text_date(node: Element | None) -> dt.datetime | None:
    return find_date_in_text(normalize_space(get_text(node, " "))) if node is not None else None


_SUMMARY_CLASS = re.compile(r"ingress|lead|preamble|summary|excerpt|teaser-?text|description", re.IGNORECASE)


def _summary_of(node: Element, title: str | None) -> str | None:
    candidates = [el for el in node.iterdescendants() if class_matches(el, _SUMMARY_CLASS)]
    candidates += node.iterdescendants("p")
    for para in candidates:
        text = normalize_space(get_text(para, " "))
        if text and text != title and not (title and text in title) and parse_datetime(text) is None:
            return text
    return None


_HEADINGS = ("h1", "h2", "h3", "h4", "h5")


def _first_heading(node: Element) -> Element | None:
    return next(node.iterdescendants(*_HEADINGS), None)


def _first_link(node: Element) -> Element | None:
    return next((a for a in node.iterdescendants("a") if a.get("href") is not None), None)


def _link_title(link: Element) -> str | None:
    heading = _first_heading(link)
    text = label_text(heading if heading is not None else link)
    if not text:
        text = normalize_space(link.get("aria-label") or link.get("title") or "")
    if not text:
        img = next((i for i in link.iterdescendants("img") if i.get("alt") is not None), None)
        text = normalize_space(img.get("alt")) if img is not None else ""
    return text or None


def _entry(
    base: str, link: Element | None, container: Element, title: str | None = None, date_node: Element | None = None
) -> ListingEntry | None:
    if link is None:
        return None
    url = absolute(base, link.get("href") or "")
    if not url:
        return None
    if not title:
        heading = _first_heading(container)
        heading_text = _clean(label_text(heading)) if heading is not None else None
        link_title = _link_title(link)
        # "Läs mer" is a title of last resort; another link to the same item usually has a real one (see _dedupe)
        title = heading_text or link_title
    dated = date_node if date_node is not None else container
    return ListingEntry(
        url=url,
        title=title,
        # a file's upload time beats a date in its name (often the meeting's date)
        published_at=_time_of(dated) or sitevision_file_time(url) or _text_date(dated),
        summary=_summary_of(container, title),
    )


# --- readers -------------------------------------------------------------------


def _select(root: Scope, selector: str, key: str, url: str) -> list[Element]:
    try:
        return select(root, selector)
    except InvalidSelector as exc:
        raise PageError(url, f"selectors: {key}: invalid CSS {selector!r} ({str(exc).splitlines()[0][:80]})") from exc


def _by_selectors(document: HtmlTree, base: str, url: str, selectors: dict[str, str]) -> list[ListingEntry]:
    unknown = set(selectors) - SELECTOR_KEYS
    if unknown:
        raise PageError(
            url, f"selectors: unknown key(s) {', '.join(sorted(unknown))}; allowed: {', '.join(sorted(SELECTOR_KEYS))}"
        )
    if not selectors.get("item"):
        raise PageError(url, "selectors: item: required")
    entries: list[ListingEntry] = []
    for item in _select(document, selectors["item"], "item", url):
        if selectors.get("link"):
            found = _select(item, selectors["link"], "link", url)
            link = found[0] if found else None
        else:
            link = item if item.tag == "a" and item.get("href") else _first_link(item)
        title = None
        if selectors.get("title"):
            found = _select(item, selectors["title"], "title", url)
            title = _clean(label_text(found[0])) if found else None
        date_node = None
        if selectors.get("date"):
            found = _select(item, selectors["date"], "date", url)
            date_node = found[0] if found else item
        entry = _entry(
            base, link, item, title=title or (_link_title(link) if link is not None else None), date_node=date_node
        )
        if entry and selectors.get("summary"):
            found = _select(item, selectors["summary"], "summary", url)
            entry = ListingEntry(
                entry.url, entry.title, entry.published_at, _clean(get_text(found[0], " ")) if found else None
            )
        if entry:
            entries.append(entry)
    return entries


def app_registry_entries(html: str, names: Iterable[str] = LIST_NAMES) -> list[tuple[str, dict[str, Any]]]:
    """``(list name, item)`` for every item of the AppRegistry lists on the page."""
    found: list[tuple[str, dict[str, Any]]] = []
    for state in app_registry_states(html).values():
        for name, items in find_lists(state, tuple(names)):
            found.extend((name, item) for item in items)
    return found


def _item_date(item: dict[str, Any]) -> dt.datetime | None:
    for key in (
        "publishedLong",
        "publishDateLong",
        "published",
        "publishDate",
        "publishedDate",
        "publicationDate",
        "date",
        "created",
        "createdDate",
    ):
        value = item.get(key)
        if value not in (None, ""):
            parsed = parse_datetime(value)
            if parsed:
                return parsed
    return None


def _from_app_registry(html: str, base: str) -> list[ListingEntry]:
    entries: list[ListingEntry] = []
    for _name, item in app_registry_entries(html):
        url = absolute(base, first(item, "uri", "url", "link", "href"))
        title = first(item, "title", "name", "header", "heading")
        if not url or not isinstance(title, str):
            continue
        summary = first(item, "ingress", "preamble", "summary", "description", "freeText", "text")
        entries.append(
            ListingEntry(
                url=url,
                title=_clean(title),
                published_at=_item_date(item),
                summary=_clean(html_to_text(summary)) if isinstance(summary, str) else None,
            )
        )
    return entries


def _in_menus(tag: Element) -> bool:
    """Inside navigation or the footer: menus built from the same list markup as news lists."""
    return any(p.tag in ("nav", "footer") or p.get("role") == "navigation" for p in ancestors(tag))


def _sv_channel(document: HtmlTree, base: str) -> list[ListingEntry]:
    items = select(document, "ul.sv-channel > li.sv-channel-item") or select(document, "li.sv-channel-item")
    return [e for item in items if not _in_menus(item) and (e := _entry(base, _first_link(item), item))]


_PUFF_CONTAINER = re.compile(r"puffimage--text|puffimage$|card")


def _episerver(document: HtmlTree, base: str) -> list[ListingEntry]:
    entries: list[ListingEntry] = []
    for link in select(document, "h3.puffimage--heading a.puffimage--link, .puffimage--heading a[href]"):
        if _in_menus(link):
            continue
        container = next((p for p in ancestors(link) if class_matches(p, _PUFF_CONTAINER)), None)
        if container is None:
            container = link.getparent() if link.getparent() is not None else link
        entry = _entry(base, link, container, title=_clean(label_text(link)))
        if entry:
            entries.append(entry)
    return entries


def _under(url: str, prefix: str | None, listing_url: str) -> bool:
    if not same_site(url, listing_url):
        return False
    path = urlsplit(url).path
    if prefix and not path.startswith(prefix):
        return False
    own = urlsplit(listing_url).path.rstrip("/")
    return path.rstrip("/") != own and path.rstrip("/") != (prefix or "").rstrip("/")


def _articles(document: HtmlTree, base: str, prefix: str | None, listing_url: str) -> list[ListingEntry]:
    articles = [a for a in iter_tags(document, "article") if _first_link(a) is not None and not _in_menus(a)]
    if len(articles) < 2:
        return []
    entries: list[ListingEntry] = []
    for article in articles:
        link = select_one(article, "h1 a[href], h2 a[href], h3 a[href], h4 a[href], a[href]:has(h2, h3, h4)")
        if link is None:
            link = _first_link(article)
        entry = _entry(base, link, article)
        if entry and _under(entry.url, prefix, listing_url):
            entries.append(entry)
    return entries


def _container(link: Element, item_urls: set[str], base: str) -> Element:
    """The largest ancestor (up to a few levels) that holds only this one item link."""
    parent = link.getparent()
    best = parent if parent is not None else link
    own = absolute(base, link.get("href"))
    node = parent
    for _ in range(4):
        if node is None or node.tag in ("body", "main", "ul", "ol", "table", "section"):
            break
        urls = {absolute(base, a.get("href")) for a in node.iterdescendants("a") if a.get("href") is not None}
        if (urls & item_urls) - {own}:
            break
        best = node
        if node.tag in ("li", "article", "tr"):
            break
        node = node.getparent()
    return best


def _main_or_body(document: HtmlTree) -> Scope:
    for found in (select_one(document, "main"), select_one(document, "[role=main]"), next(iter_tags(document, "body"), None)):
        if found is not None:
            return found
    return document


def _generic(document: HtmlTree, base: str, prefix: str | None, listing_url: str) -> list[ListingEntry]:
    root = _main_or_body(document)
    links = [
        a
        for a in iter_tags(root, "a")
        if a.get("href") is not None and not any(p.tag in ("nav", "header", "footer") for p in ancestors(a))
    ]
    candidates = [
        (a, url)
        for a in links
        if (url := absolute(base, a.get("href")))
        and _under(url, prefix, listing_url)
        and not is_pagination(url, listing_url)
    ]
    item_urls = {url for _a, url in candidates}
    entries: list[ListingEntry] = []
    for link, _url in candidates:
        container = _container(link, item_urls, base)
        entry = _entry(base, link, container)
        if entry and entry.title:
            entries.append(entry)
    return entries


def _weak(title: str | None) -> bool:
    return title is None or bool(_WEAK_TITLE.match(title))


def _dedupe(entries: list[ListingEntry]) -> tuple[ListingEntry, ...]:
    """One entry per URL; later links to the same item fill in a real title or a date."""
    seen: dict[str, ListingEntry] = {}
    for entry in entries:
        kept = seen.get(entry.url)
        if kept is None:
            seen[entry.url] = entry
            continue
        title = entry.title if _weak(kept.title) and not _weak(entry.title) else kept.title
        seen[entry.url] = ListingEntry(
            entry.url, title, kept.published_at or entry.published_at, kept.summary or entry.summary
        )
    return tuple(seen.values())


def _prefix(follow: str | None, url: str) -> str:
    if follow:
        path = urlsplit(follow).path if "://" in follow else follow
        return path if path.startswith("/") else "/" + path
    path = urlsplit(url).path or "/"
    return path if path.endswith("/") else path + "/"


def parse_listing(page: PageInput, follow: str | None = None, selectors: dict[str, str] | None = None) -> Listing:
    """Read a list page. ``follow`` is the config's path prefix for item links (default: the list's own path)."""
    url = page.url
    html = page.text
    if not html.strip():
        raise PageError(url, "empty body")
    document = page.tree
    if document is None:
        return Listing(url=url, entries=(), next_pages=(), strategy="none")
    base = base_url(document, url)
    prefix = _prefix(follow, url)
    readers = [
        ("appregistry", lambda: _from_app_registry(html, base)),
        ("sv-channel", lambda: _sv_channel(document, base)),
        ("episerver", lambda: _episerver(document, base)),
        ("articles", lambda: _articles(document, base, prefix, url)),
        ("generic", lambda: _generic(document, base, prefix, url)),
    ]
    if selectors:
        readers.insert(0, ("selectors", lambda: _by_selectors(document, base, url, dict(selectors))))
    entries: list[ListingEntry] = []
    strategy = "none"
    read: Callable[[], list[ListingEntry]]
    for name, read in readers:
        entries = read()
        if entries:
            strategy = name
            break
    return Listing(url=url, entries=_dedupe(entries), next_pages=tuple(next_pages(page)), strategy=strategy)
