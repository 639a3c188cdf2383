"""A social account read from a feed: RSS-Bridge or any RSS/Atom/JSON Feed, for any platform.

``{ platform = "rss", url = "…", as_platform = "facebook" }``: the posts are
recorded under ``as_platform`` (default ``rss``) with ids
``rss:<hash of the configured url>:<guid>`` (the configured URL, not the
``api`` override, so ids survive a move to a local copy). ``api`` replaces the
scheme and host of ``url``. Bridges list only their latest N items and scrape
pages that change under them, so an item missing from a bridge is never
taken as deleted.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import scrapy
from scrapy.http import Response

from crawler.pages.page_input import PageInput
from crawler.pages.social.social_feed import feed_key, feed_post_to_post, parse_social_feed
from crawler.pages.types import PageError
from crawler.spiders.social import SocialSpider


class RssSocialSpider(SocialSpider):
    name = "rss_social"
    supports_deletions = False
    #: A feed, not API paging: a redirect to another public host is followed (private ones never).
    confine_to_api_host = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        options = self.spec.options
        self.configured_url = options.url.strip()
        self.url = self.configured_url
        if options.api:
            api = urlsplit(options.api)
            parts = urlsplit(self.configured_url)
            self.url = urlunsplit((api.scheme, api.netloc, parts.path, parts.query, ""))
        self.platform = (options.as_platform or "rss").strip().lower()
        self.key = feed_key(self.configured_url)
        self.allowed_hosts = {urlsplit(self.url).hostname or ""}
        self.tracker.url = self.configured_url

    async def start(self) -> AsyncIterator[scrapy.Request]:
        self.load_state()
        self.tracker.notes["access"] = "feed"
        yield self.api_request(self.url, self.parse_feed, headers={
            "Accept": "application/atom+xml, application/rss+xml, application/feed+json, application/xml;q=0.9, */*;q=0.5"})

    def parse_feed(self, response: Response) -> Iterator[Any]:
        self.ok(response)
        try:
            items = parse_social_feed(PageInput.from_response(response))
        except PageError as exc:
            self.parse_error(response, str(exc))
            return
        undated = 0
        for item in items:
            post = feed_post_to_post(item, self.spec.org, self.key, self.platform, None)
            if post.published_at is None:
                undated += 1
            kept = self.keep(post)
            if kept is not None:
                yield kept
        if undated:
            self.tracker.notes["undated_items"] = undated
        self.walk_complete = True
