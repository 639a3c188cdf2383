"""Source discovery: from a site's start URL to a ready config block (``parity discover URL``).

Where a Swedish public body publishes in writing, and how we find it:

* feeds — ``<link rel=alternate type=application/rss+xml>`` in the start page's ``<head>``
  (Sitevision's portlet RSS URL lives only there);
* sitemaps — ``Sitemap:`` lines of robots.txt, else ``/sitemap.xml``; an index is followed to its
  (gzipped) children, and ``include`` patterns keep the news-like sections (``/nyheter/``,
  ``/driftinformation/``, ``/anslagstavla/`` …);
* news listings — start-page links named "Nyheter", "Aktuellt", "Pressmeddelanden",
  "Driftinformation" … (the list page is read to check it is one, and to learn ``follow``);
* the notice board — links named "Anslagstavla" (Sitevision boards, an embedded Netpublicator
  board, MeetingsPlus' digital bulletin board).

The pure functions here read fetched pages; the network is a short Scrapy run
(``python -m crawler.discover URL``: one process, robots.txt obeyed) whose
stdout is the TOML block. The ``site`` source spider uses the same functions at
crawl time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import posixpath
import re
import sys
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from crawler.pages.links import same_site
from crawler.pages.text import fold_accents as _fold
from crawler.pages.web.home import Home, home_findings

log = logging.getLogger("crawler.discover")

#: First path segments of news-like pages (sitemap ``include`` patterns are built from these).
NEWS_SECTIONS = re.compile(
    r"^(nyheter|nyhetsarkiv|aktuellt|press|pressmeddelanden|pressrum|driftinformation|driftstorningar|"
    r"storningar|störningar|anslagstavla|anslagstavlan|kungorelser|kungörelser|news|meddelanden)$",
    re.IGNORECASE,
)
SITEMAP_PROBES = ("/sitemap.xml", "/sitemapindex.xml", "/sitemap_index.xml")
MAX_CHILD_SITEMAPS = 10


@dataclass
class Found:
    """One verified (or robots-blocked) source for the config block."""

    type: str
    url: str
    note: str = ""
    options: dict[str, Any] = field(default_factory=dict)
    blocked: str | None = None  # "robots" when robots.txt disallows it


def sitemap_probes(start_url: str) -> list[str]:
    root = f"{urlsplit(start_url).scheme}://{urlsplit(start_url).netloc}"
    return [root + path for path in SITEMAP_PROBES]


def include_patterns(urls: list[str]) -> list[str]:
    """``include`` regexes for the news-like sections present among a sitemap's page URLs."""
    sections: Counter[str] = Counter()
    for url in urls:
        parts = [p for p in urlsplit(url).path.split("/") if p]
        for depth, part in enumerate(parts[:-1][:3]):  # /nyheter/x, /sv/nyheter/x, /kommun/anslagstavla/x
            name = re.sub(r"\.(html?|aspx?)$", "", part, flags=re.IGNORECASE)
            if NEWS_SECTIONS.match(_fold(name)):
                sections["/" + "/".join(parts[: depth + 1]) + "/"] += 1
                break
    return [f"^{re.escape(prefix)}".replace("\\/", "/") for prefix, _n in sorted(sections.items())]


def follow_prefix(list_url: str, entry_urls: list[str]) -> str | None:
    """The ``follow`` path prefix shared by a list's entries (None if they share none)."""
    paths = [urlsplit(u).path for u in entry_urls if same_site(u, list_url)]
    if not paths:
        return None
    common = posixpath.commonpath(paths) if len(paths) > 1 else posixpath.dirname(paths[0])
    if not common or common == "/":
        return None
    return common.rstrip("/") + "/"


def slug(text: str) -> str:
    value = re.sub(r"[^a-z0-9]+", "-", _fold(text).lower()).strip("-")
    return value if value and value[0].isalnum() else f"org-{value}".strip("-")


def _toml_str(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + " }"
    return _toml_str(str(value))


def render_toml(start_url: str, home: Home | None, found: list[Found], org_id: str | None = None,
                name: str | None = None, notes: list[str] | None = None) -> str:
    """The config block (contracts.md §4) that ``parity check-config`` accepts."""
    host = urlsplit(start_url).hostname or "site"
    display = name or (home.site_name if home else None) or host
    ident = org_id or slug(display if name or (home and home.site_name) else host.removeprefix("www."))
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d")
    lines = [f"# Discovered by `parity discover {start_url}` on {stamp}; review before use."]
    if home is not None:
        lines.append(f"# CMS: {home.cms}.")
    lines += [f"# {note}" for note in notes or []]
    lines += ["[[org]]", f"id = {_toml_str(ident)}", f"name = {_toml_str(display)}", "web = ["]
    sources = found or [Found("site", start_url, "nothing specific found: the crawl discovers at run time")]
    for item in sources:
        table = {"type": item.type, "url": item.url, **item.options}
        comment = item.note
        if item.blocked == "robots":
            comment = "robots.txt disallows this URL: the audit reports it as robots_blocked" + (
                f"; {comment}" if comment else "")
        lines.append(f"  {_toml_value(table)}," + (f"  # {comment}" if comment else ""))
    lines += ["]", "social = []", ""]
    return "\n".join(lines)


# --- the Scrapy run ---------------------------------------------------------------------------


def _spider_class() -> type:
    """The discovery spider (built late: Scrapy installs its reactor when the process starts)."""
    import scrapy
    from scrapy.http import Response
    from scrapy.spidermiddlewares.httperror import HttpError
    from twisted.python.failure import Failure

    from crawler.pages.page_input import PageInput
    from crawler.pages.types import PageError
    from crawler.pages.web.feed import parse_feed
    from crawler.pages.web.listing import parse_listing
    from crawler.pages.web.notice_board import embedded_board_url, parse_notice_board
    from crawler.pages.web.sitemap import parse_sitemap, sitemaps_from_robots
    from crawler.spiders.base import classify_failure

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

    return DiscoverySpider


def discover(start_url: str, *, user_agent: str, obey_robots: bool = True, delay: float = 0.0,
             timeout: float = 20.0) -> tuple[Home | None, list[Found], list[str], str | None]:
    """Run the discovery spider once in this process (call only from ``main``: one reactor per process)."""
    from scrapy.crawler import AsyncCrawlerProcess
    from scrapy.utils.log import configure_logging as scrapy_logging

    from crawler.settings import BASE_SETTINGS

    settings = dict(BASE_SETTINGS)
    settings.update({
        "USER_AGENT": user_agent, "ROBOTSTXT_OBEY": obey_robots, "DOWNLOAD_DELAY": delay,
        "DOWNLOAD_TIMEOUT": timeout, "RETRY_TIMES": 1, "CONCURRENT_REQUESTS_PER_DOMAIN": 2,
        "ITEM_PIPELINES": {}, "LOG_LEVEL": "WARNING", "PARITY_STORE": None, "SPIDER_MODULES": [],
    })
    settings["LOG_INSTALL_ROOT_HANDLER"] = False
    scrapy_logging(settings)
    process = AsyncCrawlerProcess(settings)
    for noisy in ("scrapy", "twisted", "py.warnings", "trafilatura", "htmldate", "asyncio"):
        logging.getLogger(noisy).setLevel(logging.WARNING)  # the process raised them again
    crawler = process.create_crawler(_spider_class())
    process.crawl(crawler, start_url=start_url)
    process.start()
    spider = crawler.spider
    order = {"feed": 0, "sitemap": 1, "listing": 2, "notice_board": 3}
    found = sorted(spider.results(), key=lambda f: (order.get(f.type, 9), f.url))
    return spider.home, found, spider.notes, spider.home_error


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawler.discover", description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--id", dest="org_id", default=None, help="organisation id (default: from the site name)")
    parser.add_argument("--name", default=None, help="organisation name (default: the site's name)")
    parser.add_argument("--user-agent", default="reach-parity/1.0 (+https://example.org/contact)")
    parser.add_argument("--no-robots", action="store_true", help="do not obey robots.txt (not recommended)")
    parser.add_argument("--delay", type=float, default=0.5)
    parser.add_argument("--timeout", type=float, default=20.0)
    args = parser.parse_args(argv)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s: %(message)s", "%H:%M:%S"))
    logging.getLogger().handlers[:] = [handler]
    logging.getLogger().setLevel(logging.INFO)
    for noisy in ("scrapy", "twisted", "py.warnings", "trafilatura", "htmldate", "asyncio"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    parts = urlsplit(args.url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        print(f"URL: expected an http(s) start URL, got {args.url!r}", file=sys.stderr)
        return 2
    home, found, notes, error = discover(args.url, user_agent=args.user_agent, obey_robots=not args.no_robots,
                                         delay=args.delay, timeout=args.timeout)
    if home is None:
        print(f"{args.url}: the start page could not be read ({error or 'no answer'})", file=sys.stderr)
        return 4
    sys.stdout.write(render_toml(args.url, home, found, args.org_id, args.name, notes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
