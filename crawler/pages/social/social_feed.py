"""A social account served as a feed (RSS-Bridge, the platform's own RSS, any RSS/Atom/JSON Feed) → posts.

Bridges are lossy in known ways (RSS-Bridge formats/AtomFormat.php and
JsonFormat.php): an entry may lack a title (the text then comes from the
content alone), lack any date (``published_at`` stays null, never "now"),
carry a single space as content, give ``date_modified`` but no
``date_published`` (JSON Feed), or use the item URL as its only id. Links are
read from the content's ``href`` attributes, images and their ``alt`` from its
``<img>`` tags and from ``media:``/enclosure elements.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

import feedparser
from bs4 import BeautifulSoup

from crawler.pages.dates import parse_datetime
from crawler.pages.links import links_in_text
from crawler.pages.page_input import PageInput
from crawler.pages.text import html_to_text, normalize_space
from crawler.pages.types import PageError
from crawler.pages.web.feed import entry_time
from crawler.pages.xmlsafe import refuse_dangerous_dtd
from parity.core.lang import normalize_lang
from parity.core.records import Media, Post

_IMAGE_EXT = re.compile(r"\.(jpe?g|png|gif|webp|avif)(\?|$)", re.IGNORECASE)


@dataclass
class FeedPost:
    guid: str | None
    url: str | None
    title: str | None
    html: str
    published_at: dt.datetime | None
    author: str | None
    lang: str | None
    enclosures: list[tuple[str, str | None, str | None]] = field(default_factory=list)  # (url, type, alt)


def feed_key(url: str) -> str:
    """A short stable key for a feed URL (part of the post ids)."""
    return hashlib.sha256(url.strip().encode("utf-8")).hexdigest()[:12]


def _entry_html(entry: Any) -> str:
    parts = [str(part.get("value") or "") for part in entry.get("content") or []]
    parts.append(str(entry.get("summary") or ""))
    return max(parts, key=lambda p: len(p.strip()), default="")


def _entry_url(entry: Any) -> str | None:
    for link in entry.get("links") or []:
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return str(link["href"]).strip()
    guid = entry.get("id")
    if isinstance(guid, str) and guid.startswith(("http://", "https://")):
        return guid.strip()
    return None


def _xml_posts(url: str, body: bytes) -> list[FeedPost]:
    refuse_dangerous_dtd(body, url, allow_doctype=True)
    parsed = feedparser.parse(body, response_headers={"content-location": url,
                                                      "content-type": "application/xml"})
    if not parsed.get("version") and not parsed.get("entries"):
        reason = parsed.get("bozo_exception")
        raise PageError(url, "not an RSS, Atom or JSON feed" + (f" ({str(reason)[:100]})" if reason else ""))
    feed_lang = normalize_lang((parsed.get("feed") or {}).get("language"))
    out: list[FeedPost] = []
    for entry in parsed.get("entries") or []:
        enclosures: list[tuple[str, str | None, str | None]] = []
        for link in entry.get("links") or []:
            if link.get("rel") == "enclosure" and link.get("href"):
                enclosures.append((str(link["href"]), link.get("type"), None))
        for media in entry.get("media_content") or []:
            if media.get("url"):
                enclosures.append((str(media["url"]), media.get("medium") or media.get("type"), None))
        title = normalize_space(entry.get("title") or "") or None
        author = normalize_space(entry.get("author") or "") or None
        out.append(FeedPost(
            guid=str(entry.get("id")).strip() if entry.get("id") else None,
            url=_entry_url(entry),
            title=title,
            html=_entry_html(entry),
            published_at=entry_time(entry, "published") or entry_time(entry, "updated"),
            author=author,
            lang=feed_lang,
            enclosures=enclosures,
        ))
    return out


def _json_posts(url: str, text: str) -> list[FeedPost]:
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise PageError(url, f"broken JSON ({str(exc)[:80]})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        raise PageError(url, "JSON but not a JSON Feed (no 'items' list)")
    out: list[FeedPost] = []
    for item in data["items"]:
        if not isinstance(item, dict):
            continue
        html = item.get("content_html") or ""
        if not str(html).strip():
            plain = item.get("content_text") or item.get("summary") or ""
            html = str(plain).replace("&", "&amp;").replace("<", "&lt;")
        author = item.get("author") if isinstance(item.get("author"), dict) else None
        if not author and isinstance(item.get("authors"), list) and item["authors"]:
            author = item["authors"][0] if isinstance(item["authors"][0], dict) else None
        enclosures = [(str(a["url"]), a.get("mime_type"), None) for a in item.get("attachments") or []
                      if isinstance(a, dict) and a.get("url")]
        if item.get("image"):
            enclosures.append((str(item["image"]), "image", None))
        out.append(FeedPost(
            guid=str(item["id"]) if item.get("id") not in (None, "") else None,
            url=item.get("url") or item.get("external_url"),
            title=normalize_space(str(item.get("title") or "")) or None,
            html=str(html),
            published_at=parse_datetime(item.get("date_published")) or parse_datetime(item.get("date_modified")),
            author=normalize_space(str((author or {}).get("name") or "")) or None,
            lang=normalize_lang(item.get("language") if isinstance(item.get("language"), str) else None),
            enclosures=enclosures,
        ))
    return out


def parse_social_feed(page: PageInput) -> list[FeedPost]:
    """Every entry, in document order; :class:`PageError` if the body is not a feed."""
    url = page.url
    page = page.gunzipped()
    head = page.body.lstrip(b"\xef\xbb\xbf \t\r\n")[:512]
    if not head:
        raise PageError(url, "empty body")
    if head[:1] in (b"{", b"["):
        return _json_posts(url, page.text.lstrip("\ufeff"))
    if head.lower().startswith((b"<!doctype html", b"<html")):
        raise PageError(url, "an HTML page, not a feed (is the bridge showing an error page?)")
    return _xml_posts(url, page.body)


def _links_and_images(html: str) -> tuple[list[str], list[Media]]:
    links: list[str] = []
    media: list[Media] = []
    if "<" not in html:
        return links_in_text(html), media
    soup = BeautifulSoup(html, "lxml")
    for anchor in soup.find_all("a"):
        href = str(anchor.get("href") or "").strip()
        classes = anchor.get("class") or []
        if "mention" in classes or "hashtag" in classes:
            continue
        if href.startswith(("http://", "https://")) and href not in links and not _IMAGE_EXT.search(href):
            links.append(href)
    for img in soup.find_all("img"):
        src = str(img.get("src") or "").strip()
        if src:
            alt = img.get("alt")
            media.append(Media(type="image", alt=str(alt).strip() if alt is not None else None, url=src))
    return links, media


def feed_post_to_post(item: FeedPost, org: str, key: str, platform: str, account: str | None) -> Post:
    """One entry → Post ``rss:<key>:<guid>`` (guid, else link, else a hash of date and text)."""
    text = html_to_text(item.html) if item.html.strip() else ""
    title = item.title or ""
    if title and normalize_space(title.rstrip(".…")) not in normalize_space(text):
        text = f"{title}\n\n{text}".strip()
    links, media = _links_and_images(item.html)
    seen = {m.url for m in media}
    for url, kind, alt in item.enclosures:
        if url in seen:
            continue
        kind_text = (kind or "").lower()
        mtype = "image" if kind_text.startswith("image") or _IMAGE_EXT.search(url) else (
            "video" if "video" in kind_text else "audio" if "audio" in kind_text else "file")
        media.append(Media(type=mtype, alt=alt, url=url))
    ident = item.guid or item.url
    if not ident:
        stamp = item.published_at.isoformat() if item.published_at else ""
        ident = "h" + hashlib.sha256(f"{stamp}\n{text}".encode("utf-8")).hexdigest()[:16]
    return Post(
        id=f"rss:{key}:{ident}",
        org=org,
        platform=platform,
        account=account or item.author,
        url=item.url,
        published_at=item.published_at,
        text=text,
        links=[link for link in links if link != item.url],
        lang=item.lang,
        kind="post",
        media=media or None,
        via="feed",
    )
