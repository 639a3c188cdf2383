"""Sitemap or sitemap index (plain or gzip, news sitemaps too): listed pages are fetched and extracted.

``include``/``exclude`` path patterns from the config keep a site-wide sitemap
to its news-like pages; the page budget caps the rest. Child sitemaps of an
index are capped by depth and number and count against the page budget
(``WebSourceSpider.follow_containers``): an index whose children are indexes
ends at the cap with the source ``partial``, not after thousands of requests. A page whose
``<lastmod>`` equals the one recorded when we last fetched it is not requested
at all (its stored item is touched), and a sitemap answering 304 means every
page it lists is unchanged: an unchanged site costs robots.txt and the sitemaps.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response

from crawler.pages.page_input import PageInput
from crawler.pages.types import PageError
from crawler.pages.web.sitemap import parse_sitemap
from crawler.spiders.article import ArticleParsing
from crawler.spiders.coordination import NEW
from parity.core.timeutil import format_time


class SitemapParsing(ArticleParsing):
    """``parse_sitemap``: shared by the sitemap spider and the site spider."""

    def sitemap_filters(self, meta: dict[str, Any]) -> tuple[list[re.Pattern[str]], list[re.Pattern[str]]]:
        include = meta.get("include")
        exclude = meta.get("exclude")
        if include is None and exclude is None:
            options = self.spec.options
            include = getattr(options, "include", None) or []
            exclude = getattr(options, "exclude", None) or []
        cache = self.__dict__.setdefault("_pattern_cache", {})
        key = (tuple(include or ()), tuple(exclude or ()))
        if key not in cache:
            cache[key] = ([re.compile(p) for p in include or []], [re.compile(p) for p in exclude or []])
        return cache[key]

    def wanted(self, url: str, meta: dict[str, Any] | None = None) -> bool:
        include, exclude = self.sitemap_filters(meta or {})
        path = urlsplit(url).path
        if include and not any(p.search(path) for p in include):
            return False
        return not any(p.search(path) for p in exclude)

    def parse_sitemap(self, response: Response) -> Iterator[Any]:
        yield from self.container(response, lambda: self._sitemap(response))

    def _sitemap(self, response: Response) -> Iterator[Any]:
        try:
            sitemap = parse_sitemap(PageInput.from_response(response))
        except PageError as exc:
            self.parse_error(response, exc.reason)
            return
        self.ok(response)
        parent = response.meta.get("ledger_url") or response.url
        carry = {k: response.meta[k] for k in ("src", "include", "exclude") if response.meta.get(k) is not None}
        if sitemap.is_index:
            depth = int(response.meta.get("sitemap_depth") or 0) + 1
            yield from self.emit(self.follow_containers((entry.loc for entry in sitemap.entries), parent, depth,
                                                        kind="sitemap", cb="sitemap", **carry))
            return
        source = str(carry.get("src") or "sitemap")
        requests = []
        unchanged: list[str] = []
        listed = 0
        for entry in sitemap.entries:
            if not self.wanted(entry.loc, response.meta):
                continue
            listed += 1
            lastmod = format_time(entry.lastmod) if entry.lastmod else None
            if lastmod and self._unchanged_since(entry.loc, lastmod, parent):
                unchanged.append(entry.loc)
                continue
            requests.append(self.follow(
                entry.loc, "page", parent, item_url=entry.loc, item_title=entry.news_title,
                item_published=entry.news_publication_date, sitemap_lastmod=lastmod, src=source,
            ))
        self.tracker.notes["listed"] = int(self.tracker.notes.get("listed", 0)) + listed
        if unchanged:
            self.tracker.items += self.ledger.touch(unchanged)
            self.tracker.notes["unchanged"] = int(self.tracker.notes.get("unchanged", 0)) + len(unchanged)
        yield from self.emit(requests)

    def _unchanged_since(self, url: str, lastmod: str, parent: str) -> bool:
        """Fetched successfully before with this very lastmod, and its item is still there."""
        if not self.ledger.unchanged_by_lastmod(url, lastmod):
            return False
        return self.coord.admit(self.canon(url), parent) == NEW


class SitemapSpider(SitemapParsing):
    name = "sitemap"
    item_source = "sitemap"

    def entries(self) -> list[scrapy.Request]:
        return [self.entry(self.spec.target, "sitemap")]
