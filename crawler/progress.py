"""Live progress of a crawl for the command line: JSON lines on a pipe the parent process reads.

Why a pipe and not the store or stderr: the store sees items only (not pages fetched or
errors) and polling it would add load on the one shared SQLite file; stderr carries the
human log. A file descriptor passed by ``parity`` (``python -m crawler.run --progress-fd N``)
is the cheapest faithful channel: one short line per change, at most every
:data:`INTERVAL` seconds, and always when a source finishes.

Each line: ``{"sources_total", "sources_done", "pages", "items", "errors", "source"?}`` —
``source`` names a source that just finished (its key), ``errors`` counts failed requests and
unreadable bodies (the trackers' error reasons). Writes are non-blocking: a slow reader loses
intermediate lines, never the crawl's time; the last line is always written on close.
"""

from __future__ import annotations

import errno
import json
import os
import time
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

INTERVAL = 0.5


class Reporter:
    """The totals of every crawler of this process, written to one descriptor."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.total = 0
        self.done = 0
        self.crawlers: list[Crawler] = []
        #: totals counted in other processes (a distributed crawl's workers; crawler/distributed/coordinator.py)
        self.remote: dict[str, int] = {}
        self._last = 0.0
        os.set_blocking(fd, False)

    def counts(self) -> dict[str, Any]:
        pages, items, errors = (int(self.remote.get(k, 0)) for k in ("pages", "items", "errors"))
        for crawler in self.crawlers:
            pages += int(crawler.stats.get_value("response_received_count", 0) or 0)
            tracker = getattr(getattr(crawler, "spider", None), "tracker", None)
            if tracker is not None:
                items += tracker.items
                errors += sum(tracker.reasons.values())
        return {"sources_total": self.total, "sources_done": self.done, "pages": pages, "items": items,
                "errors": errors}

    def emit(self, force: bool = False, **extra: Any) -> None:
        now = time.monotonic()
        if not force and now - self._last < INTERVAL:
            return
        self._last = now
        line = json.dumps({**self.counts(), **extra}) + "\n"
        try:
            os.write(self.fd, line.encode("utf-8"))
        except BlockingIOError:
            pass  # the reader is behind: this line is dropped, the next one carries the totals
        except OSError as exc:
            if exc.errno not in (errno.EPIPE, errno.EBADF):
                raise


_REPORTER: Reporter | None = None


def start(fd: int, total: int, done: int) -> Reporter:
    """Open the channel for this process: ``total`` sources, ``done`` of them already (file imports)."""
    global _REPORTER  # noqa: PLW0603 - one channel per crawl process
    _REPORTER = Reporter(fd)
    _REPORTER.total, _REPORTER.done = total, done
    _REPORTER.emit(force=True)
    return _REPORTER


def reporter() -> Reporter | None:
    """This process's channel, if ``start`` opened one."""
    return _REPORTER


def source_done(key: str) -> None:
    """A source that never reached Scrapy (failed preflight) is finished too."""
    if _REPORTER is not None:
        _REPORTER.done += 1
        _REPORTER.emit(force=True, source=key)


class ProgressReport:
    """Scrapy extension (enabled when ``PARITY_PROGRESS`` is set): feeds the process's :class:`Reporter`."""

    def __init__(self, crawler: Crawler, reporter: Reporter) -> None:
        self.crawler = crawler
        self.reporter = reporter
        reporter.crawlers.append(crawler)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProgressReport:
        if _REPORTER is None or not crawler.settings.getbool("PARITY_PROGRESS"):
            raise NotConfigured("no progress channel")
        extension = cls(crawler, _REPORTER)
        crawler.signals.connect(extension.changed, signal=signals.response_received)
        crawler.signals.connect(extension.changed, signal=signals.item_scraped)
        crawler.signals.connect(extension.closed, signal=signals.spider_closed)
        return extension

    def changed(self, *args: Any, **kwargs: Any) -> None:
        self.reporter.emit()

    def closed(self, spider: Any = None, reason: str | None = None) -> None:
        self.reporter.done += 1
        key = getattr(getattr(spider, "spec", None), "key", None)
        self.reporter.emit(force=True, source=key)
