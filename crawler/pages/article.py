"""A single HTML page → :class:`Article` (title, main text, dates, language, links).

Written for Swedish public sites (Sitevision, EPiServer, WordPress) where the
date a reader sees is often only ``DC.modified`` or a "Senast uppdaterad"
line, and where event pages keep their facts in AppRegistry JSON.

The page is parsed once into an lxml tree (:mod:`crawler.pages.tree`, read
with BeautifulSoup's rules) for everything but the main text, which
trafilatura extracts from the HTML text itself (its own parse keeps its
output exactly what it would be on its own; reusing our tree would save
~0.1 ms of 3–4 ms a page but feed it comments and a differently repaired tree).
"""

from __future__ import annotations

import copy
import functools
import json
import logging
import re
from typing import Any
from urllib.parse import urljoin

import trafilatura
from lxml import etree
from trafilatura.settings import Extractor

from crawler.pages.appregistry import iter_states
from crawler.pages.decode import decode_html, get_header
from crawler.pages.linkutil import absolute
from crawler.pages.pagedates import in_chrome, page_dates
from crawler.pages.pagelinks import Resolver, all_links, document_links, feed_urls
from crawler.pages.text import (
    ASSISTIVE_CLASSES,
    detect_lang,
    html_to_text,
    normalize_lang,
    normalize_space,
    tree_to_text,
)
from crawler.pages.tree import (
    Document,
    Element,
    Scope,
    ancestors,
    class_text,
    classes,
    first,
    get_text,
    has_text,
    iter_tags,
    parse_html,
    string_of,
)
from crawler.pages.types import Article, PageError

log = logging.getLogger(__name__)

#: Below this many characters trafilatura has probably missed the content
#: (event pages, pages whose text is a list of files); read the main region instead.
SHORT_TEXT = 300
#: Candidates for the page's main region, best first.
MAIN_SELECTORS = (
    "main",
    "[role=main]",
    "article",
    "#content",
    ".content-area",
    ".pagecontent",
    "#main",
    ".main-content",
)
_TITLE_SEPARATORS = (" | ", " – ", " — ", " - ", " :: ", " · ", " » ")
_SITE_WORDS = re.compile(
    r"\b(kommuns?|region(en)?|stad|stads|län|länsstyrelsen|universitet|högskolan?|myndighet(en)?|"
    r"verket|polisen|kommunförbund|municipality|council|university|agency)\b|\.se$",
    re.IGNORECASE,
)
#: AppRegistry state keys whose string values are content a reader sees.
_STATE_TEXT_KEYS = frozenset(
    {
        "title",
        "name",
        "heading",
        "header",
        "ingress",
        "preamble",
        "description",
        "summary",
        "text",
        "body",
        "formatted",
        "date",
        "time",
        "location",
        "locations",
        "adress",
        "address",
        "place",
        "venue",
        "fromDate",
        "toDate",
        "startDate",
        "endDate",
        "occasions",
        "dateRange",
        "metadata",
        "organizer",
    }
)


def _meta(document: Document) -> dict[str, str]:
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


def _json_ld(document: Document) -> list[dict[str, Any]]:
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


def _title(document: Document, meta: dict[str, str], region: Scope) -> str | None:
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


def _outside_template(el: Element) -> bool:
    # soupsieve does not enter <template> contents (not part of the document)
    return next(el.iterancestors("template"), None) is None


def _with_tag(name: str) -> Any:
    def find(document: Document) -> Element | None:
        return next((el for el in iter_tags(document, name) if _outside_template(el)), None)

    return find


def _with_class(name: str) -> Any:
    # substring first (XPath), then the whitespace-separated token test
    candidates = etree.XPath(f"//*[contains(@class, '{name}')][not(ancestor::template)]")

    def find(document: Document) -> Element | None:
        return next((el for el in candidates(document) if name in classes(el)), None)

    return find


def _with_attribute(name: str, value: str) -> Any:
    compiled = etree.XPath(f"(//*[@{name}='{value}'][not(ancestor::template)])[1]")

    def find(document: Document) -> Element | None:
        found = compiled(document)
        return found[0] if found else None

    return find


#: :data:`MAIN_SELECTORS` as functions: the first matching element in document order, as
#: BeautifulSoup's ``select_one`` (soupsieve) finds it.
_MAIN_FINDERS = {
    "main": _with_tag("main"),
    "[role=main]": _with_attribute("role", "main"),
    "article": _with_tag("article"),
    "#content": _with_attribute("id", "content"),
    ".content-area": _with_class("content-area"),
    ".pagecontent": _with_class("pagecontent"),
    "#main": _with_attribute("id", "main"),
    ".main-content": _with_class("main-content"),
}


def main_region(document: Document) -> Scope:
    """The element holding the page's own content (first match of :data:`MAIN_SELECTORS`);
    else the body, else the whole document."""
    for selector in MAIN_SELECTORS:
        found = _MAIN_FINDERS[selector](document)
        if found is not None and has_text(found):
            return found  # type: ignore[no-any-return]
    body = first(document, "body")
    return body if body is not None else document


def _state_strings(node: Any, out: list[str], depth: int = 0, key: str | None = None) -> None:
    if depth > 6 or len(out) > 200:
        return
    if isinstance(node, dict):
        for name, value in node.items():
            if name in _STATE_TEXT_KEYS:
                _state_strings(value, out, depth + 1, name)
    elif isinstance(node, list):
        for value in node[:50]:
            _state_strings(value, out, depth + 1, key)
    elif isinstance(node, str) and key is not None:
        text = html_to_text(node) if "<" in node else normalize_space(node)
        if text and not re.fullmatch(r"[\d\-:., T]+", text):  # raw ISO values duplicate "formatted"
            out.append(text)


_CONTENT_NAME = re.compile(r"content|main|mitten", re.I)


def _state_text(document: Document) -> list[str]:
    """Readable strings of AppRegistry states placed in the page content (not header/footer)."""
    lines: list[str] = []
    for script in iter_tags(document, "script"):
        code = string_of(script) or ""
        if "registerInitialState" not in code or in_chrome(script):
            continue
        in_content = any(
            p.tag in ("main", "article")
            or p.get("role") == "main"
            or _CONTENT_NAME.search(class_text(p) + " " + (p.get("id") or ""))
            for p in ancestors(script)
            if p.tag not in ("html", "body")
        )
        if not in_content:
            continue
        for _portlet, state, _s, _e in iter_states(code):
            _state_strings(state, lines)
    return lines


#: How we call trafilatura.extract (besides the HTML and the URL).
_TRAFILATURA_ARGS: dict[str, Any] = {
    "favor_recall": True,
    "include_comments": False,
    "include_tables": True,
    "deduplicate": False,
}
_TRAFILATURA_OPTIONS = {
    "recall": True,
    "comments": False,
    "tables": True,
    "dedup": False,
}


@functools.lru_cache(maxsize=1)
def _options_template() -> Extractor | None:
    """trafilatura's options for :data:`_TRAFILATURA_ARGS`, built once.

    ``extract`` builds them on every call, reading its config's numbers through
    ConfigParser (~70 µs a page); a copy with the page's URL is the same
    object. None (build them per call) when a page's URL would change more than
    ``url`` and ``source``, checked here on a sample URL.
    """
    try:
        template = Extractor(**_TRAFILATURA_OPTIONS)
        sample = "https://www.exempelby.se/nyheter/a?b=1"
        return template if _same_options(_with_url(template, sample), Extractor(**_TRAFILATURA_OPTIONS, url=sample)) else None
    except Exception:  # noqa: BLE001 - an unexpected trafilatura version: use its own keyword path
        return None


def _with_url(template: Extractor, url: str) -> Extractor:
    options = copy.copy(template)
    options.url = url
    options.source = url.encode("utf-8", "replace").decode("utf-8")
    return options


def _same_options(a: Extractor, b: Extractor) -> bool:
    slots = [name for cls in type(a).__mro__ for name in getattr(cls, "__slots__", ())]
    return bool(slots) and all(getattr(a, name, None) == getattr(b, name, None) for name in slots)


def _trafilatura_text(html: str, url: str) -> str | None:
    template = _options_template()
    if template is None:
        return trafilatura.extract(html, url=url, **_TRAFILATURA_ARGS)  # type: ignore[no-any-return]
    return trafilatura.extract(html, url=url, options=_with_url(template, url))  # type: ignore[no-any-return]


def _main_text(html: str, url: str, document: Document, region: Scope) -> str:
    extracted = _trafilatura_text(html, url) or ""
    text = extracted.strip()
    # Short, or one unbroken line (trafilatura's baseline fallback flattens paragraphs):
    # the main region read directly keeps both the content and its structure.
    if len(text) < SHORT_TEXT or "\n" not in text:
        fallback = tree_to_text(region)
        if len(fallback) > len(text) or ("\n" not in text and len(fallback) >= 0.8 * len(text)):
            text = fallback
        if len(text) < SHORT_TEXT:
            # apps rendered in the browser: their state is the page's content
            lines = [text]
            _append_missing(lines, _state_text(document))
            text = "\n".join(line for line in lines if line)
    # Contact details are key facts the matcher checks; trafilatura drops <address>.
    lines = [text]
    _append_missing(lines, [tree_to_text(a) for a in iter_tags(region, "address")])
    return "\n".join(line for line in lines if line).strip()


def _append_missing(lines: list[str], extra: list[str]) -> None:
    have = normalize_space(" ".join(lines)).lower()
    for item in extra:
        flat = normalize_space(item).lower()
        if flat and flat not in have:
            lines.append(item.strip())
            have += " " + flat


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


def extract_article(url: str, headers: Any, body: bytes | str) -> Article:
    """Read one HTML page. Raises :class:`PageError` for bodies that are not HTML."""
    html = decode_html(headers, body)
    if not html.strip():
        raise PageError(url, "empty body")
    head = html.lstrip()[:1024].lower()
    if head.startswith("%pdf"):
        raise PageError(url, "a PDF, not an HTML page")
    if head.startswith(("<?xml", "<rss", "<feed", "<urlset", "<sitemapindex")) and "<html" not in html[:5000].lower():
        raise PageError(url, "an XML document, not an HTML page")
    if looks_binary(html) or (isinstance(body, bytes) and raw_looks_binary(body)):
        raise PageError(url, "binary or undecodable content, not an HTML page")
    root = parse_html(html)
    document = root.getroottree() if root is not None else None
    html_tag = first(document, "html") if document is not None else None
    if html_tag is None and (document is None or first(document, "body") is None):
        raise PageError(url, "no HTML markup")
    assert root is not None and document is not None
    base = _base_url(document, url)
    resolve = Resolver(base)
    meta = _meta(document)
    ld = _json_ld(document)
    region = main_region(document)

    title = _title(document, meta, region)
    canonical_tag = next(
        (
            link
            for link in iter_tags(document, "link")
            if "canonical" in classes_of_rel(link) and link.get("href") is not None
        ),
        None,
    )
    canonical = absolute(base, canonical_tag.get("href")) if canonical_tag is not None else None
    description = meta.get("og:description") or meta.get("description") or None

    published_at, modified_at = page_dates(url, document, region, meta, ld)
    text = _main_text(html, url, document, region)

    lang = (
        (normalize_lang(html_tag.get("lang") or html_tag.get("xml:lang") or "") if html_tag is not None else None)
        or normalize_lang(meta.get("dcterms.language") or meta.get("dc.language") or meta.get("content-language"))
        or normalize_lang(get_header(headers, "content-language"))
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


def classes_of_rel(link: Element) -> list[str]:
    """``rel`` tokens as BeautifulSoup lists them (case kept)."""
    value = link.get("rel")
    return value.split() if value else []


def _base_url(document: Document, url: str) -> str:
    """:func:`crawler.pages.linkutil.base_url` on the tree: the first ``<base href>``, else the page URL."""
    base = next((tag for tag in iter_tags(document, "base") if tag.get("href") is not None), None)
    if base is not None:
        href = (base.get("href") or "").strip()
        if href:
            return urljoin(url, href)
    return url
