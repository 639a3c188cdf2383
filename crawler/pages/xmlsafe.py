"""Guards for XML from strangers: entity declarations, gzip bombs, size.

Feeds and sitemaps come from servers we do not control (and RSS-Bridge
instances from people we do not know). An internal DTD subset can declare
entities that expand exponentially ("billion laughs") or read local files;
a 100 kB gzip file can inflate to gigabytes. Both are refused with a
:class:`PageError` before any XML parser sees the bytes. The whole prolog is
read, however long (a padded prolog once hid a DTD past a fixed 64 KB window).
"""

from __future__ import annotations

import re
import zlib
from typing import AnyStr

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
    """The document's prolog as text (what comes before the root element), however long, in any encoding.

    A DOCTYPE can only stand in the prolog, but the prolog has no length limit: comments,
    processing instructions and whitespace may push it past any fixed window (the check
    once read 64 KB, and 70 KB of comment hid a billion-laughs DTD). Comments and
    instructions are skipped as wholes, so a ``<!DOCTYPE`` inside one is not taken for
    the real one; the text ends at the root element's ``<`` (content after it, an HTML
    page quoted in CDATA, is never read as a DTD).
    """
    head = body[:4]
    codec = sniff_bom(head)
    if codec is None and head in (b"<\x00?\x00", b"\x00<\x00?"):
        codec = "utf-16-le" if head[1:2] == b"\x00" else "utf-16-be"
    if codec is not None and codec.replace("-", "").lower().startswith(("utf16", "utf32")):
        text = body.decode(codec, errors="replace")  # rare: decode it all
        return text[:_prolog_end(text)]
    # ASCII-compatible encodings: the markup is ASCII, so the scan runs on the bytes and only the
    # prolog is decoded (a 50 MB sitemap is never copied into a string here).
    return body[:_prolog_end(body)].decode(codec or "latin-1", errors="replace")


def _prolog_end(data: AnyStr) -> int:
    """Where the prolog of ``data`` ends: the root element's ``<``, or the end when a DOCTYPE (or nothing) comes first."""
    lt, bang = ("<", "<!") if isinstance(data, str) else (b"<", b"<!")
    skips = (("<?", "?>"), ("<!--", "-->")) if isinstance(data, str) else ((b"<?", b"?>"), (b"<!--", b"-->"))
    pos = 0
    while True:
        start = data.find(lt, pos)  # type: ignore[arg-type]
        if start < 0:
            return len(data)
        for opener, closer in skips:
            if data.startswith(opener, start):  # type: ignore[arg-type]
                end = data.find(closer, start + len(opener))  # type: ignore[arg-type]
                if end < 0:
                    return len(data)  # unclosed: the parser refuses it; nothing is skipped here
                pos = end + len(closer)
                break
        else:
            return len(data) if data.startswith(bang, start) else start  # type: ignore[arg-type]


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
