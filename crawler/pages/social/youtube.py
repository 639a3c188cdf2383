"""YouTube channel Atom feed (``/feeds/videos.xml?channel_id=UC…``) → videos. Pure, no network.

The feed holds the 15 newest uploads only, with no pagination. Each entry has
``yt:videoId``, ``title``, ``published``/``updated`` (``+00:00`` offsets) and a
``media:group`` whose ``media:description`` is the plain-text description
(links written out as text). Quirk of real feeds: the feed-level
``yt:channelId`` may lack the ``UC`` prefix the entries carry.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from crawler.pages.links import links_in_text
from crawler.pages.page_input import PageInput
from crawler.pages.types import PageError
from crawler.pages.xmlsafe import refuse_dangerous_dtd
from parity.core.records import Media, Post
from parity.core.timeutil import parse_time

ATOM = "{http://www.w3.org/2005/Atom}"
YT = "{http://www.youtube.com/xml/schemas/2015}"
MEDIA = "{http://search.yahoo.com/mrss/}"
FEED_SIZE = 15


@dataclass(frozen=True)
class Video:
    video_id: str
    channel_id: str | None
    title: str
    url: str
    published_at: dt.datetime | None
    updated_at: dt.datetime | None
    description: str
    thumbnail: str | None
    views: int | None


def _time(text: str | None) -> dt.datetime | None:
    if not text or not text.strip():
        return None
    try:
        return parse_time(text.strip())
    except ValueError:
        return None


def parse_youtube_feed(page: PageInput) -> tuple[str | None, list[Video]]:
    """``(channel title, videos newest first)``; :class:`PageError` if the body is no YouTube feed."""
    from defusedxml import ElementTree as SafeET

    url = page.url
    data = page.gunzipped().body.lstrip(b"\xef\xbb\xbf \t\r\n")  # a blank line before <?xml?> is seen in the wild
    if not data.strip():
        raise PageError(url, "empty body")
    refuse_dangerous_dtd(data, url, allow_doctype=False)
    try:
        root = SafeET.fromstring(data)
    except Exception as exc:  # noqa: BLE001 - defusedxml raises several kinds
        raise PageError(url, f"not XML ({type(exc).__name__}: {str(exc)[:80]})") from exc
    if root.tag != f"{ATOM}feed":
        raise PageError(url, f"not an Atom feed (root <{root.tag}>)")
    title = (root.findtext(f"{ATOM}title") or "").strip() or None
    videos: list[Video] = []
    for entry in root.findall(f"{ATOM}entry"):
        video_id = (entry.findtext(f"{YT}videoId") or "").strip()
        if not video_id:
            entry_id = (entry.findtext(f"{ATOM}id") or "").strip()
            video_id = entry_id.rsplit(":", 1)[-1] if entry_id.startswith("yt:video:") else ""
        if not video_id:
            continue
        link = next((l.get("href") for l in entry.findall(f"{ATOM}link") if l.get("rel", "alternate") == "alternate"
                     and l.get("href")), None) or f"https://www.youtube.com/watch?v={video_id}"
        group = entry.find(f"{MEDIA}group")
        description = ""
        thumbnail = None
        views = None
        if group is not None:
            description = (group.findtext(f"{MEDIA}description") or "").strip()
            thumb = group.find(f"{MEDIA}thumbnail")
            thumbnail = thumb.get("url") if thumb is not None else None
            stats = group.find(f"{MEDIA}community/{MEDIA}statistics")
            if stats is not None and (stats.get("views") or "").isdigit():
                views = int(stats.get("views") or 0)
        videos.append(Video(
            video_id=video_id,
            channel_id=(entry.findtext(f"{YT}channelId") or "").strip() or None,
            title=(entry.findtext(f"{ATOM}title") or "").strip(),
            url=link,
            published_at=_time(entry.findtext(f"{ATOM}published")),
            updated_at=_time(entry.findtext(f"{ATOM}updated")),
            description=description,
            thumbnail=thumbnail,
            views=views,
        ))
    return title, videos


def video_to_post(video: Video, org: str, channel_id: str, channel_title: str | None = None) -> Post:
    """A video → Post ``youtube:<channel_id>:<video id>``; title and description are its text."""
    text = "\n\n".join(part for part in (video.title, video.description) if part)
    url = f"https://www.youtube.com/watch?v={video.video_id}"  # one spelling, whatever the feed wrote (http in old feeds)
    return Post(
        id=f"youtube:{channel_id}:{video.video_id}",
        org=org,
        platform="youtube",
        account=channel_title or channel_id,
        url=url,
        published_at=video.published_at,
        text=text,
        links=links_in_text(video.description),
        lang=None,
        kind="post",
        media=[Media(type="video", alt=None, url=url, thumbnail=video.thumbnail)],
        channel_id=channel_id,
    )
