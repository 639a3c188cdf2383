"""RSS/Atom/JSON Feed source: every entry is a web item; its page is fetched for the full text.

Feeds usually carry only a summary; the facts a post repeats (times, places)
are often only on the page, so entries on the same site are followed. A feed
answering 304 replays its entries from the ledger (pages re-checked
conditionally).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import scrapy
from scrapy.http import Response

from crawler.pages.page_input import PageInput
from crawler.pages.types import PageError
from crawler.spiders.article import ArticleParsing
from crawler.pages.web.feed import parse_feed


class FeedParsing(ArticleParsing):
    """``parse_feed``: shared by the feed spider and the site spider."""

    def parse_feed(self, response: Response) -> Iterator[Any]:
        yield from self.container(response, lambda: self._feed(response))

    def _feed(self, response: Response) -> Iterator[Any]:
        try:
            entries = parse_feed(PageInput.from_response(response))
        except PageError as exc:
            self.parse_error(response, exc.reason)
            return
        self.ok(response)
        self.tracker.notes["entries"] = int(self.tracker.notes.get("entries", 0)) + len(entries)
        source = self.source_of(response.meta) if response.meta.get("src") else "feed"
        parent = response.meta.get("ledger_url")
        requests = []
        for entry in entries:
            if not entry.url:
                continue
            yield self.summary_item(entry.url, entry.title, entry.text, entry.published_at, source=source)
            requests.append(self.follow(entry.url, "page", parent, item_url=entry.url, item_title=entry.title,
                                        item_published=entry.published_at, src=source))
        yield from self.emit(requests)


class FeedSpider(FeedParsing):
    name = "feed"
    item_source = "feed"

    def entries(self) -> list[scrapy.Request]:
        return [self.entry(self.spec.target, "feed")]
