"""Wait when a server says so: Retry-After, X-RateLimit-* (Mastodon), RateLimit-* (AT Protocol),
x-rate-limit-* (X API v2, epoch reset) and Graph's X-Business-Use-Case-Usage.

Scrapy retries a 429 at once and ignores ``Retry-After`` (scrapy#3849). A
polite crawler that audits the same public servers every night must instead
pause every request to that host until the server's reset time. The pause is
per host and shared by all spiders of the process; a wait longer than
``PARITY_MAX_RATE_WAIT`` seconds is not taken: the host is not paused, the
request's retries run out and the source is reported incomplete — an audit
must finish in the night it started.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email.utils
import json
import logging
import time
from typing import Any

from scrapy.http import Request, Response
from scrapy.utils.httpobj import urlparse_cached

log = logging.getLogger(__name__)

#: host → monotonic time before which no request is sent
_PAUSED_UNTIL: dict[str, float] = {}


def _header(response: Response, name: str) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1").strip() if value else None


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After value (delta-seconds or an HTTP date)."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    current = now if now is not None else time.time()
    return max(0.0, when.timestamp() - current)


def reset_seconds(value: str | None, now: float | None = None) -> float | None:
    """Seconds until a rate-limit reset: ISO 8601 (Mastodon) or epoch seconds (AT Protocol)."""
    if not value:
        return None
    current = now if now is not None else time.time()
    try:
        number = float(value)
    except ValueError:
        try:
            when = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.timezone.utc)
        return max(0.0, when.timestamp() - current)
    # Epoch seconds are large; small numbers are a delta (some servers send that).
    return max(0.0, number - current) if number > 1e9 else max(0.0, number)


def wait_from_response(response: Response, now: float | None = None) -> float | None:
    """How long the server asks us to stay away, or None if it does not."""
    if response.status in (429, 503):
        seconds = retry_after_seconds(_header(response, "Retry-After"), now)
        if seconds is not None:
            return seconds
    for prefix in ("X-RateLimit", "RateLimit", "X-Rate-Limit"):
        remaining = _header(response, f"{prefix}-Remaining")
        if remaining is None:
            continue
        try:
            exhausted = float(remaining) <= 0
        except ValueError:
            continue
        if exhausted or response.status == 429:
            return reset_seconds(_header(response, f"{prefix}-Reset"), now)
    return graph_usage_wait(_header(response, "X-Business-Use-Case-Usage"))


def graph_usage_wait(value: str | None) -> float | None:
    """Graph API (Facebook/Instagram): a business use case at 100 % waits ``estimated_time_to_regain_access`` minutes.

    Graph sends no Retry-After; throttled calls answer 400/403 with error code
    4, 17, 32, 80001…, and the usage header says how long the block lasts.
    """
    if not value:
        return None
    try:
        usage = json.loads(value)
    except ValueError:
        return None
    longest: float | None = None
    for entries in (usage.values() if isinstance(usage, dict) else []):
        for entry in entries if isinstance(entries, list) else []:
            if not isinstance(entry, dict):
                continue
            used = max(float(entry.get(k) or 0) for k in ("call_count", "total_cputime", "total_time"))
            if used < 100:
                continue
            minutes = float(entry.get("estimated_time_to_regain_access") or 0)
            seconds = max(minutes * 60.0, 1.0)
            longest = seconds if longest is None else max(longest, seconds)
    return longest


class RateLimitMiddleware:
    """Downloader middleware: pause a host after a rate-limit signal; delay its next requests."""

    def __init__(self, max_wait: float) -> None:
        self.max_wait = max_wait

    @classmethod
    def from_crawler(cls, crawler: Any) -> "RateLimitMiddleware":
        return cls(crawler.settings.getfloat("PARITY_MAX_RATE_WAIT", 60.0))

    async def process_request(self, request: Request, spider: Any = None) -> None:
        host = urlparse_cached(request).netloc
        delay = _PAUSED_UNTIL.get(host, 0.0) - time.monotonic()
        if delay <= 0:
            return
        log.info("rate limit: waiting %.1f s before %s", delay, request.url)
        await asyncio.sleep(delay)

    def process_response(self, request: Request, response: Response, spider: Any = None) -> Response:
        seconds = wait_from_response(response)
        if seconds and seconds > self.max_wait:
            log.warning("%s asks to wait %.0f s, longer than the %.0f s we wait; not pausing",
                        urlparse_cached(request).netloc, seconds, self.max_wait)
        elif seconds:
            host = urlparse_cached(request).netloc
            until = time.monotonic() + seconds
            if until > _PAUSED_UNTIL.get(host, 0.0):
                _PAUSED_UNTIL[host] = until
                log.warning("%s: server asks to wait %.1f s (status %d)", host, seconds, response.status)
        return response
