"""Sitemaps (urlset, sitemap index, Google News, plain-text, gzip) and robots.txt ``Sitemap:`` lines.

Parsed with defusedxml and no DTD at all: a sitemap never needs one, so a
DOCTYPE is treated as an attack. Elements are matched by local name because
real sitemaps get the namespace wrong (or leave it out) surprisingly often.
"""

from __future__ import annotations

import re
from typing import Any
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from crawler.pages.dates import parse_datetime
from crawler.pages.links import absolute
from crawler.pages.page_input import PageInput
from crawler.pages.text import normalize_space
from crawler.pages.types import PageError, Sitemap, SitemapEntry
from crawler.pages.xmlsafe import refuse_dangerous_dtd

_URL_LINE = re.compile(r"^https?://\S+$")


def _local(tag: Any) -> str:
    name = str(tag)
    return name.rsplit("}", 1)[-1].split(":")[-1].lower()


def _child(element: Element, name: str) -> Element | None:
    for child in element:
        if _local(child.tag) == name:
            return child
    return None


def _child_text(element: Element | None, name: str) -> str | None:
    if element is None:
        return None
    child = _child(element, name)
    if child is None or child.text is None:
        return None
    return normalize_space(child.text) or None


def _entry(url: str, element: Element) -> SitemapEntry | None:
    loc = _child_text(element, "loc")
    loc_url = absolute(url, loc) if loc else None
    if not loc_url:
        return None
    news = _child(element, "news")
    return SitemapEntry(
        loc=loc_url,
        lastmod=parse_datetime(_child_text(element, "lastmod")),
        news_title=_child_text(news, "title"),
        news_publication_date=parse_datetime(_child_text(news, "publication_date")),
    )


def _text_sitemap(url: str, text: str) -> Sitemap | None:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines or not all(_URL_LINE.match(line) for line in lines):
        return None
    entries = [SitemapEntry(loc=loc, lastmod=None) for line in lines if (loc := absolute(url, line))]
    return Sitemap(url=url, is_index=False, entries=tuple(entries))


def parse_sitemap(page: PageInput) -> Sitemap:
    """Read a sitemap or sitemap index (plain or gzipped); :class:`PageError` on anything else."""
    url = page.url
    page = page.gunzipped()
    body = page.body
    if not body.strip():
        raise PageError(url, "empty body")
    stripped = page.xml_text.lstrip("\ufeff \t\r\n")
    if not stripped.startswith("<"):
        plain = _text_sitemap(url, stripped)
        if plain is not None:
            return plain
        raise PageError(url, "neither XML nor a plain-text list of URLs")
    head = stripped[:2048].lower()
    if head.startswith(("<!doctype html", "<html")) or (
        "<html" in head and "<urlset" not in head and "<sitemapindex" not in head
    ):
        raise PageError(url, "an HTML page, not a sitemap (soft 404 or login page?)")
    refuse_dangerous_dtd(body, url, allow_doctype=False)
    try:
        root = SafeET.fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise PageError(url, f"unsafe XML refused ({exc.__class__.__name__})") from exc
    except ParseError as exc:
        raise PageError(url, f"broken XML ({exc})") from exc
    kind = _local(root.tag)
    if kind not in ("urlset", "sitemapindex"):
        hint = " (an RSS/Atom feed: read it with parse_feed)" if kind in ("rss", "feed", "rdf") else ""
        raise PageError(url, f"not a sitemap: root element <{kind}>{hint}")
    item_name = "sitemap" if kind == "sitemapindex" else "url"
    entries = [e for child in root if _local(child.tag) == item_name and (e := _entry(url, child))]
    return Sitemap(url=url, is_index=kind == "sitemapindex", entries=tuple(entries))


def sitemaps_from_robots(page: PageInput) -> list[str]:
    """The ``Sitemap:`` URLs of a robots.txt, in order, without duplicates; relative ones are
    resolved against the robots.txt URL (``page.url``; empty: only absolute ones are kept).

    The directive is independent of user-agent groups and may appear anywhere
    (Kungsbacka's sits between two Disallow blocks), so every line is read.
    """
    base_url = page.url
    text = page.body.decode("utf-8", errors="replace")
    found: dict[str, None] = {}
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip().lstrip("\ufeff")
        key, sep, value = line.partition(":")
        if not sep or key.strip().lower() not in ("sitemap", "site-map"):
            continue
        value = value.strip()
        url = absolute(base_url, value) if base_url else (value if value.startswith(("http://", "https://")) else None)
        if url:
            found.setdefault(url, None)
    return list(found)
