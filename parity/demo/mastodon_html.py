"""Plain status text -> the sanitised HTML a Mastodon 4.x server stores in ``content``.

Crawlers never see the author's plain text: they see ``<p>``/``<br />`` markup and
links whose visible text is cut into ``invisible``/``ellipsis`` spans
(``https://www.`` hidden, 30 characters shown, the rest hidden). A link extractor
that reads the anchor text instead of ``href`` gets a truncated URL, and a text
extractor that keeps the invisible spans gets doubled words; both mistakes only
show up against markup shaped exactly like the real server's.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Callable
from urllib.parse import quote

_URL_RE = re.compile(r"https?://[^\s<>\"\u00a0]+")
_URL_PREFIX_RE = re.compile(r"^(https?://(www\.)?|xmpp:)")
_HASHTAG_RE = re.compile(r"(?<![=/)\w])#(\w*[^\W\d_]\w*)")
_MENTION_RE = re.compile(r"(?<![=/\w])@([a-z0-9_]+(?:[a-z0-9_.-]+[a-z0-9_]+)?)(?:@([\w.-]+\w+))?", re.IGNORECASE)
_TRAILING = ".,:;!?'\""
_DISPLAY_CHARS = 30


@dataclass(frozen=True)
class Mention:
    """A resolved ``@user`` in a status."""

    id: str
    username: str
    acct: str
    url: str


@dataclass(frozen=True)
class Formatted:
    html: str
    urls: tuple[str, ...]
    tags: tuple[str, ...]
    mentions: tuple[Mention, ...]


def _escape(text: str) -> str:
    """Rails ``h()``: like ``html.escape`` but ``'`` becomes ``&#39;``."""
    return html.escape(text, quote=True).replace("&#x27;", "&#39;")


def _trim_url(url: str) -> str:
    while url and url[-1] in _TRAILING:
        url = url[:-1]
    if url.endswith(")") and url.count("(") < url.count(")"):
        url = url[:-1]
    return url


def shortened_link(url: str) -> str:
    """The anchor Mastodon's TextFormatter writes for a URL."""
    prefix_match = _URL_PREFIX_RE.match(url)
    prefix = prefix_match.group(0) if prefix_match else ""
    rest = url[len(prefix):]
    display, suffix = rest[:_DISPLAY_CHARS], rest[_DISPLAY_CHARS:]
    display_class = "ellipsis" if len(rest) > _DISPLAY_CHARS else ""
    return (
        f'<a href="{_escape(url)}" target="_blank" rel="nofollow noopener" translate="no">'
        f'<span class="invisible">{_escape(prefix)}</span>'
        f'<span class="{display_class}">{_escape(display)}</span>'
        f'<span class="invisible">{_escape(suffix)}</span></a>'
    )


def format_status(
    text: str,
    *,
    base_url: str,
    resolve_mention: Callable[[str, str | None], Mention | None] = lambda user, domain: None,
) -> Formatted:
    """Linkify URLs, hashtags and known mentions; paragraphs on blank lines, ``<br />`` on newlines."""
    urls: list[str] = []
    tags: list[str] = []
    mentions: list[Mention] = []

    def render_inline(chunk: str) -> str:
        spans: list[tuple[int, int, str]] = []
        for match in _URL_RE.finditer(chunk):
            url = _trim_url(match.group(0))
            spans.append((match.start(), match.start() + len(url), shortened_link(url)))
            urls.append(url)
        taken = [(s, e) for s, e, _ in spans]

        def free(start: int, end: int) -> bool:
            return all(end <= s or start >= e for s, e in taken)

        for match in _HASHTAG_RE.finditer(chunk):
            if not free(match.start(), match.end()):
                continue
            tag = match.group(1)
            anchor = (
                f'<a href="{_escape(base_url)}/tags/{quote(tag.lower())}" class="mention hashtag" rel="tag">'
                f"#<span>{_escape(tag)}</span></a>"
            )
            spans.append((match.start(), match.end(), anchor))
            taken.append((match.start(), match.end()))
            tags.append(tag)
        for match in _MENTION_RE.finditer(chunk):
            if not free(match.start(), match.end()):
                continue
            mention = resolve_mention(match.group(1), match.group(2))
            if mention is None:
                continue
            anchor = (
                f'<span class="h-card" translate="no"><a href="{_escape(mention.url)}" class="u-url mention">'
                f"@<span>{_escape(mention.username)}</span></a></span>"
            )
            spans.append((match.start(), match.end(), anchor))
            taken.append((match.start(), match.end()))
            mentions.append(mention)
        out: list[str] = []
        cursor = 0
        for start, end, markup in sorted(spans):
            out.append(_escape(chunk[cursor:start]))
            out.append(markup)
            cursor = end
        out.append(_escape(chunk[cursor:]))
        return "".join(out)

    paragraphs = [p for p in re.split(r"\n{2,}", text.strip()) if p.strip()]
    rendered = "".join(
        "<p>" + "<br />".join(render_inline(line) for line in paragraph.split("\n")) + "</p>"
        for paragraph in paragraphs
    )
    unique_tags = tuple(dict.fromkeys(tags))
    unique_mentions = tuple({m.id: m for m in mentions}.values())
    return Formatted(rendered, tuple(urls), unique_tags, unique_mentions)
