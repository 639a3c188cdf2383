"""Mastodon API payloads → posts. Pure: JSON (already decoded) in, ``Post`` out.

Mastodon sends sanitised HTML in ``content`` with links shortened for display
(``<span class="invisible">https://www.</span>…<span class="ellipsis">``):
the visible text is not the URL, so links are read from ``href`` and the card,
never from the displayed text.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from bs4 import BeautifulSoup

from parity.records import Media, Post, parse_time

_BLOCKS = ("p", "br", "li", "blockquote")


def mastodon_html_to_text(html: str) -> str:
    """Paragraphs become blank-line separated text; invisible URL parts are restored."""
    if not html:
        return ""
    soup = BeautifulSoup(html, "html.parser")
    for br in soup.find_all("br"):
        br.replace_with("\n")
    for anchor in soup.find_all("a"):
        classes = anchor.get("class") or []
        href = anchor.get("href") or ""
        if "mention" in classes or "hashtag" in classes:
            anchor.replace_with(anchor.get_text())
        elif href.startswith("http"):
            anchor.replace_with(href)
    paragraphs = [p.get_text() for p in soup.find_all("p")] or [soup.get_text()]
    text = "\n\n".join(part.strip() for part in paragraphs if part.strip())
    return re.sub(r"[ \t]+", " ", text).strip()


def links_in_status(status: dict[str, Any]) -> list[str]:
    """External links: anchors that are not mentions or hashtags, plus the preview card."""
    links: list[str] = []
    soup = BeautifulSoup(status.get("content") or "", "html.parser")
    for anchor in soup.find_all("a"):
        classes = anchor.get("class") or []
        rel = anchor.get("rel") or []
        href = anchor.get("href") or ""
        if "mention" in classes or "hashtag" in classes or "tag" in rel:
            continue
        if href.startswith(("http://", "https://")) and href not in links:
            links.append(href)
    card = status.get("card") or {}
    if card.get("url") and card["url"] not in links:
        links.append(card["url"])
    return links


def status_to_post(status: dict[str, Any], org: str, account: str) -> Post:
    """One status (or boost) → Post; a boost is kind ``share`` carrying the original's text.

    ``account`` is the configured ``user@instance`` and is part of the post id,
    so ids stay stable whichever API base (real host or local emulator) served them.
    """
    reblog = status.get("reblog")
    source = reblog if isinstance(reblog, dict) else status
    if reblog:
        kind = "share"
    elif status.get("in_reply_to_id"):
        own_id = (status.get("account") or {}).get("id")
        kind = "post" if own_id and status.get("in_reply_to_account_id") == own_id else "reply"
    else:
        kind = "post"
    text = mastodon_html_to_text(source.get("content") or "")
    if source.get("spoiler_text"):
        text = f"{source['spoiler_text']}\n\n{text}".strip()
    media = [
        Media(type=m.get("type") or "unknown", alt=m.get("description"), url=m.get("url") or m.get("remote_url"))
        for m in source.get("media_attachments") or []
    ]
    extra: dict[str, Any] = {}
    if status.get("edited_at"):
        extra["edited_at"] = parse_time(status["edited_at"])
    if kind == "post" and status.get("in_reply_to_id"):
        extra["thread_reply"] = True
    if reblog:
        extra["shared_url"] = reblog.get("url") or reblog.get("uri")
    return Post(
        id=f"mastodon:{account}:{status['id']}",
        org=org,
        platform="mastodon",
        account=account,
        url=status.get("url") or status.get("uri"),
        published_at=status.get("created_at"),
        text=text,
        links=links_in_status(source),
        lang=source.get("language"),
        kind=kind,
        media=media or None,
        visibility=status.get("visibility"),
        **extra,
    )


def next_link(link_header: str | None) -> str | None:
    """The ``rel="next"`` URL of an RFC 8288 Link header (Mastodon pagination), if any."""
    if not link_header:
        return None
    for part in link_header.split(","):
        match = re.match(r'\s*<([^>]+)>\s*;(.*)', part)
        if match and re.search(r'rel="?next"?', match.group(2)):
            return match.group(1)
    return None


def split_account(account: str) -> tuple[str, str]:
    """``user@instance`` → (user, instance host)."""
    user, _, host = account.lstrip("@").partition("@")
    return user, host


def instance_base(account: str, api: str | None) -> str:
    """API base: the configured override (local emulator) or https://instance."""
    if api:
        return api.rstrip("/")
    _, host = split_account(account)
    return f"https://{host}"


def is_same_host(url: str, base: str) -> bool:
    return urlsplit(url).netloc == urlsplit(base).netloc
