"""Web items from what a source says about a page (a feed entry, a list row) and from the page itself.

The spiders decide what to fetch; these functions only turn what was read into
``WebItem`` records, so the identity rule (organisation + canonical URL) and the
fields each kind of record carries are written once.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from parity.core.records import WebItem

if TYPE_CHECKING:
    from crawler.pages.types import Article, DocumentFile


def summary_item(org: str, item_id: str, source: str, url: str, title: str | None, text: str | None,
                 published_at: dt.datetime | None, **extra: Any) -> WebItem:
    """What a feed entry or list row says about a page, before (or without) fetching it."""
    return WebItem(id=item_id, org=org, source=source, url=url, title=title, text=text or "",
                   published_at=published_at, text_origin="summary", **extra)


def article_item(org: str, item_id: str, source: str, url: str, article: "Article", meta: dict[str, Any]) -> WebItem:
    """A fetched page; what the listing said fills what the page lacks (title, date, extra fields)."""
    extra = dict(meta.get("item_extra") or {})
    return WebItem(
        id=item_id, org=org, source=source, url=url,
        title=article.title or meta.get("item_title"), text=article.text or "",
        published_at=article.published_at or meta.get("item_published"), lang=article.lang,
        text_origin="page", modified_at=article.modified_at, **extra,
    )


def document_item(org: str, item_id: str, url: str, document: "DocumentFile", meta: dict[str, Any]) -> WebItem:
    """A fetched PDF/Word document, titled by its link text when it has no title of its own."""
    return WebItem(
        id=item_id, org=org, source="document", url=url,
        title=document.title or meta.get("link_text"), text=document.text or "",
        published_at=document.published_at, text_origin="page", linked_from=meta.get("linked_from"),
    )

