"""Mastodon account timeline, no token: lookup, then statuses paged by the Link header.

Paging follows ``rel="next"`` (which the server only sends after a full page)
and stops once a page reaches past the audit window. Ids are opaque strings and
are never converted to numbers.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import quote, urlsplit

import scrapy
from scrapy.http import Response

from crawler.pages.mastodon import instance_base, next_link, split_account, status_to_post
from crawler.spiders.base import SourceSpider
from parity.records import parse_time

PAGE_LIMIT = 40


class MastodonSpider(SourceSpider):
    name = "mastodon"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.account = self.spec.options.account
        self.base = instance_base(self.account, self.spec.options.api)
        self.allowed_hosts = {urlsplit(self.base).hostname or ""}
        self.tracker.url = f"{self.base}/@{split_account(self.account)[0]}"

    async def start(self) -> AsyncIterator[scrapy.Request]:
        user, _ = split_account(self.account)
        yield self.request(f"{self.base}/api/v1/accounts/lookup?acct={quote(user)}", self.parse_lookup, primary=True)

    def parse_lookup(self, response: Response) -> Iterator[Any]:
        self.ok(response)
        try:
            account = json.loads(response.text)
            account_id = str(account["id"])
        except (ValueError, KeyError, TypeError) as exc:
            self.parse_error(response, f"account lookup: {exc}")
            return
        self.tracker.notes["access"] = "api"
        yield self.request(
            f"{self.base}/api/v1/accounts/{account_id}/statuses?limit={PAGE_LIMIT}",
            self.parse_statuses, primary=True,
        )

    def parse_statuses(self, response: Response) -> Iterator[Any]:
        self.ok(response)
        try:
            statuses = json.loads(response.text)
            if not isinstance(statuses, list):
                raise ValueError("expected a JSON array of statuses")
        except ValueError as exc:
            self.parse_error(response, str(exc))
            return
        oldest = None
        for status in statuses:
            try:
                post = status_to_post(status, self.spec.org, self.account)
            except Exception as exc:  # noqa: BLE001 - one odd status is an error row
                self.parse_error(response, f"status {status.get('id')!r}: {exc}")
                continue
            if post.published_at is not None:
                oldest = post.published_at if oldest is None else min(oldest, post.published_at)
            if post.published_at is None or post.published_at >= self.window_start:
                yield post
        following = next_link(response.headers.get("Link", b"").decode("latin-1"))
        if following and (oldest is None or oldest >= self.window_start):
            yield self.request(following, self.parse_statuses, primary=True)


def _created(status: dict[str, Any]) -> Any:
    return parse_time(status.get("created_at"))
