"""The one input of every page object: URL, response headers and body bytes, decoded once.

Modelled on web-poet's ``HttpResponse`` (an input type that knows its encoding):
a page object never decodes bytes itself. :attr:`PageInput.text` applies the
rules of :mod:`crawler.pages.decode` (BOM; valid UTF-8 whatever the label says;
HTTP charset; ``<meta charset>``; windows-1252) the first time something asks,
and every later reader of the same input gets the same string; the HTML tree
(:attr:`PageInput.tree`) is parsed once the same way. A spider builds one input
per response (:meth:`PageInput.from_response`) and hands it to as many page
objects as it needs: a notice board is read, counted and searched for its next
pages from one decode and one parse.

Headers may come as Scrapy's ``Headers`` (bytes keys, lists of bytes values),
a plain ``dict[str, str]`` (fixtures) or pairs; they are kept as lower-case names
with every value, in order.
"""

from __future__ import annotations

import functools
from typing import Any

from crawler.pages.decode import decode_body, get_header_values
from crawler.pages.tree import HtmlTree, parse_html
from crawler.pages.xmlsafe import maybe_gunzip


def _normalise(headers: Any) -> dict[str, list[str]]:
    if not headers:
        return {}
    items = headers.items() if hasattr(headers, "items") else headers
    names: dict[str, None] = {}
    for key, _value in items:
        names.setdefault((key.decode("latin-1") if isinstance(key, bytes) else str(key)).lower(), None)
    return {name: values for name in names if (values := get_header_values(headers, name))}


class PageInput:
    """What a page object reads. Build it with the response's final URL (after redirects).

    ``body`` may be given as text (tests, the start page read by discovery): then
    :attr:`text` is that text as it is (less a leading BOM), and the bytes are its UTF-8 encoding.
    """

    def __init__(self, url: str, headers: Any = None, body: bytes | str = b"", status: int = 200) -> None:
        self.url = url
        self.headers = _normalise(headers)
        self.status = status
        if isinstance(body, str):
            self._given_text: str | None = body.removeprefix("\ufeff")  # as decoding bytes drops a BOM
            self.body = body.encode("utf-8", "surrogatepass")
        else:
            self._given_text = None
            self.body = bytes(body)

    @classmethod
    def from_response(cls, response: Any) -> PageInput:
        """From anything with ``url``, ``headers``, ``body`` and ``status`` (a Scrapy ``Response``)."""
        return cls(response.url, response.headers, response.body, getattr(response, "status", 200))

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled without what was decoded or parsed (extraction workers get the bytes)."""
        body: bytes | str = self._given_text if self._given_text is not None else self.body
        return (PageInput, (self.url, self.headers, body, self.status))

    def __repr__(self) -> str:
        return f"PageInput({self.url!r}, {len(self.body)} bytes, status {self.status})"

    # -- headers ------------------------------------------------------------------------------------------
    def header(self, name: str) -> str | None:
        """The last value of header ``name`` (case-insensitive), or None."""
        values = self.headers.get(name.lower())
        return values[-1] if values else None

    def header_values(self, name: str) -> list[str]:
        """Every value of header ``name``, in order (Set-Cookie comes many times)."""
        return list(self.headers.get(name.lower(), ()))

    @property
    def content_type(self) -> str:
        """The MIME type, lower-case, without parameters ('' when absent)."""
        return (self.header("content-type") or "").split(";", 1)[0].strip().lower()

    # -- decoded once -------------------------------------------------------------------------------------
    @functools.cached_property
    def _decoded(self) -> tuple[str, str]:
        if self._given_text is not None:
            return self._given_text, "utf-8"
        return decode_body(self.headers, self.body)

    @property
    def text(self) -> str:
        """The body as text (HTML and JSON rules: the ``<meta>`` declaration counts)."""
        return self._decoded[0]

    @property
    def encoding(self) -> str:
        """The codec :attr:`text` was decoded with."""
        return self._decoded[1]

    @functools.cached_property
    def xml_text(self) -> str:
        """The body as text by XML rules (the ``<?xml encoding?>`` declaration counts, not ``<meta>``)."""
        return decode_body(self.headers, self.body, xml=True)[0]

    @functools.cached_property
    def tree(self) -> HtmlTree | None:
        """The HTML document (:func:`crawler.pages.tree.parse_html`), None when the text holds no element."""
        root = parse_html(self.text)
        return root.getroottree() if root is not None else None

    def gunzipped(self) -> PageInput:
        """The same response with a gzip body (``.xml.gz`` sitemaps, feeds) inflated, within the size cap."""
        body = maybe_gunzip(self.body, self.url)
        if body is self.body:
            return self
        return PageInput(self.url, self.headers, body, self.status)
