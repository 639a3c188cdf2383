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

from crawler.pages.page_input import PageInput
from parity.core.records import Media, Post
from parity.core.timeutil import parse_time

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


def status_id_from_url(url: str | None) -> str | None:
    """``https://host/@user/113…`` (or ``/users/user/statuses/113…``) → ``113…``."""
    if not url:
        return None
    path = urlsplit(url).path.rstrip("/")
    last = path.rsplit("/", 1)[-1]
    return last if last and re.fullmatch(r"[A-Za-z0-9_-]+", last) and not last.startswith("@") else None


_MEDIA_NS = "{http://search.yahoo.com/mrss/}"


def rss_to_posts(page: PageInput, org: str, account: str) -> list[Post]:
    """The account RSS feed (``/@user.rss``, the fallback when the API wants a login) → posts.

    Items have no title; the status URL is both ``<link>`` and ``<guid>``, so
    the post id is the same as the API path gives (``mastodon:<acct>:<status id>``).
    Alt text sits in ``media:content/media:description``. The feed carries no
    boosts and no replies to others, so every item is kind ``post``.
    """
    from defusedxml import ElementTree as SafeET

    url = page.url
    try:
        root = SafeET.fromstring(page.body)
    except Exception as exc:  # noqa: BLE001 - defusedxml raises several kinds
        raise ValueError(f"{url}: not RSS ({type(exc).__name__}: {str(exc)[:80]})") from exc
    channel = root.find("channel")
    if root.tag != "rss" or channel is None:
        raise ValueError(f"{url}: not an RSS 2.0 document (root <{root.tag}>)")
    posts: list[Post] = []
    for item in channel.findall("item"):
        link = (item.findtext("link") or item.findtext("guid") or "").strip()
        status_id = status_id_from_url(link)
        if not status_id:
            continue
        html = item.findtext("description") or ""
        media = []
        for content in item.findall(f"{_MEDIA_NS}content"):
            medium = content.get("medium") or "image"
            alt = content.findtext(f"{_MEDIA_NS}description")
            media.append(Media(type="image" if medium == "image" else medium, alt=alt.strip() if alt else None,
                               url=content.get("url")))
        for enclosure in item.findall("enclosure"):
            media.append(Media(type="audio", alt=None, url=enclosure.get("url")))
        pub = item.findtext("pubDate")
        published = None
        if pub:
            import email.utils

            try:
                published = email.utils.parsedate_to_datetime(pub.strip())
            except (TypeError, ValueError):
                published = None
        pseudo_status = {"content": html, "card": None}
        posts.append(Post(
            id=f"mastodon:{account}:{status_id}",
            org=org,
            platform="mastodon",
            account=account,
            url=link,
            published_at=published,
            text=mastodon_html_to_text(html),
            links=links_in_status(pseudo_status),
            lang=None,
            kind="post",
            media=media or None,
        ))
    return posts


def webfinger_target(jrd: dict[str, Any]) -> tuple[str, str] | None:
    """``(instance base URL, acct)`` from a WebFinger answer: where the account's API really lives."""
    subject = str(jrd.get("subject") or "")
    acct = subject[5:] if subject.startswith("acct:") else None
    href = None
    for link in jrd.get("links") or []:
        if not isinstance(link, dict) or not link.get("href"):
            continue
        if link.get("rel") == "self" and "activity+json" in str(link.get("type") or ""):
            href = link["href"]
            break
        if link.get("rel") == "http://webfinger.net/rel/profile-page" and href is None:
            href = link["href"]
    if not href:
        return None
    parts = urlsplit(href)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    if acct is None:
        match = re.search(r"/(?:@|users/)([A-Za-z0-9_]+)", parts.path)
        acct = f"{match.group(1)}@{parts.hostname}" if match else None
    if not acct:
        return None
    return f"{parts.scheme}://{parts.netloc}", acct
