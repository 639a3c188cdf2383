"""Bluesky author feed from the public AppView, no login, paged by cursor.

The server may return a short page that still carries a cursor; only a missing
cursor means the end. Paging also stops once a whole page is older than the
audit window.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import scrapy
from scrapy.http import Response

from crawler.pages.bluesky import feed_item_to_post
from crawler.spiders.base import SourceSpider

PUBLIC_APPVIEW = "https://public.api.bsky.app"
PAGE_LIMIT = 100
FEED_FILTER = "posts_and_author_threads"


class BlueskySpider(SourceSpider):
    name = "bluesky"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.account = self.spec.options.account.lstrip("@")
        self.base = (self.spec.options.api or PUBLIC_APPVIEW).rstrip("/")
        self.allowed_hosts = {urlsplit(self.base).hostname or ""}
        self.tracker.url = f"https://bsky.app/profile/{self.account}"
        self.seen_cursors: set[str] = set()

    def page_url(self, cursor: str | None = None) -> str:
        params = {"actor": self.account, "limit": PAGE_LIMIT, "filter": FEED_FILTER}
        if cursor:
            params["cursor"] = cursor
        return f"{self.base}/xrpc/app.bsky.feed.getAuthorFeed?{urlencode(params, quote_via=quote)}"

    async def start(self) -> AsyncIterator[scrapy.Request]:
        yield self.request(self.page_url(), self.parse_feed, primary=True)

    def parse_feed(self, response: Response) -> Iterator[Any]:
        self.ok(response)
        try:
            data = json.loads(response.text)
            feed = data["feed"]
        except (ValueError, KeyError, TypeError) as exc:
            self.parse_error(response, f"getAuthorFeed: {exc}")
            return
        any_in_window = False
        for item in feed:
            try:
                post = feed_item_to_post(item, self.spec.org, self.account)
            except Exception as exc:  # noqa: BLE001
                self.parse_error(response, f"feed item: {exc}")
                continue
            if post.published_at is None or post.published_at >= self.window_start:
                any_in_window = True
                yield post
        cursor = data.get("cursor")
        if cursor in self.seen_cursors:
            self.parse_error(response, f"server repeated cursor {cursor!r}; stopping")
            return
        if cursor and (any_in_window or not feed):
            self.seen_cursors.add(cursor)
            yield self.request(self.page_url(cursor), self.parse_feed, primary=True)
