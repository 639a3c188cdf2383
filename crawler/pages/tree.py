"""One lxml tree per HTML page, read the way BeautifulSoup (lxml parser) reads it.

BeautifulSoup's ``"lxml"`` builder turns libxml2's parse events into pure-Python
objects: about 1 ms for a 12 kB page and 30 ms for a 250 kB one, more than
trafilatura needs to extract the text. :func:`parse_html` feeds the text to the
same libxml2 HTML push parser (one ``feed`` of the whole string, as BeautifulSoup
does), so elements, attributes, comments and strings are the same; the helpers
here give BeautifulSoup's view of them where the page objects' rules depend on it:

* strings inside ``<script>``, ``<style>``, ``<template>``, ``<rt>``, ``<rp>`` are
  not text: BeautifulSoup gives them their own string classes (decided by the
  innermost of these elements around the string), which ``get_text()``,
  ``label_text`` and ``html_to_text`` skip;
* ``class`` (and ``rel``) are lists of whitespace-separated tokens;
* a whitespace-only string outside ``<pre>``/``<textarea>`` counts as one
  newline (or one space when it has no newline); only lengths see this.

What differs and does not matter to the page objects: valueless boolean
attributes (``defer``) hold their own name instead of ``""``, and whitespace
between top-level nodes (around ``<html>``) is not kept.

The document itself (BeautifulSoup's ``[document]``) is the ``_ElementTree``
(:data:`HtmlTree`); its root element is ``<html>``. CSS selectors
(:func:`select`) are cssselect's, the dialect of Scrapy's ``response.css()``,
and like BeautifulSoup's ``select`` they do not look inside ``<template>``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import Union

from cssselect import HTMLTranslator, SelectorError
from lxml import etree

Element = etree._Element
#: A parsed page (BeautifulSoup's ``[document]``): its top-level nodes are the root and its siblings.
HtmlTree = etree._ElementTree
#: An element, or the whole document (BeautifulSoup's ``[document]``).
Scope = Union[etree._Element, etree._ElementTree]

#: Elements whose strings BeautifulSoup does not count as text (bs4's DEFAULT_STRING_CONTAINERS).
CONTAINERS = frozenset({"rt", "rp", "style", "script", "template"})
#: Whitespace inside these is kept as it is (bs4's DEFAULT_PRESERVE_WHITESPACE_TAGS).
PRESERVE_WHITESPACE = frozenset({"pre", "textarea"})
_ASCII_SPACES = " \n\t\x0c\r"


def parse_html(html: str) -> Element | None:
    """The root element of ``html`` (None when the text holds no element at all)."""
    if html[:1] == "\ufeff":  # BeautifulSoup drops a leading byte-order mark
        html = html[1:]
    parser = etree.HTMLParser(default_doctype=False)
    try:
        parser.feed(html)
        return parser.close()
    except (UnicodeDecodeError, LookupError, etree.ParserError):
        # BeautifulSoup's second strategy: the same text as UTF-8 bytes.
        parser = etree.HTMLParser(default_doctype=False, encoding="utf8")
        try:
            parser.feed(html.encode("utf8"))
            return parser.close()
        except (UnicodeDecodeError, LookupError, etree.ParserError) as exc:
            from bs4 import ParserRejectedMarkup

            raise ParserRejectedMarkup(exc) from exc


def is_tag(node: Element) -> bool:
    """An element (not a comment or processing instruction)."""
    return isinstance(node.tag, str)


def classes(el: Element) -> list[str]:
    """The tokens of ``class`` (BeautifulSoup's list)."""
    value = el.get("class")
    return value.split() if value else []


def class_text(el: Element) -> str:
    """``class`` as BeautifulSoup's list joined by single spaces."""
    value = el.get("class")
    return " ".join(value.split()) if value else ""


def first(scope: Scope, tag: str) -> Element | None:
    """BeautifulSoup's ``find(tag)``: the first ``tag`` element inside ``scope`` (a document includes its root)."""
    return next(iter_tags(scope, tag), None)


def iter_tags(scope: Scope, *tags: str) -> Iterator[Element]:
    """BeautifulSoup's ``find_all(tags)``: descendants of ``scope`` in document order (an element
    scope itself excluded; a document's top-level elements included)."""
    if isinstance(scope, etree._ElementTree):
        return _iter_document(scope, tags)
    return scope.iterdescendants(*tags)


def top_level(document: etree._ElementTree) -> list[Element]:
    """The document's top-level nodes, in order.

    Not only the root: libxml2 puts what follows ``</html>`` (a tracking script, a
    comment) in a second top-level ``<html>`` element, as BeautifulSoup does.
    """
    root = document.getroot()
    before = list(root.itersiblings(preceding=True))
    before.reverse()
    return [*before, root, *root.itersiblings()]


def _iter_document(document: etree._ElementTree, tags: tuple[str, ...]) -> Iterator[Element]:
    root = document.getroot()
    if root.getprevious() is None and root.getnext() is None:
        yield from root.iter(*tags)
        return
    for node in top_level(document):
        if isinstance(node.tag, str):
            yield from node.iter(*tags)


def ancestors(el: Element) -> Iterator[Element]:
    """BeautifulSoup's ``parents`` without the document."""
    return el.iterancestors()


def string_container(el: Element | None) -> str | None:
    """The innermost :data:`CONTAINERS` element at or above ``el`` (decides its strings' class)."""
    while el is not None:
        tag = el.tag
        if tag in CONTAINERS:
            return tag  # type: ignore[return-value]
        el = el.getparent()
    return None


def _preserved(el: Element | None) -> bool:
    while el is not None:
        if el.tag in PRESERVE_WHITESPACE:
            return True
        el = el.getparent()
    return False


def _collapse(text: str, preserve: bool) -> str:
    if preserve or text.strip(_ASCII_SPACES):
        return text
    return "\n" if "\n" in text else " "


def _strings(el: Element, ctx: str | None, want: str | None, pre: bool | None, out: list[str]) -> None:
    """Strings below ``el`` whose class is ``want`` (None: plain text); collapsed unless ``pre`` is None."""
    text = el.text
    if text and ctx == want:
        out.append(text if pre is None else _collapse(text, pre))
    for child in el:
        tag = child.tag
        if isinstance(tag, str):
            _strings(
                child,
                tag if tag in CONTAINERS else ctx,
                want,
                None if pre is None else (pre or tag in PRESERVE_WHITESPACE),
                out,
            )
        tail = child.tail
        if tail and ctx == want:
            out.append(tail if pre is None else _collapse(tail, pre))


def _plain_subtree(el: Element) -> bool:
    """No container at, above or below ``el``: every string in it is text."""
    return string_container(el) is None and next(el.iter(*CONTAINERS), None) is None


def get_text(el: Element, separator: str = "", *, collapse: bool = False) -> str:
    """BeautifulSoup's ``get_text(separator)``.

    ``collapse`` gives whitespace-only strings BeautifulSoup's length; without
    it they keep the page's whitespace (the same text once whitespace is normalised).
    """
    tag = el.tag
    if not collapse and not separator and tag not in CONTAINERS and _plain_subtree(el):
        return "".join(el.itertext())
    out: list[str] = []
    _strings(
        el,
        string_container(el),
        tag if tag in CONTAINERS else None,  # type: ignore[arg-type]
        _preserved(el) if collapse else None,
        out,
    )
    return separator.join(out)


def has_text(el: Element) -> bool:
    """``normalize_space(get_text())`` is not empty."""
    return bool(get_text(el).replace("\u00ad", "").split())


def string_of(el: Element) -> str | None:
    """BeautifulSoup's ``.string``: the one string an element holds (through a single child), else None."""
    while True:
        count = len(el)
        text = el.text
        if count == 0:
            return text or None
        if count > 1 or text or el[0].tail:
            return None
        el = el[0]
        if not isinstance(el.tag, str):  # a comment is a string too
            return el.text or ""


def previous_strings(node: Element) -> Iterator[str]:
    """What BeautifulSoup's ``previous_siblings`` of ``node`` hold, nearest first: a tag's
    ``get_text(" ")``, a string's (or comment's) text."""
    parent = node.getparent()
    pre = _preserved(parent)
    prev = node.getprevious()
    while prev is not None:
        tail = prev.tail
        if tail:
            yield _collapse(tail, pre)
        if isinstance(prev.tag, str):
            yield get_text(prev, " ", collapse=True)
        elif prev.tag is etree.Comment:
            yield prev.text or ""
        else:  # a processing instruction (XML only; HTML parsing makes comments of them)
            yield f"{prev.target} {prev.text or ''}"  # type: ignore[attr-defined]
        prev = prev.getprevious()
    if parent is not None:
        if parent.text:
            yield _collapse(parent.text, pre)
    else:  # the root: what precedes it at the top of the document
        doctype = _doctype(node)
        if doctype is not None:
            yield doctype


def _doctype(root: Element) -> str | None:
    """BeautifulSoup's Doctype string for the document's DOCTYPE, if any."""
    info = root.getroottree().docinfo
    name = info.internalDTD.name if info.internalDTD is not None else None
    if name is None:
        return None
    value = name
    public, system = info.public_id, info.system_url
    if public is not None:
        value += f' PUBLIC "{public}"'
        if system is not None:
            value += f' "{system}"'
    elif system is not None:
        value += f' SYSTEM "{system}"'
    return value


# --- CSS selectors and class tests -------------------------------------------------------------------


class InvalidSelector(ValueError):
    """A CSS selector cssselect cannot read; the message says where."""


@functools.lru_cache(maxsize=256)
def _compiled(css: str) -> etree.XPath:
    try:
        xpath = HTMLTranslator().css_to_xpath(css, prefix="descendant::")
    except SelectorError as exc:
        raise InvalidSelector(str(exc)) from exc
    # BeautifulSoup's select (soupsieve) does not enter <template> contents (not part of the document)
    return etree.XPath(f"({xpath})[not(ancestor::template)]")


def select(scope: Scope, css: str) -> list[Element]:
    """Elements below ``scope`` matching ``css``, in document order (an element scope itself excluded).

    Raises :class:`InvalidSelector` for a selector that cannot be read.
    """
    return _compiled(css)(scope)  # type: ignore[no-any-return]


def select_one(scope: Scope, css: str) -> Element | None:
    """The first element of :func:`select`, or None."""
    found = select(scope, css)
    return found[0] if found else None


def class_matches(el: Element, pattern: re.Pattern[str]) -> bool:
    """BeautifulSoup's ``class_=re.compile(...)``: the pattern found in one class token or in the whole value."""
    value = el.get("class")
    if not value:
        return False
    tokens = value.split()
    return any(pattern.search(token) for token in tokens) or bool(pattern.search(" ".join(tokens)))
