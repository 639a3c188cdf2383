"""HTML to text: the one walker every page object uses, over :mod:`crawler.pages.tree`'s lxml tree.

The matcher compares words, dates and times across a social post and a page,
so the text must keep what a reader sees (paragraphs, list items, table
cells) and lose what they don't (scripts, styles, aria-hidden icons, form
widgets). The rules are BeautifulSoup's view of a page (which strings are text),
kept in one walker over the lxml tree. ``benchmarks/text_walkers.py`` is the
measurement behind it: the same rules over a BeautifulSoup tree give the same
text on every page and fragment but need BeautifulSoup's parse (about ten times
lxml's); html-text is slower still and changes the text (keeps aria-hidden
breadcrumb separators and form labels, joins lines of plain text).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from lxml import etree

from crawler.pages.tree import CONTAINERS, Element, HtmlTree, classes, parse_html, string_container, top_level

__all__ = [
    "ASSISTIVE_CLASSES",
    "DROP_TAGS",
    "element_text",
    "fold_accents",
    "html_to_text",
    "label_text",
    "normalize_space",
]

#: Elements whose content is never shown as text.
DROP_TAGS = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "svg",
        "head",
        "iframe",
        "object",
        "embed",
        "canvas",
        "select",
        "button",
        "input",
        "textarea",
        "map",
        "math",
    }
)
_PARAGRAPH_TAGS = frozenset(
    {
        "p",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "ul",
        "ol",
        "dl",
        "table",
        "section",
        "article",
        "blockquote",
        "pre",
        "header",
        "footer",
        "main",
        "aside",
        "figure",
        "form",
        "address",
        "nav",
        "fieldset",
        "details",
        "hr",
    }
)
_LINE_TAGS = frozenset(
    {
        "div",
        "li",
        "tr",
        "dt",
        "dd",
        "figcaption",
        "caption",
        "summary",
        "legend",
        "label",
        "time",
    }
)
_CELL_TAGS = frozenset({"td", "th"})


def normalize_space(text: str | None) -> str:
    """Collapse every run of whitespace (incl. NBSP and soft hyphens' neighbours) to one space."""
    if not text:
        return ""
    return " ".join(text.replace("\u00ad", "").split())


def fold_accents(text: str) -> str:
    """``"Störningar"`` → ``"Storningar"``: letters without their diacritics (URL slugs drop them)."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


#: Classes of text meant for screen readers only ("Pdf, 233.1 kB."): kept in
#: body text, dropped from labels such as link titles.
ASSISTIVE_CLASSES = frozenset(
    {
        "env-assistive-text",
        "sr-only",
        "visually-hidden",
        "visuallyhidden",
        "screen-reader-text",
        "hidden",
    }
)


def label_text(el: Element) -> str:
    """A link's or heading's text as sighted readers see it: no screen-reader-only spans."""
    parts: list[str] = []
    _label_strings(el, string_container(el), False, parts)
    return normalize_space(" ".join(parts))


def _label_strings(el: Element, ctx: str | None, hidden: bool, out: list[str]) -> None:
    hidden = hidden or el.tag in DROP_TAGS or not ASSISTIVE_CLASSES.isdisjoint(classes(el))
    keep = ctx is None and not hidden
    if keep and el.text:
        out.append(el.text)
    for child in el:
        tag = child.tag
        if isinstance(tag, str):
            _label_strings(child, tag if tag in CONTAINERS else ctx, hidden, out)
        if keep and child.tail:
            out.append(child.tail)


def _walk(node: Element, ctx: str | None, out: list[Any]) -> None:
    """Text and break levels of ``node``'s children into ``out``; ``ctx``: the innermost string
    container at or above ``node`` (see :data:`crawler.pages.tree.CONTAINERS`): its strings are no text."""
    if node.text and ctx is None:
        out.append(node.text)
    for child in node:
        if isinstance(child.tag, str):
            _walk_child(child, ctx, out)
        if child.tail and ctx is None:
            out.append(child.tail)


def _walk_child(child: Element, ctx: str | None, out: list[Any]) -> None:
    name = child.tag
    if name in DROP_TAGS:
        return
    if child.get("aria-hidden") == "true" or "hidden" in child.attrib:
        return
    if name == "br":
        out.append(1)
        return
    if name in CONTAINERS:  # rt, rp (script, style, template are dropped above)
        ctx = name
    if name == "time":
        # inline in prose ("Publicerad <time>12 mars</time>"): keep it inline
        _walk(child, ctx, out)
        return
    level = 2 if name in _PARAGRAPH_TAGS else 1 if name in _LINE_TAGS else 0
    if level:
        out.append(level)
    elif name in _CELL_TAGS:
        out.append(" \t ")
    _walk(child, ctx, out)
    if level:
        out.append(level)


def element_text(node: Element | HtmlTree) -> str:
    """Visible text of an element, or of the whole document, with paragraph breaks (blank line)
    and line breaks kept.

    Inline whitespace is collapsed, so markup indentation never reaches the
    matcher; scripts, styles, forms' widgets and ``aria-hidden``/``hidden``
    elements are dropped; table cells are separated by a space.
    """
    parts: list[Any] = []
    if isinstance(node, etree._ElementTree):
        for top in top_level(node):  # children of the document
            if isinstance(top.tag, str):
                _walk_child(top, None, parts)
    elif node.tag in DROP_TAGS:
        return ""
    else:
        _walk(node, string_container(node), parts)
    return _assemble(parts)


def html_to_text(html: str | None) -> str:
    """:func:`element_text` of an HTML string (a feed entry's or a post's content, a JSON field).

    Text without markup keeps its lines (each tidied, blank ones dropped).
    """
    if not html:
        return ""
    if "<" not in html and "&" not in html:
        return "\n".join(normalize_space(line) for line in html.splitlines() if normalize_space(line))
    root = parse_html(html)
    return element_text(root.getroottree()) if root is not None else ""


_BLANK_LINES = re.compile(r"\n{3,}")


def _assemble(parts: list[Any]) -> str:
    blocks: list[str] = []
    current: list[str] = []
    pending = 0  # strongest break seen since the last written line

    for part in [*parts, 0]:
        if not isinstance(part, int):
            current.append(part)
            continue
        line = normalize_space("".join(current).replace(" \t ", " "))
        current.clear()
        if line:
            if blocks:
                blocks.append("\n\n" if pending >= 2 else "\n" if pending == 1 else " ")
            blocks.append(line)
            pending = part
        else:
            pending = max(pending, part)
    text = "".join(blocks)
    return _BLANK_LINES.sub("\n\n", text).strip()


