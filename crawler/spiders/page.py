"""A single configured page (e.g. a disruption page that is edited in place)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import scrapy

from crawler.spiders.web import WebSourceSpider


class PageSpider(WebSourceSpider):
    name = "page"
    item_source = "page"

    async def start(self) -> AsyncIterator[scrapy.Request]:
        self.seen_urls.add(self.spec.target)
        yield self.request(self.spec.target, self.parse_article, primary=True)
