"""Facebook Page posts through the Graph API, with a Page token from the environment.

``{ platform = "facebook", page_id = "…", token_env = "FB_TOKEN" }``: reads
``/{page-id}/posts`` (the Page's own posts; ``/feed`` would add visitors'
posts) with ``since=<horizon>``, following ``paging.next`` until it is absent —
a short or empty page with a ``next`` is not the end. The token goes in the
``Authorization`` header; the ``access_token`` Graph writes into ``next`` links
is removed before they are followed. Throttling (error codes 4/17/32/613/800xx,
answered as HTTP 400/403 with ``X-Business-Use-Case-Usage``) is waited out when
the estimated time to regain access is within ``max_retry_after_seconds``,
otherwise the source is reported incomplete at once instead of hammering.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import scrapy
from scrapy.http import Response

from crawler.middlewares.ratelimit import wait_from_response
from crawler.pages.social.graph import (
    GRAPH_VERSION,
    POST_FIELDS,
    THROTTLE_CODES,
    facebook_post_to_post,
    graph_error,
    next_page,
)
from crawler.spiders.social import SocialSpider, strip_secrets
from parity.core.records import Post

GRAPH = "https://graph.facebook.com"
HANDLED = [400, 401, 403, 404]


class GraphSpider(SocialSpider):
    """Shared by the Facebook and Instagram spiders: one Graph edge, cursor-paged."""

    name = "graph"
    obey_robots = False
    edge = "posts"
    fields = POST_FIELDS
    page_limit = 100
    object_id = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.base = (self.spec.options.api or GRAPH).rstrip("/")
        self.allowed_hosts = {urlsplit(self.base).hostname or ""}
        self.token_hosts = frozenset(self.allowed_hosts)

    def to_post(self, item: dict[str, Any]) -> Post:
        raise NotImplementedError

    def first_url(self) -> str:
        params = {"fields": self.fields, "limit": str(self.page_limit), "since": str(int(self.horizon.timestamp()))}
        return f"{self.base}/{GRAPH_VERSION}/{quote(self.object_id, safe='')}/{self.edge}?{urlencode(params)}"

    def graph_request(self, url: str, tries: int = 0) -> scrapy.Request:
        return self.api_request(url, self.parse_page, auth=True,
                                meta={"handle_httpstatus_list": HANDLED, "graph_tries": tries})

    async def start(self) -> AsyncIterator[scrapy.Request]:
        self.load_state()
        self.tracker.notes["access"] = "graph"
        yield self.graph_request(self.first_url())

    def parse_page(self, response: Response) -> Iterator[Any]:
        data = self.json_body(response, "Graph answer")
        if response.status != 200 or graph_error(data):
            yield from self.graph_failure(response, data)
            return
        self.ok(response)
        if not isinstance(data, dict) or not isinstance(data.get("data"), list):
            self.parse_error(response, "Graph answer without a 'data' list")
            return
        if not self.count_page(response):
            return
        oldest = None
        for item in data["data"]:
            try:
                post = self.to_post(item)
            except Exception as exc:  # noqa: BLE001 - one odd item is an error row
                self.parse_error(response, f"item {str(item.get('id'))[:40]!r}: {type(exc).__name__}: {exc}")
                continue
            if post.published_at is not None:
                oldest = post.published_at if oldest is None else min(oldest, post.published_at)
            kept = self.keep(post)
            if kept is not None:
                yield kept
        following = next_page(data)
        if following and not self.past_horizon(oldest):
            yield self.graph_request(strip_secrets(following))
        else:
            self.walk_complete = True

    def graph_failure(self, response: Response, data: Any) -> Iterator[Any]:
        error = graph_error(data)
        code = error[0] if error else None
        if code in THROTTLE_CODES:
            wait = wait_from_response(response)
            tries = int(response.meta.get("graph_tries", 0))
            max_wait = self.settings.getfloat("PARITY_MAX_RATE_WAIT", 60.0)
            if wait is not None and wait <= max_wait and tries < self.settings.getint("RETRY_TIMES", 3):
                # The RateLimitMiddleware has paused this host until access returns.
                yield self.graph_request(response.url, tries + 1).replace(dont_filter=True)
                return
            asked = f"; access returns in about {wait:.0f} s" if wait is not None else ""
            self.tracker.failure(strip_secrets(response.url), f"rate_limited (code {code}: {error[1] if error else ''}{asked})",
                                 bool(response.meta.get("primary")))
            return
        self.http_failure(response)


class FacebookSpider(GraphSpider):
    name = "facebook"
    edge = "posts"
    fields = POST_FIELDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.object_id = self.spec.options.page_id.strip()
        self.tracker.url = f"https://www.facebook.com/{self.object_id}"

    def to_post(self, item: dict[str, Any]) -> Post:
        return facebook_post_to_post(item, self.spec.org, self.object_id)


