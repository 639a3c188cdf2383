"""An emulated YouTube channel feed: ``/feeds/videos.xml?channel_id=UC…`` (also ``playlist_id``, ``user``).

What the real endpoint does and a crawler must survive (social-apis.md §3):
the 15 newest uploads only, no pagination; Atom with the ``yt:`` and
``media:`` namespaces exactly as YouTube writes them; ``+00:00`` offsets;
the feed-level ``yt:channelId`` without the ``UC`` prefix the entries carry;
an unknown channel answers 404 (an HTML page, not XML); and the endpoint
regularly answers a transient 404 or 500 — ``flaky=[404, 500]`` fails the
first requests of each channel in that order (the server's fault rules can
inject more).
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass, field
from typing import Iterable
from xml.sax.saxutils import escape, quoteattr

from parity.demo.httpmsg import Request, Response

FEED_SIZE = 15

_GOOGLE_ERROR = (
    "<!DOCTYPE html>\n<html lang=en>\n  <meta charset=utf-8>\n  <title>Error {status} ({reason})!!1</title>\n"
    "  <p><b>{status}.</b> <ins>That’s an error.</ins>\n  <p>{text}  <ins>That’s all we know.</ins>\n"
)
_REASONS = {404: ("Not Found", "The requested URL was not found on this server."),
            500: ("Server Error", "The server encountered an error and could not complete your request."),
            503: ("Service Unavailable", "The service is unavailable.")}


@dataclass(frozen=True)
class YoutubeVideoSpec:
    video_id: str
    title: str
    published: dt.datetime
    description: str = ""
    updated: dt.datetime | None = None
    views: int = 0
    rating_count: int = 0


@dataclass
class YoutubeChannelSpec:
    channel_id: str  # "UC" + 22 characters
    title: str
    videos: list[YoutubeVideoSpec] = field(default_factory=list)
    user: str | None = None  # legacy ?user= name
    created: dt.datetime = dt.datetime(2012, 5, 3, 9, 12, 41, tzinfo=dt.timezone.utc)


def _iso(value: dt.datetime) -> str:
    return value.astimezone(dt.timezone.utc).replace(microsecond=0).isoformat()


def render_feed(channel: YoutubeChannelSpec, self_url: str) -> str:
    """The Atom document YouTube serves for a channel (newest 15 uploads)."""
    cid = channel.channel_id
    short = cid[2:] if cid.startswith("UC") else cid
    channel_url = f"https://www.youtube.com/channel/{cid}"
    videos = sorted(channel.videos, key=lambda v: v.published, reverse=True)[:FEED_SIZE]
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<feed xmlns:yt="http://www.youtube.com/xml/schemas/2015" xmlns:media="http://search.yahoo.com/mrss/"'
        ' xmlns="http://www.w3.org/2005/Atom">',
        f" <link rel=\"self\" href={quoteattr(self_url)}/>",
        f" <id>yt:channel:{escape(short)}</id>",
        f" <yt:channelId>{escape(short)}</yt:channelId>",
        f" <title>{escape(channel.title)}</title>",
        f" <link rel=\"alternate\" href={quoteattr(channel_url)}/>",
        f" <author>\n  <name>{escape(channel.title)}</name>\n  <uri>{escape(channel_url)}</uri>\n </author>",
        f" <published>{_iso(channel.created)}</published>",
    ]
    for video in videos:
        vid = video.video_id
        updated = video.updated or video.published
        lines += [
            " <entry>",
            f"  <id>yt:video:{escape(vid)}</id>",
            f"  <yt:videoId>{escape(vid)}</yt:videoId>",
            f"  <yt:channelId>{escape(cid)}</yt:channelId>",
            f"  <title>{escape(video.title)}</title>",
            f"  <link rel=\"alternate\" href=\"https://www.youtube.com/watch?v={escape(vid)}\"/>",
            f"  <author>\n   <name>{escape(channel.title)}</name>\n   <uri>{escape(channel_url)}</uri>\n  </author>",
            f"  <published>{_iso(video.published)}</published>",
            f"  <updated>{_iso(updated)}</updated>",
            "  <media:group>",
            f"   <media:title>{escape(video.title)}</media:title>",
            f"   <media:content url=\"https://www.youtube.com/v/{escape(vid)}?version=3\""
            ' type="application/x-shockwave-flash" width="640" height="390"/>',
            f"   <media:thumbnail url=\"https://i{1 + sum(map(ord, vid)) % 4}.ytimg.com/vi/{escape(vid)}/hqdefault.jpg\""
            ' width="480" height="360"/>',
            f"   <media:description>{escape(video.description)}</media:description>",
            "   <media:community>",
            f"    <media:starRating count=\"{video.rating_count}\" average=\"5.00\" min=\"1\" max=\"5\"/>",
            f"    <media:statistics views=\"{video.views}\"/>",
            "   </media:community>",
            "  </media:group>",
            " </entry>",
        ]
    lines.append("</feed>")
    return "\n".join(lines) + "\n"


class YoutubeFeedEmulator:
    """``www.youtube.com`` as far as channel feeds go."""

    def __init__(self, channels: Iterable[YoutubeChannelSpec], *, flaky: Iterable[int] = ()) -> None:
        self.channels = {c.channel_id: c for c in channels}
        self.flaky = list(flaky)
        self._served: dict[str, int] = {}
        self._lock = threading.Lock()

    def error_response(self, request: Request, status: int) -> Response:
        reason, text = _REASONS.get(status, ("Error", "Something went wrong."))
        return Response.make(status, _GOOGLE_ERROR.format(status=status, reason=reason, text=text),
                             "text/html; charset=UTF-8")

    def handle(self, request: Request) -> Response:
        if request.path != "/feeds/videos.xml":
            return self.error_response(request, 404)
        channel = None
        if request.arg("channel_id"):
            channel = self.channels.get(request.arg("channel_id") or "")
        elif request.arg("user"):
            channel = next((c for c in self.channels.values() if c.user == request.arg("user")), None)
        elif request.arg("playlist_id"):
            pid = request.arg("playlist_id") or ""
            channel = self.channels.get("UC" + pid[2:]) if pid.startswith("UU") else None
        else:
            return self.error_response(request, 400)
        if channel is None:
            return self.error_response(request, 404)
        with self._lock:
            count = self._served.get(channel.channel_id, 0)
            self._served[channel.channel_id] = count + 1
        if count < len(self.flaky):
            return self.error_response(request, self.flaky[count])
        self_url = f"http://www.youtube.com/feeds/videos.xml?channel_id={channel.channel_id}"
        response = Response.make(200, render_feed(channel, self_url), "text/xml; charset=UTF-8")
        response.headers["Cache-Control"] = "public, max-age=900"
        return response
