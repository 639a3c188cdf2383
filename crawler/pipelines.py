"""validate → canonicalise → repair → store: the one place records enter the store.

Spiders yield ``Post`` and ``WebItem`` models; this pipeline strips tracking
parameters from post links, fills a missing language, and upserts into the
store under the spider's source key. Writes are idempotent, so a resumed or
repeated crawl never duplicates a record.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy.exceptions import DropItem
from w3lib.url import safe_url_string

from crawler.ledger import Fetched
from crawler.secrets import process_redactor
from crawler.store_access import shared_store
from parity.core.lang import detect_lang
from parity.core.records import Post, WebItem
from parity.core.surrogates import repair_model
from parity.core.urls import strip_tracking

log = logging.getLogger(__name__)


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


def without_credentials(record: Post | WebItem) -> Post | WebItem:
    """The record with any credential of the crawl replaced (crawler/secrets.py): an API that writes the
    token into a post must not get it into posts.jsonl. The same object when there is none (the rule)."""
    redactor = process_redactor()
    if not redactor or not any(secret in record.model_dump_json() for secret in redactor.secrets):
        return record
    return type(record).model_validate(redactor.value(record.model_dump()))


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
        record, fixed = repair_model(prepare(fetched.record if fetched is not None else item))
        record = without_credentials(record)
        key = getattr(getattr(spider, "spec", None), "key", None)
        tracker = getattr(spider, "tracker", None)
        if fixed:
            log.warning("%s: %d invalid character%s (lone surrogates) replaced by U+FFFD in %s", key, fixed,
                        "s" if fixed != 1 else "", record.id)
            if tracker is not None:
                tracker.notes["repaired_characters"] = int(tracker.notes.get("repaired_characters", 0)) + fixed
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
