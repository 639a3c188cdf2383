"""News listing page: rows become web items, their pages are fetched, next pages (``?page=N``) followed.

Readers (crawler.pages.web.listing): the source's CSS selectors from config,
AppRegistry JSON (``news[]``, ``pages[]`` … lists rendered only in the browser),
Sitevision ``sv-channel`` items, EPiServer teasers, ``<article>`` teasers, and
a generic fallback (links under ``follow`` with a date near them).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import scrapy
from scrapy.http import Response

from crawler.pages.page_input import PageInput
from crawler.pages.types import PageError
from crawler.pages.web.listing import parse_listing
from crawler.spiders.article import ArticleParsing
from crawler.spiders.coordination import Quota


class ListingParsing(ArticleParsing):
    """``parse_list``: shared by the listing spider and the site spider."""

    def list_options(self, meta: dict[str, Any]) -> tuple[str | None, dict[str, str] | None, int]:
        options = self.spec.options
        if self.spec.kind == "site":  # a list found by a site source: what discovery said about it
            return meta.get("follow"), meta.get("selectors"), 20
        return (getattr(options, "follow", None), getattr(options, "selectors", None),
                int(getattr(options, "max_pages", 20) or 20))

    def parse_list(self, response: Response) -> Iterator[Any]:
        yield from self.container(response, lambda: self._list(response))

    def _list(self, response: Response) -> Iterator[Any]:
        follow, selectors, max_pages = self.list_options(response.meta)
        try:
            listing = parse_listing(PageInput.from_response(response), follow=follow, selectors=selectors)
        except PageError as exc:
            self.parse_error(response, exc.reason)
            return
        if not listing.entries and response.meta.get("candidate"):
            self.parse_error(response, "no list entries found")
            return
        self.ok(response)
        self.tracker.notes.setdefault("strategies", {})[response.url] = listing.strategy  # type: ignore[index]
        if selectors and listing.strategy != "selectors":
            self.tracker.notes["selectors_unmatched"] = True
        source = str(response.meta.get("src") or "listing")
        carry = {k: response.meta[k] for k in ("src", "follow", "selectors") if response.meta.get(k) is not None}
        parent = response.meta.get("ledger_url") or response.url
        requests = []
        for entry in listing.entries:
            yield self.summary_item(entry.url, entry.title, entry.summary, entry.published_at, source=source)
            requests.append(self.follow(entry.url, "page", parent, item_url=entry.url, item_title=entry.title,
                                        item_published=entry.published_at, src=source))
        # The first list page counts too: at most ``max_pages`` list pages in all.
        quota = Quota("list_pages", max_pages - 1, "list_page_budget_reached")
        for next_url in listing.next_pages:
            requests.append(self.follow(next_url, "list", parent, budget=False, quota=quota, cb="list", **carry))
            if self.tracker.notes.get("list_page_budget_reached"):
                break
        yield from self.emit(requests)


class ListingSpider(ListingParsing):
    name = "listing"
    item_source = "listing"

    def entries(self) -> list[scrapy.Request]:
        return [self.entry(self.spec.target, "list")]
