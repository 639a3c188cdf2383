"""What every web-source spider does: the ledger, conditional GET, articles and linked documents.

A feed, sitemap, listing or notice board only points at pages; the page
itself carries the text residents read (crawler/spiders/article.py reads pages
and the documents they link).

Every request a web spider makes is a row of the crawl ledger (docs/ledger.md):
``follow`` writes ``todo`` before the request is yielded, the conditional-GET
middleware writes ``doing`` and sends the stored validators, and the outcome is
written here (``done``/``failed``) or, for pages and documents, by the item
pipeline together with the item (spiders yield :class:`crawler.ledger.Fetched`).
A 304 touches the stored item or replays a container's children from the
ledger, so an unchanged site costs only its entry points and 304s.

Jobs kept elsewhere: the ledger's decisions (what to plan, what is unchanged,
what to resume) are crawler/ledger.py's ``SourceLedger``, the only way a spider
reaches crawl state; reading a response (HTML? PDF? block page?) is
crawler/spiders/sniff.py; building records is crawler/spiders/build.py; pages
and documents are crawler/spiders/article.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler.ledger import Planned, SourceLedger, jsonable
from crawler.spiders.base import SourceSpider, classify_failure, log
from crawler.spiders.build import summary_item
from crawler.spiders.containers import ContainerCaps
from crawler.spiders.coordination import (
    NEW,
    OVER,
    SEEN,
    Coordination,
    LocalCoordination,
    Quota,
)
from crawler.spiders.sniff import (
    block_reason,
    looks_like_document,
    outcome_of,
)
from crawler.store_access import shared_store
from parity.core.records import WebItem, web_item_id
from parity.core.timeutil import parse_time
from parity.core.urls import canonical_url
from parity.store.types import Outcome

#: Callback names a ledger row's context may name (``context["cb"]``).
CALLBACKS = {
    "article": "parse_article",
    "document": "parse_document",
    "feed": "parse_feed",
    "sitemap": "parse_sitemap",
    "list": "parse_list",
    "board": "parse_board",
}
#: Context keys copied into request meta (and back) when a request is rebuilt from the ledger.
_META_KEYS = ("item_url", "item_title", "item_published", "item_extra", "link_text", "linked_from",
              "sitemap_lastmod", "src", "follow", "selectors", "include", "exclude", "candidate", "board",
              "sitemap_depth")

__all__ = ["CALLBACKS", "WebSourceSpider"]


class WebSourceSpider(ContainerCaps, SourceSpider):
    """Base for feed/sitemap/listing/notice-board/page/site spiders."""

    #: the ``source`` value of the web items this spider produces
    item_source = "page"
    #: Scrapy (asyncio reactor) starts CONCURRENT_ITEMS tasks per response to handle its output; our
    #: callbacks yield few outputs and the pipeline is synchronous, so 100 tasks per page is pure overhead.
    custom_settings = {"CONCURRENT_ITEMS": 16}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: URLs planned, budgets, extra hosts, boards: in memory, or shared by the workers of a
        #: distributed crawl (crawler/spiders/coordination.py)
        self.coord: Coordination = LocalCoordination()
        self._ledger: SourceLedger | None = None
        self._rechecked = False
        self._canon_cache: dict[str, str] = {}

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> "WebSourceSpider":
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider._idle, signal=signals.spider_idle)
        factory = crawler.settings.get("PARITY_COORDINATION")
        if factory:  # the distributed crawl: crawler.distributed.coordination.shared_coordination
            from scrapy.utils.misc import load_object

            spider.coord = load_object(factory)(crawler, spider)
        return spider  # type: ignore[return-value]

    @property
    def pages_quota(self) -> Quota:
        return Quota("pages", self.max_pages, "page_budget_reached")

    def allow_host(self, host: str) -> None:
        """Let the source visit ``host`` too (an embedded board's host), in every worker."""
        self.allowed_hosts.add(host)
        self.coord.allow_host(host)

    def same_site(self, url: str) -> bool:
        if super().same_site(url):
            return True
        host = urlsplit(url).hostname
        if host and self.coord.shared and host in self.coord.hosts():  # added by another worker
            self.allowed_hosts.add(host)
            return True
        return False

    # -- the ledger ----------------------------------------------------------
    @property
    def run_id(self) -> str:
        return str(self.settings.get("PARITY_RUN_ID") or "run")

    @property
    def ledger(self) -> SourceLedger:
        """This source's ledger in this run (crawler/ledger.py): decisions and row writes."""
        if self._ledger is None:
            self._ledger = SourceLedger(shared_store(self.settings.get("PARITY_STORE")), self.spec.key, self.run_id)
        return self._ledger

    def canon(self, url: str) -> str:
        """``canonical_url`` (w3lib, ~0.3 ms), memoised: each URL is keyed several times per page."""
        key = self._canon_cache.get(url)
        if key is None:
            key = self._canon_cache[url] = canonical_url(url) or url
        return key

    def item_id(self, url: str) -> str:
        return web_item_id(self.spec.org, self.canon(url))

    def source_of(self, meta: dict[str, Any]) -> str:
        return str(meta.get("src") or self.item_source)

    def summary_item(self, url: str, title: str | None, text: str | None, published_at: dt.datetime | None,
                     key: str | None = None, source: str | None = None, **extra: Any) -> WebItem:
        """What a feed entry or list row says about a page; ``key`` replaces the URL as identity
        for entries without a page of their own (a notice shown only on the board)."""
        return summary_item(self.spec.org, web_item_id(self.spec.org, key) if key else self.item_id(url),
                            source or self.item_source, url, title, text, published_at, **extra)

    # -- requests -------------------------------------------------------------
    def entry(self, url: str, cb: str, **context: Any) -> scrapy.Request:
        """A request for one of the source's own URLs (always fetched, conditionally)."""
        self.coord.admit(self.canon(url), "entry")
        context = {"cb": cb, **context}
        self.ledger.plan_now(Planned(url, "entry", None, jsonable(context)))
        return self.build(url, "entry", None, context, primary=not context.get("candidate"))

    def build(self, url: str, kind: str, parent: str | None, context: dict[str, Any],
              primary: bool = False) -> scrapy.Request:
        """The request for a ledger row (new, replayed after a 304, or adopted from an interrupted run)."""
        method = CALLBACKS.get(str(context.get("cb") or ""), "parse_document" if kind == "document" else "parse_article")
        meta: dict[str, Any] = {k: context[k] for k in _META_KEYS if context.get(k) is not None}
        if "item_published" in meta and not isinstance(meta["item_published"], dt.datetime):
            meta["item_published"] = parse_time(meta["item_published"])
        meta.update({"ledger_url": url, "ledger_kind": kind, "ledger_parent": parent,
                     "handle_httpstatus_list": [304]})
        meta["ledger_validators"] = self.ledger.validators(url)  # from the start-of-run snapshot
        return self.request(url, getattr(self, method), primary=primary or bool(context.get("primary")), meta=meta)

    def follow(self, url: str, kind: str = "page", parent: str | None = None, budget: bool = True,
               quota: Quota | None = None, **context: Any) -> scrapy.Request | None:
        """Decide whether to request ``url`` in this run; plan it (``todo``) and return the request.

        Skipped: URLs already planned for this source, other sites, URLs the ledger says
        are ``done`` in this run (a resumed run), URLs over their quota (pages and
        documents: ``max_pages_per_source`` unless ``budget`` is False; ``quota`` names another).
        """
        if quota is None and budget and kind in ("page", "document"):
            quota = self.pages_quota
        verdict, request = self._plan(url, kind, parent, (quota,), context)
        if verdict == OVER and quota is not None and quota.note:
            self.tracker.notes[quota.note] = True
        return request

    def _plan(self, url: str, kind: str, parent: str | None, quotas: tuple[Quota | None, ...],
              context: dict[str, Any]) -> tuple[str, scrapy.Request | None]:
        """``follow``'s decision: (NEW, the request), (SEEN, None) for any skip, (OVER, None) over a quota."""
        if not self.same_site(url):
            return SEEN, None
        done = self.ledger.done_in_run(url)
        verdict = self.coord.admit(self.canon(url), parent or "", *(() if done is not None else quotas))
        if verdict == SEEN:
            return SEEN, None
        if done is not None:
            self.tracker.notes["resumed_done"] = int(self.tracker.notes.get("resumed_done", 0)) + 1
            if done.item_id:
                self.tracker.items += 1
            return SEEN, None
        if verdict == OVER:
            return OVER, None
        if "cb" not in context:
            context["cb"] = "document" if kind == "document" or looks_like_document(url) else "article"
        if context.get("cb") == "document":
            kind = "document"
        self.ledger.plan(Planned(url, kind, parent, jsonable(context)))
        return NEW, self.build(url, kind, parent, context)

    def flush_plan(self) -> None:
        """Write the ``todo`` rows collected by ``follow`` (one transaction) before their requests go out."""
        self.ledger.flush_plan()

    def emit(self, requests: Iterable[scrapy.Request | None]) -> Iterator[scrapy.Request]:
        """Flush the plan, then yield the requests (so ``todo`` is on disk before ``doing``)."""
        chosen = [r for r in requests if r is not None]
        self.flush_plan()
        yield from chosen

    def resumed_requests(self) -> list[scrapy.Request]:
        """Rows an interrupted run had planned but not finished, enqueued straight from the ledger."""
        requests = []
        for row in self.ledger.pending():
            if not self.coord.resumable(row.url):
                continue
            quota = Quota("pages", None) if row.kind in ("page", "document") else None
            if self.coord.admit(self.canon(row.url), "resume", quota) != NEW:
                continue
            requests.append(self.build(row.url, row.kind, row.parent, row.context))
        if requests:
            self.tracker.notes["resumed_pending"] = len(requests)
        return requests

    async def start(self) -> AsyncIterator[scrapy.Request]:
        """The source's entry points (subclasses name them in ``entries``), then what a resumed run adopted."""
        _ = self.ledger.known  # the snapshot is taken before this run writes anything
        for request in self.entries():
            yield request
        for request in self.resumed_requests():
            yield request

    def entries(self) -> list[scrapy.Request]:
        """The source's own URLs (always requested, conditionally)."""
        raise NotImplementedError

    # -- responses -------------------------------------------------------------
    def blocked(self, response: Response) -> bool:
        """A CAPTCHA / access-denied page served as content: an error row, never an item."""
        reason = block_reason(response)
        if reason is None:
            return False
        self.tracker.failure(response.url, f"soft_block:{reason}", bool(response.meta.get("primary")))
        self._ledger_failed(response, f"soft_block:{reason}")
        log.warning("%s: %s is a block page (%s), not content", self.spec.key, response.url, reason)
        return True

    def parse_error(self, response: Response, message: str) -> None:
        response.meta["_parse_failed"] = True
        if response.meta.get("candidate"):
            self.tracker.notes.setdefault("candidates_rejected", []).append(response.url)  # type: ignore[union-attr]
            log.info("%s: %s: %s", self.spec.key, response.url, message)
        else:
            super().parse_error(response, message)
        self._ledger_failed(response, f"unparseable ({message})"[:300])

    def _ledger_failed(self, response: Response, error: str) -> None:
        url = response.meta.get("ledger_url")
        if url:
            self.ledger.failed(url, error, response.status)

    def container(self, response: Response, produce: Callable[[], Iterator[Any]]) -> Iterator[Any]:
        """Feed, sitemap, list page or board: parse (or replay after a 304), then mark the row done."""
        if response.status == 304:
            self.ok(response)
            yield from self.replay(response)
            self.ledger.done(response.meta["ledger_url"], Outcome(http_status=304))
            return
        if self.blocked(response):
            return
        yield from self.iter_safely(response, produce)
        self.flush_plan()
        if response.meta.get("_parse_failed") or not response.meta.get("ledger_url"):
            return
        self.ledger.done(response.meta["ledger_url"], outcome_of(response))

    def replay(self, response: Response) -> Iterator[Any]:
        """A container answered 304: do with its children what parsing it again would have done."""
        parent = response.meta["ledger_url"]
        touch_rows, request_rows = self.ledger.replay(parent, self.callback_of(response) == "sitemap")
        touch = [row.url for row in touch_rows if self.coord.admit(self.canon(row.url), parent) == NEW]
        requests = [self.follow(row.url, row.kind, parent, **row.context) for row in request_rows]
        if touch:
            self.tracker.items += self.ledger.touch(touch)
            self.tracker.notes["unchanged"] = int(self.tracker.notes.get("unchanged", 0)) + len(touch)
        yield from self.emit(requests)

    @staticmethod
    def callback_of(response: Response) -> str:
        callback = getattr(response.request, "callback", None) if response.request is not None else None
        name = getattr(callback, "__name__", "")
        return {v: k for k, v in CALLBACKS.items()}.get(name, "")

    # -- errors ------------------------------------------------------------------
    def on_error(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        url = request.meta.get("ledger_url")
        status = failure.value.response.status if isinstance(failure.value, HttpError) else None
        if url and status in (404, 410) and self.ledger.gone(url, status):
            self.tracker.success(bool(request.meta.get("primary")))
            removed = self.tracker.notes.setdefault("removed", [])
            removed.append(url)  # type: ignore[union-attr]
            log.info("%s: %s is gone (%s): item marked removed", self.spec.key, url, status)
            return
        if request.meta.get("candidate"):
            reason = classify_failure(failure)
            self.tracker.notes.setdefault("candidates_rejected", []).append(request.url)  # type: ignore[union-attr]
            if url:
                self.ledger.failed(url, reason, status)
            return
        super().on_error(failure)
        if url:
            self.ledger.failed(url, classify_failure(failure), status)

    def _closed(self, spider: scrapy.Spider, reason: str) -> None:
        super()._closed(spider, reason)
        # Shared by several workers: the source's end-of-crawl checks run once, in the first to close
        # (a worker closes a source only when no worker has anything of it left to do).
        if spider is self and self.coord.first("finalize"):
            try:
                self.finalize()
            except Exception as exc:  # noqa: BLE001 - a bookkeeping error must not hide the crawl's result
                log.warning("%s: finalize failed: %s", self.spec.key, exc)

    def finalize(self) -> None:
        """Called once when the spider closes, before its status line is written (subclasses extend)."""

    # -- end of crawl: re-check items no longer listed ------------------------------
    def _idle(self, spider: scrapy.Spider) -> None:
        """Nothing left to fetch: re-check the items no longer listed (once per source), then close.

        Shared by several workers, one of them plans the re-check (it reads the source's whole
        tracker: the entry points may have been fetched elsewhere); the others stay open until
        it has, so its requests are shared too.
        """
        if spider is not self:
            return
        if self._rechecked:
            if self.coord.shared and not self.coord.first_done("recheck"):
                self.crawler.engine._slot.nextcall.schedule(0.5)  # look again soon (Scrapy's own: 5 s)
                raise DontCloseSpider
            return
        self._rechecked = True
        if not self.coord.first("recheck"):
            self._idle(spider)  # another worker plans it: wait for its decision
            return
        try:
            requests = self._recheck_requests()
        finally:
            self.coord.done_first("recheck")
        if not requests:
            return
        self.tracker.notes["rechecked"] = len(requests)
        for request in requests:
            self.crawler.engine.crawl(request)
        raise DontCloseSpider

    def _recheck_requests(self) -> list[scrapy.Request]:
        tracker = self.coord.tracker_view(self.tracker)
        if tracker.primary_failed or not tracker.primary_ok:
            return []  # the listing is incomplete: "not listed" means nothing
        limit = self.settings.getint("PARITY_RECHECK_MAX", 100)
        requests = [self.follow(row.url, row.kind, row.parent, budget=False, **row.context)
                    for row in self.ledger.orphans(limit)]
        chosen = [r for r in requests if r is not None]
        self.flush_plan()
        return chosen
