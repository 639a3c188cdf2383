"""X (Twitter) user timeline through API v2, with a Bearer token from the environment.

``{ platform = "x", user_id = "…", token_env = "X_BEARER_TOKEN" }``: reads
``/2/users/:id/tweets?max_results=100&start_time=<horizon>`` with the fields
and expansions the parser needs, following ``meta.next_token`` until it is
absent. Rate limits (``x-rate-limit-*``, epoch reset; 429) are honoured by the
RateLimitMiddleware. The endpoint reaches only the newest 3,200 tweets: a walk
that hits that cap is not complete (nothing is marked deleted).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import scrapy
from scrapy.http import Response

from crawler.pages.social.x_api import (
    EXPANSIONS,
    MEDIA_FIELDS,
    TIMELINE_CAP,
    TWEET_FIELDS,
    USER_FIELDS,
    includes_index,
    tweet_to_post,
)
from crawler.spiders.social import SocialSpider
from parity.core.timeutil import format_time

X_API = "https://api.x.com"


class XSpider(SocialSpider):
    name = "x"
    obey_robots = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user_id = self.spec.options.user_id.strip()
        self.base = (self.spec.options.api or X_API).rstrip("/")
        self.allowed_hosts = {urlsplit(self.base).hostname or ""}
        self.token_hosts = frozenset(self.allowed_hosts)
        self.tracker.url = f"https://x.com/i/user/{self.user_id}"
        self.returned = 0

    def page_url(self, token: str | None = None) -> str:
        params = {
            "max_results": "100",
            "tweet.fields": TWEET_FIELDS,
            "expansions": EXPANSIONS,
            "media.fields": MEDIA_FIELDS,
            "user.fields": USER_FIELDS,
            "start_time": (format_time(self.horizon.replace(microsecond=0)) or "").replace("+00:00", "Z"),
        }
        if token:
            params["pagination_token"] = token
        return f"{self.base}/2/users/{quote(self.user_id, safe='')}/tweets?{urlencode(params)}"

    async def start(self) -> AsyncIterator[scrapy.Request]:
        self.load_state()
        self.tracker.notes["access"] = "api"
        yield self.api_request(self.page_url(), self.parse_page, auth=True)

    def parse_page(self, response: Response) -> Iterator[Any]:
        self.ok(response)
        page = self.json_body(response, "X API answer")
        if not isinstance(page, dict):
            if page is not None:
                self.parse_error(response, "X API answer is not an object")
            return
        if not self.count_page(response):
            return
        if page.get("errors") and "data" not in page:
            first = page["errors"][0] if isinstance(page["errors"], list) and page["errors"] else {}
            self.tracker.failure(response.url, f"api_error ({first.get('title') or ''}: {first.get('detail') or ''})",
                                 True)
            return
        index = includes_index(page)
        for tweet in page.get("data") or []:  # no "data" key at all on an empty page
            self.returned += 1
            try:
                post = tweet_to_post(tweet, self.spec.org, self.user_id, index)
            except Exception as exc:  # noqa: BLE001
                self.parse_error(response, f"tweet {str(tweet.get('id'))[:30]!r}: {type(exc).__name__}: {exc}")
                continue
            kept = self.keep(post, cursor_id=str(tweet.get("id")))
            if kept is not None:
                yield kept
        token = (page.get("meta") or {}).get("next_token")
        if token:
            yield self.api_request(self.page_url(token), self.parse_page, auth=True)
        elif self.returned >= TIMELINE_CAP:
            # Older tweets inside the window exist but the endpoint cannot reach them.
            self.tracker.failure(response.url, f"timeline_cap ({TIMELINE_CAP} newest tweets only)", True)
        else:
            self.walk_complete = True
