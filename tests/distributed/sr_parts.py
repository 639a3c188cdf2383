"""Scrapy components of the scrapy-redis feasibility prototype (see tests/distributed/sr_worker.py).

Two schedulers, both subclasses of scrapy-redis's (which supplies the request serialisation,
the fingerprint and the settings):

* :class:`CountingScheduler`: stock scrapy-redis queue and duplicate filter, plus a crawl-wide
  count of unfinished requests so workers close together. Fine until a fault: a SIGKILLed
  worker or a Redis restart loses requests and leaves the count stuck (docs/distributed.md).
* :class:`ReliableScheduler`: the same, on :class:`parity.distributed.workqueue.WorkQueue`: pops
  go to an in-flight hash, acknowledged once the outcome is stored, put back when the worker
  dies; every Redis call retried across a restart.

The real components belong in crawler/ (owned by the crawl engineers); these are test code.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import redis
import redis.asyncio
from redis.asyncio.retry import Retry as AsyncRetry
from redis.backoff import ExponentialBackoff
from redis.retry import Retry
from scrapy.http import Request, Response
from scrapy.utils.httpobj import urlparse_cached
from scrapy_redis.scheduler import Scheduler

from parity.distributed.hostlease import AsyncHostLeases, HostPolicy
from parity.distributed.workqueue import WorkQueue

_LEASE = "_parity_lease"
QID = "_parity_qid"
_RETRY_ERRORS = [redis.exceptions.ConnectionError, redis.exceptions.TimeoutError]


def redis_params() -> dict[str, Any]:
    """redis-py options that ride out a Redis restart (about 30 s of retries) instead of failing."""
    return {"retry": Retry(ExponentialBackoff(cap=0.5, base=0.02), 80),
            "retry_on_error": _RETRY_ERRORS, "socket_connect_timeout": 2, "socket_timeout": 10}


def sync_client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, **redis_params())


def async_client(url: str) -> redis.asyncio.Redis:
    params = redis_params()
    params["retry"] = AsyncRetry(ExponentialBackoff(cap=0.5, base=0.02), 80)
    return redis.asyncio.Redis.from_url(url, **params)


def pending_key(settings: Any) -> str:
    return f"parity:{settings.get('PARITY_RUN')}:pending"


def _wake_soon(crawler: Any) -> None:
    """WORKAROUND: wake an idle engine in 0.1 s instead of at its 5 s heartbeat (private API)."""
    slot = getattr(crawler.engine, "_slot", None)
    if slot is not None:
        asyncio.get_running_loop().call_later(0.1, slot.nextcall.schedule)


class CountingScheduler(Scheduler):
    """scrapy-redis's scheduler plus a crawl-wide count of requests queued or being worked on."""

    @classmethod
    def from_crawler(cls, crawler: Any) -> "CountingScheduler":
        instance = super().from_crawler(crawler)
        instance.crawler = crawler
        instance.pending_key = pending_key(crawler.settings)
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
            _wake_soon(self.crawler)
        return request

    def done(self, request: Request) -> None:
        self.server.decr(self.pending_key)


class ReliableScheduler(Scheduler):
    """scrapy-redis's scheduler on the acknowledged work queue; ``done(request)`` acknowledges."""

    @classmethod
    def from_crawler(cls, crawler: Any) -> "ReliableScheduler":
        instance = super().from_crawler(crawler)
        instance.crawler = crawler
        crawler.parity_scheduler = instance
        return instance

    def open(self, spider: Any) -> None:
        super().open(spider)
        settings = self.crawler.settings
        self.work = WorkQueue(self.server, f"parity:{settings.get('PARITY_RUN')}:{spider.name}",
                              settings.get("PARITY_WORKER"))
        self.known: set[str] = set()
        self.work.join()
        self._beats = 0
        self._beat()

    def _beat(self) -> None:
        """Every second: heartbeat; every other second: put back the work of dead workers."""
        self.work.heartbeat()
        self._beats += 1
        if self._beats % 2 == 0 and self.work.reap(self.known):
            _wake_soon(self.crawler)
        self._timer = asyncio.get_running_loop().call_later(1.0, self._beat)

    def close(self, reason: str) -> None:
        self._timer.cancel()
        if self.work.done():
            self.work.leave()

    def enqueue_request(self, request: Request) -> bool:
        replaced = request.meta.pop(QID, None)  # a retry or redirect stands in for its original
        fingerprint = self.df.request_fingerprint(request)
        if request.dont_filter:
            fingerprint = f"{fingerprint}:{uuid.uuid4().hex}"
        queued = self.work.enqueue(fingerprint, self.queue._encode_request(request), request.priority)
        if replaced is not None:
            self._ack(replaced)  # after the push: a crash in between repeats work, never loses it
        if not queued:
            self.df.log(request, self.spider)
        return queued

    def next_request(self) -> Request | None:
        popped = self.work.pop()
        if popped is None:
            if self.has_pending_requests():
                _wake_soon(self.crawler)
            return None
        ident, member = popped
        request = self.queue._decode_request(member)
        request.meta[QID] = ident
        self.known.add(ident)
        return request

    def has_pending_requests(self) -> bool:
        return not self.work.done()

    def done(self, request: Request) -> None:
        ident = request.meta.pop(QID, None)
        if ident is not None:
            self._ack(ident)

    def _ack(self, ident: str) -> None:
        self.work.ack(ident)
        self.known.discard(ident)


class DoneCounter:
    """Spider middleware for CountingScheduler: done once the callback's output was consumed."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> "DoneCounter":
        return cls(crawler)

    async def process_spider_output(self, response: Response, result: Any, spider: Any = None) -> Any:
        try:
            async for item in result:
                yield item
        finally:
            scheduler = self.crawler.engine._slot.scheduler
            if isinstance(scheduler, CountingScheduler):
                scheduler.done(response.request)


class StoreAndAck:
    """Item pipeline for ReliableScheduler: store the item (idempotent), *then* acknowledge its request."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.client = sync_client(crawler.settings.get("REDIS_URL"))
        self.items_key = f"parity:{crawler.settings.get('PARITY_RUN')}:items"

    @classmethod
    def from_crawler(cls, crawler: Any) -> "StoreAndAck":
        return cls(crawler)

    def process_item(self, item: dict[str, Any], spider: Any = None) -> dict[str, Any]:
        request = item.pop("_request")
        with self.client.pipeline(transaction=True) as pipe:
            pipe.hset(self.items_key, item["url"], item["worker"])  # the store: one row per URL
            pipe.rpush(f"{self.items_key}:deliveries", item["url"])  # every delivery, to count repeats
            pipe.execute()
        scheduler = getattr(self.crawler, "parity_scheduler", None)
        if scheduler is not None:
            scheduler.done(request)
        return item


class SharedHostGate:
    """Downloader middleware: one lease per request from the host's shared limiter, released on answer.

    Leases are short (a killed worker blocks a host only that long) and renewed every
    ``lease/3`` seconds while their download runs.
    """

    LEASE = 6.0

    def __init__(self, leases: AsyncHostLeases) -> None:
        self.leases = leases
        self.held: set[tuple[str, str]] = set()
        self._renewer: asyncio.Task[None] | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> "SharedHostGate":
        settings = crawler.settings
        policy = HostPolicy(delay=settings.getfloat("PARITY_HOST_DELAY"), concurrency=1, lease_seconds=cls.LEASE)
        return cls(AsyncHostLeases(async_client(settings.get("REDIS_URL")), policy))

    async def _renew_forever(self) -> None:
        while True:
            await asyncio.sleep(self.LEASE / 3)
            for host, token in list(self.held):
                await self.leases.renew(host, token)

    async def process_request(self, request: Request, spider: Any = None) -> None:
        if self._renewer is None:
            self._renewer = asyncio.get_running_loop().create_task(self._renew_forever())
        host = urlparse_cached(request).hostname or ""
        grant = await self.leases.acquire(host)
        request.meta[_LEASE] = (host, grant.token)
        self.held.add((host, grant.token))

    async def _release(self, request: Request) -> None:
        lease = request.meta.pop(_LEASE, None)
        if lease is not None:
            self.held.discard(lease)
            await self.leases.release(*lease)

    async def process_response(self, request: Request, response: Response, spider: Any = None) -> Response:
        await self._release(request)
        return response

    async def process_exception(self, request: Request, exception: BaseException, spider: Any = None) -> None:
        await self._release(request)
