"""Pages and documents: a 304, a block page, an unchanged body, or a record extracted from the body.

Every web spider hands the pages it finds to ``parse_article`` (the ledger row's
callback), which extracts the record and follows linked PDF documents
(kallelser, protokoll) on the same site; ``parse_document`` reads those, in a
worker process and within a time and page budget (crawler/spiders/documents.py). The
extracted record goes to the pipeline wrapped in a ``Fetched``, so item and
ledger row are stored in one transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scrapy.http import Response

from crawler.ledger import Fetched
from crawler.pages.page_input import PageInput
from crawler.pages.types import Article, DocumentFile, PageError
from crawler.pages.web.document import DocumentTooCostly
from crawler.spiders.base import log
from crawler.spiders.build import article_item, document_item
from crawler.spiders.documents import budget_of, document_reader
from crawler.spiders.extraction import extractor
from crawler.spiders.sniff import (
    body_sha256,
    content_type,
    is_html,
    is_pdf,
    looks_like_document,
    outcome_of,
)
from crawler.spiders.web import WebSourceSpider
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
            if is_pdf(response):  # a document served where a page was expected
                return await self.read_document(response)
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
        self.parse_error(response, f"not an HTML page ({content_type(response) or 'no content type'})")
        yield from ()

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

    async def parse_document(self, response: Response) -> list[Any]:
        """A linked PDF or .docx: 304 / unchanged body / read in a worker within its budget."""
        if response.status == 304:
            return list(self.not_modified_item(response))
        if self.unchanged_body(response):
            return list(self._unchanged(response))
        return await self.read_document(response)

    async def read_document(self, response: Response) -> list[Any]:
        """The document, read off the reactor within ``max_document_pages``/``max_document_seconds``
        (crawler/spiders/documents.py); past them an error row ``document_too_costly``."""
        try:
            document = await document_reader(self.settings).read(PageInput.from_response(response),
                                                                 budget_of(self.settings))
        except DocumentTooCostly as exc:
            self.too_costly(response, exc.reason)
            return []
        except PageError as exc:
            self.parse_error(response, exc.reason)
            return []
        except Exception as exc:  # noqa: BLE001 - one bad document must not stop the crawl
            self.parse_error(response, f"{type(exc).__name__}: {exc}".splitlines()[0][:200])
            return []
        return list(self.iter_safely(response, lambda: self._document(response, document)))

    def too_costly(self, response: Response, reason: str) -> None:
        """An error row named ``document_too_costly`` (not ``unparseable``): the file is fine, just too dear."""
        response.meta["_parse_failed"] = True
        self.tracker.failure(response.url, reason, bool(response.meta.get("primary")))
        self._ledger_failed(response, reason[:300])
        log.warning("%s: %s: %s", self.spec.key, response.url, reason)

    def _document(self, response: Response, document: DocumentFile) -> Iterator[Any]:
        self.ok(response)
        url = response.meta.get("ledger_url") or response.url
        yield self.fetched(document_item(self.spec.org, self.item_id(url), url, document, response.meta), response)
