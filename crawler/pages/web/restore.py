"""Put back what trafilatura dropped from a page whose boilerplate is already gone.

trafilatura decides by itself which part of a page is the article, and on Swedish public
templates it sometimes keeps too little: section headings in Sitevision text portlets
("Förtidsröstning", "16 september 2026" above a meeting's documents), an EPiServer
preamble before ``div.article__body``. Our structural rules (:mod:`crawler.pages.web.boilerplate`)
have already removed chrome, page tools and lists of other items from the region it read,
so what it dropped *inside the article's span* is content:

* a paragraph (40+ characters, mostly not link text, not a "Publicerad …" byline) between
  the title and the last paragraph trafilatura kept goes back after the kept line that
  precedes it;
* a section heading goes back above its section when the section's first paragraph is in
  the text (a heading whose section was dropped stays out with it);
* side boxes of facts (an ``<aside>`` that survived the structural rules: "Kontakt",
  "Plats") are added at the end when missing, as ``<address>`` blocks are.
"""

from __future__ import annotations

from crawler.pages.text import normalize_space
from crawler.pages.tree import Element, get_text
from crawler.pages.web.pagedates import is_label_line

_HEADINGS = ("h2", "h3", "h4", "h5", "h6")
_LEAVES = ("p", "li", "dd", "blockquote", "figcaption", *_HEADINGS)
#: How much of a block identifies its line in the extracted text.
ANCHOR_CHARS = 40
#: A dropped paragraph shorter than this is more likely a widget's label than content.
MIN_PARAGRAPH = 40


def plain(line: str) -> str:
    """A line compared without list bullets, case or spacing."""
    return normalize_space(line.lstrip("-•* ")).lower()


def restore_dropped(text: str, region: Element, title: Element | None) -> str:
    """``text`` (trafilatura's, one block a line) with the paragraphs and headings of ``region``
    it dropped inside the article's span put back in document order (see the module docstring)."""
    if not text:
        return text
    lines = text.split("\n")
    starts: dict[str, int] = {}
    for index, line in enumerate(lines):
        starts.setdefault(_key(line), index)
    for index, line in enumerate(lines):  # a block <br> split over short lines ("Bygglovsenheten<br>Telefon: …")
        if len(plain(line)) < ANCHOR_CHARS:
            starts.setdefault(_key(" ".join(lines[index:index + 4])), index)
    leaves = [el for el in region.iter(*_LEAVES) if next(el.iterdescendants(*_LEAVES), None) is None]
    heads = [_head(el) for el in leaves]
    found = [starts.get(_key(head)) if head else None for head in heads]
    if not any(index is not None for index in found) or all(
            index is not None for index, head in zip(found, heads) if head):
        return text  # trafilatura kept all of it (the common case), or none of it
    first = _first_after(region, leaves, title)
    last = max(i for i, index in enumerate(found) if index is not None)
    # full texts only of the blocks that may come back (a found block's text is already in ``text``)
    texts = [normalize_space(get_text(el, " ")) if head and found[i] is None and first <= i <= last else head
             for i, (el, head) in enumerate(zip(leaves, heads))]
    restored = [False] * len(leaves)
    for i, el in enumerate(leaves):
        if first <= i <= last and found[i] is None and el.tag not in _HEADINGS and texts[i]:
            restored[i] = (len(texts[i]) >= MIN_PARAGRAPH and not _mostly_links(el, texts[i])
                           and not is_label_line(texts[i]))  # a byline is the page's metadata
    for i, el in enumerate(leaves):
        if first <= i <= last and found[i] is None and el.tag in _HEADINGS and texts[i]:
            follower = next((j for j in range(i + 1, len(leaves)) if texts[j]), None)
            restored[i] = follower is not None and leaves[follower].tag not in _HEADINGS and (
                found[follower] is not None or restored[follower])
    inserts: dict[int, list[str]] = {}
    previous = -1
    for i, el in enumerate(leaves):
        if found[i] is not None:
            previous = max(previous, found[i])  # type: ignore[type-var]
        elif restored[i]:
            inserts.setdefault(previous, []).append(("- " if el.tag == "li" else "") + texts[i])
    out: list[str] = list(inserts.get(-1, ()))
    for index, line in enumerate(lines):
        out.append(line)
        out.extend(inserts.get(index, ()))
    return "\n".join(out)


def side_boxes(region: Element) -> list[Element]:
    """Side columns that survived the structural rules: boxes of facts, not of links."""
    return [el for el in region.iter("aside") if not any(a.tag == "aside" for a in el.iterancestors())] + [
        el for el in region.iter() if isinstance(el.tag, str) and el.tag != "aside"
        and (el.get("role") or "").lower() == "complementary"
    ]


def _key(line: str) -> str:
    """What identifies a block's line: its first :data:`ANCHOR_CHARS` characters, compared plainly."""
    return plain(line[: 3 * ANCHOR_CHARS])[:ANCHOR_CHARS]


def _head(el: Element) -> str:
    """The start of ``el``'s text (enough for :func:`_key`), read only that far."""
    pieces: list[str] = []
    size = 0
    for piece in el.itertext():
        flat = " ".join(piece.lstrip()[: 3 * ANCHOR_CHARS].split())
        if flat:
            pieces.append(flat)
            size += len(flat) + 1
            if size > 2 * ANCHOR_CHARS:
                break
    return " ".join(pieces)


def _first_after(region: Element, leaves: list[Element], title: Element | None) -> int:
    """The index of the first leaf after the title heading in document order (0 without one
    in the region): the number of leaves before it, counted up to the title only."""
    if title is None:
        return 0
    wanted = set(leaves)
    before = 0
    for el in region.iter():
        if el is title:
            return before
        if el in wanted:
            before += 1
    return 0


def _mostly_links(el: Element, text: str) -> bool:
    linked = sum(len(normalize_space(get_text(a, " "))) for a in el.iter("a"))
    return linked * 2 >= len(text)
