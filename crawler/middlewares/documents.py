"""A document is fetched once per crawl process, however many spiders find its link.

Each configured source is its own Scrapy crawler with its own duplicate filter, so a
protokoll linked from the news list, the sitemap's pages and the notice board was
downloaded (and parsed) three times — a costly PDF three times over. This middleware
(priority 945: after the conditional-GET middleware has marked the row ``doing``, just before
the host gate, so a waiting request holds no slot of the host; and the second to see any
answer or failure, so no guard's refusal leaves a waiter hanging) lets the first request
for a document URL go out and makes later ones, from any spider, wait for its answer and
share it (no longer than the first one's timeouts and retries allow). Only a 200 is shared: a
304, an error or a failure sends each waiting request out on its own (it may hold other
validators, or the failure may have been transient). Shared answers are kept for later
finders too, up to :data:`KEEP_BYTES` of bodies (oldest dropped first). The parse is
shared as well, by body hash (crawler/spiders/documents.py).
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from typing import Any

from scrapy.http import Request, Response

from parity.core.urls import canonical_url

log = logging.getLogger(__name__)

#: Bodies of shared document answers kept for spiders that find the link later.
KEEP_BYTES = 64 * 1024 * 1024

#: Process-wide: every spider (each its own crawler) shares them.
_PENDING: dict[str, asyncio.Future[Response | None]] = {}
_DONE: OrderedDict[str, Response] = OrderedDict()
_KEPT = [0]


def _key(request: Request) -> str | None:
    if request.method != "GET" or request.meta.get("ledger_kind") != "document":
        return None
    return canonical_url(request.url) or request.url


class DocumentOnceMiddleware:
    """See the module docstring."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        settings = crawler.settings
        #: the longest the first request can take (every retry timing out), plus a margin
        self.patience = settings.getfloat("DOWNLOAD_TIMEOUT", 30.0) * (settings.getint("RETRY_TIMES", 3) + 1) + 10

    @classmethod
    def from_crawler(cls, crawler: Any) -> DocumentOnceMiddleware:
        return cls(crawler)

    async def process_request(self, request: Request, spider: Any = None) -> Response | None:
        key = _key(request)
        if key is None or request.meta.get("redirect_urls"):
            return None
        done = _DONE.get(key)
        if done is None and key in _PENDING:
            try:
                done = await asyncio.wait_for(asyncio.shield(_PENDING[key]), self.patience)
            except TimeoutError:
                done = None
        if done is not None:
            self.crawler.stats.inc_value("parity/document_shared")
            log.debug("%s: answer shared with an earlier request for the same document", request.url)
            return done.replace(url=request.url, request=request)
        if key not in _PENDING:
            _PENDING[key] = asyncio.get_running_loop().create_future()
            request.meta["parity_document_key"] = key
        return None

    def process_response(self, request: Request, response: Response, spider: Any = None) -> Response:
        key = request.meta.pop("parity_document_key", None)
        if key is not None:
            shared = response if response.status == 200 else None
            _settle(key, shared)
            if shared is not None:
                _keep(key, shared)
        return response

    def process_exception(self, request: Request, exception: BaseException, spider: Any = None) -> None:
        key = request.meta.pop("parity_document_key", None)
        if key is not None:
            _settle(key, None)


def _settle(key: str, response: Response | None) -> None:
    future = _PENDING.pop(key, None)
    if future is not None and not future.done():
        future.set_result(response)


def _keep(key: str, response: Response) -> None:
    _DONE[key] = response
    _KEPT[0] += len(response.body)
    while _KEPT[0] > KEEP_BYTES and len(_DONE) > 1:
        _, old = _DONE.popitem(last=False)
        _KEPT[0] -= len(old.body)
