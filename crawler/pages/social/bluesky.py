"""Bluesky ``getAuthorFeed`` items → posts. Pure: decoded JSON in, ``Post`` out.

Facet offsets are UTF-8 *byte* offsets into the record text; slicing the
Python string with them breaks as soon as a post contains å, ä, ö or an emoji,
so link text is always cut from the encoded bytes.
"""

from __future__ import annotations

from typing import Any

from parity.core.records import Media, Post


def facet_links(record: dict[str, Any]) -> list[str]:
    """Link URIs from ``app.bsky.richtext.facet#link`` features, in text order."""
    links: list[str] = []
    facets = sorted(record.get("facets") or [], key=lambda f: (f.get("index") or {}).get("byteStart", 0))
    for facet in facets:
        for feature in facet.get("features") or []:
            if feature.get("$type") == "app.bsky.richtext.facet#link" and feature.get("uri"):
                if feature["uri"] not in links:
                    links.append(feature["uri"])
    return links


def facet_text(record: dict[str, Any], facet: dict[str, Any]) -> str:
    """The text a facet covers, cut by byte offsets."""
    raw = (record.get("text") or "").encode("utf-8")
    index = facet.get("index") or {}
    return raw[index.get("byteStart", 0) : index.get("byteEnd", 0)].decode("utf-8", errors="replace")


def expand_link_text(record: dict[str, Any]) -> str:
    """Record text with each shortened link label ("uppsala.se/nyh...") replaced by its full URI."""
    raw = (record.get("text") or "").encode("utf-8")
    pieces: list[bytes] = []
    cursor = 0
    facets = sorted(record.get("facets") or [], key=lambda f: (f.get("index") or {}).get("byteStart", 0))
    for facet in facets:
        index = facet.get("index") or {}
        start, end = index.get("byteStart"), index.get("byteEnd")
        uri = next((f.get("uri") for f in facet.get("features") or []
                    if f.get("$type") == "app.bsky.richtext.facet#link"), None)
        if uri is None or start is None or end is None or start < cursor or end > len(raw) or start > end:
            continue
        pieces.append(raw[cursor:start])
        pieces.append(uri.encode("utf-8"))
        cursor = end
    pieces.append(raw[cursor:])
    return b"".join(pieces).decode("utf-8", errors="replace")


def _embed_parts(embed: dict[str, Any] | None) -> tuple[list[str], list[Media], str]:
    """Links, media and extra text (link card title/description) from an embed view."""
    if not embed:
        return [], [], ""
    kind = embed.get("$type", "")
    links: list[str] = []
    media: list[Media] = []
    extra = ""
    if kind.startswith("app.bsky.embed.external"):
        external = embed.get("external") or {}
        if external.get("uri"):
            links.append(external["uri"])
        extra = " ".join(x for x in (external.get("title"), external.get("description")) if x)
    elif kind.startswith("app.bsky.embed.images"):
        for image in embed.get("images") or []:
            media.append(Media(type="image", alt=image.get("alt"), url=image.get("fullsize") or image.get("thumb")))
    elif kind.startswith("app.bsky.embed.video"):
        media.append(Media(type="video", alt=embed.get("alt"), url=embed.get("playlist")))
    elif kind.startswith("app.bsky.embed.recordWithMedia"):
        more_links, more_media, more_extra = _embed_parts(embed.get("media"))
        links += more_links
        media += more_media
        extra = more_extra
    return links, media, extra


def feed_item_to_post(item: dict[str, Any], org: str, account: str) -> Post:
    """One ``feedViewPost`` → Post. A repost (``reason.$type`` …#reasonRepost) is kind ``share``."""
    post = item.get("post") or {}
    record = post.get("record") or {}
    author = post.get("author") or {}
    reason = item.get("reason") or {}
    uri = post.get("uri", "")
    rkey = uri.rsplit("/", 1)[-1]
    is_repost = reason.get("$type") == "app.bsky.feed.defs#reasonRepost"
    is_reply = bool(record.get("reply"))
    kind = "share" if is_repost else ("reply" if is_reply else "post")
    extra: dict[str, Any] = {}
    if is_reply and not is_repost:
        # The parent view may be a notFoundPost/blockedPost without an author, but
        # the record's own reply ref always names the parent by at:// URI.
        parent_uri = ((record.get("reply") or {}).get("parent") or {}).get("uri", "")
        parent_did = parent_uri[len("at://"):].split("/", 1)[0] if parent_uri.startswith("at://") else None
        if parent_did and parent_did == author.get("did"):
            kind = "post"
            extra["thread_reply"] = True
    links = facet_links(record)
    embed_links, media, embed_text = _embed_parts(post.get("embed"))
    for link in embed_links:
        if link not in links:
            links.append(link)
    if not media:
        _, media, _ = _embed_parts(record.get("embed"))
    handle = author.get("handle") or account
    langs = record.get("langs") or []
    text = expand_link_text(record)
    if embed_text:
        extra["embed_text"] = embed_text
    if is_repost:
        by = (reason.get("by") or {}).get("handle")
        extra["shared_from"] = handle
        extra["shared_by"] = by
        # A repost is its own record (at://did/app.bsky.feed.repost/<rkey>): its rkey
        # names it; older AppViews omit reason.uri, then the original's rkey is used,
        # prefixed so it never collides with the original post's id.
        repost_uri = reason.get("uri") or ""
        repost_rkey = repost_uri.rsplit("/", 1)[-1] if "/app.bsky.feed.repost/" in repost_uri else None
        post_id = f"bluesky:{account}:{repost_rkey}" if repost_rkey else f"bluesky:{account}:repost:{rkey}"
        published = reason.get("indexedAt") or record.get("createdAt")
    else:
        post_id = f"bluesky:{account}:{rkey}"
        published = record.get("createdAt") or post.get("indexedAt")
    return Post(
        id=post_id,
        org=org,
        platform="bluesky",
        account=account,
        url=f"https://bsky.app/profile/{handle}/post/{rkey}" if rkey else None,
        published_at=published,
        text=text,
        links=links,
        lang=langs[0] if langs else None,
        kind=kind,
        media=media or None,
        uri=uri,
        **extra,
    )
