"""What every source spider shares: its source, its tracker, error classification.

One spider instance crawls exactly one configured source, so the status line
of sources.jsonl is simply that spider's tracker at close. Callbacks never let
an exception escape: a page that cannot be parsed is an error row with a
reason, the crawl goes on.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import (
    ConnectionDone,
    ConnectionLost,
    ConnectionRefusedError,
    DNSLookupError,
    TCPTimedOutError,
    TimeoutError,
)
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived

from crawler.sources import SourceSpec
from crawler.tracking import SourceTracker

log = logging.getLogger(__name__)


def classify_failure(failure: Failure) -> str:
    """Short, stable reason for a failed request (goes into sources.jsonl)."""
    exc = failure.value
    reason = getattr(exc, "parity_reason", None)  # our own guards (crawler/middlewares/offsite.py)
    if isinstance(reason, str) and reason:
        return reason
    if isinstance(exc, HttpError):
        return f"http_{exc.response.status}"
    if isinstance(exc, IgnoreRequest):
        text = str(exc).lower()
        if "max redirections" in text:
            return "redirect_limit"
        if "robots.txt unreachable" in text:
            return "robots_unreachable"
        if "robots" in text:
            return "robots"
        if "maxsize" in text or "max size" in text or "cancelled" in text:
            return "too_large"
        return "ignored"
    if isinstance(exc, DNSLookupError):
        return "dns"
    if isinstance(exc, (TimeoutError, TCPTimedOutError)):
        return "timeout"
    if isinstance(exc, ConnectionRefusedError):
        return "connection_refused"
    if isinstance(exc, (ResponseNeverReceived, ConnectionLost, ConnectionDone)):
        return "connection_dropped"
    if isinstance(exc, ResponseFailed):
        return "response_failed"
    return _scrapy_download_error(exc) or type(exc).__name__


#: Scrapy ≥ 2.19 wraps Twisted's download errors in its own exceptions (matched by name: older versions lack them).
_SCRAPY_DOWNLOAD_ERRORS = {
    "DownloadTimeoutError": "timeout",
    "DownloadConnectionRefusedError": "connection_refused",
    "CannotResolveHostError": "dns",
    "ResponseDataLossError": "data_loss",
    "BadGzipFile": "bad_encoding",
}


def _scrapy_download_error(exc: BaseException) -> str | None:
    name = type(exc).__name__
    if name in _SCRAPY_DOWNLOAD_ERRORS:
        return _SCRAPY_DOWNLOAD_ERRORS[name]
    text = str(exc)
    if name == "DownloadCancelledError":
        # Scrapy cancels a download only when it outgrows DOWNLOAD_MAXSIZE (announced or received);
        # the received case carries an empty message.
        return "too_large"
    if name == "DownloadFailedError":
        dropped = ("ConnectionDone", "ConnectionLost", "ResponseNeverReceived", "closed")
        return "connection_dropped" if any(marker in text for marker in dropped) else "response_failed"
    return None


class SourceSpider(scrapy.Spider):
    """Base for all source spiders; subclasses implement ``start_requests_for_source``."""

    name = "source"

    def __init__(self, spec: SourceSpec, now: dt.datetime | None = None, **kwargs: Any) -> None:
        super().__init__(name=f"{spec.kind}:{spec.org}", **kwargs)
        self.spec = spec
        self.now = now or dt.datetime.now(dt.timezone.utc)
        self.tracker = SourceTracker(org=spec.org, kind=spec.kind, url=spec.target)
        host = urlsplit(spec.target).hostname if "://" in spec.target else None
        self.allowed_hosts: set[str] = {host} if host else set()

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> "SourceSpider":
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider._closed, signal=signals.spider_closed)
        return spider

    # -- settings shortcuts ----------------------------------------------
    @property
    def window_start(self) -> dt.datetime:
        days = int(self.settings.getint("PARITY_WINDOW_DAYS", 30))
        return self.now - dt.timedelta(days=days)

    @property
    def max_pages(self) -> int:
        return self.settings.getint("PARITY_MAX_PAGES", 2000)

    # -- requests ----------------------------------------------------------
    def request(self, url: str, callback: Callable[..., Any], primary: bool = False, **kwargs: Any) -> scrapy.Request:
        """A request whose failure is tracked; ``primary`` marks the source's own entry points."""
        meta = dict(kwargs.pop("meta", {}) or {})
        meta["primary"] = primary
        return scrapy.Request(url, callback=callback, errback=self.on_error, meta=meta, **kwargs)

    def on_error(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        reason = classify_failure(failure)
        url = (request.meta.get("redirect_urls") or [request.url])[0]  # the URL we asked for, not where it led
        self.tracker.failure(url, reason, bool(request.meta.get("primary")))
        log.warning("%s: %s failed: %s", self.spec.key, url, reason)

    def ok(self, response: Response) -> None:
        self.tracker.success(bool(response.meta.get("primary")))

    def parse_error(self, response: Response, message: str) -> None:
        """A fetched body that could not be read as what it should be."""
        self.tracker.failure(response.url, f"unparseable ({message})", bool(response.meta.get("primary")))
        log.warning("%s: %s: %s", self.spec.key, response.url, message)

    def same_site(self, url: str) -> bool:
        if not self.allowed_hosts:
            return True
        host = urlsplit(url).hostname
        return host in self.allowed_hosts

    def _closed(self, spider: scrapy.Spider, reason: str) -> None:
        if spider is self:
            self.finish_reason = reason

    def iter_safely(self, response: Response, produce: Callable[[], Iterator[Any]]) -> Iterator[Any]:
        """Run a parse body; any exception becomes an error row instead of a spider exception."""
        try:
            yield from produce()
        except Exception as exc:  # noqa: BLE001 - one bad page must not stop the crawl
            self.parse_error(response, f"{type(exc).__name__}: {exc}".splitlines()[0][:200])
