"""Social posts from exported files: Meta Business Suite CSV, generic CSV/JSON, our posts.jsonl.

Where a platform has no API we may use, the organisation's own export is the
source: ``{ platform = "file", path = "exports/fb.csv" }`` (optional
``format``, ``as_platform``, ``columns``, ``timezone``). The whole file is
read and checked before anything is stored: one bad row fails the source with
``file:line: field: message`` and leaves the store as it was.

Formats (``format = "auto"`` picks by extension and header):

``posts_jsonl``
    our own posts.jsonl records (``.jsonl``/``.ndjson`` whose first object has ``id`` and ``platform``).
``meta_csv``
    Meta Business Suite post exports (Facebook: ``Post ID, Page ID, Page name, Title, Description,
    Duration (sec), Publish time, Caption type, Permalink, Is crosspost, Is share, Post type, …``;
    Instagram: ``Post ID, Account ID, Account username, Account name, Description, …,
    Publish time, Permalink, Post type, …``). ``Publish time`` is ``MM/DD/YYYY HH:MM`` in the
    account's local time. Ids match what the Graph adapters produce:
    ``facebook:<Page ID>:<Page ID>_<Post ID>``, ``instagram:<Account ID>:<Post ID>``.
``generic_csv`` / ``json``
    a CSV (``,``/``;``/tab) or a JSON array of objects (or ``{"data"|"posts"|"items": […]}``, or JSON
    Lines of objects) from a social-media management tool. Columns are found by name
    (case-insensitive), or named in ``columns = { text = "Message", published_at = "Sent" }``:

    ======================  ==============================================================
    field                   default column names tried
    ======================  ==============================================================
    ``id``                  id, post id, post_id, tweet id, message id, guid, external id
    ``published_at``        published_at, published, date, publish time, created_at, created,
                            sent, sent date, time, timestamp, datum, publicerad
    ``text``                text, message, content, description, caption, post text, post, body,
                            tweet, inlägg, text/message
    ``url``                 url, permalink, post url, post link, link to post, tweet url
    ``links``               links, link, linked url, external link, link url (space/``|``/``,``-separated)
    ``platform``            platform, network, social network, channel, service, kanal
    ``account``             account, profile, page name, username, handle, account username, konto
    ``kind``                kind, type, post type (``reply``/``share``/``post``; retweet, repost, share ⇒ share)
    ``lang``                lang, language, languages, språk
    ``image``               image, image url, media url, picture, photo url
    ``alt``                 alt, alt text, alt_text, image description, bildbeskrivning
    ======================  ==============================================================

    ``text`` and ``published_at`` are required; ``platform`` comes from the row, else
    ``as_platform``, else ``file``. Without an ``id`` column the id is a hash of url, date and text.

Encodings: UTF-8, UTF-8 with BOM (Excel "CSV UTF-8"), UTF-16 with BOM, else windows-1252
(Excel "CSV" on Swedish Windows). Times without a zone are read in ``timezone`` (default
Europe/Stockholm, where the exports of Swedish bodies are made).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import ValidationError

from crawler.pages.dates import parse_datetime
from crawler.pages.tabular import csv_rows, decode_table, describe_header, header_delimiter
from parity.core.jsonl import RecordError, json_problem, parse_text_line, validate
from parity.core.records import Media, Post

log = logging.getLogger(__name__)

MAX_FILE_BYTES = 200 * 1024 * 1024
DEFAULT_ZONE = "Europe/Stockholm"

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


# --- decoding -----------------------------------------------------------------------------
def decode_export(data: bytes, where: str) -> tuple[str, str]:
    """``(text, encoding)`` of an export file (see :func:`crawler.pages.tabular.decode_table`)."""
    return decode_table(data, where)


def _zone(name: str | None, where: str) -> dt.tzinfo:
    try:
        return ZoneInfo(name or DEFAULT_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        raise ExportError(where, 0, "timezone", f"unknown time zone {name!r} (use e.g. Europe/Stockholm)") from None


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
    from crawler.pages.links import links_in_text

    return Post(id=pid, org=org, platform=platform, account=account, url=permalink, published_at=published,
                text=text, links=[u for u in links_in_text(text)], lang=(languages[:2].lower() or None),
                kind=kind, media=media, via="file", post_type=post_type or None)


# --- readers ------------------------------------------------------------------------------------
def _csv_rows(text: str, where: str) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    return csv_rows(text, lambda line, field, message: ExportError(where, line, field, message))


def _json_objects(text: str, where: str) -> Iterator[tuple[int, Any]]:
    """Objects of a JSON array (or of a wrapped list, or JSON Lines), each with the line it starts on."""
    stripped = text.lstrip()
    offset = len(text) - len(stripped)
    if not stripped:
        raise ExportError(where, 1, "json", "empty file")
    if stripped[0] == "{":
        try:
            whole = json.loads(text)
        except (ValueError, RecursionError):  # not one object (JSON Lines), or hostile: read line by line
            whole = None
        if isinstance(whole, dict):
            for key in ("data", "posts", "items", "tweets"):
                if isinstance(whole.get(key), list):
                    for item in whole[key]:
                        yield 0, item
                    return
            yield 1, whole
            return
        for number, raw in enumerate(text.splitlines(), start=1):  # JSON Lines
            if raw.strip():
                try:
                    yield number, json.loads(raw)
                except json.JSONDecodeError as exc:
                    raise ExportError(where, number, "json", f"{exc.msg} at column {exc.colno}") from None
                except (ValueError, RecursionError) as exc:
                    raise ExportError(where, number, "json", json_problem(exc)) from None
        return
    if stripped[0] != "[":
        raise ExportError(where, 1, "json", "expected a JSON array of posts")
    decoder = json.JSONDecoder()
    pos = offset + 1
    while True:
        while pos < len(text) and text[pos] in " \t\r\n,":
            pos += 1
        if pos >= len(text):
            raise ExportError(where, text.count("\n") + 1, "json", "the array is not closed")
        if text[pos] == "]":
            return
        line = text.count("\n", 0, pos) + 1
        try:
            value, pos = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            raise ExportError(where, exc.lineno, "json", f"{exc.msg} at column {exc.colno}") from None
        except (ValueError, RecursionError) as exc:
            raise ExportError(where, line, "json", json_problem(exc)) from None
        yield line, value


def read_export(path: str | Path, *, org: str, fmt: str = "auto", columns: dict[str, str] | None = None,
                as_platform: str | None = None, timezone: str | None = None) -> tuple[list[Post], str]:
    """Every post of an export file and the format read; :class:`ExportError` at the first bad row."""
    file = Path(path)
    where = str(file)
    try:
        if file.stat().st_size > MAX_FILE_BYTES:
            raise ExportError(where, 0, "(file)", f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MB; refused")
        data = file.read_bytes()
    except OSError as exc:
        raise ExportError(where, 0, "(file)", f"cannot read ({exc.strerror or exc})") from None
    text, _encoding = decode_export(data, where)
    zone = _zone(timezone, where)
    suffix = file.suffix.lower()
    head = text.lstrip()[:1]
    if fmt == "auto":
        if head in ("[", "{"):
            fmt = "json"
            if suffix in (".jsonl", ".ndjson") or (head == "{" and "\n" in text.strip()):
                first = next((ln for ln in text.splitlines() if ln.strip()), "")
                try:
                    obj = json.loads(first)
                except (ValueError, RecursionError):
                    obj = None
                if isinstance(obj, dict) and "id" in obj and "platform" in obj:
                    fmt = "posts_jsonl"
        else:
            header_line = text.split("\n", 1)[0]
            header = next(csv.reader([header_line], delimiter=header_delimiter(text)), [])
            fmt = "meta_csv" if is_meta_header(header) else "generic_csv"
    posts: list[Post] = []
    stem = file.stem
    if fmt == "posts_jsonl":
        for number, raw in enumerate(text.splitlines(), start=1):
            obj = parse_text_line(where, number, raw)
            if obj is not None:
                posts.append(validate(where, number, {**obj, "org": org}, Post))
    elif fmt in ("meta_csv", "generic_csv"):
        header, rows = _csv_rows(text, where)
        if fmt == "meta_csv":
            if not is_meta_header(header):
                raise ExportError(where, 1, "header", "not a Meta Business Suite export (needs Post ID, Page ID or "
                                  f"Account ID, Publish time, Permalink; the file has: {describe_header(header)})")
            for line, values in rows:
                posts.append(meta_row_to_post(dict(zip(header, values)), org=org, where=where, line=line, zone=zone,
                                              as_platform=as_platform))
        else:
            mapping = resolve_columns(header, columns, where)
            for line, values in rows:
                posts.append(generic_row_to_post(dict(zip(header, values)), mapping, org=org, where=where, line=line,
                                                 zone=zone, as_platform=as_platform, stem=stem))
    elif fmt == "json":
        mapping: dict[str, str] | None = None
        for line, obj in _json_objects(text, where):
            if not isinstance(obj, dict):
                raise ExportError(where, line, "json", f"expected an object, got {type(obj).__name__}")
            if "id" in obj and "platform" in obj and not columns:
                try:
                    posts.append(Post.model_validate({**obj, "org": org}))
                    continue
                except ValidationError as exc:
                    err = exc.errors()[0]
                    raise ExportError(where, line, ".".join(str(p) for p in err.get("loc", ())) or "(record)",
                                      err.get("msg", "invalid value")) from None
            keys = [str(k) for k in obj]
            mapping = resolve_columns(keys, columns, where) if mapping is None or not set(mapping.values()) <= set(keys) \
                else mapping
            posts.append(generic_row_to_post({str(k): v for k, v in obj.items()}, mapping, org=org, where=where,
                                             line=line, zone=zone, as_platform=as_platform, stem=stem))
    else:
        raise ExportError(where, 0, "format", f"unknown format {fmt!r}")
    seen: dict[str, int] = {}
    for index, post in enumerate(posts):
        if post.id in seen:
            log.info("%s: post %s appears twice; the later row wins", where, post.id)
        seen[post.id] = index
    return [posts[i] for i in sorted(seen.values())], fmt
