"""Rows of social-media export files → ``Post`` records: the pure mapping, one row at a time.

The file side (size limit, encoding, format sniffing, CSV and JSON reading) is
``crawler/exports_import.py``; it hands each row here. The formats and the
column names tried for each field are described there. Kept apart so the
mapping can be tested on a dict without a file, like every page object.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from typing import Any

from pydantic import ValidationError

from crawler.pages.dates import parse_datetime
from crawler.pages.links import links_in_text
from crawler.pages.tabular import describe_header
from parity.core.jsonl import RecordError
from parity.core.records import Media, Post

ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "post id", "post_id", "tweet id", "message id", "guid", "external id", "postid"),
    "published_at": ("published_at", "published", "date", "publish time", "created_at", "created", "sent",
                     "sent date", "time", "timestamp", "datum", "publicerad", "publish date", "date (utc)"),
    "text": ("text", "message", "content", "description", "caption", "post text", "post", "body", "tweet",
             "inlägg", "text/message", "full text"),
    "url": ("url", "permalink", "post url", "post link", "link to post", "tweet url", "post permalink"),
    "links": ("links", "link", "linked url", "external link", "link url", "links in post"),
    "platform": ("platform", "network", "social network", "channel", "service", "kanal"),
    "account": ("account", "profile", "page name", "username", "handle", "account username", "konto",
                "profile name"),
    "kind": ("kind", "type", "post type"),
    "lang": ("lang", "language", "languages", "språk"),
    "image": ("image", "image url", "media url", "picture", "photo url"),
    "alt": ("alt", "alt text", "alt_text", "image description", "bildbeskrivning"),
}
REQUIRED = ("text", "published_at")
_PLATFORMS = {"twitter": "x", "x (twitter)": "x", "fb": "facebook", "ig": "instagram", "linkedin": "linkedin",
              "youtube": "youtube", "facebook": "facebook", "instagram": "instagram", "x": "x",
              "mastodon": "mastodon", "bluesky": "bluesky", "threads": "threads", "tiktok": "tiktok"}
_SHARE = ("share", "shared", "retweet", "repost", "reblog", "boost", "delning")
_REPLY = ("reply", "comment", "svar")


class ExportError(RecordError):
    """One line: ``file:line: field: message`` (a :class:`RecordError`, as a bad posts.jsonl line is)."""

    def __init__(self, where: str, line: int, field: str, message: str) -> None:
        super().__init__(f"{where}:{line}: {field}: {message}")


# --- field readers ------------------------------------------------------------------------
_US_TIME = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?\s*$")


def _meta_time(value: str, zone: dt.tzinfo) -> dt.datetime | None:
    """Meta's ``MM/DD/YYYY HH:MM`` (local time of the account), also with AM/PM."""
    match = _US_TIME.match(value)
    if not match:
        return None
    month, day, year, hour, minute, second, ampm = match.groups()
    h = int(hour or 0)
    if ampm:
        h = h % 12 + (12 if ampm.lower() == "pm" else 0)
    try:
        local = dt.datetime(int(year), int(month), int(day), h, int(minute or 0), int(second or 0), tzinfo=zone)
    except ValueError:
        return None
    return local.astimezone(dt.timezone.utc)


def _time(value: Any, zone: dt.tzinfo, where: str, line: int, field: str, meta: bool = False) -> dt.datetime:
    text = str(value).strip() if value is not None else ""
    if not text:
        raise ExportError(where, line, field, "empty; every post needs its publication time")
    if meta or _US_TIME.match(text):
        parsed = _meta_time(text, zone)
        if parsed is not None:
            if not meta and _US_TIME.match(text):
                first, second = (int(x) for x in text.split("/")[:2])
                if first <= 12 and second <= 12 and first != second:
                    raise ExportError(where, line, field, f"ambiguous date {text!r} (month/day or day/month?); "
                                      "use 2026-03-12 08:00 or format = \"meta_csv\"")
            return parsed
    parsed = parse_datetime(text, default_tz=zone)
    if parsed is None:
        raise ExportError(where, line, field, f"not a date: {text[:40]!r} (use 2026-03-12 08:00 or ISO 8601)")
    return parsed


def _kind(value: Any) -> str:
    text = str(value or "").strip().lower()
    if any(word in text for word in _SHARE):
        return "share"
    if any(word in text for word in _REPLY):
        return "reply"
    return "post"


def _links(value: Any) -> list[str]:
    if isinstance(value, list):
        items = [str(v) for v in value]
    else:
        items = re.split(r"[\s|,]+", str(value or ""))
    return [item.strip() for item in items if item.strip().startswith(("http://", "https://"))]


def _platform(value: Any, fallback: str) -> str:
    text = str(value or "").strip().lower()
    return _PLATFORMS.get(text, re.sub(r"[^a-z0-9]+", "-", text).strip("-") or fallback) if text else fallback


# --- column mapping -------------------------------------------------------------------------
def resolve_columns(header: list[str], columns: dict[str, str] | None, where: str) -> dict[str, str]:
    """Our field → the file's column (as written in the header)."""
    lowered = {h.strip().lower(): h for h in header}
    mapping: dict[str, str] = {}
    for field, wanted in (columns or {}).items():
        if field not in ALIASES:
            raise ExportError(where, 0, f"columns.{field}", f"unknown field (known: {', '.join(ALIASES)})")
        if wanted.strip().lower() not in lowered:
            raise ExportError(where, 1, field, f"column {wanted!r} is not in the file (it has: {describe_header(header)})")
        mapping[field] = lowered[wanted.strip().lower()]
    for field, names in ALIASES.items():
        if field in mapping:
            continue
        for name in names:
            if name in lowered and lowered[name] not in mapping.values():
                mapping[field] = lowered[name]
                break
    for field in REQUIRED:
        if field not in mapping:
            raise ExportError(where, 1, field, f"no column for it (the file has: {describe_header(header)}); "
                              f"name one with columns = {{ {field} = \"…\" }}")
    return mapping


def generic_row_to_post(row: dict[str, Any], mapping: dict[str, str], *, org: str, where: str, line: int,
                        zone: dt.tzinfo, as_platform: str | None, stem: str) -> Post:
    def get(field: str) -> Any:
        column = mapping.get(field)
        return row.get(column) if column else None

    text = get("text")
    if text is not None and not isinstance(text, (str, int, float)):
        raise ExportError(where, line, "text", f"expected text, got {type(text).__name__}")
    text = str(text or "").strip()
    published = _time(get("published_at"), zone, where, line, "published_at")
    platform = _platform(get("platform"), (as_platform or "file").lower())
    account = str(get("account") or "").strip() or None
    url = str(get("url") or "").strip() or None
    if url and not url.startswith(("http://", "https://")):
        raise ExportError(where, line, "url", f"not an http(s) URL: {url[:60]!r}")
    links = _links(get("links"))
    if not text and not links and not url:
        raise ExportError(where, line, "text", "empty, and the row has no link either")
    ident = str(get("id") or "").strip()
    if not ident:
        ident = "h" + hashlib.sha256(f"{url}\n{published.isoformat()}\n{text}".encode("utf-8")).hexdigest()[:16]
    media = None
    image = str(get("image") or "").strip()
    alt = get("alt")
    if image:
        media = [Media(type="image", alt=str(alt).strip() if alt not in (None, "") else None, url=image)]
    lang = str(get("lang") or "").strip().lower()[:2] or None
    try:
        return Post(id=f"{platform}:{account or stem}:{ident}", org=org, platform=platform, account=account, url=url,
                    published_at=published, text=text, links=links, lang=lang, kind=_kind(get("kind")),
                    media=media, via="file")
    except ValidationError as exc:
        err = exc.errors()[0]
        raise ExportError(where, line, ".".join(str(p) for p in err.get("loc", ())) or "row", err.get("msg", "")) from None


# --- Meta Business Suite ------------------------------------------------------------------
_META_FB = {"post id", "page id", "publish time", "permalink"}
_META_IG = {"post id", "account id", "publish time", "permalink"}


def is_meta_header(header: list[str]) -> bool:
    names = {h.strip().lower() for h in header}
    return _META_FB <= names or _META_IG <= names


def meta_row_to_post(row: dict[str, str], *, org: str, where: str, line: int, zone: dt.tzinfo,
                     as_platform: str | None) -> Post:
    low = {k.strip().lower(): (v or "") for k, v in row.items() if k is not None}
    post_id = low.get("post id", "").strip()
    if not post_id:
        raise ExportError(where, line, "Post ID", "empty")
    published = _time(low.get("publish time"), zone, where, line, "Publish time", meta=True)
    permalink = low.get("permalink", "").strip() or None
    post_type = low.get("post type", "").strip()
    instagram = "account id" in low or post_type.lower().startswith("ig ")
    platform = as_platform or ("instagram" if instagram else "facebook")
    title = low.get("title", "").strip()
    description = low.get("description", "").strip()
    if title and description and not description.startswith(title.rstrip(".…")):
        text = f"{title}\n\n{description}"
    else:
        text = description or title
    if instagram:
        owner = low.get("account id", "").strip() or low.get("account username", "").strip()
        pid = f"instagram:{owner}:{post_id}"
        account = low.get("account username", "").strip() or owner
    else:
        owner = low.get("page id", "").strip()
        graph_id = post_id if "_" in post_id or not owner else f"{owner}_{post_id}"
        pid = f"facebook:{owner or 'page'}:{graph_id}"
        account = owner or low.get("page name", "").strip() or None
    is_share = low.get("is share", "").strip().lower() in ("1", "true", "yes", "ja")
    kind = "share" if is_share else "post"
    languages = low.get("languages", "").strip()
    media = None
    if post_type.lower() in ("photos", "photo", "ig image", "ig carousel", "album"):
        media = [Media(type="image", alt=None, url=None, alt_unknown=True)]
    elif post_type.lower() in ("videos", "video", "reels", "ig reel", "live"):
        media = [Media(type="video", alt=None, url=None, alt_unknown=True)]
    return Post(id=pid, org=org, platform=platform, account=account, url=permalink, published_at=published,
                text=text, links=[u for u in links_in_text(text)], lang=(languages[:2].lower() or None),
                kind=kind, media=media, via="file", post_type=post_type or None)
