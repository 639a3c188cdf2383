"""Headers and bytes → text, tolerant of the header shapes and charsets met in practice.

The rules :class:`crawler.pages.page_input.PageInput` decodes a body by (page
objects never call these themselves). Headers come from Scrapy (``Headers``:
bytes keys, lists of bytes values), from test fixtures (plain ``dict[str, str]``)
or from nobody (``None``); :func:`get_header` reads all three.

Swedish sites still serve ISO-8859-1/windows-1252 pages, sometimes labelled
UTF-8, and UTF-8 pages labelled ISO-8859-1. Valid UTF-8 with non-ASCII bytes
is practically never anything else, so a body that decodes as UTF-8 is read as
UTF-8 whatever the label says; only otherwise do the header, then the
``<meta>`` declaration, then windows-1252 decide.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable, Mapping
from typing import Any

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


def _text(value: Any) -> str:
    if isinstance(value, bytes):
        return value.decode("latin-1")
    return str(value)


def get_header_values(headers: Any, name: str) -> list[str]:
    """Every value of header ``name`` (case-insensitive), in order; Set-Cookie comes many times."""
    if not headers:
        return []
    wanted = name.lower()
    items: Iterable[tuple[Any, Any]] = headers.items() if isinstance(headers, Mapping) else headers  # or pairs
    values: list[str] = []
    for key, value in items:
        if _text(key).lower() != wanted or value is None:
            continue
        if isinstance(value, (list, tuple)):
            values.extend(_text(v) for v in value)
        else:
            values.append(_text(value))
    return values


def get_header(headers: Any, name: str) -> str | None:
    """The last value of header ``name``, case-insensitively, from any mapping shape."""
    values = get_header_values(headers, name)
    return values[-1] if values else None


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().lower()).name
    except LookupError:
        return None
    # WHATWG: the latin-1 and ascii labels mean windows-1252 on the web.
    return "cp1252" if name in ("latin-1", "iso8859-1", "ascii") else name


def sniff_bom(body: bytes) -> str | None:
    """The encoding a byte-order mark announces, if any."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return name
    return None


def _decodes(body: bytes, codec: str) -> str | None:
    try:
        return body.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def decode_body(headers: Any, body: bytes, *, xml: bool = False) -> tuple[str, str]:
    """``(text, codec)`` for an HTML (or, with ``xml=True``, XML) body.

    Order: BOM; UTF-8 when the bytes are valid UTF-8; the header charset; the
    ``<meta>``/XML declaration; windows-1252 with replacement characters.
    """
    bom = sniff_bom(body)
    if bom:
        return body.decode(bom, errors="replace").lstrip("\ufeff"), bom
    header_codec = _codec(_first_group(_HEADER_CHARSET, get_header(headers, "content-type") or ""))
    if header_codec and header_codec.startswith(("utf-16", "utf-32")):
        text = _decodes(body, header_codec)
        if text is not None:
            return text, header_codec
    text = _decodes(body, "utf-8")
    if text is not None:
        return text, "utf-8"
    head = body[:4096]
    declared = _XML_ENCODING.search(head) if xml else _META_CHARSET.search(head)
    for codec in (header_codec, _codec(declared.group(1).decode("ascii", "replace") if declared else None)):
        if codec and codec != "utf-8":
            text = _decodes(body, codec)
            if text is not None:
                return text, codec
    return body.decode("cp1252", errors="replace"), "cp1252"


def _first_group(pattern: re.Pattern[str], text: str) -> str | None:
    match = pattern.search(text)
    return match.group(1) if match else None
