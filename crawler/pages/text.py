"""Text helpers shared by every page object: HTML to text, language, dates.

The matcher compares words, dates and times across a social post and a page,
so the text must keep what a reader sees (paragraphs, list items, table
cells) and lose what they don't (scripts, styles, icons).
"""

from __future__ import annotations

import re
from typing import Any

from bs4 import BeautifulSoup, Tag
from bs4.element import Comment, NavigableString
from lxml import etree

from crawler.pages.dates import STOCKHOLM, find_date_in_text, parse_datetime, to_utc
from parity.core.lang import LANGUAGES, detect_lang, normalize_lang
from crawler.pages.tree import CONTAINERS, Element, classes, top_level
from crawler.pages.tree import _context as tree_context

__all__ = [
    "ASSISTIVE_CLASSES",
    "LANGUAGES",
    "STOCKHOLM",
    "detect_lang",
    "find_date_in_text",
    "html_to_text",
    "label_text",
    "normalize_lang",
    "normalize_space",
    "parse_datetime",
    "to_utc",
    "tree_label_text",
    "tree_to_text",
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


def label_text(tag: Tag) -> str:
    """A link's or heading's text as sighted readers see it: no screen-reader-only spans."""

    def hidden(node: NavigableString) -> bool:
        for parent in node.parents:
            if set(parent.get("class") or []) & ASSISTIVE_CLASSES or parent.name in DROP_TAGS:
                return True
            if parent is tag:
                return False
        return False

    parts = [
        str(node)
        for node in tag.descendants
        if isinstance(node, NavigableString) and type(node) is NavigableString and not hidden(node)
    ]
    return normalize_space(" ".join(parts))


def tree_label_text(el: Element) -> str:
    """:func:`label_text` of an element of a :func:`crawler.pages.tree.parse_html` tree."""
    parts: list[str] = []
    _label_strings(el, tree_context(el), False, parts)
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


def _walk(node: Tag, out: list[Any]) -> None:
    for child in node.children:
        if isinstance(child, Comment) or not isinstance(child, (NavigableString, Tag)):
            continue
        if isinstance(child, NavigableString):
            if type(child) is not NavigableString:  # CData, Doctype, ProcessingInstruction, …
                continue
            out.append(str(child))
            continue
        name = child.name
        if name in DROP_TAGS:
            continue
        if child.get("aria-hidden") == "true" or child.has_attr("hidden"):
            continue
        if name == "br":
            out.append(1)
            continue
        if name == "time":
            # inline in prose ("Publicerad <time>12 mars</time>"): keep it inline
            _walk(child, out)
            continue
        level = 2 if name in _PARAGRAPH_TAGS else 1 if name in _LINE_TAGS else 0
        if level:
            out.append(level)
        elif name in _CELL_TAGS:
            out.append(" \t ")
        _walk(child, out)
        if level:
            out.append(level)


def _walk_tree(node: Element, ctx: str | None, out: list[Any]) -> None:
    """:func:`_walk` over an lxml element (see :mod:`crawler.pages.tree`); ``ctx``: the
    innermost string container at or above ``node`` (its strings are text only without one)."""
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
        _walk_tree(child, ctx, out)
        return
    level = 2 if name in _PARAGRAPH_TAGS else 1 if name in _LINE_TAGS else 0
    if level:
        out.append(level)
    elif name in _CELL_TAGS:
        out.append(" \t ")
    _walk_tree(child, ctx, out)
    if level:
        out.append(level)


def tree_to_text(node: Element | etree._ElementTree) -> str:
    """:func:`html_to_text` of an element of a :func:`crawler.pages.tree.parse_html` tree, or of
    the whole document (the ``_ElementTree``)."""
    parts: list[Any] = []
    if isinstance(node, etree._ElementTree):
        for top in top_level(node):  # children of the document
            if isinstance(top.tag, str):
                _walk_child(top, None, parts)
    elif node.tag in DROP_TAGS:
        return ""
    else:
        _walk_tree(node, tree_context(node), parts)
    return _assemble(parts)


def html_to_text(html: str | Tag | BeautifulSoup | None) -> str:
    """Visible text with paragraph breaks (blank line) and line breaks kept.

    Inline whitespace is collapsed, so markup indentation never reaches the
    matcher; scripts, styles, forms' widgets and ``aria-hidden`` icons are dropped.
    """
    if html is None:
        return ""
    if isinstance(html, str):
        if "<" not in html and "&" not in html:
            return "\n".join(normalize_space(line) for line in html.splitlines() if normalize_space(line))
        root: Tag = BeautifulSoup(html, "lxml")
    else:
        root = html
    parts: list[Any] = []
    if isinstance(root, Tag) and root.name in DROP_TAGS:
        return ""
    _walk(root, parts)
    return _assemble(parts)


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


