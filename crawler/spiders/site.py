"""A start URL only (source type ``site``): feeds linked from its ``<head>`` are read.

Discovery in depth (sitemaps from robots.txt, listing pages, the notice board)
lives in ``parity discover``; at crawl time the site's own feed links are the
cheapest reliable signal.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import scrapy
from scrapy.http import Response

from crawler.pages.article import extract_article
from crawler.spiders.feed import FeedSpider
from crawler.spiders.web import response_headers


class SiteSpider(FeedSpider):
    name = "site"

    async def start(self) -> AsyncIterator[scrapy.Request]:
        yield self.request(self.spec.target, self.parse_home, primary=True)

    def parse_home(self, response: Response) -> Iterator[Any]:
        yield from self.iter_safely(response, lambda: self._home(response))

    def _home(self, response: Response) -> Iterator[Any]:
        self.ok(response)
        article = extract_article(response.url, response_headers(response), response.body)
        self.tracker.notes["feeds"] = list(article.feed_urls or [])
        if not article.feed_urls:
            self.parse_error(response, "no feed linked from the start page")
        for feed_url in article.feed_urls or []:
            yield self.request(feed_url, self.parse_feed, primary=True)
