"""When an HTML page was published and last changed, from every place Swedish sites put it.

Order of evidence for ``published``: a ``<time>`` in the page's own content
(not in teasers of other pages), ``article:published_time``, JSON-LD,
Dublin Core issued/created/date, a visible "Publicerad 12 mars 2026" line,
``DC.modified`` (often the only date a Sitevision page has), a labelled
"Senast uppdaterad" time, and last htmldate (URL dates such as /2026/03/11/).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from typing import Any

from lxml import etree

from crawler.pages.dates import find_date_in_text, parse_datetime
from crawler.pages.text import element_text, normalize_space
from crawler.pages.tree import (
    Element,
    HtmlTree,
    Scope,
    ancestors,
    class_text,
    first,
    get_text,
    iter_tags,
    previous_strings,
)

log = logging.getLogger(__name__)

_TEASER_CLASS = re.compile(
    r"puff|teaser|card|news-?list|sv-channel|related|listing|event-?list|lp-filterable", re.IGNORECASE
)
_UPDATED_LABEL = re.compile(r"uppdater|ändrad|senast|updated|modified|revid", re.IGNORECASE)
_PUBLISHED_LABEL = re.compile(r"publicer|published|skapad|created|postad|posted", re.IGNORECASE)
_LABELLED_TEXT_DATE = re.compile(
    r"(?P<label>publicerad|publiceringsdatum|published|senast uppdaterad|sidan uppdaterades|sidan uppdaterad|"
    r"uppdaterad|senast ändrad|last updated|updated)\s*(?:den|on)?\s*:?\s*(?P<rest>.{0,60})",
    re.IGNORECASE,
)
#: Every label above holds one of these (lower case) no more than
#: :data:`_ANCHOR_OFFSET` characters after its start ("senast uppdaterad": 7).
_LABEL_ANCHORS = ("publi", "uppdater", "ändrad", "updated")
_ANCHOR_OFFSET = 7
#: Characters IGNORECASE matches to a label's letter although their lower() is not
#: that letter (ı, ſ; İ lower-cases to two characters).
_ODD_CASE = ("\u0130", "\u0131", "\u017f")


def in_chrome(tag: Element) -> bool:
    """Inside the site's header, footer or navigation (not the page's own content)."""
    return any(p.tag in ("header", "footer", "nav") for p in ancestors(tag))


def _several_articles(scope: Scope) -> bool:
    return sum(1 for _ in zip(range(2), iter_tags(scope, "article"))) > 1


def _in_teaser(tag: Element, stop: Scope, several_articles: bool) -> bool:
    """Inside a teaser of another page (a card, a related-news list, one of several <article>s)."""
    for parent in ancestors(tag):
        if parent is stop:
            return False
        if _TEASER_CLASS.search(class_text(parent)):
            return True
        if parent.tag == "article" and several_articles:
            return True
    return False


def _label_of(tag: Element) -> str:
    """The words just before ``tag`` ("Publicerad:", "Senast uppdaterad") plus its class/itemprop."""
    node: Element | None = tag
    before = ""
    for _ in range(3):
        if node is None:
            break
        texts = []
        total = 0
        for text in previous_strings(node):
            texts.append(text)
            total += len(text)
            if total > 80:
                break
        before = normalize_space(" ".join(reversed(texts)))[-60:]
        if before:
            break
        node = node.getparent()
    parent = tag.getparent()
    attrs = " ".join((class_text(tag), tag.get("itemprop") or "", class_text(parent) if parent is not None else ""))
    return f"{before} {attrs}"


def _time_dates(document: HtmlTree, region: Scope) -> tuple[dt.datetime | None, dt.datetime | None]:
    """(published, modified) from ``<time>`` elements: in the main region, else labelled ones anywhere."""
    published = modified = None
    body = first(document, "body")
    for scope, need_label in ((region, False), (body if body is not None else document, True)):
        several_articles: bool | None = None
        for tag in iter_tags(scope, "time"):
            if several_articles is None:
                several_articles = _several_articles(scope)
            if _in_teaser(tag, scope, several_articles) or (need_label and in_chrome(tag)):
                continue
            value = parse_datetime(tag.get("datetime")) or parse_datetime(normalize_space(get_text(tag)))
            if value is None:
                continue
            label = _label_of(tag)
            if _UPDATED_LABEL.search(label):
                modified = modified or value
            elif _PUBLISHED_LABEL.search(label) or not need_label:
                published = published or value
        if published or modified:
            break
    return published, modified


def _labelled_dates(text: str) -> list[re.Match[str]]:
    """``_LABELLED_TEXT_DATE.finditer(text)``, trying the pattern only just before a label's anchor word.

    The full scan tries ten case-insensitive alternatives at every character (a
    millisecond for a 7 kB page); the anchors are found with ``str.find``.
    """
    low = text.lower()
    if len(low) != len(text) or any(ch in text for ch in _ODD_CASE):
        return list(_LABELLED_TEXT_DATE.finditer(text))
    anchors: list[int] = []
    for word in _LABEL_ANCHORS:
        at = low.find(word)
        while at >= 0:
            anchors.append(at)
            at = low.find(word, at + 1)
    found: list[re.Match[str]] = []
    pos = 0
    for anchor in sorted(anchors):
        start = max(pos, anchor - _ANCHOR_OFFSET)
        while start <= anchor:
            match = _LABELLED_TEXT_DATE.match(text, start)
            if match is None:
                start += 1
                continue
            found.append(match)
            pos = start = match.end()
    return found


def _text_dates(text: str) -> tuple[dt.datetime | None, dt.datetime | None]:
    """(published, modified) from visible "Publicerad 12 mars 2026" / "Senast uppdaterad …" lines."""
    published = modified = None
    for match in _labelled_dates(text):
        value = find_date_in_text(match.group("rest"))
        if value is None:
            continue
        if _UPDATED_LABEL.search(match.group("label")):
            modified = modified or value
        else:
            published = published or value
    return published, modified


def _meta_date(meta: dict[str, str], keys: tuple[str, ...]) -> dt.datetime | None:
    for key in keys:
        value = parse_datetime(meta.get(key))
        if value:
            return value
    return None


def _ld_date(items: list[dict[str, Any]], key: str) -> dt.datetime | None:
    for item in items:
        value = parse_datetime(item.get(key)) if isinstance(item.get(key), str) else None
        if value:
            return value
    return None


def _htmldate(document: HtmlTree, url: str) -> dt.datetime | None:
    """htmldate on the URL and ``<head>`` only.

    Its body heuristics pick up teaser dates and dates in file names (the
    Kungsbacka pages give 2026-08-11, a meeting date); every body date worth
    having was already read above with knowledge of what it labels.
    """
    head = first(document, "head")
    if head is not None:
        markup = etree.tostring(head, method="html", encoding="unicode", with_tail=False)
        html = f"<html>{markup}<body></body></html>"
    else:
        html = "<html><body></body></html>"
    try:
        import htmldate

        found = htmldate.find_date(
            html, url=url, extensive_search=False, original_date=True, outputformat="%Y-%m-%d"
        )
    except Exception as exc:  # htmldate is a heuristic; its failure is not the page's
        log.debug("htmldate failed on %s: %s", url, exc)
        return None
    return parse_datetime(found) if found else None


def page_dates(
    url: str, document: HtmlTree, region: Scope, meta: dict[str, str], ld: list[dict[str, Any]]
) -> tuple[dt.datetime | None, dt.datetime | None]:
    """``(published_at, modified_at)`` of a page (a :func:`crawler.pages.tree.parse_html` tree,
    ``region`` its main element or the document); see the module docstring for the order."""
    time_published, time_modified = _time_dates(document, region)
    text_published, text_modified = _text_dates(element_text(region))
    meta_modified = _meta_date(meta, ("article:modified_time", "og:updated_time", "dcterms.modified", "dc.modified"))
    modified = time_modified or meta_modified or _ld_date(ld, "dateModified") or text_modified
    published = (
        time_published
        or _meta_date(meta, ("article:published_time", "og:published_time", "datepublished"))
        or _ld_date(ld, "datePublished")
        or _meta_date(meta, ("dcterms.issued", "dcterms.created", "dc.date.created", "dc.date.issued", "dc.date"))
        or text_published
        or _meta_date(meta, ("dcterms.modified", "dc.modified"))
        or modified
        or _htmldate(document, url)
    )
    return published, modified
