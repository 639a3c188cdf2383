"""When an HTML page was published and last changed — from the page's own signals only.

A wrong date changes a verdict (``late`` vs ``match``), so the rules are about whose
date a date is (issue 11, classes a–c):

* **the page's own labels first**: a date right after a *label* — "Publicerad 12 mars
  2026", "Publicerad: 2026-03-12", "Senast uppdaterad:", "Sidan granskades:" — at the start
  of a short element or of a text line, or a ``<time>`` that such a label introduces (or whose
  class/``itemprop`` says ``published``/``updated``). A verb in running prose ("Webbplatsen
  publicerades 18 juni 2019") is no label: a sentence is long, and it does not start with one;
* then the page's metadata: ``article:published_time``, ``og:published``, JSON-LD
  ``datePublished``, ``EPi.Published``, Dublin Core ``DC.Date.Created``/``dcterms.created``/
  ``DC.Date`` (and their *modified* counterparts for ``modified_at``);
* then labels outside the main region (a side column's "Publicerad:"), then a bare ``<time>``
  that opens its block in the main region (no label, not in a sentence), then a date in the URL;
* **dates of other items never count**: every ``<time>`` and label inside a run of a list of
  other items (:mod:`crawler.pages.web.otheritems`: teasers, a chain of earlier documents,
  attached files) is skipped, as are dialogs and the site's chrome (already gone from the tree
  these functions read);
* **updated ≠ published**: "Senast uppdaterad/ändrad/granskad", ``DC.Date.Modified``,
  ``DC.modified``, ``article:modified_time`` fill ``modified_at`` only. A page that shows only
  those has no ``published_at``; the crawler then falls back on what its source said (a feed
  entry's or list row's date), and the matcher on when the page was first seen.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import re
from typing import Any

from crawler.pages.dates import leading_date, parse_datetime
from crawler.pages.text import normalize_space
from crawler.pages.tree import Element, class_text, first, get_text, short_text

log = logging.getLogger(__name__)

_PUBLISHED_WORDS = r"publicerad|publicerat|publicerades|publiceringsdatum|published|posted|postad|skapad|created"
_UPDATED_WORDS = (
    r"uppdaterad|uppdaterat|uppdaterades|ändrad|ändrades|ändring|granskad|granskades|reviderad|"
    r"updated|modified|reviewed|revised"
)
#: Stems every label word holds (lower case): where to look for labels, one regex on a text node's lower-cased start
#: (a case-insensitive alternation tried at every character of a 12 kB page costs a millisecond).
_STEMS = ("publi", "postad", "posted", "skapad", "created", "uppdater", "ändrad", "ändrades", "ändring", "gransk", "revider",
          "updated", "modified", "reviewed", "revised")
_STEM_RE = re.compile("|".join(_STEMS))
#: A label opening a line: "Publicerad", "Senast uppdaterad:", "Sidan senast granskad:", "Senaste ändring:",
#: "Sidan uppdaterades senast", "Last updated".
_LABEL_BODY = (
    rf"(?:(?:sidan|senast|senaste|last|date)\s+){{0,2}}(?:(?P<pub>{_PUBLISHED_WORDS})|(?P<upd>{_UPDATED_WORDS}))\b"
    r"(?:\s+senast\b)?\s*(?:den|on)?\s*:?"
)
_LABEL = re.compile(_LABEL_BODY, re.IGNORECASE)
#: The same label, capitalised, later in a line that opened with one ("Uppdaterad: 14 mars 2026<br>Publicerad: 12 mars
#: 2026", "<strong>Publicerad:</strong> 12 mars 2026 <strong>Uppdaterad:</strong> 14 mars 2026").
_LATER_LABEL = re.compile(rf"(?<!\w){_LABEL_BODY}", re.IGNORECASE)
#: In a label element of its own (``<dt>``, a ``<th>``, the element before a ``<time>``'s block):
#: a term and a participle, "Anslaget publicerat", "Sidan granskad" (never a past-tense verb).
_TERM_LABEL = re.compile(
    r"(?:[^\W\d_]+\s+)?(?:(?P<pub>publicerad|publicerat|skapad|skapat|published|created)|"
    r"(?P<upd>uppdaterad|uppdaterat|ändrad|ändrat|granskad|granskat|reviderad|reviderat|updated|modified|reviewed))"
    r"\s*:?",
    re.IGNORECASE,
)
_TERM_LABEL_MAX = 40
#: Separators between labels on one line ("Publicerad 12 mars 2026 · Uppdaterad 13 mars 2026").
_SEGMENTS = re.compile(r"\s+[·•|]\s+|\s+[–-]\s+(?=\w)")
_CLASS_PUBLISHED = re.compile(r"\b(published|date-?published|pubdate|post-?date|entry-date)\b", re.IGNORECASE)
_CLASS_UPDATED = re.compile(r"\b(updated|modified|date-?modified|last-?modified)\b", re.IGNORECASE)
#: Class words CMSs give teasers of other pages (a weak signal: only unlabelled dates heed it).
_TEASER_CLASS = re.compile(r"puff|teaser|card|news-?list|sv-channel|related|listing|event-?list", re.IGNORECASE)
#: A label line is short: "Publicerad: 10 februari 2026, kl. 14.05 av Kommunikationsenheten".
LABEL_LINE_MAX = 120
_INLINE = frozenset({"span", "strong", "b", "em", "i", "small", "a", "abbr", "mark", "label", "font", "sup", "sub",
                     "time", "u", "bdi", "cite", "data"})

META_PUBLISHED = ("article:published_time", "og:published_time", "og:published", "datepublished")
META_CREATED = ("epi.published", "published", "publishdate", "pubdate", "dcterms.issued", "dcterms.created",
                "dc.date.created", "dc.date.issued", "dc.date", "dcterms.date")
META_MODIFIED = ("article:modified_time", "og:updated_time", "og:modified_time", "datemodified")
META_CHANGED = ("dcterms.modified", "dc.date.modified", "dc.modified", "epi.changed")


@dataclasses.dataclass
class Found:
    """Dates of one part of a page, each the first of its kind in document order."""

    published: dt.datetime | None = None  # labelled, or by its element's class
    modified: dt.datetime | None = None
    bare: dt.datetime | None = None  # a <time> opening its block with no label at all

    def add(self, kind: str | None, value: dt.datetime | None) -> None:
        if value is None or kind is None:
            return
        if kind == "pub" and self.published is None:
            self.published = value
        elif kind == "upd" and self.modified is None:
            self.modified = value
        elif kind == "bare" and self.bare is None:
            self.bare = value


def page_dates(url: str, root: Element, region: Element, skip: set[Element], meta: dict[str, str],
               ld: list[dict[str, Any]]) -> tuple[dt.datetime | None, dt.datetime | None]:
    """``(published_at, modified_at)``: ``root`` is the page's tree without dialogs and site chrome,
    ``region`` its main region, ``skip`` the elements of other items; see the module docstring."""
    inside = _found(region, skip, None)
    published = (
        inside.published
        or _meta_date(meta, META_PUBLISHED)
        or _ld_date(ld, "datePublished")
        or _meta_date(meta, META_CREATED)
    )
    modified = (
        inside.modified
        or _meta_date(meta, META_MODIFIED)
        or _ld_date(ld, "dateModified")
        or _meta_date(meta, META_CHANGED)
    )
    if published is None or modified is None:  # labels beside the main region (a side column's "Publicerad:")
        body = first(root.getroottree(), "body")
        outside = _found(body, skip, region) if body is not None and body is not region else Found()
        published = published or outside.published
        modified = modified or outside.modified
    return published or inside.bare or _url_date(url), modified


def _found(scope: Element, skip: set[Element], exclude: Element | None) -> Found:
    """Labelled ``<time>`` elements and label lines below ``scope`` (not in ``skip``, not in ``exclude``).

    Label lines are looked for only around text nodes that open with a label word: a page has a
    handful, and testing every element for "a short line that starts with a label" costs more
    than the text extraction."""
    found = Found()
    texts = Found()
    tried: set[Element] = set()
    for el in scope.iter():
        tag = el.tag
        if not isinstance(tag, str):
            continue
        if tag == "time" and el is not scope:
            if not _outside(el, scope, skip, exclude):
                kind = _time_kind(el)
                found.add(kind, parse_datetime(el.get("datetime")) or parse_datetime(normalize_space(get_text(el))))
            continue
        owners = []
        if el.text and _hinted(el.text):
            owners.append(el)
        if el.tail and el is not scope and _hinted(el.tail):
            owners.append(el.getparent())  # a tail is its parent's text
        for owner in owners:
            if owner is None or _outside(owner, scope, skip, exclude):
                continue
            for candidate in _self_and_parents(owner, scope, 2):
                if candidate not in tried:
                    tried.add(candidate)
                    for kind, value in _label_lines(candidate):
                        texts.add(kind, value)
    return Found(found.published or texts.published, found.modified or texts.modified, found.bare)


def _hinted(text: str) -> bool:
    """A label word's stem in the first 80 characters of a text node (a label opens its line;
    a long paragraph's later words are prose, and lower-casing all of it costs)."""
    return _STEM_RE.search(text[:80].lower()) is not None


def _outside(el: Element, scope: Element, skip: set[Element], exclude: Element | None) -> bool:
    """In a skipped element (another item), in ``exclude``, or in a string container (script)."""
    for node in (el, *el.iterancestors()):
        if node is scope:
            return False
        if node in skip or node is exclude or node.tag in ("script", "style", "template"):
            return True
    return False


def _self_and_parents(el: Element, scope: Element, levels: int) -> list[Element]:
    """``el`` and up to ``levels`` ancestors, not above ``scope`` ("<p><strong>Publicerad:</strong>
    2025-10-27</p>": the line is the paragraph's)."""
    out = [el]
    for parent in el.iterancestors():
        if len(out) > levels or out[-1] is scope:
            break
        out.append(parent)
    return out


def _label_lines(el: Element) -> list[tuple[str, dt.datetime]]:
    """Dates that labels give in ``el``: its whole text when short, else each of its own text nodes."""
    text = short_text(el, LABEL_LINE_MAX)
    short = text is not None
    if text is not None:
        lines = [text]
    else:
        lines = [normalize_space(s) for s in (el.text, *(c.tail for c in el)) if s and s.strip()]
    found: list[tuple[str, dt.datetime]] = []
    if short and el.tag in ("dt", "th"):
        kind = label_kind(text or "")
        value = _next_sibling_date(el) if kind else None
        if kind and value:  # <dt>Anslaget publicerat</dt><dd>21 november 2025</dd>
            return [(kind, value)]
    for line in lines:
        for segment in _SEGMENTS.split(line):
            match = _LABEL.match(segment)
            if match is None:
                continue
            rest = segment[match.end():]
            value = leading_date(rest)
            if value is None and not rest.strip() and short:
                value = _next_sibling_date(el)  # <dt>Publicerad</dt><dd>12 mars 2026</dd>
            if value is None:
                continue
            found.append(("pub" if match.group("pub") else "upd", value))
            for later in _LATER_LABEL.finditer(segment, match.end()):  # a metadata line's further labels,
                if not segment[later.start()].isupper():  # capitalised as labels are: "…: beslutet publicerades …"
                    continue  # is a sentence
                if (value := leading_date(segment[later.end():])) is not None:
                    found.append(("pub" if later.group("pub") else "upd", value))
    return found


def _label_only(text: str) -> bool:
    return label_kind(text) is not None


def label_kind(text: str) -> str | None:
    """"pub" or "upd" for a text that is nothing but a label ("Publicerad:", "Senast uppdaterad",
    and in a label element of its own a term and a participle: "Anslaget publicerat",
    "Sidan granskad"), else None."""
    match = _LABEL.match(text)
    if match is not None and not text[match.end():].strip():
        return "pub" if match.group("pub") else "upd"
    match = _TERM_LABEL.fullmatch(text) if len(text) <= _TERM_LABEL_MAX else None
    if match is None:
        return None
    return "pub" if match.group("pub") else "upd"


def is_label_line(text: str) -> bool:
    """A line that opens with a date label ("Publicerad 11 mars 2026 · Uppdaterad …"): the page's
    metadata, not its content."""
    return _LABEL.match(text) is not None


def _next_sibling_date(el: Element) -> dt.datetime | None:
    sibling = el.getnext()
    if sibling is None or not isinstance(sibling.tag, str):
        return None
    return leading_date(normalize_space(get_text(sibling, " ")))


def _time_kind(time: Element) -> str | None:
    """"pub", "upd", "bare" or None (a date in a sentence, a deadline: not the page's)."""
    own = " ".join((class_text(time), time.get("itemprop") or ""))
    if _CLASS_UPDATED.search(own):
        return "upd"
    if _CLASS_PUBLISHED.search(own) or "pubdate" in time.attrib:
        return "pub"
    before = _text_before(time)
    if not before:
        block = _block_of(time)
        previous = block.getprevious() if block is not None else None
        if previous is not None and isinstance(previous.tag, str):
            label = normalize_space(get_text(previous, " "))
            kind = label_kind(label)
            if kind is not None:
                return kind
            if previous.tag in ("dt", "th") or (label.endswith(":") and len(label) <= _TERM_LABEL_MAX):
                return None  # <dt>Sammanträdesdatum</dt><dd><time>: labelled, as something else
    if not before:
        parent = time.getparent()
        attrs = class_text(parent) if parent is not None else ""
        if _CLASS_UPDATED.search(attrs):
            return "upd"
        if _CLASS_PUBLISHED.search(attrs):
            return "pub"
        return None if _beside_content(time) else "bare"
    label = _EDGE_PUNCTUATION.sub("", before)
    match = _LABEL.match(label)
    if match is None or match.end() < len(label):  # "Sista dag att svara:", "… publicerades den": not the page's
        return None
    return "pub" if match.group("pub") else "upd"


def _beside_content(time: Element) -> bool:
    """In a side column or in a block its CMS names as a teaser of another page (an unlabelled
    date there is the other page's)."""
    for parent in time.iterancestors():
        if parent.tag == "aside" or (parent.get("role") or "").lower() == "complementary":
            return True
        if _TEASER_CLASS.search(class_text(parent)):
            return True
    return False


def _block_of(el: Element) -> Element | None:
    for parent in el.iterancestors():
        if parent.tag not in _INLINE:
            return parent
    return None


_EDGE_PUNCTUATION = re.compile(r"^[\W_]+|[\W_]+$")


class _Reached(Exception):
    pass


def _text_before(time: Element) -> str:
    """The text of ``time``'s block before it, after any earlier ``<time>`` ("Publicerad <time>")."""
    block = _block_of(time)
    if block is None:
        return ""
    parts: list[str] = []

    def walk(el: Element) -> None:
        if el is time:
            raise _Reached
        if el.tag == "time":
            parts.clear()
        elif el.text and isinstance(el.tag, str) and el.tag not in ("script", "style"):
            parts.append(el.text)
        for child in el:
            walk(child)
            if isinstance(child.tag, str) and child.tag not in _INLINE:
                parts.clear()  # a heading or paragraph before the time's line is not its label
            if child.tail:
                parts.append(child.tail)

    try:
        walk(block)
    except _Reached:
        pass
    return normalize_space(" ".join(parts)).rstrip(" ·|,")


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


def _url_date(url: str) -> dt.datetime | None:
    """A date in the URL (``/2026/03/11/``, ``/2026-03-11-rubrik``) by htmldate's URL rules only:
    the head's metadata was read above, and its body heuristics take teaser and file dates."""
    try:
        import htmldate

        found = htmldate.find_date("<html><body></body></html>", url=url, extensive_search=False,
                                   original_date=True, outputformat="%Y-%m-%d")
    except Exception as exc:  # htmldate is a heuristic; its failure is not the page's
        log.debug("htmldate failed on %s: %s", url, exc)
        return None
    return parse_datetime(found) if found else None
