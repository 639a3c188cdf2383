"""Sitemap or sitemap index (plain or gzip): pages listed are fetched and extracted.

``include``/``exclude`` path patterns from the config keep a site-wide sitemap
to its news-like pages; the page budget caps the rest.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response

from crawler.pages.sitemap import parse_sitemap
from crawler.pages.types import PageError
from crawler.spiders.web import WebSourceSpider, response_headers


class SitemapSpider(WebSourceSpider):
    name = "sitemap"
    item_source = "sitemap"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        options = self.spec.options
        self.include = [re.compile(p) for p in getattr(options, "include", []) or []]
        self.exclude = [re.compile(p) for p in getattr(options, "exclude", []) or []]
        self.sitemaps_seen: set[str] = set()

    async def start(self) -> AsyncIterator[scrapy.Request]:
        yield self.request(self.spec.target, self.parse_sitemap, primary=True)

    def wanted(self, url: str) -> bool:
        path = urlsplit(url).path
        if self.include and not any(p.search(path) for p in self.include):
            return False
        return not any(p.search(path) for p in self.exclude)

    def parse_sitemap(self, response: Response) -> Iterator[Any]:
        yield from self.iter_safely(response, lambda: self._sitemap(response))

    def _sitemap(self, response: Response) -> Iterator[Any]:
        try:
            sitemap = parse_sitemap(response.url, response_headers(response), response.body)
        except PageError as exc:
            self.parse_error(response, str(exc))
            return
        self.ok(response)
        self.sitemaps_seen.add(response.url)
        if sitemap.is_index:
            for entry in sitemap.entries:
                if entry.loc not in self.sitemaps_seen and self.same_site(entry.loc):
                    self.sitemaps_seen.add(entry.loc)
                    yield self.request(entry.loc, self.parse_sitemap, primary=True)
            return
        for entry in sitemap.entries:
            if not self.wanted(entry.loc):
                continue
            yield from self.follow_page(
                entry.loc, item_url=entry.loc,
                item_title=entry.news_title,
                item_published=entry.news_publication_date,
            )
