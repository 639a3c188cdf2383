"""What every web-source spider does with an article page or a linked document.

A feed, sitemap, listing or notice board only points at pages; the page
itself carries the text residents read. Each spider hands the pages it finds to
``parse_article``, which extracts the record and follows linked PDF documents
(kallelser, protokoll) on the same site.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from scrapy.http import Response

from crawler.pages.article import extract_article
from crawler.pages.document import extract_document
from crawler.pages.types import PageError
from crawler.spiders.base import SourceSpider
from parity.records import WebItem, web_item_id
from parity.urls import canonical_url

_DOCUMENT_SUFFIXES = (".pdf",)


def response_headers(response: Response) -> dict[str, str]:
    """Scrapy's byte headers as a plain str dict for the page objects."""
    return {
        key.decode("latin-1"): b", ".join(values).decode("latin-1")
        for key, values in response.headers.items()
    }


def looks_like_document(url: str) -> bool:
    path = url.split("?", 1)[0].lower()
    return path.endswith(_DOCUMENT_SUFFIXES)


class WebSourceSpider(SourceSpider):
    """Base for feed/sitemap/listing/notice-board/page spiders."""

    #: the ``source`` value of the web items this spider produces
    item_source = "page"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pages_requested = 0
        self.seen_urls: set[str] = set()

    def item_id(self, url: str) -> str:
        return web_item_id(self.spec.org, canonical_url(url) or url)

    def summary_item(self, url: str, title: str | None, text: str | None, published_at: dt.datetime | None,
                     key: str | None = None, **extra: Any) -> WebItem:
        """What a feed entry or list row says about a page, before (or without) fetching it.

        ``key`` replaces the URL as identity for entries without a page of their own
        (a notice shown only on the board).
        """
        return WebItem(
            id=web_item_id(self.spec.org, key) if key else self.item_id(url), org=self.spec.org, source=self.item_source, url=url, title=title,
            text=text or "", published_at=published_at, text_origin="summary", **extra,
        )

    def follow_page(self, url: str, **meta: Any) -> Iterator[Any]:
        """Request an article or document once per crawl, same site only, within the page budget."""
        key = canonical_url(url) or url
        if key in self.seen_urls or not self.same_site(url):
            return
        if self.pages_requested >= self.max_pages:
            self.tracker.notes["page_budget_reached"] = True
            return
        self.seen_urls.add(key)
        self.pages_requested += 1
        callback = self.parse_document if looks_like_document(url) else self.parse_article
        yield self.request(url, callback, meta=meta)

    def parse_article(self, response: Response) -> Iterator[Any]:
        yield from self.iter_safely(response, lambda: self._article(response))

    def _article(self, response: Response) -> Iterator[Any]:
        if not _is_html(response):
            if _is_pdf(response):
                yield from self._document(response)
                return
            self.parse_error(response, f"not an HTML page ({_content_type(response) or 'no content type'})")
            return
        self.ok(response)
        article = extract_article(response.url, response_headers(response), response.body)
        url = response.meta.get("item_url") or response.url
        extra = dict(response.meta.get("item_extra") or {})
        yield WebItem(
            id=self.item_id(url), org=self.spec.org, source=self.item_source, url=url,
            title=article.title or response.meta.get("item_title"), text=article.text or "",
            published_at=article.published_at or response.meta.get("item_published"), lang=article.lang,
            text_origin="page", modified_at=article.modified_at, **extra,
        )
        if self.settings.getbool("PARITY_FOLLOW_DOCUMENTS", True):
            for link in article.document_links or []:
                href = getattr(link, "url", link)
                if looks_like_document(href):
                    yield from self.follow_page(href, link_text=getattr(link, "text", None), linked_from=url)

    def parse_document(self, response: Response) -> Iterator[Any]:
        yield from self.iter_safely(response, lambda: self._document(response))

    def _document(self, response: Response) -> Iterator[Any]:
        try:
            document = extract_document(response.url, response_headers(response), response.body)
        except PageError as exc:
            self.parse_error(response, str(exc))
            return
        self.ok(response)
        yield WebItem(
            id=self.item_id(response.url), org=self.spec.org, source="document", url=response.url,
            title=document.title or response.meta.get("link_text"), text=document.text or "",
            published_at=document.published_at, text_origin="page",
            linked_from=response.meta.get("linked_from"),
        )


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
