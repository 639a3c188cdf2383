"""A start URL only (source type ``site``): its feeds, sitemaps, news lists and notice board are crawled.

At run time the spider does what ``parity discover`` does (crawler.discover):
feeds from the start page's ``<link rel=alternate>``, sitemaps from robots.txt
(else ``/sitemap.xml``, kept to news-like sections), list pages and the notice
board linked from the start page (what the site names counts against the
source's caps and budget, see ``WebSourceSpider.follow_containers``). Feeds and sitemaps the site declares are
primary (a robots-blocked or failing one makes the source incomplete);
guessed lists, boards and ``/sitemap.xml`` are candidates whose failure is only
noted. Items keep the kind of sub-source that found them (``feed``,
``sitemap``, ``listing``, ``notice_board``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.discover.readers import NEWS_PATH, sitemap_probes
from crawler.pages.page_input import PageInput
from crawler.pages.web.home import home_findings
from crawler.pages.web.sitemap import sitemaps_from_robots
from crawler.spiders.feed import FeedParsing
from crawler.spiders.listing import ListingParsing
from crawler.spiders.notice_board import NoticeBoardParsing
from crawler.spiders.sitemap import SitemapParsing
from crawler.spiders.web import CALLBACKS

CALLBACKS.setdefault("home", "parse_home")
CALLBACKS.setdefault("robots", "parse_robots")


class SiteSpider(FeedParsing, SitemapParsing, ListingParsing, NoticeBoardParsing):
    name = "site"
    item_source = "page"

    def entries(self) -> list[scrapy.Request]:
        root = f"{urlsplit(self.spec.target).scheme}://{urlsplit(self.spec.target).netloc}"
        home = self.entry(self.spec.target, "home")
        robots = self.entry(root + "/robots.txt", "robots", candidate=True)
        return [home, robots.replace(errback=self.robots_failed)]

    # -- the start page: feeds, lists, board ----------------------------------------------
    def parse_home(self, response: Response) -> Iterator[Any]:
        yield from self.container(response, lambda: self._home(response))

    def _home(self, response: Response) -> Iterator[Any]:
        home = home_findings(PageInput.from_response(response))
        self.ok(response)
        self.tracker.notes.update({"cms": home.cms, "feeds": home.feeds, "lists": home.lists, "boards": home.boards})
        parent = response.meta.get("ledger_url")
        requests = self.follow_containers(home.feeds, parent, cb="feed", src="feed", primary=True)
        requests += self.follow_containers(home.lists, parent, cb="list", src="listing", candidate=True)
        for url in home.boards:
            host = urlsplit(url).hostname
            if host and "netpublicator" in host:
                self.allow_host(host)
        requests += self.follow_containers(home.boards, parent, cb="board", src="notice_board", candidate=True)
        yield from self.emit(requests)

    # -- robots.txt: declared sitemaps -------------------------------------------------------
    def parse_robots(self, response: Response) -> Iterator[Any]:
        yield from self.container(response, lambda: self._robots(response))

    def _robots(self, response: Response) -> Iterator[Any]:
        declared = sitemaps_from_robots(PageInput.from_response(response))
        self.tracker.notes["sitemaps"] = declared
        parent = response.meta.get("ledger_url")
        if declared:
            yield from self.emit(self.follow_containers(declared, parent, cb="sitemap", src="sitemap",
                                                        include=[NEWS_PATH.pattern], primary=True))
        else:
            yield from self.emit(self._probe(parent))

    def robots_failed(self, failure: Failure) -> Iterator[Any]:
        self.on_error(failure)
        yield from self.emit(self._probe(failure.request.meta.get("ledger_url")))  # type: ignore[attr-defined]

    def _probe(self, parent: str | None) -> list[Any]:
        return [self.follow(url, "entry", parent, budget=False, cb="sitemap", src="sitemap",
                            include=[NEWS_PATH.pattern], candidate=True)
                for url in sitemap_probes(self.spec.target)[:1]]
