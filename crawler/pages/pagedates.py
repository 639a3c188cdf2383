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

from bs4 import BeautifulSoup, Tag

from crawler.pages.linkutil import attr_text
from crawler.pages.text import (
    find_date_in_text,
    html_to_text,
    normalize_space,
    parse_datetime,
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


def in_chrome(tag: Tag) -> bool:
    """Inside the site's header, footer or navigation (not the page's own content)."""
    return any(p.name in ("header", "footer", "nav") for p in tag.parents if isinstance(p, Tag))


def _in_teaser(tag: Tag, stop: Tag) -> bool:
    """Inside a teaser of another page (a card, a related-news list, one of several <article>s)."""
    several_articles = len(stop.find_all("article", limit=2)) > 1
    for parent in tag.parents:
        if parent is stop or parent is None:
            return False
        if _TEASER_CLASS.search(attr_text(parent.get("class"))):
            return True
        if parent.name == "article" and several_articles:
            return True
    return False


def _label_of(tag: Tag) -> str:
    """The words just before ``tag`` ("Publicerad:", "Senast uppdaterad") plus its class/itemprop."""
    node: Tag | None = tag
    before = ""
    for _ in range(3):
        if node is None:
            break
        texts = []
        for sibling in node.previous_siblings:
            texts.append(sibling.get_text(" ") if isinstance(sibling, Tag) else str(sibling))
            if sum(len(t) for t in texts) > 80:
                break
        before = normalize_space(" ".join(reversed(texts)))[-60:]
        if before:
            break
        node = node.parent if isinstance(node.parent, Tag) else None
    attrs = " ".join(
        " ".join(v) if isinstance(v, list) else str(v or "")
        for v in (
            tag.get("class"),
            tag.get("itemprop"),
            tag.parent.get("class") if isinstance(tag.parent, Tag) else None,
        )
    )
    return f"{before} {attrs}"


def _time_dates(soup: BeautifulSoup, region: Tag) -> tuple[dt.datetime | None, dt.datetime | None]:
    """(published, modified) from ``<time>`` elements: in the main region, else labelled ones anywhere."""
    published = modified = None
    for scope, need_label in ((region, False), (soup.body or soup, True)):
        for tag in scope.find_all("time"):
            if _in_teaser(tag, scope) or (need_label and in_chrome(tag)):
                continue
            value = parse_datetime(tag.get("datetime")) or parse_datetime(normalize_space(tag.get_text()))
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


def _text_dates(text: str) -> tuple[dt.datetime | None, dt.datetime | None]:
    """(published, modified) from visible "Publicerad 12 mars 2026" / "Senast uppdaterad …" lines."""
    published = modified = None
    for match in _LABELLED_TEXT_DATE.finditer(text):
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


def _htmldate(soup: BeautifulSoup, url: str) -> dt.datetime | None:
    """htmldate on the URL and ``<head>`` only.

    Its body heuristics pick up teaser dates and dates in file names (the
    Kungsbacka pages give 2026-08-11, a meeting date); every body date worth
    having was already read above with knowledge of what it labels.
    """
    head = soup.head
    document = f"<html>{head}<body></body></html>" if head is not None else "<html><body></body></html>"
    try:
        import htmldate

        found = htmldate.find_date(
            document, url=url, extensive_search=False, original_date=True, outputformat="%Y-%m-%d"
        )
    except Exception as exc:  # htmldate is a heuristic; its failure is not the page's
        log.debug("htmldate failed on %s: %s", url, exc)
        return None
    return parse_datetime(found) if found else None


def page_dates(
    url: str, soup: BeautifulSoup, region: Tag, meta: dict[str, str], ld: list[dict[str, Any]]
) -> tuple[dt.datetime | None, dt.datetime | None]:
    """``(published_at, modified_at)`` of a page; see the module docstring for the order."""
    time_published, time_modified = _time_dates(soup, region)
    text_published, text_modified = _text_dates(html_to_text(region))
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
        or _htmldate(soup, url)
    )
    return published, modified
