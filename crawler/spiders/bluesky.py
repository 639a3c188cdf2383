"""Bluesky author feed from the public AppView, no login, paged by cursor.

``filter=posts_and_author_threads``: the account's posts, its own threads and
its reposts (a repost, ``reason.$type == …#reasonRepost``, becomes kind
``share``). The server may return a short page that still carries a cursor;
only a missing cursor means the end, so a short page never stops the walk.
Paging also stops once a whole page is older than the horizon (see
``crawler.spiders.social``). XRPC errors (``{"error","message"}``) are
reported with their own words; ``RateLimit-*`` and ``Retry-After`` are
honoured by the RateLimitMiddleware.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import scrapy
from scrapy.http import Response

from crawler.pages.social.bluesky import feed_item_to_post
from crawler.spiders.social import SocialSpider

PUBLIC_APPVIEW = "https://public.api.bsky.app"
PAGE_LIMIT = 100
FEED_FILTER = "posts_and_author_threads"


class BlueskySpider(SocialSpider):
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
        self.load_state()
        self.tracker.notes["access"] = "api"
        yield self.api_request(self.page_url(), self.parse_feed)

    def parse_feed(self, response: Response) -> Iterator[Any]:
        self.ok(response)
        data = self.json_body(response, "getAuthorFeed")
        if data is None:
            return
        feed = data.get("feed") if isinstance(data, dict) else None
        if not isinstance(feed, list):
            self.parse_error(response, "getAuthorFeed: no 'feed' list in the answer")
            return
        if not self.count_page(response):
            return
        any_after_horizon = False
        for item in feed:
            try:
                post = feed_item_to_post(item, self.spec.org, self.account)
            except Exception as exc:  # noqa: BLE001
                self.parse_error(response, f"feed item: {exc}")
                continue
            if (item.get("reason") or {}).get("$type") == "app.bsky.feed.defs#reasonPin":
                continue  # a pinned post repeats at the top; its own place in the feed counts
            if post.published_at is None or not self.past_horizon(post.published_at):
                any_after_horizon = True
            kept = self.keep(post)
            if kept is not None:
                yield kept
        cursor = data.get("cursor")
        if cursor and cursor in self.seen_cursors:
            self.parse_error(response, f"server repeated cursor {cursor!r}; stopping")
            return
        if cursor and (any_after_horizon or not feed):
            self.seen_cursors.add(cursor)
            yield self.api_request(self.page_url(cursor), self.parse_feed)
        else:
            self.walk_complete = True
