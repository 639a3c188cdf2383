"""An emulated RSS-Bridge instance: ``/?action=display&bridge=<Name>&format=Atom|Json|Mrss&…``.

Output follows RSS-Bridge's formats (formats/AtomFormat.php, JsonFormat.php,
MrssFormat.php; samples in shared/reference/feeds/rss-bridge): Atom entries
with ``published`` = ``updated`` only when the bridge set a timestamp, a
title only when it had one, a single space as content when empty; JSON Feed
with ``date_modified`` and no ``date_published``. A bridge that fails shows an
HTML error page with status 500 (as RSS-Bridge's error template does).
"""

from __future__ import annotations

import datetime as dt
import json
import mimetypes
from dataclasses import dataclass, field
from typing import Iterable
from xml.sax.saxutils import escape, quoteattr

from parity.demo.httpmsg import Request, Response


@dataclass(frozen=True)
class BridgeItem:
    uri: str | None
    content_html: str = ""
    title: str | None = None
    timestamp: dt.datetime | None = None
    author: str | None = None
    uid: str | None = None
    enclosures: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()


@dataclass
class BridgeFeed:
    bridge: str  # e.g. "FacebookBridge"
    params: dict[str, str]  # the bridge's own query parameters that select this feed
    title: str
    uri: str
    items: list[BridgeItem] = field(default_factory=list)
    broken: bool = False


def _mime(url: str) -> str:
    """The enclosure type from the file extension, as RSS-Bridge's parse_mime_type does (image/jpeg if unknown)."""
    return mimetypes.guess_type(url.split("?", 1)[0])[0] or "image/jpeg"


def _iso(value: dt.datetime) -> str:
    return value.astimezone(dt.timezone.utc).replace(microsecond=0).isoformat()


class RssBridgeEmulator:
    def __init__(self, feeds: Iterable[BridgeFeed]) -> None:
        self.feeds = list(feeds)

    def _find(self, request: Request) -> BridgeFeed | None:
        for feed in self.feeds:
            if request.arg("bridge") == feed.bridge and all(request.arg(k) == v for k, v in feed.params.items()):
                return feed
        return None

    def error_response(self, request: Request, status: int) -> Response:
        body = (f"<!DOCTYPE html><html><head><title>Error</title></head><body><section class=\"error\">"
                f"<h2>Bridge returned error {status}!</h2><p>RSS-Bridge tried to fetch a page on a website."
                "</p></section></body></html>")
        return Response.html(body, status=status)

    def handle(self, request: Request) -> Response:
        if request.path not in ("/", "/index.php") or request.arg("action") != "display":
            return Response.html("<!DOCTYPE html><html><body><h1>RSS-Bridge</h1></body></html>")
        feed = self._find(request)
        if feed is None:
            return self.error_response(request, 404)
        if feed.broken:
            return self.error_response(request, 500)
        fmt = (request.arg("format") or "Atom").lower()
        self_url = f"{request.base_url}{request.target}"
        if fmt == "json":
            return Response.make(200, self._json(feed, self_url), "application/json")
        if fmt == "mrss":
            return Response.make(200, self._mrss(feed, self_url), "application/rss+xml; charset=UTF-8")
        return Response.make(200, self._atom(feed, self_url), "application/atom+xml; charset=UTF-8")

    @staticmethod
    def _atom(feed: BridgeFeed, self_url: str) -> str:
        updated = max((i.timestamp for i in feed.items if i.timestamp), default=dt.datetime(2000, 1, 1,
                                                                                            tzinfo=dt.timezone.utc))
        out = [
            '<?xml version="1.0" encoding="utf-8"?>',
            '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:media="http://search.yahoo.com/mrss/">',
            "",
            f'\t<title type="text">{escape(feed.title)}</title>',
            f'\t<link href={quoteattr(feed.uri)} rel="alternate" type="text/html"/>',
            f'\t<link href={quoteattr(self_url)} rel="self" type="application/atom+xml"/>',
            f"\t<id>{escape(self_url)}</id>",
            f"\t<updated>{_iso(updated)}</updated>",
            "\t<author>\n\t\t<name>RSS-Bridge</name>\n\t</author>",
            "",
        ]
        for item in feed.items:
            out.append("\t<entry>")
            if item.title:
                out.append(f'\t\t<title type="html">{escape(item.title)}</title>')
            if item.timestamp:
                out.append(f"\t\t<published>{_iso(item.timestamp)}</published>")
                out.append(f"\t\t<updated>{_iso(item.timestamp)}</updated>")
            ident = item.uid or item.uri
            if ident:
                out.append(f"\t\t<id>{escape(ident)}</id>")
            if item.uri:
                out.append(f'\t\t<link href={quoteattr(item.uri)} rel="alternate" type="text/html"/>')
            if item.author:
                out.append(f"\t\t<author>\n\t\t\t<name>{escape(item.author)}</name>\n\t\t</author>")
            out.append(f'\t\t<content type="html">{escape(item.content_html or " ")}</content>')
            for enclosure in item.enclosures:
                out.append(f'\t\t<link rel="enclosure" type={quoteattr(_mime(enclosure))} href={quoteattr(enclosure)}/>')
            for category in item.categories:
                out.append(f"\t\t<category term={quoteattr(category)}/>")
            out.append("\t</entry>")
        out += ["", "</feed>"]
        return "\n".join(out) + "\n"

    @staticmethod
    def _json(feed: BridgeFeed, self_url: str) -> str:
        items = []
        for item in feed.items:
            data: dict[str, object] = {"id": item.uid or item.uri or "", "url": item.uri or ""}
            if item.title:
                data["title"] = item.title
            if item.timestamp:
                data["date_modified"] = _iso(item.timestamp)
            if item.author:
                data["author"] = {"name": item.author}
            data["content_html"] = item.content_html or " "
            if item.enclosures:
                data["attachments"] = [{"url": e, "mime_type": _mime(e)} for e in item.enclosures]
            items.append(data)
        return json.dumps({"version": "https://jsonfeed.org/version/1", "title": feed.title,
                           "home_page_url": feed.uri, "feed_url": self_url, "items": items},
                          ensure_ascii=False, indent="\t")

    @staticmethod
    def _mrss(feed: BridgeFeed, self_url: str) -> str:
        import email.utils

        out = ['<?xml version="1.0"?>',
               '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:media="http://search.yahoo.com/mrss/">',
               "\t<channel>", f"\t\t<title>{escape(feed.title)}</title>",
               f"\t\t<description>{escape(feed.title)}</description>", f"\t\t<link>{escape(feed.uri)}</link>"]
        for item in feed.items:
            out.append("\t\t<item>")
            if item.title:
                out.append(f"\t\t\t<title>{escape(item.title)}</title>")
            if item.uri:
                out.append(f"\t\t\t<link>{escape(item.uri)}</link>")
                out.append(f'\t\t\t<guid isPermaLink="true">{escape(item.uri)}</guid>')
            if item.timestamp:
                out.append(f"\t\t\t<pubDate>{email.utils.format_datetime(item.timestamp)}</pubDate>")
            out.append(f"\t\t\t<description>{escape(item.content_html or ' ')}</description>")
            for enclosure in item.enclosures:
                out.append(f"\t\t\t<media:content url={quoteattr(enclosure)} type={quoteattr(_mime(enclosure))}/>")
            out.append("\t\t</item>")
        out += ["\t</channel>", "</rss>"]
        return "\n".join(out) + "\n"
