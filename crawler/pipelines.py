"""validate → canonicalise → store: the one place records enter the store.

Spiders yield ``Post`` and ``WebItem`` models; this pipeline strips tracking
parameters from post links, fills a missing language, and upserts into the
store under the spider's source key. Writes are idempotent, so a resumed or
repeated crawl never duplicates a record.
"""

from __future__ import annotations

from typing import Any

from scrapy.exceptions import DropItem
from w3lib.url import safe_url_string

from crawler.ledger import Fetched
from crawler.store_access import shared_store
from parity.core.lang import detect_lang
from parity.core.records import Post, WebItem
from parity.core.urls import strip_tracking


def clean_links(links: list[str]) -> list[str]:
    """Tracking parameters dropped, duplicates removed, order kept."""
    cleaned: list[str] = []
    for link in links:
        try:
            url = strip_tracking(safe_url_string(link.strip()))
        except ValueError:
            continue
        if url and url not in cleaned:
            cleaned.append(url)
    return cleaned


def prepare(item: Any) -> Post | WebItem:
    """Normalise a record before storage; raise DropItem for anything that is not one."""
    if isinstance(item, Post):
        updates: dict[str, Any] = {"links": clean_links(item.links)}
        if not item.lang and item.text:
            updates["lang"] = detect_lang(item.text)
        return item.model_copy(update=updates)
    if isinstance(item, WebItem):
        if not item.lang and (item.text or item.title):
            return item.model_copy(update={"lang": detect_lang(f"{item.title or ''}\n{item.text}")})
        return item
    raise DropItem(f"not a record: {type(item).__name__}")


class StorePipeline:
    """Upsert into the SQLite store named by the ``PARITY_STORE`` setting."""

    def __init__(self, store_path: str, crawler: Any = None) -> None:
        self.store_path = store_path
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> "StorePipeline":
        return cls(crawler.settings.get("PARITY_STORE"), crawler)

    def process_item(self, item: Any, spider: Any = None) -> Any:
        # Scrapy ≥ 2.13 no longer passes the spider; each crawler has its own pipeline.
        spider = spider or getattr(self.crawler, "spider", None)
        # A fetched page or document: item upsert and ledger 'done' in one transaction (docs/ledger.md).
        fetched = item if isinstance(item, Fetched) else None
        record = prepare(fetched.record if fetched is not None else item)
        key = getattr(getattr(spider, "spec", None), "key", None)
        tracker = getattr(spider, "tracker", None)
        try:
            store = shared_store(self.store_path)
            if fetched is not None and isinstance(record, WebItem):
                store.save_fetched(record, fetched.source_key, fetched.url, fetched.run_id, fetched.outcome)
            elif isinstance(record, Post):
                store.upsert_post(record, source_key=key)
            else:
                store.upsert_web_item(record, source_key=key)
        except Exception as exc:  # noqa: BLE001 - any back end's error: the record is lost, the source is not ok
            # A record that could not be stored was not collected: an error row makes the source
            # partial (its unmatched posts unverifiable), never `ok` with items silently missing.
            url = fetched.url if fetched is not None else (getattr(record, "url", None) or record.id)
            reason = f"store_write_failed ({type(exc).__name__}: {str(exc).splitlines()[0][:120] if str(exc) else ''})"
            if tracker is not None:
                tracker.failure(str(url), reason, False)
            raise DropItem(f"{url}: {reason}") from None
        if tracker is not None:
            tracker.items += 1
        return record
