"""Mastodon account timeline, no token: lookup, then statuses paged by the Link header.

Access paths, in order, recorded as ``access`` in the source's detail and in
sources.jsonl:

* ``api`` — ``/api/v1/accounts/lookup?acct=user@domain`` on the instance, then
  ``/api/v1/accounts/:id/statuses?limit=40`` following ``rel="next"`` (which
  the server only sends after a full page). Replies and boosts are classified
  locally; ``exclude_replies``/``exclude_reblogs`` are not relied on.
* ``webfinger+api`` — the lookup answered 404 (the account's domain is not
  where its instance runs, or the instance never saw the acct): WebFinger on
  the account's domain names the real instance, whose API is then used.
* ``rss`` — the instance answers 401 to anonymous API calls (locked-down or
  limited-federation mode): ``https://instance/@user.rss`` instead. The feed
  has no pagination, boosts or replies, so nothing is ever marked deleted from it.

Paging stops at the horizon (see ``crawler.spiders.social``). Ids are opaque
strings and are never converted to numbers. Rate limits (``X-RateLimit-*``
with an ISO reset, 429 without ``Retry-After``) are honoured by the
RateLimitMiddleware; a 429 is retried after the reset.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import quote, urlsplit

import scrapy
from scrapy.http import Response

from crawler.pages.page_input import PageInput
from crawler.pages.social.mastodon import (
    instance_base,
    next_link,
    rss_to_posts,
    split_account,
    status_to_post,
    webfinger_target,
)
from crawler.spiders.social import SocialSpider

PAGE_LIMIT = 40
RSS_LIMIT = 200
#: Statuses the lookup and timeline may answer that we handle ourselves instead of as errors.
HANDLED = [401, 403, 404, 410]


class MastodonSpider(SocialSpider):
    name = "mastodon"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.account = self.spec.options.account
        self.user, self.domain = split_account(self.account)
        self.base = instance_base(self.account, self.spec.options.api)
        self.allowed_hosts = {urlsplit(self.base).hostname or ""}
        self.tracker.url = f"{self.base}/@{self.user}"
        self.via_webfinger = False

    def lookup_request(self, base: str, acct: str) -> scrapy.Request:
        return self.api_request(f"{base}/api/v1/accounts/lookup?acct={quote(acct, safe='@')}", self.parse_lookup,
                                meta={"handle_httpstatus_list": HANDLED, "base": base})

    async def start(self) -> AsyncIterator[scrapy.Request]:
        self.load_state()
        yield self.lookup_request(self.base, f"{self.user}@{self.domain}")

    def parse_lookup(self, response: Response) -> Iterator[Any]:
        base = response.meta.get("base", self.base)
        if response.status in (401, 403):
            yield from self.fall_back_to_rss(response, base)
            return
        if response.status == 404 and not self.via_webfinger:
            self.tracker.notes["lookup"] = "404"
            self.via_webfinger = True
            domain_base = self.base if self.spec.options.api else f"https://{self.domain}"
            yield self.api_request(
                f"{domain_base}/.well-known/webfinger?resource={quote(f'acct:{self.user}@{self.domain}', safe=':@')}",
                self.parse_webfinger, meta={"handle_httpstatus_list": [404, 410]},
                headers={"Accept": "application/jrd+json, application/json"},
            )
            return
        if response.status != 200:
            self.http_failure(response, "(account lookup)")
            return
        self.ok(response)
        account = self.json_body(response, "account lookup")
        if not isinstance(account, dict) or not account.get("id"):
            self.parse_error(response, "account lookup: no account id in the answer")
            return
        self.tracker.notes["access"] = "webfinger+api" if self.via_webfinger else "api"
        self.base = base
        yield self.api_request(
            f"{base}/api/v1/accounts/{quote(str(account['id']), safe='')}/statuses?limit={PAGE_LIMIT}",
            self.parse_statuses, meta={"handle_httpstatus_list": [401, 403], "base": base},
        )

    def parse_webfinger(self, response: Response) -> Iterator[Any]:
        if response.status != 200:
            self.http_failure(response, "(account not found by lookup or WebFinger)")
            return
        self.ok(response)
        jrd = self.json_body(response, "WebFinger")
        target = webfinger_target(jrd) if isinstance(jrd, dict) else None
        if target is None:
            self.parse_error(response, "WebFinger answer names no instance for the account")
            return
        base, acct = target
        named = urlsplit(base)
        if self.spec.options.api:
            # The configured api is the instance: an answer naming another host is not followed.
            if named.netloc != urlsplit(self.base).netloc:
                self.tracker.failure(response.url, f"webfinger_offsite (names {named.scheme}://{named.netloc}, "
                                                   "not the configured api)", True)
                return
            base = self.base
        elif named.scheme not in ("http", "https") or not named.hostname:
            self.parse_error(response, "WebFinger answer names no usable instance URL")
            return
        else:
            # The real instance of an account on its own domain; crawler/middlewares/egress.py still
            # refuses it if it resolves to a private address.
            self.allowed_hosts.add(named.hostname)
        self.tracker.notes["instance"] = base
        yield self.lookup_request(base, acct)

    def fall_back_to_rss(self, response: Response, base: str) -> Iterator[Any]:
        self.tracker.notes["api_refused"] = f"http_{response.status}"
        self.tracker.notes["access"] = "webfinger+rss" if self.via_webfinger else "rss"
        self.supports_deletions = False
        yield self.api_request(f"{base}/@{quote(self.user)}.rss?limit={RSS_LIMIT}", self.parse_rss,
                               headers={"Accept": "application/rss+xml, application/xml;q=0.9"})

    def parse_rss(self, response: Response) -> Iterator[Any]:
        self.ok(response)
        try:
            posts = rss_to_posts(PageInput.from_response(response), self.spec.org, self.account)
        except ValueError as exc:
            self.parse_error(response, str(exc))
            return
        for post in posts:
            kept = self.keep(post)
            if kept is not None:
                yield kept
        dated = [p.published_at for p in posts if p.published_at is not None]
        if len(posts) >= RSS_LIMIT and dated and min(dated) >= self.window_start:
            # The feed is capped and does not reach back to the window start.
            self.tracker.failure(response.url, "rss_truncated", True)
        self.walk_complete = True

    def parse_statuses(self, response: Response) -> Iterator[Any]:
        if response.status in (401, 403):
            yield from self.fall_back_to_rss(response, response.meta.get("base", self.base))
            return
        self.ok(response)
        statuses = self.json_body(response, "statuses")
        if statuses is None:
            return
        if not isinstance(statuses, list):
            self.parse_error(response, "expected a JSON array of statuses")
            return
        if not self.count_page(response):
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
            kept = self.keep(post, cursor_id=str(status.get("id")))
            if kept is not None:
                yield kept
        following = next_link(response.headers.get("Link", b"").decode("latin-1"))
        if following and not self.past_horizon(oldest):
            yield self.api_request(following, self.parse_statuses,
                                   meta={"handle_httpstatus_list": [401, 403], "base": response.meta.get("base")})
        else:
            self.walk_complete = True
