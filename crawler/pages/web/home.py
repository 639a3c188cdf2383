"""A site's start page → :class:`Home`: where the site says it publishes (feeds, news lists, notice board).

Used by ``parity discover`` and by the ``site`` source spider at crawl time
(:mod:`crawler.discover`). Feeds come from ``<link rel=alternate>`` in the
start page's ``<head>`` (Sitevision's portlet RSS URL lives only there); list
pages and the notice board from links whose text or last path segment names
them ("Nyheter", "Aktuellt", "Driftinformation", "Anslagstavla" …), and from an
embedded Netpublicator board.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from crawler.pages.links import absolute, base_url, feed_urls, same_site
from crawler.pages.page_input import PageInput
from crawler.pages.text import fold_accents, label_text, normalize_space
from crawler.pages.tree import HtmlTree, first, get_text, iter_tags
from crawler.pages.web.detect import detect_cms

#: Words that name a news or disruption list in a link text or the last path segment.
LIST_WORDS = re.compile(
    r"^(alla |fler |se alla |visa alla )?(nyheter|nyhetsarkiv(et)?|aktuellt|pressmeddelanden|pressrum(met)?|press|"
    r"driftinformation|driftstörningar|driftstorningar|störningar|storningar|kungörelser|kungorelser|"
    r"news|press releases|latest news)$",
    re.IGNORECASE,
)
BOARD_WORDS = re.compile(r"anslagstavla|anslagstavlan|bulletin.?board", re.IGNORECASE)
BOARD_HOSTS = ("netpublicator.com",)
MAX_CANDIDATES = 6


@dataclass
class Home:
    """What a start page says about where the site publishes."""

    url: str
    site_name: str | None
    cms: str
    feeds: list[str]
    lists: list[str]
    boards: list[str]


def last_segment(url: str) -> str:
    """The last path segment as words: ``/sv/nyheter-och-press.html`` → ``nyheter och press``."""
    path = urlsplit(url).path.rstrip("/")
    segment = path.rsplit("/", 1)[-1]
    return re.sub(r"\.(html?|aspx?|php)$", "", segment, flags=re.IGNORECASE).replace("-", " ")


def site_name(document: HtmlTree | None, url: str) -> str | None:
    """``og:site_name``, else the title's last part ("Nyheter | Sjöbacka kommun"), else the host."""
    if document is not None:
        meta = next((m for m in iter_tags(document, "meta") if m.get("property") == "og:site_name"), None)
        if meta is not None and normalize_space(meta.get("content") or ""):
            return normalize_space(meta.get("content"))
    title_tag = first(document, "title") if document is not None else None
    title = normalize_space(get_text(title_tag)) if title_tag is not None else ""
    for sep in (" | ", " – ", " - "):
        if sep in title:
            return title.rsplit(sep, 1)[1].strip() or None
    return title or (urlsplit(url).hostname or None)


def home_findings(page: PageInput) -> Home:
    """Feeds, list and board candidates linked from a start page."""
    url = page.url
    document = page.tree
    base = base_url(document, url) if document is not None else url
    lists: dict[str, None] = {}
    boards: dict[str, None] = {}
    anchors = [a for a in iter_tags(document, "a") if a.get("href") is not None] if document is not None else []
    for anchor in anchors:
        target = absolute(base, anchor.get("href"))
        if not target:
            continue
        text = normalize_space(label_text(anchor) or anchor.get("title") or "")
        host = (urlsplit(target).hostname or "").lower()
        if BOARD_WORDS.search(text) or BOARD_WORDS.search(urlsplit(target).path) or host.endswith(BOARD_HOSTS):
            if same_site(target, url) or host.endswith(BOARD_HOSTS) or "bulletin" in target.lower():
                boards.setdefault(target, None)
            continue
        if not same_site(target, url):
            continue
        if LIST_WORDS.match(text) or LIST_WORDS.match(fold_accents(last_segment(target))):
            lists.setdefault(target.split("#", 1)[0], None)
    for tag in iter_tags(document, "iframe", "script") if document is not None else []:
        src = tag.get("src") or ""
        if "netpublicator.com/bulletinboard" in src:
            boards.setdefault(urljoin(base, src), None)
    return Home(
        url=url,
        site_name=site_name(document, url),
        cms=detect_cms(page),
        feeds=list(feed_urls(document, base)) if document is not None else [],
        lists=[u for u in lists if u.rstrip("/") != url.rstrip("/")][:MAX_CANDIDATES],
        boards=list(boards)[:2],
    )
