"""Reading a site's start page and sitemaps for ``parity discover`` and the ``site`` spider (pure; no network).

Where a Swedish public body publishes in writing, and how it is recognised:

* feeds — ``<link rel=alternate type=application/rss+xml>`` in the start page's ``<head>``
  (Sitevision's portlet RSS URL lives only there);
* sitemaps — ``Sitemap:`` lines of robots.txt, else ``/sitemap.xml``; ``include`` patterns keep
  the news-like sections (``/nyheter/``, ``/driftinformation/``, ``/anslagstavla/`` …);
* news listings — start-page links named "Nyheter", "Aktuellt", "Pressmeddelanden",
  "Driftinformation" …;
* the notice board — links named "Anslagstavla" (Sitevision boards, an embedded Netpublicator
  board, MeetingsPlus' digital bulletin board).
"""

from __future__ import annotations

import posixpath
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup

from crawler.pages.decode import decode_html
from crawler.pages.detect import detect_cms
from crawler.pages.linkutil import absolute, base_url, same_site
from crawler.pages.pagelinks import feed_urls
from crawler.pages.text import label_text, normalize_space

#: Words that name a news or disruption list in a link text or the last path segment.
LIST_WORDS = re.compile(
    r"^(alla |fler |se alla |visa alla )?(nyheter|nyhetsarkiv(et)?|aktuellt|pressmeddelanden|pressrum(met)?|press|"
    r"driftinformation|driftstörningar|driftstorningar|störningar|storningar|kungörelser|kungorelser|"
    r"news|press releases|latest news)$",
    re.IGNORECASE,
)
BOARD_WORDS = re.compile(r"anslagstavla|anslagstavlan|bulletin.?board", re.IGNORECASE)
BOARD_HOSTS = ("netpublicator.com",)
#: Path segments of news-like sections on Swedish public sites (one list: discovery's sitemap ``include``
#: patterns and the ``site`` spider's sitemap filter are both built from it).
NEWS_SECTION_WORDS = ("nyheter|nyhetsarkiv|aktuellt|press|pressmeddelanden|pressrum|driftinformation|driftstorningar|"
                      "storningar|störningar|anslagstavla|anslagstavlan|kungorelser|kungörelser|news|meddelanden")
#: A first path segment that names a news-like section.
NEWS_SECTIONS = re.compile(f"^({NEWS_SECTION_WORDS})$", re.IGNORECASE)
#: A path with a news-like section anywhere in it: what a ``site`` source keeps from a whole-site sitemap.
NEWS_PATH = re.compile(f"/({NEWS_SECTION_WORDS})(/|\\.|$)", re.IGNORECASE)
SITEMAP_PROBES = ("/sitemap.xml", "/sitemapindex.xml", "/sitemap_index.xml")
MAX_CANDIDATES = 6
MAX_CHILD_SITEMAPS = 10


@dataclass
class Home:
    """What a start page says about where the site publishes."""

    url: str
    site_name: str | None
    cms: str
    feeds: list[str]
    lists: list[str]
    boards: list[str]


@dataclass
class Found:
    """One verified (or robots-blocked) source for the config block."""

    type: str
    url: str
    note: str = ""
    options: dict[str, Any] = field(default_factory=dict)
    blocked: str | None = None  # "robots" when robots.txt disallows it


def fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _last_segment(url: str) -> str:
    path = urlsplit(url).path.rstrip("/")
    segment = path.rsplit("/", 1)[-1]
    return re.sub(r"\.(html?|aspx?|php)$", "", segment, flags=re.IGNORECASE).replace("-", " ")


def site_name(soup: BeautifulSoup, url: str) -> str | None:
    meta = soup.find("meta", attrs={"property": "og:site_name"})
    if meta and normalize_space(str(meta.get("content") or "")):
        return normalize_space(str(meta["content"]))
    title = normalize_space(soup.title.get_text()) if soup.title else ""
    for sep in (" | ", " – ", " - "):
        if sep in title:
            return title.rsplit(sep, 1)[1].strip() or None
    return title or (urlsplit(url).hostname or None)


def home_findings(url: str, headers: Any, body: bytes | str) -> Home:
    """Feeds, list and board candidates linked from a start page (pure; no network)."""
    html = decode_html(headers, body)
    soup = BeautifulSoup(html, "lxml")
    base = base_url(soup, url)
    lists: dict[str, None] = {}
    boards: dict[str, None] = {}
    for anchor in soup.find_all("a", href=True):
        target = absolute(base, str(anchor["href"]))
        if not target:
            continue
        text = normalize_space(label_text(anchor) or str(anchor.get("title") or ""))
        host = (urlsplit(target).hostname or "").lower()
        if BOARD_WORDS.search(text) or BOARD_WORDS.search(urlsplit(target).path) or host.endswith(BOARD_HOSTS):
            if same_site(target, url) or host.endswith(BOARD_HOSTS) or "bulletin" in target.lower():
                boards.setdefault(target, None)
            continue
        if not same_site(target, url):
            continue
        if LIST_WORDS.match(text) or LIST_WORDS.match(fold(_last_segment(target))):
            lists.setdefault(target.split("#", 1)[0], None)
    for tag in soup.find_all(["iframe", "script"]):
        src = str(tag.get("src") or "")
        if "netpublicator.com/bulletinboard" in src:
            boards.setdefault(urljoin(base, src), None)
    return Home(
        url=url,
        site_name=site_name(soup, url),
        cms=detect_cms(headers, html),
        feeds=list(feed_urls(soup, base)),
        lists=[u for u in lists if u.rstrip("/") != url.rstrip("/")][:MAX_CANDIDATES],
        boards=list(boards)[:2],
    )


def sitemap_probes(start_url: str) -> list[str]:
    root = f"{urlsplit(start_url).scheme}://{urlsplit(start_url).netloc}"
    return [root + path for path in SITEMAP_PROBES]


def include_patterns(urls: list[str]) -> list[str]:
    """``include`` regexes for the news-like sections present among a sitemap's page URLs."""
    sections: Counter[str] = Counter()
    for url in urls:
        parts = [p for p in urlsplit(url).path.split("/") if p]
        for depth, part in enumerate(parts[:-1][:3]):  # /nyheter/x, /sv/nyheter/x, /kommun/anslagstavla/x
            name = re.sub(r"\.(html?|aspx?)$", "", part, flags=re.IGNORECASE)
            if NEWS_SECTIONS.match(fold(name)):
                sections["/" + "/".join(parts[: depth + 1]) + "/"] += 1
                break
    return [f"^{re.escape(prefix)}".replace("\\/", "/") for prefix, _n in sorted(sections.items())]


def follow_prefix(list_url: str, entry_urls: list[str]) -> str | None:
    """The ``follow`` path prefix shared by a list's entries (None if they share none)."""
    paths = [urlsplit(u).path for u in entry_urls if same_site(u, list_url)]
    if not paths:
        return None
    common = posixpath.commonpath(paths) if len(paths) > 1 else posixpath.dirname(paths[0])
    if not common or common == "/":
        return None
    return common.rstrip("/") + "/"
