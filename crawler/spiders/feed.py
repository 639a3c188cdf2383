"""RSS/Atom/JSON Feed source: every entry is a web item; its page is fetched for the full text.

Feeds usually carry only a summary; the facts a post repeats (times, places)
are often only on the page, so entries on the same site are followed.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import scrapy
from scrapy.http import Response

from crawler.pages.feed import parse_feed
from crawler.pages.types import PageError
from crawler.spiders.web import WebSourceSpider, response_headers


class FeedSpider(WebSourceSpider):
    name = "feed"
    item_source = "feed"

    async def start(self) -> AsyncIterator[scrapy.Request]:
        yield self.request(self.spec.target, self.parse_feed, primary=True)

    def parse_feed(self, response: Response) -> Iterator[Any]:
        yield from self.iter_safely(response, lambda: self._feed(response))

    def _feed(self, response: Response) -> Iterator[Any]:
        try:
            entries = parse_feed(response.url, response_headers(response), response.body)
        except PageError as exc:
            self.parse_error(response, str(exc))
            return
        self.ok(response)
        self.tracker.notes["entries"] = len(entries)
        for entry in entries:
            if not entry.url:
                continue
            yield self.summary_item(entry.url, entry.title, entry.text, entry.published_at)
            yield from self.follow_page(
                entry.url, item_url=entry.url, item_title=entry.title, item_published=entry.published_at
            )
