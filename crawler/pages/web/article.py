"""A single HTML page → :class:`Article` (title, main text, dates, language, links).

Written for Swedish public sites (Sitevision, EPiServer, WordPress) where the
date a reader sees is often only ``DC.modified`` or a "Senast uppdaterad"
line, and where event pages keep their facts in AppRegistry JSON.

The input's lxml tree (:attr:`crawler.pages.page_input.PageInput.tree`, read
with BeautifulSoup's rules) serves everything but the main text, which
:mod:`crawler.pages.web.main_text` gets from trafilatura.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from crawler.pages.links import Resolver, absolute, all_links, base_url, document_links, feed_urls
from crawler.pages.page_input import PageInput
from crawler.pages.text import ASSISTIVE_CLASSES, normalize_space
from crawler.pages.tree import Element, HtmlTree, Scope, classes, first, get_text, has_text, iter_tags, string_of
from crawler.pages.types import Article, PageError
from crawler.pages.web.main_text import main_region, main_text
from crawler.pages.web.pagedates import page_dates
from parity.core.lang import detect_lang, normalize_lang

log = logging.getLogger(__name__)

_TITLE_SEPARATORS = (" | ", " – ", " — ", " - ", " :: ", " · ", " » ")
_SITE_WORDS = re.compile(
    r"\b(kommuns?|region(en)?|stad|stads|län|länsstyrelsen|universitet|högskolan?|myndighet(en)?|"
    r"verket|polisen|kommunförbund|municipality|council|university|agency)\b|\.se$",
    re.IGNORECASE,
)


def _meta(document: HtmlTree) -> dict[str, str]:
    found: dict[str, str] = {}
    for tag in iter_tags(document, "meta"):
        key = tag.get("property") or tag.get("name") or tag.get("itemprop") or tag.get("http-equiv")
        content = tag.get("content")
        if not key or content is None:
            continue
        key = key.strip().lower()
        if key not in found and content.strip():
            found[key] = normalize_space(content)
    return found


_LD_JSON = re.compile("ld\\+json", re.I)


def _json_ld(document: HtmlTree) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for script in iter_tags(document, "script"):
        kind = script.get("type")
        if kind is None or not _LD_JSON.search(kind):
            continue
        try:
            data = json.loads(string_of(script) or "")
        except (json.JSONDecodeError, TypeError):
            continue
        stack = [data]
        while stack:
            node = stack.pop()
            if isinstance(node, list):
                stack.extend(node)
            elif isinstance(node, dict):
                items.append(node)
                if "@graph" in node:
                    stack.append(node["@graph"])
    return items


def _site_names(meta: dict[str, str]) -> set[str]:
    names = {meta.get("og:site_name", ""), meta.get("application-name", ""), meta.get("apple-mobile-web-app-title", "")}
    return {n.lower() for n in names if n}


def strip_site_suffix(title: str, site_names: set[str], *, from_title_tag: bool = False) -> str:
    """ "Page | Site" → "Page" when the tail is the site's name (or plainly an organisation's)."""
    title = normalize_space(title)
    for sep in _TITLE_SEPARATORS:
        if sep not in title:
            continue
        head, tail = title.rsplit(sep, 1)
        tail_l = tail.strip().lower()
        if head.strip() and (tail_l in site_names or _SITE_WORDS.search(tail_l) or (from_title_tag and sep == " | ")):
            return head.strip()
    return title


def _visible(tag: Element) -> bool:
    names = classes(tag)
    return not (not ASSISTIVE_CLASSES.isdisjoint(names) or "lp-user-hidden" in names or "hidden" in tag.attrib)


#: A real headline fits easily; an unclosed <title> in tag soup swallows the whole page.
MAX_TITLE_CHARS = 400


def _title(document: HtmlTree, meta: dict[str, str], region: Scope) -> str | None:
    names = _site_names(meta)
    title = first(document, "title")
    title_tag = normalize_space(get_text(title)) if title is not None else ""
    for sep in (" | ", " - ", " – "):
        if sep in title_tag:
            names.add(title_tag.rsplit(sep, 1)[1].strip().lower())
            break
    h1 = next((h for h in iter_tags(region, "h1") if _visible(h) and has_text(h)), None)
    if h1 is None:
        h1 = next((h for h in iter_tags(document, "h1") if _visible(h) and has_text(h)), None)
    for candidate, from_tag in (
        (meta.get("og:title"), False),
        (normalize_space(get_text(h1)) if h1 is not None else None, False),
        (title_tag, True),
        (meta.get("twitter:title"), False),
    ):
        if candidate and len(candidate) <= MAX_TITLE_CHARS:  # longer: tag soup swallowed the page
            stripped = strip_site_suffix(candidate, names, from_title_tag=from_tag)
            if stripped.lower() not in names or not from_tag:
                return stripped
    return None


#: [\x00-\x08\x0b\x0c\x0e-\x1f\x7f], as bytes to delete (counted by what ``bytes.translate`` removes).
_CONTROL = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])


def looks_binary(text: str, sample: int = 8192, threshold: float = 0.02) -> bool:
    """Random bytes served as text/html decode to control characters.

    Real pages, even in a wrong charset, have almost none (mojibake yields
    U+FFFD or accented letters, which are not counted); 2 % of the first 8 kB
    is far below what binary data gives.
    """
    head = text[:sample]
    if not head:
        return False
    encoded = head.encode("utf-8", "surrogatepass")  # control characters are single bytes in UTF-8
    return (len(encoded) - len(encoded.translate(None, _CONTROL))) / len(head) > threshold


#: [\x00-\x08\x0b\x0c\x0e-\x1a\x1c-\x1f]
_RAW_CONTROL = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x1B), *range(0x1C, 0x20)])


def raw_looks_binary(body: bytes, sample: int = 8192, threshold: float = 0.02) -> bool:
    """The same test on the bytes, for decoders that map noise onto printable characters.

    UTF-16/32 text has NUL bytes by design, so a byte-order mark exempts the body.
    """
    if body[:2] in (b"\xff\xfe", b"\xfe\xff") or body[:4] in (b"\x00\x00\xfe\xff", b"\xff\xfe\x00\x00"):
        return False
    head = body[:sample]
    return bool(head) and (len(head) - len(head.translate(None, _RAW_CONTROL))) / len(head) > threshold


def extract_article(page: PageInput) -> Article:
    """Read one HTML page. Raises :class:`PageError` for bodies that are not HTML."""
    url = page.url
    html = page.text
    if not html.strip():
        raise PageError(url, "empty body")
    head = html.lstrip()[:1024].lower()
    if head.startswith("%pdf"):
        raise PageError(url, "a PDF, not an HTML page")
    if head.startswith(("<?xml", "<rss", "<feed", "<urlset", "<sitemapindex")) and "<html" not in html[:5000].lower():
        raise PageError(url, "an XML document, not an HTML page")
    if looks_binary(html) or raw_looks_binary(page.body):
        raise PageError(url, "binary or undecodable content, not an HTML page")
    document = page.tree
    html_tag = first(document, "html") if document is not None else None
    if document is None or (html_tag is None and first(document, "body") is None):
        raise PageError(url, "no HTML markup")
    base = base_url(document, url)
    resolve = Resolver(base)
    meta = _meta(document)
    ld = _json_ld(document)
    region = main_region(document)

    title = _title(document, meta, region)
    canonical_tag = next(
        (link for link in iter_tags(document, "link") if "canonical" in rel_tokens(link) and link.get("href") is not None),
        None,
    )
    canonical = absolute(base, canonical_tag.get("href")) if canonical_tag is not None else None
    description = meta.get("og:description") or meta.get("description") or None

    published_at, modified_at = page_dates(url, document, region, meta, ld)
    text = main_text(html, url, document, region)

    lang = (
        (normalize_lang(html_tag.get("lang") or html_tag.get("xml:lang") or "") if html_tag is not None else None)
        or normalize_lang(meta.get("dcterms.language") or meta.get("dc.language") or meta.get("content-language"))
        or normalize_lang(page.header("content-language"))
        or detect_lang(text)
    )

    return Article(
        url=url,
        title=title,
        text=text,
        published_at=published_at,
        modified_at=modified_at,
        lang=lang,
        canonical_url=canonical,
        description=description,
        feed_urls=feed_urls(document, base),
        document_links=document_links(document, resolve),
        links=all_links(document, resolve),
    )


def rel_tokens(link: Element) -> list[str]:
    """``rel`` tokens as BeautifulSoup lists them (case kept)."""
    value = link.get("rel")
    return value.split() if value else []
