"""News listing page: rows become web items, their pages are fetched, next pages followed."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import scrapy
from scrapy.http import Response

from crawler.pages.listing import parse_listing
from crawler.pages.types import PageError
from crawler.spiders.web import WebSourceSpider, response_headers
from parity.urls import canonical_url


class ListingSpider(WebSourceSpider):
    name = "listing"
    item_source = "listing"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.list_pages_seen: set[str] = set()

    async def start(self) -> AsyncIterator[scrapy.Request]:
        self.list_pages_seen.add(canonical_url(self.spec.target) or self.spec.target)
        yield self.request(self.spec.target, self.parse_list, primary=True)

    def parse_list(self, response: Response) -> Iterator[Any]:
        yield from self.iter_safely(response, lambda: self._list(response))

    def _list(self, response: Response) -> Iterator[Any]:
        options = self.spec.options
        try:
            listing = parse_listing(
                response.url, response_headers(response), response.body,
                follow=getattr(options, "follow", None), selectors=getattr(options, "selectors", None),
            )
        except PageError as exc:
            self.parse_error(response, str(exc))
            return
        self.ok(response)
        for entry in listing.entries:
            yield self.summary_item(entry.url, entry.title, entry.summary, entry.published_at)
            yield from self.follow_page(
                entry.url, item_url=entry.url, item_title=entry.title, item_published=entry.published_at
            )
        max_pages = getattr(options, "max_pages", 20)
        for next_url in listing.next_pages:
            key = canonical_url(next_url) or next_url
            if key in self.list_pages_seen or len(self.list_pages_seen) >= max_pages or not self.same_site(next_url):
                continue
            self.list_pages_seen.add(key)
            yield self.request(next_url, self.parse_list, primary=True)
