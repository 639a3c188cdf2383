"""What every web-source spider does: the ledger, conditional GET, articles and linked documents.

A feed, sitemap, listing or notice board only points at pages; the page
itself carries the text residents read. Each spider hands the pages it finds to
``parse_article``, which extracts the record and follows linked PDF documents
(kallelser, protokoll) on the same site.

Every request a web spider makes is a row of the crawl ledger (docs/ledger.md):
``follow`` writes ``todo`` before the request is yielded, the conditional-GET
middleware writes ``doing`` and sends the stored validators, and the outcome is
written here (``done``/``failed``) or, for pages and documents, by the item
pipeline together with the item (spiders yield :class:`crawler.ledger.Fetched`).
A 304 touches the stored item or replays a container's children from the
ledger, so an unchanged site costs only its entry points and 304s.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler.ledger import Fetched, Ledger, Outcome, Planned, Row, ledger_for
from crawler.pages.page_input import PageInput
from crawler.pages.types import Article, PageError
from crawler.pages.web.detect import soft_block
from crawler.pages.web.document import extract_document
from crawler.spiders.base import SourceSpider, classify_failure, log
from crawler.spiders.extraction import extractor
from crawler.store_access import shared_store
from parity.core.records import WebItem, web_item_id
from parity.core.timeutil import format_time, parse_time
from parity.core.urls import canonical_url

_DOCUMENT_SUFFIXES = (".pdf", ".docx")
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
              "sitemap_lastmod", "src", "follow", "selectors", "include", "exclude", "candidate", "board")


def response_headers(response: Response) -> dict[str, str]:
    """Scrapy's byte headers as a plain str dict for the page objects."""
    return {
        key.decode("latin-1"): b", ".join(values).decode("latin-1")
        for key, values in response.headers.items()
    }


def looks_like_document(url: str) -> bool:
    path = url.split("?", 1)[0].lower()
    return path.endswith(_DOCUMENT_SUFFIXES)


def _header(response: Response, name: str) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1").strip() if value else None


def body_sha256(response: Response) -> str:
    return hashlib.sha256(response.body).hexdigest()


def outcome_of(response: Response, **extra: Any) -> Outcome:
    """The validators and hash a 200 leaves in the ledger."""
    return Outcome(http_status=response.status, etag=_header(response, "ETag"),
                   last_modified=_header(response, "Last-Modified"), body_sha256=body_sha256(response), **extra)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return format_time(value)
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


class WebSourceSpider(SourceSpider):
    """Base for feed/sitemap/listing/notice-board/page/site spiders."""

    #: the ``source`` value of the web items this spider produces
    item_source = "page"
    #: Scrapy (asyncio reactor) starts CONCURRENT_ITEMS tasks per response to handle its output; our
    #: callbacks yield few outputs and the pipeline is synchronous, so 100 tasks per page is pure overhead.
    custom_settings = {"CONCURRENT_ITEMS": 16}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pages_requested = 0
        self.seen_urls: set[str] = set()
        self._ledger: Ledger | None = None
        self._known: dict[str, Row] | None = None
        self._rechecked = False

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> "WebSourceSpider":
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider._idle, signal=signals.spider_idle)
        return spider  # type: ignore[return-value]

    # -- the ledger ----------------------------------------------------------
    @property
    def run_id(self) -> str:
        return str(self.settings.get("PARITY_RUN_ID") or "run")

    @property
    def ledger(self) -> Ledger:
        if self._ledger is None:
            self._ledger = ledger_for(shared_store(self.settings.get("PARITY_STORE")))
        return self._ledger

    @property
    def known(self) -> dict[str, Row]:
        """This source's ledger rows as they were when the spider started (earlier runs' knowledge)."""
        if self._known is None:
            self._known = {row.url: row for row in self.ledger.rows(self.spec.key)}
        return self._known

    def canon(self, url: str) -> str:
        """``canonical_url`` (w3lib, ~0.3 ms), memoised: each URL is keyed several times per page."""
        cache: dict[str, str] = self.__dict__.setdefault("_canon_cache", {})
        key = cache.get(url)
        if key is None:
            key = cache[url] = canonical_url(url) or url
        return key

    def item_id(self, url: str) -> str:
        return web_item_id(self.spec.org, self.canon(url))

    def source_of(self, meta: dict[str, Any]) -> str:
        return str(meta.get("src") or self.item_source)

    def summary_item(self, url: str, title: str | None, text: str | None, published_at: dt.datetime | None,
                     key: str | None = None, source: str | None = None, **extra: Any) -> WebItem:
        """What a feed entry or list row says about a page, before (or without) fetching it.

        ``key`` replaces the URL as identity for entries without a page of their own
        (a notice shown only on the board).
        """
        return WebItem(
            id=web_item_id(self.spec.org, key) if key else self.item_id(url), org=self.spec.org,
            source=source or self.item_source, url=url, title=title, text=text or "", published_at=published_at,
            text_origin="summary", **extra,
        )

    # -- requests -------------------------------------------------------------
    def entry(self, url: str, cb: str, **context: Any) -> scrapy.Request:
        """A request for one of the source's own URLs (always fetched, conditionally)."""
        self.seen_urls.add(self.canon(url))
        context = {"cb": cb, **context}
        self.ledger.plan(self.spec.key, self.run_id, [Planned(url, "entry", None, _jsonable(context))])
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
        row = self.known.get(url)  # validators from the start-of-run snapshot: no query per request
        meta["ledger_validators"] = (row.etag, row.last_modified) if (
            row is not None and row.has_validators and not row.removed) else None
        return self.request(url, getattr(self, method), primary=primary or bool(context.get("primary")), meta=meta)

    def follow(self, url: str, kind: str = "page", parent: str | None = None, budget: bool = True,
               **context: Any) -> scrapy.Request | None:
        """Decide whether to request ``url`` in this run; plan it (``todo``) and return the request.

        Skipped: URLs already requested by this spider, other sites, URLs the
        ledger says are ``done`` in this run (a resumed run), pages over budget.
        """
        key = self.canon(url)
        if key in self.seen_urls or not self.same_site(url):
            return None
        row = self.known.get(url)
        if row is not None and row.run_id == self.run_id and row.state == "done":
            self.seen_urls.add(key)
            self.tracker.notes["resumed_done"] = int(self.tracker.notes.get("resumed_done", 0)) + 1
            if row.item_id:
                self.tracker.items += 1
            return None
        if budget and kind in ("page", "document"):
            if self.pages_requested >= self.max_pages:
                self.tracker.notes["page_budget_reached"] = True
                return None
            self.pages_requested += 1
        self.seen_urls.add(key)
        if "cb" not in context:
            context["cb"] = "document" if kind == "document" or looks_like_document(url) else "article"
        if context.get("cb") == "document":
            kind = "document"
        self._planned.append(Planned(url, kind, parent, _jsonable(context)))
        return self.build(url, kind, parent, context)

    @property
    def _planned(self) -> list[Planned]:
        buffer = getattr(self, "_plan_buffer", None)
        if buffer is None:
            buffer = self._plan_buffer = []
        return buffer

    def flush_plan(self) -> None:
        """Write the ``todo`` rows collected by ``follow`` (one transaction) before their requests go out."""
        buffer = self._planned
        if buffer:
            self.ledger.plan(self.spec.key, self.run_id, buffer)
            self._plan_buffer = []

    def emit(self, requests: Iterable[scrapy.Request | None]) -> Iterator[scrapy.Request]:
        """Flush the plan, then yield the requests (so ``todo`` is on disk before ``doing``)."""
        chosen = [r for r in requests if r is not None]
        self.flush_plan()
        yield from chosen

    def follow_page(self, url: str, **meta: Any) -> Iterator[Any]:
        """Request an article or document once per crawl (compatibility helper: plans and yields)."""
        request = self.follow(url, "document" if looks_like_document(url) else "page", **meta)
        yield from self.emit([request])

    def resumed_requests(self) -> list[scrapy.Request]:
        """Rows an interrupted run had planned but not finished, enqueued straight from the ledger."""
        requests = []
        for row in self.ledger.pending(self.spec.key, self.run_id):
            key = self.canon(row.url)
            if key in self.seen_urls:
                continue
            self.seen_urls.add(key)
            if row.kind in ("page", "document"):
                self.pages_requested += 1
            requests.append(self.build(row.url, row.kind, row.parent, row.context))
        if requests:
            self.tracker.notes["resumed_pending"] = len(requests)
        return requests

    # -- responses -------------------------------------------------------------
    def blocked(self, response: Response) -> bool:
        """A CAPTCHA / access-denied page served as content: an error row, never an item."""
        kind = (response.headers.get("Content-Type") or b"").decode("latin-1").lower()
        head = response.body[:512].lstrip().lower()
        if "html" not in kind and not head.startswith((b"<!doctype html", b"<html")):
            return False
        reason = soft_block(PageInput.from_response(response))
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
            self._ledger_failed(response, f"unparseable ({message})"[:300])
            return
        super().parse_error(response, message)
        self._ledger_failed(response, f"unparseable ({message})"[:300])

    def _ledger_failed(self, response: Response, error: str) -> None:
        url = response.meta.get("ledger_url")
        if url:
            self.ledger.failed(self.spec.key, url, self.run_id, error, response.status)

    def container(self, response: Response, produce: Callable[[], Iterator[Any]]) -> Iterator[Any]:
        """Feed, sitemap, list page or board: parse (or replay after a 304), then mark the row done."""
        if response.status == 304:
            self.ok(response)
            yield from self.replay(response)
            self.ledger.done(self.spec.key, response.meta["ledger_url"], self.run_id, Outcome(http_status=304))
            return
        if self.blocked(response):
            return
        yield from self.iter_safely(response, produce)
        self.flush_plan()
        if response.meta.get("_parse_failed") or not response.meta.get("ledger_url"):
            return
        self.ledger.done(self.spec.key, response.meta["ledger_url"], self.run_id, outcome_of(response))

    def replay(self, response: Response) -> Iterator[Any]:
        """A container answered 304: do with its children what parsing it again would have done.

        Pages listed in an unchanged sitemap keep their lastmod, so they are touched
        without a request; notices without a page are touched; everything else
        (feed and list entries, further list pages, child sitemaps, linked
        documents) is re-requested conditionally.
        """
        parent = response.meta["ledger_url"]
        from_sitemap = self.callback_of(response) == "sitemap"
        touch: list[str] = []
        requests = []
        for row in self.ledger.children(self.spec.key, parent):
            unchanged = row.state == "done" and bool(row.item_id) and not row.removed
            if row.kind == "notice" or (from_sitemap and row.kind == "page" and unchanged):
                key = self.canon(row.url)
                if key not in self.seen_urls:
                    self.seen_urls.add(key)
                    touch.append(row.url)
                continue
            requests.append(self.follow(row.url, row.kind, parent, **row.context))
        if touch:
            self.tracker.items += self.ledger.touch_many(self.spec.key, self.run_id, touch)
            self.tracker.notes["unchanged"] = int(self.tracker.notes.get("unchanged", 0)) + len(touch)
        yield from self.emit(requests)

    @staticmethod
    def callback_of(response: Response) -> str:
        callback = getattr(response.request, "callback", None) if response.request is not None else None
        name = getattr(callback, "__name__", "")
        return {v: k for k, v in CALLBACKS.items()}.get(name, "")

    def not_modified_item(self, response: Response) -> Iterator[Any]:
        """A page or document answered 304: it is still there, unchanged; linked documents re-checked."""
        url = response.meta["ledger_url"]
        row = self.known.get(url) or self.ledger.get(self.spec.key, url)
        self.ok(response)
        with self.ledger.atomic():
            if row is not None and row.item_id:
                self.ledger.store.touch_web_item(row.item_id)
                self.tracker.items += 1
            self.ledger.done(self.spec.key, url, self.run_id, Outcome(http_status=304))
        self.tracker.notes["not_modified"] = int(self.tracker.notes.get("not_modified", 0)) + 1
        yield from self.replay(response)

    def unchanged_body(self, response: Response) -> bool:
        """A 200 whose body is byte-identical to the one we extracted last time."""
        url = response.meta.get("ledger_url")
        row = self.known.get(url) if url else None
        return bool(row and row.item_id and not row.removed and row.body_sha256
                    and row.body_sha256 == body_sha256(response))

    # -- errors ------------------------------------------------------------------
    def on_error(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        url = request.meta.get("ledger_url")
        status = failure.value.response.status if isinstance(failure.value, HttpError) else None
        if url and status in (404, 410):
            row = self.known.get(url) or self.ledger.get(self.spec.key, url)
            if row is not None and row.item_id:
                with self.ledger.atomic():
                    self.ledger.store.mark_web_removed(row.item_id)
                    self.ledger.done(self.spec.key, url, self.run_id, Outcome(http_status=status, error="removed"))
                self.tracker.success(bool(request.meta.get("primary")))
                removed = self.tracker.notes.setdefault("removed", [])
                removed.append(url)  # type: ignore[union-attr]
                log.info("%s: %s is gone (%s): item marked removed", self.spec.key, url, status)
                return
        if request.meta.get("candidate"):
            reason = classify_failure(failure)
            self.tracker.notes.setdefault("candidates_rejected", []).append(request.url)  # type: ignore[union-attr]
            if url:
                self.ledger.failed(self.spec.key, url, self.run_id, reason, status)
            return
        super().on_error(failure)
        if url:
            self.ledger.failed(self.spec.key, url, self.run_id, classify_failure(failure), status)

    def _closed(self, spider: scrapy.Spider, reason: str) -> None:
        super()._closed(spider, reason)
        if spider is self:
            try:
                self.finalize()
            except Exception as exc:  # noqa: BLE001 - a bookkeeping error must not hide the crawl's result
                log.warning("%s: finalize failed: %s", self.spec.key, exc)

    def finalize(self) -> None:
        """Called once when the spider closes, before its status line is written (subclasses extend)."""

    # -- end of crawl: re-check items no longer listed ------------------------------
    def _idle(self, spider: scrapy.Spider) -> None:
        if spider is not self or self._rechecked:
            return
        self._rechecked = True
        if self.tracker.primary_failed or not self.tracker.primary_ok:
            return  # the listing is incomplete: "not listed" means nothing
        limit = self.settings.getint("PARITY_RECHECK_MAX", 100)
        requests = []
        for row in self.ledger.orphans(self.spec.key, self.run_id, limit):
            if (self.canon(row.url)) in self.seen_urls:
                continue
            requests.append(self.follow(row.url, row.kind, row.parent, budget=False, **row.context))
        requests = [r for r in requests if r is not None]
        if not requests:
            return
        self.flush_plan()
        self.tracker.notes["rechecked"] = len(requests)
        for request in requests:
            self.crawler.engine.crawl(request)
        raise DontCloseSpider

    # -- pages and documents ---------------------------------------------------------
    async def parse_article(self, response: Response) -> list[Any]:
        """A page: 304 / block page / unchanged body / extraction (a coroutine returning its output:
        Scrapy runs an async *generator* callback through ``CONCURRENT_ITEMS`` tasks per response)."""
        if response.status == 304:
            return list(self.not_modified_item(response))
        if self.blocked(response):
            return []
        if self.unchanged_body(response):
            return list(self._unchanged(response))
        if not _is_html(response):
            return list(self.iter_safely(response, lambda: self._not_html(response)))
        try:  # the CPU-heavy part, in a worker process once the crawl is big (crawler/spiders/extraction.py)
            article = await extractor(self.settings).article(PageInput.from_response(response))
        except PageError as exc:
            self.parse_error(response, exc.reason)
            return []
        except Exception as exc:  # noqa: BLE001 - one bad page must not stop the crawl
            self.parse_error(response, f"{type(exc).__name__}: {exc}".splitlines()[0][:200])
            return []
        return list(self.iter_safely(response, lambda: self._article(response, article)))

    def _unchanged(self, response: Response) -> Iterator[Any]:
        url = response.meta["ledger_url"]
        row = self.known[url]
        self.ok(response)
        with self.ledger.atomic():
            self.ledger.store.touch_web_item(row.item_id)
            self.ledger.done(self.spec.key, url, self.run_id, outcome_of(
                response, sitemap_lastmod=response.meta.get("sitemap_lastmod")))
        self.tracker.items += 1
        self.tracker.notes["unchanged"] = int(self.tracker.notes.get("unchanged", 0)) + 1
        yield from self.replay(response)

    def fetched(self, record: WebItem, response: Response) -> Any:
        """The record, wrapped so the pipeline marks the ledger row done in the same transaction."""
        url = response.meta.get("ledger_url")
        if not url:
            return record
        outcome = outcome_of(response, sitemap_lastmod=response.meta.get("sitemap_lastmod"))
        return Fetched(record=record, source_key=self.spec.key, url=url, run_id=self.run_id, outcome=outcome)

    def _not_html(self, response: Response) -> Iterator[Any]:
        if _is_pdf(response):
            yield from self._document(response)
            return
        self.parse_error(response, f"not an HTML page ({_content_type(response) or 'no content type'})")

    def _article(self, response: Response, article: Article) -> Iterator[Any]:
        self.ok(response)
        url = response.meta.get("item_url") or response.url
        extra = dict(response.meta.get("item_extra") or {})
        record = WebItem(
            id=self.item_id(url), org=self.spec.org, source=self.source_of(response.meta), url=url,
            title=article.title or response.meta.get("item_title"), text=article.text or "",
            published_at=article.published_at or response.meta.get("item_published"), lang=article.lang,
            text_origin="page", modified_at=article.modified_at, **extra,
        )
        documents = []
        if self.settings.getbool("PARITY_FOLLOW_DOCUMENTS", True):
            parent = response.meta.get("ledger_url") or url
            for link in article.document_links or []:
                href = getattr(link, "url", link)
                if looks_like_document(href):
                    documents.append(self.follow(href, "document", parent, link_text=getattr(link, "text", None),
                                                 linked_from=url))
        self.flush_plan()  # documents are todo before the page is done: a kill in between loses nothing
        yield self.fetched(record, response)
        yield from self.emit(documents)

    def parse_document(self, response: Response) -> Iterator[Any]:
        if response.status == 304:
            yield from self.not_modified_item(response)
            return
        if self.unchanged_body(response):
            yield from self._unchanged(response)
            return
        yield from self.iter_safely(response, lambda: self._document(response))

    def _document(self, response: Response) -> Iterator[Any]:
        try:
            document = extract_document(PageInput.from_response(response))
        except PageError as exc:
            self.parse_error(response, exc.reason)
            return
        self.ok(response)
        url = response.meta.get("ledger_url") or response.url
        yield self.fetched(WebItem(
            id=self.item_id(url), org=self.spec.org, source="document", url=url,
            title=document.title or response.meta.get("link_text"), text=document.text or "",
            published_at=document.published_at, text_origin="page",
            linked_from=response.meta.get("linked_from"),
        ), response)


def _content_type(response: Response) -> str:
    return (response.headers.get("Content-Type") or b"").decode("latin-1").lower()


def _is_pdf(response: Response) -> bool:
    return "pdf" in _content_type(response) or response.body[:5] == b"%PDF-"


def _is_html(response: Response) -> bool:
    kind = _content_type(response)
    if not kind:
        head = response.body[:512].lstrip().lower()
        return head.startswith((b"<!doctype html", b"<html")) or b"<html" in head
    return "html" in kind or "xml" in kind and b"<html" in response.body[:2048].lower()
