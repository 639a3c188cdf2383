"""Per-host politeness shared by every crawl worker: one Redis script grants request starts.

Why: with N workers each running Scrapy's own per-slot delay, a site would get N times the
configured rate. The rule a site is promised is *in total*: consecutive request starts to one
host at least ``delay`` apart, and at most ``concurrency`` requests in flight. Both live in Redis
and are checked and updated by one Lua script, so no two workers can interleave between the
check and the update, and all times come from the Redis server's clock (``TIME``), so workers on
machines with skewed clocks still agree.

Per host two keys (one hash tag, so they share a Redis Cluster slot):

* ``<prefix>:{host}:next`` — the earliest start time (µs, server clock) of the next request;
* ``<prefix>:{host}:leases`` — a sorted set of in-flight request tokens scored by lease expiry.

A grant adds a lease and moves ``next`` to ``now + delay``; the response (or error) releases the
lease and moves ``next`` to at least ``now + delay`` again. That second rule is what makes the
promise hold *at the site*: a request granted at T may leave the worker some milliseconds later
(its event loop was busy), the next one leave at once, and then the two would arrive less than
``delay`` apart (measured: 22 ms apart with a 50 ms delay, 3 workers). With one request in flight
per host (the default), a grant comes only ``delay`` after the previous answer was *received*, so
arrivals are at least ``delay`` apart whatever the worker's scheduling. With ``concurrency`` > 1
starts are spaced on the Redis clock, and the site may see them closer by the workers' jitter. A worker killed with SIGKILL never releases: its leases expire after ``lease_seconds``
(longer than the download timeout; a live worker renews long downloads), and the host's other
requests then proceed. Never a lock without expiry, never a gap below ``delay``. An acquire
retried with the same token after a lost reply (Redis restarted) gets its existing lease back
instead of waiting for it to expire.

Jitter is only ever added on top of ``delay`` (``delay × U(1, 1 + jitter)``), unlike Scrapy's
0.5–1.5× randomisation: the distributed tests assert no gap is below the configured delay.
"""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from dataclasses import dataclass
from typing import Any

_ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local delay, limit, ttl = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  return {1, 0, now, 0}
end
if redis.call('ZCARD', KEYS[1]) >= limit then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return {0, tonumber(oldest[2]) - now, now, 1}
end
local next_at = tonumber(redis.call('GET', KEYS[2]) or '0')
if now < next_at then
  return {0, next_at - now, now, 2}
end
redis.call('ZADD', KEYS[1], now + ttl, ARGV[1])
redis.call('PEXPIRE', KEYS[1], math.floor(ttl / 1000) + 1000)
redis.call('SET', KEYS[2], now + delay, 'PX', math.floor(delay / 1000) + 1000)
return {1, 0, now, 0}
"""

#: ARGV: token, delay (µs), pause (µs: a server's Retry-After / rate-limit reset, 0 if none).
_RELEASE = """
redis.call('ZREM', KEYS[1], ARGV[1])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local delay = math.max(tonumber(ARGV[2]), tonumber(ARGV[3] or '0'))
if now + delay > tonumber(redis.call('GET', KEYS[2]) or '0') then
  redis.call('SET', KEYS[2], now + delay, 'PX', math.floor(delay / 1000) + 1000)
end
return 1
"""

_RENEW = """
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 0 end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[2]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], math.floor(tonumber(ARGV[2]) / 1000) + 1000)
return 1
"""

#: Longest single sleep while waiting for a place (all taken): a released lease is noticed at most
#: this late. A wait for the next start time is slept in one go: a release only ever moves it later.
_POLL_CAP = 0.05
_SPACING_CAP = 5.0


@dataclass(frozen=True)
class Grant:
    """Answer of one acquire attempt; ``at_us`` is the Redis server time of the decision."""

    ok: bool
    wait: float
    at_us: int
    token: str
    spacing: bool = False  #: refused for the delay (not for want of a place): sleep the whole wait

    @property
    def sleep(self) -> float:
        """How long to wait before asking again."""
        return (min(self.wait, _SPACING_CAP) if self.spacing else min(self.wait, _POLL_CAP)) or 0.001


@dataclass(frozen=True)
class HostPolicy:
    """What a host is promised in total across all workers."""

    delay: float = 1.0
    concurrency: int = 1
    jitter: float = 0.0
    lease_seconds: float = 120.0

    def gap_us(self) -> int:
        delay = max(0.0, self.delay)
        return int((delay * (1.0 + random.uniform(0.0, self.jitter)) if self.jitter > 0 else delay) * 1_000_000)

    def args(self, token: str) -> list[Any]:
        return [token, self.gap_us(), max(1, self.concurrency), int(self.lease_seconds * 1_000_000)]


def _keys(prefix: str, host: str) -> list[str]:
    return [f"{prefix}:{{{host}}}:leases", f"{prefix}:{{{host}}}:next"]


def _grant(reply: list[Any], token: str) -> Grant:
    ok, wait_us, now_us, reason = (int(x) for x in reply)
    return Grant(ok=bool(ok), wait=max(0.0, wait_us / 1_000_000), at_us=now_us, token=token, spacing=reason == 2)


class HostLeases:
    """Blocking client (redis-py ``Redis``): for tools and tests; the crawler uses :class:`AsyncHostLeases`."""

    def __init__(self, client: Any, policy: HostPolicy, prefix: str = "parity:host") -> None:
        self.client = client
        self.policy = policy
        self.prefix = prefix
        self._acquire = client.register_script(_ACQUIRE)
        self._release = client.register_script(_RELEASE)
        self._renew = client.register_script(_RENEW)

    def try_acquire(self, host: str, token: str | None = None) -> Grant:
        token = token or uuid.uuid4().hex
        return _grant(self._acquire(keys=_keys(self.prefix, host), args=self.policy.args(token)), token)

    def acquire(self, host: str, timeout: float = 300.0) -> Grant:
        """Wait for this host's turn; TimeoutError after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        token = uuid.uuid4().hex
        while True:
            grant = self.try_acquire(host, token)
            if grant.ok:
                return grant
            if time.monotonic() + grant.wait > deadline + _POLL_CAP:
                raise TimeoutError(f"no request slot for {host} within {timeout:.0f}s")
            time.sleep(grant.sleep)

    def release(self, host: str, token: str, pause: float = 0.0) -> None:
        """The answer is in: free the place, and no next start before ``delay`` (or ``pause``) from now."""
        self._release(keys=_keys(self.prefix, host), args=[token, self.policy.gap_us(), int(max(0.0, pause) * 1e6)])

    def renew(self, host: str, token: str) -> bool:
        """Push a long download's lease expiry forward; False if it already expired."""
        return bool(self._renew(keys=_keys(self.prefix, host)[:1],
                                args=[token, int(self.policy.lease_seconds * 1_000_000)]))


class AsyncHostLeases:
    """The same protocol on ``redis.asyncio.Redis``: awaited from a Scrapy downloader middleware."""

    def __init__(self, client: Any, policy: HostPolicy, prefix: str = "parity:host") -> None:
        self.client = client
        self.policy = policy
        self.prefix = prefix
        self._acquire = client.register_script(_ACQUIRE)
        self._release = client.register_script(_RELEASE)
        self._renew = client.register_script(_RENEW)

    async def acquire(self, host: str, policy: HostPolicy | None = None) -> Grant:
        """Wait (without blocking the reactor) until the host may get one more request."""
        policy = policy or self.policy
        token = uuid.uuid4().hex
        while True:
            reply = await self._acquire(keys=_keys(self.prefix, host), args=policy.args(token))
            grant = _grant(reply, token)
            if grant.ok:
                return grant
            await asyncio.sleep(grant.sleep)

    async def release(self, host: str, token: str, policy: HostPolicy | None = None, pause: float = 0.0) -> None:
        """The answer is in; ``pause``: the server asked every client to wait this long (429 + Retry-After)."""
        await self._release(keys=_keys(self.prefix, host),
                            args=[token, (policy or self.policy).gap_us(), int(max(0.0, pause) * 1_000_000)])

    async def renew(self, host: str, token: str, policy: HostPolicy | None = None) -> bool:
        """Push a long download's lease expiry forward; False if it already expired."""
        return bool(await self._renew(keys=_keys(self.prefix, host)[:1],
                                      args=[token, int((policy or self.policy).lease_seconds * 1_000_000)]))
