"""robots.txt with RFC 9309 semantics, shared by every spider of the crawl process.

Scrapy's own middleware fails open: a robots.txt that answers 503 is parsed as
if it were rules (allow all). RFC 9309 §2.3.1.3-4 says the opposite: a 4xx
means "no rules, crawl", but an unreachable robots.txt (5xx, network error)
means "assume complete disallow". For an auditor the difference matters both
ways: crawling a site that asked us not to is wrong, and a source we could not
read must be reported as incomplete, never as "the page does not exist".

Blocked requests raise ``IgnoreRequest`` with a message the spiders classify:
``Forbidden by robots.txt`` → reason ``robots`` (the source becomes
``robots_blocked``), ``robots.txt unreachable`` → reason ``robots_unreachable``
(the source fails; the organisation's posts become ``unverifiable``).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from protego import Protego
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from scrapy.utils.httpobj import urlparse_cached

log = logging.getLogger(__name__)


class _NoRobotsTraceback(logging.Filter):
    """Scrapy logs a failed robots.txt download at ERROR with a traceback; ``_robots_error`` below
    already says what happened and what follows from it (RFC 9309), in one line."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Error downloading")


logging.getLogger("scrapy.downloadermiddlewares.robotstxt").addFilter(_NoRobotsTraceback())


class _AllowAll:
    """4xx robots.txt: no rules apply (RFC 9309 §2.3.1.3)."""

    reason = "no robots.txt"

    def allowed(self, url: str, user_agent: Any) -> bool:
        return True


class _Unreachable:
    """5xx or network error: complete disallow (RFC 9309 §2.3.1.4)."""

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def allowed(self, url: str, user_agent: Any) -> bool:
        return False


class _Rules:
    """Parsed rules (Protego: wildcards and longest-match precedence as in RFC 9309)."""

    def __init__(self, body: bytes) -> None:
        self.parser = Protego.parse(body.decode("utf-8", errors="replace"))

    def allowed(self, url: str, user_agent: Any) -> bool:
        agent = user_agent.decode("latin-1") if isinstance(user_agent, bytes) else str(user_agent)
        return bool(self.parser.can_fetch(url, agent))


#: One verdict per host for the whole crawl process (all spiders share it).
_CACHE: dict[str, Any] = {}
#: robots.txt downloads in progress, so a second spider waits for the first instead of fetching again.
_PENDING: dict[str, "asyncio.Future[Any]"] = {}


def interpret(response: Response) -> Any:
    """Robots policy from a robots.txt response, by RFC 9309 status rules."""
    if 200 <= response.status < 300:
        return _Rules(response.body)
    if 400 <= response.status < 500:
        return _AllowAll()
    return _Unreachable(f"http_{response.status}")


class Rfc9309RobotsMiddleware(RobotsTxtMiddleware):
    """Drop-in replacement for Scrapy's RobotsTxtMiddleware (same setting, same priority)."""

    def process_request_2(self, rp: Any, request: Request) -> None:  # noqa: D102 - see module docstring
        if rp is None:
            return
        agent = self._robotstxt_useragent or request.headers.get(b"User-Agent", self._default_useragent)
        if rp.allowed(request.url, agent):
            return
        if isinstance(rp, _Unreachable):
            self._stats.inc_value("robotstxt/unreachable_blocked")
            raise IgnoreRequest(f"robots.txt unreachable ({rp.reason}); RFC 9309 says disallow all")
        self._stats.inc_value("robotstxt/forbidden")
        raise IgnoreRequest("Forbidden by robots.txt")

    async def robot_parser(self, request: Request) -> Any:
        netloc = urlparse_cached(request).netloc
        cached = _CACHE.get(netloc)
        if cached is not None:
            return cached
        pending = _PENDING.get(netloc)
        if pending is not None:  # another spider of this process is fetching it: one request per host
            return await asyncio.shield(pending)
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        _PENDING[netloc] = future
        try:
            policy = await super().robot_parser(request)
            _CACHE.setdefault(netloc, policy)
            future.set_result(_CACHE[netloc])
        except BaseException as exc:
            future.set_result(_Unreachable(type(exc).__name__))
            raise
        finally:
            _PENDING.pop(netloc, None)
        return _CACHE[netloc]

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        self._stats.inc_value("robotstxt/response_count")
        self._stats.inc_value(f"robotstxt/response_status_count/{response.status}")
        policy = interpret(response)
        if isinstance(policy, _Unreachable):
            log.warning("robots.txt of %s answered %s: treating the host as disallowed (RFC 9309)",
                        netloc, response.status)
        deferred = self._parsers[netloc]
        self._parsers[netloc] = policy
        deferred.callback(policy)  # type: ignore[union-attr]

    def _robots_error(self, exc: Exception, netloc: str) -> None:
        self._stats.inc_value(f"robotstxt/exception_count/{type(exc).__name__}")
        policy = _Unreachable(type(exc).__name__)
        log.warning("robots.txt of %s could not be fetched (%s): treating the host as disallowed (RFC 9309)",
                    netloc, type(exc).__name__)
        deferred = self._parsers[netloc]
        self._parsers[netloc] = policy
        deferred.callback(policy)  # type: ignore[union-attr]
