"""Meta Graph API payloads (Facebook Page posts, Instagram media) → posts. Pure, no network.

Field names are Graph's own (developers.facebook.com/docs/graph-api/reference/post,
…/instagram-platform/reference/instagram-media). Things that trip naive readers:

* ``paging.next`` is the only end-of-list signal; a page may be short or even
  empty and still have a ``next``. ``next`` URLs embed ``access_token``.
* Times look like ``2026-03-11T07:30:00+0000`` (no colon in the offset).
* Attachment ``url`` is usually a ``l.facebook.com/l.php?u=…`` redirect; the
  real link is ``unshimmed_url`` or the ``u`` parameter.
* A Page post id is ``<page id>_<post id>``; a share of another post has ``parent_id``.
* Facebook does not expose alt text on post attachments, so their images are
  marked ``alt_unknown`` (not counted as missing alt text); Instagram media has
  ``alt_text`` (images only).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

from crawler.pages.links import links_in_text
from parity.core.records import Media, Post
from parity.core.timeutil import parse_time

GRAPH_VERSION = "v21.0"
#: Post fields asked for (deprecated v3.3 fields like link/type/name are not).
POST_FIELDS = ("id,message,story,created_time,updated_time,permalink_url,status_type,parent_id,full_picture,"
               "attachments{media_type,type,url,unshimmed_url,title,description,media,target,"
               "subattachments{media_type,type,url,unshimmed_url,description,media,target}}")
MEDIA_FIELDS = ("id,caption,media_type,media_product_type,media_url,permalink,timestamp,username,alt_text,"
                "thumbnail_url,children{id,media_type,media_url,alt_text,thumbnail_url}")
#: Graph error codes that mean "slow down" (application, user, page and business-use-case limits).
THROTTLE_CODES = frozenset({4, 17, 32, 613, 80001, 80002, 80005, 80006, 80008})


def graph_time(value: Any) -> dt.datetime | None:
    """``2026-03-11T07:30:00+0000`` (Graph's spelling) or ISO 8601 → aware UTC."""
    if value in (None, ""):
        return None
    text = str(value).strip()
    match = re.fullmatch(r"(.*[T ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?)([+-]\d\d)(\d\d)", text)
    if match:
        text = f"{match.group(1)}{match.group(2)}:{match.group(3)}"
    return parse_time(text)


def unshim(url: str | None) -> str | None:
    """``https://l.facebook.com/l.php?u=<real>&h=…`` → ``<real>``; anything else unchanged."""
    if not url:
        return None
    parts = urlsplit(url)
    if parts.hostname in ("l.facebook.com", "lm.facebook.com", "l.instagram.com") and parts.path.startswith("/l.php"):
        real = parse_qs(parts.query).get("u")
        if real and real[0].startswith(("http://", "https://")):
            return real[0]
    return url


def next_page(data: dict[str, Any]) -> str | None:
    paging = data.get("paging")
    if isinstance(paging, dict) and isinstance(paging.get("next"), str) and paging["next"]:
        return paging["next"]
    return None


def graph_error(data: Any) -> tuple[int | None, str] | None:
    """``(code, message)`` of a Graph error envelope, or None."""
    if isinstance(data, dict) and isinstance(data.get("error"), dict):
        error = data["error"]
        code = error.get("code")
        return (int(code) if isinstance(code, (int, str)) and str(code).isdigit() else None,
                str(error.get("message") or error.get("type") or "Graph error"))
    return None


def _is_facebook_internal(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return host.endswith("facebook.com") or host.endswith("fb.com") or host.endswith("fbcdn.net")


def _attachment_parts(att: dict[str, Any], links: list[str], media: list[Media]) -> None:
    url = unshim(att.get("unshimmed_url") or att.get("url"))
    kind = str(att.get("media_type") or att.get("type") or "").lower()
    image = ((att.get("media") or {}).get("image") or {}) if isinstance(att.get("media"), dict) else {}
    if kind in ("photo", "album", "cover_photo", "profile_media"):
        if image.get("src"):
            media.append(Media(type="image", alt=None, url=image["src"], alt_unknown=True))
    elif kind.startswith("video") or kind in ("animated_image_video", "native_templates"):
        media.append(Media(type="video", alt=None, url=url or image.get("src"), alt_unknown=True))
    elif url and not _is_facebook_internal(url) and url not in links:
        links.append(url)  # share / link attachment: the page the post points to
    for sub in ((att.get("subattachments") or {}).get("data") or []):
        if isinstance(sub, dict):
            _attachment_parts(sub, links, media)


def facebook_post_to_post(item: dict[str, Any], org: str, page_id: str) -> Post:
    """A Page post (``/{page-id}/posts``) → Post ``facebook:<page_id>:<post id>``."""
    post_id = str(item["id"])
    message = str(item.get("message") or "")
    links = [u for u in links_in_text(message) if not _is_facebook_internal(u)]
    media: list[Media] = []
    for att in ((item.get("attachments") or {}).get("data") or []):
        if isinstance(att, dict):
            _attachment_parts(att, links, media)
    if not message and item.get("story"):
        message = str(item["story"])
    extra: dict[str, Any] = {}
    if item.get("status_type"):
        extra["status_type"] = item["status_type"]
    return Post(
        id=f"facebook:{page_id}:{post_id}",
        org=org,
        platform="facebook",
        account=page_id,
        url=item.get("permalink_url") or f"https://www.facebook.com/{post_id}",
        published_at=graph_time(item.get("created_time")),
        text=message,
        links=links,
        lang=None,
        kind="share" if item.get("parent_id") else "post",
        media=media or None,
        **extra,
    )


def _ig_media(item: dict[str, Any]) -> Media:
    kind = str(item.get("media_type") or "IMAGE").upper()
    if kind == "VIDEO":
        return Media(type="video", alt=None, url=item.get("media_url") or item.get("thumbnail_url"))
    return Media(type="image", alt=item.get("alt_text"), url=item.get("media_url"))


def instagram_media_to_post(item: dict[str, Any], org: str, user_id: str) -> Post:
    """An IG media (``/{ig-user-id}/media``) → Post ``instagram:<user_id>:<media id>``; a carousel's children are its media."""
    caption = str(item.get("caption") or "")
    kind = str(item.get("media_type") or "IMAGE").upper()
    if kind == "CAROUSEL_ALBUM":
        children = [c for c in ((item.get("children") or {}).get("data") or []) if isinstance(c, dict)]
        media = [_ig_media(c) for c in children]
    else:
        media = [_ig_media(item)]
    return Post(
        id=f"instagram:{user_id}:{item['id']}",
        org=org,
        platform="instagram",
        account=item.get("username") or user_id,
        url=item.get("permalink"),
        published_at=graph_time(item.get("timestamp")),
        text=caption,
        links=links_in_text(caption),
        lang=None,
        kind="post",
        media=media or None,
        media_product_type=item.get("media_product_type"),
    )
