"""The discovery spider: fetches the start page, robots.txt, sitemaps and the candidates they name.

Each callback hands a fetched body to a reader (crawler.discover.readers and the
page objects) and records what it verified as a :class:`Found`; the run
(crawler.discover.run) sorts and renders them.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler.discover.readers import (
    MAX_CHILD_SITEMAPS,
    Found,
    Home,
    follow_prefix,
    home_findings,
    include_patterns,
    sitemap_probes,
)
from crawler.pages.page_input import PageInput
from crawler.pages.web.feed import parse_feed
from crawler.pages.web.listing import parse_listing
from crawler.pages.web.notice_board import embedded_board_url, parse_notice_board
from crawler.pages.web.sitemap import parse_sitemap, sitemaps_from_robots
from crawler.pages.types import PageError
from crawler.spiders.base import classify_failure

log = logging.getLogger("crawler.discover")


class DiscoverySpider(scrapy.Spider):
    name = "discover"

    def __init__(self, start_url: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.start_url = start_url
        self.home: Home | None = None
        self.home_error: str | None = None
        self.found: dict[tuple[str, str], Found] = {}
        self.order: list[tuple[str, str]] = []
        self.notes: list[str] = []
        self.sitemap_pages: dict[str, list[str]] = {}
        self.pending_children: dict[str, int] = {}
        self.probed = False

    def add(self, item: Found) -> None:
        key = (item.type, item.url)
        if key not in self.found:
            self.order.append(key)
        self.found[key] = item

    def results(self) -> list[Found]:
        return [self.found[key] for key in self.order]

    def req(self, url: str, callback: Any, kind: str, **meta: Any) -> scrapy.Request:
        return scrapy.Request(url, callback=callback, errback=self.failed, dont_filter=True,
                              meta={"kind": kind, **meta})

    async def start(self) -> AsyncIterator[scrapy.Request]:
        yield self.req(self.start_url, self.parse_home, "home")
        root = f"{urlsplit(self.start_url).scheme}://{urlsplit(self.start_url).netloc}"
        yield self.req(root + "/robots.txt", self.parse_robots, "robots")

    def failed(self, failure: Failure) -> Iterator[Any]:
        request = failure.request  # type: ignore[attr-defined]
        kind = request.meta.get("kind")
        reason = classify_failure(failure)
        if kind == "home":
            self.home_error = f"{reason}: {request.url}"
            return
        if kind == "robots":
            self.notes.append(f"robots.txt: {reason}")
            yield from self.probe_sitemaps()
            return
        if reason == "robots" and kind in ("feed", "sitemap", "board", "list") and request.meta.get("declared"):
            self.add(Found(kind if kind != "list" else "listing", request.url, blocked="robots"))
            return
        if kind == "child":
            self.child_done(request.meta["index"])
        log.info("candidate %s rejected: %s", request.url,
                 reason if not isinstance(failure.value, HttpError) else f"http_{failure.value.response.status}")

    # -- robots.txt and sitemaps ------------------------------------------------------
    def parse_robots(self, response: Response) -> Iterator[Any]:
        declared = sitemaps_from_robots(PageInput.from_response(response))
        if not declared:
            yield from self.probe_sitemaps()
            return
        self.notes.append(f"robots.txt declares {len(declared)} sitemap(s).")
        for url in declared:
            yield self.req(url, self.parse_sitemap, "sitemap", declared=True)

    def probe_sitemaps(self) -> Iterator[Any]:
        if self.probed:
            return
        self.probed = True
        for url in sitemap_probes(self.start_url)[:1]:
            yield self.req(url, self.parse_sitemap, "sitemap")

    def parse_sitemap(self, response: Response) -> Iterator[Any]:
        try:
            sitemap = parse_sitemap(PageInput.from_response(response))
        except PageError as exc:
            log.info("not a sitemap: %s", exc)
            return
        url = response.request.url if response.request else response.url
        if sitemap.is_index:
            children = [e.loc for e in sitemap.entries][:MAX_CHILD_SITEMAPS]
            self.sitemap_pages[url] = []
            self.pending_children[url] = len(children)
            self.add(Found("sitemap", url, f"sitemap index, {len(sitemap.entries)} sitemaps"))
            for child in children:
                yield self.req(child, self.parse_child, "child", index=url)
            if not children:
                self.finish_sitemap(url)
            return
        self.sitemap_pages[url] = [e.loc for e in sitemap.entries]
        self.add(Found("sitemap", url))
        self.finish_sitemap(url)

    def parse_child(self, response: Response) -> None:
        index = response.meta["index"]
        try:
            sitemap = parse_sitemap(PageInput.from_response(response))
            if not sitemap.is_index:
                self.sitemap_pages[index].extend(e.loc for e in sitemap.entries)
        except PageError as exc:
            log.info("child sitemap unreadable: %s", exc)
        self.child_done(index)

    def child_done(self, index: str) -> None:
        self.pending_children[index] -= 1
        if self.pending_children[index] <= 0:
            self.finish_sitemap(index)

    def finish_sitemap(self, url: str) -> None:
        pages = self.sitemap_pages.get(url, [])
        patterns = include_patterns(pages)
        found = self.found[("sitemap", url)]
        news = sum(1 for p in pages if any(re.search(pat, urlsplit(p).path) for pat in patterns))
        if patterns:
            found.options = {"include": patterns}
        found.note = ", ".join(filter(None, [found.note, f"{len(pages)} pages",
                                             f"{news} news-like" if patterns else "no news-like sections found"]))

    # -- start page, feeds, lists, boards ------------------------------------------
    def parse_home(self, response: Response) -> Iterator[Any]:
        self.home = home_findings(PageInput.from_response(response))
        for url in self.home.feeds:
            yield self.req(url, self.parse_feed, "feed", declared=True)
        for url in self.home.lists:
            yield self.req(url, self.parse_list, "list")
        for url in self.home.boards:
            yield self.req(url, self.parse_board, "board")

    def parse_feed(self, response: Response) -> None:
        try:
            entries = parse_feed(PageInput.from_response(response))
        except PageError as exc:
            log.info("not a feed: %s", exc)
            return
        self.add(Found("feed", response.request.url if response.request else response.url,
                       f"{len(entries)} entries"))

    def parse_list(self, response: Response) -> None:
        try:
            listing = parse_listing(PageInput.from_response(response))
        except PageError as exc:
            log.info("not a list: %s", exc)
            return
        if len(listing.entries) < 2:
            return
        url = response.request.url if response.request else response.url
        prefix = follow_prefix(url, [e.url for e in listing.entries])
        options = {"follow": prefix} if prefix else {}
        note = f"{listing.strategy}, {len(listing.entries)} entries" + (
            f", {len(listing.next_pages)} further page links" if listing.next_pages else "")
        self.add(Found("listing", url, note, options))

    def parse_board(self, response: Response) -> Iterator[Any]:
        page = PageInput.from_response(response)
        try:
            notices = parse_notice_board(page)
        except PageError as exc:
            embed = embedded_board_url(page)
            if embed and not response.meta.get("embedded"):
                yield self.req(embed, self.parse_board, "board", embedded=True)
                return
            log.info("not a notice board: %s", exc)
            return
        url = response.request.url if response.request else response.url
        self.add(Found("notice_board", url, f"{len(notices)} notices"))
