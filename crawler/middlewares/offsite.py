"""Keep a web source on its own site: no offsite requests, no offsite redirects, no redirect loops.

A web source is configured by URL; the audit of *that* site must not wander
to other hosts (someone else's server, a link shortener, a tracking domain) and
report what it found there as the organisation's web side. Two middlewares:

* :class:`OffsiteRequestMiddleware` (priority 50, before robots.txt is
  consulted, so another host's robots.txt is never fetched either) refuses a
  web spider's request to a host outside ``spider.allowed_hosts``, except the
  source's own entry points (``meta["primary"]`` and not a redirect).
* :class:`RedirectGuardMiddleware` (priority 650, sees a 3xx before Scrapy's
  RedirectMiddleware at 600) refuses a redirect to another host unless
  ``[crawl] allow_offsite_redirects = true``, and a redirect back to a URL of
  the same chain. Scrapy would follow the loop until its duplicate filter
  silently drops the request: no item, no error, the URL simply vanishes from
  the accounting.

Both raise :class:`Refused` (an ``IgnoreRequest``), so the request's errback
records a failure with a stable reason (``offsite``, ``offsite_redirect``,
``redirect_loop``) and the source's status says the collection is incomplete.
Sources without a host (social accounts) are not confined.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urljoin, urlsplit

from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from scrapy.utils.httpobj import urlparse_cached
from w3lib.url import safe_url_string

log = logging.getLogger(__name__)

REDIRECT_STATUSES = (301, 302, 303, 307, 308)


class Refused(IgnoreRequest):
    """A request or response refused by one of our guards; ``parity_reason`` goes into sources.jsonl."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(f"{reason}: {message}")
        self.parity_reason = reason


def _bare(host: str | None) -> str:
    host = (host or "").lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def on_site(host: str | None, allowed: set[str]) -> bool:
    """``host`` is one of ``allowed``, a subdomain of one, or differs only by ``www.``."""
    bare = _bare(host)
    if not bare:
        return False
    for candidate in allowed:
        other = _bare(candidate)
        if bare == other or bare.endswith("." + other):
            return True
    return False


def _confined_hosts(crawler: Any) -> set[str]:
    spider = getattr(crawler, "spider", None)
    spec = getattr(spider, "spec", None)
    if spec is None or getattr(spec, "group", None) != "web":
        return set()
    return set(getattr(spider, "allowed_hosts", None) or ())


class OffsiteRequestMiddleware:
    """Refuse a web spider's requests to other hosts (its configured entry points excepted)."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.allow_redirects = crawler.settings.getbool("PARITY_ALLOW_OFFSITE_REDIRECTS", False)

    @classmethod
    def from_crawler(cls, crawler: Any) -> "OffsiteRequestMiddleware":
        return cls(crawler)

    def process_request(self, request: Request, spider: Any = None) -> None:
        hosts = _confined_hosts(self.crawler)
        if not hosts:
            return None
        redirected = bool(request.meta.get("redirect_urls"))
        if request.meta.get("primary") and not redirected:
            return None
        if request.meta.get("dont_obey_robotstxt") and urlparse_cached(request).path == "/robots.txt":
            return None  # asked for by the robots middleware for a request that already passed here
        if redirected and self.allow_redirects:
            return None
        host = urlparse_cached(request).hostname
        if on_site(host, hosts):
            return None
        self.crawler.stats.inc_value("parity/offsite_refused")
        raise Refused("offsite_redirect" if redirected else "offsite",
                      f"{request.url} is not on {', '.join(sorted(hosts))}")


class RedirectGuardMiddleware:
    """Refuse offsite redirects (unless configured) and redirect loops before Scrapy follows them."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.allow_offsite = crawler.settings.getbool("PARITY_ALLOW_OFFSITE_REDIRECTS", False)

    @classmethod
    def from_crawler(cls, crawler: Any) -> "RedirectGuardMiddleware":
        return cls(crawler)

    def process_response(self, request: Request, response: Response, spider: Any = None) -> Response:
        if response.status not in REDIRECT_STATUSES or request.meta.get("dont_redirect"):
            return response
        if response.status in request.meta.get("handle_httpstatus_list", ()):
            return response
        location = response.headers.get("Location")
        if not location:
            return response
        target = urljoin(request.url, safe_url_string(location.decode("latin-1")))
        chain = [*request.meta.get("redirect_urls", []), request.url]
        if target in chain:
            self.crawler.stats.inc_value("parity/redirect_loop")
            raise Refused("redirect_loop", f"{request.url} redirects back to {target}")
        hosts = _confined_hosts(self.crawler)
        if hosts and not self.allow_offsite and not on_site(urlsplit(target).hostname, hosts):
            self.crawler.stats.inc_value("parity/offsite_refused")
            log.warning("%s redirects to another host (%s); not followed (allow_offsite_redirects = false)",
                        request.url, target)
            raise Refused("offsite_redirect", f"{request.url} redirects to {target}")
        return response
