"""Guards for XML from strangers: entity declarations, gzip bombs, size.

Feeds and sitemaps come from servers we do not control (and RSS-Bridge
instances from people we do not know). An internal DTD subset can declare
entities that expand exponentially ("billion laughs") or read local files;
a 100 kB gzip file can inflate to gigabytes. Both are refused with a
:class:`PageError` before any XML parser sees the bytes.
"""

from __future__ import annotations

import re
import zlib

from crawler.pages.decode import sniff_bom
from crawler.pages.types import PageError

#: The sitemap protocol's own limit (uncompressed); also used for feeds.
MAX_XML_BYTES = 50 * 1024 * 1024
GZIP_MAGIC = b"\x1f\x8b"

_DOCTYPE = re.compile(r"<!DOCTYPE\b", re.IGNORECASE)
_ENTITY = re.compile(r"<!ENTITY\s+(%\s+)?([^\s>]+)\s+(SYSTEM|PUBLIC|\"[^\"]*\"|'[^']*')", re.IGNORECASE)


def gunzip_capped(body: bytes, where: str, cap: int = MAX_XML_BYTES) -> bytes:
    """Inflate a gzip body, refusing more than ``cap`` bytes of output."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(body, cap + 1)
    except zlib.error as exc:
        raise PageError(where, f"broken gzip data ({exc})") from exc
    if len(out) > cap or inflater.unconsumed_tail:
        raise PageError(where, f"gzip body inflates to more than {cap // (1024 * 1024)} MB; refused")
    if not inflater.eof:
        raise PageError(where, "broken gzip data (truncated download?)")
    return out


def maybe_gunzip(body: bytes, where: str, cap: int = MAX_XML_BYTES) -> bytes:
    """The body, inflated when it starts with the gzip magic bytes (``.xml.gz`` served as-is)."""
    if body[:2] == GZIP_MAGIC:
        return gunzip_capped(body, where, cap)
    if len(body) > cap:
        raise PageError(where, f"body larger than {cap // (1024 * 1024)} MB; refused")
    return body


def _prolog_text(body: bytes) -> str:
    """The start of the document as text, good enough to find a DOCTYPE in any encoding."""
    head = body[:65536]
    codec = sniff_bom(head)
    if codec is None and head[:4] in (b"<\x00?\x00", b"\x00<\x00?"):
        codec = "utf-16-le" if head[1:2] == b"\x00" else "utf-16-be"
    return head.decode(codec or "latin-1", errors="replace")


def _internal_subset(prolog: str) -> str | None:
    match = _DOCTYPE.search(prolog)
    if match is None:
        return None
    start = prolog.find("[", match.end())
    close = prolog.find(">", match.end())
    if start < 0 or (0 <= close < start):
        return ""
    end = prolog.find("]", start)
    return prolog[start:] if end < 0 else prolog[start:end]


def refuse_dangerous_dtd(body: bytes, where: str, *, allow_doctype: bool) -> None:
    """Raise :class:`PageError` for entity declarations that could expand or reach outside.

    With ``allow_doctype`` (feeds: RSS 0.91 carries a public DOCTYPE, some
    feeds declare ``&nbsp;``), a DOCTYPE and a handful of plain text entities
    are let through; parameter entities, external entities and entities whose
    value refers to other entities are not. Without it (sitemaps) any DOCTYPE
    is refused.
    """
    prolog = _prolog_text(body)
    subset = _internal_subset(prolog)
    if subset is None:
        return
    if not allow_doctype:
        raise PageError(where, "XML DOCTYPE refused (sitemaps need none; possible entity-expansion attack)")
    declarations = list(_ENTITY.finditer(subset))
    if "<!ENTITY" in subset.upper() and not declarations:
        raise PageError(where, "unreadable XML entity declaration refused")
    if len(declarations) > 64:
        raise PageError(where, "too many XML entity declarations; refused")
    for decl in declarations:
        percent, name, value = decl.group(1), decl.group(2), decl.group(3)
        if percent or value.upper() in ("SYSTEM", "PUBLIC"):
            raise PageError(where, f"external or parameter XML entity {name!r} refused")
        plain = re.sub(r"&#(x[0-9a-fA-F]+|[0-9]+);", "", value)  # character references are harmless
        if "&" in plain or "%" in plain or len(value) > 1024:
            raise PageError(where, f"XML entity {name!r} refers to other entities (entity-expansion attack?); refused")
