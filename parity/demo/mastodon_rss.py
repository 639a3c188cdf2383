"""The account RSS feed of Mastodon 4.x (``/@user.rss``), the fallback when the API is locked.

It differs from the API in ways a fallback must survive: no ``<title>`` on items,
the status URL as ``guid isPermaLink="true"``, HTML in ``<description>``, alt text
only inside ``media:content``, no boosts, no replies, and no pagination at all
(only ``?limit``, default 20, at most 200).
"""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from parity.demo.mastodon_entities import MastodonAccountSpec, MastodonRenderer, MastodonStatusSpec
from parity.demo.timefmt import rfc822

RSS_DEFAULT_LIMIT = 20
RSS_MAX_LIMIT = 200
_MIME = {"image": "image/jpeg", "gifv": "video/mp4", "video": "video/mp4", "audio": "audio/mpeg"}


def rss_limit(raw: str | None) -> int:
    """``?limit=``: default 20, clamped to 1..200 like the controller."""
    if raw is None or raw == "":
        return RSS_DEFAULT_LIMIT
    try:
        value = int(raw)
    except ValueError:
        return RSS_DEFAULT_LIMIT
    return max(1, min(value, RSS_MAX_LIMIT))


def render_account_rss(
    renderer: MastodonRenderer,
    account: MastodonAccountSpec,
    statuses: list[MastodonStatusSpec],
    *,
    version: str,
) -> str:
    """RSS 2.0 for ``statuses`` (already filtered and ordered newest first)."""
    account_json = renderer.account_json(account)
    url = account_json["url"]
    note_text = account.note or ""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<rss version="2.0" xmlns:webfeeds="http://webfeeds.org/rss/1.0" xmlns:media="http://search.yahoo.com/mrss/">',
        "  <channel>",
        f"    <title>{escape(account.display_name or account.username)}</title>",
        f"    <description>{escape('Offentliga inlägg från @' + account.username + '@' + renderer.local_domain)}"
        f"{escape(' – ' + note_text) if note_text else ''}</description>",
        f"    <link>{escape(url)}</link>",
        "    <image>",
        f"      <url>{escape(account_json['avatar'])}</url>",
        f"      <title>{escape(account.display_name or account.username)}</title>",
        f"      <link>{escape(url)}</link>",
        "    </image>",
    ]
    if statuses:
        lines.append(f"    <lastBuildDate>{rfc822(statuses[0].created_at)}</lastBuildDate>")
    lines.append(f"    <webfeeds:icon>{escape(account_json['avatar'])}</webfeeds:icon>")
    lines.append(f"    <generator>Mastodon v{escape(version)}</generator>")
    for status in statuses:
        data = renderer.status_json(status)
        link = data["url"]
        lines.append("    <item>")
        lines.append(f'      <guid isPermaLink="true">{escape(link)}</guid>')
        lines.append(f"      <link>{escape(link)}</link>")
        lines.append(f"      <pubDate>{rfc822(status.created_at)}</pubDate>")
        lines.append(f"      <description>{escape(data['content'])}</description>")
        for media in data["media_attachments"]:
            mime = _MIME.get(media["type"], "application/octet-stream")
            medium = "image" if media["type"] == "image" else ("audio" if media["type"] == "audio" else "video")
            lines.append(
                f"      <media:content url={quoteattr(media['url'])} type={quoteattr(mime)}"
                f' fileSize="0" medium={quoteattr(medium)}>'
            )
            lines.append('        <media:rating scheme="urn:simple">nonadult</media:rating>')
            if media["description"]:
                lines.append(f'        <media:description type="plain">{escape(media["description"])}</media:description>')
            lines.append(f"        <media:thumbnail url={quoteattr(media['preview_url'])}/>")
            lines.append("      </media:content>")
        for tag in data["tags"]:
            lines.append(f"      <category>{escape(tag['name'])}</category>")
        lines.append("    </item>")
    lines.append("  </channel>")
    lines.append("</rss>")
    return "\n".join(lines) + "\n"
