"""Per-host politeness in total across workers: a downloader middleware on the shared host lease.

Replaces crawler.middlewares.hostlimit.HostGateMiddleware in the distributed crawl (same
place, 950: last before the wire). Before a request goes out it awaits a lease from
parity.distributed.hostlease (one Lua script in Redis, the Redis clock): at most
``concurrency_per_host`` requests to the host in flight across all workers, and the next
start no earlier than ``delay_seconds`` after the previous answer was received. Jitter
only ever *adds* (``delay × U(1, 1.5)``): the gap a site sees is never below the
configured delay. A 429/503 with Retry-After (or a rate-limit reset) pauses the host for
every worker, not just the one that got it. Leases are short and renewed while a
download runs, so a SIGKILLed worker blocks a host for at most one lease.

Scrapy's own per-slot delay is off in this mode (``DOWNLOAD_DELAY = 0``): it would add a
per-worker delay on top of the shared one.
"""

from __future__ import annotations

import asyncio
from typing import Any

from scrapy.http import Request, Response
from scrapy.utils.httpobj import urlparse_cached

from crawler.middlewares import ratelimit
from parity.distributed.client import async_client
from parity.distributed.hostlease import AsyncHostLeases, HostPolicy

_LEASE = "_parity_lease"
#: A killed worker keeps a host blocked at most this long; live downloads renew every third of it.
LEASE_SECONDS = 10.0
#: The shared gate's jitter: the gap is delay × U(1, 1 + JITTER), never less than the delay.
JITTER = 0.5

_LEASES: dict[str, AsyncHostLeases] = {}
_HELD: set[tuple[str, str]] = set()
_RENEWER: list[asyncio.Task[None]] = []
#: One request per host and worker asks Redis at a time; the worker's others for that host queue
#: here. Otherwise every request waiting for a busy host polls Redis every 50 ms (measured: ~40
#: Redis calls per request made, most of them refused grants).
_ASKING: dict[str, asyncio.Lock] = {}


def _leases(url: str, policy: HostPolicy) -> AsyncHostLeases:
    """One client per process for every crawler (each source is its own crawler)."""
    leases = _LEASES.get(url)
    if leases is None:
        leases = _LEASES[url] = AsyncHostLeases(async_client(url), policy)
    return leases


class SharedHostGate:
    def __init__(self, leases: AsyncHostLeases, policy: HostPolicy, max_wait: float, stats: Any = None) -> None:
        self.leases = leases
        self.policy = policy
        self.max_wait = max_wait
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> "SharedHostGate":
        settings = crawler.settings
        delay = settings.getfloat("PARITY_HOST_DELAY", 1.0)
        policy = HostPolicy(delay=delay, concurrency=settings.getint("PARITY_HOST_CONCURRENCY", 1),
                            jitter=JITTER if delay > 0 else 0.0, lease_seconds=LEASE_SECONDS)
        return cls(_leases(settings.get("REDIS_URL"), policy), policy,
                   settings.getfloat("PARITY_MAX_RATE_WAIT", 60.0), crawler.stats)

    async def _renew_forever(self) -> None:
        while True:
            await asyncio.sleep(LEASE_SECONDS / 3)
            for host, token in list(_HELD):
                await self.leases.renew(host, token, self.policy)

    async def process_request(self, request: Request, spider: Any = None) -> None:
        if not _RENEWER:
            _RENEWER.append(asyncio.get_running_loop().create_task(self._renew_forever()))
        if request.meta.get(_LEASE):  # re-entered without an answer (should not happen): keep the lease
            return
        host = urlparse_cached(request).hostname or ""
        asking = _ASKING.setdefault(host, asyncio.Lock())
        async with asking:
            grant = await self.leases.acquire(host, self.policy)
        request.meta[_LEASE] = (host, grant.token)
        _HELD.add((host, grant.token))

    async def _release(self, request: Request, pause: float = 0.0) -> None:
        lease = request.meta.pop(_LEASE, None)
        if lease is not None:
            _HELD.discard(tuple(lease))
            await self.leases.release(lease[0], lease[1], self.policy, pause)

    async def process_response(self, request: Request, response: Response, spider: Any = None) -> Response:
        seconds = ratelimit.wait_from_response(response)
        pause = seconds if seconds and seconds <= self.max_wait else 0.0
        if pause and self.stats is not None:
            self.stats.inc_value("parity/host_paused")
        await self._release(request, pause)
        return response

    async def process_exception(self, request: Request, exception: BaseException, spider: Any = None) -> None:
        await self._release(request)
        return None
