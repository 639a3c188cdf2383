"""Links: ``href`` values made absolute and followable, file links spotted, and the links of an HTML
page (feeds it advertises, documents it offers, everything it links)."""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

from crawler.pages.appregistry import iter_states
from crawler.pages.text import label_text, normalize_space
from crawler.pages.tree import Element, HtmlTree, Scope, first, iter_tags, string_of
from crawler.pages.types import DocumentLink

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


def base_url(document: HtmlTree, url: str) -> str:
    """The URL relative links resolve against: the first ``<base href>``, else the page URL."""
    base = next((tag for tag in iter_tags(document, "base") if tag.get("href") is not None), None)
    if base is not None:
        href = (base.get("href") or "").strip()
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


def rel_values(el: Element) -> set[str]:
    """The lower-cased tokens of an element's ``rel`` attribute."""
    return {token.lower() for token in (el.get("rel") or "").split()}


_URL_IN_TEXT = re.compile(r"https?://[^\s<>\"')\]]+")


def links_in_text(text: str) -> list[str]:
    """URLs written out in plain text (a video description, a post), trailing punctuation trimmed, in order."""
    found: list[str] = []
    for match in _URL_IN_TEXT.finditer(text or ""):
        url = match.group(0).rstrip(".,;:!?…")
        if url not in found:
            found.append(url)
    return found


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


# --- the links of an HTML page -----------------------------------------------------------------------

_FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
    "application/json",
    "application/rdf+xml",
)


class Resolver:
    """:func:`absolute` against one page's base, once per distinct ``href`` (menus repeat them)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self._cache: dict[str, str | None] = {}

    def __call__(self, href: str) -> str | None:
        try:
            return self._cache[href]
        except KeyError:
            url = self._cache[href] = absolute(self.base, href)
            return url


def _anchors(scope: Scope) -> list[Element]:
    return [a for a in iter_tags(scope, "a") if a.get("href") is not None]


def document_links(document: HtmlTree, resolve: Resolver) -> tuple[DocumentLink, ...]:
    """Links to files (PDF, Word, …) with the text a sighted reader sees, then AppRegistry file lists."""
    seen: dict[str, DocumentLink] = {}
    for anchor in _anchors(document):
        url = resolve(anchor.get("href") or "")
        if not url:
            continue
        kind = document_type(url, anchor.get("type") or "")
        if kind and url not in seen:
            text = label_text(anchor) or normalize_space(anchor.get("title") or "") or url.rsplit("/", 1)[-1]
            seen[url] = DocumentLink(url=url, text=text, type=kind)
    # Sitevision file-share apps list their files only in AppRegistry JSON.
    for script in iter_tags(document, "script"):
        code = string_of(script) or ""
        if "registerInitialState" not in code or '"files"' not in code:
            continue
        for _portlet, state, _s, _e in iter_states(code):
            files = state.get("files") if isinstance(state, dict) else None
            for item in files if isinstance(files, list) else []:
                if not isinstance(item, dict):
                    continue
                url = absolute(resolve.base, item.get("url") or item.get("uri"))
                kind = document_type(url or "", item.get("mimeType")) if url else None
                if url and kind and url not in seen:
                    seen[url] = DocumentLink(url=url, text=normalize_space(str(item.get("name") or "")), type=kind)
    return tuple(seen.values())


def all_links(document: HtmlTree, resolve: Resolver) -> tuple[str, ...]:
    """Every http(s) link in the body, absolute, without fragments, first occurrence first."""
    seen: dict[str, None] = {}
    body = first(document, "body")
    for anchor in _anchors(body if body is not None else document):
        url = resolve(anchor.get("href") or "")
        if url:
            seen.setdefault(url, None)
    return tuple(seen)


def feed_urls(document: HtmlTree, base: str) -> tuple[str, ...]:
    """``<link rel=alternate>`` RSS/Atom/JSON Feed URLs: the first thing to try on a site."""
    links = [link for link in iter_tags(document, "link") if link.get("href") is not None]
    seen: dict[str, None] = {}
    for link in links:
        rels = rel_values(link)
        kind = str(link.get("type") or "").lower().split(";")[0].strip()
        if "alternate" in rels and kind in _FEED_TYPES:
            url = absolute(base, link.get("href"))
            if url:
                seen.setdefault(url, None)
    return tuple(seen)
