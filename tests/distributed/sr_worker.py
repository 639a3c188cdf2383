"""Feasibility prototype for issue 14: one crawl worker on scrapy-redis's scheduler and duplicate filter.

``python -m tests.distributed.sr_worker REDIS_URL RUN START_URL OUT.jsonl --worker ID [--delay S]``

Several of these share one Redis: the request queue and the fingerprints live there, so each URL
is fetched by exactly one worker; :class:`SharedHostGate` (parity.distributed.hostlease) makes the
per-host delay a total across workers. What scrapy-redis 0.9.1 lacks on Scrapy 2.16+ is added
here, each addition marked WORKAROUND and described in docs/distributed.md:

* a shared count of queued-or-in-work requests, so a worker stays open while another worker's
  pages may still add work, and all close once the crawl is done (scrapy-redis closes a plain
  spider as soon as *its* view is idle; its RedisSpider relies on ``start_requests()``, which
  Scrapy 2.16 no longer calls);
* an idle worker is woken every 0.1 s instead of Scrapy's 5 s engine heartbeat;
* ``SCHEDULER_PERSIST = True``: with the default, the first worker to finish deletes the
  shared queue and fingerprints under the others' feet.

It is test code on purpose: the real worker belongs in crawler/ (owned by the crawl engineers).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

import redis
import redis.asyncio
import scrapy
from scrapy import signals
from scrapy.crawler import CrawlerProcess
from scrapy.http import Request, Response
from scrapy.utils.httpobj import urlparse_cached
from scrapy_redis.scheduler import Scheduler

from parity.distributed.hostlease import AsyncHostLeases, HostPolicy

_LEASE = "_parity_lease"


def _pending_key(settings: Any) -> str:
    return f"parity:{settings.get('PARITY_RUN')}:pending"


class CountingScheduler(Scheduler):
    """scrapy-redis's scheduler plus a crawl-wide count of requests queued or being worked on."""

    @classmethod
    def from_crawler(cls, crawler: Any) -> "CountingScheduler":
        instance = super().from_crawler(crawler)
        instance.crawler = crawler
        instance.pending_key = _pending_key(crawler.settings)
        return instance

    def enqueue_request(self, request: Request) -> bool:
        if not request.dont_filter and self.df.request_seen(request):
            self.df.log(request, self.spider)
            return False
        self.server.incr(self.pending_key)  # before the push: the count may be high, never low
        self.queue.push(request)
        return True

    def has_pending_requests(self) -> bool:
        # WORKAROUND: "pending anywhere" keeps this worker open while others still work.
        return len(self) > 0 or int(self.server.get(self.pending_key) or 0) > 0

    def next_request(self) -> Request | None:
        request = super().next_request()
        if request is None and self.has_pending_requests():
            # WORKAROUND: wake the engine soon instead of at its 5 s heartbeat (private API).
            slot = getattr(self.crawler.engine, "_slot", None)
            if slot is not None:
                asyncio.get_running_loop().call_later(0.1, slot.nextcall.schedule)
        return request


class DoneCounter:
    """Spider middleware: a request's work is done once its callback's output has been consumed."""

    def __init__(self, server: redis.Redis, key: str) -> None:
        self.server = server
        self.key = key

    @classmethod
    def from_crawler(cls, crawler: Any) -> "DoneCounter":
        return cls(redis.Redis.from_url(crawler.settings.get("REDIS_URL")), _pending_key(crawler.settings))

    async def process_spider_output(self, response: Response, result: Any, spider: Any = None) -> Any:
        try:
            async for item in result:
                yield item
        finally:
            self.server.decr(self.key)


class SharedHostGate:
    """Downloader middleware: one lease per request from the host's shared limiter, released on answer."""

    def __init__(self, leases: AsyncHostLeases) -> None:
        self.leases = leases

    @classmethod
    def from_crawler(cls, crawler: Any) -> "SharedHostGate":
        settings = crawler.settings
        policy = HostPolicy(delay=settings.getfloat("PARITY_HOST_DELAY"), concurrency=1, lease_seconds=60)
        return cls(AsyncHostLeases(redis.asyncio.Redis.from_url(settings.get("REDIS_URL")), policy))

    async def process_request(self, request: Request, spider: Any = None) -> None:
        host = urlparse_cached(request).hostname or ""
        grant = await self.leases.acquire(host)
        request.meta[_LEASE] = (host, grant.token)

    async def _release(self, request: Request) -> None:
        lease = request.meta.pop(_LEASE, None)
        if lease is not None:
            await self.leases.release(*lease)

    async def process_response(self, request: Request, response: Response, spider: Any = None) -> Response:
        await self._release(request)
        return response

    async def process_exception(self, request: Request, exception: BaseException, spider: Any = None) -> None:
        await self._release(request)


class SiteSpider(scrapy.Spider):
    name = "site"

    def __init__(self, start_url: str, worker: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.start_url = start_url
        self.worker = worker

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> "SiteSpider":
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.opened, signal=signals.spider_opened)
        return spider

    def opened(self) -> None:
        server = redis.Redis.from_url(self.settings.get("REDIS_URL"))
        server.sadd(f"parity:{self.settings.get('PARITY_RUN')}:workers", self.worker)

    async def start(self) -> Any:
        """Every worker offers the same start URL; the shared duplicate filter keeps one."""
        server = redis.asyncio.Redis.from_url(self.settings.get("REDIS_URL"))
        while not await server.exists(f"parity:{self.settings.get('PARITY_RUN')}:go"):
            await asyncio.sleep(0.05)
        yield Request(self.start_url, callback=self.parse, errback=self.failed)

    def parse(self, response: Response) -> Any:
        yield {"url": response.url, "worker": self.worker}
        for href in response.css("a::attr(href)").getall():
            yield response.follow(href, callback=self.parse, errback=self.failed)

    def failed(self, failure: Any) -> None:
        # A download failure skips the spider middlewares: count it done here.
        redis.Redis.from_url(self.settings.get("REDIS_URL")).decr(_pending_key(self.settings))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("redis_url")
    parser.add_argument("run")
    parser.add_argument("start_url")
    parser.add_argument("out")
    parser.add_argument("--worker", required=True)
    parser.add_argument("--delay", type=float, default=0.05)
    args = parser.parse_args(argv)
    prefix = f"parity:{args.run}"
    process = CrawlerProcess(settings={
        "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
        "LOG_LEVEL": "INFO",
        "TELNETCONSOLE_ENABLED": False,
        "ROBOTSTXT_OBEY": False,
        "REDIS_URL": args.redis_url,
        "PARITY_RUN": args.run,
        "PARITY_HOST_DELAY": args.delay,
        "SCHEDULER": "tests.distributed.sr_worker.CountingScheduler",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_PERSIST": True,  # WORKAROUND: the default flushes the shared keys on close
        "SCHEDULER_QUEUE_KEY": f"{prefix}:%(spider)s:requests",
        "SCHEDULER_DUPEFILTER_KEY": f"{prefix}:%(spider)s:dupefilter",
        "DOWNLOAD_DELAY": 0,  # the shared gate spaces requests; a per-worker delay would add to it
        "CONCURRENT_REQUESTS": 8,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
        "SPIDER_MIDDLEWARES": {"tests.distributed.sr_worker.DoneCounter": 1000},
        "DOWNLOADER_MIDDLEWARES": {"tests.distributed.sr_worker.SharedHostGate": 950},
        "FEEDS": {args.out: {"format": "jsonlines"}},
    })
    process.crawl(SiteSpider, start_url=args.start_url, worker=args.worker)
    process.start()
    return 0


if __name__ == "__main__":
    sys.exit(main())
