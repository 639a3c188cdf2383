"""Bluesky rich text: post text with facets whose offsets are UTF-8 *bytes*.

A post with ``å`` or an emoji before a link is exactly where a
character-offset parser cuts the URL wrong, so the demo posts are built with
:class:`RichText` (text and facets together) or :func:`detect_facets` (what the
official app detects in plain text).
"""

from __future__ import annotations

import re
from typing import Any, Callable


def facet(byte_start: int, byte_end: int, feature: dict[str, Any]) -> dict[str, Any]:
    return {"features": [feature], "index": {"byteEnd": byte_end, "byteStart": byte_start}}


class RichText:
    """Builds post text and its facets together so byte offsets cannot drift."""

    def __init__(self) -> None:
        self._text = ""
        self._facets: list[dict[str, Any]] = []

    def _offset(self) -> int:
        return len(self._text.encode("utf-8"))

    def text(self, value: str) -> RichText:
        self._text += value
        return self

    def link(self, display: str, uri: str) -> RichText:
        start = self._offset()
        self._text += display
        self._facets.append(facet(start, self._offset(), {"$type": "app.bsky.richtext.facet#link", "uri": uri}))
        return self

    def tag(self, tag: str) -> RichText:
        start = self._offset()
        self._text += f"#{tag}"
        self._facets.append(facet(start, self._offset(), {"$type": "app.bsky.richtext.facet#tag", "tag": tag}))
        return self

    def mention(self, handle: str, did: str) -> RichText:
        start = self._offset()
        self._text += f"@{handle}"
        self._facets.append(facet(start, self._offset(), {"$type": "app.bsky.richtext.facet#mention", "did": did}))
        return self

    def build(self) -> tuple[str, tuple[dict[str, Any], ...]]:
        return self._text, tuple(self._facets)


_URL_RE = re.compile(r"https?://[^\s]+[^\s.,;:!?)\"']")
_TAG_RE = re.compile(r"(?<![\w#])#([^\d\s\W][\w]*|\d+[^\d\s\W][\w]*)")
_MENTION_RE = re.compile(r"(?<![\w@])@([a-z0-9][a-z0-9.-]*\.[a-z]+)", re.IGNORECASE)


def detect_facets(text: str, resolve_did: Callable[[str], str | None] = lambda handle: None) -> tuple[dict[str, Any], ...]:
    """Facets for full URLs, ``#tags`` and resolvable ``@handles`` (what the official app detects)."""
    found: list[dict[str, Any]] = []

    def byte(pos: int) -> int:
        return len(text[:pos].encode("utf-8"))

    for match in _URL_RE.finditer(text):
        found.append(facet(byte(match.start()), byte(match.end()),
                           {"$type": "app.bsky.richtext.facet#link", "uri": match.group(0)}))
    for match in _TAG_RE.finditer(text):
        found.append(facet(byte(match.start()), byte(match.end()),
                           {"$type": "app.bsky.richtext.facet#tag", "tag": match.group(1)}))
    for match in _MENTION_RE.finditer(text):
        did = resolve_did(match.group(1))
        if did:
            found.append(facet(byte(match.start()), byte(match.end()),
                               {"$type": "app.bsky.richtext.facet#mention", "did": did}))
    found.sort(key=lambda f: f["index"]["byteStart"])
    return tuple(found)
