"""A single configured page (e.g. a disruption page that is edited in place)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import scrapy

from crawler.spiders.web import WebSourceSpider


class PageSpider(WebSourceSpider):
    name = "page"
    item_source = "page"

    async def start(self) -> AsyncIterator[scrapy.Request]:
        _ = self.known
        yield self.entry(self.spec.target, "article")
        for request in self.resumed_requests():
            yield request
