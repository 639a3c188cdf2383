"""What one teaser in a list says about its item: link, title, date, summary.

Shared by the list readers of :mod:`crawler.pages.web.listing`. A teaser's date is a
``<time>`` (or a date attribute) in its container, else a date written there; in flat
lists (``h3 > a`` + ``p.meta`` + ``p.summary``, ``dt`` + ``dd``, a card + its meta box)
it sits in the siblings after the container — its *run* (issue 11, class f).
"""

from __future__ import annotations

import datetime as dt
import re

from crawler.pages.dates import find_date_in_text, leading_date, parse_datetime
from crawler.pages.links import absolute, sitevision_file_time
from crawler.pages.text import label_text, normalize_space
from crawler.pages.tree import Element, class_matches, get_text
from crawler.pages.types import ListingEntry


def clean(text: str | None) -> str | None:
    """Whitespace-normalised text, None when empty."""
    value = normalize_space(text)
    return value or None


def time_of(node: Element | None) -> dt.datetime | None:
    """A teaser's machine-readable date: ``<time datetime>`` or a ``datetime``/``content`` attribute."""
    if node is None:
        return None
    candidates = [node] if node.tag == "time" else []
    candidates += node.iterdescendants("time")
    for time_tag in candidates:
        value = parse_datetime(time_tag.get("datetime")) or parse_datetime(normalize_space(get_text(time_tag)))
        if value:
            return value
    for attr in ("datetime", "content", "data-date", "data-published"):
        value = parse_datetime(node.get(attr)) if node.get(attr) else None
        if value:
            return value
    return None


def text_date(node: Element | None) -> dt.datetime | None:
    """The first date written in a node's text."""
    return find_date_in_text(normalize_space(get_text(node, " "))) if node is not None else None


SUMMARY_CLASS = re.compile(r"ingress|lead|preamble|summary|excerpt|teaser-?text|description", re.IGNORECASE)


def summary_of(node: Element, title: str | None) -> str | None:
    """A teaser's summary: a summary-classed element or paragraph below ``node`` that is neither
    its title nor a date."""
    candidates = [el for el in node.iterdescendants() if class_matches(el, SUMMARY_CLASS)]
    candidates += node.iterdescendants("p")
    for para in candidates:
        text = normalize_space(get_text(para, " "))
        if text and text != title and not (title and text in title) and parse_datetime(text) is None:
            return text
    return None


_HEADINGS = ("h1", "h2", "h3", "h4", "h5")


def first_heading(node: Element) -> Element | None:
    """The first ``h1``–``h5`` below ``node``."""
    return next(node.iterdescendants(*_HEADINGS), None)


def first_link(node: Element) -> Element | None:
    """The first link with an ``href`` below ``node``."""
    return next((a for a in node.iterdescendants("a") if a.get("href") is not None), None)


_TITLE_CLASS = re.compile(r"heading|title|rubrik|headline", re.IGNORECASE)


def _title_block(link: Element) -> Element | None:
    """In a link that wraps a whole teaser (date, heading and summary blocks: Liferay's
    ``news-item``), the block that is its title: a heading, a block its class calls a heading or
    title, else the first block that is neither a date nor a summary."""
    heading = first_heading(link)
    if heading is not None:
        return heading
    blocks = [el for el in link.iterdescendants("div", "p", "span", "strong") if not len(el) and label_text(el)]
    if len(blocks) < 2:
        return None
    named = next((el for el in blocks if class_matches(el, _TITLE_CLASS)), None)
    if named is not None:
        return named
    return next((el for el in blocks if not class_matches(el, SUMMARY_CLASS) and not _date_only(label_text(el))), None)


def _date_only(text: str) -> bool:
    """"2026-02-03", "3 februari 2026": a date and nothing else."""
    return len(text) <= 30 and leading_date(text, max_offset=0) is not None


def link_title(link: Element) -> str | None:
    """What a link is titled: its heading (or title block), text, ``aria-label``/``title``, or its image's ``alt``."""
    heading = _title_block(link)
    text = label_text(heading if heading is not None else link)
    if not text:
        text = normalize_space(link.get("aria-label") or link.get("title") or "")
    if not text:
        img = next((i for i in link.iterdescendants("img") if i.get("alt") is not None), None)
        text = normalize_space(img.get("alt")) if img is not None else ""
    return text or None


def entry_of(
    base: str, link: Element | None, container: Element, title: str | None = None, date_node: Element | None = None
) -> ListingEntry | None:
    """The entry one teaser makes (None without a followable link)."""
    if link is None:
        return None
    url = absolute(base, link.get("href") or "")
    if not url:
        return None
    if not title:
        heading = first_heading(container)
        heading_text = clean(label_text(heading)) if heading is not None else None
        # "Läs mer" is a title of last resort; another link to the same item usually has a real one (see _dedupe)
        title = heading_text or link_title(link)
    dated = date_node if date_node is not None else container
    return ListingEntry(
        url=url,
        title=title,
        # a file's upload time beats a date in its name (often the meeting's date)
        published_at=time_of(dated) or sitevision_file_time(url) or text_date(dated),
        summary=summary_of(container, title),
    )


#: Siblings after an item's container that still describe it (meta line, summary).
RUN_SIBLINGS = 3


def run_after(container: Element, containers: set[Element], item_urls: set[str], base: str) -> list[Element]:
    """The siblings after an item's container up to the next item: flat lists (``h3 > a`` then
    ``p.meta`` and ``p.summary``; ``dt`` then ``dd``; a card then its meta box) keep an item's
    date and summary there (issue 11, class f). Never past the next item, so one item's date
    never goes to its neighbour."""
    run: list[Element] = []
    for sibling in container.itersiblings():
        if len(run) >= RUN_SIBLINGS or sibling in containers or not isinstance(sibling.tag, str):
            break
        links = {absolute(base, a.get("href")) for a in [sibling, *sibling.iterdescendants("a")] if a.get("href")}
        if links & item_urls:
            break
        run.append(sibling)
    return run


def with_run(entry: ListingEntry, run: list[Element]) -> ListingEntry:
    """``entry`` with the date and summary its run shows where the container showed none."""
    published = entry.published_at
    summary = entry.summary
    for sibling in run:
        published = published or time_of(sibling) or text_date(sibling)
        if summary is None:
            summary = _own_summary(sibling, entry.title) or summary_of(sibling, entry.title)
    return ListingEntry(entry.url, entry.title, published, summary)


def _own_summary(node: Element, title: str | None) -> str | None:
    """The node's own text as a summary, when it is a summary-like block (``p``, ``dd``, a summary class)."""
    if node.tag not in ("p", "dd", "div") and not class_matches(node, SUMMARY_CLASS):
        return None
    if node.tag == "div" and not class_matches(node, SUMMARY_CLASS):
        return None
    text = normalize_space(get_text(node, " "))
    if text and text != title and not (title and text in title) and parse_datetime(text) is None:
        return text
    return None
