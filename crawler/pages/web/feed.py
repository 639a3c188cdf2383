"""RSS 2.0 / RSS 1.0 / Atom / JSON Feed → list of :class:`FeedEntry`.

Tolerant of what RSS-Bridge and YouTube actually emit (entries without title
or date, content that is a single space, text only in ``media:description``),
strict about what could hurt: entity declarations are refused before
feedparser runs, and garbage raises a one-line :class:`PageError`.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import feedparser

from crawler.pages.dates import parse_datetime
from crawler.pages.page_input import PageInput
from crawler.pages.text import html_to_text, normalize_space
from crawler.pages.types import FeedEntry, PageError
from crawler.pages.web.jsonfeed import load_json, parse_json_feed
from crawler.pages.xmlsafe import refuse_dangerous_dtd
from parity.core.lang import detect_lang, normalize_lang

_HTML_TYPES = ("text/html", "application/xhtml+xml", "html", "xhtml")


def _as_text(value: Any, kind: str | None = None) -> str:
    if not isinstance(value, str) or not value.strip():
        return ""
    if (kind or "").lower() in _HTML_TYPES or "<" in value or "&" in value:
        return html_to_text(value)
    return "\n".join(normalize_space(line) for line in value.splitlines() if line.strip())


def entry_time(entry: Any, key: str) -> dt.datetime | None:
    """A feedparser entry's ``published``/``updated`` as aware UTC, never an invented one."""
    # dict.get, not entry.get: feedparser maps a missing "updated" to "published"
    # (with a DeprecationWarning), which would invent update times RSS never gave.
    value = parse_datetime(dict.get(entry, key))
    if value is not None:
        return value
    parsed = dict.get(entry, f"{key}_parsed")
    if isinstance(parsed, time.struct_time):
        try:
            return dt.datetime(*parsed[:6], tzinfo=dt.UTC)
        except ValueError:
            return None
    return None


def _entry_url(entry: Any) -> str | None:
    for link in entry.get("links") or []:
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return str(link["href"]).strip()
    if entry.get("link"):
        return str(entry["link"]).strip()
    guid = entry.get("id")
    if isinstance(guid, str) and guid.startswith(("http://", "https://")):
        return guid.strip()
    return None


def _entry_text(entry: Any) -> str:
    candidates = [_as_text(part.get("value"), part.get("type")) for part in entry.get("content") or []]
    detail = entry.get("summary_detail") or {}
    candidates.append(_as_text(entry.get("summary"), detail.get("type")))
    return max(candidates, key=len, default="")


def _authors(entry: Any) -> tuple[str, ...]:
    names = [
        normalize_space(a.get("name")) for a in entry.get("authors") or [] if isinstance(a, dict) and a.get("name")
    ]
    if not names and entry.get("author"):
        names = [normalize_space(entry["author"])]
    return tuple(dict.fromkeys(n for n in names if n))


def _enclosures(entry: Any) -> tuple[str, ...]:
    urls = [link.get("href") for link in entry.get("links") or [] if link.get("rel") == "enclosure"]
    urls += [item.get("href") for item in entry.get("enclosures") or []]
    urls += [item.get("url") for item in entry.get("media_content") or []]
    return tuple(dict.fromkeys(str(u).strip() for u in urls if u and str(u).strip()))


def _entry_lang(entry: Any, feed_lang: str | None, title: str, text: str) -> str | None:
    for key in ("title_detail", "summary_detail"):
        lang = normalize_lang((entry.get(key) or {}).get("language"))
        if lang:
            return lang
    for part in entry.get("content") or []:
        lang = normalize_lang(part.get("language"))
        if lang:
            return lang
    return feed_lang or detect_lang(f"{title}\n{text}")


def _looks_like_html(head: bytes) -> bool:
    lower = head.lower()
    if lower.startswith((b"<!doctype html", b"<html")):
        return True
    return b"<html" in lower and not any(tag in lower for tag in (b"<rss", b"<feed", b"<rdf:rdf"))


def parse_feed(page: PageInput) -> list[FeedEntry]:
    """Every entry of the feed, in document order; :class:`PageError` if the body is no feed."""
    url = page.url
    page = page.gunzipped()
    body = page.body
    head = body.lstrip(b"\xef\xbb\xbf \t\r\n")[:1024]
    if not head:
        raise PageError(url, "empty body")
    if head[:1] in (b"{", b"["):
        return parse_json_feed(url, load_json(url, page.text))
    if _looks_like_html(head):
        raise PageError(url, "an HTML page, not a feed")
    refuse_dangerous_dtd(body, url, allow_doctype=True)
    response_headers = {"content-location": url, "content-type": page.content_type or "application/xml"}
    try:
        parsed = feedparser.parse(body, response_headers=response_headers, resolve_relative_uris=True)
    except Exception as exc:  # feedparser's loose parser has its own crash modes
        raise PageError(url, f"unreadable feed ({exc.__class__.__name__}: {str(exc)[:80]})") from exc
    if not parsed.get("version") and not parsed.get("entries"):
        reason = parsed.get("bozo_exception")
        detail = f" ({str(reason)[:100]})" if reason else ""
        raise PageError(url, f"not an RSS, Atom or JSON feed{detail}")
    feed_lang = normalize_lang((parsed.get("feed") or {}).get("language"))
    entries: list[FeedEntry] = []
    for entry in parsed.get("entries") or []:
        title_detail = entry.get("title_detail") or {}
        title = _as_text(entry.get("title"), title_detail.get("type")).replace("\n", " ")
        text = _entry_text(entry)
        published = entry_time(entry, "published")
        updated = entry_time(entry, "updated")
        guid = entry.get("id")
        entries.append(
            FeedEntry(
                url=_entry_url(entry),
                title=title or None,
                text=text,
                published_at=published or updated,
                updated_at=updated,
                guid=str(guid).strip() if guid else None,
                authors=_authors(entry),
                enclosures=_enclosures(entry),
                lang=_entry_lang(entry, feed_lang, title, text),
            )
        )
    return entries
