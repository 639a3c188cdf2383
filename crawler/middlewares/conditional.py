"""Conditional GET from the crawl ledger: If-None-Match / If-Modified-Since, and ``doing`` marks.

The wiring of the ledger's policy (crawler/ledger.py: which validators, which
headers) to the store (``mark_doing``, ``ledger_row``), as Scrapy's
HttpCacheMiddleware wires a cache policy to a cache storage.

Requests that carry ``meta["ledger_url"]`` belong to a ledger row of the
spider's source (see docs/ledger.md). Before the request goes out the row is
marked ``doing`` (attempts + 1, retries included); if an earlier run stored
validators for it and the spider can act on a 304 (``meta["conditional"]``),
they are sent. The 304 itself goes to the spider's callback (``304`` is in
``handle_httpstatus_list``): only the spider knows whether that means "touch
the item" or "replay the feed's children".
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy.http import Request, Response

from crawler.ledger import conditional_headers, validators_of
from crawler.store_access import shared_store

log = logging.getLogger(__name__)


class ConditionalGetMiddleware:
    """Downloader middleware (priority 580: after robots and rate limits, before redirects)."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.store_path = crawler.settings.get("PARITY_STORE")
        self.run_id = crawler.settings.get("PARITY_RUN_ID")
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> "ConditionalGetMiddleware":
        return cls(crawler)

    def process_request(self, request: Request, spider: Any = None) -> None:
        url = request.meta.get("ledger_url")
        spider = spider or getattr(self.crawler, "spider", None)
        source_key = getattr(getattr(spider, "spec", None), "key", None)
        if not url or not source_key or not self.store_path:
            return
        store = shared_store(self.store_path)
        if request.meta.get("conditional", True) and not request.meta.get("conditional_checked"):
            request.meta["conditional_checked"] = True
            if "ledger_validators" in request.meta:  # the spider read them from its snapshot of the ledger
                validators = request.meta["ledger_validators"]
            else:
                validators = validators_of(store.ledger_row(source_key, url))
            headers = conditional_headers(validators)
            for name, value in headers.items():
                if name not in request.headers:
                    request.headers[name] = value
            if headers:
                self.stats.inc_value("ledger/conditional_sent")
        store.mark_doing(source_key, url, self.run_id)

    def process_response(self, request: Request, response: Response, spider: Any = None) -> Response:
        if response.status == 304 and request.meta.get("ledger_url"):
            self.stats.inc_value("ledger/not_modified")
        return response
