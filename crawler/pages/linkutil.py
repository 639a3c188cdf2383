"""Turning ``href`` values into absolute, followable URLs, and spotting file links."""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

from bs4 import BeautifulSoup

#: File types the product reads as documents (extension → type name).
DOCUMENT_EXTENSIONS: dict[str, str] = {
    "pdf": "pdf",
    "docx": "docx",
    "doc": "doc",
    "odt": "odt",
    "rtf": "rtf",
    "xlsx": "xlsx",
    "xls": "xls",
    "ods": "ods",
    "pptx": "pptx",
    "ppt": "ppt",
}
_SKIP_SCHEMES = ("javascript:", "mailto:", "tel:", "data:", "sms:", "callto:", "about:")


def base_url(soup: BeautifulSoup, url: str) -> str:
    """The URL relative links resolve against: ``<base href>`` if present, else the page URL."""
    base = soup.find("base", href=True)
    if base is not None:
        href = str(base["href"]).strip()
        if href:
            return urljoin(url, href)
    return url


def absolute(base: str, href: str | None) -> str | None:
    """Absolute http(s) URL without fragment, or None for anchors, ``mailto:`` and junk."""
    if href is None:
        return None
    href = href.strip().replace("\n", "").replace("\r", "").replace("\t", "")
    if not href or href.startswith("#") or href.lower().startswith(_SKIP_SCHEMES):
        return None
    try:
        joined = urljoin(base, href)
        parts = urlsplit(joined)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", parts.query, ""))


def document_type(url: str, type_hint: str | None = None) -> str | None:
    """``"pdf"``, ``"docx"``, … when the URL (or a MIME type hint) names a document file."""
    hint = (type_hint or "").lower()
    if "pdf" in hint:
        return "pdf"
    if "wordprocessingml" in hint:
        return "docx"
    if "msword" in hint:
        return "doc"
    path = unquote(urlsplit(url).path).lower()
    ext = posixpath.splitext(path)[1].lstrip(".")
    return DOCUMENT_EXTENSIONS.get(ext)


def attr_text(value: object) -> str:
    """An attribute as one string: BeautifulSoup gives multi-valued ones (class, rel) as lists."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return " ".join(str(v) for v in value)
    return str(value)


def rel_values(tag: Any) -> set[str]:
    """The lower-cased tokens of a tag's ``rel`` attribute."""
    return {token.lower() for token in attr_text(tag.get("rel")).split()}


def same_site(a: str, b: str) -> bool:
    """Same host, ignoring ``www.`` and case."""

    def host(url: str) -> str:
        name = (urlsplit(url).hostname or "").lower()
        return name[4:] if name.startswith("www.") else name

    return host(a) == host(b)


def path_of(url: str) -> str:
    return urlsplit(url).path or "/"


#: Sitevision file URLs carry the upload time: /download/18.<node>/<epoch ms>/<name>.
_SITEVISION_FILE = re.compile(r"/(?:download|images)/18\.[0-9a-f.]+/(\d{12,13})/")


def sitevision_file_time(url: str) -> dt.datetime | None:
    """When a Sitevision file was uploaded, read from its URL (None for other URLs).

    That is when the document appeared on the web, which is what the audit
    asks; a PDF's own CreationDate is when someone exported it.
    """
    match = _SITEVISION_FILE.search(urlsplit(url).path)
    if not match:
        return None
    value = dt.datetime.fromtimestamp(int(match.group(1)) / 1000, tz=dt.UTC).replace(microsecond=0)
    return value if 2000 <= value.year <= 2100 else None
