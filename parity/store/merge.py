"""How two sightings of one record become one: content hashes, edits, and the web-item merge rule.

These rules decide ``changed`` vs ``same``, ``edited_at`` and which text a web
item keeps; they are the same whatever database holds the records, so every
back end calls them rather than writing them again.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from parity.core.timeutil import format_time, parse_time

#: Fields that change without the content changing (counts, fetch bookkeeping).
VOLATILE = ("first_seen_at", "last_seen_at", "collected_at", "replies_count", "reblogs_count",
            "favourites_count", "like_count", "repost_count", "reply_count")


def content_hash(data: dict[str, Any], ignore: tuple[str, ...] = VOLATILE) -> str:
    """sha256 of the record without its volatile fields: equal hashes mean "nothing a reader sees changed"."""
    payload = {k: v for k, v in data.items() if k not in ignore}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def edit_key(text: Any) -> str:
    """A post's text as a reader sees it: case and white space do not make an edit."""
    return " ".join(str(text or "").split()).casefold()


def merge_web(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Combine two sightings of one item.

    A fetched page (``text_origin == "page"``) is the authority on text: the
    newest page fetch wins even when shorter, because a page edited to drop a
    time must stop counting as carrying it. A feed/listing summary never
    overrides page text, only fills fields the page lacked. Two sightings of the
    same kind with the same text merge the same in either order.
    """
    old_is_page = old.get("text_origin") == "page"
    new_is_page = new.get("text_origin") == "page"
    base, other = (old, new) if (old_is_page and not new_is_page) else (new, old)
    if old_is_page == new_is_page and old.get("text") == new.get("text"):
        # Two sightings saying the same (one page read through a feed and a sitemap, in one run):
        # the provenance kept must not depend on which arrived last, or several workers storing
        # them in any order would disagree with one process. The smaller (source, url) is kept, then
        # the smaller record (a document linked from two pages: which page it was linked from).
        base, other = sorted((old, new), key=_provenance)
    merged = dict(other)
    merged.update({k: v for k, v in base.items() if v not in (None, "", [])})
    for key, value in other.items():
        if merged.get(key) in (None, "", []):
            merged[key] = value
    dates = [parse_time(d) for d in (old.get("published_at"), new.get("published_at")) if d]
    if dates:
        merged["published_at"] = format_time(min(d for d in dates if d is not None))
    return merged


def _provenance(record: dict[str, Any]) -> tuple[str, str, str]:
    return (str(record.get("source") or ""), str(record.get("url") or ""),
            json.dumps(record, sort_keys=True, ensure_ascii=False, default=str))
