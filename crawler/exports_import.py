"""Social posts from exported files: Meta Business Suite CSV, generic CSV/JSON, our posts.jsonl.

Where a platform has no API we may use, the organisation's own export is the
source: ``{ platform = "file", path = "exports/fb.csv" }`` (optional
``format``, ``as_platform``, ``columns``, ``timezone``). The whole file is
read and checked before anything is stored: one bad row fails the source with
``file:line: field: message`` and leaves the store as it was. This module reads
the file (size, encoding, format, CSV/JSON rows); each row becomes a post in the
page object ``crawler/pages/social/exports.py``.

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
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import ValidationError

from crawler.pages.social.exports import (
    ExportError,
    generic_row_to_post,
    is_meta_header,
    meta_row_to_post,
    resolve_columns,
)
from crawler.pages.tabular import (
    csv_rows,
    decode_table,
    describe_header,
    header_delimiter,
)
from parity.core.jsonl import json_problem, parse_text_line, validate
from parity.core.records import Post

__all__ = ["DEFAULT_ZONE", "MAX_FILE_BYTES", "ExportError", "decode_export", "read_export"]

log = logging.getLogger(__name__)

MAX_FILE_BYTES = 200 * 1024 * 1024
DEFAULT_ZONE = "Europe/Stockholm"


# --- decoding -----------------------------------------------------------------------------
def decode_export(data: bytes, where: str) -> tuple[str, str]:
    """``(text, encoding)`` of an export file (see :func:`crawler.pages.tabular.decode_table`)."""
    return decode_table(data, where)


def _zone(name: str | None, where: str) -> dt.tzinfo:
    try:
        return ZoneInfo(name or DEFAULT_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        raise ExportError(where, 0, "timezone", f"unknown time zone {name!r} (use e.g. Europe/Stockholm)") from None


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
