"""Lists of *other* items on a page: teasers, related pages, chains of earlier documents, attachments.

Around its own content a page shows references to other pages: an "Aktuellt" block of
news teasers, "Relaterat", the chain of earlier legislative documents on a proposition,
a table of attached files with their dates. Their dates are not the page's date (issue 11,
class a) and their teaser text is not the page's text (class d). They are recognised by
shape, never by a site's class names:

* a **unit** is the largest element around one link to another page that holds nothing
  but that link's text, perhaps a date before it, and a short summary (an ``li``, a
  ``tr``, a card, a ``dt``, a heading);
* a **run** is a unit plus, in a list of two or more units, the siblings after it up to
  the next unit: flat lists (``h3 > a`` + ``p.meta`` + ``p.summary`` …, ``dt`` + ``dd`` …)
  put an item's date and summary beside the link's heading, not inside it (class f);
* an **item list** is the parent of one or more units, with its runs in document order.

A date in a run is the run's (read with :func:`run_date`). The page objects decide what
to do with the lists: :mod:`crawler.pages.web.pagedates` skips every dated run,
:mod:`crawler.pages.web.boilerplate` removes lists of two or more teasers from the text.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable

from crawler.pages.dates import find_date_in_text, leading_date, parse_datetime
from crawler.pages.links import document_type
from crawler.pages.text import label_text, normalize_space
from crawler.pages.tree import Element, Scope, get_text, iter_tags, short_text
from parity.core.calendar import MONTHS, WEEKDAYS

#: A teaser's summary ("Vattnet är avstängt under eftermiddagen.") is a paragraph at most.
SUMMARY_MAX = 600
#: A unit's link text starts it, after at most a date ("11 maj 2023 Utredning om …").
LEAD_MAX = 40
#: Siblings after a unit that still belong to its run (meta line, summary, "Läs mer").
RUN_SIBLINGS = 3
#: Elements a unit never grows into: the page's own big containers.
_NEVER_UNIT = frozenset({"body", "html", "main", "form"})


@dataclasses.dataclass
class ItemRun:
    """One other item: its link, the elements that show it, and what it says about itself."""

    link: Element
    url: str
    unit: Element
    siblings: list[Element]
    document: bool

    @property
    def elements(self) -> list[Element]:
        return [self.unit, *self.siblings]


@dataclasses.dataclass
class ItemList:
    """The parent of one or more units, with their runs in document order."""

    container: Element
    runs: list[ItemRun]

    @property
    def pages(self) -> list[ItemRun]:
        """Runs that link to web pages (not to files)."""
        return [run for run in self.runs if not run.document]


#: Longest text worth reading in full while looking for units (a unit is at most a title and a summary).
_TEXT_LIMIT = 2 * SUMMARY_MAX


class _Texts:
    """Normalised text of elements, computed once per element; "" stands for "longer than any unit"."""

    def __init__(self) -> None:
        self._cache: dict[Element, str | None] = {}

    def __call__(self, el: Element) -> str:
        try:
            value = self._cache[el]
        except KeyError:
            value = self._cache[el] = short_text(el, _TEXT_LIMIT)
        return value if value is not None else ""

    def long(self, el: Element) -> bool:
        self(el)
        return self._cache[el] is None


#: schema.org date properties (``datePublished``, ``dateCreated``, ``dateModified``, ``uploadDate``).
_DATE_PROP = re.compile(r"date", re.IGNORECASE)


def run_date(run: ItemRun, texts: Callable[[Element], str] | None = None) -> dt.datetime | None:
    """The date a run shows for its item: a ``<time>``, else a date written outside the link's text."""
    text_of = texts or (lambda el: normalize_space(get_text(el, " ")))
    for el in run.elements:
        for tag in [el] if el.tag == "time" else el.iterdescendants("time"):
            value = parse_datetime(tag.get("datetime")) or parse_datetime(normalize_space(get_text(tag)))
            if value:
                return value
    for el in run.elements:  # microdata: <meta itemprop="datePublished" content="…"> in each teaser of a loop
        for tag in el.iter():
            name = tag.get("itemprop") if isinstance(tag.tag, str) else None
            if name and _DATE_PROP.search(name) and (value := parse_datetime(tag.get("content") or tag.get("datetime"))):
                return value
    for el in run.elements:  # a block of its own that is only a date ("2026-01-28" inside a card link)
        for leaf in (d for d in el.iter() if isinstance(d.tag, str) and not len(d)):
            text = normalize_space(leaf.text)
            if text and len(text) <= 30 and (value := leading_date(text, max_offset=0)):
                return value
    title = label_text(run.link)
    for el in run.elements:
        text = text_of(el)
        if title and title in text:
            text = text.replace(title, " ", 1)
        value = find_date_in_text(text)
        if value:
            return value
    return None


def item_lists(scope: Scope, own_url: str, resolve: Callable[[str], str | None]) -> list[ItemList]:
    """Every list of other items below ``scope`` (``own_url``: the page's URL, whose links are
    not other items; ``resolve``: an ``href`` → absolute URL, None for anchors and ``mailto:``)."""
    own = own_url.split("#", 1)[0]
    links: list[tuple[Element, str]] = []
    holders: dict[Element, set[str]] = {}
    for anchor in iter_tags(scope, "a"):
        href = anchor.get("href")
        url = resolve(href) if href else None
        if not url or url == own or not any(piece.strip() for piece in anchor.itertext()):
            continue
        links.append((anchor, url))
        for parent in anchor.iterancestors():
            held = holders.setdefault(parent, set())
            if len(held) >= 2:
                break  # two items below it already: so below every ancestor
            held.add(url)
    texts = _Texts()
    stop = scope if isinstance(scope, Element) else None
    units: dict[Element, ItemRun] = {}
    for anchor, url in links:
        unit = _unit(anchor, stop, holders, texts)
        if unit is None or unit in units:
            continue
        units[unit] = ItemRun(link=anchor, url=url, unit=unit, siblings=[], document=_is_file(url))
    by_parent: dict[Element, list[ItemRun]] = {}
    for unit, run in units.items():
        parent = unit.getparent()
        if parent is not None:
            by_parent.setdefault(parent, []).append(run)
    found: list[ItemList] = []
    for parent, runs in by_parent.items():
        if len(runs) > 1:
            _attach_siblings(runs, units, holders, texts)
        found.append(ItemList(container=parent, runs=runs))
    return found


def _is_file(url: str) -> bool:
    last = url.rsplit("/", 1)[-1]
    return "." in last and document_type(url) is not None


def _unit(anchor: Element, stop: Element | None, holders: dict[Element, set[str]], texts: _Texts) -> Element | None:
    """The largest element around ``anchor`` that shows only this item (None: the link sits in prose)."""
    title = texts(anchor)
    if not title:
        return None
    node = anchor
    while True:
        parent = node.getparent()
        if parent is None or parent is stop or parent.tag in _NEVER_UNIT or len(holders.get(parent, ())) > 1:
            break
        if texts.long(parent) or len(texts(parent)) > len(title) + SUMMARY_MAX:
            break
        node = parent
    if node is anchor and not _link_run(anchor):
        return None
    if not _title_like(anchor, texts):
        return None
    if texts.long(node):
        return None
    text = texts(node)
    at = text.find(title)
    if at < 0 or at > LEAD_MAX:
        return None
    before = text[:at].strip(" ·|-–:")
    # only a date may come before the title: "Läs mer i <a>beslutet</a>" is a sentence, and
    # "Publicerad 12 mars 2026 i <a>Nyheter</a>" the page's own meta line, not a teaser
    if before and (len(before) > LEAD_MAX or leading_date(before, max_offset=0) is None):
        return None
    return node


_INLINE = frozenset({"span", "strong", "b", "em", "i", "small", "abbr", "mark", "font", "time", "u", "bdi", "cite"})


def _title_like(anchor: Element, texts: _Texts) -> bool:
    """The link is a title: alone on its line (its line holds nothing else but a date), not a
    phrase in a sentence ("<a>Kommunfullmäktige</a> sammanträder 12 mars")."""
    block = next((parent for parent in anchor.iterancestors() if parent.tag not in _INLINE), None)
    if block is None:
        return True
    title = texts(anchor)
    rest = normalize_space(" ".join(_line_strings(block, anchor))).replace(title, " ", 1).strip(" ·|-–:,.»›")
    if not rest:
        return True
    return len(rest) <= LEAD_MAX and leading_date(rest, max_offset=0) is not None


def _line_strings(block: Element, anchor: Element) -> list[str]:
    """The strings of ``block`` on the anchor's line: without child blocks (a summary paragraph
    below the title is its own line) other than the ones holding the anchor."""
    out: list[str] = [block.text or ""]
    for child in block:
        if isinstance(child.tag, str) and child.tag not in _INLINE and not _contains(child, anchor):
            pass
        elif isinstance(child.tag, str) and child.tag not in _INLINE:
            out.extend(_line_strings(child, anchor))
        elif isinstance(child.tag, str):
            out.append(get_text(child, " "))
        out.append(child.tail or "")
    return out


def _contains(el: Element, anchor: Element) -> bool:
    return el is anchor or any(parent is el for parent in anchor.iterancestors())


_LETTERS = re.compile(r"[^\W\d_]{4,}")


def _link_run(anchor: Element) -> bool:
    """A link that is one of several sibling links with no words between them (a card
    wrapper ``a.c-card`` in a collection, a flat list of links): a unit by itself."""
    parent = anchor.getparent()
    if parent is None or sum(1 for child in parent if child.tag == "a") < 2:
        return False
    free = " ".join([parent.text or "", *(child.tail or "" for child in parent)])
    return all(word.lower() in MONTHS or word.lower() in WEEKDAYS for word in _LETTERS.findall(free))


def _attach_siblings(runs: list[ItemRun], units: dict[Element, ItemRun], holders: dict[Element, set[str]],
                     texts: _Texts) -> None:
    """Give each unit of a flat list the siblings after it (its meta line and summary), up to the next unit."""
    for run in runs:
        for sibling in run.unit.itersiblings():
            if sibling in units or len(run.siblings) >= RUN_SIBLINGS or not isinstance(sibling.tag, str):
                break
            held = holders.get(sibling, set())
            if (held - {run.url}) or (sibling.tag == "a" and sibling.get("href")):
                break
            if texts.long(sibling) or len(texts(sibling)) > SUMMARY_MAX:
                break
            run.siblings.append(sibling)
