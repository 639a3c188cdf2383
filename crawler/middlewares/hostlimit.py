"""One gate per host for the whole crawl process: concurrency, delay and rate-limit pauses.

Three gaps this closes, each found by tests/reliability:

* Every configured source is its own Scrapy crawler with its own downloader
  slots, so four sources on one municipal site could each keep
  ``concurrency_per_host`` requests in flight: four times what we promise.
* Scrapy 2.19 does not enforce ``CONCURRENT_REQUESTS_PER_DOMAIN`` when
  ``DOWNLOAD_DELAY`` is 0: ``Downloader._process_queue`` schedules the
  download coroutine before it marks the request as transferring, so one pass
  of its loop sends the whole queue.
* A host paused by :mod:`crawler.middlewares.ratelimit` (429 + Retry-After)
  only delays requests that reach that middleware *after* the pause was set;
  requests already past it went out at once.

The gate sits last before the download (priority 950): a request waits here
for one of the host's ``concurrency_per_host`` places, then until the host's
rate-limit pause is over and ``delay_seconds`` (plus a random 0–50%, never less:
Scrapy's own ±50% randomisation is off, crawler/settings.py) has passed since the
previous request to that host started; the
place is given back when its response or error comes back through
``process_response``/``process_exception`` (we are the first to see both).
"""

from __future__ import annotations

import asyncio
import random
import time
from typing import Any

from scrapy.http import Request, Response
from scrapy.utils.httpobj import urlparse_cached

from crawler.middlewares import ratelimit

_TOKEN = "_parity_host_gate"

#: hostname → (semaphore, time the last request to it started); shared by every crawler of the process
_GATES: dict[str, asyncio.Semaphore] = {}
_LAST_START: dict[str, float] = {}


class HostGateMiddleware:
    def __init__(self, concurrency: int, delay: float, jitter: float, max_wait: float = 60.0,
                 stats: Any = None, crawler: Any = None) -> None:
        self.concurrency = max(1, concurrency)
        self.delay = max(0.0, delay)
        self.jitter = max(0.0, float(jitter))  # the gap is delay × U(1, 1 + jitter)
        self.max_wait = max_wait
        self.stats = stats
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> "HostGateMiddleware":
        settings = crawler.settings
        return cls(settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN", 1), settings.getfloat("DOWNLOAD_DELAY", 0.0),
                   settings.getfloat("PARITY_DELAY_JITTER", 0.0), settings.getfloat("PARITY_MAX_RATE_WAIT", 60.0),
                   crawler.stats, crawler)

    def _gate(self, host: str) -> asyncio.Semaphore:
        gate = _GATES.get(host)
        if gate is None:
            gate = _GATES[host] = asyncio.Semaphore(self.concurrency)
        return gate

    async def process_request(self, request: Request, spider: Any = None) -> None:
        parsed = urlparse_cached(request)
        host = parsed.hostname or ""
        if request.meta.get(_TOKEN):  # re-entered without a response (should not happen): keep the place
            return
        await self._gate(host).acquire()
        request.meta[_TOKEN] = host
        try:
            waited = 0.0
            while True:  # a pause may be set (or extended) by another request while we sleep
                now = time.monotonic()
                pause = ratelimit._PAUSED_UNTIL.get(parsed.netloc, 0.0) - now
                gap = self.delay * random.uniform(1.0, 1.0 + self.jitter)
                spacing = _LAST_START.get(host, -1e9) + gap - now
                wait = max(pause, spacing, 0.0)
                if wait <= 0:
                    break
                waited += wait
                await asyncio.sleep(wait)
            _LAST_START[host] = time.monotonic()
            if waited and self.stats is not None:
                self.stats.inc_value("parity/host_gate_waits")
        except BaseException:
            self._release(request)
            raise

    def _sent_at(self, request: Request) -> float:
        """When the downloader slot sent the request (``Slot.lastseen``, monotonic), else an estimate."""
        try:
            slot = self.crawler.engine.downloader.slots.get(request.meta.get("download_slot"))
            if slot is not None and slot.lastseen:
                return float(slot.lastseen)
        except AttributeError:
            pass
        return time.monotonic() - float(request.meta.get("download_latency") or 0.0)

    def _release(self, request: Request) -> None:
        host = request.meta.pop(_TOKEN, None)
        if host is not None:
            self._gate(host).release()

    def process_response(self, request: Request, response: Response, spider: Any = None) -> Response:
        # The rate-limit middleware sees this response only after us; note its pause before the
        # next request waiting at this gate gets the place (same rule as RateLimitMiddleware).
        host = request.meta.get(_TOKEN)
        if host is not None:
            # The spider's own download slot may have held the request after our gate (its own
            # delay): count the spacing from when it really went out.
            _LAST_START[host] = max(_LAST_START.get(host, 0.0), self._sent_at(request))
        seconds = ratelimit.wait_from_response(response)
        if seconds and seconds <= self.max_wait:
            netloc = urlparse_cached(request).netloc
            until = time.monotonic() + seconds
            if until > ratelimit._PAUSED_UNTIL.get(netloc, 0.0):
                ratelimit._PAUSED_UNTIL[netloc] = until
        self._release(request)
        return response

    def process_exception(self, request: Request, exception: BaseException, spider: Any = None) -> None:
        self._release(request)
        return None
