"""Pages and documents: a 304, a block page, an unchanged body, or a record extracted from the body.

Every web spider hands the pages it finds to ``parse_article`` (the ledger row's
callback), which extracts the record and follows linked PDF documents
(kallelser, protokoll) on the same site; ``parse_document`` reads those. The
extracted record goes to the pipeline wrapped in a ``Fetched``, so item and
ledger row are stored in one transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scrapy.http import Response

from crawler.ledger import Fetched
from crawler.pages.page_input import PageInput
from crawler.pages.web.document import extract_document
from crawler.pages.types import Article, PageError
from crawler.spiders.build import article_item, document_item
from crawler.spiders.web import WebSourceSpider
from crawler.spiders.extraction import extractor
from crawler.spiders.sniff import (
    body_sha256,
    content_type,
    is_html,
    is_pdf,
    looks_like_document,
    outcome_of,
)
from parity.core.records import WebItem
from parity.store.types import Outcome


class ArticleParsing(WebSourceSpider):
    """``parse_article`` and ``parse_document``: shared by every web spider."""

    def not_modified_item(self, response: Response) -> Iterator[Any]:
        """A page or document answered 304: it is still there, unchanged; linked documents re-checked."""
        self.ok(response)
        if self.ledger.unchanged(response.meta["ledger_url"], Outcome(http_status=304)):
            self.tracker.items += 1
        self.tracker.notes["not_modified"] = int(self.tracker.notes.get("not_modified", 0)) + 1
        yield from self.replay(response)

    def unchanged_body(self, response: Response) -> bool:
        """A 200 whose body is byte-identical to the one we extracted last time."""
        return self.ledger.unchanged_body(response.meta.get("ledger_url"), body_sha256(response))

    async def parse_article(self, response: Response) -> list[Any]:
        """A page: 304 / block page / unchanged body / extraction (a coroutine returning its output:
        Scrapy runs an async *generator* callback through ``CONCURRENT_ITEMS`` tasks per response)."""
        if response.status == 304:
            return list(self.not_modified_item(response))
        if self.blocked(response):
            return []
        if self.unchanged_body(response):
            return list(self._unchanged(response))
        if not is_html(response):
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
        self.ok(response)
        self.ledger.unchanged(response.meta["ledger_url"],
                              outcome_of(response, sitemap_lastmod=response.meta.get("sitemap_lastmod")))
        self.tracker.items += 1
        self.tracker.notes["unchanged"] = int(self.tracker.notes.get("unchanged", 0)) + 1
        yield from self.replay(response)

    def fetched(self, record: WebItem, response: Response) -> WebItem | Fetched:
        """The record, wrapped so the pipeline marks the ledger row done in the same transaction."""
        url = response.meta.get("ledger_url")
        if not url:
            return record
        return self.ledger.fetched(record, url, outcome_of(response, sitemap_lastmod=response.meta.get("sitemap_lastmod")))

    def _not_html(self, response: Response) -> Iterator[Any]:
        if is_pdf(response):
            yield from self._document(response)
            return
        self.parse_error(response, f"not an HTML page ({content_type(response) or 'no content type'})")

    def _article(self, response: Response, article: Article) -> Iterator[Any]:
        self.ok(response)
        url = response.meta.get("item_url") or response.url
        record = article_item(self.spec.org, self.item_id(url), self.source_of(response.meta), url, article,
                              response.meta)
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
        yield self.fetched(document_item(self.spec.org, self.item_id(url), url, document, response.meta), response)
