"""A news/list page → :class:`Listing` (entries + further pages).

There is no common list markup across Swedish municipal sites, so readers are
tried from the most to the least specific: the source's own CSS selectors
from config, AppRegistry JSON (lists rendered in the browser), Sitevision
``sv-channel`` items, old EPiServer teasers (uppsala.se), repeated
``<article>`` teasers, and finally any link under the ``follow`` path with a
date near it. ``Listing.strategy`` says which one produced the entries, so a
spider can warn when configured selectors stop matching.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from bs4 import BeautifulSoup, Tag
from soupsieve import SelectorSyntaxError

from crawler.pages.appregistry import app_registry_states, find_lists, first
from crawler.pages.decode import decode_html
from crawler.pages.linkutil import absolute, base_url, rel_values, same_site, sitevision_file_time
from crawler.pages.text import find_date_in_text, html_to_text, label_text, normalize_space, parse_datetime
from crawler.pages.types import Listing, ListingEntry, PageError

SELECTOR_KEYS = frozenset({"item", "link", "title", "date", "summary"})
#: AppRegistry list names that hold news or notices (not menus: "items" is too generic).
LIST_NAMES = ("news", "articles", "announcements", "pages", "initialNotices", "entries", "newsItems")
PAGE_PARAMS = ("page", "sida", "p", "pageindex", "pagenr", "pagenum", "pagenumber", "currentpage")
_NEXT_TEXT = re.compile(r"^(nästa( sida)?|next( page)?|fler|visa fler|»|›|>|→)$", re.IGNORECASE)
_NEXT_LABEL = re.compile(r"\b(nästa|next)\b", re.IGNORECASE)
_WEAK_TITLE = re.compile(r"^(läs mer|läs hela|mer|read more|more|visa|se mer|»|›)$", re.IGNORECASE)


def _clean(text: str | None) -> str | None:
    value = normalize_space(text)
    return value or None


def _time_of(node: Tag | None) -> dt.datetime | None:
    """A teaser's machine-readable date: ``<time datetime>`` or a ``datetime``/``content`` attribute."""
    if node is None:
        return None
    candidates = [node] if node.name == "time" else []
    candidates += node.find_all("time")
    for time_tag in candidates:
        value = parse_datetime(time_tag.get("datetime")) or parse_datetime(normalize_space(time_tag.get_text()))
        if value:
            return value
    for attr in ("datetime", "content", "data-date", "data-published"):
        value = parse_datetime(node.get(attr)) if node.get(attr) else None
        if value:
            return value
    return None


def _text_date(node: Tag | None) -> dt.datetime | None:
    return find_date_in_text(normalize_space(node.get_text(" "))) if node is not None else None


_SUMMARY_CLASS = re.compile(r"ingress|lead|preamble|summary|excerpt|teaser-?text|description", re.IGNORECASE)


def _summary_of(node: Tag, title: str | None) -> str | None:
    candidates = node.find_all(class_=_SUMMARY_CLASS) + node.find_all("p")
    for para in candidates:
        text = normalize_space(para.get_text(" "))
        if text and text != title and not (title and text in title) and parse_datetime(text) is None:
            return text
    return None


def _link_title(link: Tag) -> str | None:
    heading = link.find(["h1", "h2", "h3", "h4", "h5"])
    text = label_text(heading or link)
    if not text:
        text = normalize_space(str(link.get("aria-label") or link.get("title") or ""))
    if not text:
        img = link.find("img", alt=True)
        text = normalize_space(str(img["alt"])) if img else ""
    return text or None


def _entry(
    base: str, link: Tag | None, container: Tag, title: str | None = None, date_node: Tag | None = None
) -> ListingEntry | None:
    if link is None:
        return None
    url = absolute(base, str(link.get("href") or ""))
    if not url:
        return None
    if not title:
        heading = container.find(["h1", "h2", "h3", "h4", "h5"])
        heading_text = _clean(label_text(heading)) if heading else None
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


def _select(root: Tag, selector: str, key: str, url: str) -> list[Tag]:
    try:
        return list(root.select(selector))
    except (SelectorSyntaxError, ValueError, NotImplementedError) as exc:
        raise PageError(url, f"selectors: {key}: invalid CSS {selector!r} ({str(exc).splitlines()[0][:80]})") from exc


def _by_selectors(soup: BeautifulSoup, base: str, url: str, selectors: dict[str, str]) -> list[ListingEntry]:
    unknown = set(selectors) - SELECTOR_KEYS
    if unknown:
        raise PageError(
            url, f"selectors: unknown key(s) {', '.join(sorted(unknown))}; allowed: {', '.join(sorted(SELECTOR_KEYS))}"
        )
    if not selectors.get("item"):
        raise PageError(url, "selectors: item: required")
    entries: list[ListingEntry] = []
    for item in _select(soup, selectors["item"], "item", url):
        if selectors.get("link"):
            found = _select(item, selectors["link"], "link", url)
            link = found[0] if found else None
        else:
            link = item if item.name == "a" and item.get("href") else item.find("a", href=True)
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
                entry.url, entry.title, entry.published_at, _clean(found[0].get_text(" ")) if found else None
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


def _in_menus(tag: Tag) -> bool:
    """Inside navigation or the footer: menus built from the same list markup as news lists."""
    return any(p.name in ("nav", "footer") or p.get("role") == "navigation" for p in tag.parents if isinstance(p, Tag))


def _sv_channel(soup: BeautifulSoup, base: str) -> list[ListingEntry]:
    items = soup.select("ul.sv-channel > li.sv-channel-item") or soup.select("li.sv-channel-item")
    return [e for item in items if not _in_menus(item) and (e := _entry(base, item.find("a", href=True), item))]


def _episerver(soup: BeautifulSoup, base: str) -> list[ListingEntry]:
    entries: list[ListingEntry] = []
    for link in soup.select("h3.puffimage--heading a.puffimage--link, .puffimage--heading a[href]"):
        if _in_menus(link):
            continue
        container = link.find_parent(class_=re.compile(r"puffimage--text|puffimage$|card")) or link.parent or link
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


def _articles(soup: BeautifulSoup, base: str, prefix: str | None, listing_url: str) -> list[ListingEntry]:
    articles = [a for a in soup.find_all("article") if a.find("a", href=True) and not _in_menus(a)]
    if len(articles) < 2:
        return []
    entries: list[ListingEntry] = []
    for article in articles:
        link = article.select_one(
            "h1 a[href], h2 a[href], h3 a[href], h4 a[href], a[href]:has(h2, h3, h4)"
        ) or article.find("a", href=True)
        entry = _entry(base, link, article)
        if entry and _under(entry.url, prefix, listing_url):
            entries.append(entry)
    return entries


def _container(link: Tag, item_urls: set[str], base: str) -> Tag:
    """The largest ancestor (up to a few levels) that holds only this one item link."""
    best = link.parent if isinstance(link.parent, Tag) else link
    own = absolute(base, str(link.get("href")))
    node = link.parent
    for _ in range(4):
        if not isinstance(node, Tag) or node.name in ("body", "main", "ul", "ol", "table", "section"):
            break
        urls = {absolute(base, str(a.get("href"))) for a in node.find_all("a", href=True)} & item_urls
        if urls - {own}:
            break
        best = node
        if node.name in ("li", "article", "tr"):
            break
        node = node.parent
    return best


def _generic(soup: BeautifulSoup, base: str, prefix: str | None, listing_url: str) -> list[ListingEntry]:
    root = soup.select_one("main") or soup.select_one("[role=main]") or soup.body or soup
    links = [
        a for a in root.find_all("a", href=True) if not any(p.name in ("nav", "header", "footer") for p in a.parents)
    ]
    candidates = [
        (a, url)
        for a in links
        if (url := absolute(base, str(a["href"])))
        and _under(url, prefix, listing_url)
        and not _is_pagination(url, listing_url)
    ]
    item_urls = {url for _a, url in candidates}
    entries: list[ListingEntry] = []
    for link, _url in candidates:
        container = _container(link, item_urls, base)
        entry = _entry(base, link, container)
        if entry and entry.title:
            entries.append(entry)
    return entries


# --- pagination ----------------------------------------------------------------


def _page_number(url: str) -> int | None:
    for key, value in parse_qsl(urlsplit(url).query, keep_blank_values=True):
        if key.lower() in PAGE_PARAMS and value.isdigit():
            return int(value)
    return None


def _is_pagination(url: str, listing_url: str) -> bool:
    return urlsplit(url).path.rstrip("/") == urlsplit(listing_url).path.rstrip("/") and _page_number(url) is not None


def next_pages(soup: BeautifulSoup, base: str, listing_url: str) -> list[str]:
    """Links to the list's further pages: rel=next / "Nästa" first, then higher ``?page=N`` links."""
    current = _page_number(listing_url) or 1
    labelled: list[str] = []
    numbered: list[tuple[int, str]] = []
    for tag in soup.find_all(["link", "a"], href=True):
        url = absolute(base, str(tag["href"]))
        if not url or url == listing_url or not same_site(url, listing_url):
            continue
        rels = rel_values(tag)
        text = normalize_space(tag.get_text(" ")) if tag.name == "a" else ""
        label = normalize_space(str(tag.get("aria-label") or tag.get("title") or ""))
        number = _page_number(url)
        if "next" in rels or _NEXT_TEXT.match(text) or (label and _NEXT_LABEL.search(label)):
            if number is None or number > current:
                labelled.append(url)
        elif tag.name == "a" and _is_pagination(url, listing_url) and number is not None and number > current:
            numbered.append((number, url))
    ordered = labelled + [url for _n, url in sorted(numbered, key=lambda item: item[0])]
    return list(dict.fromkeys(ordered))


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


def parse_listing(
    url: str, headers: Any, body: bytes | str, follow: str | None = None, selectors: dict[str, str] | None = None
) -> Listing:
    """Read a list page. ``follow`` is the config's path prefix for item links (default: the list's own path)."""
    html = decode_html(headers, body)
    if not html.strip():
        raise PageError(url, "empty body")
    soup = BeautifulSoup(html, "lxml")
    base = base_url(soup, url)
    prefix = _prefix(follow, url)
    readers = [
        ("appregistry", lambda: _from_app_registry(html, base)),
        ("sv-channel", lambda: _sv_channel(soup, base)),
        ("episerver", lambda: _episerver(soup, base)),
        ("articles", lambda: _articles(soup, base, prefix, url)),
        ("generic", lambda: _generic(soup, base, prefix, url)),
    ]
    if selectors:
        readers.insert(0, ("selectors", lambda: _by_selectors(soup, base, url, dict(selectors))))
    entries: list[ListingEntry] = []
    strategy = "none"
    read: Callable[[], list[ListingEntry]]
    for name, read in readers:
        entries = read()
        if entries:
            strategy = name
            break
    return Listing(url=url, entries=_dedupe(entries), next_pages=tuple(next_pages(soup, base, url)), strategy=strategy)
