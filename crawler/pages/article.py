"""A single HTML page → :class:`Article` (title, main text, dates, language, links).

Written for Swedish public sites (Sitevision, EPiServer, WordPress) where the
date a reader sees is often only ``DC.modified`` or a "Senast uppdaterad"
line, and where event pages keep their facts in AppRegistry JSON.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

import trafilatura
from bs4 import BeautifulSoup, Tag

from crawler.pages.appregistry import iter_states
from crawler.pages.decode import decode_html, get_header
from crawler.pages.linkutil import absolute, base_url
from crawler.pages.pagedates import in_chrome, page_dates
from crawler.pages.pagelinks import all_links, document_links, feed_urls
from crawler.pages.text import (
    ASSISTIVE_CLASSES,
    detect_lang,
    html_to_text,
    normalize_lang,
    normalize_space,
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


def _meta(soup: BeautifulSoup) -> dict[str, str]:
    found: dict[str, str] = {}
    for tag in soup.find_all("meta"):
        key = tag.get("property") or tag.get("name") or tag.get("itemprop") or tag.get("http-equiv")
        content = tag.get("content")
        if not key or content is None:
            continue
        key = str(key).strip().lower()
        if key not in found and str(content).strip():
            found[key] = normalize_space(str(content))
    return found


def _json_ld(soup: BeautifulSoup) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for script in soup.find_all("script", type=re.compile("ld\\+json", re.I)):
        try:
            data = json.loads(script.string or "")
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


def _visible(tag: Tag) -> bool:
    classes = set(tag.get("class") or [])
    return not (classes & ASSISTIVE_CLASSES or "lp-user-hidden" in classes or tag.has_attr("hidden"))


def _title(soup: BeautifulSoup, meta: dict[str, str], region: Tag) -> str | None:
    names = _site_names(meta)
    title_tag = normalize_space(soup.title.get_text()) if soup.title else ""
    for sep in (" | ", " - ", " – "):
        if sep in title_tag:
            names.add(title_tag.rsplit(sep, 1)[1].strip().lower())
            break
    h1 = next((h for h in region.find_all("h1") if _visible(h) and normalize_space(h.get_text())), None)
    if h1 is None:
        h1 = next((h for h in soup.find_all("h1") if _visible(h) and normalize_space(h.get_text())), None)
    for candidate, from_tag in (
        (meta.get("og:title"), False),
        (normalize_space(h1.get_text()) if h1 else None, False),
        (title_tag, True),
        (meta.get("twitter:title"), False),
    ):
        if candidate:
            stripped = strip_site_suffix(candidate, names, from_title_tag=from_tag)
            if stripped.lower() not in names or not from_tag:
                return stripped
    return None


def main_region(soup: BeautifulSoup) -> Tag:
    """The element holding the page's own content (first match of :data:`MAIN_SELECTORS`)."""
    for selector in MAIN_SELECTORS:
        found = soup.select_one(selector)
        if found is not None and normalize_space(found.get_text()):
            return found
    return soup.body or soup


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


def _state_text(soup: BeautifulSoup) -> list[str]:
    """Readable strings of AppRegistry states placed in the page content (not header/footer)."""
    lines: list[str] = []
    for script in soup.find_all("script"):
        code = script.string or ""
        if "registerInitialState" not in code or in_chrome(script):
            continue
        in_content = any(
            p.name in ("main", "article")
            or p.get("role") == "main"
            or re.search(r"content|main|mitten", " ".join(p.get("class") or []) + " " + str(p.get("id") or ""), re.I)
            for p in script.parents
            if isinstance(p, Tag) and p.name not in ("html", "body", "[document]")
        )
        if not in_content:
            continue
        for _portlet, state, _s, _e in iter_states(code):
            _state_strings(state, lines)
    return lines


def _main_text(html: str, url: str, soup: BeautifulSoup, region: Tag) -> str:
    extracted = (
        trafilatura.extract(
            html,
            url=url,
            favor_recall=True,
            include_comments=False,
            include_tables=True,
            deduplicate=False,
        )
        or ""
    )
    text = extracted.strip()
    # Short, or one unbroken line (trafilatura's baseline fallback flattens paragraphs):
    # the main region read directly keeps both the content and its structure.
    if len(text) < SHORT_TEXT or "\n" not in text:
        fallback = html_to_text(region)
        if len(fallback) > len(text) or ("\n" not in text and len(fallback) >= 0.8 * len(text)):
            text = fallback
        if len(text) < SHORT_TEXT:
            # apps rendered in the browser: their state is the page's content
            lines = [text]
            _append_missing(lines, _state_text(soup))
            text = "\n".join(line for line in lines if line)
    # Contact details are key facts the matcher checks; trafilatura drops <address>.
    lines = [text]
    _append_missing(lines, [html_to_text(a) for a in region.find_all("address")])
    return "\n".join(line for line in lines if line).strip()


def _append_missing(lines: list[str], extra: list[str]) -> None:
    have = normalize_space(" ".join(lines)).lower()
    for item in extra:
        flat = normalize_space(item).lower()
        if flat and flat not in have:
            lines.append(item.strip())
            have += " " + flat


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
    soup = BeautifulSoup(html, "lxml")
    if soup.find("html") is None and soup.find("body") is None:
        raise PageError(url, "no HTML markup")
    base = base_url(soup, url)
    meta = _meta(soup)
    ld = _json_ld(soup)
    region = main_region(soup)

    title = _title(soup, meta, region)
    canonical_tag = soup.find("link", rel=lambda r: r and "canonical" in (r if isinstance(r, list) else [r]), href=True)
    canonical = absolute(base, str(canonical_tag["href"])) if canonical_tag else None
    description = meta.get("og:description") or meta.get("description") or None

    published_at, modified_at = page_dates(url, soup, region, meta, ld)
    text = _main_text(html, url, soup, region)

    root = soup.find("html")
    lang = (
        (normalize_lang(str(root.get("lang") or root.get("xml:lang") or "")) if root else None)
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
        feed_urls=feed_urls(soup, base),
        document_links=document_links(soup, base),
        links=all_links(soup, base),
    )
