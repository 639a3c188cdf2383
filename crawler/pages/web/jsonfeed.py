"""JSON Feed 1.0/1.1 (https://jsonfeed.org/version/1.1) → :class:`FeedEntry`.

feedparser 6.0 does not read JSON Feed; RSS-Bridge offers it as an output
format, so it is read here, with the same field rules as RSS and Atom.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urljoin

from crawler.pages.dates import parse_datetime
from crawler.pages.text import html_to_text, normalize_space
from crawler.pages.types import FeedEntry, PageError
from parity.core.lang import detect_lang, normalize_lang


def _authors(item: dict[str, Any], feed: dict[str, Any]) -> tuple[str, ...]:
    found: list[str] = []
    for source in (item, feed):
        people = source.get("authors")
        if not isinstance(people, list):
            people = [source.get("author")] if isinstance(source.get("author"), dict) else []
        for person in people:
            if isinstance(person, dict) and normalize_space(str(person.get("name") or "")):
                found.append(normalize_space(str(person["name"])))
        if found:
            break
    return tuple(dict.fromkeys(found))


def _url(base: str, value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    return urljoin(base, value.strip())


def parse_json_feed(url: str, data: Any) -> list[FeedEntry]:
    """Entries of an already-decoded JSON Feed document; :class:`PageError` if it is not one."""
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        raise PageError(url, "JSON but not a JSON Feed (no 'items' list)")
    version = str(data.get("version") or "")
    if version and "jsonfeed.org" not in version:
        raise PageError(url, f"JSON but not a JSON Feed (version {version[:60]!r})")
    feed_lang = normalize_lang(data.get("language") if isinstance(data.get("language"), str) else None)
    base = _url(url, data.get("feed_url")) or url
    entries: list[FeedEntry] = []
    for item in data["items"]:
        if not isinstance(item, dict):
            continue
        html = item.get("content_html")
        plain = item.get("content_text")
        summary = item.get("summary")
        text = ""
        if isinstance(html, str) and html.strip():
            text = html_to_text(html)
        if not text and isinstance(plain, str):
            text = html_to_text(plain)
        if not text and isinstance(summary, str):
            text = html_to_text(summary)
        title = normalize_space(item.get("title")) if isinstance(item.get("title"), str) else ""
        published = parse_datetime(item.get("date_published"))
        updated = parse_datetime(item.get("date_modified"))
        enclosures = [
            _url(base, attachment.get("url"))
            for attachment in item.get("attachments") or []
            if isinstance(attachment, dict)
        ]
        guid = item.get("id")
        lang = normalize_lang(item.get("language") if isinstance(item.get("language"), str) else None) or feed_lang
        entries.append(
            FeedEntry(
                url=_url(base, item.get("url")) or _url(base, item.get("external_url")),
                title=title or None,
                text=text,
                published_at=published or updated,
                updated_at=updated,
                guid=str(guid) if guid not in (None, "") else None,
                authors=_authors(item, data),
                enclosures=tuple(dict.fromkeys(e for e in enclosures if e)),
                lang=lang or detect_lang(f"{title}\n{text}"),
            )
        )
    return entries


def load_json(url: str, text: str) -> Any:
    """``json.loads`` with a one-line :class:`PageError` instead of a traceback."""
    try:
        return json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise PageError(url, f"broken JSON ({exc.__class__.__name__}: {str(exc)[:80]})") from exc
